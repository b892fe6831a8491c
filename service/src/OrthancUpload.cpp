#include "spine/service/OrthancUpload.h"

#include <algorithm>
#include <filesystem>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcostrmb.h>

#include "spine/DerivedUid.h"
#include "spine/Error.h"
#include "spine/service/HttpClient.h"

namespace spine::service {
namespace fs = std::filesystem;

namespace {


std::string text(DcmItem* item, const DcmTagKey& key) {
  OFString v;
  item->findAndGetOFString(key, v);
  return v.c_str();
}

/// Fills empty Study, Series and SOP Instance UIDs with derived ones; counts what it filled.
void assignMissingUids(DcmFileFormat& file, const std::string& input, const std::string& relative, UploadResult& r) {
  DcmDataset* ds = file.getDataset();
  const std::string seriesKey = text(ds, DCM_FrameOfReferenceUID) + "|" + text(ds, DCM_SeriesNumber) + "|" + text(ds, DCM_Modality);
  if (text(ds, DCM_StudyInstanceUID).empty())
    ds->putAndInsertString(DCM_StudyInstanceUID, derivedUid("study|" + input).c_str()), ++r.assignedStudy;
  if (text(ds, DCM_SeriesInstanceUID).empty())
    ds->putAndInsertString(DCM_SeriesInstanceUID, derivedUid("series|" + input + "|" + seriesKey).c_str()), ++r.assignedSeries;
  if (text(ds, DCM_SOPInstanceUID).empty()) {
    const std::string uid = derivedUid("instance|" + input + "|" + relative);
    ds->putAndInsertString(DCM_SOPInstanceUID, uid.c_str());
    file.getMetaInfo()->putAndInsertString(DCM_MediaStorageSOPInstanceUID, uid.c_str());
    ++r.assignedInstance;
  }
}

/// The file as Orthanc will receive it (original transfer syntax kept).
bool serialise(DcmFileFormat& file, std::string& bytes) {
  const E_TransferSyntax xfer = file.getDataset()->getOriginalXfer();
  file.validateMetaInfo(xfer);
  const Uint32 length = file.calcElementLength(xfer, EET_ExplicitLength) + 1024;
  bytes.assign(length, '\0');
  DcmOutputBufferStream out(bytes.data(), length);
  file.transferInit();
  OFCondition c = file.write(out, xfer, EET_ExplicitLength, nullptr);
  file.transferEnd();
  void* data = nullptr;
  offile_off_t written = 0;
  out.flushBuffer(data, written);
  bytes.resize(std::size_t(written));
  return c.good();
}

std::vector<fs::path> filesUnder(const std::string& input) {
  if (!fs::exists(input)) throw SpineError(ExitCode::NoInput, "upload", input, "does not exist");
  std::vector<fs::path> files;
  if (fs::is_regular_file(input)) return {fs::path(input)};
  for (const auto& e : fs::recursive_directory_iterator(input))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace


UploadResult uploadToOrthanc(const std::string& input, const std::string& url, const std::string& user, const std::string& password) {
  const HttpClient http(url, user, password);
  HttpResponse system = http.get("/system");
  if (system.status != 200) throw SpineError(ExitCode::Unavailable, "upload", url, "Orthanc does not answer: " + system.body);
  UploadResult r;
  const std::string canonical = fs::weakly_canonical(input).string();
  for (const fs::path& p : filesUnder(input)) {
    DcmFileFormat file;
    if (file.loadFile(p.c_str()).bad()) {
      ++r.notDicom;
      continue;
    }
    assignMissingUids(file, canonical, fs::relative(p, fs::is_directory(input) ? fs::path(input) : p.parent_path()).string(), r);
    std::string bytes;
    HttpResponse answer = serialise(file, bytes) ? http.post("/instances", bytes, "application/dicom") : HttpResponse{0, "cannot encode"};
    if (answer.status == 200) ++r.sent;
    else ++r.refused, r.problems.push_back(p.string() + ": " + (answer.status ? "HTTP " + std::to_string(answer.status) + " " : "") + answer.body.substr(0, 200));
  }
  return r;
}

}  // namespace spine::service
