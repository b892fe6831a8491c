#include "spine/PhantomShapes.h"

#include <algorithm>

namespace spine {

namespace {

double sq(double x) { return x * x; }

bool insideEllipse(double x, double y, double a, double b) { return a > 0 && b > 0 && sq(x / a) + sq(y / b) <= 1; }

double segmentDistance(const Vec3& p, const Vec3& a, const Vec3& b) {
  Vec3 ab = sub(b, a);
  double len2 = dot(ab, ab);
  double t = len2 > 0 ? std::clamp(dot(sub(p, a), ab) / len2, 0.0, 1.0) : 0.0;
  return distance(p, axpy(a, t, ab));
}

}  // namespace

Vec3 Shape::torsoSection(double z) const {
  const Shape& s = *this;
  const auto& rows = s.torso;
  if (z <= rows.front()[0]) return {rows.front()[1], rows.front()[2], s.torsoY.front()};
  for (size_t i = 1; i < rows.size(); ++i)
    if (z <= rows[i][0]) {
      double t = (z - rows[i - 1][0]) / (rows[i][0] - rows[i - 1][0]);
      return {rows[i - 1][1] + t * (rows[i][1] - rows[i - 1][1]), rows[i - 1][2] + t * (rows[i][2] - rows[i - 1][2]),
              s.torsoY[i - 1] + t * (s.torsoY[i] - s.torsoY[i - 1])};
    }
  return {rows.back()[1], rows.back()[2], s.torsoY.back()};
}

bool Shape::contains(const Vec3& p) const {
  const double m = margin;
  switch (kind) {
    case Kind::Capsule: return segmentDistance(p, a, b) <= radius + m;
    case Kind::Torso: {
      if (p[2] < torso.front()[0] || p[2] > torso.back()[0]) return false;
      Vec3 t = torsoSection(p[2]);
      return insideEllipse(p[0], p[1] - t[2], t[0] + m, t[1] + m);
    }
    case Kind::Wedge:
      if (dot(sub(p, a), n0) < -m || dot(sub(p, b), n1) > m) return false;
      break;
    default: break;
  }
  Vec3 l = frame.local(p);
  switch (kind) {
    case Kind::Ellipsoid: return sq(l[0] / (semi[0] + m)) + sq(l[1] / (semi[1] + m)) + sq(l[2] / (semi[2] + m)) <= 1;
    case Kind::Cylinder: return std::abs(l[2]) <= semi[2] + m && insideEllipse(l[0], l[1], semi[0] + m, semi[1] + m);
    case Kind::Box:
      return std::abs(l[0]) <= semi[0] + m && std::abs(l[1]) <= semi[1] + m && std::abs(l[2]) <= semi[2] + m;
    case Kind::Wedge: return insideEllipse(l[0], l[1], semi[0] + m, semi[1] + m);
    case Kind::HalfRing:
      return l[1] >= 0 && std::abs(l[2]) <= semi[2] + m &&
             insideEllipse(l[0], l[1], semi[0] + radius + m, semi[1] + radius + m) &&
             !insideEllipse(l[0], l[1], semi[0] - m, semi[1] - m);
    default: return false;
  }
}

std::pair<Vec3, Vec3> Shape::bounds() const {
  const double m = margin;
  if (kind == Kind::Capsule) {
    Vec3 lo, hi;
    for (int k = 0; k < 3; ++k) {
      lo[k] = std::min(a[k], b[k]) - radius - m;
      hi[k] = std::max(a[k], b[k]) + radius + m;
    }
    return {lo, hi};
  }
  if (kind == Kind::Torso) {
    double hw = 0, yLo = 1e9, yHi = -1e9;
    for (size_t i = 0; i < torso.size(); ++i) {
      hw = std::max(hw, torso[i][1] + m);
      yLo = std::min(yLo, torsoY[i] - torso[i][2] - m);
      yHi = std::max(yHi, torsoY[i] + torso[i][2] + m);
    }
    return {{-hw, yLo, torso.front()[0]}, {hw, yHi, torso.back()[0]}};
  }
  double extra = kind == Kind::HalfRing ? radius : 0;
  Vec3 ext{semi[0] + extra + m, semi[1] + extra + m, semi[2] + m};
  Vec3 lo, hi;
  for (int k = 0; k < 3; ++k) {
    double e = std::abs(frame.u[k]) * ext[0] + std::abs(frame.v[k]) * ext[1] + std::abs(frame.w[k]) * ext[2];
    lo[k] = frame.centre[k] - e;
    hi[k] = frame.centre[k] + e;
  }
  return {lo, hi};
}

Shape Shape::grown(double mm, Tissue t, int prio, std::uint16_t lab) const {
  Shape s = *this;
  s.margin += mm;
  s.tissue = t;
  s.priority = prio;
  s.label = lab;
  return s;
}

PlaneRaster rasterizePlane(const Plane& plane, const std::vector<Shape>& shapes) {
  const size_t n = size_t(plane.nx) * plane.ny;
  PlaneRaster r{std::vector<Tissue>(n, Tissue::Air), std::vector<std::uint16_t>(n, 0), std::vector<std::int8_t>(n, -1)};
  const Vec3 normal = cross(plane.row, plane.col);
  for (const Shape& s : shapes) {
    auto [lo, hi] = s.bounds();
    double dMin = 1e18, dMax = -1e18, iMin = 1e18, iMax = -1e18, jMin = 1e18, jMax = -1e18;
    for (int c = 0; c < 8; ++c) {
      Vec3 corner{(c & 1) ? hi[0] : lo[0], (c & 2) ? hi[1] : lo[1], (c & 4) ? hi[2] : lo[2]};
      Vec3 d = sub(corner, plane.origin);
      dMin = std::min(dMin, dot(d, normal)), dMax = std::max(dMax, dot(d, normal));
      iMin = std::min(iMin, dot(d, plane.row) / plane.dx), iMax = std::max(iMax, dot(d, plane.row) / plane.dx);
      jMin = std::min(jMin, dot(d, plane.col) / plane.dy), jMax = std::max(jMax, dot(d, plane.col) / plane.dy);
    }
    if (dMin > 0 || dMax < 0) continue;
    int i0 = std::max(0, int(std::floor(iMin))), i1 = std::min(int(plane.nx) - 1, int(std::ceil(iMax)));
    int j0 = std::max(0, int(std::floor(jMin))), j1 = std::min(int(plane.ny) - 1, int(std::ceil(jMax)));
    for (int j = j0; j <= j1; ++j)
      for (int i = i0; i <= i1; ++i) {
        size_t idx = size_t(j) * plane.nx + i;
        if (s.priority < r.priority[idx]) continue;
        Vec3 p = axpy(axpy(plane.origin, i * plane.dx, plane.row), j * plane.dy, plane.col);
        if (!s.contains(p)) continue;
        r.priority[idx] = std::int8_t(s.priority);
        r.tissue[idx] = s.tissue;
        if (s.label != kKeepLabel) r.label[idx] = s.label;
      }
  }
  return r;
}


}  // namespace spine
