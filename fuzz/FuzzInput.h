#pragma once
// The fuzzers' shared scratch: each input is written to a file (the loader and the zip reader take
// paths, as they do for uploads) in a folder of this process, and everything is removed after.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include <unistd.h>

namespace spine::fuzz {

class FuzzInput {
public:
  FuzzInput(const std::uint8_t* data, std::size_t size, const char* name) {
    m_dir = std::filesystem::temp_directory_path() / ("spinereview-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(m_dir);
    m_file = (m_dir / name).string();
    std::FILE* f = std::fopen(m_file.c_str(), "wb");
    if (f) std::fwrite(data, 1, size, f), std::fclose(f);
  }
  ~FuzzInput() {
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
  }
  const std::string& file() const { return m_file; }
  std::string folder(const char* name) const {
    std::filesystem::create_directories(m_dir / name);
    return (m_dir / name).string();
  }

private:
  std::filesystem::path m_dir;
  std::string m_file;
};

}  // namespace spine::fuzz
