#include "spine/DicomFrameReader.h"

#include <cmath>
#include <sstream>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "spine/Error.h"

namespace spine {
namespace {

// Values longer than this stay on disk while reading headers (pixel data is loaded only to decode).
constexpr Uint32 kMaxHeaderValueLength = 4096;

std::string getString(DcmItem* item, const DcmTagKey& key) {
  OFString value;
  if (item && item->findAndGetOFStringArray(key, value).good()) {
    std::string s = value.c_str();
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    return s;
  }
  return {};
}

bool getDoubles(DcmItem* item, const DcmTagKey& key, double* out, unsigned count) {
  if (!item) return false;
  for (unsigned i = 0; i < count; ++i) {
    Float64 v = 0;
    if (item->findAndGetFloat64(key, v, i).bad() || !std::isfinite(v)) return false;
    out[i] = v;
  }
  return true;
}

unsigned getUnsigned(DcmItem* item, const DcmTagKey& key, unsigned fallback = 0) {
  Uint16 v = 0;
  if (item && item->findAndGetUint16(key, v).good()) return v;
  return fallback;
}

/// The first item of a functional group sequence inside `group`, or nullptr.
DcmItem* macroItem(DcmItem* group, const DcmTagKey& sequence) {
  DcmItem* item = nullptr;
  if (group && group->findAndGetSequenceItem(sequence, item, 0).good()) return item;
  return nullptr;
}

/// Enhanced multi-frame: a macro is found in the frame's Per-Frame Functional Groups item first,
/// then in the Shared Functional Groups (5200,9229) (PS3.3 C.7.6.16).
DcmItem* findMacro(DcmItem* perFrame, DcmItem* shared, const DcmTagKey& sequence) {
  DcmItem* item = macroItem(perFrame, sequence);
  return item ? item : macroItem(shared, sequence);
}

void readIdentity(DcmDataset* ds, DcmMetaInfo* meta, DicomFrame& f) {
  f.studyUid = getString(ds, DCM_StudyInstanceUID);
  f.seriesUid = getString(ds, DCM_SeriesInstanceUID);
  f.frameOfReferenceUid = getString(ds, DCM_FrameOfReferenceUID);
  f.sopInstanceUid = getString(ds, DCM_SOPInstanceUID);
  if (f.sopInstanceUid.empty()) f.sopInstanceUid = getString(meta, DCM_MediaStorageSOPInstanceUID);
  f.sopClassUid = getString(ds, DCM_SOPClassUID);
  if (f.sopClassUid.empty()) f.sopClassUid = getString(meta, DCM_MediaStorageSOPClassUID);
  f.modality = getString(ds, DCM_Modality);
  f.seriesDescription = getString(ds, DCM_SeriesDescription);
  f.protocolName = getString(ds, DCM_ProtocolName);
  f.sequenceName = getString(ds, DCM_SequenceName);
  if (f.sequenceName.empty()) f.sequenceName = getString(ds, DCM_PulseSequenceName);
  f.imageType = getString(ds, DCM_ImageType);
  Sint32 number = -1;
  if (ds->findAndGetSint32(DCM_SeriesNumber, number).good()) f.seriesNumber = number;
  getDoubles(ds, DCM_EchoTime, &f.echoTimeMs, 1);
  getDoubles(ds, DCM_RepetitionTime, &f.repetitionTimeMs, 1);
  getDoubles(ds, DCM_GantryDetectorTilt, &f.gantryTiltDeg, 1);
  f.transferSyntaxUid = getString(meta, DCM_TransferSyntaxUID);
}

void readPixelFormat(const std::string& path, DcmDataset* ds, const FrameReaderParams& params, DicomFrame& f) {
  f.rows = getUnsigned(ds, DCM_Rows);
  f.columns = getUnsigned(ds, DCM_Columns);
  f.bitsAllocated = getUnsigned(ds, DCM_BitsAllocated);
  f.bitsStored = getUnsigned(ds, DCM_BitsStored, f.bitsAllocated);
  f.highBit = getUnsigned(ds, DCM_HighBit, f.bitsStored ? f.bitsStored - 1 : 0);
  f.pixelRepresentation = getUnsigned(ds, DCM_PixelRepresentation);
  f.samplesPerPixel = getUnsigned(ds, DCM_SamplesPerPixel, 1);
  f.photometric = getString(ds, DCM_PhotometricInterpretation);
  Sint32 frames = 1;
  if (ds->findAndGetSint32(DCM_NumberOfFrames, frames).good()) {
    if (frames < 1 || unsigned(frames) > params.maxFrames)
      throwDataError("ingest", path, "Number of Frames (0028,0008) is " + std::to_string(frames) + ", outside 1.." + std::to_string(params.maxFrames));
  } else {
    frames = 1;
  }
  f.numberOfFrames = unsigned(frames);
  f.hasPixelData = ds->tagExists(DCM_PixelData);
  if (!f.hasPixelData) return;  // not an image (SR, presentation state, ...): caller skips it
  if (f.rows == 0 || f.columns == 0 || f.rows > params.maxRowsColumns || f.columns > params.maxRowsColumns)
    throwDataError("ingest", path, "Rows x Columns (0028,0010)/(0028,0011) is " + std::to_string(f.rows) + " x " +
                                       std::to_string(f.columns) + ", outside 1.." + std::to_string(params.maxRowsColumns));
  if (f.bitsAllocated != 8 && f.bitsAllocated != 16)
    throwDataError("ingest", path, "Bits Allocated (0028,0100) " + std::to_string(f.bitsAllocated) + " is not supported (8 or 16)");
  if (f.bitsStored == 0 || f.bitsStored > f.bitsAllocated || f.highBit >= f.bitsAllocated)
    throwDataError("ingest", path, "Bits Stored/High Bit (0028,0101)/(0028,0102) inconsistent with Bits Allocated");
  DcmElement* pixel = nullptr;
  if (ds->findAndGetElement(DCM_PixelData, pixel).good() && pixel) {
    Uint32 len = pixel->getLength();
    std::uint64_t need = f.frameBytes() * f.numberOfFrames;
    if (len != DCM_UndefinedLength && len != 0 && std::uint64_t(len) < need)
      throwDataError("ingest", path, "Pixel Data (7FE0,0010) holds " + std::to_string(len) + " bytes; Rows x Columns x Frames needs " + std::to_string(need));
  }
}

void readClassicGeometry(DcmDataset* ds, DicomFrame& f) {
  f.hasPosition = getDoubles(ds, DCM_ImagePositionPatient, f.position.data(), 3);
  f.hasOrientation = getDoubles(ds, DCM_ImageOrientationPatient, f.orientation.data(), 6);
  f.hasPixelSpacing = getDoubles(ds, DCM_PixelSpacing, f.pixelSpacing.data(), 2);
  getDoubles(ds, DCM_SliceThickness, &f.sliceThickness, 1);
  getDoubles(ds, DCM_RescaleSlope, &f.rescaleSlope, 1);
  getDoubles(ds, DCM_RescaleIntercept, &f.rescaleIntercept, 1);
  if (f.rescaleSlope == 0.0) f.rescaleSlope = 1.0;
}

/// Applies the functional groups of an enhanced multi-frame image to frame f.
void readEnhancedGeometry(DcmItem* perFrame, DcmItem* shared, DicomFrame& f) {
  if (DcmItem* m = findMacro(perFrame, shared, DCM_PlanePositionSequence))
    f.hasPosition = getDoubles(m, DCM_ImagePositionPatient, f.position.data(), 3);
  if (DcmItem* m = findMacro(perFrame, shared, DCM_PlaneOrientationSequence))
    f.hasOrientation = getDoubles(m, DCM_ImageOrientationPatient, f.orientation.data(), 6);
  if (DcmItem* m = findMacro(perFrame, shared, DCM_PixelMeasuresSequence)) {
    f.hasPixelSpacing = getDoubles(m, DCM_PixelSpacing, f.pixelSpacing.data(), 2);
    getDoubles(m, DCM_SliceThickness, &f.sliceThickness, 1);
  }
  if (DcmItem* m = findMacro(perFrame, shared, DCM_PixelValueTransformationSequence)) {
    getDoubles(m, DCM_RescaleSlope, &f.rescaleSlope, 1);
    getDoubles(m, DCM_RescaleIntercept, &f.rescaleIntercept, 1);
    if (f.rescaleSlope == 0.0) f.rescaleSlope = 1.0;
  }
  if (DcmItem* m = findMacro(perFrame, shared, DCM_MRTimingAndRelatedParametersSequence))
    getDoubles(m, DCM_RepetitionTime, &f.repetitionTimeMs, 1);
  if (DcmItem* m = findMacro(perFrame, shared, DCM_MREchoSequence))
    getDoubles(m, DCM_EffectiveEchoTime, &f.echoTimeMs, 1);
}

}  // namespace

std::vector<DicomFrame> readDicomFrames(const std::string& path, const FrameReaderParams& params) {
  DcmFileFormat fileFormat;
  OFCondition status = fileFormat.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, kMaxHeaderValueLength, ERM_autoDetect);
  if (status.bad()) throwDataError("ingest", path, std::string("DCMTK cannot parse it: ") + status.text());
  DcmDataset* ds = fileFormat.getDataset();
  DcmMetaInfo* meta = fileFormat.getMetaInfo();

