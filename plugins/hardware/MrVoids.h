#pragma once
// Spinal hardware on MR: metal shows as a susceptibility void, a region without signal larger than
// the implant, often rimmed by bright pile-up. Voids near the column are found, assigned to their
// vertebra and side, read as pedicle screws (a void from the posterior elements into the body),
// rods (a posterior void running head-foot past two vertebrae) or other metal, and the levels they
// hide are listed. Parameters and their evidence: plugins/hardware/README.md.
#include <vector>

#include "spine/Finding.h"
#include "spine/LevelTable.h"
#include "spine/PixelTypes.h"

namespace spine {

struct MrVoidParams {
  double voidFraction = 0.12;     ///< darker than this share of the vertebral marrow's median: no signal
  double openingMm = 2.0;         ///< a void holds an in-plane disc of this radius (cortex and ligaments are thinner)
  double minVoidMm3 = 150;        ///< smaller dark regions are not read as metal
  double lateralReachMm = 40;     ///< searched this far either side of a vertebra's centre ...
  double frontReachMm = 15;       ///< ... this far in front of it (bowel gas lies further forward) ...
  double backReachMm = 70;        ///< ... and this far behind it (rods lie 40-50 mm behind the body's centre)
  double minNearFraction = 0.8;   ///< a dark region mostly farther out (lungs, bowel gas, air) is not metal
  long minSlices = 3;             ///< fewer sagittal slices show no pedicle: voids are not searched
  double bodyHalfWidthMm = 22;    ///< a void within this of the body's centre, side to side ...
  double bodyBackMm = 10;         ///< ... not further back than this ...
  double bodyHeightShare = 0.35;  ///< ... and within this share of the distance to the next vertebra's centre (not in a
                                  ///< disc), lies in the body
  double screwInBodyMm3 = 100;    ///< a screw's void reaches into the body by at least this much ...
  double screwBackMm = 20;        ///< ... and back through the pedicle at least this far behind the body's centre
  double rodBackMm = 25;          ///< void this far behind the body's centre is posterior (rods, screw heads)
  double rodRunMm = 20;           ///< a rod's void runs at least this far head-foot (a screw head's is 10-15 mm)
  double cageMinMm3 = 1000;       ///< void in one disc space from which it holds an interbody cage (a cage is 2-4 cm3)
  double otherInColumnMm3 =
      300;  ///< a void no screw explains is reported when this much of it is in line with bodies and discs
  double artefactMarginMm = 5;  ///< a void hides the levels within this of its head-foot extent
};

/// Findings (kind "hardware" and "metal-artefact") for the voids of a sagittal MR analysed into
/// `levels` (its vertebral bodies labelled).
std::vector<Finding> mrVoidFindings(const MrImage& mr, const LevelTable& levels, const MrVoidParams& p = {});

}  // namespace spine
