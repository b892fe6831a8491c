#include "MrHerniation.h"

#include <algorithm>
#include <cmath>

#include <itkLinearInterpolateImageFunction.h>

#include "common/DiscBlock.h"
#include "spine/Statistics.h"

namespace spine {

namespace {

constexpr double kStep = 0.5;                  ///< mm between samples of a disc's sagittal block
constexpr double kMarginMm = 10;               ///< the block reaches this far above and below the disc space
constexpr double kBackMin = 5, kBackMax = 45;  ///< the block's reach behind the disc's centre, mm
using discs::kNaN;

/// A disc in a sagittal plane: its centre, the way back along it (n, posterior) and across it
/// (u, cranial), both in the y-z plane, and the half height of its disc space at the back.
struct SagittalDisc {
  Vec3 centre{0, 0, 0}, n{0, 1, 0}, u{0, 0, 1};
  double halfHeight = 0;
};

/// From the disc label's voxels: the long axis of their spread in the y-z plane runs front to back
/// (a disc is wider than high), the short one across; the half height holds 95 % of those in its
/// posterior half (a lordotic disc is a wedge, thinner at the back, where herniations start).
SagittalDisc sagittalDisc(const std::vector<Vec3>& points) {
  SagittalDisc d;
  for (const Vec3& p : points) d.centre = add(d.centre, p);
  d.centre = scale(d.centre, 1.0 / double(points.size()));
  double syy = 0, syz = 0, szz = 0;
  for (const Vec3& p : points) {
    const double y = p[1] - d.centre[1], z = p[2] - d.centre[2];
    syy += y * y, syz += y * z, szz += z * z;
  }
  const double angle = 0.5 * std::atan2(2 * syz, syy - szz);  // of the long axis, from +y towards +z
  d.n = {0, std::cos(angle), std::sin(angle)};
  if (d.n[1] < 0) d.n = scale(d.n, -1);
  d.u = {0, -d.n[2], d.n[1]};
  if (d.u[2] < 0) d.u = scale(d.u, -1);
  std::vector<double> across;
  for (const Vec3& p : points)
    if (dot(sub(p, d.centre), d.n) > 0) across.push_back(std::abs(dot(sub(p, d.centre), d.u)));
  d.halfHeight = across.empty() ? 1.5 : std::clamp(quantile(across, 0.95), 1.5, 10.0);
  return d;
}

/// The MR behind one disc in one sagittal plane: row r at t = tMin + r * kStep across the disc
/// (cranial positive), column c at s = kBackMin + c * kStep behind its centre.
struct Block {
  int rows = 0, cols = 0;
  double tMin = 0;
  std::vector<double> value;  ///< NaN outside the image
  std::vector<bool> body;     ///< a vertebral body's label there (nearest voxel)
  double at(int r, int c) const { return value[size_t(r) * size_t(cols) + size_t(c)]; }
  bool isBody(int r, int c) const { return body[size_t(r) * size_t(cols) + size_t(c)]; }
  double t(int r) const { return tMin + r * kStep; }
  double s(int c) const { return kBackMin + c * kStep; }
};

/// The label map's value nearest an LPS point; 0 outside it.
LabelPixel labelAt(const LabelImage& labels, const Vec3& p) {
  itk::Point<double, 3> point;
  for (int a = 0; a < 3; ++a) point[a] = p[a];
  LabelImage::IndexType index;
  return labels.TransformPhysicalPointToIndex(point, index) ? labels.GetPixel(index) : LabelPixel(0);
}

Block sampleBlock(const MrImage& mr, const LevelTable& levels, const SagittalDisc& d) {
  auto value = itk::LinearInterpolateImageFunction<MrImage, double>::New();  // clamps at the edges: a single slice
                                                                             // reads within its thickness
  value->SetInputImage(&mr);
  std::vector<bool> isBody(65536, false);
  for (const LevelEntry& v : levels.vertebrae) isBody[v.label] = true;
  Block b;
  const double reach = d.halfHeight + kMarginMm;
  b.rows = int(2 * reach / kStep) + 1, b.cols = int((kBackMax - kBackMin) / kStep) + 1, b.tMin = -reach;
  b.value.resize(size_t(b.rows) * size_t(b.cols));
  b.body.resize(b.value.size());
  const Vec3& origin = d.centre;
  for (int r = 0; r < b.rows; ++r)
    for (int c = 0; c < b.cols; ++c) {
      const Vec3 p = axpy(axpy(origin, b.t(r), d.u), b.s(c), d.n);
      const itk::Point<double, 3> point{{p[0], p[1], p[2]}};
      b.value[size_t(r) * size_t(b.cols) + size_t(c)] = value->IsInsideBuffer(point) ? value->Evaluate(point) : kNaN;
      b.body[size_t(r) * size_t(b.cols) + size_t(c)] = isBody[labelAt(*levels.labels, p)];
    }
  return b;
}

/// Per row, the dark-to-bright step going back: the mean of the next 2 mm minus the mean of the
/// previous 2 mm, over the block's range (10th to 95th percentile); 0 where a sample is missing.
std::vector<double> edgeStrength(const Block& b, double& range) {
  std::vector<double> valid;
  for (double v : b.value)
    if (!std::isnan(v)) valid.push_back(v);
  range = valid.size() < 10 ? 0 : quantile(valid, 0.95) - quantile(valid, 0.10);
  std::vector<double> g(b.value.size(), 0.0);
  if (range <= 0) return g;
  const int k = 4;
  for (int r = 0; r < b.rows; ++r)
    for (int c = k; c + k < b.cols; ++c) {
      double before = 0, after = 0;
      for (int i = 1; i <= k; ++i) before += b.at(r, c - i), after += b.at(r, c + i - 1);
      if (!std::isnan(before) && !std::isnan(after))
        g[size_t(r) * size_t(b.cols) + size_t(c)] = (after - before) / k / range;
    }
  return g;
}

/// The front of the fluid: the path down the rows, moving at most 1 mm back or forth per 0.5 mm
/// row, that gathers the most dark-to-bright step (dynamic programming): a long continuous edge,
/// not the marrow's speckle. Returns its column per row.
std::vector<int> fluidFront(const Block& b, const std::vector<double>& g) {
  const int maxStep = 2;
  const double turnCost = 0.02;  // per column moved: straight where the evidence is equal
  std::vector<double> score(size_t(b.cols)), next(size_t(b.cols));
  for (int c = 0; c < b.cols; ++c) score[size_t(c)] = g[size_t(c)];
  std::vector<int> from(size_t(b.rows) * size_t(b.cols), 0);
  for (int r = 1; r < b.rows; ++r) {
    for (int c = 0; c < b.cols; ++c) {
      double best = -1e300;
      for (int d = -maxStep; d <= maxStep; ++d) {
        const int p = c + d;
        if (p < 0 || p >= b.cols) continue;
        const double v = score[size_t(p)] - turnCost * std::abs(d);
        if (v > best) best = v, from[size_t(r) * size_t(b.cols) + size_t(c)] = p;
      }
      next[size_t(c)] = best + g[size_t(r) * size_t(b.cols) + size_t(c)];
    }
    std::swap(score, next);
  }
  std::vector<int> path(size_t(b.rows));
  path.back() = int(std::max_element(score.begin(), score.end()) - score.begin());
  for (int r = b.rows - 1; r > 0; --r) path[size_t(r - 1)] = from[size_t(r) * size_t(b.cols) + size_t(path[size_t(r)])];
  return path;
}

/// What the mid-sagittal plane shows behind one disc.
struct Reading {
  std::string why;       ///< not readable, and why
  double depth = kNaN;   ///< deepest front beyond the line within the disc space, mm
  double migration = 0;  ///< how far above or below the disc space the front stays report-deep, mm
  bool cranial = false;  ///< that reach is above the disc space
  Vec3 apex{0, 0, 0}, onLine{0, 0, 0};
};

/// The body's wall on one side (sign +1 above the disc, -1 below): a low quantile of the front over
/// the wall rows (the lower quartile: material that migrated along the wall, up to three quarters
/// of them, does not move the line).
double wallOf(const std::vector<double>& front, const Block& b, double near, double far, int sign,
              double quantileOfWall) {
  std::vector<double> v;
  for (int r = 0; r < b.rows; ++r) {
    const double t = sign * b.t(r);
    if (t >= near && t <= far) v.push_back(front[size_t(r)]);
  }
  return quantile(v, quantileOfWall);
}

/// Where the walls are read: the brightest of the canal 2-10 mm behind the bodies' labelled
/// posterior edge (90th percentile: the fluid, even where the labels stop short of the wall) over
/// the bodies' marrow (median). On T2 the fluid is the brighter. NaN without labelled bodies.
double fluidOverMarrow(const Block& b, const std::vector<bool>& wallRow) {
  std::vector<double> marrow, fluid;
  size_t rows = 0;
  for (int r = 0; r < b.rows; ++r) {
    if (!wallRow[size_t(r)]) continue;
    int last = -1;
    for (int c = 0; c < b.cols; ++c)
      if (b.isBody(r, c)) {
        last = c;
        if (!std::isnan(b.at(r, c))) marrow.push_back(b.at(r, c));
      }
    if (last < 0) continue;
    ++rows;
    for (int c = last + 4; c <= last + 20 && c < b.cols; ++c)
      if (!std::isnan(b.at(r, c))) fluid.push_back(b.at(r, c));
  }
  if (rows < 4 || marrow.empty() || fluid.empty()) return kNaN;
  const double bone = median(marrow);
  return bone > 0 ? quantile(fluid, 0.9) / bone : kNaN;
}

/// The traced front, mm behind the disc's centre per row, and which rows read the bodies' walls.
struct Front {
  std::vector<double> mm;
  std::vector<bool> wallRow;
  double wallEdge = 0;  ///< median wall-to-fluid step along the wall rows, over the block's range
};

Front traceFront(const Block& b, const std::vector<double>& g, double h, const MrHerniationParams& p) {
  const std::vector<int> path = fluidFront(b, g);
  Front f;
  f.mm.resize(size_t(b.rows)), f.wallRow.resize(size_t(b.rows));
  std::vector<double> edges;
  for (int r = 0; r < b.rows; ++r) {
    f.mm[size_t(r)] = b.s(path[size_t(r)]);
    const double t = std::abs(b.t(r));
    f.wallRow[size_t(r)] = t >= h + p.wallNearMm && t <= h + p.wallFarMm;
    if (f.wallRow[size_t(r)]) edges.push_back(g[size_t(r) * size_t(b.cols) + size_t(path[size_t(r)])]);
  }
  f.wallEdge = median(edges);
  return f;
}

/// Depth and migration of the front beyond the line of the walls: the deepest within the disc space
/// (averaged over the apex height: one row's step is noise), and beyond it where the front stays
/// report-deep (migrated material, which counts to the depth).
void measureBeyond(const Block& b, const SagittalDisc& d, const Front& f, const MrHerniationParams& p, Reading& out) {
  const double h = d.halfHeight, tWall = h + 0.5 * (p.wallNearMm + p.wallFarMm);
  const double above = wallOf(f.mm, b, h + p.wallNearMm, h + p.wallFarMm, 1, p.wallQuantile);
  const double below = wallOf(f.mm, b, h + p.wallNearMm, h + p.wallFarMm, -1, p.wallQuantile);
  auto line = [&](double t) { return below + (t + tWall) * (above - below) / (2 * tWall); };
  const int half = int(std::lround(0.5 * p.apexHeightMm / kStep));
  std::vector<double> beyond(size_t(b.rows), kNaN);
  for (int r = half; r + half < b.rows; ++r) {
    double sum = 0;
    for (int q = r - half; q <= r + half; ++q) sum += f.mm[size_t(q)] - line(b.t(q));
    beyond[size_t(r)] = sum / (2 * half + 1);
  }
  auto deepest = [&](int r) {
    if (beyond[size_t(r)] <= out.depth) return;
    out.depth = beyond[size_t(r)];
    out.apex = axpy(axpy(d.centre, b.t(r), d.u), f.mm[size_t(r)], d.n);
    out.onLine = axpy(axpy(d.centre, b.t(r), d.u), line(b.t(r)), d.n);
  };
  for (int r = 0; r < b.rows; ++r)
    if (std::abs(b.t(r)) <= h + 1 && !std::isnan(beyond[size_t(r)])) deepest(r);
  for (int sign : {1, -1}) {
    double reach = 0;
    for (double t = h + 1; t <= h + p.wallFarMm; t += kStep) {
      const int r = int(std::lround((sign * t - b.tMin) / kStep));
      if (r < 0 || r >= b.rows || !(beyond[size_t(r)] >= p.reportDepthMm)) break;
      reach = t - h;
      deepest(r);
    }
    if (reach > out.migration) out.migration = reach, out.cranial = sign > 0;
  }
}

/// The disc in the mid-sagittal plane: its reading, or why it cannot be read.
Reading readDisc(const MrImage& mr, const LevelTable& levels, const SagittalDisc& d, const MrHerniationParams& p) {
  Reading out;
  const Block b = sampleBlock(mr, levels, d);
  size_t missing = 0;
  for (double v : b.value) missing += std::isnan(v);
  if (missing > b.value.size() / 5) return out.why = "the bodies above and below it are not both in the image", out;
  double range = 0;
  const std::vector<double> g = edgeStrength(b, range);
  if (range <= 0) return out.why = "the image around it is flat", out;
  const Front f = traceFront(b, g, d.halfHeight, p);
  if (f.wallEdge < p.minEdgeContrast)
    return out.why = "no clear edge between the bodies' posterior walls and the canal's fluid", out;
  if (!(fluidOverMarrow(b, f.wallRow) >= p.minFluidRatio))
    return out.why = "the canal's fluid is not brighter than the bodies' marrow, as it is on T2-weighted images", out;
  measureBeyond(b, d, f, p, out);
  return out;
}

Finding herniationFinding(const LevelEntry& disc, const Reading& m, const MrHerniationParams& p) {
  Finding f;
  f.kind = "herniation";
  f.levels = {disc.name};
  const bool extrusion = m.migration >= p.migrationMm;
  f.certainty = m.depth >= p.probableDepthMm || extrusion ? "probable" : "possible";
  f.evidenceLabel = disc.label;
  f.evidencePoints = {m.apex, m.onLine};
  const std::string type = extrusion ? "extrusion" : "protrusion";
  f.measurements = {{"depth", m.depth, "mm",
                     "in the mid-sagittal plane of MR, the front of the canal's fluid behind the disc beyond the "
                     "line of the bodies' posterior walls above and below (read 3-9 mm beyond the disc space)"}};
  if (m.migration >= 1.0)
    f.measurements.push_back({"migration", m.migration, "mm", "reach above or below the disc space at report depth"});
  // One sagittal plane: what it shows reaches the midline; its side and a foraminal part are not seen.
  f.details = {{"type", type},
               {"position", "central"},
               {"side", "midline"},
               {"migration", m.migration < 1.0 ? "none"
                             : m.cranial       ? "cranial"
                                               : "caudal"},
               {"plane", "mid-sagittal"}};
  f.summary =
      disc.name + ": " + type + ", " + oneDecimal(m.depth) +
      " mm beyond the posterior vertebral line in the mid-sagittal plane" +
      (extrusion
           ? " (reaching " + oneDecimal(m.migration) + " mm " + (m.cranial ? "above" : "below") + " the disc space)"
           : "") +
      ": " + f.certainty + "." +
      (f.certainty == "possible" ? " A broad bulge looks the same in a sagittal plane; the axial images decide." : "");
  return f;
}

std::vector<Finding> judgeDisc(const MrImage& mr, const LevelTable& levels, const std::vector<Vec3>& points,
                               const LevelEntry& disc, const MrHerniationParams& p) {
  auto gap = [&](const std::string& why) {
    return std::vector<Finding>{notAssessed(disc.name, disc.label, disc.centroid, "herniation", why)};
  };
  if (points.size() < 50) return gap("its segment holds too few voxels to place the disc");
  const SagittalDisc d = sagittalDisc(points);
  const Reading m = readDisc(mr, levels, d, p);
  if (!m.why.empty()) return gap(m.why);
  if (!(m.depth >= p.reportDepthMm)) return {};
  return {herniationFinding(disc, m, p)};
}

}  // namespace

std::vector<Finding> mrHerniationFindings(const Volume& mr, const LevelTable& levels, const MrHerniationParams& p) {
  if (!levels.labels || !mr.mr) return {};
  std::vector<Finding> out;
  if (mr.weighting == MrWeighting::T1) {
    for (const LevelEntry& d : levels.discs)
      out.push_back(notAssessed(d.name, d.label, d.centroid, "herniation",
                                "the series is T1-weighted: herniation on MR is read on T2-weighted images, where the "
                                "canal's fluid outlines the disc"));
    return out;
  }
  const std::vector<std::vector<Vec3>> points = discs::discVoxels(levels);
  for (size_t i = 0; i < levels.discs.size(); ++i)
    for (Finding& f : judgeDisc(*mr.mr, levels, points[i], levels.discs[i], p)) out.push_back(std::move(f));
  return out;
}

}  // namespace spine
