#pragma once
// DICOM Segmentation (PS3.3 A.51, binary): one segment per vertebra and disc, coded with
// AnatomyCodes, on the label map's grid, referencing the source study, frame of reference and,
// where slices map 1:1 onto source images, each source image (Derivation Image FG). And a reader
// that turns such a SEG back into a label image, for round-trip tests and for importing.
#include <string>
#include <vector>

#include "spine/PixelTypes.h"
#include "spine/reports/AnatomyCodes.h"
#include "spine/reports/DicomOutputs.h"
#include "spine/viewer/ReviewModel.h"

namespace spine::reports {

struct WrittenSegmentation {
  std::string sopInstanceUid, seriesInstanceUid;
  std::vector<std::string> segmentNames;  ///< segment number - 1 -> level name
  std::vector<std::string> trackingUids;  ///< segment number - 1 -> Tracking UID (0062,0021)
  std::size_t frames = 0;
};

/// Writes `path` atomically. Levels without voxels are left out. Throws SpineError (CantCreate or
/// Internal) naming the file.
WrittenSegmentation writeDicomSegmentation(const viewer::ReviewModel& model, const LabelImage& labels,
                                           const DicomOutputContext& context, const std::string& path);

struct ReadSegmentation {
  LabelImage::Pointer segments;           ///< voxel = segment number (0 = none)
  std::vector<std::string> segmentNames;  ///< Segment Label (0062,0005) by number - 1
  std::vector<Code> types;                ///< Segmented Property Type by number - 1
  std::string referencedStudyUid, frameOfReferenceUid;
};

/// Reads a binary SEG whose frames share one orientation, onto `grid` when given (the image it was
/// made on: same rows, columns, orientation and slice positions), else onto the slices its frames
/// span. Throws SpineError (DataError) naming the file when it is not one or does not fit `grid`.
ReadSegmentation readDicomSegmentation(const std::string& path, const LabelImage* grid = nullptr);

}  // namespace spine::reports
