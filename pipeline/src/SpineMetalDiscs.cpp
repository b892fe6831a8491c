// Disc candidates beside spinal hardware (see discsBesideMetal in SpineCtParts.h). Pedicle screws lie
// in a body's axial planes, and the beam-hardening band between them (-150 HU and more) empties the
// bone mask and darkens the HU profile at mid-body, which reads as one more disc; an interbody cage
// fills its disc space with metal or PEEK, which reads as bone (below the lowest disc nothing else shows
// the disc missing: discAtCageBelow). Both move every name in a fused spine.
#include <algorithm>
#include <cmath>

#include <itkLinearInterpolateImageFunction.h>

#include "SpineCtParts.h"
#include "spine/ImageRegion.h"
#include "spine/Metal.h"

namespace spine::ct {

namespace {

constexpr double kPlaneHalfWidthMm = 50;  ///< metal "in a trough's plane": within this of the column each way

/// Whether voxel q is metal (its value first: the search is only for bright voxels).
bool isMetal(const CtImage& ct, const MetalVoxels& metal, const itk::Index<3>& q) {
  return ct.GetPixel(q) >= metal.growHu && metal.contains(long(ct.ComputeOffset(q)));
}

/// Largest metal area (mm2) in one axial plane within 2 mm of p (along the image's third axis, the
/// acquisition plane of an axial CT, where streaks lie) and within halfWidthMm of p along each axis of
/// that plane.
double metalPlaneMm2(const CtImage& ct, const Vec3& p, const MetalVoxels& metal, double halfWidthMm) {
  itk::Index<3> c;
  if (!toIndex(ct, p, c)) return 0;
  const auto sp = ct.GetSpacing();
  const auto region = ct.GetLargestPossibleRegion();
  const long rz = std::lround(2 / sp[2]), rx = std::lround(halfWidthMm / sp[0]), ry = std::lround(halfWidthMm / sp[1]);
  double best = 0;
  for (long dz = -rz; dz <= rz; ++dz) {
    size_t count = 0;
    for (long dy = -ry; dy <= ry; ++dy)
      for (long dx = -rx; dx <= rx; ++dx) {
        itk::Index<3> q{{c[0] + dx, c[1] + dy, c[2] + dz}};
        if (region.IsInside(q) && isMetal(ct, metal, q)) ++count;
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

/// Vertebrae grow taller down the column (thoracic 25-28 mm, lumbar 30-38 mm), so the gap between
/// trusted discs a and b is measured against the trusted gaps just below and above it (their mean),
/// or the typical spacing when neither is trusted.
double spacingAround(const std::vector<DiscCandidate>& discs, const std::vector<bool>& doubtful, size_t a, size_t b,
                     double typical) {
  double sum = 0;
  int n = 0;
  if (a > 0 && !doubtful[a - 1]) sum += distance(discs[a - 1].centre, discs[a].centre), ++n;
  if (b + 1 < discs.size() && !doubtful[b + 1]) sum += distance(discs[b].centre, discs[b + 1].centre), ++n;
  return n ? sum / n : typical;
}

/// Between two trusted discs a and b, the discs metal hides: as many as the gap holds vertebrae
/// (its length over the typical spacing) less one. A screw band sits mid-body, half a vertebra from
/// any disc, so a doubtful candidate's own place is never used: metal cages are, when there is one
/// for each hidden disc within a quarter spacing of where even spacing puts it; otherwise the hidden
/// discs are spread evenly between a and b.
std::vector<DiscCandidate> hiddenDiscs(const std::vector<Vec3>& line, const DiscCandidate& a, const DiscCandidate& b,
                                       const std::vector<DiscCandidate>& cages, double spacing) {
  const long k = discsHiddenIn(distance(a.centre, b.centre), spacing);
  if (k <= 0) return {};
  std::vector<DiscCandidate> out;
  bool cagesFit = long(cages.size()) == k;
  for (long j = 1; j <= k; ++j) {
    const DiscCandidate d = placedBySpacing(line, evenlyBetween(a.index, b.index, j, k), a, b);
    // Screw tips that cross the midline (a medial breach) are metal on the axis too, but mid-body.
    cagesFit = cagesFit && distance(cages[size_t(j - 1)].centre, d.centre) <= 0.25 * spacing;
    out.push_back(d);
  }
  return cagesFit ? cages : out;
}

/// Fraction of metal over a disc of 10 mm radius perpendicular to the column at centreline point i.
double metalOnAxis(const CtImage& ct, const std::vector<Vec3>& line, size_t i, const MetalVoxels& metal) {
  return meanOverDisc(line[i], tangentAt(line, i), 10, [&](const Vec3& q) {
    itk::Index<3> idx;
    return toIndex(ct, q, idx) ? (isMetal(ct, metal, idx) ? 1.0 : 0.0) : NAN;
  });
}

/// A cage's disc in the gap between candidates a and b: the middle of the centreline points with
/// metal over 30 % of the column's cross-section, when it leaves at least half the typical spacing
/// to each side.
bool cageBetween(const CtImage& ct, const std::vector<Vec3>& line, const DiscCandidate& a, const DiscCandidate& b,
                 double spacing, const MetalVoxels& metal, DiscCandidate& cage) {
  std::vector<size_t> onAxis;
  for (size_t i = a.index + 1; i < b.index; ++i) {
    if (metalOnAxis(ct, line, i, metal) >= 0.3) onAxis.push_back(i);
  }
  if (onAxis.empty()) return false;
  const size_t m = onAxis[onAxis.size() / 2];
  if (distance(line[m], a.centre) < 0.5 * spacing || distance(line[m], b.centre) < 0.5 * spacing) return false;
  cage = {m, line[m], tangentAt(line, m), distance(line[onAxis.front()], line[onAxis.back()]), 0};
  cage.boneFraction = 1, cage.hu = 300, cage.placement = DiscPlacement::Cage;
  return true;
}

/// Mean and spread (SD) of the HU over a disc of 7 mm radius perpendicular to the column at point i.
std::pair<double, double> axisHuSpread(const itk::LinearInterpolateImageFunction<CtImage, double>& f,
                                       const std::vector<Vec3>& line, size_t i) {
  auto at = [&](const Vec3& q, bool squared) {
    CtImage::PointType pt(q.data());
    if (!f.IsInsideBuffer(pt)) return double(NAN);
    const double v = f.Evaluate(pt);
    return squared ? v * v : v;
  };
  const Vec3 n = tangentAt(line, i);
  const double mean = meanOverDisc(line[i], n, 7, [&](const Vec3& q) { return at(q, false); });
  const double square = meanOverDisc(line[i], n, 7, [&](const Vec3& q) { return at(q, true); });
  return {mean, std::sqrt(std::max(square - mean * mean, 0.0))};
}

}  // namespace

std::vector<DiscCandidate> discAtCageBelow(const CtImage& ct, const std::vector<Vec3>& line, std::vector<DiscCandidate> discs,
                                           const SegmentationParams& p) {
  const size_t trusted = size_t(std::find_if(discs.begin(), discs.end(), [](const DiscCandidate& d) { return !d.keptBesideMetal; }) -
                                 discs.begin());
  if (trusted + 2 > discs.size()) return discs;
  auto f = itk::LinearInterpolateImageFunction<CtImage, double>::New();
  f->SetInputImage(&ct);
  const DiscCandidate& lowest = discs[trusted];
  const double spacing = distance(lowest.centre, discs[trusted + 1].centre);
  std::vector<double> body;  // the vertebra just below the lowest disc, where no streak roughens it
  std::vector<std::pair<size_t, double>> smooth;  // centreline points of uniform material: index, mean HU
  for (size_t i = lowest.index; i-- > 0;) {
    const double d = distance(line[i], lowest.centre);
    if (d > (1 + p.cageSearchFraction) * spacing) break;
    const auto [mean, sd] = axisHuSpread(*f, line, i);
    if (d >= 0.2 * spacing && d <= 0.6 * spacing && sd <= p.cageSdHu) body.push_back(mean);
    // Uniform for its own level: PEEK within cageSdHu, a metal cage's 4400 HU within 5 %.
    if (d >= (1 - p.cageSearchFraction) * spacing && sd <= std::max(p.cageSdHu, p.cageRelativeSd * mean))
      smooth.push_back({i, mean});
  }
  if (body.empty() || smooth.empty()) return discs;
  std::nth_element(body.begin(), body.begin() + long(body.size() / 2), body.end());
  const double bodyHu = body[body.size() / 2];
  // The longest run of consecutive smooth points brighter than that body.
  size_t bestFrom = 0, bestLength = 0;
  for (size_t a = 0; a < smooth.size();) {
    size_t b = a;
    while (b < smooth.size() && smooth[b].second >= bodyHu + p.cageAboveBodyHu &&
           (b == a || smooth[b - 1].first == smooth[b].first + 1))
      ++b;
    if (b - a > bestLength) bestFrom = a, bestLength = b - a;
    a = std::max(b, a + 1);
  }
  if (bestLength == 0) return discs;
  const size_t top = smooth[bestFrom].first, bottom = smooth[bestFrom + bestLength - 1].first;
  const double runMm = distance(line[top], line[bottom]);
  if (runMm < p.cageMinRunMm || runMm > p.cageMaxRunMm) return discs;
  const size_t m = (top + bottom) / 2;
  DiscCandidate cage{m, line[m], tangentAt(line, m), runMm, 0};
  cage.boneFraction = 1, cage.hu = 300, cage.placement = DiscPlacement::Cage;
  discs.erase(discs.begin(), discs.begin() + long(trusted));
  discs.insert(discs.begin(), cage);
  return discs;
}

std::vector<DiscCandidate> discsBesideMetal(const CtImage& ct, const std::vector<Vec3>& line,
                                            std::vector<DiscCandidate> discs, const SegmentationParams& p) {
  const MetalVoxels metal = findMetal(ct, p.metal, regionAround(ct, line, kPlaneHalfWidthMm + 5));
  if (metal.flat.empty()) return discs;
  std::vector<bool> doubtful(discs.size());
  bool anyMetal = false;
  for (size_t i = 0; i < discs.size(); ++i) {
    // A trough that does not read as disc is in doubt beside any metal (two rods: 30 mm2 and more), one
    // brighter than disc tissue beside a screw, and one with the screws' shafts near the axis whatever
    // it reads as (in osteoporotic bone the band between shafts reads 80 HU, as disc does).
    const double area = metalPlaneMm2(ct, discs[i].centre, metal, kPlaneHalfWidthMm);
    const bool screwPlane = area >= p.screwPlaneMm2;
    const bool shaftsNearAxis = screwPlane && metalPlaneMm2(ct, discs[i].centre, metal, p.screwAxisMm) >= p.screwPlaneMm2;
    doubtful[i] = (area >= p.rodPlaneMm2 && !readsAsDisc(discs[i])) || (screwPlane && discs[i].hu > p.screwPlaneDiscHu) ||
                  shaftsNearAxis;
    anyMetal |= screwPlane || doubtful[i];
  }
  const double spacing = typicalSpacing(discs, doubtful);
  if (!anyMetal || spacing <= 0) return discs;
  std::vector<DiscCandidate> out;
  size_t lastTrusted = discs.size();   // none yet
  std::vector<DiscCandidate> pending;  // doubtful since the last trusted disc
  for (size_t i = 0; i < discs.size(); ++i) {
    if (doubtful[i]) {
      pending.push_back(discs[i]);
      continue;
    }
    if (lastTrusted == discs.size()) {  // doubtful below the first trusted disc: kept unless within 0.75 of a spacing
      for (DiscCandidate& d : pending)
        if (distance(d.centre, discs[i].centre) >= 0.75 * spacing) d.keptBesideMetal = true, out.push_back(d);
    } else if (!pending.empty() || distance(discs[lastTrusted].centre, discs[i].centre) >= 1.5 * spacing) {
      std::vector<DiscCandidate> cages;
      DiscCandidate cage{};
      if (cageBetween(ct, line, discs[lastTrusted], discs[i], spacing, metal, cage)) cages.push_back(cage);
      const double local = spacingAround(discs, doubtful, lastTrusted, i, spacing);
      for (const DiscCandidate& d : hiddenDiscs(line, discs[lastTrusted], discs[i], cages, local)) out.push_back(d);
    }
    pending.clear();
    out.push_back(discs[i]);
    lastTrusted = i;
  }
  for (const DiscCandidate& d : pending)  // doubtful above the last trusted disc
    if (lastTrusted == discs.size() || distance(d.centre, discs[lastTrusted].centre) >= 0.75 * spacing)
      out.push_back(d);
  return out;
}

}  // namespace spine::ct
