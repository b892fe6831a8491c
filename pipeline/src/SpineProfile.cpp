// Discs along the centreline: the fraction of bone (marrow-filled mask) over a small disc
// perpendicular to the column is ~1 in a body and drops towards 0 in every intervertebral disc. (A
// HU profile does not work: bright endplates make each body's cancellous centre a dip as deep as a
// disc.) Each dip's plane is refined by trying tilts around the tangent and keeping the thin slab
// with the least bone (discs are wedges: L5-S1 differs from the tangent by up to ~15 degrees).
#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include <itkLinearInterpolateImageFunction.h>

#include "SpineCtParts.h"
#include "spine/Metal.h"

namespace spine::ct {

namespace {

using Mask = itk::Image<std::uint8_t, 3>;

/// Fraction of bone over a disc of `radius` mm at p, perpendicular to n.
double discMean(const Mask& f, const Vec3& p, const Vec3& n, double radius) {
  return meanOverDisc(p, n, radius, [&](const Vec3& q) {
    itk::Index<3> idx;
    return toIndex(f, q, idx) ? (f.GetPixel(idx) ? 1.0 : 0.0) : NAN;
  });
}

/// Mean HU (clamped to [-100, 300], so bright endplates do not dominate) over a disc of `radius`
/// mm at p perpendicular to n.
double discMeanHu(const itk::LinearInterpolateImageFunction<CtImage, double>& f, const Vec3& p, const Vec3& n, double radius) {
  return meanOverDisc(p, n, radius, [&](const Vec3& q) {
    CtImage::PointType pt(q.data());
    return f.IsInsideBuffer(pt) ? std::clamp(f.Evaluate(pt), -100.0, 300.0) : NAN;
  });
}

/// The rim around the column at p (plane normal n): per ray over the front half of the plane (9
/// rays, from the patient's right through anterior to the left), the highest HU 5 to 25 mm out; the
/// median over the rays. At a body every ray meets its cortical shell, even an osteoporotic one
/// (whose marrow reads as disc); at a disc the rays cross annulus and soft tissue.
double rimHu(const itk::LinearInterpolateImageFunction<CtImage, double>& f, const Vec3& p, const Vec3& n, double metalHu) {
  const Vec3 across = cross(n, Vec3{0, 1, 0});  // the patient's left-right in the plane
  if (norm(across) < 1e-3) return NAN;         // a column running front to back: no such plane
  const Vec3 lat = normalized(across);
  Vec3 ant = normalized(cross(lat, n));
  if (ant[1] > 0) ant = scale(ant, -1);  // LPS: anterior is -y
  std::vector<double> maxima;
  for (int r = 0; r <= 8; ++r) {
    const double th = M_PI * r / 8;
    const Vec3 dir = axpy(scale(lat, std::cos(th)), std::sin(th), ant);
    double top = -1e9;
    for (double d = 5; d <= 25; d += 0.5) {
      CtImage::PointType pt(axpy(p, d, dir).data());
      if (f.IsInsideBuffer(pt)) top = std::max(top, f.Evaluate(pt));
    }
    if (top >= metalHu) return INFINITY;
    if (top > -1e9) maxima.push_back(top);
  }
  if (maxima.empty()) return NAN;
  std::nth_element(maxima.begin(), maxima.begin() + long(maxima.size() / 2), maxima.end());
  return maxima[maxima.size() / 2];
}

std::vector<double> smoothed(const std::vector<double>& v, double sigma) {
  int r = int(std::ceil(3 * sigma));
  std::vector<double> out(v.size(), NAN);
  for (size_t i = 0; i < v.size(); ++i) {
    double s = 0, w = 0;
    for (int d = -r; d <= r; ++d) {
      long j = long(i) + d;
      if (j < 0 || j >= long(v.size()) || std::isnan(v[size_t(j)])) continue;
      double k = std::exp(-0.5 * d * d / (sigma * sigma));
      s += k * v[size_t(j)], w += k;
    }
    if (w > 0) out[i] = s / w;
  }
  return out;
}

/// Tilts the plane normal around the tangent; keeps the darkest 3 mm slab of radius 10 mm.
Vec3 refineNormal(const Mask& f, const Vec3& c, const Vec3& t) {
  Vec3 a = normalized(cross(t, std::abs(t[0]) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0})), b = cross(t, a);
  Vec3 best = t;
  double bestValue = 1e18;
  for (int i = -3; i <= 3; ++i)
    for (int j = -3; j <= 3; ++j) {
      Vec3 n = normalized(rotate(rotate(t, a, i * 6 * M_PI / 180), b, j * 6 * M_PI / 180));
      double v = 0;
      for (double off : {-1.0, 0.0, 1.0}) v += discMean(f, axpy(c, off, n), n, 10);
      if (v < bestValue) bestValue = v, best = n;
    }
  return best;
}

struct Trough {
  size_t at;
  double value, prominence;  ///< prominence: the lower of the highest values within 15 mm each side, minus value
};

std::vector<Trough> troughsOf(const std::vector<double>& prof) {
  std::vector<Trough> out;
  const long window = 15;
  for (size_t i = 1; i + 1 < prof.size(); ++i) {
    if (std::isnan(prof[i]) || !(prof[i] <= prof[i - 1] && prof[i] < prof[i + 1])) continue;
    double left = -1e18, right = -1e18;
    for (long d = 1; d <= window; ++d) {
      if (long(i) - d >= 0 && !std::isnan(prof[size_t(long(i) - d)])) left = std::max(left, prof[size_t(long(i) - d)]);
      if (i + size_t(d) < prof.size() && !std::isnan(prof[i + size_t(d)])) right = std::max(right, prof[i + size_t(d)]);
    }
    out.push_back({i, prof[i], std::min(left, right) - prof[i]});
  }
  return out;
}

/// Width of a trough at half its prominence (the disc height along the column, mm at 1 mm steps).
double discWidth(const std::vector<double>& prof, const Trough& t) {
  double half = t.value + t.prominence / 2;
  size_t lo = t.at, hi = t.at;
  while (lo > 0 && prof[lo - 1] < half) --lo;
  while (hi + 1 < prof.size() && prof[hi + 1] < half) ++hi;
  return double(hi - lo + 1);
}

/// Osteoporotic marrow reads as disc (both 80-90 HU), so the troughs of bodies and discs do not
/// differ by value; only the endplates stand out. An endplate is a peak with the profile at least
/// discProminenceHu lower within 8 mm on both sides; a disc is the dip between two endplates at most
/// 16 mm apart (a lumbar body's two endplates are 25-35 mm apart).
std::vector<size_t> endplatePeaks(const std::vector<double>& hu, const SegmentationParams& p) {
  const long reach = 8, n = long(hu.size());
  std::vector<size_t> peaks;
  for (long i = 1; i + 1 < n; ++i) {
    if (std::isnan(hu[size_t(i)]) || !(hu[size_t(i)] >= hu[size_t(i - 1)] && hu[size_t(i)] > hu[size_t(i + 1)])) continue;
    double left = 1e18, right = 1e18;
    for (long d = 1; d <= reach; ++d) {
      if (i - d >= 0 && !std::isnan(hu[size_t(i - d)])) left = std::min(left, hu[size_t(i - d)]);
      if (i + d < n && !std::isnan(hu[size_t(i + d)])) right = std::min(right, hu[size_t(i + d)]);
    }
    if (hu[size_t(i)] - std::max(left, right) >= p.discProminenceHu) peaks.push_back(size_t(i));
  }
  return peaks;
}

/// Whether endplate peaks a and b are close enough to hold a disc between them, not a body.
bool closeEndplates(const std::vector<Vec3>& line, size_t a, size_t b) {
  return distance(line[a], line[b]) <= 16;
}

/// Whether sample m lies between two consecutive endplate peaks close enough to be a disc's.
bool betweenCloseEndplates(const std::vector<size_t>& peaks, const std::vector<Vec3>& line, size_t m) {
  for (size_t k = 1; k < peaks.size(); ++k)
    if (peaks[k - 1] < m && m < peaks[k]) return closeEndplates(line, peaks[k - 1], peaks[k]);
  return false;
}

std::vector<DiscCandidate> discsBetweenEndplates(const std::vector<double>& hu, const std::vector<Vec3>& line,
                                                 const SegmentationParams& p) {
  const std::vector<size_t> peaks = endplatePeaks(hu, p);
  std::vector<DiscCandidate> out;
  for (size_t k = 1; k < peaks.size(); ++k) {
    const size_t a = peaks[k - 1], b = peaks[k];
    if (!closeEndplates(line, a, b)) continue;
    const size_t m = size_t(std::min_element(hu.begin() + long(a), hu.begin() + long(b) + 1) - hu.begin());
    const double prominence = std::min(hu[a], hu[b]) - hu[m];
    if (prominence < p.discProminenceHu) continue;
    DiscCandidate d{m, line[m], tangentAt(line, m), discWidth(hu, Trough{m, hu[m], prominence}), prominence};
    if (!out.empty() && distance(out.back().centre, d.centre) < p.minVertebraMm) {
      if (d.prominenceHu > out.back().prominenceHu) out.back() = d;
      continue;
    }
    out.push_back(d);
  }
  return out;
}

/// Discs and bodies alternate, so two body troughs in a row hide a disc: when only one of them lies
/// between two close endplates, it is that disc. (The real 3 mm CT's L5-S1 reads 123 HU between
/// endplates of 204 and 213 HU 13 mm apart, brighter than its L5 body at 94 HU.) Likewise a disc
/// and a body trough side by side trade places when only the body lies between close endplates
/// (screws' metal elsewhere in the column had moved the split between disc and body values).
void discBetweenTwoBodies(const std::vector<double>& hu, const std::vector<Vec3>& line, const std::vector<Trough>& t,
                          const SegmentationParams& p, std::vector<bool>& isDisc) {
  const std::vector<size_t> peaks = endplatePeaks(hu, p);
  for (size_t j = 1; j < t.size(); ++j) {
    const bool first = betweenCloseEndplates(peaks, line, t[j - 1].at), second = betweenCloseEndplates(peaks, line, t[j].at);
    if (first == second) continue;
    if (!isDisc[j - 1] && !isDisc[j]) isDisc[first ? j - 1 : j] = true;
    else if (isDisc[j - 1] != isDisc[j] && isDisc[j - 1] != first) isDisc[j - 1] = first, isDisc[j] = second;
  }
}

/// Discs among the troughs of the HU profile. Faint marrow makes every body's centre a trough too
/// (its bright endplates flank it), but a disc trough is darker: the deep troughs split into two
/// groups by value (Otsu on the trough values); the darker group are the discs. When the values do
/// not separate (less than 15 HU apart), the discs are found between endplates instead.
std::vector<DiscCandidate> classifyTroughs(const std::vector<double>& hu, const std::vector<Vec3>& line,
                                           const SegmentationParams& p) {
  std::vector<Trough> t;
  for (const Trough& x : troughsOf(hu))
    if (x.prominence >= p.discProminenceHu) t.push_back(x);
  std::vector<double> v;
  for (const Trough& x : t) v.push_back(x.value);
  std::sort(v.begin(), v.end());
  double split = 1e9, best = -1;
  for (size_t k = 1; k < v.size(); ++k) {
    double lo = std::accumulate(v.begin(), v.begin() + k, 0.0) / k, hi = std::accumulate(v.begin() + k, v.end(), 0.0) / (v.size() - k);
    double between = double(k) * (v.size() - k) * (hi - lo) * (hi - lo);
    if (between > best && hi - lo >= 15) best = between, split = (v[k - 1] + v[k]) / 2;
  }
  // Discs and bodies alternate along the column: a two-state path over the troughs rewards dark
  // discs and bright bodies (distance from the split, HU) and charges 15 HU for two alike in a row,
  // so a trough just above the split between two bodies still reads as the disc it is.
  if (split >= 1e9 && t.size() >= 2) return discsBetweenEndplates(hu, line, p);
  std::vector<bool> isDisc(t.size(), true);
  if (split < 1e9 && !t.empty()) {
    const double same = 15;
    std::vector<std::array<double, 2>> cost(t.size());
    std::vector<std::array<int, 2>> from(t.size());
    for (size_t j = 0; j < t.size(); ++j)
      for (int state = 0; state < 2; ++state) {  // 0 body, 1 disc
        double own = state ? t[j].value - split : split - t[j].value;
        if (j == 0) {
          cost[j][size_t(state)] = own;
          continue;
        }
        double stay = cost[j - 1][size_t(state)] + same, change = cost[j - 1][size_t(1 - state)];
        cost[j][size_t(state)] = own + std::min(stay, change);
        from[j][size_t(state)] = stay <= change ? state : 1 - state;
      }
    int state = cost.back()[0] <= cost.back()[1] ? 0 : 1;
    for (size_t j = t.size(); j-- > 0;) {
      isDisc[j] = state == 1;
      if (j > 0) state = from[j][size_t(state)];
    }
    discBetweenTwoBodies(hu, line, t, p, isDisc);
  }
  std::vector<DiscCandidate> out;
  for (size_t j = 0; j < t.size(); ++j) {
    const Trough& x = t[j];
    bool disc = isDisc[j];
    if (!disc) continue;
    DiscCandidate d{x.at, line[x.at], tangentAt(line, x.at), discWidth(hu, x), x.prominence};
    if (!out.empty() && distance(out.back().centre, d.centre) < p.minVertebraMm) {
      if (d.prominenceHu > out.back().prominenceHu) out.back() = d;
      continue;
    }
    out.push_back(d);
  }
  return out;
}

/// The shortest of the (up to four) spacings nearest gap i of the chain (gap i: discs i and i+1),
/// itself left out; two missed discs in a row make a neighbouring gap long too, hence the shortest.
/// Gaps between discs that read as disc tissue are preferred (a leftover screw band makes a short
/// gap that would make every normal one look long); thick slices blur thoracic discs so that none
/// may, and then all nearby gaps count. 0 when there is none.
double localSpacing(const std::vector<DiscCandidate>& d, size_t i) {
  double clean = 0, any = 0;
  for (size_t j = i >= 2 ? i - 2 : 0; j + 1 < d.size() && j <= i + 2; ++j) {
    if (j == i) continue;
    const double gap = distance(d[j].centre, d[j + 1].centre);
    any = any == 0 ? gap : std::min(any, gap);
    if (readsAsDisc(d[j]) && readsAsDisc(d[j + 1])) clean = clean == 0 ? gap : std::min(clean, gap);
  }
  return clean > 0 ? clean : any;
}

/// A gap between two discs at least this many times the spacing around it (localSpacing) hides
/// discs: a vertebra's height changes little from one level to the next.
constexpr double kLongGap = 1.7;

/// The shortest and the longest vertebra-and-disc step of an adult spine (C3-C7; L3-L4 is about 40 mm).
constexpr double kMinStepMm = 15, kMaxStepMm = 50;

/// A body's centre lies midway between its discs, so one inside gap i near an end says the gap
/// holds more than that body: twice its distance to the nearer disc is a step. The shortest such
/// step of at least kMinStepMm; 0 when no body centre lies in the gap.
double stepFromBodies(const std::vector<DiscCandidate>& d, size_t i, const std::vector<Vec3>& line, const std::vector<size_t>& bodies) {
  double step = 0;
  for (size_t b : bodies) {
    if (b <= d[i].index || b >= d[i + 1].index) continue;
    const double s = 2 * std::min(distance(line[b], d[i].centre), distance(line[b], d[i + 1].centre));
    if (s >= kMinStepMm) step = step == 0 ? s : std::min(step, s);
  }
  return step;
}

/// The first disc of `sorted` (by centreline index) past index `at`.
std::vector<DiscCandidate>::const_iterator firstPast(const std::vector<DiscCandidate>& sorted, size_t at) {
  return std::upper_bound(sorted.begin(), sorted.end(), at, [](size_t a, const DiscCandidate& o) { return a < o.index; });
}

/// Puts d into `sorted` (by centreline index), keeping the order.
void insertByIndex(std::vector<DiscCandidate>& sorted, const DiscCandidate& d) { sorted.insert(firstPast(sorted, d.index), d); }

/// Whether a disc at `d` lies where the chain (`sorted` by index) hides one: in a gap long enough
/// to hide discs (kLongGap) and within a quarter of the spacing of where even spacing puts one of
/// them, as discsInGaps would place it; or beyond the chain's ends, or among too few discs to tell.
bool whereADiscIsHidden(const std::vector<DiscCandidate>& sorted, const std::vector<Vec3>& line, const DiscCandidate& d) {
  const auto next = firstPast(sorted, d.index);
  if (next == sorted.begin() || next == sorted.end()) return true;
  const size_t i = size_t(next - sorted.begin()) - 1;
  const double spacing = localSpacing(sorted, i);
  if (spacing <= 0) return true;
  const double gap = distance(sorted[i].centre, sorted[i + 1].centre);
  if (gap < kLongGap * spacing) return false;
  const long k = discsHiddenIn(gap, spacing);
  for (long j = 1; j <= k; ++j)
    if (distance(line[evenlyBetween(sorted[i].index, sorted[i + 1].index, j, k)], d.centre) <= spacing / 4) return true;
  return false;
}

/// A vertebra's height changes little from one level to the next, so a gap of kLongGap times the spacing
/// around it hides discs the profiles did not show clearly (a faint endplate, a fused or ossified
/// disc space: a block of two vertebrae still counts as two): as many as the gap holds vertebrae
/// less one, each at the deepest point of the profile within a sixth of the gap of where even
/// spacing puts it, marked as placed by the spacing. A body centre in the gap near one of its ends
/// (stepFromBodies) may shorten the spacing: thoracic steps are shorter than the lumbar ones next to
/// them (osteoporosis-thoracolumbar-thick-ct: T12-L1 was missed between L1-L2 and T11-T12, 58 mm apart
/// with lumbar steps of 34-38 mm, while T12's centre lay 15 mm under T11-T12).
std::vector<DiscCandidate> discsInGaps(const std::vector<DiscCandidate>& discs, const std::vector<Vec3>& line,
                                       const std::vector<double>& profile, const std::vector<size_t>& bodies) {
  std::vector<DiscCandidate> out;
  for (size_t i = 0; i < discs.size(); ++i) {
    out.push_back(discs[i]);
    double spacing = i + 1 < discs.size() ? localSpacing(discs, i) : 0;
    if (spacing <= 0) continue;
    if (const double fromBodies = stepFromBodies(discs, i, line, bodies); fromBodies > 0) spacing = std::min(spacing, fromBodies);
    const double gap = distance(discs[i].centre, discs[i + 1].centre);
    const long k = gap >= kLongGap * spacing ? discsHiddenIn(gap, spacing) : 0;
    const size_t a = discs[i].index, b = discs[i + 1].index, window = (b - a) / size_t(6 * (k + 1));
    for (long j = 1; j <= k; ++j) {
      const size_t even = evenlyBetween(a, b, j, k);
      size_t m = even;
      for (size_t q = even - window; q <= even + window; ++q)
        if (!std::isnan(profile[q]) && (std::isnan(profile[m]) || profile[q] < profile[m])) m = q;
      out.push_back(placedBySpacing(line, m, discs[i], discs[i + 1]));
    }
  }
  return out;
}

/// The rim at sample i against the rim of what flanks it: rim[i] over the lower of the highest rims
/// within kFlankMm on either side (the shells of the bodies above and below a disc). NaN when a
/// side has no sample (the line's ends).
double rimAgainstFlanks(const std::vector<double>& rim, size_t i) {
  constexpr long kFlankMm = 15;  // samples are ~1 mm apart
  double left = NAN, right = NAN;
  for (long d = 1; d <= kFlankMm; ++d) {
    const long a = long(i) - d, b = long(i) + d;
    if (a >= 0 && !std::isnan(rim[size_t(a)])) left = std::isnan(left) ? rim[size_t(a)] : std::max(left, rim[size_t(a)]);
    if (b < long(rim.size()) && !std::isnan(rim[size_t(b)])) right = std::isnan(right) ? rim[size_t(b)] : std::max(right, rim[size_t(b)]);
  }
  return std::isnan(left) || std::isnan(right) ? NAN : rim[i] / std::min(left, right);
}

/// The HU profile's troughs told apart by the rim: discs, and the centres of bodies (by index).
struct RimChecked {
  std::vector<DiscCandidate> discs;
  std::vector<size_t> bodies;
};

/// Faint marrow reads as disc, so the HU profile's troughs mix discs and body centres; the rim
/// (rimHu) tells them apart, taken against the rims flanking it (rimAgainstFlanks: a global
/// level moves with what the rays meet, contrast vessels in front raised it by a quarter). On the
/// osteoporotic lumbar and thoracolumbar CT phantoms without metal, the discs the HU profile found
/// read 0.32-0.66 and the body centres it took for discs 0.72-0.97; the rim's own troughs at a disc
/// 0.42-0.56 in the lumbar spine (thoracic and T12-L1 discs 0.64-0.82, not told from bodies, which
/// read 0.67 and up). So a disc of the HU profile at kBodyRatio or more is a body's centre and is
/// dropped, unless it lies between two close endplates (the HU profile's own proof of a disc: the
/// real 3 mm CT's L5-S1, 13 mm between endplates, reads 0.92, its rays meeting the sacral alae
/// and the iliac wings), and a rim trough at kDiscRatio or less, kMinProminenceHu deep and kEdgeMm inside the
/// line, is a disc the HU profile missed (its endplates faint at 2.5 mm slices), the clearest first
/// and none within kMinStepMm of another disc (at 3 mm slices a body's lower half read 0.46, 11 mm
/// above its disc at 0.44: taking both, the spacing filled the column with discs), and only where
/// the chain hides a disc (whereADiscIsHidden: on osteoporosis-contrast-lumbar-ct a rim trough at
/// L4's centre split a regular 38 mm step in two, and the spacing then split L2, L3 and L5 as well;
/// on a 3 mm laminectomy case the trough at L3's centre lay 16 mm from where L3-L4 was hidden).
/// The troughs dropped are the bodies' centres. Metal on the rim (streaks, screws in the rays)
/// leaves the discs as they were.
RimChecked checkedByRim(const std::vector<DiscCandidate>& troughs, const std::vector<double>& rim, const std::vector<double>& hu,
                        const std::vector<Vec3>& line, const SegmentationParams& p) {
  constexpr double kBodyRatio = 0.7, kDiscRatio = 0.56, kMinProminenceHu = 60;
  constexpr size_t kEdgeMm = 10;
  if (std::any_of(rim.begin(), rim.end(), [](double r) { return std::isinf(r); })) return {troughs, {}};
  const std::vector<size_t> peaks = endplatePeaks(hu, p);
  RimChecked out;
  for (const DiscCandidate& d : troughs)
    if (rimAgainstFlanks(rim, d.index) >= kBodyRatio && !betweenCloseEndplates(peaks, line, d.index))
      out.bodies.push_back(d.index);
    else
      out.discs.push_back(d);
  std::vector<DiscCandidate>& discs = out.discs;
  std::vector<std::pair<double, Trough>> missed;  // (rim against flanks, trough), the clearest first
  for (const Trough& t : troughsOf(rim)) {
    if (t.prominence < kMinProminenceHu || t.at < kEdgeMm || t.at + kEdgeMm >= line.size()) continue;
    if (const double ratio = rimAgainstFlanks(rim, t.at); ratio <= kDiscRatio) missed.push_back({ratio, t});
  }
  std::sort(missed.begin(), missed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [ratio, t] : missed) {
    DiscCandidate d{t.at, line[t.at], tangentAt(line, t.at), discWidth(rim, t), t.prominence};
    bool near = false;
    for (const DiscCandidate& o : discs) near |= distance(o.centre, d.centre) < std::max(kMinStepMm, p.minVertebraMm);
    if (near || !whereADiscIsHidden(discs, line, d)) continue;
    insertByIndex(discs, d);
  }
  return out;
}

/// Faint marrow at thick slices: a thin thoracic disc blurs with its two endplates into one band
/// brighter than the marrow, so there the profile's troughs are the bodies' centres and the disc is
/// no trough at all (osteoporosis-contrast-ct at 2.5 mm: T9-T10 read 117-125 HU between bodies of
/// 85-89; the rim took those troughs for bodies). Between two consecutive body centres with no disc
/// between them, kMinStepMm to kMaxStepMm apart, the disc is the brightest sample when that is at
/// least discProminenceHu above both; its height is the band's width at half that rise.
std::vector<DiscCandidate> discsBetweenBodies(RimChecked checked, const std::vector<double>& hu, const std::vector<Vec3>& line,
                                              const SegmentationParams& p) {
  std::vector<DiscCandidate>& discs = checked.discs;
  const std::vector<size_t>& b = checked.bodies;
  for (size_t k = 1; k < b.size(); ++k) {
    const double step = distance(line[b[k - 1]], line[b[k]]);
    const bool discBetween = std::any_of(discs.begin(), discs.end(), [&](const DiscCandidate& d) { return d.index > b[k - 1] && d.index < b[k]; });
    if (discBetween || step < kMinStepMm || step > kMaxStepMm) continue;
    const size_t m = size_t(std::max_element(hu.begin() + long(b[k - 1]), hu.begin() + long(b[k])) - hu.begin());
    const double rise = hu[m] - std::max(hu[b[k - 1]], hu[b[k]]);
    if (!(rise >= p.discProminenceHu)) continue;
    const double half = hu[m] - rise / 2;
    size_t lo = m, hi = m;
    while (lo > b[k - 1] && hu[lo - 1] > half) --lo;
    while (hi + 1 < b[k] && hu[hi + 1] > half) ++hi;
    DiscCandidate d{m, line[m], tangentAt(line, m), double(hi - lo + 1), rise};
    d.placement = DiscPlacement::EndplateBand;
    insertByIndex(discs, d);
  }
  return discs;
}

/// Points 1 mm apart from the centreline's sample `from` to its end (`top`: the cranial end), then on
/// along the end's tangent to the field's edge, each with the column's cranial direction there.
struct Ray {
  std::vector<Vec3> at, along;
};
Ray towardsFieldEdge(const Mask& bone, const std::vector<Vec3>& line, size_t from, bool top) {
  Ray r;
  const size_t end = top ? line.size() - 1 : 0;
  for (size_t i = from;; i = top ? i + 1 : i - 1) {
    r.at.push_back(line[i]), r.along.push_back(tangentAt(line, i));
    if (i == end) break;
  }
  const Vec3 cranial = tangentAt(line, end, 20), out = scale(cranial, top ? 1 : -1);
  itk::Index<3> idx;
  for (double t = 1; toIndex(bone, axpy(line[end], t, out), idx); t += 1) r.at.push_back(axpy(line[end], t, out)), r.along.push_back(cranial);
  return r;
}

/// The first run of samples of the bone fraction under kGapFraction after one of kBodyFraction or
/// more at least `from` mm along: its first and last sample, or nullopt.
constexpr double kBodyFraction = 0.7, kGapFraction = 0.3;
std::optional<std::pair<size_t, size_t>> gapAfterBody(const std::vector<double>& frac, const std::vector<double>& along,
                                                     double from) {
  size_t k = 0;
  while (k < frac.size() && !(along[k] >= from && frac[k] >= kBodyFraction)) ++k;
  while (k < frac.size() && frac[k] >= kGapFraction) ++k;
  if (k == frac.size()) return std::nullopt;
  const size_t a = k;
  while (k < frac.size() && frac[k] < kGapFraction) ++k;
  return std::make_pair(a, k - 1);
}

}  // namespace

