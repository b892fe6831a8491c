// spinereview: the command-line front end over the spine:: library. Exit codes: README.md.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <new>
#include <optional>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "BuiltInDetectors.h"
#include "CommandErrors.h"
#include "ServiceCommands.h"
#include "spine/ChildProcess.h"
#include "spine/DicomSeriesWriter.h"
#include "spine/Error.h"
#include "spine/EvaluationRun.h"
#include "spine/Isolation.h"
#include "spine/LabelMapFile.h"
#include "spine/LevelTable.h"
#include "spine/MrSegmentation.h"
#include "spine/Phantom.h"
#include "spine/PluginDetector.h"
#include "spine/Report.h"
#include "spine/SemiSynthetic.h"
#include "spine/Study.h"
#include "spine/reports/AnalysisOutputs.h"
#include "spine/reports/ReportDocument.h"
#include "spine/reports/SlicerModule.h"
#include "spine/viewer/ReviewSession.h"
#include "spine/viewer/Viewer.h"

namespace {

struct AnalyzeOptions {
  std::string input, outDir, target, modality, pluginDir;
  std::uint64_t maxMemoryMiB = 4096;
  std::uint64_t maxUnpackedMiB = 8192;
  unsigned threads = 2, timeoutSeconds = 1800;
  bool isolate = true, quiet = false, keyImages = false, detectors = true;
  spine::reports::OutputOptions outputs;
};

void printLevels(const spine::LevelTable& t, const nlohmann::json& report, const AnalyzeOptions& o) {
  const auto& v = t.verdict;
  std::printf("numbering: %s%s%s\n", v.status == "confirmed" ? "" : "WARNING: ", v.status.c_str(),
              v.anomaly.empty() ? "" : (" - " + v.anomaly).c_str());
  std::printf("  %s\n", v.summary.c_str());
  std::string anchors;
  for (const auto& a : v.anchors) anchors += (anchors.empty() ? "" : "; ") + a;
  std::printf("  anchors: %s\n", anchors.empty() ? "none" : anchors.c_str());
  for (const auto& c : v.candidates) std::printf("  other possible numbering: %s\n", c.c_str());
  std::printf("  %s\n", v.reviewerMustConfirm.c_str());
  std::string names;
  for (const auto& e : t.vertebrae) names += (names.empty() ? "" : " ") + e.name;
  std::printf("levels:   %zu vertebrae, %zu discs: %s\n", t.vertebrae.size(), t.discs.size(), names.c_str());
  for (const std::string& line : spine::reports::axialSliceLines(report, o.outputs.deidentify)) std::printf("axial:    %s\n", line.c_str());
  if (o.target.empty()) return;
  const spine::LevelEntry* e = t.find(o.target);
  if (e)
    std::printf("target:   %s found at (%.1f, %.1f, %.1f) mm LPS, numbering %s (confidence %.2f)\n", o.target.c_str(), e->centroid[0],
                e->centroid[1], e->centroid[2], v.status.c_str(), e->confidence);
  else
    std::printf("target:   %s NOT LOCATED: confirm it yourself on the images\n", o.target.c_str());
}

void printSummary(const spine::Study& study, const nlohmann::json& report, const AnalyzeOptions& o, const spine::LevelTable& levels) {
  std::printf("input:    %s (%s, %zu file(s), %zu skipped)\n", study.input.c_str(), study.inputKind.c_str(),
              study.filesSeen, study.skipped.size());
  std::printf("series:   %zu found\n", study.series.size());
  std::printf("analysed: %s\n", study.chosenWhy.c_str());
  const auto* image = study.volume.image();
  auto size = image->GetLargestPossibleRegion().GetSize();
  std::printf("volume:   %s %zux%zux%zu at %.3gx%.3gx%.3g mm\n", spine::toString(study.volume.modality), size[0], size[1],
              size[2], image->GetSpacing()[0], image->GetSpacing()[1], image->GetSpacing()[2]);
  std::vector<std::string> warnings = spine::allWarnings(study);
  std::printf("warnings: %zu\n", warnings.size());
  for (const std::string& w : warnings) std::printf("  - %s\n", w.c_str());
  printLevels(levels, report, o);
  std::printf("report:   %s/report.json\n", o.outDir.c_str());
}

/// The viewer's scene rendered off screen into DIR/key-images, listed in the report; without a
/// display the report says why there are none.
void addKeyImages(nlohmann::json& report, const spine::Study& study, const spine::LabelImage* labels, const AnalyzeOptions& o) {
  std::string why;
  if (!spine::viewer::displayAvailable(&why)) {
    report["warnings"].push_back("key images not rendered: " + why);
    return;
  }
  if (!o.quiet) std::fprintf(stderr, "spinereview: rendering key images\n");
  spine::viewer::ReviewModel model = spine::viewer::readReviewModel(report, o.outDir, o.outDir + "/report.json");
  auto scene = spine::viewer::buildScene(model, study.volume, labels, o.target);
  nlohmann::json files = nlohmann::json::array();
  for (const std::string& f : spine::viewer::writeScreenshots(*scene, o.outDir + "/key-images")) files.push_back("key-images/" + f);
  report["key_images"] = files;
}

/// The human report, DICOM objects and research formats beside report.json (docs/outputs.md).
void writeOutputs(nlohmann::json& report, const spine::Study& study, const spine::LabelImage* labels, const AnalyzeOptions& o) {
  if (!o.quiet) std::fprintf(stderr, "spinereview: writing reports and DICOM outputs\n");
  spine::reports::OutputSource source{study.source, study.sliceSopInstanceUids};
  spine::reports::WrittenOutputs written = spine::reports::writeAnalysisOutputs(report, labels, source, o.outDir, o.outputs);
  for (const std::string& w : written.warnings) report["warnings"].push_back("outputs: " + w);
}

/// The built-in detectors and those of --plugins (loaded before anything is read or written, so a
/// wrong plugin folder fails the command cleanly); refused plugins become failure findings.
struct DetectorSet {
  std::vector<std::unique_ptr<spine::Detector>> detectors;
  std::vector<spine::Finding> refused;
};

DetectorSet loadDetectors(const AnalyzeOptions& o) {
  DetectorSet set;
  if (!o.detectors) return set;
  set.detectors = spine::builtInDetectors();
  if (o.pluginDir.empty()) return set;
  spine::LoadedPlugins plugins = spine::loadPlugins(o.pluginDir);
  for (auto& d : plugins.detectors) set.detectors.push_back(std::move(d));
  set.refused = plugins.refused;
  return set;
}

/// Each detector in its own child process.
spine::DetectorRun runDetectors(const DetectorSet& set, const spine::Study& study, const spine::LevelTable* levels, bool quiet) {
  if (!quiet) std::fprintf(stderr, "spinereview: running %zu detector(s)\n", set.detectors.size());
  spine::DetectorRun run = spine::runDetectors(set.detectors, {study.volume, levels});
  run.findings.insert(run.findings.end(), set.refused.begin(), set.refused.end());
  for (const spine::Finding& f : set.refused) run.statuses.push_back({f.detector, "failed", f.summary, 0, 0});
  return run;
}

void printFindings(const nlohmann::json& report) {
  std::vector<std::string> lines;
  auto collect = [&](const nlohmann::json& list) {
    for (const nlohmann::json& f : list) lines.push_back(f.value("summary", f.value("kind", "")));
  };
  collect(report["findings"]);
  for (const char* list : {"vertebrae", "discs"})
    for (const nlohmann::json& level : report[list]) collect(level["findings"]);
  std::printf("findings: %zu\n", lines.size());
  for (const std::string& l : lines) std::printf("  - %s\n", l.c_str());
}

/// The analysis proper; runs inside the isolated child unless --no-isolation.
int analyze(const AnalyzeOptions& o) {
  try {
    spine::IngestParams params;
    params.assembly.maxBytes = o.maxMemoryMiB << 20;
    params.assembly.threads = o.threads;
    params.zip.maxTotalBytes = o.maxUnpackedMiB << 20;
    params.zip.maxEntryBytes = std::min(params.zip.maxEntryBytes, params.zip.maxTotalBytes);
    if (o.modality == "CT") params.modality = spine::Modality::CT;
    if (o.modality == "MR") params.modality = spine::Modality::MR;
    params.onFile = [](const std::string& f) { spine::recordCurrentFile(f); };
    if (!o.quiet) params.progress = [](const std::string& line) { std::fprintf(stderr, "spinereview: %s\n", line.c_str()); };
    DetectorSet detectors = loadDetectors(o);
    spine::Study study = spine::loadStudy(o.input, params);
    spine::ReportOptions reportOptions;
    if (!o.target.empty()) reportOptions.target = o.target;
    spine::LevelTable levels;
    if (study.volume.modality == spine::Modality::CT) {
      if (!o.quiet) std::fprintf(stderr, "spinereview: segmenting and numbering the spine\n");
      spine::SegmentationParams sp;
      sp.threads = o.threads;
      levels = spine::analyseCtLevels(*study.volume.ct, sp);
    } else {
      if (!o.quiet) std::fprintf(stderr, "spinereview: segmenting and numbering the spine (sagittal MR)\n");
      levels = spine::analyseMrLevels(*study.volume.mr, spine::MrSegmentationParams{});
    }
    spine::writeLabelsAtomically(levels, o.outDir);
    std::optional<spine::DetectorRun> findings;
    if (o.detectors) findings = runDetectors(detectors, study, &levels, o.quiet);
    nlohmann::json report = spine::buildReport(study, reportOptions, &levels, findings ? &*findings : nullptr);
    report["parameters"] = {{"target", o.target},           {"modality", o.modality},          {"max_memory_mib", o.maxMemoryMiB},
                            {"max_unpacked_mib", o.maxUnpackedMiB}, {"threads", o.threads},   {"timeout_s", o.timeoutSeconds},
                            {"isolation", o.isolate},       {"detectors", o.detectors},        {"plugins", o.pluginDir},
                            {"key_images", o.keyImages},    {"deidentify", o.outputs.deidentify}, {"dicom_outputs", o.outputs.dicom}};
    if (o.keyImages) addKeyImages(report, study, levels.labels.GetPointer(), o);
    writeOutputs(report, study, levels.labels.GetPointer(), o);
    if (o.outputs.deidentify) spine::deidentifyReport(report);
    spine::writeReportAtomically(report, o.outDir);
    printSummary(study, report, o, levels);
    printFindings(report);
    return 0;
  } catch (const spine::SpineError& e) {
    std::fprintf(stderr, "spinereview: error: %s\n", e.oneLine().c_str());
    return int(e.code());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "spinereview: error: %s: out of memory within the configured limits [ingest]\n", o.input.c_str());
    return int(spine::ExitCode::DataError);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spinereview: error: %s: internal error: %s\n", o.input.c_str(), e.what());
    return int(spine::ExitCode::Internal);
  }
}

