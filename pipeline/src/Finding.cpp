#include "spine/Finding.h"

#include <cstdio>

#include "spine/Error.h"
#include "spine/Vec3Json.h"

namespace spine {

using json = nlohmann::json;

json toJson(const Finding& f) {
  json measurements = json::object();
  for (const Measurement& m : f.measurements) measurements[m.name] = {{"value", m.value}, {"unit", m.unit}, {"how", m.how}};
  json points = json::array();
  for (const Vec3& p : f.evidencePoints) points.push_back(spine::toJson(p));
  json evidence = {{"points_lps_mm", points}};
  if (f.evidenceLabel) evidence["label"] = f.evidenceLabel;
  return {{"kind", f.kind},       {"detector", f.detector},         {"levels", f.levels},   {"certainty", f.certainty},
          {"summary", f.summary}, {"measurements", measurements}, {"details", f.details}, {"evidence", evidence}};
}

Finding findingFromJson(const json& j, const std::string& source) {
  try {
    Finding f;
    f.kind = j.at("kind").get<std::string>();
    if (f.kind.empty()) throwDataError("detectors", source, "a finding has an empty kind");
    f.detector = j.value("detector", "");
    f.levels = j.value("levels", std::vector<std::string>{});
    f.certainty = j.value("certainty", "possible");
    f.summary = j.value("summary", "");
    const json measurements = j.value("measurements", json::object());
    for (const auto& [name, m] : measurements.items())
      f.measurements.push_back({name, m.at("value").get<double>(), m.value("unit", ""), m.value("how", "")});
    f.details = j.value("details", json::object());
    const json evidence = j.value("evidence", json::object());
    for (const json& p : evidence.value("points_lps_mm", json::array())) f.evidencePoints.push_back(vec3FromJson(p));
    f.evidenceLabel = evidence.value("label", std::uint16_t(0));
    return f;
  } catch (const json::exception& e) {
    throwDataError("detectors", source, std::string("a finding is malformed: ") + e.what());
  }
}

std::string oneDecimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

Finding notAssessed(const std::string& level, std::uint16_t label, const Vec3& where, const std::string& what,
                    const std::string& why) {
  Finding f;
  f.kind = "not-assessed";
  f.levels = {level};
  f.certainty = "definite";
  f.evidenceLabel = label;
  f.evidencePoints = {where};
  f.details = {{"what", what}, {"why", why}};
  f.summary = level + ": " + what + " not assessed (" + why + "); review this level yourself.";
  return f;
}

Finding detectorFailure(const std::string& detector, const std::string& why) {
  Finding f;
  f.kind = "detector-failure";
  f.detector = detector;
  f.certainty = "definite";
  f.summary = "The " + detector + " detector did not complete (" + why +
              "): its findings are missing from this report; review what it looks for yourself.";
  return f;
}

}  // namespace spine
