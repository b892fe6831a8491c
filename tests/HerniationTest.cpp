// The CT herniation detector on phantoms whose herniations are known: every herniated disc found at
// its level with the right type, zone and side, its apex where the phantom put it, the study-level
// multi-level finding; nothing on a normal spine; discs next to metal not assessed rather than
// guessed; MR not applicable.
#include "TestHelpers.h"

#include "herniation/HerniationDetector.h"
#include "spine/LevelTable.h"
#include "spine/Vec3Json.h"

namespace spine::test {
namespace {

using nlohmann::json;

struct Analysed {
  PhantomResult phantom;
  std::vector<Finding> findings;
};

Analysed analyse(const std::string& specName) {
  AnalysedCtPhantom p = analyseCtPhantom(specName);
  std::vector<Finding> findings = HerniationDetector().detect(p.input());
  return {std::move(p.phantom), std::move(findings)};
}

std::vector<const Finding*> ofKind(const std::vector<Finding>& all, const std::string& kind) {
  std::vector<const Finding*> out;
  for (const Finding& f : all)
    if (f.kind == kind) out.push_back(&f);
  return out;
}

double measured(const Finding& f, const std::string& name) {
  for (const Measurement& m : f.measurements)
    if (m.name == name) return m.value;
  return -1;
}

TEST(HerniationTest, EveryHerniatedDiscIsFoundNamedAndClassified) {
  const Analysed a = analyse("herniation-multilevel-ct");  // L3-L4 foraminal, L4-L5 extrusion, L5-S1 central
  const std::vector<const Finding*> found = ofKind(a.findings, "herniation");
  ASSERT_EQ(found.size(), a.phantom.truth.at("herniations").size());
  for (const json& truth : a.phantom.truth.at("herniations")) {
    const std::string level = truth.at("level");
    auto it = std::find_if(found.begin(), found.end(), [&](const Finding* f) { return f->levels.front() == level; });
    ASSERT_NE(it, found.end()) << level << " not found";
    const Finding& f = **it;
    EXPECT_EQ(f.details.at("type"), truth.at("type")) << level;
    EXPECT_EQ(f.details.at("position"), truth.at("position")) << level;
    EXPECT_EQ(f.details.at("side"), truth.at("side")) << level;
    // The apex: within 1 mm of the phantom's along the way it points (back), 2 mm in all.
    const Vec3 apex = vec3FromJson(truth.at("apex_lps_mm")), base = vec3FromJson(truth.at("base_lps_mm"));
    const Vec3 back = normalized(sub(apex, base));
    EXPECT_LT(std::abs(dot(sub(f.evidencePoints.front(), apex), back)), 1.0) << level;
    EXPECT_LT(distance(f.evidencePoints.front(), apex), 2.0) << level;
    EXPECT_GT(measured(f, "depth"), 2.0) << level;
  }
  const std::vector<const Finding*> multi = ofKind(a.findings, "multi-level-herniation");
  ASSERT_EQ(multi.size(), 1u);
  EXPECT_EQ(multi[0]->levels, (std::vector<std::string>{"L3-L4", "L4-L5", "L5-S1"}));
  EXPECT_EQ(multi[0]->details.at("most_severe"), "L4-L5") << "the 7 mm extrusion";
}

TEST(HerniationTest, ANormalSpineHasNone) {
  const Analysed a = analyse("lumbar-ct");
  EXPECT_TRUE(ofKind(a.findings, "herniation").empty());
  EXPECT_TRUE(ofKind(a.findings, "disc-bulge").empty());
  EXPECT_TRUE(ofKind(a.findings, "multi-level-herniation").empty());
}

TEST(HerniationTest, DiscsNextToMetalAreNotAssessedRatherThanGuessed) {
  const Analysed a = analyse("fusion-titanium-ct");  // screws in L4 and L5
  EXPECT_TRUE(ofKind(a.findings, "herniation").empty());
  const std::vector<const Finding*> gaps = ofKind(a.findings, "not-assessed");
  ASSERT_FALSE(gaps.empty());
  bool l4l5 = false;
  for (const Finding* f : gaps) l4l5 |= f->levels.front() == "L4-L5" && f->summary.find("metal") != std::string::npos;
  EXPECT_TRUE(l4l5) << "the fused disc lies between screwed vertebrae";
}

TEST(HerniationTest, NothingWithoutLevelsAndNotForMr) {
  Volume v;
  v.ct = CtImage::New();
  EXPECT_TRUE(HerniationDetector().detect({v, nullptr}).empty());
  EXPECT_FALSE(HerniationDetector().appliesTo(Modality::MR));
}

}  // namespace
}  // namespace spine::test
