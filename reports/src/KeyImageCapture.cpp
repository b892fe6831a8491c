#include "spine/reports/KeyImageCapture.h"

#include <filesystem>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <itkImageFileReader.h>
#include <itkPNGImageIO.h>
#include <itkRGBPixel.h>

#include "spine/Error.h"

namespace spine::reports {
namespace fs = std::filesystem;

namespace {

using RgbImage = itk::Image<itk::RGBPixel<std::uint8_t>, 2>;

RgbImage::Pointer readPng(const std::string& path) {
  auto reader = itk::ImageFileReader<RgbImage>::New();
  reader->SetFileName(path);
  reader->SetImageIO(itk::PNGImageIO::New());
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    throwDataError("outputs", path, std::string("cannot read the key image: ") + e.GetDescription());
  }
  return reader->GetOutput();
}

void putPixels(DcmDataset& ds, const RgbImage& image) {
  const auto size = image.GetLargestPossibleRegion().GetSize();
  ds.putAndInsertUint16(DCM_SamplesPerPixel, 3);
  ds.putAndInsertString(DCM_PhotometricInterpretation, "RGB");
  ds.putAndInsertUint16(DCM_PlanarConfiguration, 0);
  ds.putAndInsertUint16(DCM_Rows, Uint16(size[1]));
  ds.putAndInsertUint16(DCM_Columns, Uint16(size[0]));
  ds.putAndInsertUint16(DCM_BitsAllocated, 8);
  ds.putAndInsertUint16(DCM_BitsStored, 8);
  ds.putAndInsertUint16(DCM_HighBit, 7);
  ds.putAndInsertUint16(DCM_PixelRepresentation, 0);
  const auto* bytes = reinterpret_cast<const Uint8*>(image.GetBufferPointer());
  ds.putAndInsertUint8Array(DCM_PixelData, bytes, Uint32(size[0] * size[1] * 3));
}

void putCaptureModules(DcmDataset& ds, const DicomOutputContext& context, int instance, const std::string& what) {
  ds.putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
  ds.putAndInsertString(DCM_SOPInstanceUID, newUid().c_str());
  ds.putAndInsertString(DCM_ConversionType, "WSD");  // SC Equipment: workstation
  ds.putAndInsertString(DCM_InstanceNumber, std::to_string(instance).c_str());
  ds.putAndInsertString(DCM_PatientOrientation, "");
  ds.putAndInsertString(DCM_BodyPartExamined, "SPINE");  // unpaired: Laterality (0020,0060) is then absent
  ds.putAndInsertString(DCM_ImageType, "DERIVED\\SECONDARY");
  ds.putAndInsertString(DCM_BurnedInAnnotation, "YES");  // level names and the numbering banner are drawn in
  ds.putAndInsertString(DCM_ContentDate, context.contentDate.c_str());
  ds.putAndInsertString(DCM_ContentTime, context.contentTime.c_str());
  ds.putAndInsertString(DCM_DerivationDescription, ("SpineReview key image: " + what).c_str());
}

}  // namespace

std::vector<std::string> writeKeyImageCaptures(const std::vector<std::string>& pngs, const std::string& reportDir,
                                               const DicomOutputContext& context, const std::string& outDir) {
  std::vector<std::string> written;
  const std::string seriesUid = newUid();
  for (std::size_t i = 0; i < pngs.size(); ++i) {
    RgbImage::Pointer image = readPng((fs::path(reportDir) / pngs[i]).string());
    DcmDataset ds;
    writePatientAndStudy(ds, context);
    writeEquipment(ds);
    writeNewSeries(ds, context, "OT", 9903, "SpineReview key images");
    ds.putAndInsertString(DCM_SeriesInstanceUID, seriesUid.c_str());  // one series for all of them
    putCaptureModules(ds, context, int(i + 1), fs::path(pngs[i]).stem().string());
    putPixels(ds, *image);
    const std::string name = "key-image-" + std::to_string(i + 1) + ".dcm";
    saveDicomAtomically(ds, (fs::path(outDir) / name).string());
    written.push_back(name);
  }
  return written;
}

}  // namespace spine::reports
