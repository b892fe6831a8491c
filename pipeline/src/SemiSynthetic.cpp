#include "spine/SemiSynthetic.h"

#include "PhantomParts.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "spine/Error.h"
#include "spine/LabelMapFile.h"
#include "spine/Labels.h"
#include "spine/MetalArtifact.h"
#include "spine/StlMesh.h"
#include "spine/Vec3Json.h"
#include "spine/VolumeFileReader.h"

namespace spine {
using nlohmann::json;

namespace {

struct BaseScan {
  CtImage::Pointer ct;
  LabelImage::Pointer labels;  ///< project convention values
  std::map<std::string, std::vector<Vec3>> voxels;  ///< per vertebra name, physical points
};

Vec3 physical(const itk::ImageBase<3>& img, size_t i, size_t j, size_t k) {
  itk::Point<double, 3> p;
  img.TransformIndexToPhysicalPoint({{long(i), long(j), long(k)}}, p);
  return {p[0], p[1], p[2]};
}

BaseScan loadBase(const BaseScanSpec& b) {
  for (const std::string& f : {b.image, b.labels})
    if (!std::filesystem::exists(f)) throw SpineError(ExitCode::NoInput, "semi-synthetic", f, "base scan file not found");
  std::vector<std::string> warnings;
  BaseScan s;
  s.ct = readVolumeFile(b.image, Modality::CT, 8ull << 30, warnings).ct;
  LabelImage::Pointer ref = readLabelMap(b.labels);
  if (ref->GetLargestPossibleRegion() != s.ct->GetLargestPossibleRegion())
    throwDataError("semi-synthetic", b.labels, "reference labels are not on the image's grid");
  auto dir = s.ct->GetDirection();
  if (std::abs(dir[2][2]) < 0.99) throwDataError("semi-synthetic", b.image, "base CT must be axial (streaks are simulated per axial plane)");
  s.labels = LabelImage::New();
  s.labels->CopyInformation(s.ct);
  s.labels->SetRegions(s.ct->GetLargestPossibleRegion());
  s.labels->Allocate(true);
  const auto size = s.ct->GetLargestPossibleRegion().GetSize();
  size_t idx = 0;
  for (size_t k = 0; k < size[2]; ++k)
    for (size_t j = 0; j < size[1]; ++j)
      for (size_t i = 0; i < size[0]; ++i, ++idx) {
        auto it = b.labelNames.find(ref->GetBufferPointer()[idx]);
        if (it == b.labelNames.end()) continue;
        s.labels->GetBufferPointer()[idx] = *vertebraCode(it->second);
        s.voxels[it->second].push_back(physical(*s.ct, i, j, k));
      }
  return s;
}

Vec3 centroid(const std::vector<Vec3>& pts) {
  Vec3 c{0, 0, 0};
  for (const Vec3& p : pts) c = add(c, p);
  return scale(c, 1.0 / pts.size());
}

/// A vertebra's frame: w along the spine (from the level below to the level above), v posterior.
Frame vertebraFrame(const BaseScan& s, const std::string& name) {
  auto code = *vertebraCode(name);
  const std::vector<Vec3>* above = nullptr;
  const std::vector<Vec3>* below = nullptr;
  for (const auto& [n, pts] : s.voxels) {
    int r = craniocaudalRank(*vertebraCode(n)) - craniocaudalRank(code);
    if (r == -1) above = &pts;
    if (r == 1) below = &pts;
  }
  Frame f;
  f.centre = centroid(s.voxels.at(name));
  Vec3 up = above && below ? sub(centroid(*above), centroid(*below)) : above ? sub(centroid(*above), f.centre)
                                                                     : below ? sub(f.centre, centroid(*below)) : Vec3{0, 0, 1};
  f.w = normalized(up);
  f.v = normalized(sub(Vec3{0, 1, 0}, scale(f.w, f.w[1])));
  f.u = cross(f.v, f.w);
  return f;
}

struct ScrewPlan {
  Vec3 entry, dir, tip, headTop;
};

/// Finds the canal as the first gap behind the body on the midline of the vertebra's mid-slab;
/// the pedicle lies just behind the body, at the mean lateral offset of bone there.
ScrewPlan planScrew(const BaseScan& s, const std::string& level, int side, double shaftMm) {
  Frame f = vertebraFrame(s, level);
  std::map<int, int> midline;  // 1-mm bins of v: voxels near the midline
  double vmin = 1e9, vmax = -1e9;
  std::vector<Vec3> slab;
  for (const Vec3& p : s.voxels.at(level)) {
    Vec3 l = f.local(p);
    if (std::abs(l[2]) > 6) continue;
    slab.push_back(l);
    vmin = std::min(vmin, l[1]), vmax = std::max(vmax, l[1]);
    if (std::abs(l[0]) < 4) midline[int(std::floor(l[1]))]++;
  }
  double vb = vmin + 0.35 * (vmax - vmin);
  for (int v = int(vmin) + 15; v < int(vmax); ++v)
    if (!midline.count(v) && !midline.count(v + 1)) {
      vb = v;
      break;
    }
  double sum = 0;
  int n = 0;
  for (const Vec3& l : slab)
    if (l[1] >= vb && l[1] <= vb + 10 && l[0] * side > 5) sum += std::abs(l[0]), ++n;
  double up = n ? sum / n : 15;
  Vec3 pedicle = f.world(side * up, vb + 4, 0), target = f.world(side * 6, vmin + 8, 0);
  ScrewPlan p;
  p.dir = normalized(sub(target, pedicle));
  p.entry = axpy(pedicle, -14, p.dir);
  p.tip = axpy(p.entry, shaftMm, p.dir);
  return p;
}

/// Adds metal by supersampled occupancy; returns the metal path weight per voxel in `metal`.
template <typename Inside>
void paintMetal(CtImage& ct, std::vector<float>& metal, const Vec3& lo, const Vec3& hi, Inside inside, double hu, double weight) {
  itk::ContinuousIndex<double, 3> a, b;
  ct.TransformPhysicalPointToContinuousIndex(CtImage::PointType(lo.data()), a);
  ct.TransformPhysicalPointToContinuousIndex(CtImage::PointType(hi.data()), b);
  const auto size = ct.GetLargestPossibleRegion().GetSize();
  long from[3], to[3];
  for (int d = 0; d < 3; ++d) {
    from[d] = std::max(0L, long(std::floor(std::min(a[d], b[d]))) - 1);
    to[d] = std::min(long(size[d]) - 1, long(std::ceil(std::max(a[d], b[d]))) + 1);
  }
  const int sub = 4;
  for (long k = from[2]; k <= to[2]; ++k)
    for (long j = from[1]; j <= to[1]; ++j)
      for (long i = from[0]; i <= to[0]; ++i) {
        int hits = 0;
        for (int s = 0; s < sub * sub * sub; ++s) {
          itk::ContinuousIndex<double, 3> c;
          c[0] = i + ((s % sub) + 0.5) / sub - 0.5, c[1] = j + ((s / sub % sub) + 0.5) / sub - 0.5, c[2] = k + ((s / sub / sub) + 0.5) / sub - 0.5;
          CtImage::PointType p;
          ct.TransformContinuousIndexToPhysicalPoint(c, p);
          hits += inside(Vec3{p[0], p[1], p[2]});
        }
        if (!hits) continue;
        double f = double(hits) / (sub * sub * sub);
        size_t idx = (size_t(k) * size[1] + j) * size[0] + i;
        CtPixel& v = ct.GetBufferPointer()[idx];
        v = CtPixel(std::clamp(v * (1 - f) + hu * f, -1024.0, 30000.0));
        metal[idx] += float(f * weight);
      }
}

struct Placed {
  json truth = json::array();
  std::vector<float> metal;
};

void placeScrews(BaseScan& s, const HardwareSpec& h, const StlMesh& mesh, Placed& out, std::map<std::string, ScrewPlan>& heads) {
  MeshOccupancy occ(mesh, 0.2);
  const double headMm = 8, shaft = -mesh.lo[1] - headMm;  // mesh: head at y in [-8, 0], shaft along -y
  double hu = h.material == "steel" ? 13000 : 6500, weight = h.material == "steel" ? 2 : 1;
  for (const std::string& level : h.levels) {
    if (!s.voxels.count(level)) throwDataError("semi-synthetic", h.mesh, level + " is not in the base scan's reference labels");
    for (int side : {1, -1}) {
      ScrewPlan p = planScrew(s, level, side, shaft);
      Frame m = phantom::frameAlong(p.entry, scale(p.dir, -1), Vec3{1, 0, 0});  // mesh y along -dir
      auto toMesh = [&](const Vec3& w) {
        Vec3 l = m.local(w);
        return Vec3{l[0], l[2] - headMm, l[1]};  // (u, w, v) of the frame = mesh (x, y + 8, z)
      };
      Vec3 lo{1e9, 1e9, 1e9}, hi{-1e9, -1e9, -1e9};
      for (int c = 0; c < 8; ++c) {
        Vec3 q{(c & 1) ? mesh.hi[0] : mesh.lo[0], ((c & 2) ? mesh.hi[1] : mesh.lo[1]) + headMm, (c & 4) ? mesh.hi[2] : mesh.lo[2]};
        Vec3 w = m.world(q[0], q[2], q[1]);
        for (int d = 0; d < 3; ++d) lo[d] = std::min(lo[d], w[d]), hi[d] = std::max(hi[d], w[d]);
      }
      paintMetal(*s.ct, out.metal, lo, hi, [&](const Vec3& w) { return occ.inside(toMesh(w)); }, hu, weight);
      heads[level + (side > 0 ? "L" : "R")] = p;
      double radius = 0;
      for (const auto& t : mesh.triangles)
        for (const Vec3& q : t)
          if (q[1] < -headMm - 5) radius = std::max(radius, std::hypot(q[0], q[2]));
      out.truth.push_back({{"kind", "pedicle-screw"}, {"level", level}, {"side", side > 0 ? "left" : "right"},
                           {"material", h.material}, {"entry_lps_mm", toJson(p.entry)}, {"tip_lps_mm", toJson(p.tip)},
                           {"diameter_mm", 2 * radius}, {"length_mm", shaft}, {"mesh", h.mesh}, {"halo_mm", 0}, {"breach", "none"}});
    }
  }
}

void placeRods(BaseScan& s, const HardwareSpec& h, Placed& out, const std::map<std::string, ScrewPlan>& heads) {
  double hu = h.material == "steel" ? 13000 : 6500, weight = h.material == "steel" ? 2 : 1;
  for (int side : {1, -1}) {
    std::vector<Vec3> pts;
    for (const std::string& level : h.levels) {
      auto it = heads.find(level + (side > 0 ? "L" : "R"));
      if (it == heads.end()) throwDataError("semi-synthetic", "", "rods at " + level + " need screws there first");
      pts.push_back(axpy(it->second.entry, -4, it->second.dir));
    }
    for (size_t i = 0; i + 1 < pts.size(); ++i) {
      Vec3 a = pts[i], b = pts[i + 1], lo, hi;
      for (int d = 0; d < 3; ++d) lo[d] = std::min(a[d], b[d]) - 3, hi[d] = std::max(a[d], b[d]) + 3;
      auto inside = [&](const Vec3& p) {
        Vec3 ab = sub(b, a);
        double t = std::clamp(dot(sub(p, a), ab) / dot(ab, ab), 0.0, 1.0);
        return distance(p, axpy(a, t, ab)) <= 2.75;
      };
      paintMetal(*s.ct, out.metal, lo, hi, inside, hu, weight);
    }
    out.truth.push_back({{"kind", "rod"}, {"levels", h.levels}, {"side", side > 0 ? "left" : "right"}, {"material", h.material},
                         {"start_lps_mm", toJson(pts.front())}, {"end_lps_mm", toJson(pts.back())}, {"diameter_mm", 5.5},
                         {"fracture_gap_mm", 0}});
  }
}

void addStreaks(CtImage& ct, const std::vector<float>& metal, unsigned seed, unsigned threads) {
  const auto size = ct.GetLargestPossibleRegion().GetSize();
  const size_t plane = size[0] * size[1];
  parallelFor(unsigned(size[2]), threads, [&](unsigned k) {
    std::vector<float> m(metal.begin() + k * plane, metal.begin() + (k + 1) * plane);
    if (std::all_of(m.begin(), m.end(), [](float x) { return x == 0; })) return;
    MetalArtifactParams p;
    p.seed = seed * 7919 + k;
    std::vector<float> streaks = metalStreaks(m, unsigned(size[0]), unsigned(size[1]), ct.GetSpacing()[0], ct.GetSpacing()[1], p);
    CtPixel* px = ct.GetBufferPointer() + k * plane;
    for (size_t i = 0; i < plane; ++i) px[i] = CtPixel(std::clamp(px[i] + streaks[i], -1024.0f, 30000.0f));
  });
}

AcquisitionGrid gridOf(const CtImage& ct) {
  AcquisitionGrid g;
  auto d = ct.GetDirection();
  auto sp = ct.GetSpacing();
  auto size = ct.GetLargestPossibleRegion().GetSize();
  g.origin = {ct.GetOrigin()[0], ct.GetOrigin()[1], ct.GetOrigin()[2]};
  g.row = {d[0][0], d[1][0], d[2][0]}, g.col = {d[0][1], d[1][1], d[2][1]};
  g.step = {d[0][2] * sp[2], d[1][2] * sp[2], d[2][2] * sp[2]};
  g.dx = sp[0], g.dy = sp[1], g.thickness = sp[2];
  g.nx = unsigned(size[0]), g.ny = unsigned(size[1]), g.nz = unsigned(size[2]);
  return g;
}

json truthOf(const PhantomSpec& spec, const BaseScan& s, const json& hardware) {
  json vertebrae = json::array();
  for (const LabelStats& st : labelStatistics(*s.labels))
    vertebrae.push_back({{"name", vertebraName(st.value)}, {"label", st.value}, {"centroid_lps_mm", toJson(st.centroid)},
                         {"voxels", st.voxels}, {"cut_by_field_of_view", st.touchesEdge}});
  return {{"schema", "spinereview.truth"}, {"schema_version", "1.0.0"}, {"source", "semi-synthetic"}, {"name", spec.name},
          {"modality", "CT"}, {"spec", spec.source}, {"label_map", "labels.nii.gz"},
          {"base", {{"image", spec.base->image}, {"labels", spec.base->labels}}}, {"vertebrae", vertebrae},
          {"discs", json::array()}, {"ribs", json::array()}, {"anomalies", json::array()}, {"herniations", json::array()},
          {"degenerated_discs", json::array()}, {"hardware", hardware}};
}

}  // namespace

PhantomResult generateSemiSynthetic(const PhantomSpec& spec, unsigned threads) {
  BaseScan s = loadBase(*spec.base);
  Placed placed;
  placed.metal.assign(s.ct->GetPixelContainer()->Size(), 0.0f);
  std::map<std::string, ScrewPlan> heads;
  for (const HardwareSpec& h : spec.hardware) {
    if (h.type == "pedicle-screws") {
      if (h.mesh.empty()) throwDataError("semi-synthetic", spec.name, "pedicle screws into a real scan need a \"mesh\"");
      placeScrews(s, h, readStl(h.mesh), placed, heads);
    } else if (h.type == "rods") {
      placeRods(s, h, placed, heads);
    } else {
      throwDataError("semi-synthetic", spec.name, h.type + " cannot be placed into a real scan yet (screws and rods can)");
    }
  }
  addStreaks(*s.ct, placed.metal, spec.seed, threads);
  PhantomResult r;
  r.grid = gridOf(*s.ct);
  const size_t plane = size_t(r.grid.nx) * r.grid.ny;
  for (unsigned k = 0; k < r.grid.nz; ++k)
    r.images.emplace_back(s.ct->GetBufferPointer() + k * plane, s.ct->GetBufferPointer() + (k + 1) * plane);
  r.labels = s.labels;
  r.truth = truthOf(spec, s, placed.truth);
  return r;
}

}  // namespace spine
