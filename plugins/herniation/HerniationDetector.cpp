#include "HerniationDetector.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "common/DiscBlock.h"
#include "spine/Parallel.h"
#include "spine/Statistics.h"

namespace spine {

namespace {

using discs::DiscBlock;
constexpr double kStep = DiscBlock::kStepMm;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The posterior vertebral line in the disc's frame: the posterior edges of the bodies above (zUp)
/// and below (zLow) the disc space, straight between them.
struct Line {
  double zUp = 0, yUp = 0, zLow = 0, yLow = 0;
  double at(double z) const {
    if (z >= zUp) return yUp;
    if (z <= zLow) return yLow;
    return yLow + (yUp - yLow) * (z - zLow) / (zUp - zLow);
  }
};

/// What is known of one disc before its material is followed.
struct DiscContext {
  const DiscBlock& block;
  Line line;
  double halfHeight = 0;  ///< half the disc space, mm
  double discHu = 0, canalHu = 0, tau = 0;
  double sideLimit = 0;  ///< material is followed this far to either side (the foramina's outer ends)
  double pastLimit = 0;  ///< ... and this far beyond the line (the canal's back wall)
  double partialVolumeMm = 1;          ///< bone blurs this far: half the CT's coarsest spacing, at least 1 mm
  std::vector<std::uint8_t> nearBone;  ///< within partialVolumeMm of bone: never disc material
};

/// Along +y from sample (i, j, k) of a bright structure (a body's wall, disc material): where the
/// value falls to halfway between its peak (within 2 mm in front) and what lies behind it (the
/// lowest within 5 mm), interpolated, within 3 mm. A fixed threshold puts a blurred edge too far out
/// (bone) or cuts a blurred tip short (disc material); the half maximum does neither.
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

/// A body's posterior edge at height z: the walk from the disc's middle back through the body runs
/// until it stays below edgeHu for 1 mm (the canal), then back to the last bone sample (the
/// posterior wall; the ligament behind it is not bone), whose half-maximum edge it is. The median over the central 8 mm (no
/// pedicle lies there); NaN when the walk never reaches the canal.
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

/// Median of the block over a box (mm).
double boxMedian(const DiscBlock& b, double x0, double x1, double y0, double y1, double z0, double z1) {
  std::vector<double> v;
  for (int k = b.kOf(z0); k <= b.kOf(z1); ++k)
    for (int j = b.jOf(y0); j <= b.jOf(y1); ++j)
      for (int i = b.iOf(x0); i <= b.iOf(x1); ++i) v.push_back(b.at(i, j, k));
  return median(v);
}

/// Floods from the voxels on `stack` (already marked in `seen`) through neighbours accept(index)
/// allows, marking them; returns every voxel reached.
template <typename Accept>
std::vector<size_t> flood(const DiscBlock& b, std::vector<size_t> stack, std::vector<std::uint8_t>& seen, Accept accept) {
  std::vector<size_t> reached = stack;
  while (!stack.empty()) {
    const size_t idx = stack.back();
    stack.pop_back();
    b.forEachNeighbour(idx, [&](size_t m) {
      if (!seen[m] && accept(m)) seen[m] = 1, stack.push_back(m), reached.push_back(m);
    });
  }
  return reached;
}

/// Disc-dense voxels (tau to boneHu) grown from the disc's posterior margin inside the disc space,
/// kept where they lie beyond the line (1 mm beyond it outside the disc space, away from the
/// bodies' partial volume).
std::vector<std::uint8_t> materialBeyondLine(const DiscContext& c, const HerniationParams& p) {
  const DiscBlock& b = c.block;
  auto dense = [&](size_t idx) {
    int i, j, k;
    b.coordsOf(idx, i, j, k);
    const float v = b.at(i, j, k);
    const double past = b.v(j) - c.line.at(b.w(k));
    return v >= c.tau && !c.nearBone[idx] && past > -2 && past < c.pastLimit && std::abs(b.u(i)) <= c.sideLimit &&
           std::abs(b.w(k)) <= c.halfHeight + p.reachMm;
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

/// 6-connected groups of the set voxels of a mask.
std::vector<std::vector<size_t>> components(const std::vector<std::uint8_t>& mask, const DiscBlock& b) {
  std::vector<std::vector<size_t>> out;
  std::vector<std::uint8_t> seen(mask.size(), 0);
  for (size_t start = 0; start < mask.size(); ++start)
    if (mask[start] && !seen[start]) {
      seen[start] = 1;
      out.push_back(flood(b, {start}, seen, [&](size_t m) { return mask[m] != 0; }));
    }
  return out;
}

/// Bone-bounded distances measured at the heights of the bodies next to the disc (mm, in the disc's
/// frame): the body's lateral edges, the pedicles' medial and lateral walls, the canal's depth.
struct Walls {
  double bodyLeft = kNaN, bodyRight = kNaN;  ///< outermost bone at the disc's middle depth
  double canalHalf = kNaN;                   ///< pedicle medial wall: half the bony canal's width
  double pedicleOuter = kNaN;                ///< pedicle lateral wall
  double canalCentre = 0;                    ///< x of the middle between the pedicles
  double canalDepth = kNaN;                  ///< posterior line to the lamina, in the midline
};

/// |x| of the first sample from x = from in direction dir (+1/-1), within `reach` mm, on row (j, k),
/// where bone(value) becomes `want`; NaN when it never does inside the block.
template <typename IsBone>
double walkX(const DiscBlock& b, int j, int k, double from, int dir, double reach, bool want, IsBone bone) {
  const int steps = int(reach / kStep);
  for (int s = 0, i = b.iOf(from); s <= steps && i >= 0 && i < b.nx(); ++s, i += dir)
    if (bone(b.at(i, j, k)) == want) return std::abs(b.u(i));
  return kNaN;
}

Walls measureWalls(const DiscContext& c, const HerniationParams& p) {
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
  w.bodyLeft = med(left), w.bodyRight = med(right), w.canalHalf = half.empty() ? kNaN : *std::min_element(half.begin(), half.end());
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
double surroundHu(const DiscContext& c) {
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
/// behind).
double discValue(const DiscContext& c, double back) {
  const DiscBlock& b = c.block;
  std::vector<double> v;
  for (int k = b.kOf(-c.halfHeight); k <= b.kOf(c.halfHeight); ++k)
    for (int j = b.jOf(back - 10); j <= b.jOf(back - 1); ++j)
      for (int i = b.iOf(-10); i <= b.iOf(10); ++i)
        if (!c.nearBone[b.index(i, j, k)]) v.push_back(b.at(i, j, k));
  return v.size() >= 40 ? median(v) : boxMedian(b, -8, 8, -6, 6, -c.halfHeight / 2, c.halfHeight / 2);
}

/// The line, the walls, the disc's and its surroundings' values and the threshold between them; a
/// reason instead when the disc cannot be judged.
std::string prepare(DiscContext& c, Walls& walls, const HerniationParams& p) {
  const DiscBlock& b = c.block;
  const double slab = c.halfHeight + p.lineSlabMm;
  c.line = {slab, bodyEdge(b, slab, p.edgeHu, p.boneHu), -slab, bodyEdge(b, -slab, p.edgeHu, p.boneHu)};
  if (std::isnan(c.line.yUp) || std::isnan(c.line.yLow)) return "the posterior edge of a body next to it was not found";
  walls = measureWalls(c, p);
  const double bodyHalf = (walls.bodyLeft + walls.bodyRight) / 2;  // without pedicles: about where the body ends
  c.sideLimit = !std::isnan(walls.pedicleOuter) ? walls.pedicleOuter + 1 : !std::isnan(bodyHalf) ? bodyHalf : 22;
  c.pastLimit = !std::isnan(walls.canalDepth) ? walls.canalDepth - 1 : 18;
  c.nearBone = nearBone(b, p.boneHu, c.partialVolumeMm);
  const double back = c.line.at(0);  // the posterior annulus: what herniated material looks like
  c.discHu = discValue(c, back);
  c.canalHu = std::min(boxMedian(b, -4, 4, c.line.yUp + 3, c.line.yUp + 8, slab, slab),
                       boxMedian(b, -4, 4, c.line.yLow + 3, c.line.yLow + 8, -slab, -slab));
  if (c.discHu < p.discMinHu || c.discHu > p.discMaxHu)
    return "its samples read " + oneDecimal(c.discHu) + " HU, not disc: the disc is not where its segment says";
  const double surround = std::max(c.canalHu, surroundHu(c));
  c.tau = (c.discHu + surround) / 2;
  if (c.discHu - surround < p.minContrastHu)
    return "disc (" + oneDecimal(c.discHu) + " HU) and the tissue around it (" + oneDecimal(surround) + " HU) differ too little";
  return "";
}

/// One piece of disc material beyond the line, measured.
struct Material {
  double reach = 0;      ///< farthest voxel beyond the line, mm (at the detection threshold)
  double depth = 0;      ///< farthest half-maximum edge beyond the line, mm: the reported depth
  double baseWidth = 0;  ///< side to side where it leaves the disc space (0.5-1.5 mm beyond the line)
  double width = 0;      ///< side to side, all of it
  double up = 0, down = 0;  ///< how far it reaches above / below the disc space
  double volume = 0;     ///< mm3
  double hu = 0;         ///< median value of its voxels
  Vec3 apex{0, 0, 0};    ///< disc frame (x, y, z)
  double centreX = 0;    ///< side to side middle of its deepest millimetre: where it points
};

Material measure(const std::vector<size_t>& voxels, const DiscContext& c) {
  const DiscBlock& b = c.block;
  Material m;
  m.volume = double(voxels.size()) * kStep * kStep * kStep;
  std::vector<double> values;
  double xMin = 1e9, xMax = -1e9, bMin = 1e9, bMax = -1e9;
  for (size_t idx : voxels) {
    int i, j, k;
    b.coordsOf(idx, i, j, k);
    const double x = b.u(i), z = b.w(k), past = b.v(j) - c.line.at(z) + kStep / 2;
    m.reach = std::max(m.reach, past);
    values.push_back(b.at(i, j, k));
    xMin = std::min(xMin, x), xMax = std::max(xMax, x);
    if (past <= 1.5 + kStep / 2 && std::abs(z) <= c.halfHeight) bMin = std::min(bMin, x), bMax = std::max(bMax, x);
    m.up = std::max(m.up, z - c.halfHeight), m.down = std::max(m.down, -z - c.halfHeight);
  }
  m.width = xMax - xMin + kStep;
  m.hu = median(values);
  m.baseWidth = bMax >= bMin ? bMax - bMin + kStep : 0;
  double xSum = 0, n = 0;
  for (size_t idx : voxels) {  // the apex: the deepest half-maximum edge among the voxels near the deepest
    int i, j, k;
    b.coordsOf(idx, i, j, k);
    const double z = b.w(k);
    if (b.v(j) - c.line.at(z) + kStep / 2 < m.reach - 1.0) continue;
    xSum += b.u(i), n += 1;
    const double edge = halfMaximumEdge(b, i, j, k);
    if (edge - c.line.at(z) > m.depth) m.depth = edge - c.line.at(z), m.apex = {b.u(i), edge, z};
  }
  m.centreX = xSum / n;
  return m;
}

struct Classified {
  std::string type, position, side;
};

/// MSU/NASS terms (Fardon et al., Spine J 2014): an extrusion is deeper than its base is wide or
/// reaches beyond the disc space above or below; shallow material across half the disc or more is a
/// bulge, not a herniation. Zones by the middle of its deepest part: central within a third of the bony canal's half
/// width, paracentral to the pedicle's medial wall, foraminal to its lateral wall, extraforaminal
/// beyond.
Classified classify(const Material& m, const Walls& w, const HerniationParams& p) {
  Classified c;
  const double discWidth = w.bodyLeft + w.bodyRight;
  if (m.depth < p.probableDepthMm && !std::isnan(discWidth) && m.width >= p.bulgeWidthFraction * discWidth)
    c.type = "bulge";
  else if (m.depth > m.baseWidth || std::max(m.up, m.down) >= 3.0)
    c.type = "extrusion";
  else
    c.type = "protrusion";
  const double x = std::abs(m.centreX - w.canalCentre);
  if (std::isnan(w.canalHalf)) c.position = "undetermined";
  else if (x <= w.canalHalf / 3) c.position = "central";
  else if (x <= w.canalHalf) c.position = "paracentral";
  else if (std::isnan(w.pedicleOuter) || x <= w.pedicleOuter) c.position = "foraminal";
  else c.position = "extraforaminal";
  c.side = c.position == "central" ? "midline" : (m.centreX > w.canalCentre ? "left" : "right");
  return c;
}

std::string migrationWords(const Material& m) {
  if (std::max(m.up, m.down) < 1.0) return "";
  return m.down >= m.up ? ", " + oneDecimal(m.down) + " mm below the disc space" : ", " + oneDecimal(m.up) + " mm above the disc space";
}

Finding materialFinding(const LevelEntry& disc, const Material& m, const Classified& k, const DiscContext& c, const Walls& w,
                        const HerniationParams& p) {
  Finding f;
  const bool bulge = k.type == "bulge";
  f.kind = bulge ? "disc-bulge" : "herniation";
  f.levels = {disc.name};
  f.certainty = !bulge && m.depth >= p.probableDepthMm ? "probable" : "possible";
  f.evidenceLabel = disc.label;
  const discs::DiscFrame& fr = c.block.frame();
  f.evidencePoints = {fr.world(m.apex[0], m.apex[1], m.apex[2]), fr.world(m.apex[0], c.line.at(0), 0)};
  const std::string line = "the posterior vertebral line (the bodies' posterior edges above and below)";
  f.measurements = {{"depth", m.depth, "mm", "farthest half-maximum edge of disc-dense material (grown at >= " + oneDecimal(c.tau) + " HU) beyond " + line},
                    {"base_width", m.baseWidth, "mm", "side to side where it leaves the disc space, 0.5-1.5 mm beyond the line"},
                    {"width", m.width, "mm", "side to side, all of the material beyond the line"},
                    {"volume", m.volume, "mm3", "disc-dense voxels beyond the line, connected to the disc"}};
  if (std::max(m.up, m.down) >= 1.0)
    f.measurements.push_back({"migration", std::max(m.up, m.down), "mm", "reach above or below the disc space"});
  std::string canal;
  if (!std::isnan(w.canalDepth)) {
    const double taken = 100 * std::min(1.0, m.depth / w.canalDepth);
    f.measurements.push_back({"canal_depth", w.canalDepth, "mm", "posterior line to the lamina in the midline, next to the disc"});
    f.measurements.push_back({"canal_depth_taken", taken, "%", "depth over the canal's depth"});
    if (!bulge) canal = ", " + oneDecimal(taken) + " % of the canal's depth";
  }
  f.details = {{"type", k.type}, {"position", k.position}, {"side", k.side},
               {"migration", m.down >= 1.0 && m.down >= m.up ? "caudal" : m.up >= 1.0 ? "cranial" : "none"},
               {"disc_hu", c.discHu}, {"material_hu", m.hu}, {"canal_hu", c.canalHu}, {"threshold_hu", c.tau}};
  const std::string where = k.position == "central" ? "central" : k.side + " " + k.position;
  f.summary = bulge ? disc.name + ": disc bulge, " + oneDecimal(m.width) + " mm wide, " + oneDecimal(m.depth) +
                          " mm beyond the posterior vertebral line: possible."
                    : disc.name + ": " + where + " " + k.type + ", " + oneDecimal(m.depth) +
                          " mm beyond the posterior vertebral line (base " + oneDecimal(m.baseWidth) + " mm" +
                          migrationWords(m) + ")" + canal + ": " + f.certainty + ".";
  return f;
}

Finding notAssessed(const LevelEntry& disc, const std::string& why) {
  return spine::notAssessed(disc.name, disc.label, disc.centroid, "herniation", why);
}

/// Volume of metal in the block (0 when none).
double metalMm3(const DiscBlock& b, double metalHu) {
  size_t n = 0;
  for (int k = 0; k < b.nz(); ++k)
    for (int j = 0; j < b.ny(); ++j)
      for (int i = 0; i < b.nx(); ++i) n += b.at(i, j, k) >= metalHu;
  return double(n) * kStep * kStep * kStep;
}

/// Every finding of one disc: the deepest material beyond the line that is worth reporting, or why
/// the disc could not be judged.
std::vector<Finding> judgeDisc(const CtImage& ct, const discs::DiscFrame& frame, const LevelEntry& disc,
                               const HerniationParams& p) {
  const double halfHeight = std::clamp(frame.halfHeight > 0 ? frame.halfHeight : disc.heightMm / 2, 2.0, 10.0);
  const DiscBlock block(ct, frame, 30, -6, 42, halfHeight + std::max(p.reachMm, p.lineSlabMm + 6) + 1);
  const auto spacing = ct.GetSpacing();
  const double blur = std::max(1.0, 0.5 * std::max({spacing[0], spacing[1], spacing[2]}));
  DiscContext c{block, {}, halfHeight, 0, 0, 0, 0, 0, blur, {}};
  if (const double metal = metalMm3(block, p.metalHu); metal > 0)
    return {notAssessed(disc, "metal near it (" + std::to_string(long(std::lround(metal))) + " mm3 at " +
                                  std::to_string(long(p.metalHu)) + " HU or more): its streaks make disc and canal unreadable on CT")};
  Walls walls;
  if (const std::string why = prepare(c, walls, p); !why.empty()) return {notAssessed(disc, why)};
  std::vector<Material> found;
  for (const std::vector<size_t>& voxels : components(materialBeyondLine(c, p), block)) {
    if (double(voxels.size()) * kStep * kStep * kStep < p.minVolumeMm3) continue;
    const Material m = measure(voxels, c);
    if (m.depth >= p.reportDepthMm && m.hu >= c.tau + p.materialFraction * (c.discHu - c.tau)) found.push_back(m);
  }
  if (found.empty()) return {};
  const Material& worst = *std::max_element(found.begin(), found.end(), [](const Material& a, const Material& b) { return a.depth < b.depth; });
  return {materialFinding(disc, worst, classify(worst, walls, p), c, walls, p)};
}

/// The study-level finding when two or more discs are herniated: all levels, the most severe first
/// in words (the deepest).
Finding multiLevel(const std::vector<const Finding*>& herniated) {
  auto depth = [](const Finding* f) {
    for (const Measurement& m : f->measurements)
      if (m.name == "depth") return m.value;
    return 0.0;
  };
  const Finding* worst = *std::max_element(herniated.begin(), herniated.end(),
                                           [&](const Finding* a, const Finding* b) { return depth(a) < depth(b); });
  Finding f;
  f.kind = "multi-level-herniation";
  std::string names;
  bool probable = true;
  for (const Finding* h : herniated) {
    f.levels.push_back(h->levels.front());
    names += (names.empty() ? "" : ", ") + h->levels.front();
    probable = probable && h->certainty == "probable";
  }
  f.certainty = probable ? "probable" : "possible";
  f.details = {{"most_severe", worst->levels.front()}, {"count", herniated.size()}};
  f.measurements = {{"deepest", depth(worst), "mm", "depth of the most severe herniation"}};
  f.summary = "Herniation at " + std::to_string(herniated.size()) + " levels (" + names + "); most severe " +
              worst->levels.front() + " (" + worst->details.value("type", std::string()) + ", " + oneDecimal(depth(worst)) +
              " mm). Treating one level leaves the others.";
  return f;
}

}  // namespace

std::vector<Finding> HerniationDetector::detect(const DetectorInput& input) const {
  std::vector<Finding> out;
  if (!input.levels || !input.levels->labels || !input.volume.ct) return out;
  const LevelTable& t = *input.levels;
  std::vector<bool> valid;
  const std::vector<discs::DiscFrame> frames = discs::discFrames(t, valid);
  std::vector<std::vector<Finding>> perDisc(t.discs.size());
  parallelFor(unsigned(t.discs.size()), 2, [&](unsigned i) {
    perDisc[i] = valid[i] ? judgeDisc(*input.volume.ct, frames[i], t.discs[i], m_params)
                          : std::vector<Finding>{notAssessed(t.discs[i], "its segment holds too few voxels to place the disc")};
  });
  for (std::vector<Finding>& fs : perDisc)
    for (Finding& f : fs) out.push_back(std::move(f));
  std::vector<const Finding*> herniated;
  for (const Finding& f : out)
    if (f.kind == "herniation") herniated.push_back(&f);
  if (herniated.size() >= 2) out.push_back(multiLevel(herniated));
  for (Finding& f : out) f.detector = name();
  return out;
}

}  // namespace spine
