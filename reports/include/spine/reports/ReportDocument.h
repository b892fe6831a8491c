#pragma once
// The human report's content, decided once and rendered twice (HTML and PDF): the numbering
// verdict and its anchors first, the target and whether a person confirmed it, findings per level,
// the axial slices through each disc,
// the level table, key images, the limits of the analysis, and the software and its parameters.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "spine/DicomSourceHeader.h"
#include "spine/viewer/ReviewModel.h"

namespace spine::reports {

using Field = std::pair<std::string, std::string>;  ///< label, value

struct ReportSection {
  std::string heading;
  bool alert = false;               ///< drawn in red: the reader must act on it
  std::vector<std::string> lines;   ///< sentences, one paragraph each
  std::vector<Field> fields;        ///< label: value rows
};

struct ReportTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct KeyImage {
  std::string caption, path;  ///< path relative to the analysis folder
};

struct ReportDocument {
  std::string title = "SpineReview: pre-surgical spine review";
  std::vector<Field> identity;        ///< patient and study; empty when de-identified
  ReportSection verdict, target, findings, axial, limits, software;  ///< axial: empty when the study has no axial stack
  ReportTable levels;
  std::vector<KeyImage> keyImages;
  std::string disclaimer;
};

/// One line per axial stack of report.json: which of its slices (1-based, along the stack) cut
/// each disc, cranial to caudal, or why the stack was not assigned. Read by the human report and
/// the console.
std::vector<std::string> axialSliceLines(const nlohmann::json& report, bool deidentify);

/// Builds the document from an analysis' report.json (and its model). `header` gives the patient
/// and study fields; pass nullptr (or `deidentify`) to leave them out, the input path too.
ReportDocument buildReportDocument(const nlohmann::json& report, const viewer::ReviewModel& model,
                                   const DicomSourceHeader* header, bool deidentify);

}  // namespace spine::reports
