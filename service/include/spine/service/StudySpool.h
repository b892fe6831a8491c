#pragma once
// Where received instances wait until their study is complete. Files are named by a counter and a
// hash, never by a UID or a file name from the network (DCMTK's storescp had path-traversal CVEs
// through UIDs: CVE-2022-2119, CVE-2022-2120), and written under a temporary name then renamed, so
// a study folder never holds half a file. A study counts as complete after a quiet period with
// nothing new; it is then moved to ready/ for analysis.
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

class DcmDataset;

namespace spine::service {

class StudySpool {
public:
  using Clock = std::chrono::steady_clock;

  /// Creates DIR/incoming and DIR/ready. Throws SpineError (CantCreate) naming the folder.
  explicit StudySpool(std::string dir);

  /// Saves one received instance (its own transfer syntax `xferUid`). False with `why` when it cannot.
  bool store(DcmDataset& dataset, const std::string& xferUid, const std::string& callingAe, std::string* why);

  /// Studies that received nothing for `quiet`, moved to ready/; returns their folders.
  std::vector<std::string> takeQuietStudies(std::chrono::milliseconds quiet);

  /// The folder name for a study: "study-" + 16 hex digits of a hash of its UID (and, when the UID
  /// is empty, of the caller's AE title).
  static std::string folderFor(const std::string& studyUid, const std::string& callingAe);

private:
  std::string m_dir;
  std::mutex m_mutex;
  std::map<std::string, Clock::time_point> m_lastSeen;
  std::uint64_t m_counter = 0, m_batches = 0;
};

}  // namespace spine::service
