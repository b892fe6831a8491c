#include "HardwareDetector.h"

#include <algorithm>
#include <iterator>
#include <cctype>
#include <cmath>
#include <deque>
#include <limits>
#include <optional>

#include <itkLinearInterpolateImageFunction.h>
#include <vnl/algo/vnl_symmetric_eigensystem.h>

#include "Placement.h"

namespace spine {

namespace {

using hardware::nearest;
using hardware::sideOf;

constexpr std::uint8_t kMetal = 1, kRod = 2, kApart = 3, kSheet = 4, kSeen = 0x80;

/// The CT as a flat mask of metal, the list of its metal voxels (every later step walks the list,
/// not the whole image: metal is a few thousand voxels of a hundred million) and the geometry.
struct MetalGrid {
  const CtImage* ct = nullptr;
  long n[3] = {0, 0, 0};
  double spacing[3] = {1, 1, 1};
  int superiorAxis = 2;  ///< the index axis closest to the patient's head-foot axis
  std::vector<std::uint8_t> mask;
  std::vector<long> metal;  ///< flat indices of the metal voxels, ascending
  double edgeHu = 0;        ///< the lowest value taken as metal on this scan
  long index(long i, long j, long k) const { return i + n[0] * (j + n[1] * k); }
  Vec3 point(long flat) const {
    CtImage::IndexType idx{{flat % n[0], (flat / n[0]) % n[1], flat / (n[0] * n[1])}};
    itk::Point<double, 3> p;
    ct->TransformIndexToPhysicalPoint(idx, p);
    return {p[0], p[1], p[2]};
  }
  double voxelMm3() const { return spacing[0] * spacing[1] * spacing[2]; }
  /// Calls f(neighbour) for the 26 neighbours of `flat` inside the image.
  template <typename F>
  void forNeighbours(long flat, F f) const {
    long i = flat % n[0], j = (flat / n[0]) % n[1], k = flat / (n[0] * n[1]);
    for (long dk = -1; dk <= 1; ++dk)
      for (long dj = -1; dj <= 1; ++dj)
        for (long di = -1; di <= 1; ++di) {
          long x = i + di, y = j + dj, z = k + dk;
          if ((di || dj || dk) && x >= 0 && y >= 0 && z >= 0 && x < n[0] && y < n[1] && z < n[2]) f(index(x, y, z));
        }
  }
};

MetalGrid metalGrid(const CtImage& ct, const MetalRule& rule) {
  MetalGrid g;
  g.ct = &ct;
  for (int d = 0; d < 3; ++d) g.n[d] = long(ct.GetLargestPossibleRegion().GetSize()[d]), g.spacing[d] = ct.GetSpacing()[d];
  for (int a = 0; a < 3; ++a)
    if (std::abs(ct.GetDirection()(2, a)) > std::abs(ct.GetDirection()(2, g.superiorAxis))) g.superiorAxis = a;
  MetalVoxels found = findMetal(ct, rule);
  g.edgeHu = found.growHu;
  g.metal = std::move(found.flat);
  g.mask.assign(size_t(g.n[0] * g.n[1] * g.n[2]), 0);
  for (long i : g.metal) g.mask[size_t(i)] = kMetal;
  return g;
}

/// Metal running at least `runMm` along the head-foot axis is rod.
void markRodRuns(MetalGrid& g, double runMm) {
  const int a = g.superiorAxis;
  const long need = std::max(2L, long(std::lround(runMm / g.spacing[a]))), stride = a == 0 ? 1 : a == 1 ? g.n[0] : g.n[0] * g.n[1];
  auto along = [&](long flat) { return a == 0 ? flat % g.n[0] : a == 1 ? (flat / g.n[0]) % g.n[1] : flat / (g.n[0] * g.n[1]); };
  for (long start : g.metal) {
    if (along(start) > 0 && g.mask[size_t(start - stride)]) continue;  // not the first voxel of its run
    long length = 0;
    while (along(start) + length < g.n[a] && g.mask[size_t(start + length * stride)]) ++length;
    if (length >= need)
      for (long k = 0; k < length; ++k) g.mask[size_t(start + k * stride)] = kRod;
  }
}

/// The rods take in the metal voxels touching them, twice: the edges of a tilted rod have shorter
/// runs than its core.
void growRods(MetalGrid& g) {
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<long> grow;
    for (long f : g.metal) {
      if (g.mask[size_t(f)] != kMetal) continue;
      bool touches = false;
      g.forNeighbours(f, [&](long w) { touches |= g.mask[size_t(w)] == kRod; });
      if (touches) grow.push_back(f);
    }
    for (long f : grow) g.mask[size_t(f)] = kRod;
  }
}

/// Connected (26-neighbour) groups of voxels holding `value` (visited voxels are flagged in the
/// mask itself and unflagged at the end).
std::vector<std::vector<long>> components(MetalGrid& g, std::uint8_t value) {
  std::vector<std::vector<long>> out;
  for (long f : g.metal) {
    if (g.mask[size_t(f)] != value) continue;
    std::vector<long> part;
    std::deque<long> queue{f};
    g.mask[size_t(f)] |= kSeen;
    while (!queue.empty()) {
      long v = queue.front();
      queue.pop_front();
      part.push_back(v);
      g.forNeighbours(v, [&](long w) {
        if (g.mask[size_t(w)] == value) g.mask[size_t(w)] |= kSeen, queue.push_back(w);
      });
    }
    out.push_back(std::move(part));
  }
  for (long f : g.metal) g.mask[size_t(f)] &= std::uint8_t(~kSeen);
  return out;
}

/// A long cranio-caudal run also passes through a cage in a tall disc space: rod components that
/// are not thin in the axial plane go back to plain metal.
void unmarkThickRods(MetalGrid& g, double maxRodThicknessMm) {
  for (const std::vector<long>& voxels : components(g, kRod)) {
    double lo[3] = {1e30, 1e30, 1e30}, hi[3] = {-1e30, -1e30, -1e30};
    for (long v : voxels) {
      Vec3 p = g.point(v);
      for (int d = 0; d < 3; ++d) lo[d] = std::min(lo[d], p[d]), hi[d] = std::max(hi[d], p[d]);
    }
    // Across the rod: its extent in x (a rod runs along z, with some y for lordosis).
    if (hi[0] - lo[0] > maxRodThicknessMm)
      for (long v : voxels) g.mask[size_t(v)] = kMetal;
  }
}

struct MetalObject {
  bool rod = false;
  double volumeMm3 = 0, peakHu = 0, length = 0, thickness = 0;
  Vec3 centroid{0, 0, 0}, axis{0, 0, 1}, endA{0, 0, 0}, endB{0, 0, 0};
  double zMin = 0, zMax = 0;
  std::vector<double> radiusAlong;  ///< widest voxel from the axis per 1 mm along it, from endA to endB
  double coarsestMm = 0;            ///< the grid's largest spacing
  double edgeHu = 0;                ///< the lowest value taken as metal on this scan
};

MetalObject describe(const MetalGrid& g, const std::vector<long>& voxels, bool rod) {
  MetalObject o;
  o.rod = rod;
  o.volumeMm3 = double(voxels.size()) * g.voxelMm3();
  std::vector<Vec3> pts;
  pts.reserve(voxels.size());
  const CtPixel* hu = g.ct->GetBufferPointer();
  o.zMin = std::numeric_limits<double>::max(), o.zMax = std::numeric_limits<double>::lowest();
  for (long v : voxels) {
    pts.push_back(g.point(v));
    o.centroid = add(o.centroid, pts.back());
    o.peakHu = std::max(o.peakHu, double(hu[v]));
    o.zMin = std::min(o.zMin, pts.back()[2]), o.zMax = std::max(o.zMax, pts.back()[2]);
  }
  o.centroid = scale(o.centroid, 1.0 / double(pts.size()));
  vnl_matrix<double> cov(3, 3, 0.0);
  for (const Vec3& p : pts)
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) cov(r, c) += (p[r] - o.centroid[r]) * (p[c] - o.centroid[c]);
  vnl_symmetric_eigensystem<double> eig(cov);
  for (int d = 0; d < 3; ++d) o.axis[d] = eig.get_eigenvector(2)[d];
  double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
  std::vector<double> radial;
  for (const Vec3& p : pts) {
    double t = dot(sub(p, o.centroid), o.axis);
    lo = std::min(lo, t), hi = std::max(hi, t);
    radial.push_back(norm(sub(sub(p, o.centroid), scale(o.axis, t))));
  }
  const double voxel = std::cbrt(g.voxelMm3());
  o.coarsestMm = std::max({g.spacing[0], g.spacing[1], g.spacing[2]});
  o.edgeHu = g.edgeHu;
  o.length = hi - lo + voxel;
  o.radiusAlong.assign(size_t(hi - lo) + 1, 0.0);
  for (size_t i = 0; i < pts.size(); ++i) {
    double& r = o.radiusAlong[size_t(dot(sub(pts[i], o.centroid), o.axis) - lo)];
    r = std::max(r, radial[i]);
  }
  std::nth_element(radial.begin(), radial.begin() + long(radial.size() * 95 / 100), radial.end());
  o.thickness = 2 * radial[radial.size() * 95 / 100] + voxel;
  o.endA = axpy(o.centroid, lo, o.axis), o.endB = axpy(o.centroid, hi, o.axis);
  return o;
}

