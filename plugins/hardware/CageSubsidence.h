#pragma once
// Interbody cage subsidence on CT: how far a metal cage reaches past the endplates of the bodies
// above and below it. In a frame along the line between the two bodies, the cage's top and bottom
// are its metal's half-maximum edges over its footprint; each endplate is the disc-facing surface of
// the cortical endplate in the columns just beside the footprint, where the cage has not sunk.
// Parameters and their evidence: plugins/hardware/README.md ("Cage subsidence").
#include <string>

#include "spine/LevelTable.h"
#include "spine/PixelTypes.h"
#include "spine/Vec3.h"

namespace spine {

struct SubsidenceParams {
  double reportMm = 1.0;    ///< reach past an endplate reported as subsidence ("possible")...
  double probableMm = 2.5;  ///< ...and "probable" from here
  double besideMinMm = 2;   ///< the endplate is read in columns this far beside the footprint...
  double besideMaxMm = 6;   ///< ...to this far
};

struct CageSinking {
  std::string why;     ///< not measured, and why ("" when measured)
  double upperMm = 0;  ///< past the upper body's endplate (into that body), mm; negative: short of it
  double lowerMm = 0;  ///< past the lower body's endplate
  Vec3 upperPoint{0, 0, 0}, lowerPoint{0, 0, 0};  ///< the cage's top and bottom on its axis, LPS mm
};

/// The cage whose metal centre is `centre`, between the bodies `upper` and `lower`; voxels at or
/// above `metalHu` are metal.
CageSinking cageSubsidence(const CtImage& ct, const Vec3& centre, const LevelEntry& upper, const LevelEntry& lower,
                           double metalHu, const SubsidenceParams& p);

}  // namespace spine
