#pragma once
// The viewer's key images (PNG, listed in report.json `key_images`) as DICOM Secondary Capture
// Image Storage (PS3.3 A.8.1), RGB, one instance each in one series of the source study, so a PACS
// shows the named levels beside the study.
#include <string>
#include <vector>

#include "spine/reports/DicomOutputs.h"

namespace spine::reports {

/// Writes `outDir`/key-image-N.dcm for each PNG (paths relative to `reportDir`) and returns the
/// file names. Throws SpineError (DataError naming a PNG that cannot be read, CantCreate).
std::vector<std::string> writeKeyImageCaptures(const std::vector<std::string>& pngs, const std::string& reportDir,
                                               const DicomOutputContext& context, const std::string& outDir);

}  // namespace spine::reports
