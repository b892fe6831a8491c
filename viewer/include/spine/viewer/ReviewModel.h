#pragma once
// What the viewer shows, read from an analysis' outputs only (report.json; docs/report-schema.md):
// the levels with their names, label values and centroids, the numbering verdict and its anchors,
// the target, the findings with their evidence points, and earlier target reviews. No VTK here.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spine/Vec3.h"

namespace spine::viewer {

struct ReviewLevel {
  std::string name;  ///< "L4", "L4-L5", "vertebra 3 (unnamed)"
  std::uint16_t label = 0;
  Vec3 centroid{0, 0, 0};  ///< LPS mm
  double confidence = 0;
  bool disc = false, ribBearing = false;
};

struct ReviewFinding {
  std::string kind, certainty;      ///< "herniation", "hardware", ...; "definite", "possible"
  std::vector<std::string> levels;  ///< the levels it concerns
  std::string measurements;         ///< "depth 4.2 mm, width 11.0 mm"
  std::string summary;              ///< the detector's own sentence, when it gave one
  std::string object, side;         ///< details.object / details.side when given ("pedicle screw", "left")
  std::string notAssessed;          ///< details.what of a not-assessed finding ("herniation")
  std::vector<Vec3> points;         ///< evidence points, LPS mm (may be empty)
  /// The summary, else one line: "herniation L4-L5 (definite): depth 4.2 mm".
  std::string describe() const;
  /// A few words to write beside its mark: "screw L4 left", "herniation L4-L5".
  std::string tag() const;
};

struct ReviewDecision {
  std::string level, decision, reviewer, timeUtc, note;
};

struct ReviewModel {
  std::string reportDir, inputPath, modality;
  std::string numberingStatus, summary, mustConfirm, anomaly;
  std::vector<std::string> anchors, candidates, warnings;
  std::vector<std::string> levelNotes;  ///< what the segmentation says about its levels (report `levels_status`)
  std::vector<ReviewLevel> levels;  ///< vertebrae and discs interleaved, cranial to caudal
  std::vector<ReviewFinding> findings;
  std::vector<ReviewDecision> reviews;
  std::string target;        ///< the requested target ("" when none)
  bool hasLabelMap = false;  ///< labels.nii.gz beside the report
  int levelIndex(const std::string& name) const;  ///< -1 when absent
  bool numberingTrusted() const { return numberingStatus == "confirmed"; }
};

/// Throws SpineError (DataError) naming `source` when a required field is missing or mistyped.
ReviewModel readReviewModel(const nlohmann::json& report, const std::string& reportDir, const std::string& source);

/// Reads DIR/report.json (SpineError NoInput when absent, DataError when not a SpineReview report).
ReviewModel loadReviewModel(const std::string& reportDir);

}  // namespace spine::viewer
