// Discs on a sagittal MR plane. A disc is a thin band, about as wide as a vertebral body, that
// differs from the bodies above and below it, which resemble each other: brighter (a hydrated
// disc on T2) or darker (T1, a degenerated disc). The score is that contrast over the spread of
// the two body bands, tried at 13 tilts from -45 to 45 degrees. The basivertebral vein and the
// posterior elements give such bands too, so the discs are the best chain of candidates spaced
// like vertebrae (22-55 mm, regular steps), each lying across the column, with homogeneous bodies
// between them.
#include <algorithm>
#include <cmath>
#include <map>

#include "MrParts.h"
#include "spine/Statistics.h"

namespace spine::mr {

namespace {

constexpr double kPi = 3.14159265358979323846;

/// Summed-area tables of a plane's values, squares and validity, for box means in O(1).
struct Integral {
  long rows, cols;
  std::vector<double> sum, sq, valid;
  Integral(const std::vector<float>& v, const std::vector<std::uint8_t>& ok, long rows_, long cols_)
      : rows(rows_), cols(cols_), sum(size_t((rows + 1) * (cols + 1)), 0), sq(sum), valid(sum) {
    for (long r = 0; r < rows; ++r)
      for (long c = 0; c < cols; ++c) {
        const size_t i = size_t((r + 1) * (cols + 1) + c + 1), up = i - size_t(cols + 1);
        const double x = v[size_t(r * cols + c)];
        sum[i] = x + sum[i - 1] + sum[up] - sum[up - 1];
        sq[i] = x * x + sq[i - 1] + sq[up] - sq[up - 1];
        valid[i] = double(ok[size_t(r * cols + c)]) + valid[i - 1] + valid[up] - valid[up - 1];
      }
  }
  /// Mean and variance over rows [r0, r1) x cols [c0, c1); false when any pixel is outside or invalid.
  bool box(long r0, long r1, long c0, long c1, double& mean, double& var) const {
    if (r0 < 0 || c0 < 0 || r1 > rows || c1 > cols) return false;
    auto at = [&](const std::vector<double>& t) {
      return t[size_t(r1 * (cols + 1) + c1)] - t[size_t(r0 * (cols + 1) + c1)] - t[size_t(r1 * (cols + 1) + c0)] +
             t[size_t(r0 * (cols + 1) + c0)];
    };
    const double n = double((r1 - r0) * (c1 - c0));
    if (at(valid) < n) return false;
    mean = at(sum) / n;
    var = std::max(0.0, at(sq) / n - mean * mean);
    return true;
  }
};

/// The plane rotated by `angle` about its centre: its row direction runs along (cos, sin).
void rotatePlane(const Plane& p, double angle, std::vector<float>& value, std::vector<std::uint8_t>& valid) {
  const double cr = 0.5 * double(p.rows - 1), cc = 0.5 * double(p.cols - 1), cs = std::cos(angle), sn = std::sin(angle);
  value.assign(p.value.size(), 0.0f), valid.assign(p.value.size(), 0);
  for (long r = 0; r < p.rows; ++r)
    for (long c = 0; c < p.cols; ++c) {
      const double x = double(c) - cc, y = double(r) - cr;
      const double oc = cc + cs * x - sn * y, orow = cr + sn * x + cs * y;
      const long c0 = long(std::floor(oc)), r0 = long(std::floor(orow));
      if (!p.inside(r0, c0) || !p.inside(r0 + 1, c0 + 1) || !p.inside(r0 + 1, c0) || !p.inside(r0, c0 + 1)) continue;
      const double wc = oc - double(c0), wr = orow - double(r0);
      value[size_t(r * p.cols + c)] = float((1 - wr) * ((1 - wc) * p.at(r0, c0) + wc * p.at(r0, c0 + 1)) +
                                            wr * ((1 - wc) * p.at(r0 + 1, c0) + wc * p.at(r0 + 1, c0 + 1)));
      valid[size_t(r * p.cols + c)] = 1;
    }
}

/// Disc score of every pixel of the rotated plane (its own frame), the best over three disc
/// heights: the body bands start 2, 5 or 8 mm from the centre (a thoracic disc to a thick lumbar one).
std::vector<Disc> scoreRotated(const Integral& in, const MrSegmentationParams& p) {
  std::vector<Disc> out(size_t(in.rows * in.cols));
  const long half = long(p.discWidthMm / 2), band = long(p.discBandMm), flank = long(p.flankMm);
  for (long r = 0; r < in.rows; ++r)
    for (long c = 0; c < in.cols; ++c) {
      Disc& d = out[size_t(r * in.cols + c)];
      d.score = -1;
      double m, vm;
      if (!in.box(r - band / 2, r - band / 2 + band, c - half, c + half, m, vm)) continue;
      for (long near : {2L, 5L, 8L}) {
        double mu, vu, md, vd;
        if (!in.box(r - near - flank, r - near, c - half, c + half, mu, vu)) continue;
        if (!in.box(r + near + 1, r + near + 1 + flank, c - half, c + half, md, vd)) continue;
        if (mu < 0.08 || md < 0.08) continue;  // air or the image's edge is not a vertebral body
        const double body = 0.5 * (mu + md);
        const double score = (std::abs(m - body) - 0.7 * std::abs(mu - md)) / (0.04 + std::sqrt(vu) + std::sqrt(vd));
        if (score > d.score) d.score = score;
      }
    }
  return out;
}

/// Every pixel's best disc score over the tilts, in the plane's frame.
std::vector<Disc> scorePlane(const Plane& plane, const MrSegmentationParams& p) {
  std::vector<Disc> best(plane.value.size());
  for (Disc& d : best) d.score = -1;
  std::vector<float> value;
  std::vector<std::uint8_t> valid;
  const double cr = 0.5 * double(plane.rows - 1), cc = 0.5 * double(plane.cols - 1);
  for (int k = -6; k <= 6; ++k) {
    const double angle = k * 7.5 * kPi / 180, cs = std::cos(angle), sn = std::sin(angle);
    rotatePlane(plane, angle, value, valid);
    std::vector<Disc> rot = scoreRotated(Integral(value, valid, plane.rows, plane.cols), p);
    for (long r = 0; r < plane.rows; ++r)
      for (long c = 0; c < plane.cols; ++c) {
        const double x = double(c) - cc, y = double(r) - cr;  // inverse rotation into the rotated frame
        const long rc = long(std::lround(cc + cs * x + sn * y)), rr = long(std::lround(cr - sn * x + cs * y));
        if (rr < 0 || rc < 0 || rr >= plane.rows || rc >= plane.cols) continue;
        const Disc& d = rot[size_t(rr * plane.cols + rc)];
        Disc& b = best[size_t(r * plane.cols + c)];
        if (d.score > b.score) b = d, b.angle = angle;
      }
  }
  for (long r = 0; r < plane.rows; ++r)
    for (long c = 0; c < plane.cols; ++c) best[size_t(r * plane.cols + c)].r = double(r), best[size_t(r * plane.cols + c)].c = double(c);
  return best;
}

std::vector<Disc> localMaxima(const std::vector<Disc>& score, const Plane& plane, double minScore) {
  std::vector<Disc> out;
  const long w = 6;
  for (long r = 0; r < plane.rows; ++r)
    for (long c = 0; c < plane.cols; ++c) {
      const Disc& d = score[size_t(r * plane.cols + c)];
      if (d.score < minScore) continue;
      bool peak = true;
      for (long dr = -w; dr <= w && peak; ++dr)
        for (long dc = -w; dc <= w && peak; ++dc) {
          const long rr = r + dr, cc = c + dc;
          if (rr < 0 || cc < 0 || rr >= plane.rows || cc >= plane.cols) continue;
          const double s = score[size_t(rr * plane.cols + cc)].score;
          peak = s < d.score || (s == d.score && (dr > 0 || (dr == 0 && dc >= 0)));
        }
      if (peak) out.push_back(d);
    }
  return out;  // row order
}

/// Mean and spread of the values between two discs (the middle of the body they enclose, 24 mm
/// wide): a vertebral body is homogeneous; the laminae, joints, fat and muscle behind the canal
/// are not.
struct BodyStats {
  double mean = 0, spread = 1;
};

BodyStats bodyBetween(const Plane& plane, const Disc& a, const Disc& b) {
  const double vr = b.r - a.r, vc = b.c - a.c, len = std::hypot(vr, vc);
  double sum = 0, sq = 0, n = 0;
  for (double t = 0.3; t <= 0.7; t += 1 / len)
    for (double s = -12; s <= 12; s += 1) {
      const long r = long(std::lround(a.r + t * vr + s * vc / len)), c = long(std::lround(a.c + t * vc - s * vr / len));
      if (!plane.inside(r, c)) return {};
      const double v = plane.at(r, c);
      sum += v, sq += v * v, n += 1;
    }
  const double mean = sum / n;
  return {mean, std::sqrt(std::max(0.0, sq / n - mean * mean))};
}

/// Highest-scoring chain (each link: the next disc 22-55 mm further down, at most 40 degrees off
/// vertical, both discs across the link, spacing close to the previous link's, a homogeneous body between them).
DiscChain bestChain(const Plane& plane, const std::vector<Disc>& c, const MrSegmentationParams& p) {
  const size_t n = c.size();
  auto linkOk = [&](const Disc& a, const Disc& b) {
    const double dr = b.r - a.r, dc = b.c - a.c, d = std::hypot(dr, dc);
    if (dr <= 0 || d < p.minSpacingMm || d > p.maxSpacingMm || std::abs(dc) >= 0.8 * dr) return false;
    // a disc lies across the column: its normal (cos, -sin) in (row, col) runs along the link
    const double minCos = std::cos(p.maxDiscTurnDeg * kPi / 180);
    return (dr * std::cos(a.angle) - dc * std::sin(a.angle)) / d >= minCos && (dr * std::cos(b.angle) - dc * std::sin(b.angle)) / d >= minCos;
  };
  std::map<std::pair<size_t, size_t>, std::pair<double, std::pair<size_t, size_t>>> best;  // (j, i) -> score, previous link
  const std::pair<size_t, size_t> none{n, n};
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < i; ++j) {
      if (!linkOk(c[j], c[i])) continue;
      const double body = -p.bodySpreadWeight * bodyBetween(plane, c[j], c[i]).spread;
      std::pair<double, std::pair<size_t, size_t>> v{c[j].score + c[i].score + body, none};
      const double d2 = std::hypot(c[i].r - c[j].r, c[i].c - c[j].c);
      for (size_t k = 0; k < j; ++k) {
        auto it = best.find({k, j});
        if (it == best.end()) continue;
        const double d1 = std::hypot(c[j].r - c[k].r, c[j].c - c[k].c);
        if (d2 > p.maxSpacingRatio * d1 || d1 > p.maxSpacingRatio * d2) continue;  // vertebral heights change gradually
        const double s = it->second.first + c[i].score + body - 1.5 * std::abs(std::log(d2 / d1));
        if (s > v.first) v = {s, {k, j}};
      }
      best[{j, i}] = v;
    }
  DiscChain chain;
  if (best.empty()) return chain;
  auto top = std::max_element(best.begin(), best.end(), [](const auto& a, const auto& b) { return a.second.first < b.second.first; });
  chain.score = top->second.first;
  std::pair<size_t, size_t> link = top->first;
  chain.discs.push_back(c[link.second]);
  while (link != none) {
    chain.discs.push_back(c[link.first]);
    link = best[link].second;
  }
  std::reverse(chain.discs.begin(), chain.discs.end());
  return chain;
}

double bandValue(const Plane& pl, double r, double c, double ur, double uc) {
  double sum = 0;
  int n = 0;
  for (int t = -6; t <= 6; ++t) {
    const long rr = long(std::lround(r + t * ur)), cc = long(std::lround(c + t * uc));
    if (pl.inside(rr, cc)) sum += pl.at(rr, cc), ++n;
  }
  return n ? sum / n : NAN;
}

/// Across a bright disc's intranuclear cleft (profile steps of 1 mm).
constexpr int kCleftMm = 2;

/// The run of a disc profile around its strongest departure of one polarity from the bodies'
/// level, beyond half that departure; its area (summed departure) says how much disc it holds.
struct ProfileRun {
  int top = 0, bottom = 0;
  double area = -1;
};

template <size_t N>
ProfileRun runAround(const double (&v)[N], int reach, double body, double sign) {
  ProfileRun run;
  int peak = 0;
  bool any = false;
  for (int k = -6; k <= 6; ++k)
    if (!std::isnan(v[k + reach]) && (!any || sign * v[k + reach] > sign * v[peak + reach])) peak = k, any = true;
  if (!any || sign * (v[peak + reach] - body) <= 0) return run;
  const double mid = 0.5 * (v[peak + reach] + body);
  auto inside = [&](int k) { return k > -reach && k < reach && !std::isnan(v[k + reach]) && sign * (v[k + reach] - mid) > 0; };
  run.top = run.bottom = peak;
  // A bright run bridges up to kCleftMm that stays brighter than the bodies: the intranuclear cleft,
  // a normal dark band across the middle of an adult's disc on T2, split the run in two, and the
  // dark endplate line beside the disc then held more contrast than either half (menezesreis ivd20:
  // its discs were placed 2-6 mm off, on the line below them).
  auto extend = [&](int dir) {
    int end = peak;
    for (int k = peak + dir, gap = 0; k > -reach && k < reach && !std::isnan(v[k + reach]); k += dir) {
      if (inside(k)) end = k, gap = 0;
      else if (sign > 0 && v[k + reach] > body && ++gap <= kCleftMm) continue;
      else break;
    }
    return end;
  };
  run.top = extend(-1), run.bottom = extend(1);
  run.area = 0;
  for (int k = run.top; k <= run.bottom; ++k) run.area += sign * (v[k + reach] - body);
  return run;
}

}  // namespace