double marrowThreshold(const CtImage& ct, const std::vector<Vec3>& line) {
  auto f = itk::LinearInterpolateImageFunction<CtImage, double>::New();
  f->SetInputImage(&ct);
  std::vector<double> v;
  for (size_t i = 0; i < line.size(); ++i) {
    Vec3 t = tangentAt(line, i), a = normalized(cross(t, Vec3{1, 0, 0})), b = cross(t, a);
    for (int s = 0; s < 8; ++s) {
      double th = 2 * M_PI * s / 8;
      Vec3 q = axpy(axpy(line[i], 5 * std::cos(th), a), 5 * std::sin(th), b);
      CtImage::PointType pt(q.data());
      if (f->IsInsideBuffer(pt)) v.push_back(f->Evaluate(pt));
    }
  }
  if (v.size() < 20) return 120;
  std::sort(v.begin(), v.end());
  double disc = v[v.size() * 15 / 100], marrow = v[v.size() * 60 / 100];
  return std::clamp((disc + marrow) / 2, 60.0, 160.0);
}

std::vector<DiscCandidate> findDiscs(const CtImage& ct, const Mask& bone, const std::vector<Vec3>& line, double marrowHu,
                                     const SegmentationParams& p) {
  // Two signals: the clamped HU (troughs classified by span and darkness: works for faint
  // osteopenic marrow) and the bone fraction (a clean gap at every disc where dense marrow fills
  // the mask); a disc found by either counts.
  auto f = itk::LinearInterpolateImageFunction<CtImage, double>::New();
  f->SetInputImage(&ct);
  std::vector<double> rawFrac(line.size()), rawHu(line.size());
  for (size_t i = 0; i < line.size(); ++i) {
    rawFrac[i] = discMean(bone, line[i], tangentAt(line, i), 7);
    rawHu[i] = discMeanHu(*f, line[i], tangentAt(line, i), 7);
  }
  std::vector<double> frac = smoothed(rawFrac, 1.0), hu = smoothed(rawHu, 1.0);
  // Faint (osteopenic) marrow: HU troughs classified by span and darkness; dense marrow fills the
  // mask, so each disc is a clean gap of the bone fraction and HU troughs add only noise.
  std::vector<DiscCandidate> out;
  std::vector<size_t> bodies;  // the centres of bodies the rim told from discs (faint marrow)
  if (marrowHu < p.faintMarrowHu) {
    std::vector<double> rawRim(line.size());
    const double metalHu = metalSeedHu(ct, p.metal);
    for (size_t i = 0; i < line.size(); ++i) rawRim[i] = rimHu(*f, line[i], tangentAt(line, i), metalHu);
    RimChecked checked = checkedByRim(classifyTroughs(hu, line, p), smoothed(rawRim, 1.0), hu, line, p);
    bodies = checked.bodies;
    out = discsBetweenBodies(std::move(checked), hu, line, p);
  }
  for (const Trough& t : troughsOf(frac)) {
    if (t.prominence < 0.3 || marrowHu < p.faintMarrowHu) continue;
    DiscCandidate d{t.at, line[t.at], tangentAt(line, t.at), discWidth(frac, t), (1 - t.value) * 100};
    bool near = false;
    for (const DiscCandidate& o : out) near |= distance(o.centre, d.centre) < p.minVertebraMm;
    if (!near) out.push_back(d);
  }
  std::sort(out.begin(), out.end(), [](const DiscCandidate& a, const DiscCandidate& b) { return a.index < b.index; });
  for (DiscCandidate& d : out) d.boneFraction = frac[d.index], d.hu = hu[d.index];
  out = discsBesideMetal(ct, line, std::move(out), p);
  out = discAtCageBelow(ct, line, std::move(out), p);
  out = discsInGaps(out, line, marrowHu < p.faintMarrowHu ? hu : frac, bodies);
  for (DiscCandidate& d : out)
    if (d.placement == DiscPlacement::Trough) d.normal = refineNormal(bone, d.centre, d.normal);
  return out;
}

