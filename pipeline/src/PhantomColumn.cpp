// The spine column: level list, sizes, the walk from the sacrum up, vertebra and disc shapes,
// canal and cord, sacrum. Sizes follow published morphometry (Panjabi et al., Spine 1991/1992:
// bodies widen from ~17 mm at C3 to ~50 mm at L5; lumbar discs 9-12 mm).
#include <algorithm>
#include <cmath>

#include "PhantomParts.h"
#include "spine/Error.h"
#include "spine/Labels.h"

namespace spine::phantom {

namespace {

constexpr double kDeg = M_PI / 180.0;

double lerp(double a, double b, double t) { return a + (b - a) * t; }

struct LevelPlan {
  std::string name;
  std::uint16_t label;
  bool ribs;
};

std::vector<LevelPlan> planLevels(const PhantomSpec& s) {
  std::vector<LevelPlan> out;
  for (int i = 1; i <= 7; ++i) out.push_back({"C" + std::to_string(i), std::uint16_t(i), false});
  unsigned thoracic = s.ribPairs == 13 ? 13 : 12;
  for (unsigned i = 1; i <= thoracic; ++i) {
    std::string n = "T" + std::to_string(i);
    out.push_back({n, *vertebraCode(n), i <= s.ribPairs});
  }
  for (unsigned i = 1; i <= s.lumbarCount; ++i) {
    std::string n = "L" + std::to_string(i);
    out.push_back({n, *vertebraCode(n), false});
  }
  if (s.transitional == "lumbarized-S1") out.push_back({"S1", kS1Label, false});
  return out;
}

/// Body width, depth, height; canal width, depth; pedicle width; disc height below; lordosis of the
/// disc below (deg, + lordotic). Region-wise interpolation.
struct LevelSize {
  double w, d, h, canalW, canalD, pedW, discBelow, lordosisBelow;
};

LevelSize sizeOf(const std::string& name, unsigned lumbarCount, double scale) {
  LevelSize z{};
  char region = name[0];
  int n = name == "S1" ? 0 : std::stoi(name.substr(1));
  if (region == 'C') {
    double t = std::clamp((n - 3) / 4.0, 0.0, 1.0);
    z = {lerp(16, 22, t), lerp(15, 17, t), lerp(13, 15, t), 24, 14, 5.5, 5.0, 5.0};
    if (n == 2) z.h = 20;
    if (n == 1) z = {0, 0, 10, 26, 16, 6, 0, 0};
  } else if (region == 'T') {
    double t = std::clamp((n - 1) / 11.0, 0.0, 1.0);
    z = {lerp(25, 40, t), lerp(17, 30, t), lerp(17, 23, t), 17, 15, lerp(6, 9, t), lerp(4, 6.5, t), -3.4};
    if (n == 13) z = {41, 31, 23.5, 18, 16, 9, 7, -1};
    if (n >= 11) z.lordosisBelow = -1;
  } else if (region == 'L') {
    double t = std::clamp((n - 1) / std::max(1.0, lumbarCount - 1.0), 0.0, 1.0);
    static const double lordosis5[] = {6, 9, 11, 14, 17};
    int fromBottom = int(lumbarCount) - n;  // 0 for the last lumbar
    z = {lerp(42, 50, t), lerp(31, 35, t), lerp(25, 26.5, t), lerp(22, 26, t), lerp(17, 18, t), lerp(8.5, 15, t),
         lerp(9.5, 11.5, t), lordosis5[std::max(0, 4 - fromBottom)]};
    if (fromBottom == 0) z.discBelow = 10.5;
  } else {  // lumbarised S1: a squared, free first sacral segment
    z = {47, 33, 24, 26, 17, 15, 5, 10};
  }
  for (double* v : {&z.w, &z.d, &z.h, &z.canalW, &z.canalD, &z.pedW, &z.discBelow}) *v *= scale;
  return z;
}

const DegeneratedDiscSpec* degeneration(const PhantomSpec& s, const std::string& disc) {
  for (const auto& d : s.degeneratedDiscs)
    if (d.level == disc) return &d;
  return nullptr;
}

/// Running state of the walk: a point on the top surface of the last placed segment, its axis and
/// lateral direction.
struct Walk {
  Vec3 p{0, 0, 0};
  Vec3 n, u{1, 0, 0};
  Vec3 v() const { return cross(n, u); }
};

void bend(Walk& w, double sagittalDeg, double coronalDeg, double fraction) {
  // Lordosis tilts the axis backwards going up: a rotation about u by -angle.
  w.n = normalized(rotate(w.n, w.u, -sagittalDeg * kDeg * fraction));
  Vec3 ap = w.v();
  w.n = normalized(rotate(w.n, ap, coronalDeg * kDeg * fraction));
  w.u = normalized(rotate(w.u, ap, coronalDeg * kDeg * fraction));
  w.u = normalized(sub(w.u, scale(w.n, dot(w.u, w.n))));
}

/// Scoliosis as a balanced S-curve: the column's sideways shift along its length x (0 at the
/// sacrum, 1 at C1) is d(x) = sin(2 pi x) sin(pi x), a primary curve with its apex near L1 and a
/// compensating one above it, with the column leaving the sacrum upright and the head over the
/// pelvis (a compensated curve keeps C7 over the sacrum within about 2 cm). Each vertebra's coronal
/// tilt follows d'(x), scaled so that the primary curve's Cobb angle (its largest tilt minus its
/// smallest, between the sacrum and the inflection at x = 0.5) is the spec's; its axial rotation
/// follows d(x), the apical vertebra turned most. (Until 2026-11-24 the tilts did not return, so a
/// whole-spine phantom's cervical spine lay 70-98 mm to the side, outside the neck.)
struct ScoliosisPlan {
  std::vector<double> tiltDeg, rotationDeg;  ///< per level from the sacrum up: coronal tilt, axial rotation
};

ScoliosisPlan scoliosisPlan(const PhantomSpec& s, const std::vector<LevelPlan>& plan) {
  const size_t n = plan.size();
  ScoliosisPlan out{std::vector<double>(n, 0), std::vector<double>(n, 0)};
  if (s.scoliosisCobbDeg == 0) return out;
  std::vector<double> at(n);  // each level's mid-height along the column, from the sacrum up
  double length = 0;
  for (size_t r = 0; r < n; ++r) {
    const LevelSize z = sizeOf(plan[n - 1 - r].name, s.lumbarCount, s.sizeScale);
    at[r] = length + z.discBelow + z.h / 2, length += z.discBelow + z.h;
  }
  auto shift = [](double x) { return std::sin(2 * M_PI * x) * std::sin(M_PI * x); };
  auto slope = [](double x) {
    return 2 * M_PI * std::cos(2 * M_PI * x) * std::sin(M_PI * x) + M_PI * std::sin(2 * M_PI * x) * std::cos(M_PI * x);
  };
  double lo = 0, hi = 0;  // the primary curve's extreme slopes (sacrum to the inflection)
  for (double x = 0; x <= 0.5; x += 0.005) lo = std::min(lo, slope(x)), hi = std::max(hi, slope(x));
  for (size_t r = 0; r < n; ++r) {
    const double x = at[r] / length;
    out.tiltDeg[r] = s.scoliosisCobbDeg * slope(x) / (hi - lo);
    out.rotationDeg[r] = s.scoliosisCobbDeg / 4.0 * shift(x);
  }
  return out;
}

void addVertebraShapes(Anatomy& a, const VertebraModel& v, const PhantomSpec& s);
void addDiscShapes(Anatomy& a, const DiscModel& d, const VertebraModel& upper, const VertebraModel& lower,
                   const PhantomSpec& s);
void addSacrum(Anatomy& a, Walk down, const PhantomSpec& s);

VertebraModel placeVertebra(const LevelPlan& plan, const LevelSize& z, Walk& w, double axialRotDeg) {
  VertebraModel v;
  v.name = plan.name;
  v.label = plan.label;
  v.width = z.w, v.depth = z.d, v.height = z.h;
  v.canalWidth = z.canalW, v.canalDepth = z.canalD;
  v.canalOffset = z.d / 2 + z.canalD / 2 + 1;
  v.pedicleWidth = z.pedW;
  v.pedicleOffset = z.canalW / 2 + z.pedW / 2 - 1;
  v.hasRibs = plan.ribs;
  v.body = frameAlong(axpy(w.p, z.h / 2, w.n), w.n, rotate(w.u, w.n, axialRotDeg * kDeg));
  w.p = axpy(w.p, z.h, w.n);
  return v;
}

}  // namespace

void buildColumn(Anatomy& a, const PhantomSpec& s) {
  std::vector<LevelPlan> plan = planLevels(s);
  const double slope = s.sacralSlopeDeg * kDeg;
  Walk w;
  w.n = {0, -std::sin(slope), std::cos(slope)};  // the S1 endplate faces up and forwards
  Walk sacrumTop = w;
  std::vector<VertebraModel> upward;
  const int total = int(plan.size());
  const ScoliosisPlan scoliosis = scoliosisPlan(s, plan);
  for (int i = total - 1; i >= 0; --i) {
    const LevelPlan& lp = plan[i];
    std::string below = i + 1 < total ? plan[i + 1].name : "sacrum";
    LevelSize z = sizeOf(lp.name, s.lumbarCount, s.sizeScale);
    double lordosis = z.lordosisBelow * (z.lordosisBelow > 0 ? s.lordosisScale : s.kyphosisScale);
    std::string discName = below != "sacrum" ? lp.name + "-" + below : (lp.name == "S1" ? "S1-S2" : lp.name + "-S1");
    double discH = z.discBelow;
    if (const auto* deg = degeneration(s, discName)) discH *= 1 - deg->heightLoss;
    if (i == total - 1 && s.transitional == "sacralized-L5") discH = 3.0 * s.sizeScale;
    if (lp.name == "C1") discH = 0;
    Walk before = w;
    const size_t rank = size_t(total - 1 - i);  // from the sacrum up
    const double coronal = scoliosis.tiltDeg[rank] - (rank > 0 ? scoliosis.tiltDeg[rank - 1] : 0.0);
    bend(w, lordosis, coronal, 0.5);
    w.p = axpy(w.p, lp.name == "C1" ? 4.0 : discH, w.n);
    bend(w, lordosis, coronal, 0.5);
    upward.push_back(placeVertebra(lp, z, w, scoliosis.rotationDeg[rank]));
    if (lp.name != "C1") {
      DiscModel d;
      d.name = discName;
      d.upper = lp.name;
      d.lower = below;
      d.label = discLabel(lp.label);
      d.height = discH;
      d.frame = frameAlong(scale(add(before.p, upward.back().bottom()), 0.5), normalized(add(before.n, w.n)), w.u);
      a.discs.insert(a.discs.begin(), d);
    }
  }
  a.vertebrae.assign(upward.rbegin(), upward.rend());
  for (auto& v : a.vertebrae) v.lumbarType = !v.hasRibs && v.name[0] != 'C';
  if (s.transitional == "sacralized-L5") a.vertebrae.back().lumbarType = false;

  VertebraModel sacrum;
  sacrum.name = "sacrum";
  sacrum.label = kSacrumLabel;
  const double shrink = s.transitional == "lumbarized-S1" ? 0.85 : 1.0;
  sacrum.width = 48 * s.sizeScale * shrink, sacrum.depth = 32 * s.sizeScale * shrink, sacrum.height = 28 * s.sizeScale;
  sacrum.canalWidth = 24 * s.sizeScale, sacrum.canalDepth = 12 * s.sizeScale;
  sacrum.canalOffset = sacrum.depth / 2 + 7 * s.sizeScale;
  // S1's pedicles (Zindrick et al. 1986: 19-20 mm wide) beside its canal, where S1 screws enter.
  sacrum.pedicleWidth = 19 * s.sizeScale * shrink;
  sacrum.pedicleOffset = sacrum.canalWidth / 2 + sacrum.pedicleWidth / 2 - 1;
  sacrum.body = frameAlong(axpy(sacrumTop.p, -sacrum.height / 2, sacrumTop.n), sacrumTop.n, sacrumTop.u);
  a.vertebrae.push_back(sacrum);
  for (auto& d : a.discs) {  // a disc takes the mean size of its two neighbours
    const VertebraModel *up = a.vertebra(d.upper), *lo = a.vertebra(d.lower);
    d.width = (up->width + lo->width) / 2;
    d.depth = (up->depth + lo->depth) / 2;
  }
  for (size_t i = 0; i + 1 < a.vertebrae.size(); ++i) addVertebraShapes(a, a.vertebrae[i], s);
  for (const auto& d : a.discs) addDiscShapes(a, d, *a.vertebra(d.upper), *a.vertebra(d.lower), s);
  addSacrum(a, sacrumTop, s);
}

namespace {

void addPosteriorElements(Anatomy& a, const VertebraModel& v, const PhantomSpec& s) {
  const Frame& f = v.body;
  const double H = v.height, cv = v.canalOffset, cw = v.canalWidth, cd = v.canalDepth;
  const char region = v.name[0];
  const bool osteo = s.osteoporosis;
  auto& sh = a.shapes;
  for (int side : {-1, 1}) {
    // Pedicle: an elliptical bar from the body's posterolateral corner back to the arch.
    Frame pf = f;
    pf.centre = f.world(side * v.pedicleOffset, v.depth / 2 + cd * 0.3, 0.12 * H);
    addBone(sh, ellipsoid(pf, {v.pedicleWidth / 2, cd * 0.45 + 4, 0.32 * H}, Tissue::Cortical, kCortex, v.label), v.label,
            1.0, osteo);
    // Transverse process: lateral, tilted back on thoracic levels.
    double tpLen = region == 'L' ? (v.name == "L3" ? 26 : 20) : (region == 'T' ? 16 : 8);
    tpLen *= s.sizeScale;
    double back = region == 'T' ? 0.45 : 0.1;  // thoracic processes point back to meet the ribs
    Vec3 dir = normalized(add(scale(f.u, side * std::cos(back)), scale(f.v, std::sin(back))));
    Vec3 root = f.world(side * (v.pedicleOffset + v.pedicleWidth / 2 - 1), cv - 2, 0.1 * H);
    Frame tf = frameAlong(axpy(root, tpLen / 2, dir), dir, f.w);
    addBone(sh, ellipsoid(tf, {5, 4, tpLen / 2 + 3}, Tissue::Cortical, kCortex, v.label), v.label, 1.0, osteo);
    // Articular processes: the superior one (up) lies lateral to the inferior one (down) of the
    // vertebra above it, across a 1.5 mm facet joint space (the gap that separates levels on CT).
    Frame sup = f, inf = f;
    sup.centre = f.world(side * (cw / 2 + 8), cv + 2, H / 2 + 2);
    inf.centre = f.world(side * (cw / 2 + 1.5), cv + 4, -H / 2 - 1);
    addBone(sh, ellipsoid(sup, {2.5, 5.5, 6.5}, Tissue::Cortical, kCortex, v.label), v.label, 1.0, osteo);
    addBone(sh, ellipsoid(inf, {2.5, 5.5, 6.5}, Tissue::Cortical, kCortex, v.label), v.label, 1.0, osteo);
  }
  // Laminae: the arch behind the canal.
  Frame lf = f;
  lf.centre = f.world(0, cv, -0.05 * H);
  Shape lamina;
  lamina.kind = Shape::Kind::HalfRing;
  lamina.frame = lf;
  lamina.semi = {cw / 2, cd / 2, 0.42 * H};
  lamina.radius = region == 'L' ? 6 : 5;
  lamina.tissue = Tissue::Cortical, lamina.priority = kCortex, lamina.label = v.label;
  addBone(sh, lamina, v.label, 1.2, osteo);
  // Spinous process: backwards, sloping down steeply on thoracic levels.
  double len = (region == 'L' ? 30 : region == 'T' ? 38 : 18) * s.sizeScale;
  double slope = region == 'T' ? 0.75 : region == 'L' ? 0.12 : 0.35;
  Vec3 dir = normalized(add(scale(f.v, std::cos(slope)), scale(f.w, -std::sin(slope))));
  Vec3 start = f.world(0, cv + cd / 2 + lamina.radius - 1, -0.05 * H);
  Frame spf = frameAlong(axpy(start, len / 2, dir), dir, f.u);
  double tall = region == 'L' ? 10 : region == 'T' ? 6 : 5;
  addBone(sh, ellipsoid(spf, {3.5, tall, len / 2 + 2}, Tissue::Cortical, kCortex, v.label), v.label, 1.0, osteo);
}

void addCanal(Anatomy& a, const VertebraModel& v, double spanH, const PhantomSpec& s) {
  Frame cf = v.body;
  cf.centre = v.body.world(0, v.canalOffset, 0);
  Shape canal = cylinder(cf, {v.canalWidth / 2, v.canalDepth / 2, spanH / 2}, Tissue::EpiduralFat, kCanal);
  a.shapes.push_back(canal);
  a.shapes.push_back(canal.grown(-1.5, Tissue::Csf, kSac, 0));
  const VertebraModel* conus = a.vertebra(s.conus);
  int rank = craniocaudalRank(v.label), conusRank = conus ? craniocaudalRank(conus->label) : 20;
  if (rank < conusRank || v.name == "C1") {
    bool cervical = v.name[0] == 'C';
    Frame cordF = cf;
    cordF.centre = v.body.world(0, v.canalOffset - 1, 0);
    a.shapes.push_back(cylinder(cordF, {cervical ? 6.5 : 4.8, cervical ? 4.0 : 4.2, spanH / 2}, Tissue::Cord, kCord));
  } else if (rank == conusRank) {
    Frame cordF = cf;
    cordF.centre = v.body.world(0, v.canalOffset - 1, v.height * 0.25);
    a.shapes.push_back(ellipsoid(cordF, {4.0, 3.5, v.height * 0.6}, Tissue::Cord, kCord));
  } else if (v.label != kSacrumLabel) {
    for (int r = 0; r < 6; ++r) {  // cauda equina: roots gathered in the back of the sac
      double x = (r - 2.5) * 2.4, y = v.canalOffset + v.canalDepth * 0.18 + (r % 2) * 1.5;
      a.shapes.push_back(capsule(v.body.world(x, y, spanH / 2), v.body.world(x * 1.1, y, -spanH / 2), 1.0, Tissue::Nerve, kCord));
    }
  }
}

void addAtlasAndDens(Anatomy& a, const VertebraModel& v, const PhantomSpec& s) {
  // C1 has no body: an anterior arch, lateral masses and a posterior arch round the dens.
  const Frame& f = v.body;
  addBone(a.shapes, capsule(f.world(-8, -11, 0), f.world(8, -11, 0), 4, Tissue::Cortical, kCortex, v.label),
          v.label, 1.0, s.osteoporosis);
  for (int side : {-1, 1})
    addBone(a.shapes, ellipsoid(frameAlong(f.world(side * 17, 2, 0), f.w, f.u), {7, 9, 8}, Tissue::Cortical, kCortex, v.label),
            v.label, 1.2, s.osteoporosis);
  Shape ring;
  ring.kind = Shape::Kind::HalfRing;
  ring.frame = f;
  ring.frame.centre = f.world(0, v.canalOffset - 4, 0);
  ring.semi = {v.canalWidth / 2, v.canalDepth / 2 + 4, 4};
  ring.radius = 5;
  ring.tissue = Tissue::Cortical, ring.priority = kCortex, ring.label = v.label;
  addBone(a.shapes, ring, v.label, 1.0, s.osteoporosis);
}

void addVertebraShapes(Anatomy& a, const VertebraModel& v, const PhantomSpec& s) {
  const double cortex = s.osteoporosis ? 0.6 : 1.2;
  if (v.name == "C1") {
    addAtlasAndDens(a, v, s);
  } else {
    addBone(a.shapes, cylinder(v.body, {v.width / 2, v.depth / 2, v.height / 2}, Tissue::Cortical, kCortex, v.label), v.label,
            cortex, s.osteoporosis);
    if (v.name == "C2")  // the dens rises from C2 into the ring of C1
      addBone(a.shapes, capsule(v.top(), axpy(v.top(), 14, v.body.w), 5, Tissue::Cortical, kCortex, v.label), v.label, 1.2,
              s.osteoporosis);
    addPosteriorElements(a, v, s);
  }
  addCanal(a, v, v.height + 14, s);
}

void addDiscShapes(Anatomy& a, const DiscModel& d, const VertebraModel& upper, const VertebraModel& lower, const PhantomSpec& s) {
  Shape disc;
  disc.kind = Shape::Kind::Wedge;
  disc.frame = d.frame;
  disc.semi = {d.width / 2 * 0.98, d.depth / 2 * 0.98, d.height / 2 + d.width / 4 + 2};
  disc.a = lower.label == kSacrumLabel ? lower.body.world(0, 0, lower.height / 2) : lower.top();
  disc.n0 = lower.body.w;
  disc.b = upper.bottom();
  disc.n1 = upper.body.w;
  disc.tissue = Tissue::Annulus, disc.priority = kDisc, disc.label = d.label;
  a.shapes.push_back(disc);
  const DegeneratedDiscSpec* deg = degeneration(s, d.name);
  Frame nf = d.frame;
  nf.centre = d.frame.world(0, d.depth * 0.04, 0);
  a.shapes.push_back(ellipsoid(nf, {d.width * 0.38, d.depth * 0.36, d.height * 0.42},
                               deg ? Tissue::NucleusDegenerated : Tissue::Nucleus, kDisc, d.label));
  if (deg && deg->vacuum)
    a.shapes.push_back(ellipsoid(nf, {d.width * 0.12, d.depth * 0.08, d.height * 0.2}, Tissue::DiscGas, kDisc, d.label));
}

void addSacrum(Anatomy& a, Walk down, const PhantomSpec& s) {
  const double k = s.sizeScale;
  const double widths[] = {48, 38, 30, 22, 16}, depths[] = {32, 26, 20, 15, 11}, heights[] = {28, 24, 20, 16, 12};
  Vec3 p = down.p, axis = down.n, u = down.u;
  const double shrink = s.transitional == "lumbarized-S1" ? 0.85 : 1.0;
  for (int i = 0; i < 5; ++i) {
    double w = widths[i] * k * shrink, d = depths[i] * k * shrink, h = heights[i] * k;
    Frame f = frameAlong(axpy(p, -h / 2, axis), axis, u);
    // Segments overlap their neighbours by 3 mm each way (fused, no seam at the bends); the first
    // reaches nothing above its own top, where it filled the disc (L5-S1 10.5 -> 7.5 mm, a lumbarised
    // S1's S1-S2 5 -> 2 mm, unseen on 2.5 mm slices while the truth listed it).
    const double above = i == 0 ? 0 : 3;
    const Frame segment = frameAlong(axpy(p, -(h + 3 - above) / 2, axis), axis, u);
    addBone(a.shapes, cylinder(segment, {w / 2, d / 2, (h + 3 + above) / 2}, Tissue::Cortical, kCortex, kSacrumLabel),
            kSacrumLabel, 1.2, s.osteoporosis);
    Shape lam;
    lam.kind = Shape::Kind::HalfRing;
    lam.frame = f;
    lam.frame.centre = f.world(0, d / 2 + 7 * k, 0);
    lam.semi = {std::max(4.0, 12 * k - 2 * i), 6 * k, h / 2 + 0.5};
    lam.radius = 5;
    lam.tissue = Tissue::Cortical, lam.priority = kCortex, lam.label = kSacrumLabel;
    addBone(a.shapes, lam, kSacrumLabel, 1.2, s.osteoporosis);
    if (i < 3) {
      Frame cf = f;
      cf.centre = lam.frame.centre;
      Shape canal = cylinder(cf, {lam.semi[0], lam.semi[1], h / 2 + 1}, i < 2 ? Tissue::Csf : Tissue::EpiduralFat, kCanal);
      a.shapes.push_back(canal);
    }
    if (i < 2)  // alae: the wings that carry the sacroiliac joints
      for (int side : {-1, 1})
        addBone(a.shapes, ellipsoid(frameAlong(f.world(side * (w / 2 + 20 * k), 4, i == 0 ? 2 : 0), axis, u),
                                    {24 * k, 17 * k, h * 0.75}, Tissue::Cortical, kCortex, kSacrumLabel),
                kSacrumLabel, 1.5, s.osteoporosis);
    p = axpy(p, -h, axis);
    axis = normalized(rotate(axis, u, -14 * kDeg));  // the sacrum curves: concave forwards
  }
}

}  // namespace

}  // namespace spine::phantom
