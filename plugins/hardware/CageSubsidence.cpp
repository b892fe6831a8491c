#include "CageSubsidence.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/DiscBlock.h"
#include "spine/Statistics.h"

namespace spine {

namespace {

using discs::DiscBlock;
constexpr double kStep = DiscBlock::kStepMm;

/// The half-maximum edge of the metal in column (i, j) going up (dir +1) or down (-1) from its
/// brightest sample: halfway between that peak and the bone 4 mm past the metal threshold's edge.
double metalEdge(const DiscBlock& b, int i, int j, int dir, double metalHu) {
  int peak = b.kOf(0);
  for (int k = 0; k < b.nz(); ++k)
    if (b.at(i, j, k) > b.at(i, j, peak) && std::abs(b.w(k)) < 0.5 * b.w(b.nz() - 1)) peak = k;
  int k = peak;
  while (k + dir >= 0 && k + dir < b.nz() && b.at(i, j, k + dir) >= metalHu) k += dir;
  const int past = std::clamp(k + dir * int(4 / kStep), 0, b.nz() - 1);
  const double half = 0.5 * (b.at(i, j, peak) + b.at(i, j, past));
  for (int q = peak; q != past; q += dir) {
    const double a = b.at(i, j, q), c = b.at(i, j, q + dir);
    if (a >= half && c < half) return b.w(q) + dir * kStep * (a - half) / (a - c);
  }
  return b.w(k);
}

/// The disc-facing surface of the cortical endplate in column (i, j) between w0 and w1 (the side
/// of 0 they are on): from the column's brightest level there (the cortex) towards the disc, where
/// the value falls halfway to the disc space's middle (|w| < 1 mm: disc, or bone across it).
double endplateSurface(const DiscBlock& b, int i, int j, double w0, double w1) {
  int peak = b.kOf(w0);
  for (int k = b.kOf(w0); k <= b.kOf(w1); ++k)
    if (b.at(i, j, k) > b.at(i, j, peak)) peak = k;
  std::vector<double> middle;
  for (int k = b.kOf(-1); k <= b.kOf(1); ++k) middle.push_back(b.at(i, j, k));
  const double half = 0.5 * (b.at(i, j, peak) + median(middle));
  const int dir = b.w(peak) > 0 ? -1 : 1;  // towards the disc's middle
  for (int k = peak; k + dir >= 0 && k + dir < b.nz() && k != b.kOf(0); k += dir) {
    const double a = b.at(i, j, k), c = b.at(i, j, k + dir);
    if (a >= half && c < half) return b.w(k) + dir * kStep * (a - half) / (a - c);
  }
  return b.w(peak);
}

}  // namespace

CageSinking cageSubsidence(const CtImage& ct, const Vec3& centre, const LevelEntry& upper, const LevelEntry& lower,
                           double metalHu, const SubsidenceParams& p) {
  CageSinking out;
  const double half = 0.5 * distance(upper.centroid, lower.centroid);
  const discs::DiscFrame frame = discs::frameAt(centre, sub(upper.centroid, lower.centroid));
  const DiscBlock b(ct, frame, 25, -25, 25, 0.9 * half);
  const double zone = 0.6 * half;
  std::vector<std::uint8_t> footprint(size_t(b.nx()) * size_t(b.ny()), 0);
  for (int j = 0; j < b.ny(); ++j)
    for (int i = 0; i < b.nx(); ++i)
      for (int k = b.kOf(-zone); k <= b.kOf(zone) && !footprint[size_t(j) * b.nx() + i]; ++k)
        footprint[size_t(j) * b.nx() + i] = b.at(i, j, k) >= metalHu;
  // Distance (in columns) from each column to the footprint, by brute force over a small block.
  const int reach = int(p.besideMaxMm / kStep) + 1, inner = int(p.besideMinMm / kStep);
  std::vector<double> tops, bottoms, upperPlates, lowerPlates;
  for (int j = 0; j < b.ny(); ++j)
    for (int i = 0; i < b.nx(); ++i) {
      int nearest = reach + 1;
      for (int dj = -reach; dj <= reach; ++dj)
        for (int di = -reach; di <= reach; ++di) {
          const int a = i + di, c = j + dj;
          if (a < 0 || c < 0 || a >= b.nx() || c >= b.ny() || !footprint[size_t(c) * b.nx() + a]) continue;
          nearest = std::min(nearest, std::max(std::abs(di), std::abs(dj)));
        }
      if (nearest == 0) {
        if (i % 2 || j % 2) continue;  // every 1 mm is enough
        tops.push_back(metalEdge(b, i, j, 1, metalHu)), bottoms.push_back(metalEdge(b, i, j, -1, metalHu));
      } else if (nearest >= inner && nearest <= reach && i % 2 == 0 && j % 2 == 0) {
        upperPlates.push_back(endplateSurface(b, i, j, 1, 0.8 * half));
        lowerPlates.push_back(endplateSurface(b, i, j, -0.8 * half, -1));
      }
    }
  if (tops.size() < 10) return out.why = "too little of the cage in the frame between the bodies", out;
  if (upperPlates.size() < 10) return out.why = "no endplate beside the cage", out;
  const double top = median(tops), bottom = median(bottoms);
  out.upperMm = top - median(upperPlates), out.lowerMm = median(lowerPlates) - bottom;
  out.upperPoint = frame.world(0, 0, top), out.lowerPoint = frame.world(0, 0, bottom);
  return out;
}

}  // namespace spine