struct Levels {
  const LevelTable* table = nullptr;
  /// The vertebra nearest a point, or null without a level table.
  const LevelEntry* nearestVertebra(const Vec3& p, double* dist = nullptr) const {
    return nearest(table ? table->vertebrae : kNone, p, dist);
  }
  const LevelEntry* nearestDisc(const Vec3& p, double* dist) const { return nearest(table ? table->discs : kNone, p, dist); }
  static inline const std::vector<LevelEntry> kNone{};
};

/// Metal whose peak stays under the fine-voxel threshold was found by the coarse rule alone.
bool faint(const MetalObject& o, const HardwareParams& p) { return o.peakHu < p.metal.metalHu; }

/// Steel from its peak whatever the voxels (partial volume only lowers a peak); titanium only where
/// the voxels are fine enough, or the object thick enough (three voxels) and not faint, for its peak
/// to survive partial volume (a 5 mm steel screw in 3 mm voxels peaks at titanium's values).
std::string material(const MetalObject& o, const HardwareParams& p) {
  if (o.peakHu >= p.steelHu) return "stainless steel (likely)";
  if (o.coarsestMm > p.materialMaxVoxelMm && (o.thickness < 3 * o.coarsestMm || faint(o, p)))
    return "metal (material undetermined: " + oneDecimal(o.coarsestMm) + " mm voxels lower the peak of an object " +
           oneDecimal(o.thickness) + " mm thick)";
  if (o.peakHu >= p.titaniumHu) return "titanium (likely)";
  return "metal (material undetermined: its peak, " + oneDecimal(o.peakHu) +
         " HU, is below titanium's: the scanner may clip high values, or voxels lower the peak)";
}

Finding hardwareFinding(const std::string& object, const MetalObject& o, const HardwareParams& p) {
  Finding f;
  f.kind = "hardware";
  f.certainty = "definite";
  f.details = {{"object", object}, {"material", material(o, p)}, {"spinal", true}};
  f.measurements = {{"length", o.length, "mm", "extent of the metal along its principal axis (HU >= " + oneDecimal(o.edgeHu) + ")"},
                    {"thickness", o.thickness, "mm", "twice the 95th percentile of voxel distance from that axis"},
                    {"volume", o.volumeMm3, "mm3", "metal voxel count times voxel volume"},
                    {"peak", o.peakHu, "HU", "highest value inside the object"}};
  f.evidencePoints = {o.endA, o.endB};
  return f;
}

