// Discs along the centreline: the fraction of bone (marrow-filled mask) over a small disc
// perpendicular to the column is ~1 in a body and drops towards 0 in every intervertebral disc. (A
// HU profile does not work: bright endplates make each body's cancellous centre a dip as deep as a
// disc.) Each dip's plane is refined by trying tilts around the tangent and keeping the thin slab
// with the least bone (discs are wedges: L5-S1 differs from the tangent by up to ~15 degrees).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "SpineCtParts.h"

namespace spine::ct {

namespace {

using Mask = itk::Image<std::uint8_t, 3>;

/// Fraction of bone over a disc of `radius` mm at p, perpendicular to n (rings of samples).
double discMean(const Mask& f, const Vec3& p, const Vec3& n, double radius) {
  Vec3 a = normalized(cross(n, std::abs(n[0]) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0})), b = cross(n, a);
  double sum = 0;
  int count = 0;
  for (double r : {0.0, radius / 2, radius})
    for (int s = 0; s < (r == 0 ? 1 : 12); ++s) {
      double th = 2 * M_PI * s / 12;
      Vec3 q = axpy(axpy(p, r * std::cos(th), a), r * std::sin(th), b);
      itk::Index<3> idx;
      if (!toIndex(f, q, idx)) continue;
      sum += f.GetPixel(idx) ? 1.0 : 0.0, ++count;
    }
  return count ? sum / count : NAN;
}

std::vector<double> smoothed(const std::vector<double>& v, double sigma) {
  int r = int(std::ceil(3 * sigma));
  std::vector<double> out(v.size(), NAN);
  for (size_t i = 0; i < v.size(); ++i) {
    double s = 0, w = 0;
    for (int d = -r; d <= r; ++d) {
      long j = long(i) + d;
      if (j < 0 || j >= long(v.size()) || std::isnan(v[size_t(j)])) continue;
      double k = std::exp(-0.5 * d * d / (sigma * sigma));
      s += k * v[size_t(j)], w += k;
    }
    if (w > 0) out[i] = s / w;
  }
  return out;
}

/// Tilts the plane normal around the tangent; keeps the darkest 3 mm slab of radius 10 mm.
Vec3 refineNormal(const Mask& f, const Vec3& c, const Vec3& t) {
  Vec3 a = normalized(cross(t, std::abs(t[0]) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0})), b = cross(t, a);
  Vec3 best = t;
  double bestValue = 1e18;
  for (int i = -3; i <= 3; ++i)
    for (int j = -3; j <= 3; ++j) {
      Vec3 n = normalized(rotate(rotate(t, a, i * 6 * M_PI / 180), b, j * 6 * M_PI / 180));
      double v = 0;
      for (double off : {-1.0, 0.0, 1.0}) v += discMean(f, axpy(c, off, n), n, 10);
      if (v < bestValue) bestValue = v, best = n;
    }
  return best;
}

}  // namespace

std::vector<DiscCandidate> findDiscs(const Mask& bone, const std::vector<Vec3>& line, const SegmentationParams& p) {
  std::vector<double> raw(line.size());
  for (size_t i = 0; i < line.size(); ++i) raw[i] = discMean(bone, line[i], tangentAt(line, i), 7);
  std::vector<double> prof = smoothed(raw, 1.0);
  if (std::getenv("SPINE_DEBUG_PROFILE"))
    for (size_t i = 0; i < prof.size(); ++i)
      std::fprintf(stderr, "profile %zu %.1f %.1f %.1f %.2f\n", i, line[i][0], line[i][1], line[i][2], prof[i]);
  std::vector<DiscCandidate> out;
  const long window = 15;
  for (size_t i = 1; i + 1 < prof.size(); ++i) {
    if (std::isnan(prof[i]) || !(prof[i] <= prof[i - 1] && prof[i] < prof[i + 1])) continue;
    double left = -1e9, right = -1e9;
    for (long d = 1; d <= window; ++d) {
      if (long(i) - d >= 0) left = std::max(left, prof[size_t(long(i) - d)]);
      if (i + size_t(d) < prof.size()) right = std::max(right, prof[i + size_t(d)]);
    }
    double prominence = std::min(left, right) - prof[i];
    if (prominence < p.discProminence) continue;
    // Height: the width of the dip at half its prominence.
    double half = prof[i] + prominence / 2;
    size_t lo = i, hi = i;
    while (lo > 0 && prof[lo - 1] < half) --lo;
    while (hi + 1 < prof.size() && prof[hi + 1] < half) ++hi;
    DiscCandidate d{i, line[i], tangentAt(line, i), double(hi - lo + 1), prominence};
    if (!out.empty() && distance(out.back().centre, d.centre) < p.minVertebraMm) {
      if (d.prominenceHu > out.back().prominenceHu) out.back() = d;
      continue;
    }
    out.push_back(d);
  }
  for (DiscCandidate& d : out) d.normal = refineNormal(bone, d.centre, d.normal);
  return out;
}

}  // namespace spine::ct
