#include "spine/reports/AnalysisOutputs.h"

#include <filesystem>

#include "spine/reports/DicomMeasurementReport.h"
#include "spine/reports/DicomSegmentation.h"
#include "spine/reports/HtmlReport.h"
#include "spine/reports/KeyImageCapture.h"
#include "spine/reports/PdfReport.h"
#include "spine/reports/ReportDocument.h"
#include "spine/reports/ResearchOutputs.h"
#include "spine/AtomicFile.h"
#include "spine/Error.h"
#include "spine/LabelMapFile.h"
#include "spine/Report.h"
#include "spine/Study.h"
#include "spine/viewer/ReviewModel.h"

namespace spine::reports {
namespace fs = std::filesystem;

namespace {

void writeDicomOutputs(const nlohmann::json& report, const viewer::ReviewModel& model, const LabelImage* labels, const OutputSource& source,
                       const std::string& outDir, const OutputOptions& options, WrittenOutputs& out) {
  if (!options.dicom) return;
  if (!source.header) {
    out.warnings.push_back("no DICOM outputs: the input is not DICOM, so there is no study to attach them to");
    return;
  }
  std::string warning;
  DicomOutputContext context = makeDicomContext(*source.header, source.sliceSopInstanceUids, options.deidentify, &warning);
  if (!warning.empty()) out.warnings.push_back(warning);
  createOutputFolder((fs::path(outDir) / "dicom").string(), "outputs");
  if (labels && !model.levels.empty()) {
    const fs::path dicom = fs::path(outDir) / "dicom";
    WrittenSegmentation seg = writeDicomSegmentation(model, *labels, context, (dicom / "seg.dcm").string());
    out.files.push_back("dicom/seg.dcm");
    writeMeasurementReport(model, *labels, seg, context, (dicom / "sr.dcm").string());
    out.files.push_back("dicom/sr.dcm");
  }
  const std::vector<std::string> keyImages = report.value("key_images", std::vector<std::string>{});
  for (const std::string& f : writeKeyImageCaptures(keyImages, outDir, context, (fs::path(outDir) / "dicom").string()))
    out.files.push_back("dicom/" + f);
}

void writeHumanReport(const nlohmann::json& report, const viewer::ReviewModel& model, const OutputSource& source,
                      const std::string& outDir, const OutputOptions& options, WrittenOutputs& out) {
  const ReportDocument document =
      buildReportDocument(report, model, source.header ? &*source.header : nullptr, options.deidentify);
  writeFileAtomically((fs::path(outDir) / "report.html").string(), renderHtml(document, outDir), "outputs");
  out.files.push_back("report.html");
  writePdf(document, outDir, (fs::path(outDir) / "report.pdf").string());
  out.files.push_back("report.pdf");
}

}  // namespace

WrittenOutputs writeAnalysisOutputs(nlohmann::json& report, const LabelImage* labels, const OutputSource& source,
                                    const std::string& outDir, const OutputOptions& options) {
  WrittenOutputs out;
  // PS3.15: pixels with burned-in text cannot be de-identified by removing attributes.
  if (options.deidentify && source.header && source.header->burnedInAnnotation)
    throwDataError("outputs", source.header->file,
                   "Burned In Annotation (0028,0301) is YES: the pixels may show the patient's identity, so no de-identified output is made");
  createOutputFolder(outDir, "outputs");
  const viewer::ReviewModel model = viewer::readReviewModel(report, outDir, (fs::path(outDir) / "report.json").string());
  if (labels && !model.levels.empty()) {
    out.files.push_back(writeSlicerSegmentation(model, *labels, outDir));
    out.files.push_back(writeSlicerMarkups(model, outDir));
    out.files.push_back(writeVerseCentroids(model, *labels, outDir));
  }
  writeHumanReport(report, model, source, outDir, options, out);
  writeDicomOutputs(report, model, labels, source, outDir, options, out);
  report["outputs"] = {{"files", out.files}, {"warnings", out.warnings}, {"deidentified", options.deidentify}};
  return out;
}

namespace {

/// The source header and slice references of the analysed series, read again from the input.
OutputSource sourceOf(const nlohmann::json& report, std::vector<std::string>& warnings) {
  const std::string input = report.at("input").value("path", std::string());
  const std::string kind = report.at("input").value("kind", std::string());
  if (kind == "nifti" || kind == "nrrd") return {};
  try {
    Study study = loadStudy(input);
    return {study.source, study.sliceSopInstanceUids};
  } catch (const SpineError& e) {
    warnings.push_back("the study cannot be read again (" + e.oneLine() + "): DICOM outputs left out, no patient details");
    return {};
  }
}

}  // namespace

WrittenOutputs rewriteAnalysisOutputs(const std::string& reportDir, const OutputOptions& options) {
  nlohmann::json report = readReport(reportDir, "outputs");
  const fs::path labelsFile = fs::path(reportDir) / "labels.nii.gz";
  LabelImage::Pointer labels = fs::exists(labelsFile) ? readLabelMap(labelsFile.string()) : nullptr;
  std::vector<std::string> warnings;
  const OutputSource source = sourceOf(report, warnings);
  WrittenOutputs out = writeAnalysisOutputs(report, labels.GetPointer(), source, reportDir, options);
  out.warnings.insert(out.warnings.begin(), warnings.begin(), warnings.end());
  report["outputs"]["warnings"] = out.warnings;
  if (options.deidentify) deidentifyReport(report);
  writeReportAtomically(report, reportDir);
  return out;
}

}  // namespace spine::reports
