#include "spine/service/StudySpool.h"

#include <cstdio>
#include <ctime>
#include <filesystem>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "spine/AtomicFile.h"

namespace spine::service {
namespace fs = std::filesystem;

namespace {

std::string hex64(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

}  // namespace

StudySpool::StudySpool(std::string dir) : m_dir(std::move(dir)) {
  createOutputFolder((fs::path(m_dir) / "incoming").string(), "serve");
  createOutputFolder((fs::path(m_dir) / "ready").string(), "serve");
  // Studies an earlier run received but did not finish: complete after a quiet period, as new ones.
  for (const auto& e : fs::directory_iterator(fs::path(m_dir) / "incoming"))
    if (e.is_directory()) m_lastSeen[e.path().filename().string()] = Clock::now();
}

std::string StudySpool::folderFor(const std::string& studyUid, const std::string& callingAe) {
  return "study-" + hex64(studyUid.empty() ? "no study uid from " + callingAe : studyUid);
}

bool StudySpool::store(DcmDataset& dataset, const std::string& xferUid, const std::string& callingAe, std::string* why) {
  OFString studyUid, sopUid;
  dataset.findAndGetOFString(DCM_StudyInstanceUID, studyUid);
  dataset.findAndGetOFString(DCM_SOPInstanceUID, sopUid);
  const std::string key = folderFor(studyUid.c_str(), callingAe);
  std::lock_guard<std::mutex> lock(m_mutex);
  const fs::path folder = fs::path(m_dir) / "incoming" / key;
  std::error_code ec;
  fs::create_directories(folder, ec);
  const std::string name = std::to_string(++m_counter) + "-" + hex64(sopUid.c_str()) + ".dcm";
  const std::string final = (folder / name).string(), temp = (fs::path(m_dir) / "incoming" / ("." + name)).string();
  DcmFileFormat file(&dataset, /*copy*/ OFTrue);
  OFCondition c = file.saveFile(temp.c_str(), DcmXfer(xferUid.c_str()).getXfer());
  if (c.bad() || (fs::rename(temp, final, ec), ec)) {
    fs::remove(temp, ec);
    if (why) *why = std::string("cannot spool the instance: ") + (c.bad() ? c.text() : ec.message());
    return false;
  }
  m_lastSeen[key] = Clock::now();
  return true;
}

std::vector<std::string> StudySpool::takeQuietStudies(std::chrono::milliseconds quiet) {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<std::string> ready;
  for (auto it = m_lastSeen.begin(); it != m_lastSeen.end();) {
    if (Clock::now() - it->second < quiet) {
      ++it;
      continue;
    }
    const fs::path to = fs::path(m_dir) / "ready" / (it->first + "-" + std::to_string(std::time(nullptr)) + "-" + std::to_string(++m_batches));
    std::error_code ec;
    fs::rename(fs::path(m_dir) / "incoming" / it->first, to, ec);
    if (!ec) ready.push_back(to.string());
    it = m_lastSeen.erase(it);
  }
  return ready;
}

}  // namespace spine::service
