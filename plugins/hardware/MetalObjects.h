#pragma once
// The CT's metal as the hardware detector walks it: a flat mask and the list of metal voxels (every
// step walks the list, not the image), its connected objects and each object's shape (principal
// axis, length, thickness, peak), and the level table as the detector asks it (nearest vertebra or
// disc).
#include <cstdint>
#include <vector>

#include "Placement.h"
#include "spine/LevelTable.h"
#include "spine/Metal.h"
#include "spine/PixelTypes.h"
#include "spine/Vec3.h"

namespace spine::hardware {

/// Mask values: metal, rod, taken apart, a plate's sheet; kSeen is or-ed in while a walk visits.
inline constexpr std::uint8_t kMetal = 1, kRod = 2, kApart = 3, kSheet = 4, kSeen = 0x80;

/// The CT as a flat mask of metal, the list of its metal voxels (every later step walks the list,
/// not the whole image: metal is a few thousand voxels of a hundred million) and the geometry.
struct MetalGrid {
  const CtImage* ct = nullptr;
  long n[3] = {0, 0, 0};
  double spacing[3] = {1, 1, 1};
  int superiorAxis = 2;  ///< the index axis closest to the patient's head-foot axis
  std::vector<std::uint8_t> mask;
  std::vector<long> metal;  ///< flat indices of the metal voxels, ascending
  double edgeHu = 0;        ///< the lowest value taken as metal on this scan
  long index(long i, long j, long k) const { return i + n[0] * (j + n[1] * k); }
  Vec3 point(long flat) const {
    CtImage::IndexType idx{{flat % n[0], (flat / n[0]) % n[1], flat / (n[0] * n[1])}};
    itk::Point<double, 3> p;
    ct->TransformIndexToPhysicalPoint(idx, p);
    return {p[0], p[1], p[2]};
  }
  double voxelMm3() const { return spacing[0] * spacing[1] * spacing[2]; }
  /// The flat-index step, and a voxel's index, along the superior axis (its axial slice).
  long superiorStride() const { return superiorAxis == 0 ? 1 : superiorAxis == 1 ? n[0] : n[0] * n[1]; }
  long superiorIndex(long flat) const { return (flat / superiorStride()) % n[superiorAxis]; }
  /// Calls f(neighbour) for the 26 neighbours of `flat` inside the image.
  template <typename F>
  void forNeighbours(long flat, F f) const {
    long i = flat % n[0], j = (flat / n[0]) % n[1], k = flat / (n[0] * n[1]);
    for (long dk = -1; dk <= 1; ++dk)
      for (long dj = -1; dj <= 1; ++dj)
        for (long di = -1; di <= 1; ++di) {
          long x = i + di, y = j + dj, z = k + dk;
          if ((di || dj || dk) && x >= 0 && y >= 0 && z >= 0 && x < n[0] && y < n[1] && z < n[2]) f(index(x, y, z));
        }
  }
};

/// The scan's metal (spine/Metal.h's rule) as a grid: every metal voxel marked kMetal.
MetalGrid metalGrid(const CtImage& ct, const MetalRule& rule);

/// Connected (26-neighbour) groups of voxels holding `value` (visited voxels are flagged in the
/// mask itself and unflagged at the end).
std::vector<std::vector<long>> components(MetalGrid& g, std::uint8_t value);

struct MetalObject {
  bool rod = false;
  double volumeMm3 = 0, peakHu = 0, length = 0, thickness = 0;
  Vec3 centroid{0, 0, 0}, axis{0, 0, 1}, endA{0, 0, 0}, endB{0, 0, 0};
  double zMin = 0, zMax = 0;
  std::vector<double> radiusAlong;  ///< widest voxel from the axis per 1 mm along it, from endA to endB
  double coarsestMm = 0;            ///< the grid's largest spacing
  double edgeHu = 0;                ///< the lowest value taken as metal on this scan
};

/// An object's shape from its voxels: centroid, principal axis, ends, length, thickness, peak.
MetalObject describe(const MetalGrid& g, const std::vector<long>& voxels, bool rod);

struct Levels {
  const LevelTable* table = nullptr;
  /// The vertebra nearest a point, or null without a level table.
  const LevelEntry* nearestVertebra(const Vec3& p, double* dist = nullptr) const {
    return nearest(table ? table->vertebrae : kNone, p, dist);
  }
  const LevelEntry* nearestDisc(const Vec3& p, double* dist) const { return nearest(table ? table->discs : kNone, p, dist); }
  /// The bodies' axis beside a point: the nearest point to p on the line through the discs'
  /// centroids (a disc has no posterior elements, so its centroid lies on the axis, where a
  /// vertebra's lies behind it, and moves with how much of its arch and ribs the label holds),
  /// extended past the end discs. False with fewer than two discs.
  bool columnBeside(const Vec3& p, Vec3& at) const;
  /// The vertebra between the discs around a point: going down the column, the first vertebra
  /// whose disc below lies below the point (each disc's plane faces along the line joining the
  /// centroids of the vertebrae beside it); the nearest centroid when discs and vertebrae do not
  /// alternate. A sacral screw sits in S1, far above the sacrum's centroid and nearer L5's, but
  /// below the L5-S1 disc. Between C1 and C2 (no disc) the plane lies halfway between their centroids.
  const LevelEntry* vertebraBetweenDiscs(const Vec3& p) const {
    if (!table || table->vertebrae.empty() || !table->discsAlternate())
      return nearestVertebra(p);
    const std::vector<LevelEntry>& v = table->vertebrae;
    for (size_t i = 0; i + 1 < v.size(); ++i) {
      const Vec3 down = sub(v[i + 1].centroid, v[i].centroid);
      const auto d = table->discUnder(i);
      const Vec3 plane = d ? table->discs[*d].centroid : scale(add(v[i].centroid, v[i + 1].centroid), 0.5);
      if (dot(sub(p, plane), down) < 0) return &v[i];
    }
    return &v.back();
  }
  static inline const std::vector<LevelEntry> kNone{};
};

}  // namespace spine::hardware
