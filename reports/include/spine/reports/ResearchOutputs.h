#pragma once
// Research formats of one analysis, built from its report and label map: a segmentation 3D Slicer
// opens as named, coloured, coded segments (labels.seg.nrrd), Slicer markups with one point per
// level (levels.mrk.json), and VerSe centroids (centroids.json, Sekuboyina et al. 2021 layout).
#include <string>

#include "spine/PixelTypes.h"
#include "spine/viewer/ReviewModel.h"

namespace spine::reports {

/// DIR/labels.seg.nrrd: the label map with Slicer's Segment<i>_* fields (name, colour, label value,
/// extent, DICOM terminology tag). Written atomically; returns the file name.
std::string writeSlicerSegmentation(const viewer::ReviewModel& model, const LabelImage& labels, const std::string& outDir);

/// DIR/levels.mrk.json: Slicer markups (schema v1.0.3), one locked point per vertebra and disc at
/// its centroid, LPS mm, the numbering status in each description.
std::string writeSlicerMarkups(const viewer::ReviewModel& model, const std::string& outDir);

/// DIR/centroids.json: VerSe centroids of the named vertebrae: [{"direction":[..]}, {"label","X","Y","Z"}...]
/// with X, Y, Z continuous voxel indices of labels.nii.gz along the directions given.
std::string writeVerseCentroids(const viewer::ReviewModel& model, const LabelImage& labels, const std::string& outDir);

}  // namespace spine::reports
