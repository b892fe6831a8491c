// The adjacent-segment detector: a fusion's degenerated neighbour (the phantom's L3-L4 lost 35 % of
// its height above an L4-L5 fusion) is found with its measured loss; a healthy neighbour below the
// same fusion is not; a spine without a fusion is not judged at all.
#include "TestHelpers.h"

#include "adjacent-segment/AdjacentSegmentDetector.h"
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

TEST(AdjacentSegmentTest, NoFusionNothingToJudge) {
  EXPECT_TRUE(adjacentSegments("degenerated-ct").empty())
      << "degenerated discs without a fusion are not adjacent segments";
}

}  // namespace
}  // namespace spine::test
