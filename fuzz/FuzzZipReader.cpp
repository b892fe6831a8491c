// libFuzzer target: a .zip upload through the safe extractor. Entries that escape the folder,
// symlinks, zip bombs and broken archives must end as a SpineError, never as a crash, a sanitizer
// report or a file written outside the target folder.
#include <cstdint>
#include <cstdlib>

#include "FuzzInput.h"
#include "spine/Error.h"
#include "spine/ZipArchive.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  spine::fuzz::FuzzInput input(data, size, "upload.zip");
  spine::ZipLimits limits;
  limits.maxTotalBytes = 64ull << 20, limits.maxEntryBytes = 32ull << 20, limits.maxEntries = 2000;
  try {
    spine::extractZip(input.file(), input.folder("unpacked"), limits);
  } catch (const spine::SpineError&) {
  }
  // Nothing may land beside the target folder (an entry escaping with "..").
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(input.file()).parent_path()))
    if (e.path().filename() != "upload.zip" && e.path().filename() != "unpacked") std::abort();
  return 0;
}
