#pragma once
// CT metal artefact in one axial plane, simulated the way it arises: rays through metal lose
// low-energy photons (beam hardening, an error growing with the square of the metal path) and
// photons altogether (starvation noise), and filtered back-projection spreads those ray errors
// into dark bands between metal objects and bright/dark streaks radiating from them.
// Used by the phantom generator and for inserting hardware into real CT.
#include <cstdint>
#include <vector>

namespace spine {

struct MetalArtifactParams {
  unsigned angles = 180;          ///< projection angles over 180 degrees
  double hardeningHu = 450;       ///< dark-band strength per mm^2 of metal path (titanium-equivalent); calibrated so two titanium pedicle screws 40 mm apart give a band of about -150 HU between them
  double starvationHu = 200;      ///< streak noise per mm of metal path
  double saturationMm = 25;       ///< metal paths saturate: p / (1 + p / saturationMm)
  unsigned seed = 1;
};

/// `metal` holds, per pixel, the metal path weight (fraction of the pixel that is metal, times 1 for
/// titanium, about 2 for steel). Returns the artefact in HU to add to the plane (zero where no
/// metal is in the plane). dx, dy: pixel size in mm.
std::vector<float> metalStreaks(const std::vector<float>& metal, unsigned nx, unsigned ny, double dx, double dy,
                                const MetalArtifactParams& params);

}  // namespace spine
