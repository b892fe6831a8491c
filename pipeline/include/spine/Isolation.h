#pragma once
// Runs one study's analysis in a child process with memory, CPU-time and wall-time limits, so a
// third-party parser crash or hang on a poisoned file fails that study with a clear error (naming
// the file it was reading) instead of taking down the caller or a batch.
#include <cstdint>
#include <functional>
#include <string>

namespace spine {

struct IsolationLimits {
  std::uint64_t addressSpaceBytes = 16ull << 30;  ///< RLIMIT_AS of the child (above the pixel cap: libraries, stacks)
  unsigned cpuSeconds = 3600;                     ///< RLIMIT_CPU
  unsigned wallSeconds = 1800;                    ///< killed after this long
  std::uint64_t stackBytes = 32ull << 20;         ///< RLIMIT_STACK: runaway recursion in a parser ends as a crash, not a hang
};

struct IsolatedResult {
  int exitCode = 0;          ///< the child's exit code, or the code chosen for a crash / time-out
  std::string failure;       ///< set when the child crashed or timed out: one line, names the file
};

/// Records the file the child is about to parse (async-signal-safe shared page). Call from the child.
void recordCurrentFile(const std::string& file);

/// Forks; the child runs `work` (its return value is the exit code) and the parent waits.
IsolatedResult runIsolated(const std::function<int()>& work, const IsolationLimits& limits);

struct IsolatedOutput {
  bool ok = false;
  std::string output;   ///< what `work` returned, when ok
  std::string failure;  ///< otherwise: the exception's message, the signal, or the time-out
};

/// Forks; the child runs `work` and hands its text back through a temporary file. An exception in
/// `work`, a crash or the wall-time limit gives ok = false with the reason.
IsolatedOutput runIsolatedForOutput(const std::function<std::string()>& work, const IsolationLimits& limits);

}  // namespace spine
