#pragma once
// A person's decision on the surgical target level, recorded into report.json: who confirmed (or
// disagreed with) which level, when, against which numbering verdict, with an optional note. The
// viewer's "confirm target" and "disagree" actions write it; reports and services read it.
#include <string>

#include <nlohmann/json.hpp>

namespace spine {

struct TargetReview {
  std::string level;     ///< "L4-L5"
  bool agreed = true;    ///< false = the reviewer disagrees with the level as labelled
  std::string reviewer;  ///< a name or user id; never empty
  std::string note;      ///< free text (why they disagree, what they checked)
  std::string timeUtc;   ///< ISO 8601, filled by recordTargetReview when empty
};

/// The current time as "2026-11-22T05:31:07Z".
std::string utcNow();

/// Appends `review` to report["target_reviews"], stamping the numbering status and the level's
/// label and centroid as they were shown (null when the level was not identified).
void addTargetReview(nlohmann::json& report, TargetReview review);

/// Reads DIR/report.json, adds the review and writes it back atomically. Throws SpineError:
/// NoInput when the report is missing, DataError when it is not a SpineReview report, Usage when
/// the level or reviewer is empty, CantCreate when it cannot be written.
nlohmann::json recordTargetReview(const std::string& reportDir, const TargetReview& review);

}  // namespace spine
