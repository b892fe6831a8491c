#pragma once
// Label maps on disk (labels.nii.gz, reference masks): read any integer or float NIfTI/NRRD
// label file as uint16 values, write uint16 compressed NIfTI.
#include <string>

#include "spine/PixelTypes.h"

namespace spine {

/// Throws SpineError (NoInput when missing, DataError when unreadable) naming the file.
LabelImage::Pointer readLabelMap(const std::string& path);

/// Throws SpineError (CantCreate) naming the file.
void writeLabelMap(const LabelImage& labels, const std::string& path);

}  // namespace spine