/// The lucent rim around a screw's shaft (loosening): the median value at distances beyond the
/// metal's edge (its half-maximum radius), over 16 directions at 8 places along the part of the
/// shaft inside bone, against the bone 3.5-5 mm out.
struct HaloProfile {
  double edgeMm = 0, boneHu = 0, lowestHu = 0, widthMm = 0;
};

HaloProfile haloProfile(const CtImage& ct, const Vec3& head, const Vec3& tip, double peakHu) {
  auto hu = itk::LinearInterpolateImageFunction<CtImage, double>::New();
  hu->SetInputImage(&ct);
  const Vec3 u = normalized(sub(tip, head));
  const Vec3 a = normalized(cross(u, std::abs(u[2]) < 0.9 ? Vec3{0, 0, 1} : Vec3{1, 0, 0})), b = cross(u, a);
  const double length = distance(head, tip);
  auto sampleAt = [&](double radius) {  // median over places and directions
    std::vector<double> values;
    for (int k = 0; k < 8; ++k) {
      Vec3 c = axpy(head, length * (0.45 + 0.45 * k / 7.0), u);
      for (int j = 0; j < 16; ++j) {
        double angle = j * M_PI / 8;
        Vec3 q = axpy(axpy(c, radius * std::cos(angle), a), radius * std::sin(angle), b);
        itk::Point<double, 3> point{{q[0], q[1], q[2]}};
        if (hu->IsInsideBuffer(point)) values.push_back(hu->Evaluate(point));
      }
    }
    if (values.empty()) return 0.0;
    std::nth_element(values.begin(), values.begin() + long(values.size() / 2), values.end());
    return values[values.size() / 2];
  };
  HaloProfile h;
  for (h.edgeMm = 0.25; h.edgeMm < 8 && sampleAt(h.edgeMm) >= peakHu / 2; h.edgeMm += 0.25) {
  }
  h.boneHu = (sampleAt(h.edgeMm + 3.5) + sampleAt(h.edgeMm + 4.25) + sampleAt(h.edgeMm + 5.0)) / 3;
  h.lowestHu = 1e9;
  std::vector<double> profile;
  for (double d = 0.5; d <= 3.0; d += 0.25) profile.push_back(sampleAt(h.edgeMm + d)), h.lowestHu = std::min(h.lowestHu, profile.back());
  const double cut = (h.boneHu + h.lowestHu) / 2;
  for (double v : profile) h.widthMm += v < cut ? 0.25 : 0;
  return h;
}

/// Length of a screw's shaft: from the tip along the axis while the metal stays as thin as the
/// shaft's anterior part (its median radius over the 40 % nearest the tip); the head (a tulip or a
/// polyaxial head, 10-15 mm across) begins where two 1 mm steps in a row are 30 % wider.
double shaftLength(const MetalObject& o, bool tipAtA) {
  std::vector<double> r = o.radiusAlong;
  if (!tipAtA) std::reverse(r.begin(), r.end());
  std::vector<double> front(r.begin(), r.begin() + long(std::max<size_t>(1, r.size() * 4 / 10)));
  std::nth_element(front.begin(), front.begin() + long(front.size() / 2), front.end());
  const double shaft = front[front.size() / 2];
  const double wide = 1.3 * shaft + 0.5;
  size_t n = 0;
  while (n + 1 < r.size() && !(r[n] > wide && r[n + 1] > wide)) ++n;
  // A head is seen only when the shaft is most of the object and the rest, 5 mm or more, is
  // mostly wide (threads and 3 mm voxels make a headless real screw's radius wander).
  const size_t rest = r.size() - n;
  const size_t wideRest = size_t(std::count_if(r.begin() + long(n), r.end(), [&](double x) { return x > wide; }));
  if (double(n) < 0.5 * double(r.size()) || rest < 5 || wideRest < rest * 6 / 10) return NAN;
  return double(n);
}

Finding screwFinding(const CtImage& ct, const MetalObject& o, const Levels& levels, const HardwareParams& p) {
  Finding f = hardwareFinding("pedicle screw", o, p);
  // The tip is the anterior end (LPS: smaller y); the level is the vertebra nearest the point
  // 60 % of the way from the head to the tip (inside pedicle or body).
  Vec3 tip = o.endA[1] < o.endB[1] ? o.endA : o.endB, head = o.endA[1] < o.endB[1] ? o.endB : o.endA;
  const LevelEntry* v = levels.nearestVertebra(axpy(head, 0.6, sub(tip, head)));
  f.evidencePoints = {head, tip};
  f.details["tip_lps_mm"] = {tip[0], tip[1], tip[2]};
  const HaloProfile halo = haloProfile(ct, head, tip, o.peakHu);
  const bool inBone = halo.boneHu >= p.haloMinBoneHu;
  f.details["loosening"] = inBone && halo.boneHu - halo.lowestHu >= p.haloContrastHu;
  if (inBone)
    f.measurements.push_back({"rim_contrast", halo.boneHu - halo.lowestHu, "HU",
                              "bone 3.5-5 mm beyond the metal's half-maximum edge minus the lowest median value 0.5-3 mm beyond it "
                              "(16 directions x 8 places along the shaft inside bone)"});
  f.details["head_lps_mm"] = {head[0], head[1], head[2]};
  const double shaft = shaftLength(o, o.endA[1] < o.endB[1]);
  if (!std::isnan(shaft))
    f.measurements.push_back({"shaft_length", shaft, "mm",
                              "from the tip along the axis while the metal stays as thin as the shaft's anterior part (the "
                              "head begins where it is 30 % wider)"});
  if (v) {
    f.levels = {v->name};
    f.details["side"] = sideOf(head, v->centroid);
    f.evidenceLabel = v->label;
  }
  f.summary = "Pedicle screw" + (v ? " in " + v->name + ", " + f.details["side"].get<std::string>() : std::string(", level unknown")) +
              (std::isnan(shaft) ? ", " + oneDecimal(o.length) + " mm, "
                                 : ", shaft " + oneDecimal(shaft) + " mm (" + oneDecimal(o.length) + " mm with its head), ") +
              f.details["material"].get<std::string>() + ".";
  return f;
}

