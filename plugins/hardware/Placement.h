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

/// The vertebrae, then the discs, whose centroids lie between heights lo and hi (LPS z, mm): the
/// levels an artefact spread over those heights hides.
inline std::vector<std::string> levelsWithin(const LevelTable& t, double lo, double hi) {
  std::vector<std::string> out;
  for (const auto* list : {&t.vertebrae, &t.discs})
    for (const LevelEntry& e : *list)
      if (e.centroid[2] >= lo && e.centroid[2] <= hi) out.push_back(e.name);
  return out;
}

}  // namespace spine::hardware
