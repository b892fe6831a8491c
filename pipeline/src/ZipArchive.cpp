#include "spine/ZipArchive.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include <zip.h>

#include "spine/Error.h"

namespace spine {
namespace fs = std::filesystem;
namespace {

struct ZipCloser { void operator()(zip_t* z) const { zip_discard(z); } };
struct EntryCloser { void operator()(zip_file_t* f) const { zip_fclose(f); } };

/// A relative path without "..", absolute roots, drive letters or backslash tricks.
bool isSafeEntryName(const std::string& name) {
  if (name.empty() || name[0] == '/' || name[0] == '\\' || name.find('\\') != std::string::npos) return false;
  if (name.size() > 1 && name[1] == ':') return false;
  for (const fs::path& part : fs::path(name))
    if (part == "..") return false;
  return name.size() < 4096;
}

void copyEntry(zip_t* zip, zip_uint64_t index, const std::string& zipPath, const std::string& name,
               const fs::path& dest, std::uint64_t declared, const ZipLimits& limits, std::uint64_t& total) {
  std::unique_ptr<zip_file_t, EntryCloser> entry(zip_fopen_index(zip, index, 0));
  if (!entry) throwDataError("ingest", zipPath, "zip entry '" + name + "' cannot be opened: " + zip_strerror(zip));
  fs::create_directories(dest.parent_path());
  std::ofstream out(dest, std::ios::binary | std::ios::trunc);
  if (!out) throw SpineError(ExitCode::CantCreate, "ingest", dest.string(), "cannot write extracted file");
  char buf[1 << 16];
  std::uint64_t written = 0;
  while (true) {
    zip_int64_t n = zip_fread(entry.get(), buf, sizeof buf);
    if (n < 0) throwDataError("ingest", zipPath, "zip entry '" + name + "' is corrupt: " + zip_file_strerror(entry.get()));
    if (n == 0) break;
    written += std::uint64_t(n);
    total += std::uint64_t(n);
    // Count real bytes, not declared sizes: a lying header must not get past the caps.
    if (written > limits.maxEntryBytes || written > declared || total > limits.maxTotalBytes)
      throwDataError("ingest", zipPath, "zip entry '" + name + "' inflates beyond its declared size or the caps (zip bomb?)");
    out.write(buf, n);
  }
  if (!out) throw SpineError(ExitCode::CantCreate, "ingest", dest.string(), "write failed (disk full?)");
}

}  // namespace

bool looksLikeZip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char sig[4] = {};
  in.read(sig, 4);
  return in.gcount() == 4 && sig[0] == 'P' && sig[1] == 'K' &&
         ((sig[2] == 3 && sig[3] == 4) || (sig[2] == 5 && sig[3] == 6));
}

std::vector<std::string> extractZip(const std::string& zipPath, const std::string& targetDir, const ZipLimits& limits) {
  int error = 0;
  std::unique_ptr<zip_t, ZipCloser> zip(zip_open(zipPath.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!zip) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, error);
    std::string why = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    throwDataError("ingest", zipPath, "not a readable zip archive: " + why);
  }
  zip_int64_t count = zip_get_num_entries(zip.get(), 0);
  if (count < 0 || std::uint64_t(count) > limits.maxEntries)
    throwDataError("ingest", zipPath, "zip holds " + std::to_string(count) + " entries, above the cap of " + std::to_string(limits.maxEntries));

  // Check every entry before writing anything: a bad archive leaves nothing behind.
  std::uint64_t declaredTotal = 0;
  std::vector<std::pair<std::string, zip_stat_t>> entries;
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip.get(), zip_uint64_t(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME))
      throwDataError("ingest", zipPath, "zip entry " + std::to_string(i) + " is unreadable");
    std::string name = st.name;
    if (!isSafeEntryName(name)) throwDataError("ingest", zipPath, "zip entry '" + name + "' has an absolute or '..' path (refused)");
    if (!name.empty() && name.back() == '/') continue;
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    if (zip_file_get_external_attributes(zip.get(), zip_uint64_t(i), 0, &opsys, &attributes) == 0 &&
        opsys == ZIP_OPSYS_UNIX && ((attributes >> 16) & 0170000) == 0120000)
      throwDataError("ingest", zipPath, "zip entry '" + name + "' is a symbolic link (refused)");
    double ratio = st.comp_size ? double(st.size) / double(st.comp_size) : 0.0;
    if (st.size > limits.maxEntryBytes || ratio > limits.maxRatio)
      throwDataError("ingest", zipPath, "zip entry '" + name + "' inflates to " + std::to_string(st.size) +
                                            " bytes (ratio " + std::to_string(int(ratio)) + ":1): zip bomb refused");
    declaredTotal += st.size;
    if (declaredTotal > limits.maxTotalBytes)
      throwDataError("ingest", zipPath, "zip inflates to more than " + std::to_string(limits.maxTotalBytes >> 20) + " MiB: refused");
    entries.emplace_back(name, st);
  }

  std::vector<std::string> files;
  std::uint64_t total = 0;
  for (const auto& [name, st] : entries) {
    fs::path dest = fs::path(targetDir) / name;
    copyEntry(zip.get(), st.index, zipPath, name, dest, st.size, limits, total);
    files.push_back(dest.string());
  }
  return files;
}

}  // namespace spine
