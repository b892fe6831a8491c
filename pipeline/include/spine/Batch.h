#pragma once
// `spinereview batch INDIR --out OUTDIR -j N`: every study in INDIR (a folder, a .zip, a DICOM
// file or a NIfTI/NRRD volume per entry) analysed in a process of its own, N at a time, with the
// analysis' memory, CPU-time, stack and wall-time limits. Resumable: OUTDIR/<study>/ appears only
// when its analysis is complete (it is written in OUTDIR/.work/<study>/ and renamed), finished
// studies are skipped, failures are kept in OUTDIR/failed/<study>.json with the reason.
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spine {

struct BatchOptions {
  std::string inDir, outDir;
  std::string analyzer;                  ///< the spinereview executable to run per study
  unsigned jobs = 1;
  std::vector<std::string> analyzeArgs;  ///< passed on to every `analyze` (--target, --deidentify, limits, ...)
  bool retryFailed = false;              ///< also retry studies whose failure was not worth retrying
  /// Scale-out: this run takes the studies whose place in INDIR's sorted listing is `shard` modulo
  /// `shards` (a Slurm job array: shard = task id, shards = task count); the others are not listed.
  unsigned shard = 0, shards = 1;
};

struct BatchStudy {
  std::string id;     ///< the entry's name made safe for a folder name
  std::string input;  ///< the entry's path
  std::string status; ///< "analysed", "already done", "failed", "failed before"
  int exitCode = 0;   ///< of its `analyze` (README exit codes)
  bool retryable = false;
  std::string error;  ///< the error line, when failed
  double seconds = 0;
  std::string numbering;  ///< numbering status from its report
  std::size_t levels = 0, findings = 0;
};

struct BatchProgress {
  std::size_t total = 0, finished = 0, failed = 0, running = 0;
  const BatchStudy* last = nullptr;  ///< the study that just finished
};

struct BatchResult {
  std::vector<BatchStudy> studies;
  /// 0 all analysed; 75 some failed for a reason worth retrying (run the same command again);
  /// 65 some cannot be analysed (their reasons are in failed/).
  int exitCode = 0;
};

/// Exit codes worth retrying: 69 (service missing), 73 (cannot write), 75 (resources busy), and a
/// process killed by a signal (e.g. the kernel's out-of-memory killer).
bool retryableExit(int code);

/// A name safe as one folder name: letters, digits, '.', '-', '_' kept, the rest '_'; never "." or "..".
std::string studyId(const std::string& entryName);

/// Runs the batch; `progress` is called after each study. Throws SpineError: NoInput when INDIR
/// is missing or holds nothing, CantCreate when OUTDIR cannot be made.
BatchResult runBatch(const BatchOptions& options, const std::function<void(const BatchProgress&)>& progress = {});

/// "batch-summary", or "batch-summary-shard-K-of-N" for a shard (then .json and .txt).
std::string batchSummaryName(const BatchOptions& options);

/// The summary table (one line per study) and its JSON (written to OUTDIR/batch-summary.json, or
/// batch-summary-shard-K-of-N.json for a shard).
std::string batchTable(const BatchResult& result);
nlohmann::json batchJson(const BatchResult& result);

}  // namespace spine
