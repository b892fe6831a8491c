#include "spine/Batch.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <sys/wait.h>

#include "spine/AtomicFile.h"
#include "spine/ChildProcess.h"
#include "spine/Error.h"

namespace spine {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

struct Layout {
  fs::path out;
  fs::path done(const std::string& id) const { return out / id; }
  fs::path work(const std::string& id) const { return out / ".work" / id; }
  fs::path log(const std::string& id) const { return out / "logs" / (id + ".log"); }
  fs::path failure(const std::string& id) const { return out / "failed" / (id + ".json"); }
};

std::vector<BatchStudy> listStudies(const std::string& inDir) {
  std::error_code ec;
  if (!fs::is_directory(inDir, ec)) throw SpineError(ExitCode::NoInput, "batch", inDir, "is not a folder of studies");
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(inDir))
    if (e.path().filename().string().front() != '.') entries.push_back(e.path());
  if (entries.empty()) throw SpineError(ExitCode::NoInput, "batch", inDir, "holds no study");
  std::sort(entries.begin(), entries.end());
  std::vector<BatchStudy> studies;
  std::set<std::string> ids;
  for (const fs::path& p : entries) {
    std::string id = studyId(p.filename().string());
    for (int n = 2; ids.count(id); ++n) id = studyId(p.filename().string()) + "-" + std::to_string(n);
    ids.insert(id);
    BatchStudy s;
    s.id = id, s.input = p.string();
    studies.push_back(s);
  }
  return studies;
}

/// What the finished analysis says: numbering status, level and finding counts.
void readOutcome(BatchStudy& s, const fs::path& reportFile) {
  std::ifstream in(reportFile);
  json r = json::parse(in, nullptr, false);
  if (r.is_discarded()) return;
  s.numbering = r.value("numbering", json::object()).value("status", "");
  s.levels = r.value("vertebrae", json::array()).size() + r.value("discs", json::array()).size();
  s.findings = r.value("findings", json::array()).size();
  for (const char* list : {"vertebrae", "discs"})
    for (const json& l : r.value(list, json::array())) s.findings += l.value("findings", json::array()).size();
}

/// Skips a study already finished, or failed before for a reason not worth retrying.
bool alreadySettled(BatchStudy& s, const Layout& layout, bool retryFailed) {
  if (fs::exists(layout.done(s.id) / "report.json")) {
    s.status = "already done";
    readOutcome(s, layout.done(s.id) / "report.json");
    return true;
  }
  std::ifstream in(layout.failure(s.id));
  json f = json::parse(in, nullptr, false);
  if (f.is_discarded() || retryFailed || f.value("retryable", true)) return false;
  s.status = "failed before", s.exitCode = f.value("exit_code", 65), s.error = f.value("error", "");
  return true;
}

void finish(BatchStudy& s, int code, const Layout& layout) {
  std::error_code ec;
  if (code == 0) {
    fs::remove_all(layout.done(s.id), ec);  // a leftover without report.json is not a result
    fs::rename(layout.work(s.id), layout.done(s.id), ec);
    if (ec) code = int(ExitCode::CantCreate), s.error = layout.done(s.id).string() + ": " + ec.message();
  }
  s.exitCode = code;
  if (code == 0) {
    s.status = "analysed";
    fs::remove(layout.failure(s.id), ec);
    readOutcome(s, layout.done(s.id) / "report.json");
    return;
  }
  s.status = "failed", s.retryable = retryableExit(code);
  if (s.error.empty()) s.error = lastLine(layout.log(s.id).string());
  fs::remove_all(layout.work(s.id), ec);
  json record = {{"study", s.id}, {"input", s.input}, {"exit_code", code}, {"retryable", s.retryable}, {"error", s.error}};
  writeFileAtomically(layout.failure(s.id).string(), record.dump(2) + "\n", "batch");
}

pid_t start(const BatchStudy& s, const BatchOptions& o, const Layout& layout) {
  std::error_code ec;
  fs::remove_all(layout.work(s.id), ec);  // what an interrupted run left
  std::vector<std::string> argv{o.analyzer, "analyze", s.input, "--out", layout.work(s.id).string(), "--quiet"};
  argv.insert(argv.end(), o.analyzeArgs.begin(), o.analyzeArgs.end());
  return spawnLogged(argv, layout.log(s.id).string(), "batch");
}

