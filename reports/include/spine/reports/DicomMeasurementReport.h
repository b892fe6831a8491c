#pragma once
// DICOM Structured Report, TID 1500 Measurement Report (Enhanced SR): the numbering verdict, its
// anchors and the target as study-level qualitative evaluations; one TID 1411 volumetric group per
// level (tracking ID and UID of its SEG segment, finding site, volume in mm3) with that level's
// findings as text evaluations; the SEG and source images as evidence.
#include <string>

#include <nlohmann/json.hpp>

#include "spine/PixelTypes.h"
#include "spine/reports/DicomOutputs.h"
#include "spine/reports/DicomSegmentation.h"
#include "spine/viewer/ReviewModel.h"

namespace spine::reports {

/// Writes `path` atomically. Throws SpineError (Internal, CantCreate) naming the file.
void writeMeasurementReport(const viewer::ReviewModel& model, const LabelImage& labels, const WrittenSegmentation& seg,
                            const DicomOutputContext& context, const std::string& path);

}  // namespace spine::reports
