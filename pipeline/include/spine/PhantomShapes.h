#pragma once
// The solid shapes a phantom is built from, each carrying a tissue and a label, and the rasteriser
// that paints them onto image planes (highest priority wins, so a canal carves bone and a screw
// replaces whatever it passes through).
#include <cstdint>
#include <vector>

#include "spine/Parallel.h"
#include "spine/Vec3.h"

namespace spine {

enum class Tissue : std::uint8_t {
  Air, Table, Skin, Fat, SoftTissue, Muscle, Lung, Blood, Kidney, Liver, Brain, BowelGas,
  Cortical, Cancellous, Annulus, Nucleus, NucleusDegenerated, Herniation, DiscGas,
  EpiduralFat, Csf, Cord, Nerve, Metal, SteelMetal, Peek, Halo, SusceptibilityVoid, PileUp, Scar, Ligament, Count
};

/// Label value that leaves the label beneath unchanged (metal inside a vertebra stays that vertebra).
inline constexpr std::uint16_t kKeepLabel = 0xFFFF;

struct Frame {
  Vec3 centre{0, 0, 0};
  Vec3 u{1, 0, 0}, v{0, 1, 0}, w{0, 0, 1};  ///< orthonormal: u left, v posterior, w up (local)
  Vec3 local(const Vec3& p) const {
    Vec3 d = sub(p, centre);
    return {dot(d, u), dot(d, v), dot(d, w)};
  }
  Vec3 world(double a, double b, double c) const { return add(centre, add(add(scale(u, a), scale(v, b)), scale(w, c))); }
};

struct Shape {
  enum class Kind { Ellipsoid, Cylinder, Box, Capsule, Wedge, HalfRing, Torso } kind = Kind::Ellipsoid;
  Frame frame;
  Vec3 semi{1, 1, 1};        ///< semi-axes along u, v, w (Cylinder: w is the half-height)
  Vec3 a{0, 0, 0}, b{0, 0, 0};  ///< Capsule end points
  double radius = 0;         ///< Capsule radius; HalfRing wall thickness
  /// Wedge: the slab between plane (a, n0) [inside when above] and plane (b, n1) [inside when below],
  /// within the ellipse semi[0], semi[1] of `frame`.
  Vec3 n0{0, 0, 1}, n1{0, 0, 1};
  std::vector<Vec3> torso;   ///< Torso: per row {z, half-width, half-depth} plus centre y in `torsoY`
  std::vector<double> torsoY;
  double margin = 0;         ///< grows (or, negative, shrinks) the shape, mm
  Tissue tissue = Tissue::SoftTissue;
  std::uint16_t label = 0;
  int priority = 0;

  bool contains(const Vec3& p) const;
  /// World-axis bounding box (lo, hi).
  std::pair<Vec3, Vec3> bounds() const;
  Shape grown(double mm, Tissue t, int prio, std::uint16_t lab = kKeepLabel) const;
  /// Torso only: {half-width, half-depth, centre y} at height z.
  Vec3 torsoSection(double z) const;
};

/// One image plane: p(i, j) = origin + i * dx * row + j * dy * col.
struct Plane {
  Vec3 origin, row, col;
  double dx = 1, dy = 1;
  unsigned nx = 0, ny = 0;
};

struct PlaneRaster {
  std::vector<Tissue> tissue;
  std::vector<std::uint16_t> label;
  std::vector<std::int8_t> priority;
};

/// Paints `shapes` onto one plane. Starting state: air, label 0.
PlaneRaster rasterizePlane(const Plane& plane, const std::vector<Shape>& shapes);

}  // namespace spine
