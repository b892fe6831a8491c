#pragma once
// Where received instances wait until their study is complete. Files are named by a counter and a
// hash, never by a UID or a file name from the network (DCMTK's storescp had path-traversal CVEs
// through UIDs: CVE-2022-2119, CVE-2022-2120), and written under a temporary name then renamed, so
// a study folder never holds half a file. A study counts as complete after a quiet period with
// nothing new; it is then moved to ready/ for analysis.
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

class DcmDataset;

namespace spine::service {

struct SpoolLimits {
  std::uint64_t maxStudyBytes = 8ull << 30;  ///< a study growing past this is refused whole (not analysed in part)
  std::uint64_t minFreeBytes = 1ull << 30;   ///< below this much free disk every instance is refused
};

/// A study that went quiet: its folder, and why it was set aside instead of analysed ("" = ready).
struct QuietStudy {
  std::string folder, refused;
};

class StudySpool {
public:
  using Clock = std::chrono::steady_clock;

  /// Creates DIR/incoming, DIR/ready and DIR/refused. Throws SpineError (CantCreate) naming the folder.
  explicit StudySpool(std::string dir, SpoolLimits limits = {});

  /// Saves one received instance (its own transfer syntax `xferUid`). False with `why` when it cannot
  /// or may not (disk nearly full, study over its size cap: the caller answers "out of resources").
  bool store(DcmDataset& dataset, const std::string& xferUid, const std::string& callingAe, std::string* why);

  /// Studies that received nothing for `quiet`: moved to ready/, or to refused/ (with the reason in
  /// REFUSED.txt) when they went over their size cap.
  std::vector<QuietStudy> takeQuietStudies(std::chrono::milliseconds quiet);

  /// The folder name for a study: "study-" + 16 hex digits of a hash of its UID (and, when the UID
  /// is empty, of the caller's AE title).
  static std::string folderFor(const std::string& studyUid, const std::string& callingAe);

private:
  bool refuse(const std::string& key, std::string* why);

  std::string m_dir;
  SpoolLimits m_limits;
  std::mutex m_mutex;
  std::map<std::string, Clock::time_point> m_lastSeen;
  std::map<std::string, std::uint64_t> m_bytes;        ///< spooled so far, per study
  std::map<std::string, std::string> m_refused;        ///< studies over their cap, and why
  std::uint64_t m_counter = 0, m_batches = 0;
};

}  // namespace spine::service
