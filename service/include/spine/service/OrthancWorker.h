#pragma once
// The Orthanc worker: follows an Orthanc server's change log (REST /changes) from outside the
// Orthanc process; for every stable study it downloads the study (/studies/{id}/archive), analyses
// it in a process of its own (`spinereview analyze`, with its limits), and posts the DICOM results
// (SEG, SR, key images) back as new instances of the same study. Where it got to is kept on disk,
// so a restarted worker neither loses nor repeats a study.
#include <functional>
#include <string>
#include <vector>

namespace spine::service {

struct OrthancWorkerOptions {
  std::string url = "http://127.0.0.1:8042";
  std::string user, password;
  std::string outDir;                    ///< analyses (studies/<orthanc id>/), logs, state
  std::string analyzer;                  ///< the spinereview executable
  std::vector<std::string> analyzeArgs;  ///< passed on to every `analyze`
  bool upload = true;                    ///< post the DICOM results back
  bool once = false;                     ///< stop when every study is stable and handled
  unsigned pollSeconds = 2;
  unsigned onceWaitSeconds = 120;        ///< with `once`: give up waiting for stability after this long
};

struct WorkerStudy {
  std::string orthancId;
  std::string status;  ///< "analysed", "already done", "no image series", "failed"
  int exitCode = 0;
  std::size_t uploaded = 0;
  std::string error;
};

/// Runs until stopped (or, with `once`, until done). `log` gets one line per event. Returns the
/// studies handled. Throws SpineError (Unavailable) when Orthanc cannot be reached at start.
std::vector<WorkerStudy> runOrthancWorker(const OrthancWorkerOptions& options, const std::function<void(const std::string&)>& log);

}  // namespace spine::service
