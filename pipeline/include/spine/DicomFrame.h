#pragma once
// What the loader knows about one image frame before decoding its pixels. A classic single-frame
// file gives one DicomFrame; an enhanced multi-frame file gives one per frame.
#include <array>
#include <cstdint>
#include <limits>
#include <string>

namespace spine {

struct DicomFrame {
  std::string file;       ///< path on disk
  unsigned frameIndex = 0;///< 0-based frame inside the file (enhanced multi-frame)

  // Identity, all possibly empty (see ../shared/data/totalseg-example: empty Series UIDs).
  std::string studyUid;          ///< Study Instance UID (0020,000D)
  std::string seriesUid;         ///< Series Instance UID (0020,000E)
  std::string frameOfReferenceUid;///< Frame of Reference UID (0020,0052)
  std::string sopInstanceUid;    ///< SOP Instance UID (0008,0018), or Media Storage SOP Instance UID
  std::string sopClassUid;       ///< SOP Class UID (0008,0016), or Media Storage SOP Class UID
  std::string modality;          ///< Modality (0008,0060)
  std::string seriesDescription; ///< Series Description (0008,103E)
  std::string protocolName;      ///< Protocol Name (0018,1030)
  std::string sequenceName;      ///< Sequence Name (0018,0024) / Pulse Sequence Name (0018,9005)
  std::string imageType;         ///< Image Type (0008,0008), backslash-joined
  long seriesNumber = -1;        ///< Series Number (0020,0011)
  double echoTimeMs = std::numeric_limits<double>::quiet_NaN();       ///< (0018,0081)
  double repetitionTimeMs = std::numeric_limits<double>::quiet_NaN(); ///< (0018,0080)

  // Geometry (patient LPS mm).
  bool hasPosition = false;
  std::array<double, 3> position{};    ///< Image Position (Patient) (0020,0032)
  bool hasOrientation = false;
  std::array<double, 6> orientation{}; ///< Image Orientation (Patient) (0020,0037): row dir, column dir
  bool hasPixelSpacing = false;
  std::array<double, 2> pixelSpacing{1.0, 1.0}; ///< Pixel Spacing (0028,0030): between rows, between columns
  double sliceThickness = 0.0;          ///< Slice Thickness (0018,0050); never used for spacing
  double gantryTiltDeg = 0.0;           ///< Gantry/Detector Tilt (0018,1120), informative only

  // Pixel format.
  unsigned rows = 0, columns = 0, numberOfFrames = 1;
  unsigned bitsAllocated = 0, bitsStored = 0, highBit = 0, pixelRepresentation = 0;
  unsigned samplesPerPixel = 1;
  std::string photometric;        ///< Photometric Interpretation (0028,0004)
  double rescaleSlope = 1.0;      ///< Rescale Slope (0028,1053)
  double rescaleIntercept = 0.0;  ///< Rescale Intercept (0028,1052)
  std::string transferSyntaxUid;  ///< Transfer Syntax UID (0002,0010)
  bool hasPixelData = false;

  std::uint64_t frameBytes() const {
    return std::uint64_t(rows) * columns * samplesPerPixel * ((bitsAllocated + 7) / 8);
  }
};

}  // namespace spine
