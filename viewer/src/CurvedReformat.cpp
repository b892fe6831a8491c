#include "spine/viewer/CurvedReformat.h"

#include <cmath>
#include <limits>

#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>

namespace spine::viewer {

namespace {

/// Unit vector, or zero for a zero vector (two identical centroids).
Vec3 normalised(const Vec3& v) { return norm(v) > 0 ? normalized(v) : Vec3{0, 0, 0}; }

/// Catmull-Rom through the points; the ends continue straight along their last segment.
Vec3 catmullRom(const std::vector<Vec3>& p, size_t i, double t) {
  auto at = [&](long k) {
    long n = long(p.size());
    if (k < 0) return axpy(p[0], 1.0, sub(p[0], p[1]));
    if (k >= n) return axpy(p[size_t(n - 1)], 1.0, sub(p[size_t(n - 1)], p[size_t(n - 2)]));
    return p[size_t(k)];
  };
  Vec3 p0 = at(long(i) - 1), p1 = at(long(i)), p2 = at(long(i) + 1), p3 = at(long(i) + 2), out{};
  double t2 = t * t, t3 = t2 * t;
  for (int d = 0; d < 3; ++d)
    out[d] = 0.5 * (2 * p1[d] + (-p0[d] + p2[d]) * t + (2 * p0[d] - 5 * p1[d] + 4 * p2[d] - p3[d]) * t2 +
                    (-p0[d] + 3 * p1[d] - 3 * p2[d] + p3[d]) * t3);
  return out;
}

/// Dense points on the spline, then resampled at equal arc length.
std::vector<Vec3> resampleByArcLength(const std::vector<Vec3>& dense, double step) {
  std::vector<Vec3> out{dense.front()};
  double need = step;  // arc length still to go to the next sample
  for (size_t i = 1; i < dense.size(); ++i) {
    Vec3 from = dense[i - 1];
    double len = distance(dense[i], from);
    while (len >= need && len > 0) {
      from = axpy(from, need / len, sub(dense[i], from));
      out.push_back(from);
      len -= need;
      need = step;
    }
    need -= len;
  }
  return out;
}

}  // namespace

std::vector<Vec3> smoothCentreline(const std::vector<Vec3>& points, double step, double extend) {
  if (points.size() < 2) return {};
  std::vector<Vec3> dense;
  const Vec3 head = normalised(sub(points[0], points[1])), tail = normalised(sub(points.back(), points[points.size() - 2]));
  for (double s = extend; s > 0; s -= step) dense.push_back(axpy(points[0], s, head));
  for (size_t i = 0; i + 1 < points.size(); ++i)
    for (int k = 0; k < 20; ++k) dense.push_back(catmullRom(points, i, k / 20.0));
  dense.push_back(points.back());
  for (double s = step; s <= extend; s += step) dense.push_back(axpy(points.back(), s, tail));
  return resampleByArcLength(dense, step);
}

std::pair<double, double> CurvedReformat::project(const Vec3& p) const {
  size_t best = 0;
  double bestDistance = std::numeric_limits<double>::max();
  for (size_t r = 0; r < centre.size(); ++r)
    if (double d = distance(p, centre[r]); d < bestDistance) bestDistance = d, best = r;
  if (centre.empty()) return {0, 0};
  double offset = dot(sub(p, centre[best]), anterior[best]);  // + = anterior
  return {double(best), (width - 1) / 2.0 - offset / stepMm};
}

namespace {

template <typename TImage>
CurvedReformat straightenImage(const TImage& image, const LabelImage* labels, const std::vector<Vec3>& levelCentroids,
                               const CurvedReformatParams& params) {
  CurvedReformat r;
  r.stepMm = params.stepMm;
  r.centre = smoothCentreline(levelCentroids, params.stepMm, params.extendMm);
  if (r.centre.size() < 2) return r;
  r.height = int(r.centre.size());
  r.width = 2 * int(std::lround(params.halfWidthMm / params.stepMm)) + 1;
  r.pixels.assign(size_t(r.width) * size_t(r.height), -1024.0f);
  r.labels.assign(r.pixels.size(), 0);
  auto interpolator = itk::LinearInterpolateImageFunction<TImage, double>::New();
  interpolator->SetInputImage(&image);
  auto nearest = itk::NearestNeighborInterpolateImageFunction<LabelImage, double>::New();
  if (labels) nearest->SetInputImage(labels);
  const double background = -1024;
  for (int row = 0; row < r.height; ++row) {
    size_t a = size_t(std::max(row - 3, 0)), b = size_t(std::min(row + 3, r.height - 1));
    Vec3 tangent = normalised(sub(r.centre[b], r.centre[a]));  // caudal
    // The patient's left made perpendicular to the centreline; the front is perpendicular to both,
    // signed to point to -y (LPS anterior).
    Vec3 left = normalised(axpy(Vec3{1, 0, 0}, -tangent[0], tangent));
    Vec3 front = normalised(cross(tangent, left));
    if (front[1] > 0) front = scale(front, -1);
    r.anterior.push_back(front);
    for (int col = 0; col < r.width; ++col) {
      double offset = ((r.width - 1) / 2.0 - col) * params.stepMm;  // column 0 = most anterior
      Vec3 p = axpy(r.centre[size_t(row)], offset, front);
      itk::Point<double, 3> point;
      for (int d = 0; d < 3; ++d) point[d] = p[d];
      size_t i = size_t(row) * size_t(r.width) + size_t(col);
      r.pixels[i] = interpolator->IsInsideBuffer(point) ? float(interpolator->Evaluate(point)) : float(background);
      if (labels && nearest->IsInsideBuffer(point)) r.labels[i] = nearest->Evaluate(point);
    }
  }
  return r;
}

}  // namespace

CurvedReformat straighten(const CtImage& image, const LabelImage* labels, const std::vector<Vec3>& levelCentroids,
                          const CurvedReformatParams& params) {
  return straightenImage(image, labels, levelCentroids, params);
}

CurvedReformat straighten(const MrImage& image, const LabelImage* labels, const std::vector<Vec3>& levelCentroids,
                          const CurvedReformatParams& params) {
  return straightenImage(image, labels, levelCentroids, params);
}

}  // namespace spine::viewer
