// segmentSpineCt: centreline -> discs -> vertebra slabs -> geodesic growth through bone from each
// body (so a lamina joins the body its pedicles join, not the neighbour it touches at a facet),
// ribs beyond a lateral distance, discs between the endplate footprints, features for numbering.
#include "spine/SpineSegmentation.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include <itkOrientImageFilter.h>

#include "SpineCtParts.h"
#include "spine/ImageRegion.h"
#include "spine/Parallel.h"

namespace spine {

namespace {

using MaskImage = itk::Image<std::uint8_t, 3>;
constexpr std::uint16_t kDiscId = 1000, kRibId = 2000;
constexpr double kSacrumAboveDiscMm = 25;  ///< the sacrum's highest bone above L5-S1's centre (GrowthLimits)
constexpr double kAtlasHeightMm = 15;  ///< an adult atlas's lateral mass, C1-C2 joint to the occipital condyle

struct Slab {  ///< one vertebra between two planes (point, normal pointing cranially)
  Vec3 lowerPoint, lowerNormal, upperPoint, upperNormal;
  bool cutBottom = false, cutTop = false;
  Vec3 centre() const { return scale(add(lowerPoint, upperPoint), 0.5); }
  Vec3 axis() const { return normalized(sub(upperPoint, lowerPoint)); }
  bool inside(const Vec3& p, double margin) const { return inside(p, margin, margin); }
  /// Inside, at least `below` mm above the lower plane and `above` mm under the upper one.
  bool inside(const Vec3& p, double below, double above) const {
    return dot(sub(p, lowerPoint), lowerNormal) > below && dot(sub(p, upperPoint), upperNormal) < -above;
  }
};

/// Calls fn(index) for every voxel of img in the box of half-side `reach` mm around c, clipped to
/// the image (slices slowest).
template <typename Fn>
void forEachVoxelAround(const itk::ImageBase<3>& img, const Vec3& c, double reach, Fn fn) {
  itk::Index<3> lo, hi;
  ct::toIndex(img, axpy(c, -reach, Vec3{1, 1, 1}), lo);
  ct::toIndex(img, axpy(c, reach, Vec3{1, 1, 1}), hi);
  const auto size = img.GetLargestPossibleRegion().GetSize();
  for (long k = std::max(0L, std::min(lo[2], hi[2])); k <= std::min(long(size[2]) - 1, std::max(lo[2], hi[2])); ++k)
    for (long j = std::max(0L, std::min(lo[1], hi[1])); j <= std::min(long(size[1]) - 1, std::max(lo[1], hi[1])); ++j)
      for (long i = std::max(0L, std::min(lo[0], hi[0])); i <= std::min(long(size[0]) - 1, std::max(lo[0], hi[0])); ++i)
        fn(itk::Index<3>{{i, j, k}});
}

Vec3 pointOf(const itk::ImageBase<3>& img, const itk::Index<3>& idx) {
  itk::Point<double, 3> pt;
  img.TransformIndexToPhysicalPoint(idx, pt);
  return {pt[0], pt[1], pt[2]};
}

/// Which of a footprint's 16 directions (bodyFootprint) the in-plane offset (x, y) lies in.
size_t footprintSector(double x, double y) {
  const double th = std::atan2(y, x);
  return size_t(std::lround((th < 0 ? th + 2 * M_PI : th) / (2 * M_PI) * 16)) % 16;
}

std::vector<Slab> slabsFrom(const std::vector<Vec3>& line, const std::vector<ct::DiscCandidate>& discs) {
  std::vector<Slab> out;  // caudal to cranial
  // A cut end's plane faces along the column over 20 mm: the line's last few mm wobble (the real 3 mm
  // CT's bent 27 degrees sideways, and the sacrum grown along it took 1700 voxels of ilium).
  Vec3 lowP = line.front(), lowN = ct::tangentAt(line, 0, 20);
  bool cut = true;
  for (size_t i = 0; i <= discs.size(); ++i) {
    Slab s;
    s.lowerPoint = lowP, s.lowerNormal = lowN, s.cutBottom = cut;
    if (i < discs.size()) {
      s.upperPoint = discs[i].centre, s.upperNormal = discs[i].normal;
      lowP = discs[i].centre, lowN = discs[i].normal, cut = false;
    } else {
      s.upperPoint = line.back(), s.upperNormal = ct::tangentAt(line, line.size() - 1, 20), s.cutTop = true;
    }
    if (distance(s.lowerPoint, s.upperPoint) > 4) out.push_back(s);
  }
  return out;
}

/// The slabs as the growth and the rib count see them: the centreline stops short of the field's
/// edge (its ends are trimmed), so a vertebra cut by the edge would otherwise seed only its part
/// below the line's end, and a neighbour would grow into the rest of it and take its ribs (a small
/// lumbar field lost its T12 ribs to L1 that way and every name moved by one).
std::vector<Slab> reachingFieldEdges(std::vector<Slab> slabs) {
  const double beyond = 30;
  for (Slab& s : slabs) {
    if (s.cutTop) s.upperPoint = axpy(s.upperPoint, beyond, s.upperNormal);
    if (s.cutBottom) s.lowerPoint = axpy(s.lowerPoint, -beyond, s.lowerNormal);
  }
  return slabs;
}

/// How far bone connected to the body under slab s's upper disc reaches below that disc, near the
/// column (30 mm to each side, 25 mm in front of and 45 mm behind its axis, at most 90 mm down).
/// The sacrum bends back where a centreline through faint bone stops (the real 3 mm CT's stopped
/// 18 mm below L5-S1; its sacrum goes on for 90 mm), so the lowest slab's height alone misses it.
double boneReachBelow(const MaskImage& bone, const Slab& s) {
  const Vec3 top = s.upperPoint, down = scale(s.upperNormal, -1);
  const Vec3 back = normalized(axpy({0, 1, 0}, -dot({0, 1, 0}, down), down)), side = cross(down, back);
  auto within = [&](const Vec3& q, double& depth) {
    const Vec3 r = sub(q, top);
    depth = dot(r, down);
    const double ap = dot(r, back);
    return depth >= 0 && depth <= 90 && std::abs(dot(r, side)) <= 30 && ap >= -25 && ap <= 45;
  };
  std::vector<Vec3> corners;
  for (double d : {0.0, 90.0})
    for (double x : {-30.0, 30.0})
      for (double y : {-25.0, 45.0}) corners.push_back(axpy(axpy(axpy(top, d, down), x, side), y, back));
  const itk::ImageRegion<3> box = regionAround(bone, corners, 0);
  const itk::Index<3> lo = box.GetIndex();
  const long bx = long(box.GetSize(0)), by = long(box.GetSize(1));
  std::vector<std::uint8_t> seen(box.GetNumberOfPixels(), 0);
  auto local = [&](const itk::Index<3>& i) { return size_t(((i[2] - lo[2]) * by + (i[1] - lo[1])) * bx + (i[0] - lo[0])); };
  std::vector<itk::Index<3>> stack;
  // Seeds: bone within 10 mm of the body's middle just under the disc.
  forEachVoxelAround(bone, axpy(top, 8, down), 10, [&](const itk::Index<3>& i) {
    double depth;
    if (!box.IsInside(i)) return;
    if (bone.GetPixel(i) && within(pointOf(bone, i), depth) && !seen[local(i)]) seen[local(i)] = 1, stack.push_back(i);
  });
  double reach = 0;
  while (!stack.empty()) {
    const itk::Index<3> i = stack.back();
    stack.pop_back();
    for (int a = 0; a < 3; ++a)
      for (int step : {-1, 1}) {
        itk::Index<3> n = i;
        n[a] += step;
        double depth;
        if (!box.IsInside(n) || seen[local(n)] || !bone.GetPixel(n) || !within(pointOf(bone, n), depth)) continue;
        seen[local(n)] = 1, reach = std::max(reach, depth), stack.push_back(n);
      }
  }
  return reach;
}

/// Left-right distance from a body's axis (ribs leave sideways; spinous processes reach as far
/// backwards, so a radial distance would call them ribs).
double lateralDistance(const Vec3& p, const Vec3& c, const Vec3& axis) {
  Vec3 u = normalized(axpy(Vec3{1, 0, 0}, -axis[0], axis));
  return std::abs(dot(sub(p, c), u));
}

/// How far each segment may grow: sideways from its axis, and upwards past its upper disc's centre
/// (the sacrum's superior articular processes and alae rise 8-22 mm above L5-S1 on the phantoms,
/// 16 mm on the real 3 mm CT; the iliac wings joined to it go on to the crests, 60 mm up). Upwards is
/// along the whole column: L5-S1's normal and L5's axis lean back with the lumbosacral angle, and
/// the wings lie 20-50 mm in front of the disc.
struct GrowthLimits {
  std::vector<double> lateralMm, aboveUpperDiscMm;
  Vec3 up{0, 0, 1};  ///< the column's direction, from its lowest point to its highest
};

/// Lateral distance of q from the axis of the slab nearest to it along the column.
double lateralFromColumn(const std::vector<Slab>& slabs, const Vec3& q) {
  size_t best = 0;
  double bestAlong = 1e18;
  for (size_t s = 0; s < slabs.size(); ++s) {
    const double along = std::abs(dot(sub(q, slabs[s].centre()), slabs[s].axis()));
    if (along < bestAlong) bestAlong = along, best = s;
  }
  return lateralDistance(q, slabs[best].centre(), slabs[best].axis());
}

/// The bone mask without the iliac wings: bone beyond `lateralMm` from the column that is joined,
/// through such bone, to the bone beside the sacrum (slab 0). The sacrum stops at `lateralMm` (its
/// alae meet the wings there), but a lumbar transverse process that touches an iliac crest (the
/// concave side of a lumbar curve; a scoliosis phantom's L3 at 14 mm from the midline) let its
/// vertebra grow into the whole wing, which counted as that vertebra's ribs (18 cm3 reaching
/// 81 mm sideways and 47 mm down): the last rib-bearing vertebra read as L3 and every name moved.
MaskImage::Pointer withoutIliacWings(const MaskImage& bone, const std::vector<Slab>& slabs, double lateralMm) {
  auto out = MaskImage::New();
  out->CopyInformation(&bone);
  out->SetRegions(bone.GetLargestPossibleRegion());
  out->Allocate();
  const auto size = bone.GetLargestPossibleRegion().GetSize();
  const size_t nx = size[0], ny = size[1], n = bone.GetPixelContainer()->Size();
  std::copy(bone.GetBufferPointer(), bone.GetBufferPointer() + n, out->GetBufferPointer());
  std::uint8_t* m = out->GetBufferPointer();
  std::vector<size_t> stack;
  std::vector<std::uint8_t> near(n, 0);  // bone already found within lateralMm of the column
  auto beside = [&](size_t idx) {
    if (near[idx]) return false;
    const itk::Index<3> at{{long(idx % nx), long(idx / nx % ny), long(idx / (nx * ny))}};
    near[idx] = lateralFromColumn(slabs, pointOf(bone, at)) <= lateralMm;
    return !near[idx];
  };
  const Slab& sacrum = slabs.front();
  forEachVoxelAround(bone, sacrum.centre(), distance(sacrum.lowerPoint, sacrum.upperPoint) / 2 + 150, [&](const itk::Index<3>& at) {
    const size_t idx = (size_t(at[2]) * ny + size_t(at[1])) * nx + size_t(at[0]);
    if (!m[idx]) return;
    const Vec3 q = pointOf(bone, at);
    if (sacrum.inside(q, 0) && lateralDistance(q, sacrum.centre(), sacrum.axis()) > lateralMm) m[idx] = 0, stack.push_back(idx);
  });
  while (!stack.empty()) {
    const size_t idx = stack.back();
    stack.pop_back();
    const long i = long(idx % nx), j = long(idx / nx % ny), k = long(idx / (nx * ny));
    for (long dz = -1; dz <= 1; ++dz)
      for (long dy = -1; dy <= 1; ++dy)
        for (long dx = -1; dx <= 1; ++dx) {
          const long a = i + dx, b = j + dy, c = k + dz;
          if (a < 0 || b < 0 || c < 0 || a >= long(nx) || b >= long(ny) || c >= long(size[2])) continue;
          const size_t next = (size_t(c) * ny + size_t(b)) * nx + size_t(a);
          if (m[next] && beside(next)) m[next] = 0, stack.push_back(next);
        }
  }
  return out;
}

/// Multi-source shortest paths through bone (Dial's buckets, 0.5 mm resolution): every bone voxel
/// reached within 90 mm goes to the nearest body; beyond ribLabelMm from its body's axis a voxel
/// becomes that body's rib (only where ribs are allowed; settleRibs takes back what was no rib).
void growFromBodies(const MaskImage& bone, LabelImage& owner, const std::vector<Slab>& slabs,
                    const std::vector<bool>& ribsAllowed, const GrowthLimits& limits, const SegmentationParams& p) {
  const auto size = bone.GetLargestPossibleRegion().GetSize();
  const auto sp = bone.GetSpacing();
  const size_t nx = size[0], ny = size[1], n = bone.GetPixelContainer()->Size();
  const int maxBucket = 180;
  std::vector<std::vector<size_t>> buckets(maxBucket + 64);
  std::vector<std::uint8_t> cost(n, 255);
  std::uint16_t* lab = owner.GetBufferPointer();
  const std::uint8_t* m = bone.GetBufferPointer();
  // Seeds: bone inside each slab within seedRadius of its axis (the body and the pedicle roots, so
  // each arch is reached from its own pedicles before a neighbour's facets can bridge into it).
  const double seedRadius = 22;
  auto tooHigh = [&](size_t s, const Vec3& q) { return dot(sub(q, slabs[s].upperPoint), limits.up) > limits.aboveUpperDiscMm[s]; };
  for (size_t s = 0; s < slabs.size(); ++s) {
    Vec3 c = slabs[s].centre(), a = slabs[s].axis();
    double reach = distance(slabs[s].lowerPoint, slabs[s].upperPoint) / 2 + 12;
    forEachVoxelAround(bone, c, reach, [&](const itk::Index<3>& at) {
      size_t idx = (size_t(at[2]) * ny + size_t(at[1])) * nx + size_t(at[0]);
      if (!m[idx] || cost[idx] == 0) return;
      Vec3 q = pointOf(bone, at);
      if (!slabs[s].inside(q, 1.0) || norm(axpy(sub(q, c), -dot(sub(q, c), a), a)) > seedRadius || tooHigh(s, q)) return;
      cost[idx] = 0, lab[idx] = std::uint16_t(s + 1);
      buckets[0].push_back(idx);
    });
  }
  int steps[26][3], stepCost[26], ns = 0;
  for (int dz = -1; dz <= 1; ++dz)
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        if (!dx && !dy && !dz) continue;
        steps[ns][0] = dx, steps[ns][1] = dy, steps[ns][2] = dz;
        stepCost[ns++] = std::max(1, int(std::lround(2 * std::sqrt(dx * dx * sp[0] * sp[0] + dy * dy * sp[1] * sp[1] + dz * dz * sp[2] * sp[2]))));
      }
  for (int b = 0; b <= maxBucket; ++b)
    for (size_t q = 0; q < buckets[size_t(b)].size(); ++q) {
      size_t idx = buckets[size_t(b)][q];
      if (cost[idx] != b) continue;
      std::uint16_t o = lab[idx];
      size_t s = (o >= kRibId ? o - kRibId : o) - 1;
      long i = long(idx % nx), j = long(idx / nx % ny), k = long(idx / (nx * ny));
      for (int t = 0; t < ns; ++t) {
        long a = i + steps[t][0], bb = j + steps[t][1], c = k + steps[t][2];
        if (a < 0 || bb < 0 || c < 0 || a >= long(nx) || bb >= long(ny) || c >= long(size[2])) continue;
        size_t nidx = (size_t(c) * ny + size_t(bb)) * nx + size_t(a);
        int nc = b + stepCost[t];
        if (!m[nidx] || nc >= cost[nidx] || nc > maxBucket) continue;
        itk::Point<double, 3> pt;
        bone.TransformIndexToPhysicalPoint({{a, bb, c}}, pt);
        const Vec3 q{pt[0], pt[1], pt[2]};
        double lat = lateralDistance(q, slabs[s].centre(), slabs[s].axis());
        std::uint16_t no = o;
        if (lat > limits.lateralMm[s] || tooHigh(s, q)) continue;
        if (o < kRibId && lat > p.ribLabelMm && ribsAllowed[s]) no = std::uint16_t(kRibId + s + 1);
        cost[nidx] = std::uint8_t(nc), lab[nidx] = no;
        buckets[size_t(nc)].push_back(nidx);
      }
    }
}

/// Body radius in 16 directions around the axis at the slab centre (first exit from bone met),
/// capped at 1.3x the median so rays running into the pedicles do not inflate it, and at least half
/// the median.
std::vector<double> bodyFootprint(const MaskImage& bone, const Slab& s) {
  Vec3 c = s.centre(), a = s.axis();
  Vec3 u = normalized(cross(a, Vec3{0, 1, 0})), v = cross(a, u);
  std::vector<double> r(16, 0);
  for (int t = 0; t < 16; ++t) {
    double th = 2 * M_PI * t / 16;
    Vec3 dir = add(scale(u, std::cos(th)), scale(v, std::sin(th)));
    double out = 0, gap = 0;
    bool met = false;  // an osteoporotic body may be a shell: the gap counts from bone met 4 mm out
    for (double d = 0; d < 45; d += 0.5) {
      itk::Index<3> idx;
      bool inBone = ct::toIndex(bone, axpy(c, d, dir), idx) && bone.GetPixel(idx);
      met |= inBone && d >= 4;
      gap = inBone ? 0 : gap + 0.5;
      if (inBone) out = d;
      if (met && gap > 1.5) break;
    }
    r[size_t(t)] = out;
  }
  std::vector<double> sorted = r;
  std::nth_element(sorted.begin(), sorted.begin() + 8, sorted.end());
  // A ray through a gap of a faint cortex, or stopped by a speck of noise, takes the median.
  for (double& x : r) x = x < 0.5 * sorted[8] ? sorted[8] : std::min(x, 1.3 * sorted[8]);
  return r;
}

/// First vertebra label met from p along dir within `reach` mm (0 when none).
std::uint16_t firstLabelAlong(const LabelImage& lab, const Vec3& p, const Vec3& dir, double reach) {
  for (double t = 0.7; t <= reach; t += 0.7) {
    itk::Index<3> idx;
    if (!ct::toIndex(lab, axpy(p, t, dir), idx)) return 0;
    std::uint16_t l = lab.GetPixel(idx);
    if (l && l < kDiscId) return l;
  }
  return 0;
}

/// A disc fills the space between the two bodies: a voxel inside the endplate footprints is disc
/// when, along the disc axis, the vertebra above is the first bone met upwards and the one below
/// the first met downwards (so the wedge follows both endplates, whatever their tilt). An id of 0
/// is the field's edge beyond a disc there: that side meets no vertebra, or the sliver of the next
/// one that the vertebra on the other side grew into.
void labelDisc(const CtImage& ct, LabelImage& lab, const ct::DiscCandidate& d, const std::vector<double>& lowerR,
               const std::vector<double>& upperR, std::uint16_t lowerId, std::uint16_t upperId, std::uint16_t id,
               std::size_t& voxels) {
  Vec3 n = d.normal, u = normalized(cross(n, Vec3{0, 1, 0})), v = cross(n, u);
  double rMax = 0;
  for (size_t t = 0; t < 16; ++t) rMax = std::max(rMax, (lowerR[t] + upperR[t]) / 2);
  const double half = d.heightMm / 2 + 6, reach = 14;
  std::vector<itk::Index<3>> claimed;
  forEachVoxelAround(ct, d.centre, rMax + half, [&](const itk::Index<3>& idx) {
    if (lab.GetPixel(idx) != 0 || ct.GetPixel(idx) > 400) return;
    Vec3 p = pointOf(ct, idx), q = sub(p, d.centre);
    if (std::abs(dot(q, n)) > half) return;
    double x = dot(q, u), y = dot(q, v);
    size_t t = footprintSector(x, y);
    if (std::hypot(x, y) > (lowerR[t] + upperR[t]) / 2) return;
    const std::uint16_t up = firstLabelAlong(lab, p, n, reach), down = firstLabelAlong(lab, p, scale(n, -1), reach);
    if (upperId ? up != upperId : up != 0 && up != lowerId) return;
    if (lowerId ? down != lowerId : down != 0 && down != upperId) return;
    claimed.push_back(idx);
  });
  for (const auto& idx : claimed) lab.SetPixel(idx, id);
  voxels = claimed.size();
}

/// Faint (osteopenic) marrow is not enclosed by a cortex that breaks into dots at the bone
/// threshold, so growth through bone labels a body's shell, not its inside. Within each slab (clear
/// of half of each disc's height) and within its body's footprint, unlabelled voxels of soft-tissue
/// to bone density join that body.
void fillFaintBodies(LabelImage& lab, const CtImage& ct, const std::vector<Slab>& slabs,
                     const std::vector<std::vector<double>>& footprints, const std::vector<ct::DiscCandidate>& discs) {
  for (size_t s = 0; s < slabs.size() && s <= discs.size(); ++s) {
    const Slab& slab = slabs[s];
    const Vec3 c = slab.centre(), a = slab.axis(), u = normalized(cross(a, Vec3{0, 1, 0})), v = cross(a, u);
    const double clearBelow = s > 0 ? discs[s - 1].heightMm / 2 : 0, clearAbove = s < discs.size() ? discs[s].heightMm / 2 : 0;
    const double rMax = *std::max_element(footprints[s].begin(), footprints[s].end());
    forEachVoxelAround(ct, c, distance(slab.lowerPoint, slab.upperPoint) / 2 + rMax, [&](const itk::Index<3>& idx) {
      const double hu = ct.GetPixel(idx);
      if (lab.GetPixel(idx) != 0 || hu < 40 || hu > 400) return;
      const Vec3 p = pointOf(ct, idx), q = sub(p, c);
      if (!slab.inside(p, clearBelow, clearAbove)) return;
      const double x = dot(q, u), y = dot(q, v);
      if (std::hypot(x, y) <= footprints[s][footprintSector(x, y)]) lab.SetPixel(idx, std::uint16_t(s + 1));
    });
  }
}

/// The discs between the column's end vertebrae and the field's edges (ct::discAtFieldEdge): none
/// above a column that ends at the skull base, none below a sacrum. An end slab with such a disc
/// ends at it, no longer cut by the field: its vertebra is whole in view.
struct EdgeDiscs {
  std::optional<ct::DiscCandidate> above, below;
};
EdgeDiscs closeAtFieldEdges(std::vector<Slab>& slabs, const CtImage& ct, const MaskImage& bone, const std::vector<Vec3>& line,
                            const std::vector<ct::DiscCandidate>& discs, double marrowHu, bool skullAbove, bool sacrumBelow,
                            const SegmentationParams& p) {
  EdgeDiscs e;
  if (!skullAbove && slabs.back().cutTop) e.above = ct::discAtFieldEdge(ct, bone, line, discs, marrowHu, true, p);
  if (!sacrumBelow && slabs.front().cutBottom) e.below = ct::discAtFieldEdge(ct, bone, line, discs, marrowHu, false, p);
  if (e.above) slabs.back().upperPoint = e.above->centre, slabs.back().upperNormal = e.above->normal, slabs.back().cutTop = false;
  if (e.below) slabs.front().lowerPoint = e.below->centre, slabs.front().lowerNormal = e.below->normal, slabs.front().cutBottom = false;
  return e;
}

/// Every disc, caudal to cranial (the one below the lowest vertebra first, the one above the top
/// vertebra last), labelled between its vertebrae; working ids 1000 + i in that order.
void labelDiscs(SpineSegmentation& out, const CtImage& ct, const std::vector<ct::DiscCandidate>& discs,
                const EdgeDiscs& edges, const std::vector<std::vector<double>>& footprints) {
  struct Between {
    const ct::DiscCandidate* disc;
    std::uint16_t lower, upper;  ///< vertebra ids; 0: the field's edge
  };
  std::vector<Between> order;
  if (edges.below) order.push_back({&*edges.below, 0, 1});
  for (size_t i = 0; i < discs.size() && i + 1 < footprints.size(); ++i)
    order.push_back({&discs[i], std::uint16_t(i + 1), std::uint16_t(i + 2)});
  if (edges.above) order.push_back({&*edges.above, std::uint16_t(footprints.size()), 0});
  for (size_t k = 0; k < order.size(); ++k) {
    const ct::DiscCandidate& c = *order[k].disc;
    SegmentedDisc d;
    d.id = std::uint16_t(kDiscId + k);
    d.centre = c.centre, d.normal = c.normal;
    d.heightMm = c.heightMm, d.prominenceHu = c.prominenceHu, d.placement = c.placement, d.cutByField = c.cutByField;
    const std::vector<double>& lowerR = footprints[(order[k].lower ? order[k].lower : order[k].upper) - 1];
    const std::vector<double>& upperR = footprints[(order[k].upper ? order[k].upper : order[k].lower) - 1];
    labelDisc(ct, *out.labels, c, lowerR, upperR, order[k].lower, order[k].upper, d.id, d.voxels);
    out.discs.push_back(d);
  }
  out.discBelowBottom = edges.below.has_value(), out.discAboveTop = edges.above.has_value();
}

/// The column ends at the skull base (C1/C2 in view, counted from the top) when it stops well
/// inside the image (a lumbar or thoracic field cuts it at the edge instead) and the topmost
/// bodies are cervical-sized (median radius under 12 mm; thoracic bodies are 13-20 mm).
bool endsAtSkullBase(const CtImage& ct, const Vec3& top, const std::vector<std::vector<double>>& footprints) {
  const auto size = ct.GetLargestPossibleRegion().GetSize();
  itk::ContinuousIndex<double, 3> idx;
  ct.TransformPhysicalPointToContinuousIndex(CtImage::PointType(top.data()), idx);
  const double mmToTop = (double(size[2]) - 1 - idx[2]) * ct.GetSpacing()[2];
  if (footprints.size() < 4) return false;
  // Or the skull itself: dense bone 35-90 mm to the side of the column's top (no rib reaches there
  // beside cervical-sized bodies).
  double skullMm3 = 0;
  for (double z = -25; z <= 10; z += 2)
    for (double y = -90; y <= 90; y += 2)
      for (double x = 35; x <= 90; x += 2)
        for (int side : {-1, 1}) {
          itk::Index<3> i;
          if (ct::toIndex(ct, add(top, Vec3{side * x, y, z}), i) && ct.GetPixel(i) > 300) skullMm3 += 8;
        }
  if (mmToTop < 15 && skullMm3 < 3000) return false;
  std::vector<double> radii;
  for (size_t s = footprints.size() - 4; s + 1 < footprints.size(); ++s)  // the three below the top segment
    for (double r : footprints[s]) radii.push_back(r);
  std::nth_element(radii.begin(), radii.begin() + radii.size() / 2, radii.end());
  return radii[radii.size() / 2] < 12;
}

/// Faint marrow leaves holes inside a body's label: per axial slice, a hole enclosed by one
/// vertebra's label whose mean is not CSF- or fat-dark (the canal, also enclosed by the arch, is)
/// joins that vertebra.
void fillLabelHoles(LabelImage& lab, const CtImage& ct, unsigned threads) {
  const auto size = lab.GetLargestPossibleRegion().GetSize();
  const size_t nx = size[0], ny = size[1], plane = nx * ny;
  const double pixelMm2 = lab.GetSpacing()[0] * lab.GetSpacing()[1];
  parallelFor(unsigned(size[2]), threads, [&](unsigned k) {
    std::uint16_t* l = lab.GetBufferPointer() + k * plane;
    const CtPixel* hu = ct.GetBufferPointer() + k * plane;
    ct::forEachBackgroundComponent(nx, ny, [&](size_t i) { return l[i] == 0; },
                                   [&](const std::vector<size_t>& comp, bool border, const std::vector<size_t>& boundary) {
                                     if (border || comp.size() * pixelMm2 > 2500) return;
                                     const std::uint16_t owner = l[boundary.front()];
                                     for (size_t b : boundary)
                                       if (l[b] != owner || owner >= kDiscId) return;
                                     double mean = 0;
                                     for (size_t c : comp) mean += hu[c];
                                     if (mean / comp.size() < 60) return;
                                     for (size_t c : comp) l[c] = owner;
                                   });
  });
}

/// Per vertebra: its slab's geometry and its rib volume (centroids come from the final label map,
/// in LevelTable). Only rib voxels need a physical position. The rib volume counts bone beyond
/// ribLateralMm only, whatever the labelling distance.
void measure(SpineSegmentation& out, const LabelImage& lab, const std::vector<Slab>& slabs, const std::vector<Slab>& reach,
             const SegmentationParams& p) {
  const size_t n = lab.GetPixelContainer()->Size();
  const auto sp = lab.GetSpacing();
  const double voxel = sp[0] * sp[1] * sp[2];
  const auto size = lab.GetLargestPossibleRegion().GetSize();
  std::vector<double> ribReach(slabs.size() + 1, 0);
  std::vector<size_t> ribs(slabs.size() + 1, 0);
  for (size_t idx = 0; idx < n; ++idx) {
    std::uint16_t o = lab.GetBufferPointer()[idx];
    if (o < kRibId) continue;
    size_t s = o - kRibId;
    itk::Point<double, 3> pt;
    lab.TransformIndexToPhysicalPoint({{long(idx % size[0]), long(idx / size[0] % size[1]), long(idx / (size[0] * size[1]))}}, pt);
    Vec3 q{pt[0], pt[1], pt[2]};
    const double lateral = lateralDistance(q, slabs[s - 1].centre(), slabs[s - 1].axis());
    // A rib counts for the vertebra whose slab it leaves from, not a neighbour reached via a facet.
    // Ribs slope down from their heads, so 50 mm out a vertebra's own rib lies below its upper
    // endplate: bone above it there is the rib of the vertebra above, reached through a process
    // (osteoporosis-contrast-lumbar-ct: T12's rib, its head above the field, made L1 rib-bearing).
    if (lateral > p.ribLateralMm && reach[s - 1].inside(q, -10, 0)) ribs[s]++;
    ribReach[s] = std::max(ribReach[s], lateral);
  }
  for (size_t s = 1; s <= slabs.size(); ++s) {
    SegmentedVertebra v;
    v.id = std::uint16_t(s);
    v.bodyCentre = slabs[s - 1].centre();
    v.axis = slabs[s - 1].axis();
    v.heightMm = distance(slabs[s - 1].lowerPoint, slabs[s - 1].upperPoint);
    // A rib reaches far sideways (past 70 mm within a few centimetres of its head); a long
    // transverse process of a large patient may pass the labelling limit but not that.
    v.ribMm3 = ribReach[s] >= 70 ? ribs[s] * voxel : 0;
    v.cutTop = slabs[s - 1].cutTop, v.cutBottom = slabs[s - 1].cutBottom;
    out.vertebrae.push_back(v);
  }
}

/// A vertebra found not rib-bearing takes back whatever was labelled its rib: its transverse
/// processes (a lumbar one reaches 28-50 mm, on the phantoms past 50), C1's lateral masses, or a rib
/// stub too small to count. The report calls it not rib-bearing; its label map says the same.
void settleRibs(LabelImage& lab, const std::vector<SegmentedVertebra>& vertebrae) {
  std::uint16_t* l = lab.GetBufferPointer();
  const size_t n = lab.GetPixelContainer()->Size();
  for (size_t idx = 0; idx < n; ++idx)
    if (l[idx] >= kRibId && !vertebrae[l[idx] - kRibId - 1].hasRibs) l[idx] = std::uint16_t(l[idx] - kRibId);
}

}  // namespace

