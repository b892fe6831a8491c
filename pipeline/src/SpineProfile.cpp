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

}  // namespace

/// Width of a trough at half its prominence (the disc height along the column, mm at 1 mm steps).
double discWidth(const std::vector<double>& prof, const Trough& t) {
  double half = t.value + t.prominence / 2;
  size_t lo = t.at, hi = t.at;
  while (lo > 0 && prof[lo - 1] < half) --lo;
  while (hi + 1 < prof.size() && prof[hi + 1] < half) ++hi;
  return double(hi - lo + 1);
}

/// Discs among the troughs of the HU profile. Faint marrow makes every body's centre a trough too
/// (its bright endplates flank it), but a disc trough is darker: the deep troughs split into two
/// groups by value (Otsu on the trough values); the darker group are the discs. When the values do
/// not separate (less than 15 HU apart), every deep trough is a disc.
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
  std::vector<DiscCandidate> out = marrowHu < 140 ? classifyTroughs(hu, line, p) : std::vector<DiscCandidate>{};
  for (const Trough& t : troughsOf(frac)) {
    if (t.prominence < 0.3 || marrowHu < 140) continue;
    DiscCandidate d{t.at, line[t.at], tangentAt(line, t.at), discWidth(frac, t), (1 - t.value) * 100};
    bool near = false;
    for (const DiscCandidate& o : out) near |= distance(o.centre, d.centre) < p.minVertebraMm;
    if (!near) out.push_back(d);
  }
  std::sort(out.begin(), out.end(), [](const DiscCandidate& a, const DiscCandidate& b) { return a.index < b.index; });
  for (DiscCandidate& d : out) d.boneFraction = frac[d.index], d.hu = hu[d.index];
  out = discsBesideMetal(ct, line, std::move(out), p);
  for (DiscCandidate& d : out)
    if (d.placement == DiscPlacement::Trough) d.normal = refineNormal(bone, d.centre, d.normal);
  return out;
}

}  // namespace spine::ct
