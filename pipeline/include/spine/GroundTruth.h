#pragma once
// Ground truth and predictions in one shape, whatever they were read from: a phantom's
// truth.json, a reference label map (NIfTI mask + a value-to-name table, e.g. TotalSegmentator's),
// VerSe centroid JSON with its mask, or an `analyze` output folder (report.json + labels.nii.gz).
// Used by the accuracy harness (`spinereview evaluate`).
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spine/PixelTypes.h"
#include "spine/Vec3.h"

namespace spine {

struct LevelPoint {
  std::string name;  ///< "L4", "L4-L5", "sacrum"
  Vec3 centroid{0, 0, 0};  ///< patient LPS mm
};

/// One pedicle screw: where it is, and the level and side it is named for.
struct PlacedScrew {
  std::string level, side;
  Vec3 head{0, 0, 0}, tip{0, 0, 0};  ///< LPS mm (truth: entry point and tip)
  bool loose = false;                ///< truth: a lucent halo of 1.5 mm or more; prediction: loosening reported
};

struct LevelSet {
  std::vector<LevelPoint> vertebrae, discs;
  LabelImage::Pointer labels;                    ///< may be null (centroids only)
  std::map<std::uint16_t, std::string> names;    ///< label value -> level name (several values may share a name)
  /// Findings per level: kind ("herniation", "hardware") -> level names. Absent kind = not known.
  std::map<std::string, std::set<std::string>> findings;
  std::vector<PlacedScrew> screws;  ///< phantom truth and predictions; empty for other references
  bool numberingConfirmed = false;  ///< prediction only: numbering stated without any warning
  std::vector<std::string> anomalies;
};

/// A case of the accuracy suite (case.json): what to analyse and where its truth is.
struct EvalCase {
  std::string name;
  std::string input;          ///< resolved path
  std::string modality;       ///< optional --modality for analyze
  nlohmann::json truth;       ///< truth description with resolved paths
  std::string file;           ///< the case file
};

/// Reads case.json (or a folder holding one). Relative paths are relative to the case file.
EvalCase readEvalCase(const std::string& path);

/// Truth of a case. Formats: a phantom truth.json (string or {"format":"phantom","file":..});
/// {"format":"nifti-mask","file":..,"labels":{"25":"sacrum",..},"findings":{..}};
/// {"format":"verse","centroids":..,"mask":..}. Throws SpineError naming the file.
LevelSet readTruth(const EvalCase& c);

/// A prediction: an `analyze` output folder.
LevelSet readPrediction(const std::string& analysisDir);

/// VerSe centroid JSON (first element {"direction":[..]}, then {"label","X","Y","Z"} in voxel
/// indices of the mask) converted to LPS mm through the mask's geometry.
std::vector<LevelPoint> readVerseCentroids(const std::string& file, const LabelImage& mask);

/// Centroids of every named label (values sharing a name merge).
std::vector<LevelPoint> centroidsFromLabels(const LabelImage& labels, const std::map<std::uint16_t, std::string>& names,
                                            bool discs);

}  // namespace spine
