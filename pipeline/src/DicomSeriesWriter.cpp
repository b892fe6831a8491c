#include "spine/DicomSeriesWriter.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <numeric>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrleerg.h>
#include <dcmtk/dcmdata/dcrlerp.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpeg/djrploss.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include "spine/Error.h"
#include "spine/J2kCodec.h"

namespace spine {
namespace fs = std::filesystem;
namespace {

struct SyntaxInfo {
  E_TransferSyntax xfer;
  bool ownCodec;  ///< JPEG 2000: encoded with OpenJPEG, not DCMTK
};

const std::map<std::string, SyntaxInfo>& syntaxTable() {
  static const std::map<std::string, SyntaxInfo> table = {
      {"implicit-le", {EXS_LittleEndianImplicit, false}}, {"explicit-le", {EXS_LittleEndianExplicit, false}},
      {"explicit-be", {EXS_BigEndianExplicit, false}},    {"deflate", {EXS_DeflatedLittleEndianExplicit, false}},
      {"jpeg-baseline", {EXS_JPEGProcess1, false}},       {"jpeg-extended", {EXS_JPEGProcess2_4, false}},
      {"jpeg-lossless", {EXS_JPEGProcess14SV1, false}},   {"jpeg-ls-lossless", {EXS_JPEGLSLossless, false}},
      {"jpeg-ls-near", {EXS_JPEGLSLossy, false}},         {"rle", {EXS_RLELossless, false}},
      {"j2k-lossless", {EXS_JPEG2000LosslessOnly, true}},
  };
  return table;
}

void registerEncoders() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJEncoderRegistration::registerCodecs();
    DJLSEncoderRegistration::registerCodecs();
    DcmRLEEncoderRegistration::registerCodecs();
  });
}

std::string newUid() {
  char buf[100];
  return dcmGenerateUniqueIdentifier(buf, SITE_INSTANCE_UID_ROOT);
}

std::string joinNumbers(const double* v, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v[i]);
    out += (i ? "\\" : "") + std::string(buf);
  }
  return out;
}

/// Modality values to stored words: stored = (value - intercept) / slope, clamped to Bits Stored.
std::vector<Uint16> toStored(const std::vector<double>& values, const DicomWriteParams& p) {
  double lo = p.isSigned ? -std::ldexp(1.0, int(p.bitsStored) - 1) : 0.0;
  double hi = p.isSigned ? std::ldexp(1.0, int(p.bitsStored) - 1) - 1 : std::ldexp(1.0, int(p.bitsStored)) - 1;
  std::vector<Uint16> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    double s = std::clamp(std::round((values[i] - p.rescaleIntercept) / p.rescaleSlope), lo, hi);
    if (p.monochrome1) s = hi + lo - s;  // MONOCHROME1 test data: the loader flips MR back
    out[i] = Uint16(std::int32_t(s) & 0xFFFF);
  }
  return out;
}

/// The parameters with every empty Study/Series/Frame of Reference UID replaced by a new one.
DicomWriteParams withUids(DicomWriteParams p) {
  for (std::string* uid : {&p.studyUid, &p.seriesUid, &p.frameOfReferenceUid})
    if (uid->empty()) *uid = newUid();
  return p;
}

void putCommon(DcmDataset* ds, const SliceGrid& grid, const DicomWriteParams& p) {
  ds->putAndInsertString(DCM_Modality, p.modality.c_str());
  ds->putAndInsertString(DCM_StudyInstanceUID, p.studyUid.c_str());
  ds->putAndInsertString(DCM_SeriesInstanceUID, p.seriesUid.c_str());
  ds->putAndInsertString(DCM_FrameOfReferenceUID, p.frameOfReferenceUid.c_str());
  ds->putAndInsertString(DCM_SeriesDescription, p.seriesDescription.c_str());
  ds->putAndInsertString(DCM_SeriesNumber, std::to_string(p.seriesNumber).c_str());
  ds->putAndInsertString(DCM_PatientName, "SpineReview^Synthetic");
  ds->putAndInsertString(DCM_PatientID, "SYNTHETIC");
  // General Study (type 2): what a scanner writes, so the derived objects can carry them on.
  ds->putAndInsertString(DCM_StudyDate, "20260101");
  ds->putAndInsertString(DCM_StudyTime, "120000");
  ds->putAndInsertString(DCM_StudyID, "1");
  ds->putAndInsertString(DCM_AccessionNumber, "SYN0001");
  ds->putAndInsertUint16(DCM_SamplesPerPixel, 1);
  ds->putAndInsertString(DCM_PhotometricInterpretation, p.monochrome1 ? "MONOCHROME1" : "MONOCHROME2");
  ds->putAndInsertUint16(DCM_Rows, Uint16(grid.rows));
  ds->putAndInsertUint16(DCM_Columns, Uint16(grid.columns));
  ds->putAndInsertUint16(DCM_BitsAllocated, Uint16(p.bitsAllocated));
  ds->putAndInsertUint16(DCM_BitsStored, Uint16(p.bitsStored));
  ds->putAndInsertUint16(DCM_HighBit, Uint16(p.bitsStored - 1));
  ds->putAndInsertUint16(DCM_PixelRepresentation, p.isSigned ? 1 : 0);
  if (p.sliceThicknessMm > 0) ds->putAndInsertString(DCM_SliceThickness, joinNumbers(&p.sliceThicknessMm, 1).c_str());
  if (!p.patientPosition.empty()) ds->putAndInsertString(DCM_PatientPosition, p.patientPosition.c_str());
  if (p.modality == "MR" && p.echoTimeMs > 0) {
    ds->putAndInsertString(DCM_EchoTime, joinNumbers(&p.echoTimeMs, 1).c_str());
    ds->putAndInsertString(DCM_RepetitionTime, joinNumbers(&p.repetitionTimeMs, 1).c_str());
  }
}

