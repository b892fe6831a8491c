#pragma once
// Internal steps of segmentSpineCt(), one file each.
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "spine/SpineSegmentation.h"

namespace spine::ct {

constexpr float kArchHu = 150;  ///< the arch's bone on the coarse grid (block means of cortex)

/// The CT on the column's coarse grid (localiseMm): block means, clamped to [-200, 200] HU first so
/// that cortex counts no more than marrow (thick bodies win over thin arches), with contrast-enhanced
/// blood and organs read as soft tissue (SpineCoarseGrid.cpp).
struct CoarseCt {
  itk::Image<float, 3>::Pointer grid;
  std::vector<std::uint8_t> enhanced;  ///< per coarse voxel: taken as blood or an enhanced organ
  /// Clears the voxels of `mask` (on the CT's grid) that lie in enhanced tissue and are not dense.
  void clearEnhanced(const CtImage& ct, itk::Image<std::uint8_t, 3>& mask) const;
};
CoarseCt coarseCt(const CtImage& ct, const SegmentationParams& p);

/// Bone with enclosed marrow: HU >= boneHu, less contrast-enhanced blood and organs, plus holes of
/// each axial slice that are small or whose mean is at least `marrowHu` (the canal and discs stay open).
itk::Image<std::uint8_t, 3>::Pointer boneMask(const CtImage& ct, const CoarseCt& coarse, const SegmentationParams& p,
                                              double marrowHu);

/// The HU between disc (15th percentile along the column) and marrow (60th): marrow density
/// differs tenfold between a young adult and an osteoporotic patient, so no fixed number works.
double marrowThreshold(const CtImage& ct, const std::vector<Vec3>& centreline);

/// Centreline through the vertebral bodies, caudal to cranial, resampled ~1 mm apart; empty when
/// no column is found.
std::vector<Vec3> findCentreline(const CtImage& ct, const CoarseCt& coarse, const SegmentationParams& p);

struct DiscCandidate {
  size_t index;  ///< into the centreline
  Vec3 centre, normal;
  double heightMm, prominenceHu;  ///< prominence: drop of the bone fraction (0-1)
  double boneFraction = 0, hu = 0;  ///< the profiles at the trough (bone fraction 0-1, clamped HU)
  DiscPlacement placement = DiscPlacement::Trough;
  bool keptBesideMetal = false;  ///< a doubtful trough below every trusted disc, kept for want of a better one
  bool cutByField = false;       ///< only part of its height is in view (discAtFieldEdge)
};

/// Discs as dips of the bone profile along the centreline, each with its plane refined.
std::vector<DiscCandidate> findDiscs(const CtImage& ct, const itk::Image<std::uint8_t, 3>& bone,
                                     const std::vector<Vec3>& centreline, double marrowHu, const SegmentationParams& p);

/// The disc between the column's last vertebra at one end (`top`: the cranial end) and the field's
/// edge, beyond the centreline's end; nullopt when none is seen (SpineProfile.cpp says how).
std::optional<DiscCandidate> discAtFieldEdge(const CtImage& ct, const itk::Image<std::uint8_t, 3>& bone,
                                             const std::vector<Vec3>& centreline, const std::vector<DiscCandidate>& discs,
                                             double marrowHu, bool top, const SegmentationParams& p);

/// Whether a candidate reads as disc tissue where it was found (at a trough): little bone left in its
/// plane and no darker than disc (a streak band or a half-emptied body does not).
inline bool readsAsDisc(const DiscCandidate& d) {
  return d.placement == DiscPlacement::Trough && d.boneFraction <= 0.2 && d.hu >= 40;
}

/// Metal changes the profiles: the dark band between two pedicle screws empties a body's plane like
/// a disc, and an interbody cage fills a disc space like bone. Troughs in a plane crossed by
/// screw-sized metal that do not read as disc (bone left in the plane, darker than disc tissue, or
/// brighter than it: the band between two screws mixes bone and streaks at 166-192 HU), and troughs
/// with a screw's metal near the column's axis (the shafts; in osteoporotic bone the band reads as
/// disc) are doubtful and dropped; between two trusted discs, as many discs as the gap holds
/// vertebrae less one are put back: at metal cages on the column's axis where even spacing expects
/// them, else placed by the spacing (DiscPlacement says which).
std::vector<DiscCandidate> discsBesideMetal(const CtImage& ct, const std::vector<Vec3>& centreline,
                                            std::vector<DiscCandidate> discs, const SegmentationParams& p);

/// The disc below the lowest one found, when an interbody cage fills it: a cage's disc space reads
/// as bone in both profiles (metal, or PEEK at 300 HU, brighter than many bodies), and below the
/// lowest disc no gap between two discs shows it missing (an L5-S1 cage joined L5 to the sacrum).
/// The search starts at the lowest trusted disc; a cage found there replaces the doubtful troughs
/// kept below it (the band between S1 screws, under an L5-S1 cage).
std::vector<DiscCandidate> discAtCageBelow(const CtImage& ct, const std::vector<Vec3>& line, std::vector<DiscCandidate> discs,
                                           const SegmentationParams& p);

/// Mean of sample(q) over a disc of `radius` mm at p perpendicular to n (centre and two rings of
/// 12); sample returns NaN outside the image. NaN when no sample was inside.
template <typename Sample>
double meanOverDisc(const Vec3& p, const Vec3& n, double radius, Sample sample) {
  Vec3 a = normalized(cross(n, std::abs(n[0]) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0})), b = cross(n, a);
  double sum = 0;
  int count = 0;
  for (double r : {0.0, radius / 2, radius})
    for (int s = 0; s < (r == 0 ? 1 : 12); ++s) {
      double th = 2 * M_PI * s / 12, v = sample(axpy(axpy(p, r * std::cos(th), a), r * std::sin(th), b));
      if (!std::isnan(v)) sum += v, ++count;
    }
  return count ? sum / count : NAN;
}

