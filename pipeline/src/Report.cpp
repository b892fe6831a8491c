#include "spine/Report.h"

#include "spine/AxialAssignment.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "spine/AtomicFile.h"
#include "spine/Error.h"
#include "spine/LabelMapFile.h"
#include "spine/Vec3Json.h"

namespace spine {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json seriesJson(const Series& s, const std::string& notChosenWhy, bool chosen) {
  const SeriesGeometry& g = s.geometry;
  json j = {
      {"key", s.key},
      {"series_instance_uid", s.seriesUid},
      {"series_number", s.seriesNumber},
      {"modality", s.modality},
      {"description", s.description},
      {"orientation", s.orientationLabel},
      {"frames", s.frames.size()},
      {"rows", s.first().rows},
      {"columns", s.first().columns},
      {"transfer_syntax_uid", s.first().transferSyntaxUid},
      {"usable", s.usable},
      {"localizer", s.isLocalizer},
      {"chosen", chosen},
      {"why", chosen ? "chosen for analysis" : notChosenWhy},
      {"warnings", s.warnings},
  };
  if (s.usable) {
    j["spacing_mm"] = toJson(g.spacing);
    j["slice_thickness_mm"] = s.first().sliceThickness;
    j["complete"] = s.complete();
    j["missing_slices"] = g.missingSlices;
    j["duplicates_removed"] = g.duplicatesRemoved;
    j["uneven_spacing"] = g.unevenSpacing;
    j["gantry_tilt_deg"] = g.tiltDeg;
    j["resampled"] = g.needsResampling;
  }
  return j;
}

json volumeJson(const Volume& v) {
  const itk::ImageBase<3>* image = v.image();
  auto size = image->GetLargestPossibleRegion().GetSize();
  json direction = json::array();
  for (unsigned r = 0; r < 3; ++r)
    direction.push_back({image->GetDirection()[r][0], image->GetDirection()[r][1], image->GetDirection()[r][2]});
  json out = {
      {"modality", toString(v.modality)},
      {"pixel_type", v.modality == Modality::CT ? "int16 (Hounsfield units)" : "float32 (scanner units)"},
      {"size", {size[0], size[1], size[2]}},
      {"spacing_mm", {image->GetSpacing()[0], image->GetSpacing()[1], image->GetSpacing()[2]}},
      {"origin_lps_mm", {image->GetOrigin()[0], image->GetOrigin()[1], image->GetOrigin()[2]}},
      {"direction_lps", direction},
  };
  if (v.modality == Modality::MR) out["mr_weighting"] = toString(v.weighting);
  return out;
}

json levelJson(const LevelEntry& e) {
  return {{"name", e.name}, {"label", e.label}, {"centroid_lps_mm", toJson(e.centroid)}, {"confidence", e.confidence},
          {"height_mm", e.heightMm}, {"voxels", e.voxels}, {"findings", json::array()}};
}

json numberingJson(const NumberingVerdict& v) {
  return {{"status", v.status},
          {"anchors", v.anchors},
          {"counts", {{"rib_pairs", v.ribPairs >= 0 ? json(v.ribPairs) : json(nullptr)},
                      {"lumbar_type", v.lumbarType >= 0 ? json(v.lumbarType) : json(nullptr)}}},
          {"anomaly", v.anomaly.empty() ? json(nullptr) : json(v.anomaly)},
          {"candidates", v.candidates},
          {"confidence", v.confidence},
          {"summary", v.summary},
          {"reviewer_must_confirm", v.reviewerMustConfirm}};
}

json targetJson(const std::string& target, const LevelTable& t) {
  const LevelEntry* e = t.find(target);
  if (!e)
    return {{"requested", target}, {"found", false}, {"confidence", 0.0},
            {"why", "no level of that name was identified (numbering " + t.verdict.status + "): find it yourself on the images"}};
  std::string why = t.verdict.summary + " " + t.verdict.reviewerMustConfirm;
  // A disc at the field's edge has a vertebra on one side only (a vertebra has none, an inner disc two).
  if (const auto [above, below] = t.bodiesAround(*e); (above == nullptr) != (below == nullptr))
    why = target + " is the disc at the field's edge: the vertebra " + (above ? "below" : "above") + " it is not in view" +
          (e->cutByField ? ", and only part of the disc is" : "") + ", so it is named by counting on from " +
          (above ? above : below)->name + ". " + why;
  return {{"requested", target}, {"found", true}, {"centroid_lps_mm", toJson(e->centroid)}, {"label", e->label},
          {"confidence", e->confidence}, {"numbering_status", t.verdict.status}, {"why", why}};
}

json numberingJson() {
  return {
      {"status", "not_performed"},
      {"anchors", json::array()},
      {"counts", json::object()},
      {"anomaly", nullptr},
      {"confidence", 0.0},
      {"summary", "NO LEVEL HAS BEEN IDENTIFIED: this version reads and checks the images but does not yet segment or "
                  "number vertebrae."},
      {"reviewer_must_confirm", "Count and name every level yourself on the images (from C2 or a whole-spine "
                                "localiser down to the sacrum) before choosing a surgical level."},
  };
}

}  // namespace