double segmentDistance(const Vec3& p, const Vec3& a, const Vec3& b) {
  Vec3 ab = sub(b, a);
  double t = std::clamp(dot(sub(p, a), ab) / std::max(dot(ab, ab), 1e-9), 0.0, 1.0);
  return distance(p, axpy(a, t, ab));
}

/// The levels a rod spans: those of the screws whose heads it passes (the vertebrae whose centroids
/// lie within its head-foot extent when no screw is near).
/// A lucent rim around a screw: loosening (or infection), the halo sign.
Finding looseningFinding(const Finding& screw, const HardwareParams& p) {
  Finding f;
  f.kind = "hardware-failure";
  f.levels = screw.levels;
  f.evidencePoints = screw.evidencePoints;
  f.evidenceLabel = screw.evidenceLabel;
  double contrast = 0;
  for (const Measurement& m : screw.measurements)
    if (m.name == "rim_contrast") contrast = m.value;
  f.certainty = contrast >= 2 * p.haloContrastHu ? "probable" : "possible";
  f.details = {{"sign", "lucent halo (loosening)"}, {"side", screw.details.value("side", "")}};
  f.measurements = {{"rim_contrast", contrast, "HU", "how far the rim around the shaft falls below the bone beyond it"}};
  f.summary = "Lucent rim around the " + (screw.levels.empty() ? std::string("") : screw.levels.front() + " ") +
              screw.details.value("side", "") + " pedicle screw (" + oneDecimal(contrast) + " HU below the bone beyond): " + f.certainty +
              " loosening; compare with earlier imaging.";
  return f;
}

Finding rodFinding(const MetalObject& o, const Levels& levels, const std::vector<Finding>& screws, const HardwareParams& p) {
  Finding f = hardwareFinding("rod", o, p);
  Vec3 midline{0, 0, 0};
  if (const LevelEntry* v = levels.nearestVertebra(o.centroid)) midline = v->centroid;
  f.details["side"] = sideOf(o.centroid, midline);
  // The rod's ends are its metal's extent along the axis; a screw head sits on it or just past an end.
  const Vec3 u = normalized(sub(o.endB, o.endA)), a = axpy(o.endA, -p.connectorReachMm, u), b = axpy(o.endB, p.connectorReachMm, u);
  std::vector<std::pair<double, std::string>> spanned;  // (head height, level)
  for (const Finding& s : screws) {
    const Vec3& head = s.evidencePoints.front();
    if (segmentDistance(head, a, b) < p.connectorReachMm && !s.levels.empty()) spanned.emplace_back(head[2], s.levels.front());
  }
  std::sort(spanned.rbegin(), spanned.rend());  // cranial first
  for (const auto& [z, level] : spanned)
    if (std::find(f.levels.begin(), f.levels.end(), level) == f.levels.end()) f.levels.push_back(level);
  // A rod joins two vertebrae at least: when the heads it passes name fewer (a head's metal merged
  // with the rod's, so its screw's "head" end lies elsewhere), the vertebrae within its head-foot
  // extent are added.
  if (f.levels.size() < 2 && levels.table) {
    std::vector<std::string> byExtent;
    for (const LevelEntry& e : levels.table->vertebrae)
      if (e.centroid[2] >= o.zMin - 5 && e.centroid[2] <= o.zMax + 5) byExtent.push_back(e.name);
    if (byExtent.size() > f.levels.size()) f.levels = byExtent;
  }
  std::string span = f.levels.empty() ? "levels unknown" : f.levels.size() == 1 ? f.levels.front() : f.levels.front() + " to " + f.levels.back();
  f.summary = "Rod, " + f.details["side"].get<std::string>() + ", " + span + ", " + oneDecimal(o.length) + " mm.";
  return f;
}

/// The longest stretch inside a rod where the metal falls below half its peak (full width at half
/// maximum: blur bridges a thin crack at the detection threshold, not at half the peak).
double internalGapMm(const CtImage& ct, const MetalObject& rod) {
  auto hu = itk::LinearInterpolateImageFunction<CtImage, double>::New();
  hu->SetInputImage(&ct);
  Vec3 u = normalized(sub(rod.endB, rod.endA));
  Vec3 side1 = normalized(cross(u, std::abs(u[0]) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0})), side2 = cross(u, side1);
  const double step = 0.5, length = distance(rod.endA, rod.endB);
  double gap = 0, run = 0;
  bool seenMetal = false;
  for (double t = 0; t <= length; t += step) {
    double best = -1e9;
    for (int k = 0; k < 9; ++k) {  // the axis and 8 points 1.5 mm around it
      double angle = k * M_PI / 4;
      Vec3 q = axpy(rod.endA, t, u);
      if (k > 0) q = axpy(axpy(q, 1.5 * std::cos(angle), side1), 1.5 * std::sin(angle), side2);
      itk::Point<double, 3> point{{q[0], q[1], q[2]}};
      if (hu->IsInsideBuffer(point)) best = std::max(best, hu->Evaluate(point));
    }
    if (best >= rod.peakHu / 2) {
      if (seenMetal) gap = std::max(gap, run);
      seenMetal = true, run = 0;
    } else {
      run += step;
    }
  }
  return gap;
}

Finding rodGapFinding(const Finding& rod, const MetalObject& o, double gap) {
  Finding f;
  f.kind = "hardware-failure";
  f.certainty = gap >= 2 ? "probable" : "possible";
  f.levels = rod.levels;
  f.details = {{"sign", "rod discontinuity"}, {"side", rod.details["side"]}};
  f.measurements = {{"gap", gap, "mm", "longest stretch along the rod below half its peak value (FWHM), sampled every 0.5 mm"}};
  f.evidencePoints = {o.endA, o.endB};
  f.summary = "Rod discontinuity on the " + rod.details["side"].get<std::string>() + " (gap " + oneDecimal(gap) +
              " mm): possible rod fracture.";
  return f;
}

