#include "spine/service/OrthancWorker.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <nlohmann/json.hpp>

#include "spine/AtomicFile.h"
#include "spine/Batch.h"
#include "spine/ChildProcess.h"
#include "spine/Error.h"
#include "spine/service/HttpClient.h"

namespace spine::service {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Where the worker keeps its results and its place in the change log.
struct WorkerState {
  fs::path dir;
  long lastChange = 0;

  fs::path stateFile() const { return dir / "orthanc-worker.json"; }
  fs::path done(const std::string& id) const { return dir / "studies" / id; }
  fs::path work(const std::string& id) const { return dir / ".work" / id; }
  fs::path log(const std::string& id) const { return dir / "logs" / (id + ".log"); }

  void load() {
    std::ifstream in(stateFile());
    json j = json::parse(in, nullptr, false);
    if (!j.is_discarded()) lastChange = j.value("last_change", 0L);
  }
  void save() const { writeFileAtomically(stateFile().string(), json{{"last_change", lastChange}}.dump() + "\n", "orthanc"); }
};

json getJson(const HttpClient& http, const std::string& path) {
  HttpResponse r = http.get(path);
  if (r.status != 200)
    throw SpineError(ExitCode::Unavailable, "orthanc", http.baseUrl() + path,
                     r.status ? "answered HTTP " + std::to_string(r.status) : "no answer: " + r.body);
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) throw SpineError(ExitCode::Unavailable, "orthanc", http.baseUrl() + path, "answered something that is not JSON");
  return j;
}

/// True when the study holds a CT or MR series (our own results alone are not analysed again).
bool hasImageSeries(const HttpClient& http, const std::string& id) {
  for (const json& series : getJson(http, "/studies/" + id + "/series")) {
    const std::string modality = series.value("MainDicomTags", json::object()).value("Modality", "");
    if (modality == "CT" || modality == "MR") return true;
  }
  return false;
}

std::size_t uploadResults(const HttpClient& http, const fs::path& analysis, WorkerStudy& s) {
  std::ifstream in(analysis / "report.json");
  json report = json::parse(in, nullptr, false);
  std::size_t sent = 0;
  for (const json& f : report.value("outputs", json::object()).value("files", json::array())) {
    const std::string name = f.get<std::string>();
    if (name.rfind("dicom/", 0) != 0) continue;
    std::ifstream file(analysis / name, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    HttpResponse r = http.post("/instances", bytes, "application/dicom");
    if (r.status != 200) s.error += name + ": HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200) + "; ";
    else ++sent;
  }
  return sent;
}

WorkerStudy handleStudy(const HttpClient& http, const std::string& id, const OrthancWorkerOptions& o, const WorkerState& state) {
  WorkerStudy s;
  s.orthancId = id;
  if (fs::exists(state.done(id) / "report.json")) return s.status = "already done", s;
  if (!hasImageSeries(http, id)) return s.status = "no image series", s;
  std::error_code ec;
  fs::remove_all(state.work(id), ec);
  fs::create_directories(state.work(id));
  const std::string zip = (state.work(id) / "study.zip").string();
  HttpResponse got = http.download("/studies/" + id + "/archive", zip);
  if (got.status != 200) return s.status = "failed", s.exitCode = int(ExitCode::TempFail), s.error = "download: HTTP " + std::to_string(got.status) + " " + got.body, s;
  std::vector<std::string> argv{o.analyzer, "analyze", zip, "--out", (state.work(id) / "analysis").string(), "--quiet"};
  argv.insert(argv.end(), o.analyzeArgs.begin(), o.analyzeArgs.end());
  s.exitCode = runLogged(argv, state.log(id).string(), "orthanc");
  if (s.exitCode != 0) return s.status = "failed", s.error = lastLine(state.log(id).string()), s;
  fs::remove(zip, ec);
  fs::remove_all(state.done(id), ec);
  fs::rename(state.work(id) / "analysis", state.done(id));
  fs::remove_all(state.work(id), ec);
  s.status = "analysed";
  if (o.upload) s.uploaded = uploadResults(http, state.done(id), s);
  return s;
}

/// One study, its failure kept as its outcome (a study deleted meanwhile, Orthanc busy) and logged.
WorkerStudy handleSafely(const HttpClient& http, const std::string& id, const OrthancWorkerOptions& o, const WorkerState& state,
                         const std::function<void(const std::string&)>& log) {
  WorkerStudy s;
  try {
    s = handleStudy(http, id, o, state);
  } catch (const SpineError& e) {
    s.orthancId = id, s.status = "failed", s.exitCode = int(e.code()), s.error = e.oneLine();
  }
  if (log)
    log("study " + s.orthancId + ": " + s.status + (s.uploaded ? ", " + std::to_string(s.uploaded) + " result instance(s) posted" : "") +
        (s.error.empty() ? "" : ": " + s.error));
  return s;
}

/// With `once`: true when Orthanc knows no study that is still receiving instances.
bool everyStudyStable(const HttpClient& http) {
  for (const json& id : getJson(http, "/studies"))
    if (!getJson(http, "/studies/" + id.get<std::string>()).value("IsStable", false)) return false;
  return true;
}

}  // namespace

std::vector<WorkerStudy> runOrthancWorker(const OrthancWorkerOptions& o, const std::function<void(const std::string&)>& log) {
  const HttpClient http(o.url, o.user, o.password);
  getJson(http, "/system");  // reachable, and an Orthanc
  WorkerState state{o.outDir};
  for (const char* sub : {"studies", ".work", "logs"}) createOutputFolder((state.dir / sub).string(), "orthanc");
  state.load();
  std::vector<WorkerStudy> handled;
  const auto started = std::chrono::steady_clock::now();
  bool finalPass = false;  // with `once`: one more look at the change log after everything is stable
  for (;;) {
    json changes = getJson(http, "/changes?since=" + std::to_string(state.lastChange) + "&limit=100");
    std::size_t before = handled.size();
    for (const json& c : changes.value("Changes", json::array())) {
      if (c.value("ChangeType", "") == "StableStudy") handled.push_back(handleSafely(http, c.value("ID", ""), o, state, log));
      state.lastChange = c.value("Seq", state.lastChange);
      state.save();
    }
    if (!changes.value("Done", true)) continue;
    if (finalPass && handled.size() == before) break;
    const bool waitedTooLong = std::chrono::steady_clock::now() - started > std::chrono::seconds(o.onceWaitSeconds);
    finalPass = o.once && (waitedTooLong || everyStudyStable(http));
    if (!finalPass) std::this_thread::sleep_for(std::chrono::seconds(o.pollSeconds));
  }
  return handled;
}

}  // namespace spine::service
