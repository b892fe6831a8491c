// The body around the spine: outline with skin and subcutaneous fat, organs, vessels, muscles,
// ribs, pelvis, skull and the scanner table. Sizes are those of an average adult.
#include <algorithm>
#include <cmath>

#include "PhantomParts.h"
#include "spine/Labels.h"

namespace spine::phantom {

namespace {

constexpr double kDeg = M_PI / 180.0;

/// {half-width, half-depth, distance from the vertebral body centre to the back} by level.
Vec3 torsoSize(const std::string& name) {
  if (name[0] == 'C') return {58, 55, 48};
  if (name == "sacrum") return {172, 112, 98};
  if (name == "S1") return {165, 110, 95};
  int n = std::stoi(name.substr(1));
  if (name[0] == 'T') return n <= 1 ? Vec3{120, 85, 75} : n <= 6 ? Vec3{150, 110, 80} : Vec3{150, 112, 82};
  return n <= 3 ? Vec3{150, 105, 88} : Vec3{158, 108, 92};
}

Shape makeTorso(const Anatomy& a, double k) {
  Shape t;
  t.kind = Shape::Kind::Torso;
  t.tissue = Tissue::Skin;
  t.priority = kSkin;
  auto row = [&](double z, Vec3 size, double spineY) {
    t.torso.push_back({z, size[0] * k, size[1] * k});
    t.torsoY.push_back(spineY + (size[2] - size[1]) * k);
  };
  const VertebraModel& last = a.vertebrae.back();
  row(last.body.centre[2] - 150 * k, {175, 105, 95}, last.body.centre[1] + 10);
  // The outline follows the spine's A-P course smoothed over five levels (skin does not kink per level).
  const int n = int(a.vertebrae.size());
  for (int i = n - 1; i >= 0; --i) {
    double y = 0, w = 0;
    for (int j = std::max(0, i - 2); j <= std::min(n - 1, i + 2); ++j) y += a.vertebrae[j].body.centre[1], w += 1;
    row(a.vertebrae[i].body.centre[2], torsoSize(a.vertebrae[i].name), y / w);
  }
  const VertebraModel& first = a.vertebrae.front();
  row(first.body.centre[2] + 40 * k, {58, 55, 48}, first.body.centre[1]);
  return t;
}

void addSkull(Anatomy& a, double k) {
  const VertebraModel& c1 = a.vertebrae.front();
  Frame f = frameAlong(add(c1.body.centre, Vec3{0, -5 * k, 85 * k}), {0, 0, 1}, {1, 0, 0});
  Shape skull = ellipsoid(f, {72 * k, 92 * k, 80 * k}, Tissue::Cortical, kCortex);
  a.shapes.push_back(skull);
  a.shapes.push_back(skull.grown(-6, Tissue::Brain, kMarrow, 0));
}

/// A tube through a list of points (capsule per segment).
void addTube(Anatomy& a, const std::vector<Vec3>& pts, const std::vector<double>& radii, Tissue t, int prio) {
  for (size_t i = 0; i + 1 < pts.size(); ++i)
    a.shapes.push_back(capsule(pts[i], pts[i + 1], std::min(radii[i], radii[i + 1]), t, prio));
}

void addRib(Anatomy& a, const VertebraModel& v, int side, double k, bool osteo) {
  // From the costovertebral joint back out to the transverse process, then round the body wall,
  // sloping down as it goes forwards. Lower ribs are shorter; T11-T13 float.
  const int n = v.name == "T13" ? 13 : std::stoi(v.name.substr(1));
  const double endDeg = n <= 7 ? 165 : n <= 10 ? 150 - (n - 8) * 8 : n == 11 ? 105 : n == 12 ? 75 : 45;
  const double drop = (n <= 10 ? 70 : 45) * k;
  Vec3 joint = v.body.world(side * (v.width / 2 + 2), v.depth * 0.2, 0.3 * v.height);
  Vec3 tp = v.body.world(side * (v.pedicleOffset + v.pedicleWidth / 2 + 14 * k), v.canalOffset + 6, 0.1 * v.height);
  Vec3 sec = a.torso.torsoSection(tp[2]);
  const double rx = sec[0] * 0.86, ry = sec[1] * 0.86, cy = sec[2];
  double start = std::acos(std::clamp((tp[1] - cy) / ry, -1.0, 1.0)) / kDeg;  // angle from straight back
  std::vector<Vec3> pts{joint, tp};
  const int steps = 10;
  for (int i = 1; i <= steps; ++i) {
    double deg = start + (endDeg - start) * i / steps, t = double(i) / steps;
    pts.push_back({side * rx * std::sin(deg * kDeg), cy + ry * std::cos(deg * kDeg), tp[2] - drop * t * t});
  }
  const std::uint16_t label = ribLabel(v.label);
  for (size_t i = 0; i + 1 < pts.size(); ++i)
    addBone(a.shapes, capsule(pts[i], pts[i + 1], 4.5 * k, Tissue::Cortical, kCortex, label), label, 1.3, osteo);
}

void addPelvis(Anatomy& a, double k, bool osteo) {
  const VertebraModel& sac = a.vertebrae.back();
  for (int side : {-1, 1}) {
    // Iliac wing: a thin curved plate beside the sacrum, crest near the L4-L5 disc, opening forwards.
    Vec3 c = add(sac.body.centre, Vec3{side * (sac.width / 2 + 50 * k), -8 * k, 28 * k});
    Frame f = frameAlong(c, {0, 0, 1}, rotate(Vec3{1, 0, 0}, {0, 0, 1}, side * 35 * kDeg));
    addBone(a.shapes, ellipsoid(f, {11 * k, 55 * k, 72 * k}, Tissue::Cortical, kCortex), 0, 2.0, osteo);
    // Femoral head in its socket.
    Frame h = frameAlong(add(sac.body.centre, Vec3{side * 88 * k, -45 * k, -105 * k}), {0, 0, 1}, {1, 0, 0});
    addBone(a.shapes, ellipsoid(h, {24 * k, 24 * k, 24 * k}, Tissue::Cortical, kCortex), 0, 2.0, osteo);
  }
}

void addThorax(Anatomy& a, double k) {
  const VertebraModel *t1 = a.vertebra("T1"), *t7 = a.vertebra("T7"), *t10 = a.vertebra("T10"), *t11 = a.vertebra("T11");
  for (int side : {-1, 1}) {
    double zTop = t1->body.centre[2] + 15, zBase = t10->body.centre[2];
    Vec3 sec = a.torso.torsoSection((zTop + zBase) / 2);
    Frame f = frameAlong({side * sec[0] * 0.45, sec[2] + sec[1] * 0.1, (zTop + zBase) / 2}, {0, 0, 1}, {1, 0, 0});
    a.shapes.push_back(ellipsoid(f, {sec[0] * 0.40, sec[1] * 0.78, (zTop - zBase) / 2 + 25 * k}, Tissue::Lung, kOrgan));
  }
  Vec3 sec = a.torso.torsoSection(t7->body.centre[2]);
  Frame heart = frameAlong({25 * k, sec[2] - sec[1] * 0.35, t7->body.centre[2] - 20 * k}, {0.2, -0.3, 1}, {1, 0, 0});
  a.shapes.push_back(ellipsoid(heart, {55 * k, 48 * k, 60 * k}, Tissue::Blood, kOrgan));
  Frame sternum = frameAlong({0, sec[2] - sec[1] + 14 * k, t7->body.centre[2] + 20 * k}, {0, 0.25, 1}, {1, 0, 0});
  addBone(a.shapes, box(sternum, {14 * k, 5 * k, 80 * k}, Tissue::Cortical, kCortex), 0, 1.5, false);
  Vec3 lower = a.torso.torsoSection(t11->body.centre[2]);
  Frame liver = frameAlong({-lower[0] * 0.42, lower[2] - lower[1] * 0.15, t11->body.centre[2] - 10 * k}, {0, 0, 1}, {1, 0, 0});
  a.shapes.push_back(ellipsoid(liver, {lower[0] * 0.45, lower[1] * 0.65, 85 * k}, Tissue::Liver, kInner + 1));
}

void addAbdomen(Anatomy& a, double k, std::mt19937& rng) {
  const VertebraModel* l1 = a.vertebra("L1");
  const VertebraModel& sac = a.vertebrae.back();
  for (int side : {-1, 1}) {
    Frame kidney = frameAlong(add(l1->body.centre, Vec3{side * (l1->width / 2 + 48 * k), 8 * k, side > 0 ? 12 * k : -8 * k}),
                              {side * 0.2, 0, 1}, {1, 0, 0});
    a.shapes.push_back(ellipsoid(kidney, {26 * k, 22 * k, 52 * k}, Tissue::Kidney, kMuscle));
  }
  std::uniform_real_distribution<double> uni(0, 1);
  double zLo = sac.body.centre[2] + 10, zHi = l1->body.centre[2];
  for (int i = 0; i < 9; ++i) {  // bowel gas pockets in front of the spine
    double z = zLo + (zHi - zLo) * uni(rng);
    Vec3 sec = a.torso.torsoSection(z);
    double x = (uni(rng) * 2 - 1) * sec[0] * 0.55, y = sec[2] - sec[1] * (0.15 + 0.55 * uni(rng));
    double r = (7 + 14 * uni(rng)) * k;
    a.shapes.push_back(ellipsoid(frameAlong({x, y, z}, {0, 0, 1}, {1, 0, 0}), {r * 1.3, r, r * 0.9}, Tissue::BowelGas, kOrgan));
  }
}

void addVesselsAndMuscles(Anatomy& a, double k) {
  std::vector<Vec3> aorta, ivc, erectorL, erectorR;
  std::vector<double> aortaR, ivcR, erectorRad;
  std::vector<Vec3> psoasL, psoasR;
  std::vector<double> psoasRad;
  for (const VertebraModel& v : a.vertebrae) {
    const char r = v.name[0];
    int rank = craniocaudalRank(v.label);
    bool belowT4 = rank >= craniocaudalRank(11);
    if (belowT4 && v.name != "sacrum") {
      aorta.push_back(v.body.world(14 * k, -v.depth / 2 - 13 * k, 0)), aortaR.push_back((r == 'T' ? 11 : 9) * k);
      ivc.push_back(v.body.world(-22 * k, -v.depth / 2 - 14 * k, 0)), ivcR.push_back(10 * k);
    }
    if (r != 'C' || v.name == "C7") {
      double rad = (r == 'T' ? 20 : r == 'C' ? 14 : 27) * k;
      double y = v.canalOffset + v.canalDepth / 2 + 22 * k;
      erectorL.push_back(v.body.world(28 * k, y, 0)), erectorR.push_back(v.body.world(-28 * k, y, 0));
      erectorRad.push_back(rad);
    }
    if (r == 'L' || v.name == "T12" || v.name == "S1" || v.name == "sacrum") {
      double rad = r == 'T' ? 6 * k : v.name == "sacrum" ? 22 * k : (8 + 3.2 * (v.name == "S1" ? 5 : std::stoi(v.name.substr(1)))) * k;
      double off = v.width / 2 + rad * (v.name == "sacrum" ? 1.8 : 0.9);
      psoasL.push_back(v.body.world(off, -2, 0)), psoasR.push_back(v.body.world(-off, -2, 0)), psoasRad.push_back(rad);
    }
  }
  addTube(a, aorta, aortaR, Tissue::Blood, kMuscle);
  addTube(a, ivc, ivcR, Tissue::Blood, kMuscle);
  addTube(a, erectorL, erectorRad, Tissue::Muscle, kMuscle);
  addTube(a, erectorR, erectorRad, Tissue::Muscle, kMuscle);
  addTube(a, psoasL, psoasRad, Tissue::Muscle, kMuscle);
  addTube(a, psoasR, psoasRad, Tissue::Muscle, kMuscle);
}

void addTable(Anatomy& a, bool prone) {
  auto [lo, hi] = a.torso.bounds();
  double y = prone ? lo[1] - 11 : hi[1] + 11;  // 8 mm table half-thickness + a thin mattress
  Frame f = frameAlong({0, y, (lo[2] + hi[2]) / 2}, {0, 0, 1}, {1, 0, 0});
  a.shapes.push_back(box(f, {230, 8, (hi[2] - lo[2]) / 2}, Tissue::Table, kSkin));
}

}  // namespace

void buildBody(Anatomy& a, const PhantomSpec& spec, std::mt19937& rng) {
  const double k = spec.sizeScale;
  a.torso = makeTorso(a, k);
  a.shapes.push_back(a.torso);
  a.shapes.push_back(a.torso.grown(-2.5, Tissue::Fat, kFat, 0));
  a.shapes.push_back(a.torso.grown(-(2.5 + 19 * k), Tissue::SoftTissue, kInner, 0));
  addTable(a, spec.acquisition.position == "prone");
  addSkull(a, k);
  addThorax(a, k);
  addAbdomen(a, k, rng);
  addVesselsAndMuscles(a, k);
  addPelvis(a, k, spec.osteoporosis);
  for (const VertebraModel& v : a.vertebrae)
    if (v.hasRibs)
      for (int side : {-1, 1}) addRib(a, v, side, k, spec.osteoporosis);
}

}  // namespace spine::phantom
