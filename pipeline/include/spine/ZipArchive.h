#pragma once
// Safe extraction of an uploaded .zip study (libzip). Entries that would escape the target folder
// (absolute paths, "..", symlinks) and archives that inflate past the caps (zip bombs) are refused
// before anything is written outside the target.
#include <cstdint>
#include <string>
#include <vector>

namespace spine {

struct ZipLimits {
  std::uint64_t maxTotalBytes = 8ull << 30;  ///< sum of uncompressed sizes
  std::uint64_t maxEntryBytes = 2ull << 30;  ///< one entry
  std::uint64_t maxEntries = 200000;
  double maxRatio = 1000.0;                  ///< uncompressed / compressed per entry (DICOM rarely exceeds 20)
};

/// Extracts `zipPath` into the existing empty folder `targetDir`; returns the files written.
/// Throws SpineError (DataError) naming the zip and the offending entry.
std::vector<std::string> extractZip(const std::string& zipPath, const std::string& targetDir, const ZipLimits& limits);

/// True when the file starts with a zip local-file or end-of-central-directory signature.
bool looksLikeZip(const std::string& path);

}  // namespace spine
