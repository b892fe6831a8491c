#include "spine/VolumeFileReader.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <itkImageFileReader.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>

#include "spine/Error.h"

namespace spine {
namespace {

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

itk::ImageIOBase::Pointer volumeImageIO(const std::string& path) {
  if (endsWith(path, ".nrrd") || endsWith(path, ".nhdr")) return itk::NrrdImageIO::New().GetPointer();
  return itk::NiftiImageIO::New().GetPointer();
}

bool isVolumeFileName(const std::string& path) {
  return endsWith(path, ".nii") || endsWith(path, ".nii.gz") || endsWith(path, ".nrrd") || endsWith(path, ".nhdr");
}

Volume readVolumeFile(const std::string& path, std::optional<Modality> forced, std::uint64_t maxBytes,
                      std::vector<std::string>& warnings) {
  auto io = volumeImageIO(path);
  try {
    io->SetFileName(path);
    io->ReadImageInformation();
  } catch (const itk::ExceptionObject& e) {
    throwDataError("ingest", path, std::string("not a readable volume: ") + e.GetDescription());
  }
  if (io->GetNumberOfDimensions() < 3 && io->GetNumberOfDimensions() != 2)
    throwDataError("ingest", path, "volume has " + std::to_string(io->GetNumberOfDimensions()) + " dimensions");
  if (io->GetNumberOfComponents() != 1) throwDataError("ingest", path, "volume is not scalar (colour or vector)");
  std::uint64_t voxels = 1;
  for (unsigned d = 0; d < std::min(3u, io->GetNumberOfDimensions()); ++d) voxels *= io->GetDimensions(d);
  for (unsigned d = 3; d < io->GetNumberOfDimensions(); ++d)
    if (io->GetDimensions(d) > 1) throwDataError("ingest", path, "4-D volume (time or channels): give one 3-D volume");
  if (voxels * sizeof(float) > maxBytes)
    throwDataError("ingest", path, "volume needs " + std::to_string((voxels * sizeof(float)) >> 20) + " MiB, above the memory cap (--max-memory)");

  auto reader = itk::ImageFileReader<MrImage>::New();
  reader->SetFileName(path);
  reader->SetImageIO(io);
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throwDataError("ingest", path, std::string("cannot read voxels: ") + e.GetDescription());
  }
  MrImage::Pointer image = reader->GetOutput();
  image->DisconnectPipeline();

  const float* px = image->GetBufferPointer();
  const size_t n = image->GetPixelContainer()->Size();
  float lo = n ? *std::min_element(px, px + n) : 0.0f;
  Modality modality = forced ? *forced : (lo < -500.0f ? Modality::CT : Modality::MR);
  if (!forced)
    warnings.push_back(std::string("NIfTI/NRRD carries no modality: taken as ") + toString(modality) +
                       (modality == Modality::CT ? " (values below -500 look like HU air)" : " (no HU-like air values)") +
                       "; use --modality to override");
  Volume volume;
  volume.modality = modality;
  if (modality == Modality::MR) {
    volume.mr = image;
    return volume;
  }
  volume.ct = CtImage::New();
  volume.ct->CopyInformation(image);
  volume.ct->SetRegions(image->GetLargestPossibleRegion());
  volume.ct->Allocate(false);
  CtPixel* out = volume.ct->GetBufferPointer();
  size_t clamped = 0;
  for (size_t i = 0; i < n; ++i) {
    float r = std::round(px[i]);
    float c = std::clamp(r, float(std::numeric_limits<CtPixel>::min()), float(std::numeric_limits<CtPixel>::max()));
    clamped += c != r;
    out[i] = CtPixel(c);
  }
  if (clamped) warnings.push_back(std::to_string(clamped) + " voxel(s) outside the int16 HU range were clamped");
  return volume;
}

}  // namespace spine
