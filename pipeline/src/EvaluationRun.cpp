#include "spine/EvaluationRun.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "spine/AtomicFile.h"
#include "spine/ChildProcess.h"
#include "spine/Error.h"

namespace spine {
namespace fs = std::filesystem;

namespace {

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
    std::filesystem::remove(dir / "analyze.log");
    int code = runLogged(argv, (dir / "analyze.log").string(), "evaluate");
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
