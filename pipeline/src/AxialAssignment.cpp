#include "spine/AxialAssignment.h"

#include <cmath>

namespace spine {

namespace {

constexpr double kDiscToleranceMm = 1.5, kBodyReachMm = 20;

/// The level cut by the plane {x : dot(x, normal) = t}.
std::string levelAt(double t, const Vec3& normal, const LevelTable& levels) {
  std::string best;
  double bestDistance = 1e30;
  for (const LevelEntry& d : levels.discs) {
    const double distance = std::abs(dot(d.centroid, normal) - t);
    if (d.voxels && distance <= 0.5 * d.heightMm + kDiscToleranceMm && distance < bestDistance) best = d.name, bestDistance = distance;
  }
  if (!best.empty()) return best;
  for (const LevelEntry& v : levels.vertebrae) {
    const double distance = std::abs(dot(v.centroid, normal) - t);
    if (v.voxels && distance <= kBodyReachMm && distance < bestDistance) best = v.name, bestDistance = distance;
  }
  return best;
}

}  // namespace

std::vector<AxialSeriesAssignment> assignAxialSlices(const Study& study, const LevelTable& levels) {
  std::vector<AxialSeriesAssignment> out;
  if (study.chosen < 0 || levels.discs.empty()) return out;
  const std::string frame = study.chosenSeries().first().frameOfReferenceUid;
  for (size_t i = 0; i < study.series.size(); ++i) {
    const Series& s = study.series[i];
    if (int(i) == study.chosen || !s.usable || s.isLocalizer || s.orientationLabel != "axial" || s.frames.empty()) continue;
    AxialSeriesAssignment a;
    a.seriesKey = s.key, a.description = s.first().seriesDescription, a.seriesNumber = s.seriesNumber;
    if (frame.empty() || s.first().frameOfReferenceUid != frame) {
      a.why = "its Frame of Reference UID (0020,0052) differs from the analysed series': the patient may have moved";
      out.push_back(a);
      continue;
    }
    a.assigned = true;
    const SeriesGeometry& g = s.geometry;
    for (size_t k = 0; k < s.frames.size() && k < g.framePositions.size(); ++k) {
      a.slices.push_back({k, s.frames[k].sopInstanceUid, g.framePositions[k], levelAt(g.framePositions[k], g.normal, levels)});
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace spine
