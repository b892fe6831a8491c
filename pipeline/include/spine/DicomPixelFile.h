#pragma once
// Loads one DICOM file's pixel data with DCMTK and hands out its frames as stored samples.
// Decompression: DCMTK's JPEG (baseline, extended, lossless), JPEG-LS and RLE codecs, deflate
// through DCMTK's zlib support, and JPEG 2000 / HTJ2K through OpenJPEG (J2kCodec.h).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "spine/DicomFrame.h"

class DcmFileFormat;

namespace spine {

/// Registers DCMTK's decoders once per process (DCMTK requires it explicitly). Thread-safe.
void registerDicomCodecs();

class DicomPixelFile {
public:
  /// Loads `path` fully. Throws SpineError (DataError) naming the file when it cannot be decoded.
  explicit DicomPixelFile(const DicomFrame& format);
  ~DicomPixelFile();
  DicomPixelFile(const DicomPixelFile&) = delete;
  DicomPixelFile& operator=(const DicomPixelFile&) = delete;

  /// Stored samples of frame `index` (Bits Allocated 8: uint8 each, 16: uint16 each, host order).
  const std::uint8_t* frame(unsigned index) const;

private:
  void decodeNative();
  void checkJpegHeaders();
  void decodeJpeg2000();

  DicomFrame m_format;
  std::unique_ptr<DcmFileFormat> m_file;
  const std::uint8_t* m_native = nullptr;   ///< into DCMTK's buffer
  std::vector<std::uint8_t> m_decoded;      ///< frames decoded by OpenJPEG
};

/// Converts stored samples to modality values: Bits Stored/High Bit masking, sign from Pixel
/// Representation (0028,0103), then Rescale Slope/Intercept. See VolumeAssembler for MONOCHROME1.
inline double storedToValue(const std::uint8_t* samples, size_t index, const DicomFrame& f, bool invert) {
  std::uint32_t word = f.bitsAllocated == 16 ? reinterpret_cast<const std::uint16_t*>(samples)[index] : samples[index];
  unsigned shift = f.highBit + 1 - f.bitsStored;
  std::uint32_t mask = (1u << f.bitsStored) - 1;
  std::int32_t v = std::int32_t((word >> shift) & mask);
  bool isSigned = f.pixelRepresentation == 1;
  if (isSigned && (v & (1 << (f.bitsStored - 1)))) v -= std::int32_t(1) << f.bitsStored;
  if (invert) {  // MONOCHROME1 on MR: flip within the stored range so that bright means high signal
    std::int32_t lo = isSigned ? -(std::int32_t(1) << (f.bitsStored - 1)) : 0;
    std::int32_t hi = isSigned ? (std::int32_t(1) << (f.bitsStored - 1)) - 1 : std::int32_t(mask);
    v = hi + lo - v;
  }
  return v * f.rescaleSlope + f.rescaleIntercept;
}


}  // namespace spine
