#pragma once
// Reads the headers of one DICOM file with DCMTK (pixel data stays on disk) and lists its frames.
#include <string>
#include <vector>

#include "spine/DicomFrame.h"

namespace spine {

struct FrameReaderParams {
  unsigned maxRowsColumns = 16384;  ///< larger Rows (0028,0010) or Columns (0028,0011) are refused
  unsigned maxFrames = 20000;       ///< larger Number of Frames (0028,0008) is refused
};

/// Returns one DicomFrame per image frame. Throws SpineError (DataError) naming the file and the
/// problem when the file is DICOM but unusable. Does not run the structure check: callers do that
/// first (see DicomStructureCheck.h).
std::vector<DicomFrame> readDicomFrames(const std::string& path, const FrameReaderParams& params = {});

}  // namespace spine
