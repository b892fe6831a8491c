#pragma once
// Putting a local study into Orthanc (REST POST /instances). Orthanc refuses instances whose
// Study, Series or SOP Instance UID is empty, as in the real TotalSegmentator CT: such files get
// UIDs derived from the input's path, series and file (2.25.<128-bit hash>, PS3.5 B.2), the same on
// every upload of the same input, so a repeated upload never makes a second copy, and the upload
// says which it assigned.
#include <string>
#include <vector>

#include "spine/DerivedUid.h"

namespace spine::service {

struct UploadResult {
  std::size_t sent = 0, refused = 0, notDicom = 0;
  std::size_t assignedStudy = 0, assignedSeries = 0, assignedInstance = 0;  ///< files given a derived UID
  std::vector<std::string> problems;                                        ///< one line per refused file
};

/// Uploads every DICOM file under `input` (a file or a folder tree). Throws SpineError (NoInput)
/// when `input` does not exist, (Unavailable) when Orthanc cannot be reached.
UploadResult uploadToOrthanc(const std::string& input, const std::string& url, const std::string& user = "",
                             const std::string& password = "");

}  // namespace spine::service
