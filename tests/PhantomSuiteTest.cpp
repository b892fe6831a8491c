// Every phantom of the suite (generated into the build tree by the phantom_suite fixture, read
// back through the DICOM loader) agrees with its own ground truth: levels inside the volume, bone
// brighter than discs on CT, metal (CT) or a signal void (MR) where hardware is claimed, disc
// material at each herniation's apex, bone removed at a laminectomy.
#include <algorithm>

#include "TestHelpers.h"
#include "spine/Vec3Json.h"
#include <fstream>

#include <nlohmann/json.hpp>

#include "spine/LabelMapFile.h"
#include "spine/Labels.h"

namespace spine::test {
namespace {

using nlohmann::json;

const fs::path kSuite = SPINE_PHANTOM_SUITE;

struct Case {
  std::string name;
  json truth;
  Study study;
  LabelImage::Pointer labels;
};

Case loadCase(const fs::path& dir) {
  std::ifstream in(dir / "truth.json");
  return {dir.filename().string(), json::parse(in), load((dir / "dicom").string()), readLabelMap((dir / "labels.nii.gz").string())};
}

double valueAt(const Volume& v, const Vec3& p, bool* inside = nullptr) {
  itk::Index<3> idx;
  bool ok = v.image()->TransformPhysicalPointToIndex(itk::Point<double, 3>(p.data()), idx);
  if (inside) *inside = ok;
  if (!ok) return NAN;
  return v.modality == Modality::CT ? double(v.ct->GetPixel(idx)) : double(v.mr->GetPixel(idx));
}

/// Extremes over a 5x5x5-voxel neighbourhood (the object may sit between voxel centres).
std::pair<double, double> rangeNear(const Volume& v, const Vec3& p) {
  double lo = 1e18, hi = -1e18;
  auto sp = v.image()->GetSpacing();
  for (int dz = -2; dz <= 2; ++dz)
    for (int dy = -2; dy <= 2; ++dy)
      for (int dx = -2; dx <= 2; ++dx) {
        Vec3 q{p[0] + dx * sp[0] * 0.5, p[1] + dy * sp[1] * 0.5, p[2] + dz * sp[2] * 0.5};
        double x = valueAt(v, q);
        if (!std::isnan(x)) lo = std::min(lo, x), hi = std::max(hi, x);
      }
  return {lo, hi};
}

std::uint16_t labelAt(const LabelImage& l, const Vec3& p) {
  LabelImage::IndexType idx;
  return l.TransformPhysicalPointToIndex(LabelImage::PointType(p.data()), idx) ? l.GetPixel(idx) : 0;
}

/// Mean image value over each label (label map and image on the same grid, or skipped).
std::map<std::uint16_t, double> labelMeans(const Case& c) {
  std::map<std::uint16_t, double> sum, n;
  const auto* img = c.study.volume.image();
  if (img->GetLargestPossibleRegion() != c.labels->GetLargestPossibleRegion() ||
      img->GetOrigin().EuclideanDistanceTo(c.labels->GetOrigin()) > 0.01)
    return {};
  const size_t count = c.labels->GetPixelContainer()->Size();
  for (size_t i = 0; i < count; ++i) {
    std::uint16_t l = c.labels->GetBufferPointer()[i];
    if (!l) continue;
    sum[l] += c.study.volume.modality == Modality::CT ? c.study.volume.ct->GetBufferPointer()[i] : c.study.volume.mr->GetBufferPointer()[i];
    n[l] += 1;
  }
  for (auto& [l, s] : sum) s /= n[l];
  return sum;
}

std::vector<fs::path> suiteCases() {
  std::vector<fs::path> out;
  if (fs::exists(kSuite))
    for (const auto& e : fs::directory_iterator(kSuite))
      if (fs::exists(e.path() / "truth.json")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

void checkLevelsInside(const Case& c) {
  for (const char* kind : {"vertebrae", "discs"})
    for (const json& l : c.truth[kind]) {
      bool inside = false;
      valueAt(c.study.volume, vec3FromJson(l["centroid_lps_mm"]), &inside);
      EXPECT_TRUE(inside) << c.name << " " << l["name"];
    }
}

void checkBoneBrighterThanDisc(const Case& c) {
  auto means = labelMeans(c);
  if (means.empty() || c.truth["modality"] != "CT" || c.truth["discs"].empty()) return;
  std::vector<double> discs;  // median over discs: a cage makes its disc bright
  for (const json& d : c.truth["discs"]) discs.push_back(means[d["label"].get<std::uint16_t>()]);
  std::nth_element(discs.begin(), discs.begin() + discs.size() / 2, discs.end());
  const double margin = c.truth["spec"].value("osteoporosis", false) ? 10 : 60;  // osteoporotic bone is close to disc
  for (const json& v : c.truth["vertebrae"])
    EXPECT_GT(means[v["label"].get<std::uint16_t>()], discs[discs.size() / 2] + margin) << c.name << " " << v["name"];
}

double bodyMedian(const Volume& v) {
  std::vector<float> vals;
  const size_t n = v.mr->GetPixelContainer()->Size();
  for (size_t i = 0; i < n; i += 7)
    if (v.mr->GetBufferPointer()[i] > 50) vals.push_back(v.mr->GetBufferPointer()[i]);
  std::nth_element(vals.begin(), vals.begin() + vals.size() / 2, vals.end());
  return vals.empty() ? 0 : vals[vals.size() / 2];
}

void checkHardware(const Case& c) {
  const bool ct = c.truth["modality"] == "CT";
  for (const json& h : c.truth["hardware"]) {
    std::string kind = h["kind"];
    if (kind == "laminectomy") {
      EXPECT_EQ(labelAt(*c.labels, vec3FromJson(h["centre_lps_mm"])), 0) << c.name << ": bone left at the laminectomy";
      continue;
    }
    if (h["material"] == "peek") continue;  // radiolucent by design
    Vec3 at = kind == "pedicle-screw" ? scale(add(vec3FromJson(h["entry_lps_mm"]), vec3FromJson(h["tip_lps_mm"])), 0.5)
              : kind == "rod"         ? axpy(vec3FromJson(h["start_lps_mm"]), 0.25, sub(vec3FromJson(h["end_lps_mm"]), vec3FromJson(h["start_lps_mm"])))
                                      : vec3FromJson(h["centre_lps_mm"]);
    auto [lo, hi] = rangeNear(c.study.volume, at);
    if (ct)
      EXPECT_GT(hi, 1500.0) << c.name << " " << h.dump();
    else
      EXPECT_LT(lo, 0.25 * bodyMedian(c.study.volume)) << c.name << " " << h.dump();
  }
}

void checkHerniations(const Case& c) {
  for (const json& h : c.truth["herniations"]) {
    Vec3 apex = vec3FromJson(h["apex_lps_mm"]), base = vec3FromJson(h["base_lps_mm"]);
    Vec3 inside = axpy(apex, -1.5, normalized(sub(apex, base)));
    std::uint16_t disc = 0;
    for (const json& d : c.truth["discs"])
      if (d["name"] == h["level"]) disc = d["label"];
    EXPECT_EQ(labelAt(*c.labels, inside), disc) << c.name << " " << h["level"];
  }
}

TEST(PhantomSuiteTest, EveryPhantomAgreesWithItsTruth) {
  auto cases = suiteCases();
  if (cases.empty()) GTEST_SKIP() << "no phantoms in " << kSuite << " (run through ctest: fixture phantom_suite)";
  for (const fs::path& dir : cases) {
    SCOPED_TRACE(dir.string());
    Case c = loadCase(dir);
    EXPECT_FALSE(c.truth["vertebrae"].empty());
    checkLevelsInside(c);
    checkBoneBrighterThanDisc(c);
    checkHardware(c);
    checkHerniations(c);
  }
}

}  // namespace
}  // namespace spine::test
