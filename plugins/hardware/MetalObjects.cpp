#include "MetalObjects.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

#include <vnl/algo/vnl_symmetric_eigensystem.h>

namespace spine::hardware {

MetalGrid metalGrid(const CtImage& ct, const MetalRule& rule) {
  MetalGrid g;
  g.ct = &ct;
  for (int d = 0; d < 3; ++d) g.n[d] = long(ct.GetLargestPossibleRegion().GetSize()[d]), g.spacing[d] = ct.GetSpacing()[d];
  for (int a = 0; a < 3; ++a)
    if (std::abs(ct.GetDirection()(2, a)) > std::abs(ct.GetDirection()(2, g.superiorAxis))) g.superiorAxis = a;
  MetalVoxels found = findMetal(ct, rule);
  g.edgeHu = found.growHu;
  g.metal = std::move(found.flat);
  g.mask.assign(size_t(g.n[0] * g.n[1] * g.n[2]), 0);
  for (long i : g.metal) g.mask[size_t(i)] = kMetal;
  return g;
}

std::vector<std::vector<long>> components(MetalGrid& g, std::uint8_t value) {
  std::vector<std::vector<long>> out;
  for (long f : g.metal) {
    if (g.mask[size_t(f)] != value) continue;
    std::vector<long> part;
    std::deque<long> queue{f};
    g.mask[size_t(f)] |= kSeen;
    while (!queue.empty()) {
      long v = queue.front();
      queue.pop_front();
      part.push_back(v);
      g.forNeighbours(v, [&](long w) {
        if (g.mask[size_t(w)] == value) g.mask[size_t(w)] |= kSeen, queue.push_back(w);
      });
    }
    out.push_back(std::move(part));
  }
  for (long f : g.metal) g.mask[size_t(f)] &= std::uint8_t(~kSeen);
  return out;
}

bool Levels::columnBeside(const Vec3& p, Vec3& at) const {
  if (!table || table->discs.size() < 2) return false;
  const std::vector<LevelEntry>& d = table->discs;
  double best = std::numeric_limits<double>::max();
  for (size_t i = 0; i + 1 < d.size(); ++i) {
    const Vec3 a = d[i].centroid, ab = sub(d[i + 1].centroid, a);
    const double len2 = dot(ab, ab);
    if (len2 <= 0) continue;
    double t = dot(sub(p, a), ab) / len2;
    if (i > 0) t = std::max(t, 0.0);                 // the first and last segments extend past their discs
    if (i + 2 < d.size()) t = std::min(t, 1.0);
    const Vec3 q = axpy(a, t, ab);
    if (distance(p, q) < best) best = distance(p, q), at = q;
  }
  return best < std::numeric_limits<double>::max();
}

MetalObject describe(const MetalGrid& g, const std::vector<long>& voxels, bool rod) {
  MetalObject o;
  o.rod = rod;
  o.volumeMm3 = double(voxels.size()) * g.voxelMm3();
  std::vector<Vec3> pts;
  pts.reserve(voxels.size());
  const CtPixel* hu = g.ct->GetBufferPointer();
  o.zMin = std::numeric_limits<double>::max(), o.zMax = std::numeric_limits<double>::lowest();
  for (long v : voxels) {
    pts.push_back(g.point(v));
    o.centroid = add(o.centroid, pts.back());
    o.peakHu = std::max(o.peakHu, double(hu[v]));
    o.zMin = std::min(o.zMin, pts.back()[2]), o.zMax = std::max(o.zMax, pts.back()[2]);
  }
  o.centroid = scale(o.centroid, 1.0 / double(pts.size()));
  vnl_matrix<double> cov(3, 3, 0.0);
  for (const Vec3& p : pts)
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) cov(r, c) += (p[r] - o.centroid[r]) * (p[c] - o.centroid[c]);
  vnl_symmetric_eigensystem<double> eig(cov);
  for (int d = 0; d < 3; ++d) o.axis[d] = eig.get_eigenvector(2)[d];
  double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
  std::vector<double> radial;
  for (const Vec3& p : pts) {
    double t = dot(sub(p, o.centroid), o.axis);
    lo = std::min(lo, t), hi = std::max(hi, t);
    radial.push_back(norm(sub(sub(p, o.centroid), scale(o.axis, t))));
  }
  const double voxel = std::cbrt(g.voxelMm3());
  o.coarsestMm = std::max({g.spacing[0], g.spacing[1], g.spacing[2]});
  o.edgeHu = g.edgeHu;
  o.length = hi - lo + voxel;
  o.radiusAlong.assign(size_t(hi - lo) + 1, 0.0);
  for (size_t i = 0; i < pts.size(); ++i) {
    double& r = o.radiusAlong[size_t(dot(sub(pts[i], o.centroid), o.axis) - lo)];
    r = std::max(r, radial[i]);
  }
  std::nth_element(radial.begin(), radial.begin() + long(radial.size() * 95 / 100), radial.end());
  o.thickness = 2 * radial[radial.size() * 95 / 100] + voxel;
  o.endA = axpy(o.centroid, lo, o.axis), o.endB = axpy(o.centroid, hi, o.axis);
  return o;
}

}  // namespace spine::hardware
