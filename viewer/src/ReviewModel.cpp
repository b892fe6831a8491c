#include "spine/viewer/ReviewModel.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "spine/Error.h"
#include "spine/Report.h"
#include "spine/Vec3Json.h"

namespace spine::viewer {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string ReviewFinding::describe() const {
  if (!summary.empty()) return summary;
  std::string where;
  for (const std::string& l : levels) where += (where.empty() ? " " : ", ") + l;
  std::string text = kind + where;
  if (!certainty.empty()) text += " (" + certainty + ")";
  if (!measurements.empty()) text += ": " + measurements;
  return text;
}

std::string ReviewFinding::tag() const {
  std::string what = object.empty() ? kind : object == "pedicle screw" ? "screw" : object;
  if (!levels.empty()) what += " " + levels.front() + (levels.size() > 1 ? "-" + levels.back() : "");
  if (!side.empty()) what += " " + side;
  return what;
}

int ReviewModel::levelIndex(const std::string& name) const {
  for (size_t i = 0; i < levels.size(); ++i)
    if (levels[i].name == name) return int(i);
  return -1;
}

namespace {

std::vector<std::string> strings(const json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const json& s : j)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

std::string measurementsText(const json& m) {
  std::string text;
  if (!m.is_object()) return text;
  for (const auto& [name, value] : m.items()) {
    char number[64] = "";
    if (value.is_number()) std::snprintf(number, sizeof number, "%.1f", value.get<double>());
    else if (value.is_object() && value.contains("value") && value["value"].is_number())
      std::snprintf(number, sizeof number, "%.1f %s", value["value"].get<double>(), value.value("unit", "").c_str());
    else if (value.is_string()) std::snprintf(number, sizeof number, "%s", value.get<std::string>().c_str());
    text += (text.empty() ? "" : ", ") + name + " " + number;
  }
  return text;
}

ReviewFinding findingFrom(const json& f, const std::string& level) {
  ReviewFinding r;
  r.kind = f.value("kind", "finding");
  r.summary = f.contains("summary") && f["summary"].is_string() ? f["summary"].get<std::string>() : "";
  const json details = f.value("details", json::object());
  r.object = details.contains("object") && details["object"].is_string() ? details["object"].get<std::string>() : "";
  r.side = details.contains("side") && details["side"].is_string() ? details["side"].get<std::string>() : "";
  if (r.kind == "not-assessed")
    r.notAssessed = details.contains("what") && details["what"].is_string() ? details["what"].get<std::string>() : "finding";
  r.certainty = f.contains("certainty") && f["certainty"].is_string() ? f["certainty"].get<std::string>() : "";
  r.levels = strings(f.value("levels", json::array()));
  if (r.levels.empty() && !level.empty()) r.levels.push_back(level);
  r.measurements = measurementsText(f.value("measurements", json::object()));
  const json evidence = f.value("evidence", json::object());
  if (evidence.contains("points_lps_mm") && evidence["points_lps_mm"].is_array())
    for (const json& p : evidence["points_lps_mm"])
      if (p.is_array() && p.size() == 3) r.points.push_back(vec3FromJson(p));
  return r;
}

void readLevels(const json& report, const std::string& list, bool disc, ReviewModel& m, const std::string& source) {
  if (!report.contains(list)) return;
  if (!report[list].is_array()) throwDataError("view", source, "'" + list + "' is not a list");
  for (const json& l : report[list]) {
    if (!l.is_object() || !l.contains("name") || !l.contains("label") || !l.contains("centroid_lps_mm"))
      throwDataError("view", source, "an entry of '" + list + "' lacks name, label or centroid_lps_mm");
    ReviewLevel level;
    level.name = l["name"].get<std::string>();
    level.label = l["label"].get<std::uint16_t>();
    level.centroid = vec3FromJson(l["centroid_lps_mm"]);
    level.confidence = l.value("confidence", 0.0);
    level.disc = disc;
    level.ribBearing = l.value("rib_bearing", false);
    m.levels.push_back(level);
    for (const json& f : l.value("findings", json::array())) m.findings.push_back(findingFrom(f, level.name));
  }
}

/// Vertebrae and discs in one cranial-to-caudal list: each disc after the vertebra it lies under.
void interleave(std::vector<ReviewLevel>& levels) {
  std::stable_sort(levels.begin(), levels.end(),
                   [](const ReviewLevel& a, const ReviewLevel& b) { return a.centroid[2] > b.centroid[2]; });
}

}  // namespace

ReviewModel readReviewModel(const json& report, const std::string& reportDir, const std::string& source) {
  if (!report.is_object() || report.value("schema", "") != "spinereview.report")
    throwDataError("view", source, "not a SpineReview report.json");
  ReviewModel m;
  m.reportDir = reportDir;
  try {
    m.inputPath = report.at("input").at("path").get<std::string>();
    if (report.contains("volume") && report["volume"].is_object()) m.modality = report["volume"].value("modality", "");
    const json& n = report.at("numbering");
    m.numberingStatus = n.at("status").get<std::string>();
    m.summary = n.value("summary", "");
    m.mustConfirm = n.value("reviewer_must_confirm", "");
    m.anomaly = n.contains("anomaly") && n["anomaly"].is_string() ? n["anomaly"].get<std::string>() : "";
    m.anchors = strings(n.value("anchors", json::array()));
    m.candidates = strings(n.value("candidates", json::array()));
    m.warnings = strings(report.value("warnings", json::array()));
    if (report.contains("levels_status") && report["levels_status"].is_array()) m.levelNotes = strings(report["levels_status"]);
    readLevels(report, "vertebrae", false, m, source);
    readLevels(report, "discs", true, m, source);
    interleave(m.levels);
    for (const json& f : report.value("findings", json::array())) m.findings.push_back(findingFrom(f, ""));
    if (report.contains("target") && report["target"].is_object()) m.target = report["target"].value("requested", "");
    for (const json& r : report.value("target_reviews", json::array()))
      m.reviews.push_back({r.value("level", ""), r.value("decision", ""), r.value("reviewer", ""), r.value("time_utc", ""),
                           r.value("note", "")});
    m.hasLabelMap = report.contains("label_map") && report["label_map"].is_string();
  } catch (const json::exception& e) {
    throwDataError("view", source, std::string("report.json is missing or mistypes a field: ") + e.what());
  }
  return m;
}

ReviewModel loadReviewModel(const std::string& reportDir) {
  return readReviewModel(readReport(reportDir, "view"), reportDir, (fs::path(reportDir) / "report.json").string());
}

}  // namespace spine::viewer