/// Tangent of the centreline at i (unit, cranial), over `halfWindow` points (~mm) either side.
Vec3 tangentAt(const std::vector<Vec3>& line, size_t i, size_t halfWindow = 5);

/// Discs hidden in a gap of `gapMm` between two discs: as many as it holds vertebrae `spacing` mm
/// tall, less one (metal and faint-endplate gaps both count this way).
inline long discsHiddenIn(double gapMm, double spacing) { return std::lround(gapMm / spacing) - 1; }

/// The j-th of k points spread evenly between centreline indices a and b (j = 1..k).
inline size_t evenlyBetween(size_t a, size_t b, long j, long k) { return a + (b - a) * size_t(j) / size_t(k + 1); }

/// A disc placed at centreline point `at` by the spacing of the discs below and above it (height
/// their mean).
inline DiscCandidate placedBySpacing(const std::vector<Vec3>& line, size_t at, const DiscCandidate& below,
                                     const DiscCandidate& above) {
  DiscCandidate d{at, line[at], tangentAt(line, at), (below.heightMm + above.heightMm) / 2, 0};
  d.placement = DiscPlacement::Spacing;
  return d;
}

/// Every 4-connected component of background pixels (bg(i) true) of an nx x ny plane, with whether
/// it touches the plane's border and the non-background pixels bordering it: fn(component,
/// touchesBorder, boundary), indices into the plane. Both hole fillings (marrow in the bone mask,
/// marrow in a label) use it. Only the box round the non-background pixels, a pixel wider, is
/// searched: what touches that rim joins the background outside, so it counts as touching the
/// border, and only its part inside the box is listed (on a 512 x 512 x 400 CT, flooding whole
/// slices took about 1 s more of 9 s).
template <typename Background, typename OnComponent>
void forEachBackgroundComponent(size_t nx, size_t ny, Background bg, OnComponent fn) {
  size_t x0 = nx, x1 = 0, y0 = ny, y1 = 0;
  for (size_t y = 0; y < ny; ++y)
    for (size_t x = 0; x < nx; ++x)
      if (!bg(y * nx + x)) x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
  if (x0 > x1) return;
  x0 = x0 > 0 ? x0 - 1 : 0, y0 = y0 > 0 ? y0 - 1 : 0, x1 = std::min(nx - 1, x1 + 1), y1 = std::min(ny - 1, y1 + 1);
  const size_t wx = x1 - x0 + 1, wy = y1 - y0 + 1;
  auto full = [&](size_t w) { return (y0 + w / wx) * nx + x0 + w % wx; };
  std::vector<std::uint8_t> seen(wx * wy, 0);
  std::vector<size_t> stack, comp, boundary;
  for (size_t start = 0; start < wx * wy; ++start) {
    if (seen[start] || !bg(full(start))) continue;
    comp.clear(), boundary.clear();
    stack.assign(1, start);
    seen[start] = 1;
    bool border = false;
    while (!stack.empty()) {
      const size_t i = stack.back();
      stack.pop_back();
      comp.push_back(full(i));
      const size_t x = i % wx, y = i / wx;
      border |= x == 0 || y == 0 || x + 1 == wx || y + 1 == wy;
      for (size_t n : {x > 0 ? i - 1 : i, x + 1 < wx ? i + 1 : i, y > 0 ? i - wx : i, y + 1 < wy ? i + wx : i}) {
        if (!bg(full(n)))
          boundary.push_back(full(n));
        else if (!seen[n])
          seen[n] = 1, stack.push_back(n);
      }
    }
    fn(comp, border, boundary);
  }
}

/// Continuous index <-> physical helpers.
bool toIndex(const itk::ImageBase<3>& img, const Vec3& p, itk::Index<3>& idx);

}  // namespace spine::ct