std::string orientationString(const SliceGrid& grid) {
  double iop[6] = {grid.rowDir[0], grid.rowDir[1], grid.rowDir[2], grid.colDir[0], grid.colDir[1], grid.colDir[2]};
  return joinNumbers(iop, 6);
}

void putPixels(DcmDataset* ds, const std::vector<Uint16>& words, const DicomWriteParams& p) {
  if (p.bitsAllocated == 8) {
    std::vector<Uint8> bytes(words.begin(), words.end());
    ds->putAndInsertUint8Array(DCM_PixelData, bytes.data(), bytes.size());
  } else {
    ds->putAndInsertUint16Array(DCM_PixelData, words.data(), words.size());
  }
}

/// Encodes the dataset's pixels as `syntax` and saves it.
void encodeAndSave(DcmFileFormat& file, const std::string& path, const std::string& syntax,
                   const std::vector<std::vector<Uint16>>& frames, const SliceGrid& grid, const DicomWriteParams& p) {
  auto it = syntaxTable().find(syntax);
  if (it == syntaxTable().end()) throw SpineError(ExitCode::Usage, "write", path, "unknown transfer syntax '" + syntax + "'");
  DcmDataset* ds = file.getDataset();
  if (it->second.ownCodec) {
    DcmElement* element = nullptr;
    ds->findAndGetElement(DCM_PixelData, element);
    auto* pixelData = static_cast<DcmPixelData*>(element);
    auto* sequence = new DcmPixelSequence(DCM_PixelSequenceTag);
    sequence->insert(new DcmPixelItem(DCM_PixelItemTag));  // empty Basic Offset Table
    for (const std::vector<Uint16>& words : frames) {
      std::vector<std::uint8_t> stream = encodeJ2kLossless(words.data(), grid.rows, grid.columns, p.bitsStored, p.isSigned);
      DcmOffsetList offsets;
      sequence->storeCompressedFrame(offsets, stream.data(), Uint32(stream.size()), 0);
    }
    pixelData->putOriginalRepresentation(it->second.xfer, nullptr, sequence);
  } else {
    registerEncoders();
    DJ_RPLossy lossy(95);
    DJ_RPLossless lossless(1, 0);
    DJLSRepresentationParameter nearLossless(2, OFTrue);
    const DcmRepresentationParameter* rp = nullptr;
    if (syntax == "jpeg-baseline" || syntax == "jpeg-extended") rp = &lossy;
    if (syntax == "jpeg-lossless") rp = &lossless;
    if (syntax == "jpeg-ls-near") rp = &nearLossless;
    OFCondition status = ds->chooseRepresentation(it->second.xfer, rp);
    if (status.bad() || !ds->canWriteXfer(it->second.xfer))
      throw SpineError(ExitCode::Internal, "write", path, "DCMTK cannot encode " + syntax + ": " + status.text());
  }
  fs::create_directories(fs::path(path).parent_path());
  OFCondition status = file.saveFile(path.c_str(), it->second.xfer);
  if (status.bad()) throw SpineError(ExitCode::CantCreate, "write", path, std::string("cannot save: ") + status.text());
}

}  // namespace

const std::vector<std::string>& writableTransferSyntaxes() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [name, info] : syntaxTable()) n.push_back(name);
    return n;
  }();
  return names;
}

std::vector<std::string> writeDicomSlices(const std::string& dir, const SliceGrid& grid,
                                          const std::vector<SliceToWrite>& slices, const DicomWriteParams& params) {
  const DicomWriteParams p = withUids(params);
  std::vector<std::string> paths;
  for (size_t k = 0; k < slices.size(); ++k) {
    DcmFileFormat file;
    DcmDataset* ds = file.getDataset();
    ds->putAndInsertString(DCM_SOPClassUID, p.modality == "MR" ? UID_MRImageStorage : UID_CTImageStorage);
    ds->putAndInsertString(DCM_SOPInstanceUID, newUid().c_str());
    putCommon(ds, grid, p);
    ds->putAndInsertString(DCM_InstanceNumber, std::to_string(k + 1).c_str());
    ds->putAndInsertString(DCM_ImagePositionPatient, joinNumbers(slices[k].position.data(), 3).c_str());
    ds->putAndInsertString(DCM_ImageOrientationPatient, orientationString(grid).c_str());
    double spacing[2] = {grid.rowSpacing, grid.columnSpacing};
    ds->putAndInsertString(DCM_PixelSpacing, joinNumbers(spacing, 2).c_str());
    ds->putAndInsertString(DCM_RescaleIntercept, joinNumbers(&p.rescaleIntercept, 1).c_str());
    ds->putAndInsertString(DCM_RescaleSlope, joinNumbers(&p.rescaleSlope, 1).c_str());
    std::vector<Uint16> words = toStored(slices[k].values, p);
    putPixels(ds, words, p);
    char name[32];
    std::snprintf(name, sizeof name, "IMG%04zu.dcm", k + 1);
    std::string path = (fs::path(dir) / name).string();
    encodeAndSave(file, path, p.transferSyntax, {words}, grid, p);
    paths.push_back(path);
  }
  return paths;
}

