#include "HardwareDetector.h"

#include <algorithm>
#include <iterator>
#include <cctype>
#include <cmath>
#include <limits>

#include <itkLinearInterpolateImageFunction.h>

#include "MetalObjects.h"
#include "Placement.h"
#include "Plates.h"

namespace spine {

namespace {

using hardware::components;
using hardware::describe;
using hardware::kApart;
using hardware::kMetal;
using hardware::kRod;
using hardware::Levels;
using hardware::MetalGrid;
using hardware::MetalObject;
using hardware::sideOf;

/// Metal running at least `runMm` along the head-foot axis is rod.
void markRodRuns(MetalGrid& g, double runMm) {
  const int a = g.superiorAxis;
  const long need = std::max(2L, long(std::lround(runMm / g.spacing[a]))), stride = g.superiorStride();
  for (long start : g.metal) {
    if (g.superiorIndex(start) > 0 && g.mask[size_t(start - stride)]) continue;  // not the first voxel of its run
    long length = 0;
    while (g.superiorIndex(start) + length < g.n[a] && g.mask[size_t(start + length * stride)]) ++length;
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
/// metal's edge (its half-maximum radius), over 16 directions at each of 8 places along 45-90 % of
/// the shaft, against the bone 3.5-5 mm out. Only places with bone round them count (median
/// 3.5-5 mm out at least `minBoneHu`), four at least, or the rim is not judged: where a shaft runs
/// through soft tissue its rim and "bone" are both soft tissue, and mixed with the places in bone
/// they read as a lucent rim (the phantoms' S1 screws, whose sacrum has no pedicle bone: 44-68 HU).
struct HaloProfile {
  double edgeMm = 0, boneHu = 0, lowestHu = 0, widthMm = 0;
};

HaloProfile haloProfile(const CtImage& ct, const Vec3& head, const Vec3& tip, double peakHu, double minBoneHu) {
  auto hu = itk::LinearInterpolateImageFunction<CtImage, double>::New();
  hu->SetInputImage(&ct);
  const Vec3 u = normalized(sub(tip, head));
  const Vec3 a = normalized(cross(u, std::abs(u[2]) < 0.9 ? Vec3{0, 0, 1} : Vec3{1, 0, 0})), b = cross(u, a);
  const double length = distance(head, tip);
  std::vector<Vec3> places;
  for (int k = 0; k < 8; ++k) places.push_back(axpy(head, length * (0.45 + 0.45 * k / 7.0), u));
  auto sampleAt = [&](const std::vector<Vec3>& at, double radius) {  // median over places and directions
    std::vector<double> values;
    for (const Vec3& c : at)
      for (int j = 0; j < 16; ++j) {
        double angle = j * M_PI / 8;
        Vec3 q = axpy(axpy(c, radius * std::cos(angle), a), radius * std::sin(angle), b);
        itk::Point<double, 3> point{{q[0], q[1], q[2]}};
        if (hu->IsInsideBuffer(point)) values.push_back(hu->Evaluate(point));
      }
    if (values.empty()) return 0.0;
    std::nth_element(values.begin(), values.begin() + long(values.size() / 2), values.end());
    return values[values.size() / 2];
  };
  HaloProfile h;
  for (h.edgeMm = 0.25; h.edgeMm < 8 && sampleAt(places, h.edgeMm) >= peakHu / 2; h.edgeMm += 0.25) {
  }
  auto boneAt = [&](const std::vector<Vec3>& at) {
    return (sampleAt(at, h.edgeMm + 3.5) + sampleAt(at, h.edgeMm + 4.25) + sampleAt(at, h.edgeMm + 5.0)) / 3;
  };
  std::vector<Vec3> inBone;
  for (const Vec3& c : places)
    if (boneAt({c}) >= minBoneHu) inBone.push_back(c);
  if (inBone.size() < 4) return h;  // boneHu 0: not in bone over half the length, not judged
  h.boneHu = boneAt(inBone);
  h.lowestHu = 1e9;
  std::vector<double> profile;
  for (double d = 0.5; d <= 3.0; d += 0.25)
    profile.push_back(sampleAt(inBone, h.edgeMm + d)), h.lowestHu = std::min(h.lowestHu, profile.back());
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
  // The tip is the anterior end (LPS: smaller y); the level is the vertebra between the discs
  // around the point 60 % of the way from the head to the tip (inside pedicle or body).
  Vec3 tip = o.endA[1] < o.endB[1] ? o.endA : o.endB, head = o.endA[1] < o.endB[1] ? o.endB : o.endA;
  const LevelEntry* v = levels.vertebraBetweenDiscs(axpy(head, 0.6, sub(tip, head)));
  f.evidencePoints = {head, tip};
  f.details["tip_lps_mm"] = {tip[0], tip[1], tip[2]};
  const HaloProfile halo = haloProfile(ct, head, tip, o.peakHu, p.haloMinBoneHu);
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
  MetalGrid grid = hardware::metalGrid(*input.volume.ct, p.metal);
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
  for (const hardware::Plate& plate : hardware::takePlates(grid, levels, p))
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