Finding cageFinding(const CtImage& ct, const MetalObject& o, const LevelEntry& disc, const LevelTable& t,
                    const HardwareParams& p) {
  Finding f = hardwareFinding("interbody cage", o, p);
  f.levels = {disc.name};
  f.evidenceLabel = disc.label;
  f.evidencePoints = {o.centroid};
  f.summary = "Interbody cage in " + disc.name + " (" + f.details["material"].get<std::string>() + ").";
  const auto [up, down] = t.bodiesAround(disc);
  if (!up || !down) return f;
  const CageSinking s = cageSubsidence(ct, o.centroid, *up, *down, metalSeedHu(ct, p.metal), p.subsidence);
  if (!s.why.empty()) {
    f.details["subsidence"] = "not measured: " + s.why;
    return f;
  }
  const std::string how = "the cage's metal (half-maximum edge, median over its footprint) past the endplate's "
                          "disc-facing surface (in the columns 2-6 mm beside the footprint)";
  f.measurements.push_back({"past_upper_endplate", s.upperMm, "mm", how + ", into " + up->name});
  f.measurements.push_back({"past_lower_endplate", s.lowerMm, "mm", how + ", into " + down->name});
  f.details["subsided_into"] = s.lowerMm >= s.upperMm ? down->name : up->name;
  f.details["subsidence_mm"] = std::max(s.upperMm, s.lowerMm);
  f.details["subsidence_point_lps_mm"] = s.lowerMm >= s.upperMm ? std::vector<double>{s.lowerPoint[0], s.lowerPoint[1], s.lowerPoint[2]}
                                                                : std::vector<double>{s.upperPoint[0], s.upperPoint[1], s.upperPoint[2]};
  return f;
}

/// A cage sunk past an endplate into the body: subsidence (loss of the height the fusion was to hold).
Finding subsidenceFinding(const Finding& cage, const SubsidenceParams& p) {
  Finding f;
  f.kind = "hardware-failure";
  f.levels = cage.levels;
  f.evidenceLabel = cage.evidenceLabel;
  const auto& q = cage.details["subsidence_point_lps_mm"];
  f.evidencePoints = {Vec3{q[0].get<double>(), q[1].get<double>(), q[2].get<double>()}};
  const double mm = cage.details["subsidence_mm"].get<double>();
  const std::string into = cage.details["subsided_into"].get<std::string>();
  f.certainty = mm >= p.probableMm ? "probable" : "possible";
  f.details = {{"sign", "cage subsidence"}, {"into", into}};
  f.measurements = {{"subsidence", mm, "mm", "the cage's metal past the cortical endplate of " + into}};
  f.summary = "The " + cage.levels.front() + " interbody cage reaches " + oneDecimal(mm) + " mm past the endplate into " +
              into + ": " + f.certainty + " subsidence; compare with the postoperative images.";
  return f;
}

Finding otherFinding(const MetalObject& o, const Levels& levels, const HardwareParams& p) {
  Finding f = hardwareFinding("other metal", o, p);
  f.certainty = "probable";
  if (const LevelEntry* v = levels.nearestVertebra(o.centroid)) f.levels = {v->name};
  f.evidencePoints = {o.centroid};
  f.summary = "Metal object near " + (f.levels.empty() ? std::string("the spine") : f.levels.front()) + " (" + oneDecimal(o.length) +
              " mm), not recognised as screw, rod or cage.";
  return f;
}

/// A plate's place against the column: the side of the bodies its sheet lies on (LPS: anterior is -y).
std::string platePosition(const Vec3& normal) {
  if (-normal[1] >= 0.7) return "anterior";
  if (std::abs(normal[0]) >= 0.7) return normal[0] > 0 ? "left lateral" : "right lateral";
  if (normal[1] >= 0.7) return "posterior";
  return normal[1] < 0 ? "anterolateral" : "posterolateral";
}

Finding plateFinding(const MetalObject& o, const Vec3& normal, bool whole, const Levels& levels, const HardwareParams& p) {
  Finding f = hardwareFinding("plate", o, p);
  f.details["position"] = platePosition(normal);
  // The vertebrae it is fixed to: those whose centroids lie within its length, and the discs between.
  std::vector<std::string> discs;
  if (levels.table) {
    const double lo = dot(sub(o.endA, o.centroid), o.axis), hi = dot(sub(o.endB, o.centroid), o.axis);
    auto within = [&](const LevelEntry& e) {
      const double t = dot(sub(e.centroid, o.centroid), o.axis);
      return t >= std::min(lo, hi) && t <= std::max(lo, hi) && distance(e.centroid, o.centroid) <= p.spinalReachMm;
    };
    for (const LevelEntry& v : levels.table->vertebrae)
      if (within(v)) f.levels.push_back(v.name);
    for (const LevelEntry& d : levels.table->discs)
      if (within(d)) discs.push_back(d.name);
  }
  f.details["discs_spanned"] = discs;
  std::string span = f.levels.empty() ? "levels unknown" : f.levels.size() == 1 ? f.levels.front() : f.levels.front() + " to " + f.levels.back();
  std::string across;
  for (const std::string& d : discs) across += (across.empty() ? " across " : ", ") + d;
  std::string position = f.details["position"].get<std::string>();
  position[0] = char(std::toupper(static_cast<unsigned char>(position[0])));
  f.summary = position + " plate, " + span + across + ", " + oneDecimal(o.length) + " mm, " + f.details["material"].get<std::string>() +
              (whole ? " (its body screws are part of the same metal)."
                     : " (taken apart from other metal it touches: a body screw touching a pedicle screw's tip is measured with "
                       "that screw).");
  return f;
}

