#include "ServiceCommands.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include "CommandErrors.h"
#include "spine/ChildProcess.h"
#include "spine/Error.h"
#include "spine/service/OrthancUpload.h"

namespace {

/// One line per finished study, or a bar redrawn in place on a terminal.
void showBatchProgress(const spine::BatchProgress& p) {
  const spine::BatchStudy& s = *p.last;
  if (!::isatty(2)) {
    std::fprintf(stderr, "batch: %zu/%zu %s %s (%.1f s)%s%s\n", p.finished, p.total, s.id.c_str(), s.status.c_str(), s.seconds,
                 s.error.empty() ? "" : ": ", s.error.c_str());
    return;
  }
  const int width = 30, filled = int(width * p.finished / std::max<std::size_t>(p.total, 1));
  std::fprintf(stderr, "\r[%s%s] %zu/%zu done, %zu failed, %zu running ", std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), p.finished, p.total, p.failed, p.running);
  if (p.finished == p.total) std::fputc('\n', stderr);
}

int runBatchCommand(const spine::BatchOptions& options) {
  return reportingErrors(options.inDir, [&] {
    spine::BatchOptions o = options;
    o.analyzer = spine::selfExecutable();
    spine::BatchResult r = spine::runBatch(o, showBatchProgress);
    std::fputs(spine::batchTable(r).c_str(), stdout);
    std::printf("summary: %s/%s.json; failures: %s/failed/; logs: %s/logs/\n", o.outDir.c_str(), spine::batchSummaryName(o).c_str(),
                o.outDir.c_str(), o.outDir.c_str());
    return r.exitCode;
  });
}

int runOrthancWorker(spine::service::OrthancWorkerOptions o) {
  return reportingErrors(o.url, [&] {
    o.analyzer = spine::selfExecutable();
    if (const char* password = std::getenv("ORTHANC_PASSWORD")) o.password = password;
    auto studies = spine::service::runOrthancWorker(o, [](const std::string& line) { std::printf("orthanc: %s\n", line.c_str()); std::fflush(stdout); });
    bool failed = false;
    for (const auto& s : studies) failed |= s.status == "failed";
    return failed ? int(spine::ExitCode::TempFail) : 0;
  });
}

int runOrthancUpload(const std::string& input, const std::string& url, const std::string& user) {
  return reportingErrors(input, [&] {
    const char* password = std::getenv("ORTHANC_PASSWORD");
    spine::service::UploadResult r = spine::service::uploadToOrthanc(input, url, user, password ? password : "");
    std::printf("uploaded %zu instance(s) to %s, %zu refused, %zu file(s) not DICOM\n", r.sent, url.c_str(), r.refused, r.notDicom);
    if (r.assignedStudy || r.assignedSeries || r.assignedInstance)
      std::printf("assigned derived UIDs (2.25.*, the same on every upload of this input) where the files had none: "
                  "Study Instance UID in %zu, Series Instance UID in %zu, SOP Instance UID in %zu file(s)\n",
                  r.assignedStudy, r.assignedSeries, r.assignedInstance);
    for (const std::string& p : r.problems) std::printf("refused: %s\n", p.c_str());
    return r.refused ? int(spine::ExitCode::DataError) : r.sent ? 0 : int(spine::ExitCode::NoInput);
  });
}

std::atomic<bool> g_stopServing{false};

int runServe(spine::service::ServeOptions o, const std::string& sendTo) {
  return reportingErrors("serve", [&] {
    if (o.allowedCallers.empty() && !o.allowAnyCaller)
      throw spine::SpineError(spine::ExitCode::Usage, "serve", "--allow", "name the calling AE titles to accept (or --allow-any-caller)");
    if (!sendTo.empty()) o.destination = spine::service::parsePeer(sendTo), o.sendResults = true;
    o.analyzer = spine::selfExecutable();
    std::signal(SIGINT, [](int) { g_stopServing = true; });
    std::signal(SIGTERM, [](int) { g_stopServing = true; });
    std::printf("serve: %s listening on port %u; spool %s; results %s\n", o.aeTitle.c_str(), o.port, o.spoolDir.c_str(), o.outDir.c_str());
    std::fflush(stdout);
    auto studies = spine::service::runDicomService(o, g_stopServing, [](const std::string& line) {
      std::printf("serve: %s\n", line.c_str());
      std::fflush(stdout);
    });
    std::printf("serve: stopped after %zu study(ies)\n", studies.size());
    return 0;
  });
}

}  // namespace

