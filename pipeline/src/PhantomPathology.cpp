// Pathology and hardware: disc herniations (MSU/NASS nomenclature: protrusion has a base wider
// than its depth, extrusion a narrower neck and may migrate), degenerated discs, pedicle screws,
// rods, interbody cages, anterior plates and laminectomy defects, each with its ground-truth record.
#include <algorithm>
#include <cmath>

#include "PhantomParts.h"
#include "spine/Vec3Json.h"

namespace spine::phantom {

using nlohmann::json;

namespace {

constexpr double kDeg = M_PI / 180.0;

double lateralOffset(const HerniationSpec& h, const DiscModel& d) {
  double side = h.side == "left" ? 1 : -1;  // patient left is +x (LPS)
  if (h.position == "central") return 0;
  return side * d.width * (h.position == "paracentral" ? 0.2 : 0.42);
}

void addHerniation(Anatomy& a, const HerniationSpec& h, const PhantomSpec& spec) {
  const DiscModel* d = a.disc(h.level);
  if (!d) specError(spec, "herniation level " + h.level + " is not a disc of this anatomy");
  const double x = lateralOffset(h, *d), back = d->depth / 2, depth = h.depthMm;
  const bool extrusion = h.type == "extrusion";
  double width = h.widthMm > 0 ? h.widthMm : (extrusion ? 0.6 : 2.5) * depth;
  width = std::clamp(width, 4.0, d->width * 0.6);
  Frame f = d->frame;
  if (!extrusion) {
    f.centre = d->frame.world(x, back - depth * 0.3, 0);
    a.shapes.push_back(ellipsoid(f, {width / 2, depth * 1.3, d->height * 0.42}, Tissue::Herniation, kHerniation, d->label));
  } else {
    f.centre = d->frame.world(x, back + depth * 0.1, 0);
    a.shapes.push_back(ellipsoid(f, {width / 2, depth * 0.5, d->height * 0.3}, Tissue::Herniation, kHerniation, d->label));
    f.centre = d->frame.world(x, back + depth * 0.55, h.migrationMm);
    double dome = std::max(width * 1.8, depth * 1.4);
    a.shapes.push_back(ellipsoid(f, {dome / 2, depth * 0.45, std::max(d->height * 0.55, depth * 0.6)}, Tissue::Herniation,
                                 kHerniation, d->label));
  }
  a.herniations.push_back({{"level", h.level}, {"type", h.type}, {"position", h.position},
                           {"side", h.position == "central" ? "midline" : h.side}, {"depth_mm", depth},
                           {"base_width_mm", width}, {"migration_mm", h.migrationMm},
                           {"apex_lps_mm", toJson(d->frame.world(x, back + depth, extrusion ? h.migrationMm : 0))},
                           {"base_lps_mm", toJson(d->frame.world(x, back, 0))}});
}

/// A hypertrophied ligamentum flavum: a dense ellipsoid from the back of the canal (the upper
/// vertebra's) forward, at the disc level, until the canal's midline depth from the disc's posterior
/// margin is the spec's.
void addStenosis(Anatomy& a, const StenosisSpec& s, const PhantomSpec& spec) {
  const DiscModel* d = a.disc(s.level);
  if (!d) specError(spec, "stenosis level " + s.level + " is not a disc of this anatomy");
  const VertebraModel* v = a.vertebra(d->upper);
  const double front = d->depth / 2 + s.canalApMm, back = v->canalOffset + v->canalDepth / 2 + 3;
  if (back - front < 2) specError(spec, "stenosis at " + s.level + ": canal_ap_mm is not narrower than the canal");
  Frame f = d->frame;
  f.centre = d->frame.world(0, (front + back) / 2, 0);
  a.shapes.push_back(ellipsoid(f, {v->canalWidth / 2 + 1, (back - front) / 2, d->height / 2 + 3}, Tissue::Ligament, kHerniation,
                               kKeepLabel));
  a.stenoses.push_back({{"level", s.level}, {"canal_ap_mm", s.canalApMm}, {"grade", s.canalApMm < 10 ? "absolute" : "relative"},
                        {"front_lps_mm", toJson(d->frame.world(0, front, 0))}, {"base_lps_mm", toJson(d->frame.world(0, d->depth / 2, 0))}});
}

Tissue metalOf(const std::string& material) {
  return material == "steel" ? Tissue::SteelMetal : material == "peek" ? Tissue::Peek : Tissue::Metal;
}

/// Metal on MR: a signal void larger than the object (bigger for steel) rimmed by a bright pile-up.
void addMetal(Anatomy& a, const Shape& metal, const std::string& material, bool mr) {
  a.shapes.push_back(metal);
  if (!mr || material == "peek") return;
  double bloom = material == "steel" ? 7.0 : 2.0;
  a.shapes.push_back(metal.grown(bloom, Tissue::SusceptibilityVoid, kVoid));
  a.shapes.push_back(metal.grown(bloom + 1.5, Tissue::PileUp, kPileUp));
}

struct ScrewPath {
  Vec3 entry, tip, dir, head;
};

/// A screw through the pedicle's centre, converging (S1's towards the promontory, 25 degrees); a
/// breached one is aimed beside the pedicle so that its shaft's surface lies 3 mm beyond the
/// pedicle's wall where it crosses it: medially into the canal, laterally out of the bone
/// (Gertzbein-Robbins grade C, 2-4 mm).
ScrewPath screwPath(const VertebraModel& v, int side, const HardwareSpec& h) {
  const double converge = v.name == "sacrum" ? 25 : v.name[0] == 'T' ? 6 : v.name == "L5" || v.name == "L6" ? 15 : 10;
  const double shift = h.breach == "none" ? 0 : v.pedicleWidth / 2 + 3 - h.diameterMm / 2;
  const double offset = v.pedicleOffset + (h.breach == "medial" ? -shift : shift);
  const Frame& f = v.body;
  Vec3 pedicle = f.world(side * offset, v.depth / 2 + v.canalDepth * 0.3, 0.12 * v.height);
  Vec3 dir = normalized(add(scale(f.v, -std::cos(converge * kDeg)), scale(f.u, -side * std::sin(converge * kDeg))));
  ScrewPath s;
  s.dir = dir;
  s.entry = axpy(pedicle, -16, dir);
  s.tip = axpy(s.entry, h.lengthMm, dir);
  s.head = axpy(s.entry, -8, dir);
  return s;
}

void addScrews(Anatomy& a, const HardwareSpec& h, bool mr) {
  for (const std::string& level : h.levels) {
    const VertebraModel* v = a.vertebra(level);
    for (int side : {1, -1}) {
      ScrewPath p = screwPath(*v, side, h);
      Shape shaft = capsule(p.entry, p.tip, h.diameterMm / 2, metalOf(h.material), kMetal, kKeepLabel);
      if (h.haloMm > 0) a.shapes.push_back(shaft.grown(h.haloMm, Tissue::Halo, kHalo));
      addMetal(a, shaft, h.material, mr);
      addMetal(a, capsule(axpy(p.entry, -4, p.dir), axpy(p.entry, -12, p.dir), 5.5, metalOf(h.material), kMetal, 0), h.material, mr);
      a.hardware.push_back({{"kind", "pedicle-screw"}, {"level", level}, {"side", side > 0 ? "left" : "right"},
                            {"material", h.material}, {"entry_lps_mm", toJson(p.entry)}, {"tip_lps_mm", toJson(p.tip)},
                            {"diameter_mm", h.diameterMm}, {"length_mm", h.lengthMm}, {"halo_mm", h.haloMm},
                            {"breach", h.breach}});
    }
  }
}

void addRods(Anatomy& a, const HardwareSpec& h, bool mr) {
  for (int side : {1, -1}) {
    std::vector<Vec3> heads;
    for (const std::string& level : h.levels) heads.push_back(screwPath(*a.vertebra(level), side, h).head);
    for (size_t i = 0; i + 1 < heads.size(); ++i) {
      Vec3 p = heads[i], q = heads[i + 1];
      bool broken = h.rodGapMm > 0 && i == (heads.size() - 2) / 2;
      if (!broken) {
        addMetal(a, capsule(p, q, 2.75, metalOf(h.material), kMetal, 0), h.material, mr);
        continue;
      }
      // The capsules' rounded ends reach 2.75 mm past their end points: step back by that much so
      // that the metal really stops rodGapMm apart.
      Vec3 mid = scale(add(p, q), 0.5), dir = normalized(sub(q, p));
      const double back = h.rodGapMm / 2 + 2.75;
      addMetal(a, capsule(p, axpy(mid, -back, dir), 2.75, metalOf(h.material), kMetal, 0), h.material, mr);
      addMetal(a, capsule(axpy(mid, back, dir), q, 2.75, metalOf(h.material), kMetal, 0), h.material, mr);
    }
    a.hardware.push_back({{"kind", "rod"}, {"levels", h.levels}, {"side", side > 0 ? "left" : "right"},
                          {"material", h.material}, {"start_lps_mm", toJson(heads.front())}, {"end_lps_mm", toJson(heads.back())},
                          {"diameter_mm", 5.5}, {"fracture_gap_mm", h.rodGapMm}});
  }
}

/// A solid interbody fusion: trabecular bone across the disc space round the cage, through the
/// endplates (they remodel once bone bridges them), inside the annulus's outer ring.
void addBridgingBone(Anatomy& a, const DiscModel& d) {
  a.shapes.push_back(cylinder(d.frame, {d.width * 0.42, d.depth * 0.40, d.height / 2 + 1.5}, Tissue::Cancellous, kMarrow,
                              kKeepLabel));
}

void addCage(Anatomy& a, const HardwareSpec& h, bool mr, const PhantomSpec& spec) {
  for (const std::string& level : h.levels) {
    const DiscModel* d = a.disc(level);
    if (!d) specError(spec, "cage level " + level + " is not a disc of this anatomy");
    Frame f = d->frame;
    f.centre = d->frame.world(0, 0, -h.subsidenceMm / 2);
    Shape cage = box(f, {d->width * 0.28, d->depth * 0.3, d->height / 2 + h.subsidenceMm / 2}, metalOf(h.material), kMetal, kKeepLabel);
    addMetal(a, cage, h.material, mr);
    if (h.bridgingBone) addBridgingBone(a, *d);
    a.hardware.push_back({{"kind", "interbody-cage"}, {"level", level}, {"material", h.material},
                          {"centre_lps_mm", toJson(f.centre)}, {"subsidence_mm", h.subsidenceMm},
                          {"bridging_bone", h.bridgingBone}});
  }
}

/// An anterior plate on the bodies of its vertebrae (first..last), 2.5 mm thick, from 35 % of the
/// first body's height above its centre to as far below the last's, with two 4 mm body screws
/// into each vertebra, aimed back and slightly converging (as in an ACDF or an anterior lumbar
/// plate).
void addPlate(Anatomy& a, const HardwareSpec& h, bool mr) {
  const VertebraModel& top = *a.vertebra(h.levels.front());
  const VertebraModel& bottom = *a.vertebra(h.levels.back());
  constexpr double kThicknessMm = 2.5, kScrewRadiusMm = 2;
  const double width = std::clamp(0.85 * top.width, 14.0, 30.0);
  auto front = [&](const VertebraModel& v) { return v.body.world(0, -v.depth / 2 - kThicknessMm / 2 - 0.5, 0); };
  const Vec3 upper = front(top), lower = front(bottom);
  Frame f;
  f.centre = scale(add(upper, lower), 0.5);
  f.w = normalized(sub(upper, lower));
  f.u = normalized(axpy(top.body.u, -dot(top.body.u, f.w), f.w));
  f.v = cross(f.w, f.u);
  const double length = distance(upper, lower) + 0.35 * (top.height + bottom.height);
  addMetal(a, box(f, {width / 2, kThicknessMm / 2, length / 2}, metalOf(h.material), kMetal, 0), h.material, mr);
  for (const std::string& level : h.levels) {
    const VertebraModel& v = *a.vertebra(level);
    const double reach = std::min(0.75 * v.depth, 22.0);
    for (int side : {1, -1}) {
      const Vec3 entry = axpy(front(v), side * width / 4, f.u);
      const Vec3 dir = normalized(add(v.body.v, scale(v.body.u, -side * 0.1)));
      addMetal(a, capsule(entry, axpy(entry, reach, dir), kScrewRadiusMm, metalOf(h.material), kMetal, kKeepLabel), h.material, mr);
    }
  }
  a.hardware.push_back({{"kind", "plate"}, {"levels", h.levels}, {"position", "anterior"}, {"material", h.material},
                        {"centre_lps_mm", toJson(f.centre)}, {"length_mm", length}, {"width_mm", width}});
}

void addLaminectomy(Anatomy& a, const HardwareSpec& h) {
  for (const std::string& level : h.levels) {
    const VertebraModel* v = a.vertebra(level);
    Frame f = v->body;
    f.centre = v->body.world(0, v->canalOffset + v->canalDepth / 2 + 22, 0);
    a.shapes.push_back(box(f, {v->canalWidth / 2 + 3, 22, v->height / 2 + 5}, Tissue::Scar, kLaminectomy, 0));
    a.hardware.push_back({{"kind", "laminectomy"}, {"level", level}, {"centre_lps_mm", toJson(f.centre)}});
  }
}

}  // namespace

void buildPathology(Anatomy& a, const PhantomSpec& spec) {
  const bool mr = spec.modality == "MR";
  for (const auto& h : spec.herniations) addHerniation(a, h, spec);
  for (const auto& s : spec.stenoses) addStenosis(a, s, spec);
  for (const auto& d : spec.degeneratedDiscs) {
    const DiscModel* disc = a.disc(d.level);
    if (!disc) specError(spec, "degenerated disc " + d.level + " is not a disc of this anatomy");
    a.degeneratedDiscs.push_back({{"level", d.level}, {"height_loss", d.heightLoss}, {"height_mm", disc->height},
                                  {"vacuum", d.vacuum}});
  }
  for (const auto& h : spec.hardware) {
    if (h.type != "cage")
      for (const std::string& l : h.levels)
        if (!a.vertebra(l)) specError(spec, h.type + " level " + l + " is not a vertebra of this anatomy");
    if (h.type == "pedicle-screws") addScrews(a, h, mr);
    if (h.type == "rods") addRods(a, h, mr);
    if (h.type == "cage") addCage(a, h, mr, spec);
    if (h.type == "laminectomy") addLaminectomy(a, h);
    if (h.type == "plate") addPlate(a, h, mr);
  }
}

}  // namespace spine::phantom
