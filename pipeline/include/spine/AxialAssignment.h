#pragma once
// Axial stacks of the analysed study, slice by slice, assigned to the disc or vertebral body they
// cut: how radiologists read herniations (on the axial slices through each disc), with the levels
// found on the sagittal series carried over by DICOM geometry. Only series sharing the analysed
// series' Frame of Reference UID (0020,0052) are assigned; others say why not.
#include <string>
#include <vector>

#include "spine/LevelTable.h"
#include "spine/Study.h"

namespace spine {

struct AxialSlice {
  size_t index = 0;            ///< position in the series, sorted along its normal
  std::string sopInstanceUid;
  double positionMm = 0;       ///< along the series' normal (LPS)
  std::string level;           ///< "L4-L5", "L4" (the body), or "" when it cuts neither
};

struct AxialSeriesAssignment {
  std::string seriesKey, description;
  long seriesNumber = -1;
  bool assigned = false;
  std::string why;              ///< when not assigned
  std::vector<AxialSlice> slices;
};

/// A slice is at a disc when the disc's centre lies within its half height + 1.5 mm of the slice
/// plane (measured along the slice normal), else at the body whose centre is nearest within 20 mm.
std::vector<AxialSeriesAssignment> assignAxialSlices(const Study& study, const LevelTable& levels);

}  // namespace spine