SpineSegmentation segmentSpineCt(const CtImage& input, const SegmentationParams& p) {
  SpineSegmentation out;
  auto orient = itk::OrientImageFilter<CtImage, CtImage>::New();
  orient->SetInput(&input);
  orient->UseImageDirectionOn();
  orient->SetDesiredCoordinateOrientation(itk::SpatialOrientation::ITK_COORDINATE_ORIENTATION_RAI);
  orient->Update();
  CtImage::Pointer ct = orient->GetOutput();
  out.labels = LabelImage::New();
  out.labels->CopyInformation(ct);
  out.labels->SetRegions(ct->GetLargestPossibleRegion());
  out.labels->Allocate(true);

  const ct::CoarseCt coarse = ct::coarseCt(*ct, p);
  out.centreline = ct::findCentreline(*ct, coarse, p);
  if (out.centreline.size() < 20) {
    out.notes.push_back("no vertebral column was found (no run of bone bodies on the midline)");
    out.centreline.clear();
    return out;
  }
  const double marrowHu = ct::marrowThreshold(*ct, out.centreline);
  MaskImage::Pointer bone = ct::boneMask(*ct, coarse, p, marrowHu);
  std::vector<ct::DiscCandidate> discs = ct::findDiscs(*ct, *bone, out.centreline, marrowHu, p);
  std::vector<Slab> slabs = slabsFrom(out.centreline, discs);
  if (slabs.empty()) {
    out.notes.push_back("the column was found but no vertebra could be delimited");
    return out;
  }
  const size_t nSlabs = slabs.size();
  std::vector<bool> ribsAllowed(nSlabs);
  GrowthLimits limits{std::vector<double>(nSlabs), std::vector<double>(nSlabs, 1e9),
                      normalized(sub(out.centreline.back(), out.centreline.front()))};
  // With a sacrum-like lowest segment (long, cut by the field's lower edge), the three lowest
  // (sacrum, L5, L4 normally) never bear ribs: their processes meet the iliac wings instead.
  const bool sacrumBelow =
      slabs[0].cutBottom && (distance(slabs[0].lowerPoint, slabs[0].upperPoint) >= 45 ||
                             (slabs.size() > 1 && boneReachBelow(*bone, slabs[0]) >= 45));
  for (size_t s = 0; s < nSlabs; ++s) {
    ribsAllowed[s] = !sacrumBelow || s >= 3;
    // Growth stops at ribLateralMm where ribs are not allowed: beyond it lie the iliac wings, joined
    // to the sacrum across sacroiliac joints that blur shut (letting the sacrum grow to 80 mm to
    // take its alae cost 0.25 of its Dice to the ilium on the phantoms).
    limits.lateralMm[s] = ribsAllowed[s] ? 200 : p.ribLateralMm;
  }
  if (sacrumBelow) limits.aboveUpperDiscMm[0] = kSacrumAboveDiscMm;
  std::vector<std::vector<double>> footprints;
  for (const Slab& s : slabs) footprints.push_back(bodyFootprint(*bone, s));
  out.skullAbove = endsAtSkullBase(*ct, out.centreline.back(), footprints);
  const EdgeDiscs edges = closeAtFieldEdges(slabs, *ct, *bone, out.centreline, discs, marrowHu, out.skullAbove, sacrumBelow, p);
  if (edges.above) footprints.back() = bodyFootprint(*bone, slabs.back());
  if (edges.below) footprints.front() = bodyFootprint(*bone, slabs.front());
  const std::vector<Slab> reach = reachingFieldEdges(slabs);
  // Under the skull nothing grows past one atlas height above C1-C2 (the top plane sits 30 mm beyond
  // the column's end for a field edge: C1 took the skull base resting on it, 16-24 cm3 against 1.4 cm3
  // in truth, its centroid 21-22 mm off on every whole-spine phantom, under "confirmed"; with C1
  // alone held back, C2 took it instead).
  if (out.skullAbove) {
    const double ceiling = dot(reach.back().lowerPoint, limits.up) + kAtlasHeightMm;
    for (size_t s = 0; s < nSlabs; ++s)
      limits.aboveUpperDiscMm[s] = std::min(limits.aboveUpperDiscMm[s], ceiling - dot(reach[s].upperPoint, limits.up));
  }
  growFromBodies(sacrumBelow ? *withoutIliacWings(*bone, reach, p.ribLateralMm) : *bone, *out.labels, reach, ribsAllowed, limits, p);
  if (marrowHu < p.faintMarrowHu) fillFaintBodies(*out.labels, *ct, slabs, footprints, discs);
  fillLabelHoles(*out.labels, *ct, p.threads);
  measure(out, *out.labels, slabs, reach, p);
  labelDiscs(out, *ct, discs, edges, footprints);
  for (auto& v : out.vertebrae) v.hasRibs = v.ribMm3 >= p.minRibMm3;
  out.vertebrae.front().sacrumLike = sacrumBelow;  // the fused sacral segments: no disc for 45 mm
  if (out.skullAbove) out.vertebrae.back().hasRibs = false, out.vertebrae.back().ribMm3 = 0;  // it reached the skull, not ribs
  settleRibs(*out.labels, out.vertebrae);
  // Cranial to caudal, as reports list them.
  std::reverse(out.vertebrae.begin(), out.vertebrae.end());
  std::reverse(out.discs.begin(), out.discs.end());
  return out;
}

}  // namespace spine
