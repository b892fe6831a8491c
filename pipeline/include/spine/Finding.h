#pragma once
// A finding: what a detector reports about one or more levels (or the study), with its
// measurements (units and how they were taken) and its evidence (points, a label value) so that the
// viewer can show it. docs/report-schema.md describes its JSON form.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spine/Vec3.h"

namespace spine {

struct Measurement {
  std::string name;  ///< "length", "halo_width"
  double value = 0;
  std::string unit;  ///< "mm", "mm3", "HU"
  std::string how;   ///< how it was taken, in words
};

struct Finding {
  std::string kind;                 ///< "hardware", "herniation", "detector-failure", ...
  std::string detector;             ///< the detector that reported it
  std::vector<std::string> levels;  ///< level names it concerns; empty = the study
  std::string certainty;            ///< "definite", "probable", "possible"
  std::string summary;              ///< one plain sentence
  std::vector<Measurement> measurements;
  nlohmann::json details = nlohmann::json::object();  ///< kind-specific facts (object class, side, material)
  std::vector<Vec3> evidencePoints;                    ///< LPS mm
  std::uint16_t evidenceLabel = 0;                     ///< a value in labels.nii.gz, 0 = none
};

nlohmann::json toJson(const Finding& f);

/// Parses a finding written by toJson (or by a runtime plugin). Throws SpineError (DataError)
/// naming `source` when a field is missing or mistyped.
Finding findingFromJson(const nlohmann::json& j, const std::string& source);

/// A measurement as written in a finding's summary: one decimal ("4.2").
std::string oneDecimal(double value);

/// A finding that says what a detector could not judge at one level and why ("not-assessed"), so the
/// gap is never silent: `what` ("herniation", "adjacent segment"), `why` in plain words.
Finding notAssessed(const std::string& level, std::uint16_t label, const Vec3& where, const std::string& what,
                    const std::string& why);

/// A finding that says a detector could not run or failed, so the report shows the gap.
Finding detectorFailure(const std::string& detector, const std::string& why);

}  // namespace spine
