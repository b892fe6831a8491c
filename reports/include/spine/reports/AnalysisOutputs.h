#pragma once
// Every output of one analysis beyond report.json and labels.nii.gz, written into its folder from
// the report, the label map and (for DICOM) the source study's header: the human report (HTML,
// PDF), research formats (Slicer segmentation and markups, VerSe centroids) and DICOM objects
// (SEG, TID 1500 SR, key images as Secondary Capture). docs/outputs.md lists them.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spine/DicomSourceHeader.h"
#include "spine/PixelTypes.h"

namespace spine::reports {

struct OutputOptions {
  bool deidentify = false;  ///< no patient name, ID, birth date or study dates in any output
  bool dicom = true;        ///< SEG, SR and key images (DICOM inputs only)
};

/// The source study as the DICOM outputs need it (absent for NIfTI/NRRD inputs).
struct OutputSource {
  std::optional<DicomSourceHeader> header;
  std::vector<std::string> sliceSopInstanceUids;
};

struct WrittenOutputs {
  std::vector<std::string> files;     ///< relative to the folder
  std::vector<std::string> warnings;  ///< outputs left out, and why
};

/// Writes the outputs into `outDir` (each atomically) and records them in `report["outputs"]`;
/// call before report.json is written. `labels` may be null (MR: no levels yet). Throws SpineError
/// (CantCreate) naming the file when one cannot be written.
WrittenOutputs writeAnalysisOutputs(nlohmann::json& report, const LabelImage* labels, const OutputSource& source,
                                    const std::string& outDir, const OutputOptions& options);

/// Rewrites the outputs of an analysis folder from its report.json and labels.nii.gz (after a
/// target review, or with other options), re-reading the source study's header for the DICOM
/// outputs; when the study is gone those are left out with a warning. Updates report.json.
WrittenOutputs rewriteAnalysisOutputs(const std::string& reportDir, const OutputOptions& options);

}  // namespace spine::reports
