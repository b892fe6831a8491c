#include "spine/LabelMapFile.h"

#include <filesystem>

#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>

#include "spine/Error.h"
#include "spine/VolumeFileReader.h"

namespace spine {

LabelImage::Pointer readLabelMap(const std::string& path) {
  if (!std::filesystem::exists(path)) throw SpineError(ExitCode::NoInput, "labels", path, "label map not found");
  auto reader = itk::ImageFileReader<LabelImage>::New();
  reader->SetFileName(path);
  reader->SetImageIO(volumeImageIO(path));
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throwDataError("labels", path, std::string("cannot read the label map: ") + e.GetDescription());
  }
  LabelImage::Pointer out = reader->GetOutput();
  out->DisconnectPipeline();
  return out;
}

void writeLabelMap(const LabelImage& labels, const std::string& path) {
  auto writer = itk::ImageFileWriter<LabelImage>::New();
  writer->SetInput(&labels);
  writer->SetFileName(path);
  writer->SetImageIO(volumeImageIO(path));
  writer->UseCompressionOn();
  try {
    writer->Update();
  } catch (const itk::ExceptionObject& e) {
    throw SpineError(ExitCode::CantCreate, "labels", path, std::string("cannot write the label map: ") + e.GetDescription());
  }
}

}  // namespace spine
