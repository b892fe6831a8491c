#pragma once
// Internal: what each tissue looks like on CT (HU, Hounsfield 1973; typical published values) and
// on spin-echo MR (relative signal, T1 and T2 weighting), and a texture amplitude and scale.
#include "spine/PhantomShapes.h"
#include "spine/PhantomSpec.h"

namespace spine::phantom {

struct TissueLook {
  double ct, t1, t2;
  double ctTexture, mrTexture;  ///< amplitude of the texture (HU / signal units)
  double textureMm;             ///< texture feature size
  /// Mottled tissue (viscera): a second look blended in where the noise field is high, so bowel
  /// loops and organs sit in mesenteric fat with edges rather than as one blurred grey.
  bool mottled = false;
  double ctAlt = 0, t1Alt = 0, t2Alt = 0;
};

/// The tissue value at p: base look, texture, and the mottled blend.
double tissueValue(const TissueLook& look, bool ct, bool t2, const Vec3& p, unsigned seed);

TissueLook look(Tissue t, const PhantomSpec& spec);

/// Smooth value noise in [-1, 1] at point p (mm) with feature size `scale` mm; deterministic.
double valueNoise(const Vec3& p, double scale, unsigned seed);

}  // namespace spine::phantom
