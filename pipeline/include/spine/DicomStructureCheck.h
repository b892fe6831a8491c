#pragma once
// A bounded walk over a file's DICOM element structure, done before DCMTK parses it. DCMTK 3.6.7
// and GDCM recurse once per nested sequence and overflow the stack on hostile files with thousands
// of levels; this walk is iterative, reads no values, and rejects such files with a clear reason.
#include <string>

namespace spine {

struct StructureCheckParams {
  unsigned maxSequenceDepth = 64;  ///< deepest real-world nesting seen is about 10 (enhanced MR)
};

enum class StructureVerdict {
  Ok,        ///< structure walked to the end without a problem
  NotDicom,  ///< no DICM preamble and no plausible data set start: skip, not an error
  Malformed, ///< DICOM, but broken (problem says how)
};

struct StructureCheck {
  StructureVerdict verdict = StructureVerdict::Ok;
  std::string problem;  ///< for NotDicom and Malformed
};

StructureCheck checkDicomStructure(const std::string& path, const StructureCheckParams& params = {});

}  // namespace spine