/// A disc's extent across itself at half contrast: along its normal, the bodies' level 9-14 mm
/// away, and the run around the strongest bright or dark departure within 6 mm of the detected
/// centre (the one holding more contrast: a disc, not a thin endplate line). The centre moves to
/// the middle of that run, and the tilt to the one giving the run the most contrast: the detector's
/// peak sits where its fixed-size bands fit best, not at the disc's middle. The tilt turns at most
/// 7.5 degrees, the detector's own step: a band across the disc at a wrong tilt smears it over a
/// longer run, which holds more contrast too, so a wider turn drifted (to 30 degrees and more on
/// real MR with degenerated discs).
double refineDisc(const Plane& pl, Disc& d) {
  constexpr int reach = 14;
  ProfileRun best;
  double bestAngle = d.angle;
  for (double turn = -7.5; turn <= 7.5; turn += 2.5) {
    const double angle = d.angle + turn * kPi / 180, ur = std::sin(angle), uc = std::cos(angle), nr = uc, nc = -ur;
    double v[2 * reach + 1];
    for (int k = -reach; k <= reach; ++k) v[k + reach] = bandValue(pl, d.r + k * nr, d.c + k * nc, ur, uc);
    double body = 0, n = 0;
    for (int k = 9; k <= reach; ++k)
      for (int s : {-1, 1})
        if (!std::isnan(v[s * k + reach])) body += v[s * k + reach], n += 1;
    if (n == 0) continue;
    for (double sign : {1.0, -1.0}) {
      ProfileRun run = runAround(v, reach, body / n, sign);
      if (run.area > best.area) best = run, bestAngle = angle;
    }
  }
  if (best.area < 0) return 1;
  d.angle = bestAngle;
  const double centre = 0.5 * (best.top + best.bottom), nr = std::cos(d.angle), nc = -std::sin(d.angle);
  d.r += centre * nr, d.c += centre * nc;
  return std::max(1.0, 0.5 * (best.bottom - best.top) + 0.5);
}

