#pragma once
// Three-vectors in patient LPS millimetres, and the few operations the geometry code needs.
#include <array>
#include <cmath>

namespace spine {

using Vec3 = std::array<double, 3>;

inline double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
inline Vec3 sub(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
inline Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
inline double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }
inline Vec3 add(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
inline Vec3 scale(const Vec3& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }
/// a + s * b
inline Vec3 axpy(const Vec3& a, double s, const Vec3& b) { return {a[0] + s * b[0], a[1] + s * b[1], a[2] + s * b[2]}; }
inline Vec3 normalized(const Vec3& a) { return scale(a, 1.0 / norm(a)); }
inline double distance(const Vec3& a, const Vec3& b) { return norm(sub(a, b)); }
/// Rotates v about the unit axis k by angle (radians), right-handed (Rodrigues).
inline Vec3 rotate(const Vec3& v, const Vec3& k, double angle) {
  double c = std::cos(angle), s = std::sin(angle);
  return add(add(scale(v, c), scale(cross(k, v), s)), scale(k, dot(k, v) * (1 - c)));
}

}  // namespace spine