int runAnalyze(const AnalyzeOptions& o) {
  if (!o.isolate) return analyze(o);
  spine::IsolationLimits limits;
  limits.addressSpaceBytes = (o.maxMemoryMiB << 20) * 2 + (4ull << 30);  // pixels, a decode copy, libraries
  limits.wallSeconds = o.timeoutSeconds;
  spine::IsolatedResult r = spine::runIsolated([&] { return analyze(o); }, limits);
  if (!r.failure.empty()) std::fprintf(stderr, "spinereview: error: %s\n", r.failure.c_str());
  return r.exitCode;
}

/// `report DIR`: the outputs of an analysis folder written again (after a target review, or
/// de-identified).
int runReport(const std::string& dir, const spine::reports::OutputOptions& options) {
  return reportingErrors(dir, [&] {
    spine::reports::WrittenOutputs written = spine::reports::rewriteAnalysisOutputs(dir, options);
    for (const std::string& f : written.files) std::printf("wrote %s/%s\n", dir.c_str(), f.c_str());
    for (const std::string& w : written.warnings) std::printf("warning: %s\n", w.c_str());
    return 0;
  });
}

struct ViewOptions {
  std::string input, outDir, target, screenshotDir, reviewer;
  int width = 1600, height = 1000;
};

/// INPUT is an analysis folder (report.json inside) or a study analysed first into --out.
int runView(const ViewOptions& v) {
  namespace fs = std::filesystem;
  std::string reportDir = v.input;
  if (!fs::exists(fs::path(v.input) / "report.json")) {
    if (v.outDir.empty()) {
      std::fprintf(stderr, "spinereview: error: %s: not an analysis folder (no report.json): give --out DIR to analyse it first\n",
                   v.input.c_str());
      return int(spine::ExitCode::Usage);
    }
    AnalyzeOptions a;
    a.input = v.input, a.outDir = v.outDir, a.target = v.target;
    if (int rc = runAnalyze(a); rc != 0) return rc;
    reportDir = v.outDir;
  }
  std::string why;
  if (!spine::viewer::displayAvailable(&why)) {
    std::fprintf(stderr, "spinereview: error: %s: %s\n", reportDir.c_str(), why.c_str());
    return int(spine::ExitCode::Unavailable);
  }
  return reportingErrors(reportDir, [&] {
    spine::viewer::LoadedReview review = spine::viewer::loadReview(reportDir);
    spine::viewer::SceneOptions sceneOptions;
    sceneOptions.width = v.width, sceneOptions.height = v.height;
    auto scene = spine::viewer::buildScene(review.model, review.volume, review.labels.GetPointer(), v.target, sceneOptions);
    review.volume = {};  // the scene holds its own copy
    if (!v.screenshotDir.empty()) {
      for (const std::string& f : spine::viewer::writeScreenshots(*scene, v.screenshotDir))
        std::printf("wrote %s/%s\n", v.screenshotDir.c_str(), f.c_str());
      return 0;
    }
    const std::size_t reviewsBefore = review.model.reviews.size();
    spine::viewer::Viewer viewer(std::move(scene), review.model, {reportDir, v.target, v.reviewer});
    viewer.run();
    // A decision was recorded: the HTML, PDF and SR must say so too.
    if (spine::viewer::loadReviewModel(reportDir).reviews.size() != reviewsBefore) return runReport(reportDir, {});
    return 0;
  });
}

