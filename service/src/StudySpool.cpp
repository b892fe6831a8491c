#include "spine/service/StudySpool.h"

#include <cstdio>
#include <ctime>
#include <filesystem>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "spine/AtomicFile.h"
#include "spine/DerivedUid.h"

namespace spine::service {
namespace fs = std::filesystem;

namespace {

std::string hex64(const std::string& text) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(fnv1a64(text)));
  return out;
}

}  // namespace

StudySpool::StudySpool(std::string dir, SpoolLimits limits) : m_dir(std::move(dir)), m_limits(limits) {
  for (const char* sub : {"incoming", "ready", "refused"}) createOutputFolder((fs::path(m_dir) / sub).string(), "serve");
  // Studies an earlier run received but did not finish: complete after a quiet period, as new ones.
  for (const auto& e : fs::directory_iterator(fs::path(m_dir) / "incoming"))
    if (e.is_directory()) m_lastSeen[e.path().filename().string()] = Clock::now();
}

std::string StudySpool::folderFor(const std::string& studyUid, const std::string& callingAe) {
  return "study-" + hex64(studyUid.empty() ? "no study uid from " + callingAe : studyUid);
}

/// Called with the lock held, before an instance of `key` is written.
bool StudySpool::refuse(const std::string& key, std::string* why) {
  std::error_code ec;
  const fs::space_info space = fs::space(m_dir, ec);
  std::string reason;
  if (!ec && space.available < m_limits.minFreeBytes)
    reason = "the spool's disk has less than " + std::to_string(m_limits.minFreeBytes >> 20) + " MiB free";
  else if (m_refused.count(key) || m_bytes[key] >= m_limits.maxStudyBytes)
    reason = m_refused[key] = "the study is over its " + std::to_string(m_limits.maxStudyBytes >> 20) + " MiB cap";
  if (reason.empty()) return false;
  if (why) *why = reason;
  m_lastSeen[key] = Clock::now();  // still arriving: the whole study is set aside once it goes quiet
  return true;
}

bool StudySpool::store(DcmDataset& dataset, const std::string& xferUid, const std::string& callingAe, std::string* why) {
  OFString studyUid, sopUid;
  dataset.findAndGetOFString(DCM_StudyInstanceUID, studyUid);
  dataset.findAndGetOFString(DCM_SOPInstanceUID, sopUid);
  const std::string key = folderFor(studyUid.c_str(), callingAe);
  std::lock_guard<std::mutex> lock(m_mutex);
  if (refuse(key, why)) return false;
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
  m_bytes[key] += fs::file_size(final, ec);
  return true;
}

std::vector<QuietStudy> StudySpool::takeQuietStudies(std::chrono::milliseconds quiet) {
  std::lock_guard<std::mutex> lock(m_mutex);
  std::vector<QuietStudy> ready;
  for (auto it = m_lastSeen.begin(); it != m_lastSeen.end();) {
    if (Clock::now() - it->second < quiet) {
      ++it;
      continue;
    }
    const std::string refused = m_refused.count(it->first) ? m_refused[it->first] : "";
    const fs::path to = fs::path(m_dir) / (refused.empty() ? "ready" : "refused") /
                        (it->first + "-" + std::to_string(std::time(nullptr)) + "-" + std::to_string(++m_batches));
    std::error_code ec;
    fs::rename(fs::path(m_dir) / "incoming" / it->first, to, ec);
    if (!ec && !refused.empty()) writeFileAtomically((to / "REFUSED.txt").string(), refused + "\n", "serve");
    if (!ec) ready.push_back({to.string(), refused});
    m_bytes.erase(it->first), m_refused.erase(it->first);
    it = m_lastSeen.erase(it);
  }
  return ready;
}

}  // namespace spine::service
