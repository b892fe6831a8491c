#include <chrono>

#include "spine/Detector.h"
#include "spine/Error.h"
#include "spine/Isolation.h"

namespace spine {

using json = nlohmann::json;

namespace {

std::string findingsText(const Detector& d, const DetectorInput& input) {
  json list = json::array();
  for (Finding f : d.detect(input)) {
    if (f.detector.empty()) f.detector = d.name();
    list.push_back(toJson(f));
  }
  return list.dump();
}

/// The detector's findings, run in a child process unless params say otherwise. Throws
/// SpineError with the reason when it fails.
std::vector<Finding> detectOne(const Detector& d, const DetectorInput& input, const DetectorRunParams& params) {
  std::string text;
  if (params.isolate) {
    IsolationLimits limits;
    limits.wallSeconds = params.wallSeconds;
    IsolatedOutput out = runIsolatedForOutput([&] { return findingsText(d, input); }, limits);
    if (!out.ok) throw SpineError(ExitCode::Internal, "detectors", d.name(), out.failure);
    text = out.output;
  } else {
    text = findingsText(d, input);
  }
  json list = json::parse(text, nullptr, false);
  if (!list.is_array()) throwDataError("detectors", d.name(), "returned something that is not a list of findings");
  std::vector<Finding> findings;
  for (const json& f : list) findings.push_back(findingFromJson(f, d.name()));
  return findings;
}

}  // namespace

DetectorRun runDetectors(const std::vector<std::unique_ptr<Detector>>& detectors, const DetectorInput& input,
                         const DetectorRunParams& params) {
  DetectorRun run;
  std::vector<Finding> failures;
  for (const auto& d : detectors) {
    DetectorStatus status{d->name(), "ran", "", 0, 0};
    if (!d->appliesTo(input.volume.modality)) {
      status.outcome = "not applicable";
      status.why = std::string("does not read ") + toString(input.volume.modality);
      run.statuses.push_back(status);
      continue;
    }
    auto start = std::chrono::steady_clock::now();
    try {
      std::vector<Finding> found = detectOne(*d, input, params);
      status.findings = found.size();
      run.findings.insert(run.findings.end(), found.begin(), found.end());
    } catch (const std::exception& e) {
      status.outcome = "failed";
      status.why = e.what();
      failures.push_back(detectorFailure(d->name(), e.what()));
    }
    status.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.statuses.push_back(status);
  }
  run.findings.insert(run.findings.end(), failures.begin(), failures.end());
  return run;
}

}  // namespace spine
