#include "MrVoids.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
#include <set>

#include "Placement.h"
#include "spine/Statistics.h"

namespace spine {

namespace {

/// The MR's grid: flat indices, physical points and neighbours without ITK calls per voxel.
struct Grid {
  long n[3] = {0, 0, 0};
  double spacing[3] = {1, 1, 1};
  Vec3 origin{0, 0, 0}, axis[3];
  int sliceAxis = 0;  ///< the index axis closest to left-right: sagittal slices are stacked along it

  explicit Grid(const MrImage& mr) {
    const auto& d = mr.GetDirection();
    for (int a = 0; a < 3; ++a) {
      n[a] = long(mr.GetLargestPossibleRegion().GetSize()[unsigned(a)]), spacing[a] = mr.GetSpacing()[unsigned(a)];
      origin[a] = mr.GetOrigin()[unsigned(a)];
      axis[a] = {d(0, unsigned(a)), d(1, unsigned(a)), d(2, unsigned(a))};
      if (std::abs(axis[a][0]) > std::abs(axis[sliceAxis][0])) sliceAxis = a;
    }
  }
  long count() const { return n[0] * n[1] * n[2]; }
  void index(long flat, long i[3]) const {
    i[0] = flat % n[0], i[1] = (flat / n[0]) % n[1], i[2] = flat / (n[0] * n[1]);
  }
  long flat(const long i[3]) const { return i[0] + n[0] * (i[1] + n[1] * i[2]); }
  Vec3 point(long f) const {
    long i[3];
    index(f, i);
    Vec3 p = origin;
    for (int a = 0; a < 3; ++a) p = axpy(p, double(i[a]) * spacing[a], axis[a]);
    return p;
  }
};

/// Median of the MR inside the vertebral bodies' labels (every third voxel): the marrow's signal,
/// what "no signal" is measured against on this series.
double marrowMedian(const MrImage& mr, const LevelTable& t) {
  std::set<LabelPixel> bodies;
  for (const LevelEntry& v : t.vertebrae) bodies.insert(v.label);
  const LabelPixel* l = t.labels->GetBufferPointer();
  const MrPixel* v = mr.GetBufferPointer();
  std::vector<double> values;
  for (size_t i = 0; i < t.labels->GetPixelContainer()->Size(); i += 3)
    if (l[i] && bodies.count(l[i])) values.push_back(v[i]);
  return values.empty() ? 0 : median(values);
}

/// The vertebra whose centre is nearest p.
const LevelEntry* nearestVertebra(const LevelTable& t, const Vec3& p) {
  return hardware::nearest(t.vertebrae, p);
}

/// The mean of each voxel's 3 x 3 neighbourhood within its sagittal slice: a void's noise floor
/// (Rician) puts single voxels above any threshold near it.
std::vector<float> inPlaneMean(const MrImage& mr, const Grid& g) {
  const int a = (g.sliceAxis + 1) % 3, b = (g.sliceAxis + 2) % 3;
  const MrPixel* v = mr.GetBufferPointer();
  std::vector<float> out(size_t(g.count()));
  for (long f = 0; f < g.count(); ++f) {
    long i[3];
    g.index(f, i);
    double sum = 0;
    int n = 0;
    for (long da = -1; da <= 1; ++da)
      for (long db = -1; db <= 1; ++db) {
        long j[3] = {i[0], i[1], i[2]};
        j[a] += da, j[b] += db;
        if (j[a] >= 0 && j[b] >= 0 && j[a] < g.n[a] && j[b] < g.n[b]) sum += v[g.flat(j)], ++n;
      }
    out[size_t(f)] = float(sum / n);
  }
  return out;
}

/// Voxels without signal: their in-plane mean under `threshold`.
std::vector<std::uint8_t> darkVoxels(const MrImage& mr, const Grid& g, double threshold) {
  const std::vector<float> v = inPlaneMean(mr, g);
  std::vector<std::uint8_t> dark(v.size(), 0);
  for (size_t f = 0; f < v.size(); ++f) dark[f] = v[f] < threshold;
  return dark;
}

/// Whether x lies near the column: beside, just in front of or behind the centre of vertebra v.
bool nearColumn(const Vec3& x, const LevelEntry& v, const MrVoidParams& p) {
  const double back = x[1] - v.centroid[1];
  return std::abs(x[0] - v.centroid[0]) <= p.lateralReachMm && back >= -p.frontReachMm && back <= p.backReachMm;
}

/// Whether a dark region reaches the edge of a slice: air round the body does.
bool touchesSliceEdge(const Grid& g, const std::vector<long>& voxels) {
  const int a = (g.sliceAxis + 1) % 3, b = (g.sliceAxis + 2) % 3;
  for (long f : voxels) {
    long i[3];
    g.index(f, i);
    if (i[a] == 0 || i[b] == 0 || i[a] + 1 == g.n[a] || i[b] + 1 == g.n[b]) return true;
  }
  return false;
}

/// Opening by reconstruction within each sagittal slice: the dark regions that somewhere hold a
/// disc of `radius` mm, whole. Thin dark structures (cortex, ligaments, a vessel's flow void along a
/// slice's edge) do not.
std::vector<std::uint8_t> thickDark(const Grid& g, const std::vector<std::uint8_t>& dark, double radius) {
  const int a = (g.sliceAxis + 1) % 3, b = (g.sliceAxis + 2) % 3;
  const long ra = long(std::ceil(radius / g.spacing[a])), rb = long(std::ceil(radius / g.spacing[b]));
  const long stride[3] = {1, g.n[0], g.n[0] * g.n[1]};
  struct Offset {
    long da, db, step;  ///< in-plane index offsets and the flat one
  };
  std::vector<Offset> disc, ring;  // the disc's offsets; the 8 in-plane neighbours
  for (long da = -ra; da <= ra; ++da)
    for (long db = -rb; db <= rb; ++db)
      if (std::hypot(double(da) * g.spacing[a], double(db) * g.spacing[b]) <= radius)
        disc.push_back({da, db, da * stride[a] + db * stride[b]});
  for (long da = -1; da <= 1; ++da)
    for (long db = -1; db <= 1; ++db) ring.push_back({da, db, da * stride[a] + db * stride[b]});
  auto inside = [&](const long i[3], const Offset& o) {
    return i[a] + o.da >= 0 && i[b] + o.db >= 0 && i[a] + o.da < g.n[a] && i[b] + o.db < g.n[b];
  };
  std::vector<std::uint8_t> out(dark.size(), 0);
  std::deque<long> queue;
  for (long f = 0; f < g.count(); ++f) {
    if (!dark[size_t(f)]) continue;
    long i[3];
    g.index(f, i);
    bool holds = true;
    for (size_t k = 0; k < disc.size() && holds; ++k) holds = inside(i, disc[k]) && dark[size_t(f + disc[k].step)];
    if (holds) out[size_t(f)] = 1, queue.push_back(f);
  }
  while (!queue.empty()) {
    const long f = queue.front();
    queue.pop_front();
    long i[3];
    g.index(f, i);
    for (const Offset& o : ring)
      if (const long w = f + o.step; inside(i, o) && dark[size_t(w)] && !out[size_t(w)]) out[size_t(w)] = 1, queue.push_back(w);
  }
  return out;
}

/// 26-connected components of the marked voxels.
std::vector<std::vector<long>> components(const Grid& g, std::vector<std::uint8_t> mark) {
  std::vector<std::vector<long>> out;
  for (long f = 0; f < g.count(); ++f) {
    if (!mark[size_t(f)]) continue;
    std::vector<long> part{f};
    mark[size_t(f)] = 0;
    for (size_t next = 0; next < part.size(); ++next) {
      long i[3];
      g.index(part[next], i);
      for (long dz = -1; dz <= 1; ++dz)
        for (long dy = -1; dy <= 1; ++dy)
          for (long dx = -1; dx <= 1; ++dx) {
            long j[3] = {i[0] + dx, i[1] + dy, i[2] + dz};
            if (j[0] < 0 || j[1] < 0 || j[2] < 0 || j[0] >= g.n[0] || j[1] >= g.n[1] || j[2] >= g.n[2]) continue;
            const long w = g.flat(j);
            if (mark[size_t(w)]) mark[size_t(w)] = 0, part.push_back(w);
          }
    }
    out.push_back(std::move(part));
  }
  return out;
}

/// The part of one void beside one vertebra, on one side of its centre.
struct VoidPart {
  const LevelEntry* vertebra = nullptr;
  std::string side;
  std::vector<Vec3> points;
  double inBodyMm3 = 0;           ///< within the body (not its discs)
  double inColumnMm3 = 0;         ///< in line with the bodies and discs (not behind them)
  std::vector<Vec3> inDiscSpace;  ///< in line with them, between two bodies
  size_t nearColumnVoxels = 0;    ///< voxels near the column (nearColumn())
  double backMostMm = -1e9;       ///< furthest behind the body's centre
};

/// Whether x lies within the body's height, not in the disc spaces above or below it: along the
/// column (from the neighbouring vertebrae's centres) within a share of the distance to them.
bool withinBodyHeight(const LevelTable& t, const LevelEntry& v, const Vec3& x, const MrVoidParams& p) {
  const size_t k = size_t(&v - t.vertebrae.data());
  const LevelEntry* up = k > 0 ? &t.vertebrae[k - 1] : nullptr;
  const LevelEntry* down = k + 1 < t.vertebrae.size() ? &t.vertebrae[k + 1] : nullptr;
  if (!up && !down) return true;
  const Vec3 axis = normalized(sub(up ? up->centroid : v.centroid, down ? down->centroid : v.centroid));
  const double spacing = up && down ? 0.5 * distance(up->centroid, down->centroid)
                                    : distance(v.centroid, up ? up->centroid : down->centroid);
  return std::abs(dot(sub(x, v.centroid), axis)) <= p.bodyHeightShare * spacing;
}

std::vector<VoidPart> splitByVertebraAndSide(const Grid& g, const std::vector<long>& voxels, const LevelTable& t,
                                             const MrVoidParams& p) {
  std::map<std::pair<const LevelEntry*, std::string>, VoidPart> parts;
  const double voxel = g.spacing[0] * g.spacing[1] * g.spacing[2];
  for (long f : voxels) {
    const Vec3 x = g.point(f);
    const LevelEntry* v = nearestVertebra(t, x);
    VoidPart& part = parts[{v, hardware::sideOf(x, v->centroid)}];
    part.vertebra = v, part.side = hardware::sideOf(x, v->centroid);
    part.points.push_back(x);
    part.nearColumnVoxels += nearColumn(x, *v, p);
    const double back = x[1] - v->centroid[1];
    part.backMostMm = std::max(part.backMostMm, back);
    if (std::abs(x[0] - v->centroid[0]) > p.bodyHalfWidthMm || back > p.bodyBackMm) continue;
    part.inColumnMm3 += voxel;
    if (withinBodyHeight(t, *v, x, p))
      part.inBodyMm3 += voxel;
    else
      part.inDiscSpace.push_back(x);
  }
  std::vector<VoidPart> out;
  for (auto& [key, part] : parts) out.push_back(std::move(part));
  return out;
}

/// Mean of the points in the front (or back) tenth of the part, by their place front to back.
Vec3 endOf(std::vector<Vec3> pts, bool front) {
  std::sort(pts.begin(), pts.end(), [&](const Vec3& a, const Vec3& b) { return front ? a[1] < b[1] : a[1] > b[1]; });
  const size_t n = std::max<size_t>(1, pts.size() / 10);
  Vec3 sum{0, 0, 0};
  for (size_t i = 0; i < n; ++i) sum = add(sum, pts[i]);
  return scale(sum, 1.0 / double(n));
}

const char* kMaterial = "metal (material undetermined on MR: a void is larger than its implant, more so for steel)";

Finding voidFinding(const std::string& object, double volumeMm3, const std::string& how) {
  Finding f;
  f.kind = "hardware";
  f.certainty = "probable";
  f.details = {{"object", object}, {"material", kMaterial}, {"spinal", true}, {"susceptibility_void", true}};
  f.measurements = {{"void_volume", volumeMm3, "mm3", how}};
  return f;
}

Finding screwFinding(const VoidPart& part, double voxelMm3, const std::string& how) {
  Finding f = voidFinding("pedicle screw", double(part.points.size()) * voxelMm3, how);
  const Vec3 head = endOf(part.points, false), tip = endOf(part.points, true);
  f.levels = {part.vertebra->name};
  f.evidenceLabel = part.vertebra->label;
  f.evidencePoints = {head, tip};
  f.details["side"] = part.side;
  f.details["head_lps_mm"] = {head[0], head[1], head[2]};
  f.details["tip_lps_mm"] = {tip[0], tip[1], tip[2]};
  f.details["loosening"] = false;  // a lucent rim is not seen inside a void
  f.measurements.push_back({"void_length", distance(head, tip), "mm", "from the void's back tenth to its front tenth"});
  f.summary = "Pedicle screw in " + part.vertebra->name + ", " + part.side + " (susceptibility void " +
              oneDecimal(f.measurements[0].value / 1000) +
              " cm3 from the posterior elements into the body): metal; its length, material and any loosening are not "
              "judged on MR.";
  return f;
}

/// Rods: on each side, the posterior void (behind the canal) running head-foot at least
/// `rodRunMm` beside two vertebrae or more (each holding a tenth of it). The heads of the screws it
/// joins lie at the pedicles, above the bodies' centres, so the rod spans the vertebrae it lies beside.
std::vector<Finding> rodFindings(const std::vector<VoidPart>& parts, double voxelMm3, const std::string& how,
                                 const MrVoidParams& p) {
  std::vector<Finding> out;
  for (const char* side : {"left", "right"}) {
    std::vector<Vec3> pts;
    std::vector<std::pair<const LevelEntry*, size_t>> beside;
    for (const VoidPart& part : parts) {
      if (part.side != side) continue;
      const size_t before = pts.size();
      for (const Vec3& x : part.points)
        if (x[1] - part.vertebra->centroid[1] >= p.rodBackMm) pts.push_back(x);
      if (pts.size() > before) beside.push_back({part.vertebra, pts.size() - before});
    }
    if (pts.empty()) continue;
    auto [lo, hi] =
        std::minmax_element(pts.begin(), pts.end(), [](const Vec3& a, const Vec3& b) { return a[2] < b[2]; });
    std::sort(beside.begin(), beside.end(),
              [](const auto& a, const auto& b) { return a.first->centroid[2] > b.first->centroid[2]; });
    std::vector<std::string> spanned;
    std::uint16_t label = 0;
    for (const auto& [v, n] : beside)
      if (10 * n >= pts.size()) spanned.push_back(v->name), label = label ? label : v->label;
    if (spanned.size() < 2 || (*hi)[2] - (*lo)[2] < p.rodRunMm) continue;
    Finding f = voidFinding("rod", double(pts.size()) * voxelMm3, how);
    f.levels = spanned;
    f.evidenceLabel = label;
    f.details["side"] = side;
    f.evidencePoints = {*hi, *lo};
    f.measurements.push_back({"void_length", (*hi)[2] - (*lo)[2], "mm", "head-foot extent of the posterior void"});
    f.summary = "Rod, " + std::string(side) + ", " + spanned.front() + " to " + spanned.back() +
                " (a posterior susceptibility void running head-foot): metal.";
    out.push_back(f);
  }
  return out;
}

/// A void in line with the bodies and discs that no screw explains: a cage's, or gas in a
/// degenerated disc (the vacuum phenomenon), which is as dark.
Finding otherFinding(const std::vector<VoidPart>& parts, double volumeMm3, const std::string& how) {
  const VoidPart& largest = *std::max_element(
      parts.begin(), parts.end(), [](const VoidPart& a, const VoidPart& b) { return a.inColumnMm3 < b.inColumnMm3; });
  Finding f = voidFinding("other metal", volumeMm3, how);
  f.certainty = "possible";
  f.levels = {largest.vertebra->name};
  f.evidenceLabel = largest.vertebra->label;
  f.evidencePoints = {endOf(largest.points, true)};
  f.summary = "Susceptibility void in the column at " + largest.vertebra->name + " (" + oneDecimal(volumeMm3 / 1000) +
              " cm3), not recognised as screw or rod: metal (a cage?), or gas in a degenerated disc; compare with "
              "radiographs or CT.";
  return f;
}

/// Levels whose centres lie within the voids' head-foot extent (plus the margin) are hidden.
Finding artefactFinding(double zLo, double zHi, const LevelTable& t, const MrVoidParams& p) {
  Finding f;
  f.kind = "metal-artefact";
  f.certainty = "probable";
  f.levels = hardware::levelsWithin(t, zLo - p.artefactMarginMm, zHi + p.artefactMarginMm);
  f.measurements = {
      {"extent", zHi - zLo + 2 * p.artefactMarginMm, "mm", "head-foot extent of the voids, plus the margin"}};
  f.summary = "Susceptibility voids hide " + std::to_string(f.levels.size()) +
              " level(s): bone, disc and canal there are not seen; CT shows the hardware and the bone round it.";
  return f;
}

/// Interbody cages: void in a disc space (between two bodies, in line with them), from every dark
/// region, at least `cageMinMm3` of it nearest one disc.
std::vector<Finding> cageFindings(const std::vector<std::vector<VoidPart>>& voids, const LevelTable& t, double voxelMm3,
                                  const std::string& how, const MrVoidParams& p) {
  std::map<const LevelEntry*, std::vector<Vec3>> perDisc;
  for (const std::vector<VoidPart>& v : voids)
    for (const VoidPart& part : v)
      for (const Vec3& x : part.inDiscSpace) {
        if (const LevelEntry* disc = hardware::nearest(t.discs, x)) perDisc[disc].push_back(x);
      }
  std::vector<Finding> out;
  for (const auto& [disc, pts] : perDisc) {
    const double volume = double(pts.size()) * voxelMm3;
    if (volume < p.cageMinMm3) continue;
    Finding f = voidFinding("interbody cage", volume, how);
    f.levels = {disc->name};
    f.evidenceLabel = disc->label;
    f.evidencePoints = {disc->centroid};
    f.summary = "Interbody cage in " + disc->name + " (susceptibility void " + oneDecimal(volume / 1000) +
                " cm3 in the disc space): metal, or gas in a degenerated disc; compare with radiographs or CT.";
    out.push_back(f);
  }
  return out;
}

struct Voids {
  std::vector<std::vector<VoidPart>> each;                         ///< per dark region, its parts
  std::map<std::pair<std::string, std::string>, VoidPart> merged;  ///< per vertebra and side, all regions' parts
};

/// The dark regions near the column, split by vertebra and side. Thick slices cut an oblique
/// screw's void into pieces, so the pieces beside one vertebra on one side are also merged.
Voids findVoids(const MrImage& mr, const Grid& g, const LevelTable& t, double threshold, const MrVoidParams& p) {
  Voids v;
  const double voxel = g.spacing[0] * g.spacing[1] * g.spacing[2];
  for (const std::vector<long>& voxels : components(g, thickDark(g, darkVoxels(mr, g, threshold), p.openingMm))) {
    // Most of a void of metal lies near the column, and none on a slice's edge: the lungs, bowel gas
    // and the air round the body reach further out.
    if (double(voxels.size()) * voxel < p.minVoidMm3 || touchesSliceEdge(g, voxels)) continue;
    std::vector<VoidPart> parts = splitByVertebraAndSide(g, voxels, t, p);
    size_t near = 0;
    for (const VoidPart& part : parts) near += part.nearColumnVoxels;
    if (double(near) < p.minNearFraction * double(voxels.size())) continue;
    v.each.push_back(std::move(parts));
    for (const VoidPart& part : v.each.back()) {
      VoidPart& m = v.merged[{part.vertebra->name, part.side}];
      m.vertebra = part.vertebra, m.side = part.side, m.backMostMm = std::max(m.backMostMm, part.backMostMm);
      m.inBodyMm3 += part.inBodyMm3, m.inColumnMm3 += part.inColumnMm3;
      m.points.insert(m.points.end(), part.points.begin(), part.points.end());
    }
  }
  return v;
}

void widen(double& lo, double& hi, const std::vector<Vec3>& points) {
  for (const Vec3& x : points) lo = std::min(lo, x[2]), hi = std::max(hi, x[2]);
}

}  // namespace

std::vector<Finding> mrVoidFindings(const MrImage& mr, const LevelTable& t, const MrVoidParams& p) {
  if (!t.labels || t.vertebrae.empty() || t.labels->GetPixelContainer()->Size() != mr.GetPixelContainer()->Size())
    return {};
  const double marrow = marrowMedian(mr, t);
  const Grid g(mr);
  if (marrow <= 0 || g.n[g.sliceAxis] < p.minSlices) return {};  // one mid-sagittal slice shows no pedicle
  const double voxel = g.spacing[0] * g.spacing[1] * g.spacing[2];
  const std::string how = "voxels under " + oneDecimal(100 * p.voidFraction) +
                          " % of the vertebral marrow's median signal (" + oneDecimal(marrow) + "), holding a " +
                          oneDecimal(p.openingMm) + " mm disc in the slice, times voxel volume";
  const Voids voids = findVoids(mr, g, t, p.voidFraction * marrow, p);
  std::vector<Finding> out;
  std::set<std::pair<std::string, std::string>> screws;
  std::set<std::string> screwSides;
  std::vector<VoidPart> besideScrews;  // the posterior elements are as dark as a void: rods only where screws are
  double zLo = std::numeric_limits<double>::max(), zHi = std::numeric_limits<double>::lowest();
  for (const auto& [key, part] : voids.merged)
    if (part.inBodyMm3 >= p.screwInBodyMm3 && part.backMostMm >= p.screwBackMm) {
      out.push_back(screwFinding(part, voxel, how)), screws.insert(key), screwSides.insert(part.side);
      widen(zLo, zHi, part.points);
    }
  for (const auto& [key, part] : voids.merged)
    if (screwSides.count(part.side)) besideScrews.push_back(part);
  for (Finding& r : rodFindings(besideScrews, voxel, how, p)) {
    widen(zLo, zHi, {r.evidencePoints[0], r.evidencePoints[1]});
    out.push_back(std::move(r));
  }
  for (Finding& c : cageFindings(voids.each, t, voxel, how, p)) {
    widen(zLo, zHi, c.evidencePoints);
    out.push_back(std::move(c));
  }
  for (const std::vector<VoidPart>& v : voids.each) {
    double volume = 0, inColumn = 0;
    bool screw = false;
    for (const VoidPart& part : v) {
      screw |= screws.count({part.vertebra->name, part.side}) > 0;
      volume += double(part.points.size()) * voxel,
          inColumn += part.inColumnMm3 - double(part.inDiscSpace.size()) * voxel;
    }
    if (screw || inColumn < p.otherInColumnMm3) continue;
    out.push_back(otherFinding(v, volume, how));
    for (const VoidPart& part : v) widen(zLo, zHi, part.points);
  }
  if (!out.empty()) out.push_back(artefactFinding(zLo, zHi, t, p));
  return out;
}

}  // namespace spine
