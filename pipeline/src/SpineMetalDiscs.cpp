// Disc candidates beside spinal hardware (see discsBesideMetal in SpineCtParts.h). Pedicle screws lie
// in a body's axial planes, and the beam-hardening band between them (-150 HU and more) empties the
// bone mask and darkens the HU profile at mid-body, which reads as one more disc; an interbody cage
// fills its disc space with metal, which reads as bone. Both move every name in a fused spine.
#include <algorithm>
#include <cmath>

#include "SpineCtParts.h"

namespace spine::ct {

namespace {

/// Largest metal area (mm2) in one axial plane within 2 mm of p (along the image's third axis, the
/// acquisition plane of an axial CT, where streaks lie) and within 50 mm of p in that plane.
double metalPlaneMm2(const CtImage& ct, const Vec3& p, double metalHu) {
  itk::Index<3> c;
  if (!toIndex(ct, p, c)) return 0;
  const auto sp = ct.GetSpacing();
  const auto region = ct.GetLargestPossibleRegion();
  const long rz = std::lround(2 / sp[2]), rx = std::lround(50 / sp[0]), ry = std::lround(50 / sp[1]);
  double best = 0;
  for (long dz = -rz; dz <= rz; ++dz) {
    size_t count = 0;
    for (long dy = -ry; dy <= ry; ++dy)
      for (long dx = -rx; dx <= rx; ++dx) {
        itk::Index<3> q{{c[0] + dx, c[1] + dy, c[2] + dz}};
        if (region.IsInside(q) && ct.GetPixel(q) >= metalHu) ++count;
      }
    best = std::max(best, double(count) * sp[0] * sp[1]);
  }
  return best;
}

/// Median distance between consecutive candidates that metal does not put in doubt; 0 when fewer
/// than two such spacings.
double typicalSpacing(const std::vector<DiscCandidate>& discs, const std::vector<bool>& doubtful) {
  std::vector<double> gaps;
  for (size_t i = 1; i < discs.size(); ++i)
    if (!doubtful[i] && !doubtful[i - 1]) gaps.push_back(distance(discs[i].centre, discs[i - 1].centre));
  if (gaps.size() < 2) return 0;
  std::nth_element(gaps.begin(), gaps.begin() + long(gaps.size() / 2), gaps.end());
  return gaps[gaps.size() / 2];
}

/// Irregularity of the spacing of a chain of discs: the sum of (gap / spacing - 1)^2.
double spacingCost(const std::vector<Vec3>& chain, double spacing) {
  double cost = 0;
  for (size_t i = 1; i < chain.size(); ++i) cost += std::pow(distance(chain[i], chain[i - 1]) / spacing - 1, 2);
  return cost;
}

/// Between two trusted discs a and b: the subset of the doubtful candidates (and of a cage's disc,
/// when one was found) that spaces the chain most evenly. A screw band that stands where a disc is
/// hidden (a radiolucent cage, streaks across the disc plane) is kept when dropping it would leave a
/// gap of two vertebrae; a band in the middle of a body is dropped.
std::vector<DiscCandidate> evenestBetween(const DiscCandidate& a, const DiscCandidate& b,
                                          const std::vector<DiscCandidate>& options, double spacing) {
  std::vector<DiscCandidate> best;
  double bestCost = 1e18;
  const size_t n = std::min<size_t>(options.size(), 10);
  for (size_t mask = 0; mask < (size_t(1) << n); ++mask) {
    std::vector<DiscCandidate> pick;
    for (size_t i = 0; i < n; ++i)
      if (mask >> i & 1) pick.push_back(options[i]);
    std::vector<Vec3> chain{a.centre};
    for (const DiscCandidate& d : pick) chain.push_back(d.centre);
    chain.push_back(b.centre);
    const double cost = spacingCost(chain, spacing);
    if (cost < bestCost) bestCost = cost, best = pick;
  }
  return best;
}

/// A doubtful candidate kept between a and b stands for a disc that metal hides: its own place is
/// the screw band's, mid-body, so the kept ones are spread evenly along the centreline between a
/// and b (unless a cage's disc is among them: that one is evidence and the others stay put).
std::vector<DiscCandidate> standInsPlaced(const std::vector<Vec3>& line, const DiscCandidate& a, const DiscCandidate& b,
                                          std::vector<DiscCandidate> kept) {
  for (const DiscCandidate& d : kept)
    if (d.placement == DiscPlacement::Cage) return kept;
  for (size_t j = 0; j < kept.size(); ++j) {
    const size_t at = a.index + (b.index - a.index) * (j + 1) / (kept.size() + 1);
    kept[j].index = at, kept[j].centre = line[at], kept[j].normal = tangentAt(line, at);
    kept[j].placement = DiscPlacement::Spacing;
  }
  return kept;
}

/// Fraction of metal over a disc of 10 mm radius perpendicular to the column at centreline point i.
double metalOnAxis(const CtImage& ct, const std::vector<Vec3>& line, size_t i, double metalHu) {
  return meanOverDisc(line[i], tangentAt(line, i), 10, [&](const Vec3& q) {
    itk::Index<3> idx;
    return toIndex(ct, q, idx) ? (ct.GetPixel(idx) >= metalHu ? 1.0 : 0.0) : NAN;
  });
}

/// A cage's disc in the gap between candidates a and b: the middle of the centreline points with
/// metal over 30 % of the column's cross-section, when it leaves at least half the typical spacing
/// to each side.
bool cageBetween(const CtImage& ct, const std::vector<Vec3>& line, const DiscCandidate& a, const DiscCandidate& b,
                 double spacing, double metalHu, DiscCandidate& cage) {
  std::vector<size_t> onAxis;
  for (size_t i = a.index + 1; i < b.index; ++i) {
    if (metalOnAxis(ct, line, i, metalHu) >= 0.3) onAxis.push_back(i);
  }
  if (onAxis.empty()) return false;
  const size_t m = onAxis[onAxis.size() / 2];
  if (distance(line[m], a.centre) < 0.5 * spacing || distance(line[m], b.centre) < 0.5 * spacing) return false;
  cage = {m, line[m], tangentAt(line, m), distance(line[onAxis.front()], line[onAxis.back()]), 0};
  cage.boneFraction = 1, cage.hu = 300, cage.placement = DiscPlacement::Cage;
  return true;
}

}  // namespace

std::vector<DiscCandidate> discsBesideMetal(const CtImage& ct, const std::vector<Vec3>& line,
                                            std::vector<DiscCandidate> discs, const SegmentationParams& p) {
  std::vector<bool> doubtful(discs.size());
  bool anyMetal = false;
  for (size_t i = 0; i < discs.size(); ++i) {
    const bool screwPlane = metalPlaneMm2(ct, discs[i].centre, p.metalHu) >= p.screwPlaneMm2;
    const bool readsAsDisc = discs[i].boneFraction <= 0.2 && discs[i].hu >= 40;
    doubtful[i] = screwPlane && !readsAsDisc;
    anyMetal |= screwPlane;
  }
  const double spacing = typicalSpacing(discs, doubtful);
  if (!anyMetal || spacing <= 0) return discs;
  std::vector<DiscCandidate> out;
  size_t lastTrusted = discs.size();  // none yet
  std::vector<DiscCandidate> pending;  // doubtful since the last trusted disc
  for (size_t i = 0; i < discs.size(); ++i) {
    if (doubtful[i]) {
      pending.push_back(discs[i]);
      continue;
    }
    if (lastTrusted == discs.size()) {  // doubtful below the first trusted disc: kept unless within 0.75 of a spacing
      for (const DiscCandidate& d : pending)
        if (distance(d.centre, discs[i].centre) >= 0.75 * spacing) out.push_back(d);
    } else {
      DiscCandidate cage{};
      if (cageBetween(ct, line, discs[lastTrusted], discs[i], spacing, p.metalHu, cage)) pending.push_back(cage);
      std::sort(pending.begin(), pending.end(), [](const DiscCandidate& x, const DiscCandidate& y) { return x.index < y.index; });
      for (const DiscCandidate& d : standInsPlaced(line, discs[lastTrusted], discs[i], evenestBetween(discs[lastTrusted], discs[i], pending, spacing)))
        out.push_back(d);
    }
    pending.clear();
    out.push_back(discs[i]);
    lastTrusted = i;
  }
  for (const DiscCandidate& d : pending)  // doubtful above the last trusted disc
    if (lastTrusted == discs.size() || distance(d.centre, discs[lastTrusted].centre) >= 0.75 * spacing) out.push_back(d);
  return out;
}

}  // namespace spine::ct