int runPhantom(const std::string& specFile, const std::string& outDir, const std::string& syntax, unsigned threads) {
  return reportingErrors(specFile, [&] {
    spine::PhantomSpec spec = spine::readPhantomSpec(specFile);
    if (!syntax.empty()) spec.acquisition.transferSyntax = syntax;
    spine::PhantomResult phantom = spec.base ? spine::generateSemiSynthetic(spec, threads) : spine::generatePhantom(spec, threads);
    spine::writePhantom(phantom, spec, outDir);
    const auto& g = phantom.grid;
    std::printf("wrote %s %s %s \"%s\": %ux%ux%u at %.3gx%.3gx%.3g mm, %zu vertebrae and %zu discs in view, to %s\n",
                spec.modality.c_str(), spec.acquisition.orientation.c_str(), spec.base ? "semi-synthetic case" : "phantom", spec.name.c_str(), g.nx, g.ny, g.nz, g.dx, g.dy,
                g.spacing(), phantom.truth["vertebrae"].size(), phantom.truth["discs"].size(), outDir.c_str());
    return 0;
  });
}

int runEvaluate(const std::vector<std::string>& cases, spine::EvaluateOptions o) {
  return reportingErrors(o.outDir, [&] {
    o.analyzer = spine::selfExecutable();
    spine::SuiteResult r = spine::runEvaluation(cases, o);
    std::fputs(spine::suiteTable(r.scored).c_str(), stdout);
    for (const std::string& s : r.skipped) std::printf("skipped: %s\n", s.c_str());
    std::printf("written: %s/evaluation.json, %s/evaluation.txt\n", o.outDir.c_str(), o.outDir.c_str());
    return 0;
  });
}

