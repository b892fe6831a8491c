#pragma once
// The project's error type and exit codes (sysexits style, documented in README.md).
#include <stdexcept>
#include <string>

namespace spine {

enum class ExitCode : int {
  Ok = 0,
  Usage = 64,     ///< EX_USAGE: bad command line
  DataError = 65, ///< EX_DATAERR: input exists but cannot be analysed (corrupt, unsupported, over a cap)
  NoInput = 66,   ///< EX_NOINPUT: input missing, unreadable, or holds no files
  Unavailable = 69, ///< EX_UNAVAILABLE: a service the command needs is missing (no X display for the viewer)
  Internal = 70,  ///< EX_SOFTWARE: a bug, or a third-party parser crashed
  CantCreate = 73,///< EX_CANTCREAT: output directory cannot be written
  TempFail = 75,  ///< EX_TEMPFAIL: retry later (e.g. time limit reached, resources busy)
};

/// An error that stops the analysis of one study. Carries the stage ("ingest", "decode", ...),
/// the file it concerns (may be empty) and the exit code the command returns for it.
class SpineError : public std::runtime_error {
public:
  SpineError(ExitCode code, std::string stage, std::string file, const std::string& problem)
      : std::runtime_error(problem), m_code(code), m_stage(std::move(stage)), m_file(std::move(file)) {}

  ExitCode code() const { return m_code; }
  const std::string& stage() const { return m_stage; }
  const std::string& file() const { return m_file; }
  /// One line for the user: "<file>: <problem> [stage]".
  std::string oneLine() const;

private:
  ExitCode m_code;
  std::string m_stage;
  std::string m_file;
};

[[noreturn]] inline void throwDataError(const std::string& stage, const std::string& file,
                                        const std::string& problem) {
  throw SpineError(ExitCode::DataError, stage, file, problem);
}

}  // namespace spine
