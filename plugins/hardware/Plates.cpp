#include "Plates.h"

#include <algorithm>
#include <limits>
#include <optional>

namespace spine::hardware {

namespace {

/// A plate is a sheet along the column on the bodies' surface: its long axis runs head-foot; across
/// the direction from the bodies' axis to the object's centroid (the sheet's normal), at
/// least `plateSheetFraction` of its metal lies in one slab `plateSheetMm` thick (its body screws,
/// running along the normal, are the rest), and that slab's metal is `plateMinWidthMm` wide or more
/// (5-95 % extent; a screw's cross-section is 5-7 mm). It lies in front of the bodies or beside
/// them, within `plateMaxOffsetMm` of the bodies' axis: posterior rods and screw heads can lie in
/// one coronal slab too. The normal, or nothing when not a plate. (Measured from the nearest
/// vertebra's centroid across the object's own axis, the front of a 73 mm rod from T10 to L2 read as
/// a lateral plate once T11's centroid moved 1 mm forward.)
std::optional<Vec3> plateNormal(const MetalGrid& g, const std::vector<long>& voxels, const MetalObject& o, const Levels& levels,
                                const HardwareParams& p) {
  const LevelEntry* v = levels.nearestVertebra(o.centroid);
  if (!v || std::abs(o.axis[2]) < 0.7 || o.length < p.plateMinLengthMm) return std::nullopt;
  Vec3 axisAt = v->centroid;
  levels.columnBeside(o.centroid, axisAt);
  const Vec3 out = sub(o.centroid, axisAt), offAxis = axpy(out, -dot(out, o.axis), o.axis);
  if (norm(offAxis) < 5) return std::nullopt;  // centred on the body: not on its surface
  const Vec3 n = normalized(offAxis), across = cross(o.axis, n);
  if (n[1] >= 0.5 || norm(offAxis) > p.plateMaxOffsetMm) return std::nullopt;  // posterior instrumentation, or off the bodies
  std::vector<std::pair<double, double>> at;  // (along the normal, across the column)
  at.reserve(voxels.size());
  for (long f : voxels) {
    const Vec3 d = sub(g.point(f), o.centroid);
    at.emplace_back(dot(d, n), dot(d, across));
  }
  std::sort(at.begin(), at.end());
  size_t best = 0, bestStart = 0;
  for (size_t a = 0, b = 0; a < at.size(); ++a) {
    while (b < at.size() && at[b].first - at[a].first <= p.plateSheetMm) ++b;
    if (b - a > best) best = b - a, bestStart = a;
  }
  if (double(best) < p.plateSheetFraction * double(at.size())) return std::nullopt;
  std::vector<double> width;
  for (size_t i = bestStart; i < bestStart + best; ++i) width.push_back(at[i].second);
  std::sort(width.begin(), width.end());
  if (width[width.size() * 95 / 100] - width[width.size() * 5 / 100] < p.plateMinWidthMm) return std::nullopt;
  return n;
}

/// The metal at an object's front, slice by slice (within `plateSheetMm` of its most anterior voxel
/// in each axial slice), its largest connected piece: a plate whose body screws touch other metal
/// (pedicle screws' tips inside the body) is one object with them, and its sheet is this piece.
std::vector<long> frontSheet(MetalGrid& g, const std::vector<long>& voxels, const HardwareParams& p) {
  std::vector<double> front(size_t(g.n[g.superiorAxis]), std::numeric_limits<double>::max()), y(voxels.size());
  for (size_t i = 0; i < voxels.size(); ++i) {
    y[i] = g.point(voxels[i])[1];  // LPS: anterior is -y
    double& f = front[size_t(g.superiorIndex(voxels[i]))];
    f = std::min(f, y[i]);
  }
  for (size_t i = 0; i < voxels.size(); ++i)
    if (y[i] <= front[size_t(g.superiorIndex(voxels[i]))] + p.plateSheetMm) g.mask[size_t(voxels[i])] = kApart;
  std::vector<std::vector<long>> pieces = components(g, kApart);
  for (long v : voxels) g.mask[size_t(v)] = kMetal;
  std::vector<long> largest;
  for (std::vector<long>& piece : pieces)
    if (piece.size() > largest.size()) largest = std::move(piece);
  return largest;
}

/// The pieces of an object, once its front sheet is taken out, that touch the sheet and are no
/// longer than `plateScrewMaxMm`: the plate's own body screws (a pedicle screw whose tip touches
/// them reaches 60 mm or more back with them, and stays).
std::vector<long> bodyScrewsOf(MetalGrid& g, const std::vector<long>& voxels, const std::vector<long>& sheet,
                               const HardwareParams& p) {
  for (long v : voxels) g.mask[size_t(v)] = kApart;
  for (long v : sheet) g.mask[size_t(v)] = kSheet;
  std::vector<long> screws;
  for (const std::vector<long>& piece : components(g, kApart)) {
    bool touches = false;
    for (long v : piece) g.forNeighbours(v, [&](long w) { touches |= g.mask[size_t(w)] == kSheet; });
    if (touches && describe(g, piece, false).length <= p.plateScrewMaxMm) screws.insert(screws.end(), piece.begin(), piece.end());
  }
  for (long v : voxels) g.mask[size_t(v)] = kMetal;
  return screws;
}

}  // namespace

std::vector<Plate> takePlates(MetalGrid& g, const Levels& levels, const HardwareParams& p) {
  std::vector<Plate> plates;
  if (!levels.table) return plates;
  auto takeOut = [&](const std::vector<long>& voxels) {
    for (long v : voxels) g.mask[size_t(v)] = 0;
  };
  for (const std::vector<long>& voxels : components(g, kMetal)) {
    MetalObject o = describe(g, voxels, false);
    if (const auto normal = plateNormal(g, voxels, o, levels, p)) {
      plates.push_back({std::move(o), *normal, true});
      takeOut(voxels);
      continue;
    }
    if (o.length < p.plateMinLengthMm) continue;
    const std::vector<long> sheet = frontSheet(g, voxels, p);
    if (sheet.empty() || sheet.size() == voxels.size()) continue;
    MetalObject s = describe(g, sheet, false);
    if (const auto normal = plateNormal(g, sheet, s, levels, p)) {
      takeOut(bodyScrewsOf(g, voxels, sheet, p));
      takeOut(sheet);
      plates.push_back({std::move(s), *normal, false});
    }
  }
  if (!plates.empty())
    g.metal.erase(std::remove_if(g.metal.begin(), g.metal.end(), [&](long v) { return g.mask[size_t(v)] == 0; }), g.metal.end());
  return plates;
}

}  // namespace spine::hardware