/// 3D Slicer runs the module as `spinereview --inputVolume IN --outputLabelMap OUT [...]`
/// (reports/include/spine/reports/SlicerModule.h); `--xml` describes it.
bool isSlicerCall(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]).rfind("--inputVolume", 0) == 0) return true;
  return false;
}

int runSlicer(int argc, char** argv) {
  CLI::App app{"SpineReview as a 3D Slicer command-line module (see spinereview --xml)"};
  AnalyzeOptions o;
  std::string labelsOut;
  app.add_option("--inputVolume", o.input, "CT volume (NRRD/NIfTI)")->required();
  app.add_option("--outputLabelMap", labelsOut, "label map to write")->required();
  app.add_option("--target", o.target, "surgical target level");
  app.add_option("--outputDirectory", o.outDir, "report folder");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : int(spine::ExitCode::Usage);
  }
  std::string scratch;
  if (o.outDir.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "spinereview-slicer-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) return int(spine::ExitCode::CantCreate);
    o.outDir = scratch = pattern;
  }
  o.modality = "CT", o.outputs.dicom = false;
  int rc = runAnalyze(o);
  if (rc == 0) {
    try {
      spine::writeLabelMap(*spine::readLabelMap(o.outDir + "/labels.nii.gz"), labelsOut);
    } catch (const spine::SpineError& e) {
      std::fprintf(stderr, "spinereview: error: %s\n", e.oneLine().c_str());
      rc = int(e.code());
    }
  }
  if (!scratch.empty()) {
    std::filesystem::remove_all(scratch);
    std::printf("(the report folder was temporary and is removed: give --outputDirectory to keep report.json/html/pdf)\n");
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--xml") {
    std::fputs(spine::reports::slicerModuleXml().c_str(), stdout);
    return 0;
  }
  if (isSlicerCall(argc, argv)) return runSlicer(argc, argv);
  CLI::App app{"SpineReview: pre-surgical spine review (CT/MR DICOM, NIfTI, NRRD)"};
  app.set_version_flag("--version", std::string("spinereview ") + SPINE_VERSION);
  app.require_subcommand(1);

  AnalyzeOptions o;
  CLI::App* analyzeCmd = app.add_subcommand("analyze", "Read a study, choose its series, write DIR/report.json");
  analyzeCmd->add_option("INPUT", o.input, "DICOM folder, DICOM file, .zip of a study, or NIfTI/NRRD volume")->required();
  analyzeCmd->add_option("--out", o.outDir, "output folder (created); report.json is written atomically")->required();
  analyzeCmd->add_option("--target", o.target, "surgical target level to locate, e.g. L4-L5");
  analyzeCmd->add_option("--modality", o.modality, "modality of a NIfTI/NRRD input (default: guessed from values)")
      ->check(CLI::IsMember({"CT", "MR"}));
  analyzeCmd->add_option("--max-memory", o.maxMemoryMiB, "cap on decoded pixel memory per study, MiB")->capture_default_str();
  analyzeCmd->add_option("--max-unpacked", o.maxUnpackedMiB, "cap on the unpacked size of a .zip input, MiB")->capture_default_str();
  analyzeCmd->add_option("--threads", o.threads, "files decoded in parallel")->capture_default_str()->check(CLI::Range(1, 64));
  analyzeCmd->add_option("--timeout", o.timeoutSeconds, "wall-time limit of the isolated analysis, s")->capture_default_str();
  analyzeCmd->add_flag("!--no-isolation", o.isolate, "run in this process (debugging); a parser crash then ends the command");
  analyzeCmd->add_flag("--quiet", o.quiet, "no progress lines on stderr");
  analyzeCmd->add_option("--plugins", o.pluginDir, "folder of detector plugins (*.so, spine/PluginAbi.h) to run besides the built-ins");
  analyzeCmd->add_flag("!--no-detectors", o.detectors, "skip the detectors (hardware, ...): levels only");
  analyzeCmd->add_flag("--deidentify", o.outputs.deidentify,
                       "no patient name, ID, dates, input path or original UIDs in any output (PS3.15 basic profile, UIDs remapped)");
  analyzeCmd->add_flag("!--no-dicom", o.outputs.dicom, "skip the DICOM outputs (SEG, SR, key images)");
  analyzeCmd->add_flag("--key-images", o.keyImages, "render the viewer's key views into DIR/key-images (needs an X display: xvfb-run)");

  ViewOptions view;
  CLI::App* viewCmd = app.add_subcommand("view", "Show the annotated levels to confirm the surgical target (keys: press h)");
  viewCmd->footer(spine::viewer::keyboardHelp());
  viewCmd->add_option("INPUT_OR_REPORT_DIR", view.input, "an analysis folder (report.json), or a study to analyse into --out")->required();
  viewCmd->add_option("--out", view.outDir, "where to analyse INPUT when it is not an analysis folder");
  viewCmd->add_option("--target", view.target, "the surgical target level, e.g. L4-L5 (default: the report's)");
  viewCmd->add_option("--screenshot", view.screenshotDir, "render the key views to PNG files in this folder and exit (no window)");
  viewCmd->add_option("--reviewer", view.reviewer, "who confirms the target (default: $USER)");
  viewCmd->add_option("--width", view.width, "window width, pixels")->capture_default_str()->check(CLI::Range(400, 8000));
  viewCmd->add_option("--height", view.height, "window height, pixels")->capture_default_str()->check(CLI::Range(300, 8000));

  ServiceCommands service(app);

  std::string reportDir;
  spine::reports::OutputOptions reportOptions;
  CLI::App* reportCmd = app.add_subcommand("report", "Write an analysis folder's reports and DICOM outputs again (after a target review)");
  reportCmd->add_option("DIR", reportDir, "an analysis folder (report.json)")->required();
  reportCmd->add_flag("--deidentify", reportOptions.deidentify, "no patient name, ID, birth date or study dates in any output");
  reportCmd->add_flag("!--no-dicom", reportOptions.dicom, "skip the DICOM outputs (SEG, SR, key images)");

  std::string phantomSpec, phantomDir, syntax;
  unsigned phantomThreads = 2;
  CLI::App* phantomCmd = app.add_subcommand("phantom", "Write a synthetic CT or MR series with ground truth from a JSON spec");
  phantomCmd->add_option("SPEC", phantomSpec, "phantom spec (testdata/phantoms/*.json; docs/phantom-spec.md)")->required();
  phantomCmd->add_option("OUTDIR", phantomDir, "folder for dicom/, labels.nii.gz, truth.json, case.json")->required();
  phantomCmd->add_option("--transfer-syntax", syntax, "override the spec's transfer syntax")
      ->check(CLI::IsMember(spine::writableTransferSyntaxes()));
  phantomCmd->add_option("--threads", phantomThreads, "threads")->capture_default_str()->check(CLI::Range(1, 64));

  std::vector<std::string> evalCases;
  spine::EvaluateOptions evalOptions;
  CLI::App* evaluateCmd = app.add_subcommand("evaluate", "Analyse cases with known truth and score them (docs/evaluation.md)");
  evaluateCmd->add_option("CASE", evalCases, "case.json files or folders holding one (phantom outputs, testdata/cases/*.json)")
      ->required();
  evaluateCmd->add_option("--out", evalOptions.outDir, "folder for cases/, evaluation.json, evaluation.txt")->required();
  evaluateCmd->add_flag("--score-only", evalOptions.scoreOnly, "reuse analyses already in --out instead of re-running them");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : int(spine::ExitCode::Usage);
  }
  if (*analyzeCmd) return runAnalyze(o);
  if (*evaluateCmd) return runEvaluate(evalCases, evalOptions);
  if (*viewCmd) return runView(view);
  if (*reportCmd) return runReport(reportDir, reportOptions);
  if (std::optional<int> code = service.run()) return *code;
  return runPhantom(phantomSpec, phantomDir, syntax, phantomThreads);
}
