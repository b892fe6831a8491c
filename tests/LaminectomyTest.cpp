// The laminectomy detector: the vertebra whose posterior elements were removed is flagged, and
// nothing on an intact spine whose top vertebra the field of view cuts.
#include "TestHelpers.h"

#include "laminectomy/LaminectomyDetector.h"
#include "spine/LevelTable.h"

namespace spine::test {
namespace {

using nlohmann::json;

std::vector<Finding> laminectomies(const std::string& specName) {
  return LaminectomyDetector().detect(analyseCtPhantom(specName).input());
}

TEST(LaminectomyTest, TheDecompressedLevelIsFlagged) {
  std::vector<Finding> f = laminectomies("laminectomy-ct");  // L4 laminectomy
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].levels, std::vector<std::string>{"L4"});
  EXPECT_LT(f[0].measurements[0].value, f[0].measurements[1].value - 15);
}

TEST(LaminectomyTest, AnIntactSpineCutByTheFieldOfViewIsNot) {
  EXPECT_TRUE(laminectomies("lumbar-ct").empty()) << "T12 is cut by the image's top edge, not decompressed";
}

}  // namespace
}  // namespace spine::test
