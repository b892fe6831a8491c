#include "common/DiscCanal.h"

#include <algorithm>
#include <cmath>

#include "spine/Finding.h"
#include "spine/Labels.h"
#include "spine/Parallel.h"
#include "spine/Statistics.h"

namespace spine::discs {

namespace {

constexpr double kStep = DiscBlock::kStepMm;

/// A body's posterior edge at height z: the walk from the disc's middle back through the body runs
/// until it stays below edgeHu for 1 mm (the canal), then back to the last bone sample (the
/// posterior wall; the ligament behind it is not bone), whose half-maximum edge it is. The median
/// over the central 8 mm (no pedicle lies there); NaN when the walk never reaches the canal.
double bodyEdge(const DiscBlock& b, double z, double edgeHu, double boneHu) {
  std::vector<double> edges;
  const int k = b.kOf(z), run = int(1.0 / kStep) + 1;
  for (int i = b.iOf(-4); i <= b.iOf(4); ++i)
    for (int j = b.jOf(0); j + run < b.ny(); ++j) {
      bool below = true;
      for (int r = 0; r < run && below; ++r) below = b.at(i, j + r, k) < edgeHu;
      if (!below) continue;
      int wall = j - 1;
      while (wall > b.jOf(0) && b.at(i, wall, k) < boneHu) --wall;
      edges.push_back(b.at(i, wall, k) >= boneHu ? halfMaximumEdge(b, i, wall, k) : b.v(j) - kStep / 2);
      break;
    }
  return edges.size() < 9 ? kNaN : median(edges);
}

/// |x| of the first sample from x = from in direction dir (+1/-1), within `reach` mm, on row (j, k),
/// where bone(value) becomes `want`; NaN when it never does inside the block.
template <typename IsBone>
double walkX(const DiscBlock& b, int j, int k, double from, int dir, double reach, bool want, IsBone bone) {
  const int steps = int(reach / kStep);
  for (int s = 0, i = b.iOf(from); s <= steps && i >= 0 && i < b.nx(); ++s, i += dir)
    if (bone(b.at(i, j, k)) == want) return std::abs(b.u(i));
  return kNaN;
}

Walls measureWalls(const DiscCanal& c, const CanalParams& p) {
  const DiscBlock& b = c.block;
  auto bone = [&](float v) { return v >= p.boneHu; };
  std::vector<double> left, right, half, outer, depth, centre;
  for (double z : {2.0, 4.0, 6.0, 8.0, 10.0, 12.0, -2.0, -4.0, -6.0, -8.0, -10.0, -12.0}) {  // into the bodies
    z += z > 0 ? c.halfHeight : -c.halfHeight;
    const int k = b.kOf(z), j0 = b.jOf(0), jc = b.jOf(c.line.at(z) + 4);
    for (int dir : {+1, -1}) {  // outermost bone along the body's middle, from outside in
      const double edge = walkX(b, j0, k, dir * 30.0, -dir, 30, true, bone);
      if (!std::isnan(edge)) (dir > 0 ? left : right).push_back(edge);
    }
    const double l = walkX(b, jc, k, 0, +1, 25, true, bone), r = walkX(b, jc, k, 0, -1, 25, true, bone);
    if (!std::isnan(l) && !std::isnan(r)) {
      half.push_back((l + r) / 2), centre.push_back((l - r) / 2);
      const double lo = walkX(b, jc, k, l, +1, 20, false, bone), ro = walkX(b, jc, k, -r, -1, 20, false, bone);
      if (!std::isnan(lo) && !std::isnan(ro)) outer.push_back((lo + ro) / 2);
    }
    for (int j = b.jOf(c.line.at(z) + 2); j < b.ny(); ++j)
      if (bone(b.at(b.iOf(0), j, k))) {
        depth.push_back(b.v(j) - c.line.at(z));
        break;
      }
  }
  auto med = [](std::vector<double>& v) { return v.empty() ? kNaN : median(v); };
  Walls w;
  w.bodyLeft = med(left), w.bodyRight = med(right),
  w.canalHalf = half.empty() ? kNaN : *std::min_element(half.begin(), half.end());
  w.pedicleOuter = outer.empty() ? kNaN : *std::max_element(outer.begin(), outer.end());  // the pedicle's widest
  w.canalDepth = med(depth);
  w.canalCentre = centre.empty() ? 0 : median(centre);
  return w;
}

/// Voxels within `radiusMm` (a box) of bone: separable, one running count per row of each axis.
std::vector<std::uint8_t> nearBone(const DiscBlock& b, double boneHu, double radiusMm) {
  const int r = std::max(1, int(std::lround(radiusMm / kStep)));
  const int n[3] = {b.nx(), b.ny(), b.nz()};
  std::vector<std::uint8_t> mask(b.size(), 0);
  for (int k = 0; k < n[2]; ++k)
    for (int j = 0; j < n[1]; ++j)
      for (int i = 0; i < n[0]; ++i) mask[b.index(i, j, k)] = b.at(i, j, k) >= boneHu;
  const size_t stride[3] = {1, size_t(n[0]), size_t(n[0]) * n[1]};
  std::vector<int> prefix;
  for (int a = 0; a < 3; ++a) {
    const int u = (a + 1) % 3, w = (a + 2) % 3;  // the two other axes index the rows
    for (int p = 0; p < n[u]; ++p)
      for (int q = 0; q < n[w]; ++q) {
        const size_t start = size_t(p) * stride[u] + size_t(q) * stride[w];
        prefix.assign(n[a] + 1, 0);
        for (int t = 0; t < n[a]; ++t) prefix[t + 1] = prefix[t] + mask[start + t * stride[a]];
        for (int t = 0; t < n[a]; ++t)
          mask[start + t * stride[a]] = prefix[std::min(n[a], t + r + 1)] - prefix[std::max(0, t - r)] > 0;
      }
  }
  return mask;
}

/// The brightest normal soft tissue where herniated material would lie: the 90th percentile of the
/// canal and foramina (beyond the line, inside the limits, away from bone) at the bodies' heights
/// next to the disc, where no disc material is.
double surroundHu(const DiscCanal& c) {
  const DiscBlock& b = c.block;
  std::vector<double> v;
  for (double z : {c.line.zUp, c.line.zUp + 2, c.line.zLow, c.line.zLow - 2}) {
    const int k = b.kOf(z);
    for (int j = b.jOf(c.line.at(z) + 1); j <= b.jOf(c.line.at(z) + c.pastLimit); ++j)
      for (int i = b.iOf(-c.sideLimit); i <= b.iOf(c.sideLimit); ++i)
        if (!c.nearBone[b.index(i, j, k)]) v.push_back(b.at(i, j, k));
  }
  return v.size() < 50 ? c.canalHu : quantile(v, 0.9);
}

/// What herniated material looks like: the median of the disc's posterior part (the annulus, away
/// from the endplates' partial volume; the middle of the disc when a wedge-shaped disc is too thin
/// behind). Within the disc's own width (the frame's narrower side): a cervical disc is 15-18 mm
/// wide, and samples 10 mm to either side met the fat and muscle beside it (C2-C3 of a 0.6 x 1.5 mm
/// phantom read 31 HU). Centred on the label, not on the canal: in a rotated scoliotic vertebra the
/// canal's middle lies beside the disc's (centred on it, four thoracic discs of `scoliosis-ct` read
/// as not disc).
double discValue(const DiscCanal& c, double back) {
  const DiscBlock& b = c.block;
  const double side = std::min(10.0, b.frame().halfWidth - 1);
  std::vector<double> v;
  for (int k = b.kOf(-c.halfHeight); k <= b.kOf(c.halfHeight); ++k)
    for (int j = b.jOf(back - 10); j <= b.jOf(back - 1); ++j)
      for (int i = b.iOf(-side); i <= b.iOf(side); ++i)
        if (!c.nearBone[b.index(i, j, k)]) v.push_back(b.at(i, j, k));
  const double middle = std::min(8.0, side);
  return v.size() >= 40 ? median(v) : boxMedian(b, -middle, middle, -6, 6, -c.halfHeight / 2, c.halfHeight / 2);
}

/// Volume of metal in the block (0 when none).
double metalMm3(const DiscBlock& b, double metalHu) {
  size_t n = 0;
  for (int k = 0; k < b.nz(); ++k)
    for (int j = 0; j < b.ny(); ++j)
      for (int i = 0; i < b.nx(); ++i) n += b.at(i, j, k) >= metalHu;
  return double(n) * kStep * kStep * kStep;
}

/// The line, the walls, the disc's and its surroundings' values and the threshold between them; a
/// reason instead when the disc cannot be judged.
std::string measure(DiscCanal& c, const CanalParams& p) {
  const DiscBlock& b = c.block;
  const double slab = c.halfHeight + p.lineSlabMm;
  c.line = {slab, bodyEdge(b, slab, p.edgeHu, p.boneHu), -slab, bodyEdge(b, -slab, p.edgeHu, p.boneHu)};
  if (std::isnan(c.line.yUp) || std::isnan(c.line.yLow)) return "the posterior edge of a body next to it was not found";
  c.walls = measureWalls(c, p);
  const Walls& walls = c.walls;
  const double bodyHalf = (walls.bodyLeft + walls.bodyRight) / 2;  // without pedicles: about where the body ends
  c.sideLimit = !std::isnan(walls.pedicleOuter) ? walls.pedicleOuter + 1 : !std::isnan(bodyHalf) ? bodyHalf : 22;
  c.pastLimit = !std::isnan(walls.canalDepth) ? walls.canalDepth - 1 : 18;
  c.nearBone = nearBone(b, p.boneHu, c.partialVolumeMm);
  const double back = c.line.at(0);  // the posterior annulus: what herniated material looks like
  c.discHu = discValue(c, back);
  c.canalHu = std::min(boxMedian(b, -4, 4, c.line.yUp + 3, c.line.yUp + 8, slab, slab),
                       boxMedian(b, -4, 4, c.line.yLow + 3, c.line.yLow + 8, -slab, -slab));
  if (c.discHu < p.discMinHu || c.discHu > p.discMaxHu) {
    const double height = b.frame().heightMm;
    if (height > 0 && height < 2 * c.coarsestMm)
      return "the disc (" + oneDecimal(height) + " mm tall) is less than two of this series' " + oneDecimal(c.coarsestMm) +
             " mm slices thick: its samples (" + oneDecimal(c.discHu) + " HU) are mostly the endplates or tissue beside it; thinner slices or MR show it";
    return "its samples read " + oneDecimal(c.discHu) + " HU, not disc: the disc is not where its segment says";
  }
  const double surround = std::max(c.canalHu, surroundHu(c));
  c.tau = (c.discHu + surround) / 2;
  if (c.discHu - surround < p.minContrastHu)
    return "disc (" + oneDecimal(c.discHu) + " HU) and the tissue around it (" + oneDecimal(surround) +
           " HU) differ too little";
  return "";
}

}  // namespace

std::vector<Finding> judgeEachDisc(
    const LevelTable& t, const std::string& what,
    const std::function<std::vector<Finding>(const DiscFrame&, const LevelEntry&)>& judge) {
  std::vector<bool> valid;
  const std::vector<DiscFrame> frames = discFrames(t, valid);
  std::vector<std::vector<Finding>> perDisc(t.discs.size());
  parallelFor(unsigned(t.discs.size()), 2, [&](unsigned i) {
    const LevelEntry& d = t.discs[i];
    if (d.cutByField)
      perDisc[i] = {notAssessed(d.name, d.label, d.centroid, what, kCutByField)};
    else
      perDisc[i] = valid[i] ? judge(frames[i], d)
                            : std::vector<Finding>{notAssessed(d.name, d.label, d.centroid, what,
                                                               "its segment holds too few voxels to place the disc")};
  });
  std::vector<Finding> out;
  for (std::vector<Finding>& fs : perDisc)
    for (Finding& f : fs) out.push_back(std::move(f));
  return out;
}

DiscCanal::DiscCanal(const CtImage& ct, const DiscFrame& frame, double halfHeightMm, const CanalParams& p,
                     const LabelImage* labels)
    : block(ct, frame, 30, -6, 42, halfHeightMm + std::max(p.reachMm, p.lineSlabMm + 6) + 1), halfHeight(halfHeightMm) {
  if (labels) vertebra = block.labelled(*labels, isVertebraLabel);
  reachMm = p.reachMm;
  const auto spacing = ct.GetSpacing();
  coarsestMm = std::max({spacing[0], spacing[1], spacing[2]});
  partialVolumeMm = std::max(1.0, 0.5 * coarsestMm);
  const double metalHu = metalSeedHu(ct, p.metal);
  if (const double metal = metalMm3(block, metalHu); metal > 0)
    why = "metal near it (" + oneDecimal(metal) + " mm3 at " + std::to_string(long(metalHu)) +
          " HU or more): its streaks make disc and canal unreadable on CT; MR or CT myelography shows this level";
  else
    why = measure(*this, p);
}

double halfMaximumEdge(const DiscBlock& b, int i, int j, int k) {
  double peak = -1e9, floor = 1e9;
  for (int q = std::max(0, j - 4); q <= j; ++q) peak = std::max(peak, double(b.at(i, q, k)));
  for (int q = j; q < std::min(b.ny(), j + 11); ++q) floor = std::min(floor, double(b.at(i, q, k)));
  const double half = (peak + floor) / 2;
  for (int q = j + 1; q < std::min(b.ny(), j + 7); ++q) {  // within 3 mm, never into bone
    const double before = b.at(i, q - 1, k), now = b.at(i, q, k);
    if (now < half) return b.v(q - 1) + kStep * (before - half) / std::max(before - now, 1e-6);
  }
  return b.v(j) + kStep / 2;
}

double boxMedian(const DiscBlock& b, double x0, double x1, double y0, double y1, double z0, double z1) {
  std::vector<double> v;
  for (int k = b.kOf(z0); k <= b.kOf(z1); ++k)
    for (int j = b.jOf(y0); j <= b.jOf(y1); ++j)
      for (int i = b.iOf(x0); i <= b.iOf(x1); ++i) v.push_back(b.at(i, j, k));
  return median(v);
}

std::vector<std::uint8_t> materialBeyondLine(const DiscCanal& c) {
  const DiscBlock& b = c.block;
  auto dense = [&](size_t idx) {
    int i, j, k;
    b.coordsOf(idx, i, j, k);
    const float v = b.at(i, j, k);
    const double past = b.v(j) - c.line.at(b.w(k));
    return v >= c.tau && !c.nearBone[idx] && !c.inVertebra(idx) && past > -2 && past < c.pastLimit && std::abs(b.u(i)) <= c.sideLimit &&
           std::abs(b.w(k)) <= c.halfHeight + c.reachMm;
  };
  std::vector<std::uint8_t> seen(b.size(), 0);
  std::vector<size_t> seeds;
  for (int k = b.kOf(-c.halfHeight); k <= b.kOf(c.halfHeight); ++k)
    for (int j = 0; j < b.ny() && b.v(j) <= c.line.at(b.w(k)); ++j)
      for (int i = 0; i < b.nx(); ++i)
        if (const size_t idx = b.index(i, j, k); dense(idx)) seen[idx] = 1, seeds.push_back(idx);
  std::vector<std::uint8_t> beyond(b.size(), 0);
  for (size_t idx : flood(b, seeds, seen, dense)) {
    int i, j, k;
    b.coordsOf(idx, i, j, k);
    const double z = b.w(k), past = b.v(j) - c.line.at(z);
    beyond[idx] = past > kStep && (std::abs(z) <= c.halfHeight || past > 1.0);
  }
  return beyond;
}

}  // namespace spine::discs
