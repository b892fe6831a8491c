#pragma once
// Starting another program (normally this `spinereview` itself) with its output in a log file:
// the harness and the batch run every study in a process of its own.
#include <string>
#include <vector>

#include <sys/types.h>

namespace spine {

/// Starts argv[0] with `argv`, stdout and stderr appended to `log`. Throws SpineError (Internal,
/// for `stage`) when it cannot be started.
pid_t spawnLogged(const std::vector<std::string>& argv, const std::string& log, const std::string& stage);

/// The exit code of a finished child's wait status; 128 + the signal when it was killed.
int exitCodeOf(int waitStatus);

/// spawnLogged, then waits for it; returns exitCodeOf.
int runLogged(const std::vector<std::string>& argv, const std::string& log, const std::string& stage);

/// The last non-empty line of a text file ("" when absent).
std::string lastLine(const std::string& file);

/// This program's own path (/proc/self/exe), to start it again.
std::string selfExecutable();

}  // namespace spine