Finding nonSpinalFinding(const MetalObject& o, double distanceMm, const HardwareParams& p) {
  Finding f;
  f.kind = "non-spinal-metal";
  f.certainty = "definite";
  f.details = {{"spinal", false}, {"material", material(o, p)}};
  f.measurements = {{"distance_to_spine", distanceMm, "mm", "from the object's centre to the nearest vertebra's centroid"},
                    {"volume", o.volumeMm3, "mm3", "metal voxel count times voxel volume"}};
  f.evidencePoints = {o.centroid};
  f.summary = "Metal outside the spine (" + oneDecimal(o.volumeMm3 / 1000) + " cm3, " + oneDecimal(distanceMm) +
              " mm from the nearest vertebra, e.g. a joint prosthesis): not spinal hardware.";
  return f;
}

/// Two rods on one side, nearly in line, with a short gap between their ends: the stretch from
/// one's far end to the other's is measured like a single rod, so the gap is its FWHM gap.
std::vector<Finding> rodBreaks(const CtImage& ct, const std::vector<MetalObject>& rods, const std::vector<Finding>& rodFindings) {
  std::vector<Finding> out;
  for (size_t a = 0; a < rods.size(); ++a)
    for (size_t b = a + 1; b < rods.size(); ++b) {
      if (rodFindings[a].details["side"] != rodFindings[b].details["side"]) continue;
      if (std::abs(dot(rods[a].axis, rods[b].axis)) < 0.9) continue;
      MetalObject joined = rods[a];
      double nearest = std::numeric_limits<double>::max();
      for (const Vec3& p : {rods[a].endA, rods[a].endB})
        for (const Vec3& q : {rods[b].endA, rods[b].endB})
          if (double d = distance(p, q); d < nearest) {
            nearest = d;
            joined.endA = distance(p, rods[a].endA) < 1e-9 ? rods[a].endB : rods[a].endA;  // a's far end
            joined.endB = distance(q, rods[b].endA) < 1e-9 ? rods[b].endB : rods[b].endA;  // b's far end
          }
      if (nearest > 25) continue;
      joined.peakHu = std::max(rods[a].peakHu, rods[b].peakHu);
      double gap = internalGapMm(ct, joined);
      if (gap < 1.0) continue;
      Finding f = rodGapFinding(rodFindings[a], joined, gap);
      for (const std::string& l : rodFindings[b].levels)
        if (std::find(f.levels.begin(), f.levels.end(), l) == f.levels.end()) f.levels.push_back(l);
      out.push_back(f);
    }
  return out;
}

/// Streaks lie in the axial planes of the metal: levels within those slices (+ margin) are obscured.
Finding artefactFinding(const std::vector<MetalObject>& spinal, const Levels& levels, const HardwareParams& p) {
  double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
  for (const MetalObject& o : spinal) lo = std::min(lo, o.zMin), hi = std::max(hi, o.zMax);
  Finding f;
  f.kind = "metal-artefact";
  f.certainty = "probable";
  f.levels = hardware::levelsWithin(*levels.table, lo - p.artefactMarginMm, hi + p.artefactMarginMm);
  f.measurements = {{"extent", hi - lo + 2 * p.artefactMarginMm, "mm",
                     "head-foot extent of the slices holding spinal metal, plus the margin streaks spread"}};
  f.summary = "Metal streaks obscure " + std::to_string(f.levels.size()) +
              " level(s) in the slices of the hardware: bone and canal there are read with less confidence.";
  return f;
}

}  // namespace

