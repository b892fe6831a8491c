// One sagittal MR slice resampled to a 1 mm (superior-inferior x anterior-posterior) grid.
#include <algorithm>
#include <cmath>

#include "MrParts.h"

namespace spine::mr {

Vec3 Plane::point(double r, double c) const {
  const double y = yFront + c, z = zTop - r;
  const double x = origin[0] - (normal[1] * (y - origin[1]) + normal[2] * (z - origin[2])) / normal[0];
  return {x, y, z};
}

void Plane::rowCol(const Vec3& p, double& r, double& c) const {
  r = zTop - p[2];
  c = p[1] - yFront;
}

int leftRightAxis(const MrImage& mr) {
  const auto& d = mr.GetDirection();
  int best = 0;
  for (int k = 1; k < 3; ++k)
    if (std::abs(d[0][k]) > std::abs(d[0][best])) best = k;
  return std::abs(d[0][best]) >= std::sqrt(0.5) ? best : -1;
}

int sagittalSliceAxis(const MrImage& mr) {
  const int lr = leftRightAxis(mr);
  if (lr < 0) return -1;
  const auto size = mr.GetLargestPossibleRegion().GetSize();
  const auto spacing = mr.GetSpacing();
  bool fewest = true, coarsest = true;
  for (int k = 0; k < 3; ++k) {
    if (k == lr) continue;
    fewest = fewest && size[size_t(lr)] <= size[size_t(k)];
    coarsest = coarsest && spacing[unsigned(lr)] >= 1.5 * spacing[unsigned(k)];
  }
  return fewest || coarsest ? lr : -1;
}

namespace {

Vec3 indexToPoint(const MrImage& mr, double i, double j, double k) {
  itk::ContinuousIndex<double, 3> ci;
  ci[0] = i, ci[1] = j, ci[2] = k;
  itk::Point<double, 3> p;
  mr.TransformContinuousIndexToPhysicalPoint(ci, p);
  return {p[0], p[1], p[2]};
}

/// Bilinear in the two in-plane axes; NaN outside the image.
float sampleInPlane(const MrImage& mr, int lrAxis, long slice, const Vec3& p) {
  itk::Point<double, 3> pt;
  pt[0] = p[0], pt[1] = p[1], pt[2] = p[2];
  itk::ContinuousIndex<double, 3> ci;
  mr.TransformPhysicalPointToContinuousIndex(pt, ci);
  const auto size = mr.GetLargestPossibleRegion().GetSize();
  const int a = lrAxis == 0 ? 1 : 0, b = lrAxis == 2 ? 1 : 2;
  const double fa = ci[a], fb = ci[b];
  if (fa < -0.5 || fb < -0.5 || fa > double(size[a]) - 0.5 || fb > double(size[b]) - 0.5) return NAN;
  const long a0 = std::clamp(long(std::floor(fa)), 0L, long(size[a]) - 1), b0 = std::clamp(long(std::floor(fb)), 0L, long(size[b]) - 1);
  const long a1 = std::min(a0 + 1, long(size[a]) - 1), b1 = std::min(b0 + 1, long(size[b]) - 1);
  const double wa = std::clamp(fa - double(a0), 0.0, 1.0), wb = std::clamp(fb - double(b0), 0.0, 1.0);
  MrImage::IndexType idx;
  idx[lrAxis] = slice;
  auto get = [&](long ia, long ib) {
    idx[a] = ia, idx[b] = ib;
    return double(mr.GetPixel(idx));
  };
  return float((1 - wa) * ((1 - wb) * get(a0, b0) + wb * get(a0, b1)) + wa * ((1 - wb) * get(a1, b0) + wb * get(a1, b1)));
}

void normalisePercentiles(Plane& plane) {
  std::vector<float> v;
  for (size_t i = 0; i < plane.value.size(); ++i)
    if (plane.valid[i]) v.push_back(plane.value[i]);
  if (v.empty()) return;
  auto pick = [&](double q) {
    auto it = v.begin() + long(q * double(v.size() - 1));
    std::nth_element(v.begin(), it, v.end());
    return *it;
  };
  plane.lo = pick(0.01), plane.hi = std::max(pick(0.99), plane.lo + 1e-3f);
  for (size_t i = 0; i < plane.value.size(); ++i)
    plane.value[i] = plane.valid[i] ? std::clamp(plane.normalise(plane.value[i]), 0.0f, 1.0f) : 0.0f;
}

}  // namespace

Plane samplePlane(const MrImage& mr, int lrAxis, long slice) {
  const auto size = mr.GetLargestPossibleRegion().GetSize();
  const int a = lrAxis == 0 ? 1 : 0, b = lrAxis == 2 ? 1 : 2;
  Plane plane;
  double ymin = 1e30, ymax = -1e30, zmin = 1e30, zmax = -1e30;
  for (double ea : {-0.5, double(size[a]) - 0.5})
    for (double eb : {-0.5, double(size[b]) - 0.5}) {
      double idx[3];
      idx[lrAxis] = double(slice), idx[a] = ea, idx[b] = eb;
      Vec3 p = indexToPoint(mr, idx[0], idx[1], idx[2]);
      ymin = std::min(ymin, p[1]), ymax = std::max(ymax, p[1]), zmin = std::min(zmin, p[2]), zmax = std::max(zmax, p[2]);
    }
  double c0[3] = {0, 0, 0};
  c0[lrAxis] = double(slice);
  plane.origin = indexToPoint(mr, c0[0], c0[1], c0[2]);
  const auto& d = mr.GetDirection();
  plane.normal = normalized(Vec3{d[0][lrAxis], d[1][lrAxis], d[2][lrAxis]});
  plane.zTop = std::floor(zmax), plane.yFront = std::ceil(ymin);
  plane.rows = long(std::floor(zmax) - std::ceil(zmin)) + 1, plane.cols = long(std::floor(ymax) - std::ceil(ymin)) + 1;
  plane.rows = std::max(plane.rows, 1L), plane.cols = std::max(plane.cols, 1L);
  plane.value.assign(size_t(plane.rows * plane.cols), 0.0f);
  plane.valid.assign(plane.value.size(), 0);
  for (long r = 0; r < plane.rows; ++r)
    for (long c = 0; c < plane.cols; ++c) {
      float v = sampleInPlane(mr, lrAxis, slice, plane.point(double(r), double(c)));
      if (std::isnan(v)) continue;
      plane.value[size_t(r * plane.cols + c)] = v, plane.valid[size_t(r * plane.cols + c)] = 1;
    }
  normalisePercentiles(plane);
  return plane;
}

}  // namespace spine::mr
