#include "spine/PhantomAnatomy.h"

#include "PhantomParts.h"
#include "spine/Error.h"

namespace spine {

const VertebraModel* Anatomy::vertebra(const std::string& name) const {
  for (const auto& v : vertebrae)
    if (v.name == name) return &v;
  return nullptr;
}

const DiscModel* Anatomy::disc(const std::string& name) const {
  for (const auto& d : discs)
    if (d.name == name) return &d;
  return nullptr;
}

Anatomy buildAnatomy(const PhantomSpec& spec) {
  Anatomy a;
  std::mt19937 rng(spec.seed);
  phantom::buildColumn(a, spec);
  phantom::buildBody(a, spec, rng);
  phantom::buildPathology(a, spec);
  if (spec.lumbarCount != 5) a.anomalies.push_back(std::to_string(spec.lumbarCount) + " lumbar vertebrae");
  if (spec.ribPairs != 12) a.anomalies.push_back(std::to_string(spec.ribPairs) + " rib pairs");
  if (spec.transitional == "sacralized-L5") a.anomalies.push_back("sacralised L5 (lumbosacral transitional vertebra)");
  if (spec.transitional == "lumbarized-S1") a.anomalies.push_back("lumbarised S1 (lumbosacral transitional vertebra)");
  return a;
}

namespace phantom {

void addBone(std::vector<Shape>& shapes, Shape outer, std::uint16_t label, double cortexMm, bool osteoporosis) {
  outer.tissue = Tissue::Cortical;
  outer.priority = std::max(outer.priority, int(kCortex));
  outer.label = label;
  shapes.push_back(outer);
  shapes.push_back(outer.grown(-(osteoporosis ? cortexMm * 0.5 : cortexMm), Tissue::Cancellous, kMarrow, label));
}

Frame frameAlong(const Vec3& centre, const Vec3& axis, const Vec3& uHint) {
  Frame f;
  f.centre = centre;
  f.w = normalized(axis);
  Vec3 u = sub(uHint, scale(f.w, dot(uHint, f.w)));
  if (norm(u) < 1e-6) u = std::abs(f.w[0]) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0}, u = sub(u, scale(f.w, dot(u, f.w)));
  f.u = normalized(u);
  f.v = cross(f.w, f.u);
  return f;
}

namespace {
Shape framed(Shape::Kind kind, const Frame& f, Vec3 semi, Tissue t, int prio, std::uint16_t label) {
  Shape s;
  s.kind = kind;
  s.frame = f;
  s.semi = semi;
  s.tissue = t;
  s.priority = prio;
  s.label = label;
  return s;
}
}  // namespace

Shape ellipsoid(const Frame& f, Vec3 semi, Tissue t, int prio, std::uint16_t label) {
  return framed(Shape::Kind::Ellipsoid, f, semi, t, prio, label);
}
Shape cylinder(const Frame& f, Vec3 semi, Tissue t, int prio, std::uint16_t label) {
  return framed(Shape::Kind::Cylinder, f, semi, t, prio, label);
}
Shape box(const Frame& f, Vec3 semi, Tissue t, int prio, std::uint16_t label) {
  return framed(Shape::Kind::Box, f, semi, t, prio, label);
}
Shape capsule(const Vec3& a, const Vec3& b, double r, Tissue t, int prio, std::uint16_t label) {
  Shape s;
  s.kind = Shape::Kind::Capsule;
  s.a = a, s.b = b, s.radius = r;
  s.tissue = t, s.priority = prio, s.label = label;
  return s;
}

void specError(const PhantomSpec& spec, const std::string& problem) {
  throwDataError("phantom spec", spec.name, problem);
}

}  // namespace phantom
}  // namespace spine
