#include "spine/reports/DicomMeasurementReport.h"

#include <cstdio>
#include <map>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/cmr/cid5000.h>
#include <dcmtk/dcmsr/cmr/tid1500.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include "spine/Error.h"

namespace spine::reports {
namespace {

using Report = TID1500_MeasurementReport;
constexpr const char* kScheme = "99SPINEREVIEW";  // private coding scheme (PS3.16 8.2: "99" prefix)

void check(OFCondition status, const std::string& path, const std::string& what) {
  if (status.bad()) throw SpineError(ExitCode::Internal, "outputs", path, "structured report: " + what + ": " + status.text());
}

DSRCodedEntryValue coded(const Code& c) { return DSRCodedEntryValue(c.value.c_str(), c.scheme.c_str(), c.meaning.c_str()); }
DSRCodedEntryValue privateCode(const char* value, const char* meaning) { return DSRCodedEntryValue(value, kScheme, meaning); }

/// SR TEXT values are at most 1024 characters in practice for viewers; keep sentences whole.
OFString text(const std::string& s) { return OFString(s.substr(0, 1024).c_str()); }

void addStudyEvaluations(Report& report, const viewer::ReviewModel& model, const std::string& path) {
  check(report.addQualitativeEvaluation(privateCode("NUMBERING", "Vertebral level numbering"),
                                        text(model.numberingStatus + ": " + model.summary)),
        path, "numbering");
  std::string anchors;
  for (const std::string& a : model.anchors) anchors += (anchors.empty() ? "" : "; ") + a;
  check(report.addQualitativeEvaluation(privateCode("ANCHORS", "Numbering anchors"), text(anchors.empty() ? "none" : anchors)),
        path, "anchors");
  check(report.addQualitativeEvaluation(privateCode("CONFIRM", "Reviewer must confirm"), text(model.mustConfirm)), path, "confirm");
  if (!model.target.empty()) {
    const bool found = model.levelIndex(model.target) >= 0;
    check(report.addQualitativeEvaluation(privateCode("TARGET", "Surgical target level"),
                                          text(model.target + (found ? " located" : " NOT located"))),
          path, "target");
  }
  for (const viewer::ReviewFinding& f : model.findings)
    if (f.levels.size() != 1)
      check(report.addQualitativeEvaluation(DSRCodedEntryValue("121071", "DCM", "Finding"), text(f.describe())), path, "finding");
}

std::map<std::uint16_t, std::size_t> voxelCounts(const LabelImage& labels) {
  std::vector<std::size_t> counts(65536, 0);
  const std::uint16_t* p = labels.GetBufferPointer();
  for (std::size_t i = 0, n = labels.GetPixelContainer()->Size(); i < n; ++i) ++counts[p[i]];
  std::map<std::uint16_t, std::size_t> out;
  for (std::size_t v = 1; v < counts.size(); ++v)
    if (counts[v]) out[std::uint16_t(v)] = counts[v];
  return out;
}

void addLevelGroup(Report& report, const viewer::ReviewModel& model, const viewer::ReviewLevel& level, std::size_t segmentNumber,
                   const WrittenSegmentation& seg, const DicomOutputContext& context, double volumeMm3, const std::string& path) {
  check(report.addVolumetricROIMeasurements(), path, "measurement group " + level.name);
  Report::TID1411_Measurements& group = report.getVolumetricROIMeasurements();
  check(group.setTrackingIdentifier(level.name.c_str()), path, "tracking identifier");
  check(group.setTrackingUniqueIdentifier(seg.trackingUids.at(segmentNumber - 1).c_str()), path, "tracking UID");
  const Code anatomy = anatomyCode(level.name, level.disc);
  check(group.setFinding(coded(anatomy)), path, "finding");
  DSRImageReferenceValue segment(UID_SegmentationStorage, seg.sopInstanceUid.c_str());
  segment.getSegmentList().addItem(Uint16(segmentNumber));
  check(group.setReferencedSegment(segment), path, "referenced segment");
  if (!context.source.seriesInstanceUid.empty())
    check(group.setSourceSeriesForSegmentation(context.source.seriesInstanceUid.c_str()), path, "source series");
  check(group.addFindingSite(coded(anatomy)), path, "finding site");
  char value[32];
  std::snprintf(value, sizeof value, "%.0f", volumeMm3);
  check(group.addMeasurement(CMR_CID7469::Volume, CMR_TID1411_in_TID1500::MeasurementValue(value, CMR_CID7181::CubicMillimeter)),
        path, "volume");
  for (const viewer::ReviewFinding& f : model.findings)
    if (f.levels.size() == 1 && f.levels.front() == level.name)
      check(group.addQualitativeEvaluation(DSRCodedEntryValue("121071", "DCM", "Finding"), text(f.describe())), path, "finding");
}

void addEvidence(DSRDocument& doc, const WrittenSegmentation& seg, const DicomOutputContext& context, const std::string& path) {
  DSRSOPInstanceReferenceList& evidence = doc.getCurrentRequestedProcedureEvidence();
  const std::string& study = context.source.studyInstanceUid;
  check(evidence.addItem(study.c_str(), seg.seriesInstanceUid.c_str(), UID_SegmentationStorage, seg.sopInstanceUid.c_str()), path,
        "evidence");
  for (const std::string& sop : context.sliceSopInstanceUids)
    check(evidence.addItem(study.c_str(), context.source.seriesInstanceUid.c_str(), context.source.sopClassUid.c_str(), sop.c_str()),
          path, "evidence");
}

}  // namespace

void writeMeasurementReport(const viewer::ReviewModel& model, const LabelImage& labels, const WrittenSegmentation& seg,
                            const DicomOutputContext& context, const std::string& path) {
  Report report(CMR_CID7021::ImagingMeasurementReport);
  check(report.setLanguage(CID5000_Languages::English), path, "language");
  char deviceUid[100];
  check(report.getObservationContext().addDeviceObserver(dcmGenerateUniqueIdentifier(deviceUid, SITE_INSTANCE_UID_ROOT),
                                                         "spinereview", "SpineReview project", "spinereview " SPINE_VERSION),
        path, "device observer");
  check(report.addProcedureReported(model.modality == "MR" ? CMR_CID100::MRIUnspecifiedBodyRegion : CMR_CID100::CTUnspecifiedBodyRegion),
        path, "procedure");
  check(report.getImageLibrary().createNewImageLibrary(), path, "image library");
  addStudyEvaluations(report, model, path);
  const auto counts = voxelCounts(labels);
  const auto sp = labels.GetSpacing();
  for (std::size_t n = 1; n <= seg.segmentNames.size(); ++n) {
    int index = model.levelIndex(seg.segmentNames[n - 1]);
    const viewer::ReviewLevel& level = model.levels.at(std::size_t(index));
    const double volume = double(counts.count(level.label) ? counts.at(level.label) : 0) * sp[0] * sp[1] * sp[2];
    addLevelGroup(report, model, level, n, seg, context, volume, path);
  }
  DSRDocument doc(DSRTypes::DT_EnhancedSR);
  check(doc.setTreeFromRootTemplate(report), path, "document tree");
  // Coding Scheme Identification Sequence (0008,0110): the private scheme is declared.
  DSRCodingSchemeIdentificationList& schemes = doc.getCodingSchemeIdentification();
  check(schemes.addItem(kScheme), path, "coding scheme");
  schemes.setCodingSchemeName("SpineReview level numbering concepts");
  schemes.setCodingSchemeResponsibleOrganization("SpineReview project");
  check(doc.createNewSeriesInStudy(context.source.studyInstanceUid.c_str()), path, "series");
  addEvidence(doc, seg, context, path);
  DcmDataset dataset;
  check(doc.write(dataset), path, "cannot build the document");
  writePatientAndStudy(dataset, context);
  writeEquipment(dataset);
  writeNewSeries(dataset, context, "SR", 9902, "SpineReview measurement report");
  dataset.putAndInsertString(DCM_ContentDate, context.contentDate.c_str());
  dataset.putAndInsertString(DCM_ContentTime, context.contentTime.c_str());
  saveDicomAtomically(dataset, path);
}

}  // namespace spine::reports