/// The centreline stops short of the field's edges (its ends are trimmed), so the disc between the
/// last vertebra in view and the edge has no profile sample: the top disc of a thoracolumbar field
/// whose next vertebra shows only an endplate, the disc under T2 of a cervical one. Past the last
/// disc found, along the line and on to the edge, the bone fraction must show a body and then a gap
/// (gapAfterBody) at least kMinGapSamples long, starting where the next disc should
/// (kNearestStep to kFarthestStep of the spacing of the last two discs), no taller than a disc space
/// (kLongestGap of that spacing: past the column's end, soft tissue runs on) and of soft-tissue
/// density (kSoftTissueHu: not fat or air). A gap that runs to the edge is cut by the field. Only
/// dense marrow fills the bone mask so that a body reads as one; faint marrow gives no edge disc.
std::optional<DiscCandidate> discAtFieldEdge(const CtImage& ct, const Mask& bone, const std::vector<Vec3>& line,
                                             const std::vector<DiscCandidate>& discs, double marrowHu, bool top,
                                             const SegmentationParams& p) {
  constexpr size_t kMinGapSamples = 2;  // about 2 mm (the line's points are about 1 mm apart)
  constexpr double kSoftTissueHu = -20, kNearestStep = 0.55, kFarthestStep = 1.2, kLongestGap = 0.5;
  if (marrowHu < p.faintMarrowHu || discs.size() < 2) return std::nullopt;
  const DiscCandidate &last = top ? discs.back() : discs.front(), &next = top ? discs[discs.size() - 2] : discs[1];
  const double spacing = distance(last.centre, next.centre);
  const Ray r = towardsFieldEdge(bone, line, last.index, top);
  std::vector<double> frac(r.at.size()), along(r.at.size(), 0);
  for (size_t k = 0; k < r.at.size(); ++k) {
    frac[k] = discMean(bone, r.at[k], r.along[k], 7);
    if (k > 0) along[k] = along[k - 1] + distance(r.at[k - 1], r.at[k]);
  }
  // The body is sought past the last disc's half of the step, clear of that disc's own gap.
  const auto run = gapAfterBody(frac, along, kNearestStep * spacing / 2);
  if (!run) return std::nullopt;
  const auto [a, b] = *run;
  const double gap = along[b] - along[a] + 1;
  if (along[a] < kNearestStep * spacing || along[a] > kFarthestStep * spacing || b + 1 - a < kMinGapSamples ||
      gap > kLongestGap * spacing)
    return std::nullopt;
  auto f = itk::LinearInterpolateImageFunction<CtImage, double>::New();
  f->SetInputImage(&ct);
  const Vec3 centre = scale(add(r.at[a], r.at[b]), 0.5);
  const double hu = discMeanHu(*f, centre, r.along[b], 7);
  if (!(hu >= kSoftTissueHu)) return std::nullopt;
  DiscCandidate d{top ? line.size() - 1 : 0, centre, refineNormal(bone, centre, r.along[b]), gap, 100 * (1 - frac[a])};
  d.boneFraction = frac[(a + b) / 2], d.hu = hu, d.cutByField = b + 1 == frac.size();
  return d;
}

}  // namespace spine::ct