namespace {

/// A compact object in a disc space is an interbody cage.
bool readsAsCage(const MetalObject& o, const Levels& levels, const HardwareParams& p) {
  double toDisc = std::numeric_limits<double>::max();
  return levels.nearestDisc(o.centroid, &toDisc) && toDisc < 15 && o.length <= p.cageMaxMm;
}

/// A plate is a sheet along the column on the bodies' surface: its long axis runs head-foot; across
/// the direction from the nearest vertebra's centroid to the object's (the sheet's normal), at
/// least `plateSheetFraction` of its metal lies in one slab `plateSheetMm` thick (its body screws,
/// running along the normal, are the rest), and that slab's metal is `plateMinWidthMm` wide or more
/// (5-95 % extent; a screw's cross-section is 5-7 mm). It lies in front of the bodies or beside
/// them, within `plateMaxOffsetMm` of its vertebra's centroid: posterior rods and screw heads can
/// lie in one coronal slab too. The normal, or nothing when not a plate.
std::optional<Vec3> plateNormal(const MetalGrid& g, const std::vector<long>& voxels, const MetalObject& o, const Levels& levels,
                                const HardwareParams& p) {
  const LevelEntry* v = levels.nearestVertebra(o.centroid);
  if (!v || std::abs(o.axis[2]) < 0.7 || o.length < p.plateMinLengthMm) return std::nullopt;
  const Vec3 out = sub(o.centroid, v->centroid), offAxis = axpy(out, -dot(out, o.axis), o.axis);
  if (norm(offAxis) < 5) return std::nullopt;  // centred on the body: not on its surface
  const Vec3 n = normalized(offAxis), across = cross(o.axis, n);
  if (n[1] >= 0.5 || norm(offAxis) > p.plateMaxOffsetMm) return std::nullopt;  // posterior instrumentation, or off the bodies
  std::vector<std::pair<double, double>> at;  // (along the normal, across the column)
  at.reserve(voxels.size());
  for (long f : voxels) {
    const Vec3 d = sub(g.point(f), o.centroid);
    at.emplace_back(dot(d, n), dot(d, across));
  }
  std::sort(at.begin(), at.end());
  size_t best = 0, bestStart = 0;
  for (size_t a = 0, b = 0; a < at.size(); ++a) {
    while (b < at.size() && at[b].first - at[a].first <= p.plateSheetMm) ++b;
    if (b - a > best) best = b - a, bestStart = a;
  }
  if (double(best) < p.plateSheetFraction * double(at.size())) return std::nullopt;
  std::vector<double> width;
  for (size_t i = bestStart; i < bestStart + best; ++i) width.push_back(at[i].second);
  std::sort(width.begin(), width.end());
  if (width[width.size() * 95 / 100] - width[width.size() * 5 / 100] < p.plateMinWidthMm) return std::nullopt;
  return n;
}

/// The metal at an object's front, slice by slice (within `plateSheetMm` of its most anterior voxel
/// in each axial slice), its largest connected piece: a plate whose body screws touch other metal
/// (pedicle screws' tips inside the body) is one object with them, and its sheet is this piece.
std::vector<long> frontSheet(MetalGrid& g, const std::vector<long>& voxels, const HardwareParams& p) {
  const long plane = g.superiorAxis == 0 ? 1 : g.superiorAxis == 1 ? g.n[0] : g.n[0] * g.n[1];
  const long planes = g.n[g.superiorAxis];
  auto slice = [&](long flat) { return (flat / plane) % planes; };
  std::vector<double> front(size_t(planes), std::numeric_limits<double>::max());
  for (long v : voxels) front[size_t(slice(v))] = std::min(front[size_t(slice(v))], g.point(v)[1]);  // LPS: anterior is -y
  for (long v : voxels)
    if (g.point(v)[1] <= front[size_t(slice(v))] + p.plateSheetMm) g.mask[size_t(v)] = kApart;
  std::vector<std::vector<long>> pieces = components(g, kApart);
  for (long v : voxels) g.mask[size_t(v)] = kMetal;
  std::vector<long> largest;
  for (std::vector<long>& piece : pieces)
    if (piece.size() > largest.size()) largest = std::move(piece);
  return largest;
}

/// The pieces of an object, once its front sheet is taken out, that touch the sheet and are no
/// longer than `plateScrewMaxMm`: the plate's own body screws (a pedicle screw whose tip touches
/// them reaches 60 mm or more back with them, and stays).
std::vector<long> bodyScrewsOf(MetalGrid& g, const std::vector<long>& voxels, const std::vector<long>& sheet,
                               const HardwareParams& p) {
  for (long v : voxels) g.mask[size_t(v)] = kApart;
  for (long v : sheet) g.mask[size_t(v)] = kSheet;
  std::vector<long> screws;
  for (const std::vector<long>& piece : components(g, kApart)) {
    bool touches = false;
    for (long v : piece) g.forNeighbours(v, [&](long w) { touches |= g.mask[size_t(w)] == kSheet; });
    if (touches && describe(g, piece, false).length <= p.plateScrewMaxMm) screws.insert(screws.end(), piece.begin(), piece.end());
  }
  for (long v : voxels) g.mask[size_t(v)] = kMetal;
  return screws;
}

struct Plate {
  MetalObject object;
  Vec3 normal;
  bool whole = true;  ///< false: taken apart from metal its body screws touch (they stay with that metal)
};

/// Plates are found first, among whole metal objects, and taken out of the grid: where a plate's
/// sheet is steep its metal runs head-foot far enough to read as rod, which would cut it apart. An
/// object that is no plate may hold one at its front (frontSheet): that sheet alone is taken.
std::vector<Plate> takePlates(MetalGrid& g, const Levels& levels, const HardwareParams& p) {
  std::vector<Plate> plates;
  if (!levels.table) return plates;
  auto takeOut = [&](const std::vector<long>& voxels) {
    for (long v : voxels) g.mask[size_t(v)] = 0;
  };
  for (const std::vector<long>& voxels : components(g, kMetal)) {
    MetalObject o = describe(g, voxels, false);
    if (const auto normal = plateNormal(g, voxels, o, levels, p)) {
      plates.push_back({std::move(o), *normal, true});
      takeOut(voxels);
      continue;
    }
    if (o.length < p.plateMinLengthMm) continue;
    const std::vector<long> sheet = frontSheet(g, voxels, p);
    if (sheet.empty() || sheet.size() == voxels.size()) continue;
    MetalObject s = describe(g, sheet, false);
    if (const auto normal = plateNormal(g, sheet, s, levels, p)) {
      takeOut(bodyScrewsOf(g, voxels, sheet, p));
      takeOut(sheet);
      plates.push_back({std::move(s), *normal, false});
    }
  }
  if (!plates.empty())
    g.metal.erase(std::remove_if(g.metal.begin(), g.metal.end(), [&](long v) { return g.mask[size_t(v)] == 0; }), g.metal.end());
  return plates;
}

/// Faint metal (its peak under `metalHu`, found only in coarse voxels) is kept as spinal hardware
/// only beside a vertebra and not in front of it: calcified aortic or iliac walls, as bright in
/// 3 mm voxels, lie in front of the column.
bool faintButSpinal(const MetalObject& o, const Levels& levels, const HardwareParams& p) {
  double toSpine = 0;
  const LevelEntry* v = levels.nearestVertebra(o.centroid, &toSpine);
  return v && toSpine <= p.spinalReachMm && o.centroid[1] >= v->centroid[1] - p.faintMaxFrontMm;
}

/// A cage whose metal touches screws' tips (3 mm slices, a sunk cage) is one object with them and
/// reads as neither: the metal inside a disc space (its half height plus cageSlabMarginMm either
/// side, within cageRadiusMm of the disc's centre), when there is a cage's worth of it, is taken
/// apart from the rest, which splits into its own connected pieces.
std::vector<std::vector<long>> cageApart(MetalGrid& g, const std::vector<long>& part, const Levels& levels,
                                         const HardwareParams& p) {
  if (!levels.table || readsAsCage(describe(g, part, false), levels, p)) return {part};
  std::vector<long> sorted = part, best;
  std::sort(sorted.begin(), sorted.end());
  for (const LevelEntry& disc : levels.table->discs) {
    const auto [up, down] = levels.table->bodiesAround(disc);
    if (!up || !down) continue;
    const Vec3 n = normalized(sub(up->centroid, down->centroid));
    const double half = std::max(1.5, disc.heightMm / 2) + p.cageSlabMarginMm;
    std::vector<long> inside;
    for (long v : sorted) {
      const Vec3 d = sub(g.point(v), disc.centroid);
      const double along = dot(d, n);
      if (std::abs(along) <= half && norm(axpy(d, -along, n)) <= p.cageRadiusMm) inside.push_back(v);
    }
    if (inside.size() > best.size()) best = std::move(inside);
  }
  if (double(best.size()) * g.voxelMm3() < p.cageApartMm3 || best.size() == part.size()) return {part};
  std::vector<long> rest;
  std::set_difference(sorted.begin(), sorted.end(), best.begin(), best.end(), std::back_inserter(rest));
  for (long v : rest) g.mask[size_t(v)] = kApart;  // the rest's connected pieces, then plain metal again
  std::vector<std::vector<long>> out = components(g, kApart);
  for (long v : rest) g.mask[size_t(v)] = kMetal;
  out.insert(out.begin(), best);
  return out;
}

/// Two screws whose tips touch (a medial breach, converging trajectories) form one V-shaped object:
/// split it at the sagittal plane through the nearest vertebra. A cage across the midline stays
/// whole (it was reported as two cages, which reads as a bilateral PLIF).
std::vector<std::vector<long>> splitAtMidline(const MetalGrid& g, const std::vector<long>& voxels, const Levels& levels,
                                              const HardwareParams& p) {
  MetalObject whole = describe(g, voxels, false);
  const LevelEntry* v = levels.nearestVertebra(whole.centroid);
  if (!v || whole.thickness < 16 || readsAsCage(whole, levels, p)) return {voxels};
  std::vector<long> left, right;
  for (long f : voxels) (g.point(f)[0] > v->centroid[0] ? left : right).push_back(f);
  if (left.empty() || right.empty()) return {voxels};
  return {left, right};
}

}  // namespace

