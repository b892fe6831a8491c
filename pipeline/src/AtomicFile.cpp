#include "spine/AtomicFile.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

#include "spine/Error.h"

namespace spine {
namespace fs = std::filesystem;

std::string temporaryPathFor(const std::string& finalPath) {
  fs::path p(finalPath);
  std::string name = p.filename().string();
  auto dot = name.find('.');
  std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
  std::string ext = dot == std::string::npos ? "" : name.substr(dot);
  return (p.parent_path() / ("." + stem + ".tmp-" + std::to_string(::getpid()) + ext)).string();
}

void moveIntoPlace(const std::string& temp, const std::string& finalPath, const std::string& stage) {
  std::error_code ec;
  fs::rename(temp, finalPath, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw SpineError(ExitCode::CantCreate, stage, finalPath, "cannot move the file into place");
  }
}

void createOutputFolder(const std::string& dir, const std::string& stage) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw SpineError(ExitCode::CantCreate, stage, dir, "cannot create output folder: " + ec.message());
}

void writeFileAtomically(const std::string& finalPath, const std::string& text, const std::string& stage) {
  const std::string temp = temporaryPathFor(finalPath);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    const int openError = out ? 0 : errno;
    out << text;
    out.flush();
    if (!out) {
      const int error = openError ? openError : errno;
      std::error_code ec;
      fs::remove(temp, ec);
      // Named by its final path: the temporary name means nothing to the reader.
      throw SpineError(ExitCode::CantCreate, stage, finalPath,
                       openError ? "cannot create it: " + std::string(std::strerror(error)) : "write failed: " + std::string(std::strerror(error)));
    }
  }
  int fd = ::open(temp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  moveIntoPlace(temp, finalPath, stage);
}

}  // namespace spine