int overallExit(const std::vector<BatchStudy>& studies) {
  bool retry = false, bad = false;
  for (const BatchStudy& s : studies)
    if (s.exitCode != 0) (s.retryable ? retry : bad) = true;
  return retry ? int(ExitCode::TempFail) : bad ? int(ExitCode::DataError) : 0;
}

}  // namespace

bool retryableExit(int code) {
  return code == int(ExitCode::Unavailable) || code == int(ExitCode::CantCreate) || code == int(ExitCode::TempFail) || code >= 128;
}

std::string studyId(const std::string& name) {
  std::string id;
  for (char c : name) id += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  if (id.empty() || id == "." || id == "..") id = "study" + id;
  return id;
}

BatchResult runBatch(const BatchOptions& o, const std::function<void(const BatchProgress&)>& progress) {
  BatchResult result;
  if (o.shards == 0 || o.shard >= o.shards)
    throw SpineError(ExitCode::Usage, "batch", o.inDir, "shard " + std::to_string(o.shard) + " of " + std::to_string(o.shards) + " does not exist");
  std::vector<BatchStudy> all = listStudies(o.inDir);
  for (std::size_t i = o.shard; i < all.size(); i += o.shards) result.studies.push_back(all[i]);
  const Layout layout{o.outDir};
  for (const char* sub : {".work", "logs", "failed"}) createOutputFolder((layout.out / sub).string(), "batch");
  BatchProgress p;
  p.total = result.studies.size();
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < result.studies.size(); ++i)
    alreadySettled(result.studies[i], layout, o.retryFailed) ? void(++p.finished) : pending.push_back(i);
  std::reverse(pending.begin(), pending.end());
  std::map<pid_t, std::pair<std::size_t, Clock::time_point>> running;
  while (!pending.empty() || !running.empty()) {
    while (!pending.empty() && running.size() < std::max(1u, o.jobs)) {
      const std::size_t i = pending.back();
      pending.pop_back();
      running[start(result.studies[i], o, layout)] = {i, Clock::now()};
    }
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    auto it = running.find(pid);
    if (pid < 0 || it == running.end()) continue;
    BatchStudy& s = result.studies[it->second.first];
    s.seconds = std::chrono::duration<double>(Clock::now() - it->second.second).count();
    running.erase(it);
    finish(s, exitCodeOf(status), layout);
    ++p.finished, p.failed += s.exitCode != 0, p.running = running.size(), p.last = &s;
    if (progress) progress(p);
  }
  result.exitCode = overallExit(result.studies);
  const std::string name = batchSummaryName(o);
  writeFileAtomically((layout.out / (name + ".json")).string(), batchJson(result).dump(2) + "\n", "batch");
  writeFileAtomically((layout.out / (name + ".txt")).string(), batchTable(result), "batch");
  return result;
}

std::string batchSummaryName(const BatchOptions& o) {
  return o.shards <= 1 ? "batch-summary" : "batch-summary-shard-" + std::to_string(o.shard) + "-of-" + std::to_string(o.shards);
}

std::string batchTable(const BatchResult& r) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-32s %-13s %4s %7s %-16s %6s %8s  %s\n", "study", "status", "exit", "seconds", "numbering",
                "levels", "findings", "error");
  out += line;
  for (const BatchStudy& s : r.studies) {
    std::snprintf(line, sizeof line, "%-32s %-13s %4d %7.1f %-16s %6zu %8zu  %s\n", s.id.c_str(), s.status.c_str(), s.exitCode,
                  s.seconds, s.numbering.c_str(), s.levels, s.findings, s.error.substr(0, 200).c_str());
    out += line;
  }
  return out;
}

json batchJson(const BatchResult& r) {
  json studies = json::array();
  std::map<std::string, int> counts;
  for (const BatchStudy& s : r.studies) {
    ++counts[s.status];
    studies.push_back({{"study", s.id}, {"input", s.input}, {"status", s.status}, {"exit_code", s.exitCode},
                       {"retryable", s.retryable}, {"error", s.error}, {"seconds", s.seconds}, {"numbering", s.numbering},
                       {"levels", s.levels}, {"findings", s.findings}});
  }
  return {{"exit_code", r.exitCode}, {"counts", counts}, {"studies", studies}};
}

}  // namespace spine
