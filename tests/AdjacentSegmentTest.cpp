// The adjacent-segment detector: a fusion's degenerated neighbour (the phantom's L3-L4 lost 35 % of
// its height above an L4-L5 fusion) is found with its measured loss; a healthy neighbour below the
// same fusion is not; a thoracic neighbour is judged against thoracic discs; a skip-level fixation
// is one construct; a spine without a fusion is not judged at all.
#include "TestHelpers.h"

#include "adjacent-segment/AdjacentSegmentDetector.h"
#include "common/Constructs.h"
#include "spine/LevelTable.h"

namespace spine::test {
namespace {

using nlohmann::json;

std::vector<Finding> adjacentSegments(const std::string& specName) {
  return AdjacentSegmentDetector().detect(analyseCtPhantom(specName).input());
}

TEST(AdjacentSegmentTest, TheDegeneratedNeighbourOfAFusionIsFoundWithItsLoss) {
  const std::vector<Finding> f = adjacentSegments("fusion-titanium-ct");  // L4-L5 fused, L3-L4 35 % lower
  ASSERT_EQ(f.size(), 1u) << "L5-S1 below the fusion is healthy";
  EXPECT_EQ(f[0].kind, "adjacent-segment-degeneration");
  EXPECT_EQ(f[0].levels, std::vector<std::string>{"L3-L4"});
  EXPECT_EQ(f[0].details.at("position"), "above");
  double loss = -1;
  for (const Measurement& m : f[0].measurements)
    if (m.name == "height_loss") loss = m.value;
  EXPECT_NEAR(loss, 35, 8) << "the phantom's L3-L4 has 35 % of its height removed";
}

TEST(AdjacentSegmentTest, AThoracicNeighbourIsJudgedAgainstThoracicDiscs) {
  // T12-L2 fused (an anterior plate and pedicle screws), no disc degenerated: T11-T12 above it,
  // judged against the lumbar discs too, read "probable" with 44 % of its height lost.
  for (const Finding& f : adjacentSegments("thoracolumbar-plate-screws-ct"))
    EXPECT_NE(f.kind, "adjacent-segment-degeneration") << f.summary;
}

TEST(AdjacentSegmentTest, ASkipLevelFixationIsOneConstruct) {
  // Screws in T11 and L1 only, rods across T12 (a fracture's fixation): no construct was seen, so
  // neither the fusion nor the discs next to it were judged.
  const AnalysedCtPhantom a = analyseCtPhantom("t11-l1-skip-fusion-ct");
  const LevelTable& t = a.levels;
  const auto fused = discs::constructs(t, discs::metalPerLabel(*a.volume.ct, t, {}), 50);
  ASSERT_EQ(fused.size(), 1u);
  EXPECT_EQ(t.vertebrae[fused[0].top].name, "T11");
  EXPECT_EQ(t.vertebrae[fused[0].bottom].name, "L1");
  // T10-T11 above (40 % lower in the phantom) has one free thoracic disc to compare with: said so.
  const std::vector<Finding> f = AdjacentSegmentDetector().detect(a.input());
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].kind, "not-assessed");
  EXPECT_EQ(f[0].levels, std::vector<std::string>{"T10-T11"});
}

TEST(AdjacentSegmentTest, NoFusionNothingToJudge) {
  EXPECT_TRUE(adjacentSegments("degenerated-ct").empty())
      << "degenerated discs without a fusion are not adjacent segments";
}

}  // namespace
}  // namespace spine::test
