#pragma once
// Disc herniation on sagittal MR. On T2 the disc's back (annulus, ligament) is dark and the thecal
// sac's fluid bright; the front of that fluid, traced along the column behind each disc, follows the
// posterior walls of the bodies and is pushed back where disc material leaves the disc space. The
// depth is how far it lies beyond the line joining the walls of the bodies above and below, in the
// mid-sagittal plane (planes either side of it gave false findings on the phantoms and volunteers:
// a paracentral herniation is seen only where it reaches the midline). One sagittal plane cannot
// tell a focal herniation from a broad bulge (that needs the axial extent), so shallow material is
// "possible". Parameters and their evidence: plugins/herniation/README.md ("MR").
#include <vector>

#include "spine/Finding.h"
#include "spine/LevelTable.h"
#include "spine/Volume.h"

namespace spine {

struct MrHerniationParams {
  double reportDepthMm = 3.0;     ///< reported ("possible") from this depth beyond the line
  double probableDepthMm = 4.0;   ///< "probable" from here, or when it reaches beyond the disc space
  double apexHeightMm = 2.0;      ///< the depth is the front's mean over this height where it is deepest
  double migrationMm = 3.0;       ///< material this deep above or below the disc space: an extrusion
  double wallNearMm = 3.0;        ///< the bodies' walls are read from this far beyond the disc space...
  double wallFarMm = 9.0;         ///< ...to this far
  double wallQuantile = 0.25;     ///< of the front over those rows: the wall, past material along it
  double minFluidRatio = 1.0;     ///< the fluid behind the bodies' walls at least this bright against their marrow (T2)
  double minEdgeContrast = 0.15;  ///< the wall-to-fluid step, over the block's range, along the bodies
};

/// One finding per herniated disc (or a "not-assessed" one saying why it could not be judged;
/// every disc of a series known to be T1-weighted); the caller adds the study-level multi-level
/// finding.
std::vector<Finding> mrHerniationFindings(const Volume& mr, const LevelTable& levels, const MrHerniationParams& p);

}  // namespace spine
