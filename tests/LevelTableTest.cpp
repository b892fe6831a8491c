// The level table built from a segmentation and a numbering verdict: names and label values, and the
// pairing of each disc with the vertebrae around it when C1 (which has no disc below it) is on top.
#include <gtest/gtest.h>

#include "spine/LevelTable.h"
#include "spine/Labels.h"
#include "spine/Phantom.h"

namespace spine {
namespace {

/// Three vertebrae (working ids 1-3) and the two gaps between them (1000, 1001), 4 slices each
/// along z, on a 4x4x20 grid.
SpineSegmentation threeVertebrae() {
  SpineSegmentation seg;
  seg.labels = LabelImage::New();
  LabelImage::RegionType region;
  region.SetSize({{4, 4, 20}});
  seg.labels->SetRegions(region);
  seg.labels->Allocate(true);
  const std::uint16_t working[5] = {1, 1000, 2, 1001, 3};
  for (long k = 0; k < 20; ++k)
    for (long j = 0; j < 4; ++j)
      for (long i = 0; i < 4; ++i) seg.labels->SetPixel({{i, j, 19 - k}}, working[k / 4]);
  for (std::uint16_t id = 1; id <= 3; ++id) seg.vertebrae.push_back({id});
  for (std::uint16_t i = 0; i < 2; ++i) seg.discs.push_back({std::uint16_t(1000 + i)});
  return seg;
}

NumberingVerdict named(std::vector<std::string> names) {
  NumberingVerdict v;
  v.status = "confirmed", v.confidence = 0.95, v.vertebraNames = std::move(names);
  return v;
}

std::set<std::uint16_t> valuesIn(const LabelImage& labels) {
  std::set<std::uint16_t> out;
  for (const LabelStats& s : labelStatistics(labels)) out.insert(s.value);
  return out;
}

TEST(LevelTableTest, TheGapBetweenC1AndC2IsNoDiscAndIsLeftUnlabelled) {
  const LevelTable t = buildLevelTable(threeVertebrae(), named({"C1", "C2", "C3"}));
  ASSERT_EQ(t.discs.size(), 1u);
  EXPECT_EQ(t.discs[0].name, "C2-C3");
  EXPECT_EQ(t.firstDiscUnder, 1u);
  EXPECT_EQ(t.bodiesAround(t.discs[0]).first, &t.vertebrae[1]);
  EXPECT_EQ(t.bodiesAround(t.discs[0]).second, &t.vertebrae[2]);
  EXPECT_FALSE(t.discUnder(0));
  EXPECT_EQ(t.discUnder(1), std::optional<std::size_t>(0));
  EXPECT_FALSE(t.discUnder(2));
  EXPECT_EQ(valuesIn(*t.labels), (std::set<std::uint16_t>{1, 2, 3, discLabel(2)}));
}

TEST(LevelTableTest, BelowTheNeckEveryGapIsADiscPairedWithTheVertebraAboveIt) {
  const LevelTable t = buildLevelTable(threeVertebrae(), named({"L3", "L4", "L5"}));
  ASSERT_EQ(t.discs.size(), 2u);
  EXPECT_EQ(t.discs[0].name, "L3-L4");
  EXPECT_EQ(t.discs[1].name, "L4-L5");
  EXPECT_EQ(t.bodiesAround(t.discs[1]).first, &t.vertebrae[1]);
  EXPECT_EQ(t.discUnder(0), std::optional<std::size_t>(0));
  EXPECT_EQ(t.discUnder(1), std::optional<std::size_t>(1));
  EXPECT_FALSE(t.discUnder(2));
  EXPECT_EQ(valuesIn(*t.labels), (std::set<std::uint16_t>{22, 23, 24, discLabel(22), discLabel(23)}));
}

}  // namespace
}  // namespace spine
