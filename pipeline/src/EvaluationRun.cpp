#include "spine/EvaluationRun.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include "spine/AtomicFile.h"
#include "spine/Error.h"

extern char** environ;

namespace spine {
namespace fs = std::filesystem;

namespace {

/// Runs argv, stdout/stderr to `log`; returns the exit code (128 + signal when killed).
int runLogged(const std::vector<std::string>& argv, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw SpineError(ExitCode::Internal, "evaluate", argv[0], "cannot start the analyzer");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string lastLine(const std::string& file) {
  std::ifstream in(file);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

CaseScore evaluateOne(const EvalCase& c, const EvaluateOptions& o) {
  fs::path dir = fs::path(o.outDir) / "cases" / c.name;
  fs::create_directories(dir);
  fs::path analysis = dir / "analysis";
  double seconds = 0;
  std::string error;
  if (!o.scoreOnly || !fs::exists(analysis / "report.json")) {
    std::vector<std::string> argv{o.analyzer, "analyze", c.input, "--out", analysis.string(), "--quiet"};
    if (!c.modality.empty()) argv.insert(argv.end(), {"--modality", c.modality});
    argv.insert(argv.end(), o.extraArgs.begin(), o.extraArgs.end());
    auto t0 = std::chrono::steady_clock::now();
    int code = runLogged(argv, (dir / "analyze.log").string());
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (code != 0) error = "analyze exit " + std::to_string(code) + ": " + lastLine((dir / "analyze.log").string());
  }
  LevelSet truth = readTruth(c);
  LevelSet pred = error.empty() ? readPrediction(analysis.string()) : LevelSet{};
  CaseScore s = scoreCase(c.name, truth, pred);
  s.error = error;
  s.seconds = seconds;
  return s;
}

/// Case files from the arguments: a case.json, a folder holding one, or a folder of such folders
/// and *.json case files.
std::vector<std::string> expandCases(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const std::string& a : args) {
    if (!fs::is_directory(a) || fs::exists(fs::path(a) / "case.json")) {
      out.push_back(a);
      continue;
    }
    std::vector<std::string> inner;
    for (const auto& e : fs::directory_iterator(a))
      if (fs::exists(e.path() / "case.json") || (e.is_regular_file() && e.path().extension() == ".json"))
        inner.push_back(e.path().string());
    if (inner.empty()) throw SpineError(ExitCode::NoInput, "evaluate", a, "holds no case.json and no case folders");
    std::sort(inner.begin(), inner.end());
    out.insert(out.end(), inner.begin(), inner.end());
  }
  return out;
}

}  // namespace

SuiteResult runEvaluation(const std::vector<std::string>& caseFiles, const EvaluateOptions& o) {
  std::error_code ec;
  fs::create_directories(o.outDir, ec);
  if (ec) throw SpineError(ExitCode::CantCreate, "evaluate", o.outDir, "cannot create output folder: " + ec.message());
  SuiteResult r;
  for (const std::string& f : expandCases(caseFiles)) {
    EvalCase c = readEvalCase(f);
    if (!fs::exists(c.input)) {
      r.skipped.push_back(c.name + ": input " + c.input + " is absent (skipped)");
      continue;
    }
    r.scored.push_back(evaluateOne(c, o));
  }
  nlohmann::json j = suiteJson(r.scored);
  j["skipped"] = r.skipped;
  writeFileAtomically((fs::path(o.outDir) / "evaluation.json").string(), j.dump(2) + "\n", "evaluate");
  writeFileAtomically((fs::path(o.outDir) / "evaluation.txt").string(), suiteTable(r.scored), "evaluate");
  return r;
}

}  // namespace spine
