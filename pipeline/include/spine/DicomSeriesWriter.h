#pragma once
// Writes CT or MR images as DICOM with DCMTK, in any transfer syntax the loader reads. Used for
// the default study, phantoms and the loader's round-trip tests.
#include <string>
#include <vector>

#include "spine/Series.h"
#include "spine/Volume.h"

namespace spine {

/// Transfer syntaxes by short name: implicit-le, explicit-le, explicit-be, deflate,
/// jpeg-baseline (8-bit, lossy), jpeg-extended (12-bit, lossy), jpeg-lossless, jpeg-ls-lossless,
/// jpeg-ls-near (near-lossless), rle, j2k-lossless.
const std::vector<std::string>& writableTransferSyntaxes();

struct DicomWriteParams {
  std::string transferSyntax = "explicit-le";
  std::string modality = "CT";          ///< "CT" or "MR"
  std::string studyUid, seriesUid, frameOfReferenceUid;  ///< generated when empty
  std::string seriesDescription = "SpineReview synthetic";
  long seriesNumber = 1;
  unsigned bitsAllocated = 16;
  unsigned bitsStored = 16;
  bool isSigned = true;                 ///< Pixel Representation (0028,0103)
  double rescaleSlope = 1.0, rescaleIntercept = 0.0;  ///< stored = (value - intercept) / slope
  bool monochrome1 = false;             ///< Photometric Interpretation MONOCHROME1
  double echoTimeMs = 0, repetitionTimeMs = 0;        ///< MR only; 0 = not written
  double sliceThicknessMm = 0;          ///< Slice Thickness (0018,0050); 0 = not written
  std::string patientPosition;          ///< Patient Position (0018,5100), e.g. HFS, HFP; empty = not written
};

/// One slice to write: its Image Position (Patient) and its values in modality units, row-major
/// (columns fastest), columns x rows.
struct SliceToWrite {
  Vec3 position;
  std::vector<double> values;
};

struct SliceGrid {
  Vec3 rowDir{1, 0, 0}, colDir{0, 1, 0};  ///< Image Orientation (Patient)
  double columnSpacing = 1, rowSpacing = 1;
  unsigned columns = 0, rows = 0;
};

/// Writes one file per slice into `dir` (created), named IMG0001.dcm... Returns the file paths.
std::vector<std::string> writeDicomSlices(const std::string& dir, const SliceGrid& grid,
                                          const std::vector<SliceToWrite>& slices, const DicomWriteParams& params);

/// Writes all slices as one enhanced multi-frame image (Enhanced CT/MR Image Storage) at `file`.
void writeEnhancedMultiFrame(const std::string& file, const SliceGrid& grid, const std::vector<SliceToWrite>& slices,
                             const DicomWriteParams& params);

/// Writes a volume slice by slice along its third axis.
std::vector<std::string> writeVolumeAsDicom(const Volume& volume, const std::string& dir, const DicomWriteParams& params);

}  // namespace spine
