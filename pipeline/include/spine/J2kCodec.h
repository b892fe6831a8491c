#pragma once
// JPEG 2000 through OpenJPEG (Debian libopenjp2-7): DCMTK 3.6.7 has no JPEG 2000 codec.
#include <cstdint>
#include <string>
#include <vector>

namespace spine {

/// Decodes one JPEG 2000 codestream (or JP2 file) of a single-component image into samples of
/// `bytesPerSample` (1 or 2) bytes, little-endian, rows x columns. Throws std::runtime_error on a
/// corrupt stream or when its size differs from the one expected.
std::vector<std::uint8_t> decodeJ2k(const std::uint8_t* data, size_t size, unsigned rows, unsigned columns,
                                    unsigned bytesPerSample);

/// Encodes 16-bit samples losslessly (reversible 5/3 wavelet) as a J2K codestream; used to write
/// JPEG 2000 Lossless (1.2.840.10008.1.2.4.90) series for tests and phantoms.
std::vector<std::uint8_t> encodeJ2kLossless(const std::uint16_t* samples, unsigned rows, unsigned columns,
                                            unsigned bitsStored, bool isSigned);

}  // namespace spine
