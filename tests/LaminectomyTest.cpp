// The laminectomy detector: the vertebra whose posterior elements were removed is flagged, and
// nothing on an intact spine whose top vertebra the field of view cuts.
#include <itkImageRegionIteratorWithIndex.h>

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

TEST(LaminectomyTest, AnArchTheSegmentationMissedIsNoLaminectomy) {
  // Faint osteoporotic arches and arches behind metal streaks fall outside their vertebra's label,
  // and the label's reach alone read them as removed (8 false levels on the suite). Here L3's arch
  // is cut from its label but left in the CT: the bone behind it says it is there.
  AnalysedCtPhantom a = analyseCtPhantom("lumbar-ct");
  const LevelEntry* l3 = a.levels.find("L3");
  ASSERT_NE(l3, nullptr);
  LabelImage& labels = *a.levels.labels;
  size_t cut = 0;
  for (itk::ImageRegionIteratorWithIndex<LabelImage> it(&labels, labels.GetLargestPossibleRegion()); !it.IsAtEnd(); ++it) {
    if (it.Get() != l3->label) continue;
    itk::Point<double, 3> p;
    labels.TransformIndexToPhysicalPoint(it.GetIndex(), p);
    if (p[1] - l3->centroid[1] > 25) it.Set(0), ++cut;
  }
  ASSERT_GT(cut, 1000u);
  LaminectomyParams labelOnly;
  labelOnly.archBoneMm3 = 1e18;  // the check off: the label's reach alone
  ASSERT_EQ(LaminectomyDetector(labelOnly).detect(a.input()).size(), 1u) << "the label alone reads L3 as decompressed";
  EXPECT_TRUE(LaminectomyDetector().detect(a.input()).empty());
}

}  // namespace
}  // namespace spine::test
