#pragma once
// `spinereview phantom SPEC.json OUTDIR`: a synthetic CT or MR series with exact ground truth.
// OUTDIR gets dicom/ (the series), labels.nii.gz (truth label map, docs/labels.md), truth.json
// (every vertebra and disc with its label value and centroid, the anomalies, herniations and
// hardware) and case.json (so `spinereview evaluate` can score an analysis of it).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spine/PhantomAnatomy.h"
#include "spine/PhantomRender.h"
#include "spine/PhantomSpec.h"

namespace spine {

struct PhantomResult {
  Anatomy anatomy;
  AcquisitionGrid grid;
  std::vector<std::vector<float>> images;  ///< one slice per grid slice, modality units
  LabelImage::Pointer labels;
  nlohmann::json truth;
};

PhantomResult generatePhantom(const PhantomSpec& spec, unsigned threads = 2);

/// Ground truth of a phantom: levels from the label map actually rendered (centroids of the
/// voxels in view), plus what the anatomy put there.
nlohmann::json phantomTruth(const PhantomSpec& spec, const Anatomy& anatomy, const LabelImage& labels);

/// Writes the phantom into OUTDIR (created; files written under temporary names and renamed, so
/// an interrupted run never leaves a truth.json beside a half-written series).
void writePhantom(const PhantomResult& phantom, const PhantomSpec& spec, const std::string& outDir);

/// Centroid (LPS mm) and voxel count of every non-zero label in `labels`.
struct LabelStats {
  std::uint16_t value = 0;
  Vec3 centroid{0, 0, 0};
  std::size_t voxels = 0;
  bool touchesEdge = false;  ///< cut by the field of view
};
std::vector<LabelStats> labelStatistics(const LabelImage& labels);

}  // namespace spine
