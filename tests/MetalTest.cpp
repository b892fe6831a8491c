// Metal on CT (spine/Metal.h): one threshold above bone in fine voxels; in coarse voxels, where
// partial volume lowers a screw to bone's values, seeds and growth, and bone is still not metal.
#include "TestHelpers.h"

#include "spine/Metal.h"

namespace spine::test {
namespace {

/// A 30 x 30 x 30 CT of soft tissue at `spacingMm`, with a bone plate at 1150 HU (x = 5) and a
/// screw-like rod (y = z = 15, x = 12..24): its core at `coreHu`, its blurred edge at 1100 HU.
CtImage::Pointer rodAndPlate(double spacingMm, CtPixel coreHu) {
  CtImage::Pointer ct = CtImage::New();
  ct->SetRegions(CtImage::RegionType({{0, 0, 0}}, {{30, 30, 30}}));
  const double s[3] = {spacingMm, spacingMm, spacingMm};
  ct->SetSpacing(s);
  ct->Allocate();
  ct->FillBuffer(40);
  for (long j = 0; j < 30; ++j)
    for (long k = 0; k < 30; ++k) ct->SetPixel({{5, j, k}}, 1150);
  for (long i = 12; i <= 24; ++i) {
    ct->SetPixel({{i, 15, 15}}, coreHu);
    for (long d : {-1L, 1L}) ct->SetPixel({{i, 15 + d, 15}}, 1100), ct->SetPixel({{i, 15, 15 + d}}, 1100);
  }
  return ct;
}

TEST(MetalTest, CoarseVoxelsSeedMetalBelowTheFineThresholdAndGrowItsEdgeButNotBone) {
  CtImage::Pointer ct = rodAndPlate(3.0, 1600);
  const MetalVoxels m = findMetal(*ct);
  EXPECT_EQ(m.seedHu, 1400);
  EXPECT_EQ(m.growHu, 1000);
  EXPECT_EQ(m.flat.size(), 13u * 5u) << "the rod's core and its edge, not the plate";
  EXPECT_TRUE(m.contains(long(ct->ComputeOffset({{12, 15, 15}}))));
  EXPECT_TRUE(m.contains(long(ct->ComputeOffset({{20, 14, 15}}))));
  EXPECT_FALSE(m.contains(long(ct->ComputeOffset({{5, 15, 15}}))));
  EXPECT_TRUE(std::is_sorted(m.flat.begin(), m.flat.end()));
}

TEST(MetalTest, FineVoxelsTakeOnlyWhatIsBrighterThanAnyBone) {
  EXPECT_TRUE(findMetal(*rodAndPlate(0.8, 1600)).flat.empty()) << "1600 HU in fine voxels is dense bone";
  const MetalVoxels m = findMetal(*rodAndPlate(0.8, 2500));
  EXPECT_EQ(m.seedHu, 2000);
  EXPECT_EQ(m.flat.size(), 13u) << "the core only: no growth in fine voxels";
}

TEST(MetalTest, OneFineSideKeepsTheFineThreshold) {
  CtImage::Pointer ct = rodAndPlate(3.0, 1600);
  const double s[3] = {0.7, 0.7, 3.0};  // thick slices, fine pixels: the cortex keeps its value in-plane
  ct->SetSpacing(s);
  EXPECT_TRUE(findMetal(*ct).flat.empty());
}

TEST(MetalTest, ARegionKeepsTheSearchInsideIt) {
  CtImage::Pointer ct = rodAndPlate(3.0, 1600);
  const MetalVoxels part = findMetal(*ct, {}, CtImage::RegionType({{0, 0, 0}}, {{18, 30, 30}}));
  EXPECT_EQ(part.flat.size(), 6u * 5u) << "the rod from x = 12 to 17, core and edge";
  EXPECT_TRUE(findMetal(*ct, {}, CtImage::RegionType({{0, 0, 0}}, {{10, 30, 30}})).flat.empty());
}

}  // namespace
}  // namespace spine::test
