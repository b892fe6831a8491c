#include "PhantomTissues.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace spine::phantom {

TissueLook look(Tissue t, const PhantomSpec& s) {
  const bool osteo = s.osteoporosis, contrast = s.contrast;
  switch (t) {
    case Tissue::Air: return {-1000, 0, 0, 0, 0, 1};
    case Tissue::Table: return {120, 0, 0, 40, 0, 3};
    case Tissue::Skin: return {30, 500, 350, 10, 30, 4};
    case Tissue::Fat: return {-100, 950, 750, 12, 40, 6};
    case Tissue::SoftTissue: return {38, 450, 250, 10, 30, 14, true, -95, 800, 480};  // bowel and organs in fat
    case Tissue::Muscle: return {55, 380, 170, 12, 25, 4};
    case Tissue::Lung: return {-840, 20, 25, 40, 10, 5};
    case Tissue::Blood: return {contrast ? 280.0 : 42.0, 100, 50, 6, 20, 8};
    case Tissue::Kidney: return {contrast ? 170.0 : 35.0, 400, 450, 10, 30, 6};
    case Tissue::Liver: return {contrast ? 110.0 : 60.0, 500, 200, 8, 25, 8};
    case Tissue::Brain: return {35, 450, 500, 6, 30, 8};
    case Tissue::BowelGas: return {-1000, 0, 0, 0, 0, 1};
    case Tissue::Cortical: return {osteo ? 750.0 : 1250.0, 25, 20, 150, 10, 1.5};
    case Tissue::Cancellous: return {osteo ? 85.0 : 230.0, osteo ? 760.0 : 640.0, osteo ? 520.0 : 420.0, 70, 50, 1.2};
    case Tissue::Annulus: return {95, 300, 200, 10, 20, 3};
    case Tissue::Nucleus: return {75, 340, 880, 10, 40, 3};
    case Tissue::NucleusDegenerated: return {88, 300, 220, 12, 30, 3};
    case Tissue::Herniation: return {92, 320, 360, 10, 30, 3};
    case Tissue::DiscGas: return {-900, 0, 0, 30, 0, 2};
    case Tissue::EpiduralFat: return {-90, 900, 700, 15, 40, 4};
    case Tissue::Csf: return {8, 160, 1000, 6, 30, 6};
    case Tissue::Cord: return {35, 500, 360, 6, 25, 4};
    case Tissue::Nerve: return {32, 480, 380, 6, 25, 4};
    case Tissue::Metal: return {6500, 0, 0, 0, 0, 1};
    case Tissue::SteelMetal: return {13000, 0, 0, 0, 0, 1};
    case Tissue::Peek: return {300, 15, 15, 10, 5, 2};
    case Tissue::Halo: return {25, 250, 600, 8, 30, 3};
    case Tissue::SusceptibilityVoid: return {0, 0, 0, 0, 0, 1};
    case Tissue::PileUp: return {0, 1500, 1600, 0, 200, 2};
    case Tissue::Scar: return {60, 400, 260, 10, 30, 5};
    case Tissue::Ligament: return {70, 330, 160, 8, 25, 3};  // hypertrophied ligamentum flavum: dense, dark on T2
    case Tissue::Count: break;
  }
  return {0, 0, 0, 0, 0, 1};
}

double tissueValue(const TissueLook& L, bool ct, bool t2, const Vec3& p, unsigned seed) {
  double v = ct ? L.ct : (t2 ? L.t2 : L.t1), tex = ct ? L.ctTexture : L.mrTexture;
  if (L.mottled) {
    double n = valueNoise(p, L.textureMm, seed + 101) + 0.5 * valueNoise(p, L.textureMm / 2.3, seed + 202);
    double t = std::clamp((n + 0.05) / 0.3, 0.0, 1.0);  // smoothstep blend: fat where the field is high
    t = t * t * (3 - 2 * t);
    v += (ct ? L.ctAlt - L.ct : (t2 ? L.t2Alt - L.t2 : L.t1Alt - L.t1)) * t;
  }
  if (tex > 0) v += tex * valueNoise(p, L.mottled ? 3.0 : L.textureMm, seed);
  return v;
}

namespace {

double hashUnit(std::int64_t x, std::int64_t y, std::int64_t z, unsigned seed) {
  std::uint64_t h = std::uint64_t(x) * 0x9E3779B185EBCA87ull ^ std::uint64_t(y) * 0xC2B2AE3D27D4EB4Full ^
                    std::uint64_t(z) * 0x165667B19E3779F9ull ^ (std::uint64_t(seed) << 32);
  h ^= h >> 33, h *= 0xff51afd7ed558ccdull, h ^= h >> 33;
  return double(h >> 11) / double(1ull << 53) * 2 - 1;
}

double smooth(double t) { return t * t * (3 - 2 * t); }

/// floor(v) as an integer, without a libm call (valueNoise runs for every pixel of every phantom).
std::int64_t floorInt(double v) {
  const auto i = std::int64_t(v);
  return i - std::int64_t(v < double(i));
}

}  // namespace

double valueNoise(const Vec3& p, double scale, unsigned seed) {
  double x = p[0] / scale, y = p[1] / scale, z = p[2] / scale;
  const std::int64_t x0 = floorInt(x), y0 = floorInt(y), z0 = floorInt(z);
  double fx = smooth(x - x0), fy = smooth(y - y0), fz = smooth(z - z0);
  double v = 0;
  for (int c = 0; c < 8; ++c) {
    int i = c & 1, j = (c >> 1) & 1, k = (c >> 2) & 1;
    double w = (i ? fx : 1 - fx) * (j ? fy : 1 - fy) * (k ? fz : 1 - fz);
    v += w * hashUnit(x0 + i, y0 + j, z0 + k, seed);
  }
  return v;
}

}  // namespace spine::phantom
