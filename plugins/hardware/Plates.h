#pragma once
// Plates on CT (anterior or lateral, on the bodies' surface), found among whole metal objects
// before the rods are sought, and taken out of the grid. Parameters and their evidence:
// plugins/hardware/README.md (step 2).
#include <vector>

#include "HardwareDetector.h"
#include "MetalObjects.h"

namespace spine::hardware {

struct Plate {
  MetalObject object;
  Vec3 normal;
  bool whole = true;  ///< false: taken apart from metal its body screws touch (they stay with that metal)
};

/// Plates are found first, among whole metal objects, and taken out of the grid: where a plate's
/// sheet is steep its metal runs head-foot far enough to read as rod, which would cut it apart. An
/// object that is no plate may hold one at its front (frontSheet): that sheet alone is taken.
std::vector<Plate> takePlates(MetalGrid& g, const Levels& levels, const HardwareParams& p);

}  // namespace spine::hardware