std::vector<std::string> allWarnings(const Study& study) {
  std::vector<std::string> out = study.warnings;
  if (study.chosen >= 0)
    for (const std::string& w : study.chosenSeries().warnings) out.push_back(study.chosenSeries().key + ": " + w);
  return out;
}

namespace {

void addFindings(json& report, const DetectorRun& run) {
  json statuses = json::array();
  for (const DetectorStatus& s : run.statuses)
    statuses.push_back({{"detector", s.detector}, {"outcome", s.outcome}, {"why", s.why}, {"seconds", s.seconds}, {"findings", s.findings}});
  report["detectors"] = statuses;
  for (const Finding& f : run.findings) {
    json* home = nullptr;
    if (f.levels.size() == 1)
      for (const char* list : {"vertebrae", "discs"})
        for (json& level : report[list])
          if (level["name"] == f.levels.front()) home = &level["findings"];
    (home ? *home : report["findings"]).push_back(toJson(f));
  }
}

/// Each axial stack with its slices' levels, and the slices grouped by level (schema 1.3.0).
json axialSeriesJson(const std::vector<AxialSeriesAssignment>& all) {
  json out = json::array();
  for (const AxialSeriesAssignment& a : all) {
    json slices = json::array(), byLevel = json::object();
    for (const AxialSlice& s : a.slices) {
      slices.push_back({{"index", s.index}, {"sop_instance_uid", s.sopInstanceUid}, {"position_mm", s.positionMm},
                        {"level", s.level.empty() ? json(nullptr) : json(s.level)}});
      if (!s.level.empty()) byLevel[s.level].push_back(s.index);
    }
    out.push_back({{"series", a.seriesKey}, {"series_number", a.seriesNumber}, {"description", a.description},
                   {"assigned", a.assigned}, {"why", a.why}, {"slices", slices}, {"slices_by_level", byLevel}});
  }
  return out;
}

}  // namespace

