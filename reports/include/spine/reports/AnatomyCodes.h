#pragma once
// Coded anatomy for the DICOM outputs: SNOMED CT codes of DICOM PS3.16 CID 7603 (Vertebra) and
// CID 7604 (Intervertebral Disc), the sacrum from CID 4031, and the CID 7150 category. A level
// those groups do not name (T13, L6, S1 apart from the sacrum, L5-L6, an unnamed level) gets the
// generic code; its own name stays in the segment label.
#include <string>

namespace spine::reports {

struct Code {
  std::string value, scheme, meaning;  ///< Code Value (0008,0100), Coding Scheme Designator (0008,0102), Code Meaning (0008,0104)
};

/// "Anatomical Structure" (SCT 91723000), CID 7150.
Code anatomicalStructureCategory();

/// The segmented property type of a level by its report name ("L4", "L4-L5", "sacrum").
Code anatomyCode(const std::string& levelName, bool disc);

/// "Vertebra" (SCT 51282000) or "Intervertebral disc" (SCT 360499006).
Code genericAnatomyCode(bool disc);

}  // namespace spine::reports
