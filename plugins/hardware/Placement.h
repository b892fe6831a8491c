#pragma once
// Where a hardware finding is placed, on CT and MR alike: the nearest level table entry and the
// patient's side.
#include <limits>
#include <string>
#include <vector>

#include "spine/LevelTable.h"

namespace spine::hardware {

/// The entry of `list` nearest a point (null for an empty list); its distance in `dist`.
inline const LevelEntry* nearest(const std::vector<LevelEntry>& list, const Vec3& p, double* dist = nullptr) {
  const LevelEntry* best = nullptr;
  double bestD = std::numeric_limits<double>::max();
  for (const LevelEntry& e : list)
    if (double d = distance(p, e.centroid); d < bestD) bestD = d, best = &e;
  if (dist) *dist = bestD;
  return best;
}

/// The patient's side of p from a centre (LPS: x grows to the patient's left).
inline std::string sideOf(const Vec3& p, const Vec3& centre) {
  return p[0] > centre[0] ? "left" : "right";
}

}  // namespace spine::hardware
