#pragma once
// `spinereview serve`: a DICOM storage SCP (DCMTK networking) that accepts studies only from
// allowed callers, spools them (StudySpool), decides a study is complete after a quiet period,
// analyses it in a process of its own and, when configured, sends the DICOM results (SEG, SR, key
// images) to a destination with C-STORE.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace spine::service {

struct DicomPeer {
  std::string aeTitle, host;
  unsigned port = 0;
};

/// Parses "AET@host:port". Throws SpineError (Usage) when it is not one.
DicomPeer parsePeer(const std::string& text);

struct ServeOptions {
  unsigned port = 11112;
  std::string aeTitle = "SPINEREVIEW";               ///< the Called AE Title we answer to
  std::vector<std::string> allowedCallers;           ///< Calling AE Titles accepted; empty with allowAnyCaller only
  bool allowAnyCaller = false;
  std::vector<std::string> allowedHosts;             ///< caller addresses accepted; empty = any
  std::string spoolDir, outDir;
  unsigned quietSeconds = 10;                        ///< a study is complete after this long without a new instance
  std::string analyzer;                              ///< the spinereview executable
  std::vector<std::string> analyzeArgs;
  bool sendResults = false;
  DicomPeer destination;                             ///< where the results go, when sendResults
  unsigned maxWorkers = 4;                           ///< associations served at once
  std::size_t stopAfterStudies = 0;                  ///< stop after this many studies (tests); 0 = run until stopped
  std::uint64_t maxStudyMiB = 8192;                  ///< a bigger study is refused whole
  std::uint64_t minFreeMiB = 1024;                   ///< below this free disk in the spool, instances are refused
};

struct ServedStudy {
  std::string folder, status, error;  ///< status: "analysed", "failed", "refused" (over its size cap)
  int exitCode = 0;
  std::size_t sent = 0;
};

/// Runs until `stop` becomes true (or `stopAfterStudies` studies were handled). Throws SpineError
/// (Unavailable) when the port cannot be opened.
std::vector<ServedStudy> runDicomService(const ServeOptions& options, const std::atomic<bool>& stop,
                                         const std::function<void(const std::string&)>& log);

/// Sends `files` to `peer` in one association (C-STORE SCU). Returns how many were accepted; the
/// reasons for the others go to `problems`.
std::size_t sendFiles(const std::vector<std::string>& files, const DicomPeer& peer, const std::string& callingAe,
                      std::vector<std::string>& problems);

}  // namespace spine::service