json buildReport(const Study& study, const ReportOptions& options, const LevelTable* levels, const DetectorRun* detectors) {
  json skipped = json::array();
  for (const SkippedFile& s : study.skipped) skipped.push_back({{"file", s.file}, {"reason", s.reason}});
  json series = json::array();
  for (size_t i = 0; i < study.series.size(); ++i)
    series.push_back(seriesJson(study.series[i], study.notChosenWhy.at(i), int(i) == study.chosen));

  json report = {
      {"schema", "spinereview.report"},
      {"schema_version", kReportSchemaVersion},
      {"generator", {{"name", "spinereview"}, {"version", SPINE_VERSION}}},
      {"input", {{"path", study.input}, {"kind", study.inputKind}, {"files_seen", study.filesSeen}, {"skipped_files", skipped}}},
      {"study", {{"study_instance_uids", study.studyUids}}},
      {"series", series},
      {"chosen_series", {{"key", study.chosen >= 0 ? json(study.chosenSeries().key) : json(nullptr)}, {"why", study.chosenWhy}}},
      {"volume", study.volume.empty() ? json(nullptr) : volumeJson(study.volume)},
      {"warnings", allWarnings(study)},
      {"numbering", numberingJson()},
      {"levels_status", "empty: vertebra and disc segmentation is not implemented in this version"},
      {"vertebrae", json::array()},
      {"discs", json::array()},
      {"findings", json::array()},
  };
  if (levels) {
    json vertebrae = json::array(), discs = json::array();
    for (const LevelEntry& e : levels->vertebrae) vertebrae.push_back(levelJson(e));
    for (const LevelEntry& e : levels->discs) discs.push_back(levelJson(e));
    for (size_t i = 0; i < levels->vertebrae.size(); ++i) vertebrae[i]["rib_bearing"] = levels->vertebrae[i].ribBearing;
    report["numbering"] = numberingJson(levels->verdict);
    report["levels_status"] = levels->notes.empty() ? json("segmented") : json(levels->notes);
    report["vertebrae"] = vertebrae;
    report["discs"] = discs;
    report["label_map"] = "labels.nii.gz";
    if (options.target) report["target"] = targetJson(*options.target, *levels);
    report["axial_series"] = axialSeriesJson(assignAxialSlices(study, *levels));
    if (detectors) addFindings(report, *detectors);
    return report;
  }
  if (detectors) addFindings(report, *detectors);
  if (options.target)
    report["target"] = {{"requested", *options.target},
                        {"found", false},
                        {"confidence", 0.0},
                        {"why", "levels are not identified in this version; the target cannot be located"}};
  return report;
}

void writeLabelsAtomically(const LevelTable& levels, const std::string& outDir) {
  createOutputFolder(outDir, "report");
  const std::string final = (fs::path(outDir) / "labels.nii.gz").string(), temp = temporaryPathFor(final);
  writeLabelMap(*levels.labels, temp);
  moveIntoPlace(temp, final, "report");
}

void deidentifyReport(json& report) {
  const std::string path = report["input"].value("path", std::string());
  report["input"]["path"] = "(de-identified)";
  for (json& f : report["input"]["skipped_files"]) f["file"] = "(de-identified)";
  report["study"]["study_instance_uids"] = json::array();
  for (json& s : report["series"]) s["series_instance_uid"] = "", s["description"] = "";  // descriptions can hold names
  for (json& w : report["warnings"])
    if (w.is_string() && !path.empty())
      for (std::size_t at; (at = w.get<std::string>().find(path)) != std::string::npos;)
        w = w.get<std::string>().replace(at, path.size(), "(input)");
  if (report.contains("axial_series"))
    for (json& a : report["axial_series"]) {
      a["description"] = "";
      for (json& sl : a["slices"]) sl["sop_instance_uid"] = "";
    }
  report["deidentified"] = true;
}

json readReport(const std::string& reportDir, const std::string& stage) {
  const std::string path = (fs::path(reportDir) / "report.json").string();
  std::ifstream in(path);
  if (!in) throw SpineError(ExitCode::NoInput, stage, path, "no report.json here: run `spinereview analyze` first");
  json report = json::parse(in, nullptr, false);
  if (report.is_discarded() || !report.is_object() || report.value("schema", "") != "spinereview.report")
    throwDataError(stage, path, "not a SpineReview report.json (unreadable JSON or another schema)");
  return report;
}

void writeReportAtomically(const json& report, const std::string& outDir) {
  createOutputFolder(outDir, "report");
  writeFileAtomically((fs::path(outDir) / "report.json").string(), report.dump(2) + "\n", "report");
}

}  // namespace spine
