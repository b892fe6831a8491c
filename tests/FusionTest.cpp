// The fusion detector: a titanium cage with trabecular bone across the disc space is bridged; a
// PEEK cage in an unbridged disc space is not (its smooth material is not taken for bone), nor is
// a screwed segment without a cage; bone too faint to tell from disc is not assessed.
#include "TestHelpers.h"

#include "fusion/FusionDetector.h"
#include "spine/LevelTable.h"

namespace spine::test {
namespace {

std::vector<Finding> fusionFindings(const std::string& specName, FusionParams p = {}) {
  return FusionDetector(p).detect(analyseCtPhantom(specName).input());
}

double measurement(const Finding& f, const std::string& name) {
  for (const Measurement& m : f.measurements)
    if (m.name == name) return m.value;
  return -1;
}

TEST(FusionTest, BoneAcrossTheDiscSpaceBesideATitaniumCageIsABridgedFusion) {
  const std::vector<Finding> f = fusionFindings("fusion-solid-ct");  // L4-L5 cage with bridging bone
  ASSERT_EQ(f.size(), 1u) << "one fused disc";
  EXPECT_EQ(f[0].kind, "fusion-status");
  EXPECT_EQ(f[0].levels, std::vector<std::string>{"L4-L5"});
  EXPECT_EQ(f[0].details.at("status"), "bridged") << f[0].summary;
  EXPECT_TRUE(f[0].details.at("interbody_cage").get<bool>());
  EXPECT_GE(measurement(f[0], "largest_bridge"), 40);
}

TEST(FusionTest, AnUnbridgedPeekCageIsNotTakenForBone) {
  const std::vector<Finding> f = fusionFindings("fusion-titanium-ct");  // L4-L5 PEEK cage, disc tissue round it
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].details.at("status"), "not-bridged") << f[0].summary;
  EXPECT_GE(measurement(f[0], "uniform_area"), 100) << "the PEEK cage is smooth bone-dense material";
  EXPECT_TRUE(f[0].details.at("interbody_cage").get<bool>()) << "a radiolucent cage is a cage";
}

TEST(FusionTest, AStripAlongACagesEdgeBehindAPlateIsNotABridge) {
  // L4-L5: a PEEK cage behind a steel anterior plate, no bridging bone. Between them a strip 2 mm
  // wide reads 140-250 HU (the cage's blurred edge and the plate's): 50 mm2, over the bridge area,
  // but nowhere 3 mm thick.
  const std::vector<Finding> f = fusionFindings("lumbar-plate-steel-ct");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].details.at("status"), "not-bridged") << f[0].summary;
  EXPECT_GE(measurement(f[0], "largest_patch"), 40) << "the strip is still measured and reported";
  EXPECT_NE(f[0].summary.find("nowhere 3 mm thick"), std::string::npos) << f[0].summary;
}

TEST(FusionTest, AScrewedSegmentWithoutACageHasNoInterbodyFusion) {
  const std::vector<Finding> f = fusionFindings("loosening-titanium-ct");  // L3-L4 screws and rods, no cage
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].levels, std::vector<std::string>{"L3-L4"});
  EXPECT_EQ(f[0].details.at("status"), "not-bridged");
  EXPECT_FALSE(f[0].details.at("interbody_cage").get<bool>());
  EXPECT_NE(f[0].summary.find("posterolateral fusion mass is not assessed"), std::string::npos) << f[0].summary;
}

TEST(FusionTest, BoneTooFaintToTellFromDiscIsNotAssessed) {
  FusionParams p;
  p.bodyHu = 400;  // as if the bodies were osteoporotic against this threshold
  const std::vector<Finding> f = fusionFindings("fusion-solid-ct", p);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].kind, "not-assessed");
  EXPECT_NE(f[0].summary.find("too faint"), std::string::npos) << f[0].summary;
}

TEST(FusionTest, NoFusionNothingToJudge) {
  EXPECT_TRUE(fusionFindings("degenerated-ct").empty());
}

}  // namespace
}  // namespace spine::test