std::vector<Finding> HardwareDetector::detect(const DetectorInput& input) const {
  const HardwareParams& p = m_params;
  if (input.volume.modality == Modality::MR)
    return input.volume.mr && input.levels ? mrVoidFindings(*input.volume.mr, *input.levels, p.mr) : std::vector<Finding>{};
  MetalGrid grid = metalGrid(*input.volume.ct, p.metal);
  Levels levels{input.levels && !input.levels->vertebrae.empty() ? input.levels : nullptr};
  std::vector<Finding> out, screws;
  std::vector<MetalObject> spinal, rods, others;
  auto keep = [&](const MetalObject& o) {
    if (o.volumeMm3 < p.minObjectMm3 || (faint(o, p) && !faintButSpinal(o, levels, p))) return false;
    double toSpine = 0;
    if (levels.nearestVertebra(o.centroid, &toSpine) && toSpine > p.spinalReachMm) {
      out.push_back(nonSpinalFinding(o, toSpine, p));
      return false;
    }
    spinal.push_back(o);
    return true;
  };
  for (const Plate& plate : takePlates(grid, levels, p))
    if (keep(plate.object)) out.push_back(plateFinding(plate.object, plate.normal, plate.whole, levels, p));
  markRodRuns(grid, p.rodRunMm);
  unmarkThickRods(grid, p.rodMaxWidthMm);
  growRods(grid);
  for (const std::vector<long>& voxels : components(grid, kRod)) {
    MetalObject o = describe(grid, voxels, true);
    if (o.length < p.rodRunMm && faint(o, p)) continue;  // faint metal is taken as rod or screw only
    if (keep(o)) (o.length >= p.rodRunMm ? rods : others).push_back(o);
  }
  for (const std::vector<long>& whole : components(grid, kMetal))
    for (const std::vector<long>& part : cageApart(grid, whole, levels, p))
      for (const std::vector<long>& voxels : splitAtMidline(grid, part, levels, p)) {
        MetalObject o = describe(grid, voxels, false);
        const bool screw = o.length >= p.screwMinMm && o.length <= p.screwMaxMm && std::abs(o.axis[2]) < 0.7;
        if ((!screw && faint(o, p)) || !keep(o)) continue;
        double toDisc = 0;
        if (readsAsCage(o, levels, p)) {
          out.push_back(cageFinding(*input.volume.ct, o, *levels.nearestDisc(o.centroid, &toDisc), *levels.table, p));
          if (out.back().details.value("subsidence_mm", 0.0) >= p.subsidence.reportMm)
            out.push_back(subsidenceFinding(out.back(), p.subsidence));
        } else if (screw) {
          screws.push_back(screwFinding(*input.volume.ct, o, levels, p));
        } else {
          others.push_back(o);
        }
      }
  std::vector<Finding> rodFindings;
  for (const MetalObject& r : rods) {
    rodFindings.push_back(rodFinding(r, levels, screws, p));
    if (double gap = internalGapMm(*input.volume.ct, r); gap >= 1.0) out.push_back(rodGapFinding(rodFindings.back(), r, gap));
  }
  for (const MetalObject& o : others) {
    bool connector = o.length < p.connectorMaxMm && std::any_of(rods.begin(), rods.end(), [&](const MetalObject& r) {
                       return segmentDistance(o.centroid, r.endA, r.endB) < p.connectorReachMm;
                     });
    if (!connector) out.push_back(otherFinding(o, levels, p));
  }
  for (const Finding& screw : screws)
    if (screw.details.value("loosening", false)) out.push_back(looseningFinding(screw, p));
  out.insert(out.end(), screws.begin(), screws.end());
  out.insert(out.end(), rodFindings.begin(), rodFindings.end());
  for (Finding& f : rodBreaks(*input.volume.ct, rods, rodFindings)) out.push_back(f);
  if (!spinal.empty() && levels.table) out.push_back(artefactFinding(spinal, levels, p));
  return out;
}

}  // namespace spine
