#include "spine/reports/DicomOutputs.h"

#include <ctime>
#include <random>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "spine/AtomicFile.h"
#include "spine/DerivedUid.h"
#include "spine/Error.h"

namespace spine::reports {
namespace {

void put(DcmItem& item, const DcmTagKey& key, const std::string& value) { item.putAndInsertString(key, value.c_str()); }

/// De-identification Method Code Sequence (0012,0064): CID 7050 Basic Application Confidentiality Profile.
void writeDeidentificationMethod(DcmItem& dataset) {
  put(dataset, DCM_PatientIdentityRemoved, "YES");
  put(dataset, DCM_DeidentificationMethod, "PS3.15 Basic Profile, UIDs remapped (SpineReview)");
  const char* codes[][2] = {{"113100", "Basic Application Confidentiality Profile"}};
  for (int i = 0; i < 1; ++i) {
    DcmItem* item = nullptr;
    if (dataset.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, item, -2).bad()) continue;
    put(*item, DCM_CodeValue, codes[i][0]);
    put(*item, DCM_CodingSchemeDesignator, "DCM");
    put(*item, DCM_CodeMeaning, codes[i][1]);
  }
}

}  // namespace

std::string newUid() {
  char uid[100];
  return dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
}

namespace {

/// PS3.15 basic profile: every source UID replaced, consistently within this run's outputs (so the
/// SEG still references "its" images), by a UID derived with a secret made for this run and kept
/// nowhere: the original UIDs cannot be recovered from the outputs.
void remapUids(DicomOutputContext& c) {
  std::random_device random;
  const std::string secret = std::to_string(random()) + "-" + std::to_string(random()) + "-" + std::to_string(random());
  auto remap = [&](std::string& uid) {
    if (!uid.empty()) uid = derivedUid(secret + "|" + uid);
  };
  remap(c.source.studyInstanceUid), remap(c.source.seriesInstanceUid), remap(c.source.frameOfReferenceUid);
  for (std::string& sop : c.sliceSopInstanceUids) remap(sop);
}

}  // namespace

DicomOutputContext makeDicomContext(const DicomSourceHeader& source, const std::vector<std::string>& sliceSops, bool deidentify,
                                    std::string* warning) {
  DicomOutputContext c;
  c.source = deidentify ? deidentified(source) : source;
  c.deidentified = deidentify;
  c.sliceSopInstanceUids = sliceSops;
  if (deidentify) remapUids(c);
  if (c.source.studyInstanceUid.empty()) {
    c.source.studyInstanceUid = newUid();
    c.sliceSopInstanceUids.clear();
    if (warning)
      *warning = "the source images have no Study Instance UID (0020,000D): the DICOM outputs carry a new one and a PACS will "
                 "file them as a separate study";
  }
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char date[16], time[16];
  std::strftime(date, sizeof date, "%Y%m%d", &utc);
  std::strftime(time, sizeof time, "%H%M%S", &utc);
  c.contentDate = date, c.contentTime = time;
  return c;
}

void writePatientAndStudy(DcmItem& dataset, const DicomOutputContext& context) {
  const DicomSourceHeader& s = context.source;
  if (!s.specificCharacterSet.empty()) put(dataset, DCM_SpecificCharacterSet, s.specificCharacterSet);
  put(dataset, DCM_PatientName, s.patientName);
  put(dataset, DCM_PatientID, s.patientId);
  put(dataset, DCM_PatientBirthDate, s.patientBirthDate);
  put(dataset, DCM_PatientSex, s.patientSex);
  put(dataset, DCM_StudyInstanceUID, s.studyInstanceUid);
  put(dataset, DCM_StudyDate, s.studyDate);
  put(dataset, DCM_StudyTime, s.studyTime);
  put(dataset, DCM_ReferringPhysicianName, s.referringPhysicianName);
  put(dataset, DCM_StudyID, s.studyId);
  put(dataset, DCM_AccessionNumber, s.accessionNumber);
  if (!s.studyDescription.empty()) put(dataset, DCM_StudyDescription, s.studyDescription);
  if (context.deidentified) writeDeidentificationMethod(dataset);
}

void writeEquipment(DcmItem& dataset) {
  put(dataset, DCM_Manufacturer, "SpineReview project");
  put(dataset, DCM_ManufacturerModelName, "spinereview");
  put(dataset, DCM_DeviceSerialNumber, "0");
  put(dataset, DCM_SoftwareVersions, SPINE_VERSION);
}

void writeNewSeries(DcmItem& dataset, const DicomOutputContext& context, const std::string& modality, long number,
                    const std::string& description) {
  put(dataset, DCM_Modality, modality);
  put(dataset, DCM_SeriesInstanceUID, newUid());
  put(dataset, DCM_SeriesNumber, std::to_string(number));
  put(dataset, DCM_SeriesDescription, description);
  put(dataset, DCM_SeriesDate, context.contentDate);
  put(dataset, DCM_SeriesTime, context.contentTime);
}

void saveDicomAtomically(DcmDataset& dataset, const std::string& finalPath) {
  DcmFileFormat file(&dataset, /*copy*/ OFTrue);
  const std::string temp = temporaryPathFor(finalPath);
  OFCondition status = file.saveFile(temp.c_str(), EXS_LittleEndianExplicit);
  if (status.bad()) {
    std::remove(temp.c_str());
    throw SpineError(ExitCode::CantCreate, "outputs", finalPath, std::string("cannot write DICOM: ") + status.text());
  }
  moveIntoPlace(temp, finalPath, "outputs");
}

}  // namespace spine::reports
