#pragma once
// NIfTI (.nii, .nii.gz) and NRRD (.nrrd, .nhdr) volumes through ITK; ITK converts NIfTI's RAS
// header to patient LPS.
#include <optional>
#include <string>
#include <vector>

#include <itkImageIOBase.h>

#include "spine/Volume.h"

namespace spine {

bool isVolumeFileName(const std::string& path);

/// The ITK reader/writer for a volume file name (NRRD for .nrrd/.nhdr, else NIfTI), created
/// explicitly: the project registers no ITK IO factories.
itk::ImageIOBase::Pointer volumeImageIO(const std::string& path);

/// Reads a 3-D scalar volume. Modality: `forced` if given, else CT when the values look like HU
/// (air below -500), else MR; the guess is added to `warnings`. Throws SpineError naming the file.
Volume readVolumeFile(const std::string& path, std::optional<Modality> forced, std::uint64_t maxBytes,
                      std::vector<std::string>& warnings);

}  // namespace spine
