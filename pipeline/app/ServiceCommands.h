#pragma once
// The second-opinion service's subcommands: batch, serve, orthanc-worker and orthanc-upload, their
// options and how they run (README "Use"; exit codes as for analyze, batch's for a scheduler).
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "spine/Batch.h"
#include "spine/service/DicomService.h"
#include "spine/service/OrthancWorker.h"

class ServiceCommands {
public:
  /// Registers the subcommands on `app`.
  explicit ServiceCommands(CLI::App& app);
  /// Runs the one given on the command line; nullopt when none of them was.
  std::optional<int> run();

private:
  spine::BatchOptions batch;
  std::string batchTarget, batchMemory, batchTimeout, shard;
  bool batchDeidentify = false, batchNoDicom = false;
  spine::service::ServeOptions serve;
  std::string serveSendTo, serveTarget;
  spine::service::OrthancWorkerOptions worker;
  std::string workerTarget;
  bool workerDeidentify = false, workerNoUpload = false;
  std::string uploadInput, uploadUrl = "http://127.0.0.1:8042", uploadUser;
  CLI::App *batchCmd = nullptr, *serveCmd = nullptr, *workerCmd = nullptr, *uploadCmd = nullptr;
};
