#pragma once
// report.json: the versioned, documented record of one analysis (docs/report-schema.md).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "spine/Detector.h"
#include "spine/LevelTable.h"
#include "spine/Study.h"

namespace spine {

inline constexpr const char* kReportSchemaVersion = "1.3.0";

struct ReportOptions {
  std::optional<std::string> target;  ///< --target, e.g. "L4-L5"
};

/// Study-level warnings, then the chosen series' warnings prefixed with its key.
std::vector<std::string> allWarnings(const Study& study);

/// Builds the report of an ingested study and, when given, its level table (without one the
/// numbering verdict says that no level has been identified) and the detectors' findings: a
/// finding about one level sits in that level's `findings`, the others in the top-level list.
nlohmann::json buildReport(const Study& study, const ReportOptions& options, const LevelTable* levels = nullptr,
                           const DetectorRun* detectors = nullptr);

/// Writes labels.nii.gz into DIR under a temporary name, then renames it.
void writeLabelsAtomically(const LevelTable& levels, const std::string& outDir);

/// Takes out of a report what could lead back to the patient (`--deidentify`): the input path and
/// the names of skipped files, study and series UIDs and series descriptions; sets "deidentified": true. The viewer and
/// `report DIR` can then no longer find the study, by design.
void deidentifyReport(nlohmann::json& report);

/// Reads DIR/report.json for `stage`. Throws SpineError: NoInput when it is not there, DataError
/// when it is not valid JSON or not a SpineReview report.
nlohmann::json readReport(const std::string& reportDir, const std::string& stage);

/// Writes `json` to DIR/report.json atomically (temporary name, fsync, rename): a reader never sees
/// a half-written report. Throws SpineError (CantCreate) naming the path.
void writeReportAtomically(const nlohmann::json& report, const std::string& outDir);

}  // namespace spine