ServiceCommands::ServiceCommands(CLI::App& app) {
  serveCmd = app.add_subcommand("serve", "DICOM receiver (C-STORE SCP): studies from allowed callers analysed when complete");
  serveCmd->add_option("--port", serve.port, "TCP port")->capture_default_str()->check(CLI::Range(1, 65535));
  serveCmd->add_option("--aet", serve.aeTitle, "our AE title (the Called AE Title callers must use)")->capture_default_str();
  serveCmd->add_option("--allow", serve.allowedCallers, "calling AE titles accepted (repeat or comma-separate)")->delimiter(',');
  serveCmd->add_flag("--allow-any-caller", serve.allowAnyCaller, "accept any calling AE title (trusted networks only)");
  serveCmd->add_option("--allow-host", serve.allowedHosts, "caller IP addresses accepted (default: any)")->delimiter(',');
  serveCmd->add_option("--spool", serve.spoolDir, "where received instances wait")->required();
  serveCmd->add_option("--out", serve.outDir, "analyses: OUT/<study>/, logs/")->required();
  serveCmd->add_option("--quiet-period", serve.quietSeconds, "seconds without a new instance before a study counts as complete")
      ->capture_default_str()->check(CLI::Range(1, 86400));
  serveCmd->add_option("--send-to", serveSendTo, "send the DICOM results (SEG, SR, key images) to AET@host:port");
  serveCmd->add_option("--target", serveTarget, "surgical target level to locate in every study");
  serveCmd->add_option("--max-study-mib", serve.maxStudyMiB, "a study bigger than this is refused whole, MiB")->capture_default_str();
  serveCmd->add_option("--min-free-mib", serve.minFreeMiB, "refuse instances when the spool's disk has less free, MiB")->capture_default_str();
  serveCmd->add_option("--stop-after", serve.stopAfterStudies, "stop after this many studies (tests); default: until SIGTERM");


  workerCmd = app.add_subcommand("orthanc-worker", "Analyse every stable study of an Orthanc server and post the DICOM results back");
  workerCmd->add_option("--url", worker.url, "Orthanc REST base URL")->capture_default_str();
  workerCmd->add_option("--user", worker.user, "Orthanc user (password from $ORTHANC_PASSWORD)");
  workerCmd->add_option("--out", worker.outDir, "analyses, logs and the worker's place in the change log")->required();
  workerCmd->add_option("--poll", worker.pollSeconds, "seconds between looks at the change log")->capture_default_str()->check(CLI::Range(1, 3600));
  workerCmd->add_flag("--once", worker.once, "stop when every study is stable and handled (tests, cron)");
  workerCmd->add_option("--wait", worker.onceWaitSeconds, "with --once: longest wait for studies to become stable, s")->capture_default_str();
  workerCmd->add_option("--target", workerTarget, "surgical target level to locate in every study");
  workerCmd->add_flag("--deidentify", workerDeidentify, "no patient identity in the results (only with --no-upload)");
  workerCmd->add_flag("--no-upload", workerNoUpload, "analyse only; post nothing back");

  uploadCmd = app.add_subcommand("orthanc-upload", "Put a local study into Orthanc, giving derived UIDs to files that have none");
  uploadCmd->add_option("INPUT", uploadInput, "a DICOM file or folder tree")->required();
  uploadCmd->add_option("--url", uploadUrl, "Orthanc REST base URL")->capture_default_str();
  uploadCmd->add_option("--user", uploadUser, "Orthanc user (password from $ORTHANC_PASSWORD)");


  batchCmd = app.add_subcommand("batch", "Analyse every study in a folder, each in its own process; resumable");
  batchCmd->add_option("INDIR", batch.inDir, "folder whose entries are studies (folder, .zip, DICOM file, NIfTI/NRRD)")->required();
  batchCmd->add_option("--out", batch.outDir, "results: OUTDIR/<study>/ when complete, failed/, logs/, batch-summary.json")->required();
  batchCmd->add_option("-j,--jobs", batch.jobs, "studies analysed at once")->capture_default_str()->check(CLI::Range(1, 64));
  batchCmd->add_option("--target", batchTarget, "surgical target level to locate in every study");
  batchCmd->add_option("--max-memory", batchMemory, "per-study cap on decoded pixel memory, MiB (analyze's default)");
  batchCmd->add_option("--timeout", batchTimeout, "per-study wall-time limit, s (analyze's default)");
  batchCmd->add_flag("--deidentify", batchDeidentify, "no patient identity in any study's reports and DICOM outputs");
  batchCmd->add_flag("--no-dicom", batchNoDicom, "skip the DICOM outputs");
  batchCmd->add_flag("--retry-failed", batch.retryFailed, "also retry studies that failed for a reason not worth retrying");
  batchCmd->add_option("--shard", shard, "K/N: only every N-th study from the K-th (a Slurm job array task; scripts/slurm)");
}

std::optional<int> ServiceCommands::run() {
  if (*serveCmd) {
    if (!serveTarget.empty()) serve.analyzeArgs.insert(serve.analyzeArgs.end(), {"--target", serveTarget});
    return runServe(serve, serveSendTo);
  }
  if (*workerCmd) {
    if (!workerTarget.empty()) worker.analyzeArgs.insert(worker.analyzeArgs.end(), {"--target", workerTarget});
    if (workerDeidentify && !workerNoUpload) {
      std::fprintf(stderr, "spinereview: error: orthanc-worker: de-identified results cannot be posted back into the identified "
                           "study: add --no-upload\n");
      return int(spine::ExitCode::Usage);
    }
    if (workerDeidentify) worker.analyzeArgs.push_back("--deidentify");
    worker.upload = !workerNoUpload;
    return runOrthancWorker(worker);
  }
  if (*uploadCmd) return runOrthancUpload(uploadInput, uploadUrl, uploadUser);
  if (*batchCmd) {
    if (!batchTarget.empty()) batch.analyzeArgs.insert(batch.analyzeArgs.end(), {"--target", batchTarget});
    if (!batchMemory.empty()) batch.analyzeArgs.insert(batch.analyzeArgs.end(), {"--max-memory", batchMemory});
    if (!batchTimeout.empty()) batch.analyzeArgs.insert(batch.analyzeArgs.end(), {"--timeout", batchTimeout});
    if (batchDeidentify) batch.analyzeArgs.push_back("--deidentify");
    if (batchNoDicom) batch.analyzeArgs.push_back("--no-dicom");
    if (!shard.empty() && std::sscanf(shard.c_str(), "%u/%u", &batch.shard, &batch.shards) != 2) {
      std::fprintf(stderr, "spinereview: error: --shard %s: give K/N, e.g. 3/8\n", shard.c_str());
      return int(spine::ExitCode::Usage);
    }
    return runBatchCommand(batch);
  }
  return std::nullopt;
}