void writeEnhancedMultiFrame(const std::string& path, const SliceGrid& grid, const std::vector<SliceToWrite>& slices,
                             const DicomWriteParams& params) {
  const DicomWriteParams p = withUids(params);
  DcmFileFormat file;
  DcmDataset* ds = file.getDataset();
  ds->putAndInsertString(DCM_SOPClassUID, p.modality == "MR" ? UID_EnhancedMRImageStorage : UID_EnhancedCTImageStorage);
  ds->putAndInsertString(DCM_SOPInstanceUID, newUid().c_str());
  putCommon(ds, grid, p);
  ds->putAndInsertString(DCM_NumberOfFrames, std::to_string(slices.size()).c_str());
  // Shared Functional Groups (5200,9229): orientation, pixel measures, rescale.
  DcmItem* shared = nullptr;
  ds->findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0);
  DcmItem* item = nullptr;
  shared->findOrCreateSequenceItem(DCM_PlaneOrientationSequence, item, 0);
  item->putAndInsertString(DCM_ImageOrientationPatient, orientationString(grid).c_str());
  shared->findOrCreateSequenceItem(DCM_PixelMeasuresSequence, item, 0);
  double spacing[2] = {grid.rowSpacing, grid.columnSpacing};
  item->putAndInsertString(DCM_PixelSpacing, joinNumbers(spacing, 2).c_str());
  shared->findOrCreateSequenceItem(DCM_PixelValueTransformationSequence, item, 0);
  item->putAndInsertString(DCM_RescaleIntercept, joinNumbers(&p.rescaleIntercept, 1).c_str());
  item->putAndInsertString(DCM_RescaleSlope, joinNumbers(&p.rescaleSlope, 1).c_str());
  // Per-Frame Functional Groups (5200,9230): one Plane Position per frame, listed out of order on
  // purpose so that the loader must sort by position.
  std::vector<Uint16> all;
  std::vector<std::vector<Uint16>> frames;
  for (size_t k = 0; k < slices.size(); ++k) {
    size_t src = std::gcd(size_t(7), slices.size()) == 1 ? (k * 7) % slices.size() : k;
    DcmItem* perFrame = nullptr;
    ds->findOrCreateSequenceItem(DCM_PerFrameFunctionalGroupsSequence, perFrame, long(k));
    perFrame->findOrCreateSequenceItem(DCM_PlanePositionSequence, item, 0);
    item->putAndInsertString(DCM_ImagePositionPatient, joinNumbers(slices[src].position.data(), 3).c_str());
    frames.push_back(toStored(slices[src].values, p));
    all.insert(all.end(), frames.back().begin(), frames.back().end());
  }
  putPixels(ds, all, p);
  encodeAndSave(file, path, p.transferSyntax, frames, grid, p);
}

std::vector<std::string> writeVolumeAsDicom(const Volume& volume, const std::string& dir, const DicomWriteParams& params) {
  const itk::ImageBase<3>* image = volume.image();
  auto size = image->GetLargestPossibleRegion().GetSize();
  const auto& dir3 = image->GetDirection();
  SliceGrid grid;
  grid.columns = unsigned(size[0]);
  grid.rows = unsigned(size[1]);
  grid.columnSpacing = image->GetSpacing()[0];
  grid.rowSpacing = image->GetSpacing()[1];
  for (unsigned i = 0; i < 3; ++i) {
    grid.rowDir[i] = dir3[i][0];
    grid.colDir[i] = dir3[i][1];
  }
  std::vector<SliceToWrite> slices(size[2]);
  const size_t frameVoxels = size[0] * size[1];
  for (size_t k = 0; k < size[2]; ++k) {
    itk::Index<3> corner{{0, 0, itk::IndexValueType(k)}};
    itk::Point<double, 3> origin;
    image->TransformIndexToPhysicalPoint(corner, origin);
    slices[k].position = {origin[0], origin[1], origin[2]};
    slices[k].values.resize(frameVoxels);
    for (size_t i = 0; i < frameVoxels; ++i)
      slices[k].values[i] = volume.modality == Modality::CT ? volume.ct->GetBufferPointer()[k * frameVoxels + i]
                                                           : volume.mr->GetBufferPointer()[k * frameVoxels + i];
  }
  DicomWriteParams p = params;
  p.modality = toString(volume.modality);
  return writeDicomSlices(dir, grid, slices, p);
}

}  // namespace spine