namespace {

/// Drops discs from either end of the chain while the "body" they add differs in mean by more
/// than `maxChange` (relative) from the chain's median body: soft tissue in front of the sacrum or
/// the thorax can continue a chain geometrically, but it is not marrow.
void trimUnlikeEnds(const Plane& plane, DiscChain& chain, double maxChange) {
  auto means = [&]() {
    std::vector<double> m;
    for (size_t i = 0; i + 1 < chain.discs.size(); ++i) m.push_back(bodyBetween(plane, chain.discs[i], chain.discs[i + 1]).mean);
    return m;
  };
  while (chain.discs.size() >= 4) {
    const std::vector<double> m = means();
    const double usual = median(m);
    const bool top = std::abs(m.front() - usual) > maxChange * usual, bottom = std::abs(m.back() - usual) > maxChange * usual;
    if (!top && !bottom) break;
    if (bottom)
      chain.discs.pop_back();
    else
      chain.discs.erase(chain.discs.begin());
  }
}

bool continuesBelow(const Plane& plane, const DiscChain& chain, const std::vector<Disc>& candidates, const MrSegmentationParams& p) {
  const std::vector<Disc>& d = chain.discs;
  if (d.size() < 3) return false;
  std::vector<double> scores, bodies, steps;
  for (size_t i = 0; i < d.size(); ++i) {
    scores.push_back(d[i].score);
    if (i) bodies.push_back(bodyBetween(plane, d[i - 1], d[i]).mean), steps.push_back(std::hypot(d[i].r - d[i - 1].r, d[i].c - d[i - 1].c));
  }
  const double score = median(scores), body = median(bodies), step = steps.back();
  const Disc& last = d.back();
  const double minCos = std::cos(p.maxDiscTurnDeg * kPi / 180);
  for (const Disc& c : candidates) {
    const double dr = c.r - last.r, dc = c.c - last.c, len = std::hypot(dr, dc);
    if (dr <= 0 || len < step / p.maxSpacingRatio || len > step * p.maxSpacingRatio || c.score < 0.7 * score) continue;
    if ((dr * std::cos(last.angle) - dc * std::sin(last.angle)) / len < minCos || (dr * std::cos(c.angle) - dc * std::sin(c.angle)) / len < minCos)
      continue;
    if (std::abs(bodyBetween(plane, last, c).mean - body) <= p.maxBodyChange * body) return true;
  }
  return false;
}

}  // namespace

/// The best chain of disc candidates on the plane, its ends trimmed to marrow-like bodies.
DiscChain findDiscChain(const Plane& plane, const MrSegmentationParams& p) {
  std::vector<Disc> candidates = localMaxima(scorePlane(plane, p), plane, p.minScore);
  DiscChain chain = bestChain(plane, candidates, p);
  trimUnlikeEnds(plane, chain, p.maxBodyChange);
  chain.continuesBelow = continuesBelow(plane, chain, candidates, p);
  return chain;
}

}  // namespace spine::mr
