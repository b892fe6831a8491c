#include "spine/DicomSourceHeader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>

#include "spine/Error.h"

namespace spine {
namespace {

std::string text(DcmItem* item, const DcmTagKey& key) {
  OFString value;
  if (item->findAndGetOFStringArray(key, value).bad()) return {};
  std::string s = value.c_str();
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

}  // namespace

DicomSourceHeader readSourceHeader(const std::string& file) {
  DcmFileFormat format;
  // Values longer than 4 KiB (pixel data) stay on disk.
  OFCondition status = format.loadFile(file.c_str(), EXS_Unknown, EGL_noChange, 4096, ERM_autoDetect);
  if (status.bad()) throwDataError("ingest", file, std::string("DCMTK cannot parse it: ") + status.text());
  DcmDataset* ds = format.getDataset();
  DicomSourceHeader h;
  h.file = file;
  h.specificCharacterSet = text(ds, DCM_SpecificCharacterSet);
  h.patientName = text(ds, DCM_PatientName);
  h.patientId = text(ds, DCM_PatientID);
  h.patientBirthDate = text(ds, DCM_PatientBirthDate);
  h.patientSex = text(ds, DCM_PatientSex);
  h.studyInstanceUid = text(ds, DCM_StudyInstanceUID);
  h.studyDate = text(ds, DCM_StudyDate);
  h.studyTime = text(ds, DCM_StudyTime);
  h.studyId = text(ds, DCM_StudyID);
  h.accessionNumber = text(ds, DCM_AccessionNumber);
  h.referringPhysicianName = text(ds, DCM_ReferringPhysicianName);
  h.studyDescription = text(ds, DCM_StudyDescription);
  h.frameOfReferenceUid = text(ds, DCM_FrameOfReferenceUID);
  h.seriesInstanceUid = text(ds, DCM_SeriesInstanceUID);
  h.sopClassUid = text(ds, DCM_SOPClassUID);
  if (h.sopClassUid.empty()) h.sopClassUid = text(format.getMetaInfo(), DCM_MediaStorageSOPClassUID);
  h.bodyPartExamined = text(ds, DCM_BodyPartExamined);
  h.lossyCompressed = text(ds, DCM_LossyImageCompression) == "01";
  h.burnedInAnnotation = text(ds, DCM_BurnedInAnnotation) == "YES";
  return h;
}

DicomSourceHeader deidentified(const DicomSourceHeader& header) {
  DicomSourceHeader h = header;
  h.file.clear();
  h.patientName = "ANONYMOUS^";  // a family-name component: a bare word reads as the retired PN form
  h.patientId = "ANONYMOUS";
  h.patientBirthDate.clear();
  h.patientSex.clear();
  h.studyDate.clear();
  h.studyTime.clear();
  h.studyId.clear();
  h.accessionNumber.clear();
  h.referringPhysicianName.clear();
  h.studyDescription.clear();
  return h;
}

}  // namespace spine
