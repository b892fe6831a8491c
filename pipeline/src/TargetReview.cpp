#include "spine/TargetReview.h"

#include <ctime>
#include <filesystem>
#include <fstream>

#include "spine/AtomicFile.h"
#include "spine/Error.h"
#include "spine/Report.h"

namespace spine {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string utcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

namespace {

const json* findLevel(const json& report, const std::string& name) {
  for (const char* list : {"vertebrae", "discs"})
    if (report.contains(list) && report[list].is_array())
      for (const json& level : report[list])
        if (level.value("name", "") == name) return &level;
  return nullptr;
}


}  // namespace

void addTargetReview(json& report, TargetReview review) {
  if (review.level.empty()) throw SpineError(ExitCode::Usage, "review", "", "no target level to confirm");
  if (review.reviewer.empty()) throw SpineError(ExitCode::Usage, "review", "", "no reviewer name: who confirms?");
  if (review.timeUtc.empty()) review.timeUtc = utcNow();
  const json* level = findLevel(report, review.level);
  json entry = {{"level", review.level},
                {"decision", review.agreed ? "confirmed" : "disagreed"},
                {"reviewer", review.reviewer},
                {"time_utc", review.timeUtc},
                {"note", review.note},
                {"numbering_status", report.contains("numbering") ? report["numbering"].value("status", "") : ""},
                {"label", level ? (*level)["label"] : json(nullptr)},
                {"centroid_lps_mm", level ? (*level)["centroid_lps_mm"] : json(nullptr)}};
  if (!report.contains("target_reviews") || !report["target_reviews"].is_array()) report["target_reviews"] = json::array();
  report["target_reviews"].push_back(entry);
}

json recordTargetReview(const std::string& reportDir, const TargetReview& review) {
  json report = readReport(reportDir, "review");
  addTargetReview(report, review);
  writeReportAtomically(report, reportDir);
  return report;
}

}  // namespace spine