  DicomFrame base;
  base.file = path;
  readIdentity(ds, meta, base);
  if (base.transferSyntaxUid.empty()) base.transferSyntaxUid = DcmXfer(ds->getOriginalXfer()).getXferID();
  readPixelFormat(path, ds, params, base);
  if (!base.hasPixelData) return {};
  readClassicGeometry(ds, base);

  DcmSequenceOfItems* perFrameSeq = nullptr;
  bool enhanced = ds->findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrameSeq).good() && perFrameSeq;
  std::vector<DicomFrame> frames;
  frames.reserve(base.numberOfFrames);
  DcmItem* shared = macroItem(ds, DCM_SharedFunctionalGroupsSequence);
  for (unsigned i = 0; i < base.numberOfFrames; ++i) {
    DicomFrame f = base;
    f.frameIndex = i;
    if (enhanced) {
      DcmItem* perFrame = i < perFrameSeq->card() ? perFrameSeq->getItem(i) : nullptr;
      if (!perFrame)
        throwDataError("ingest", path, "Per-Frame Functional Groups (5200,9230) has " + std::to_string(perFrameSeq->card()) +
                                           " items for " + std::to_string(base.numberOfFrames) + " frames");
      readEnhancedGeometry(perFrame, shared, f);
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

}  // namespace spine
