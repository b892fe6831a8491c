// The level table built from a segmentation and a numbering verdict: names and label values, and the
// pairing of each disc with the vertebrae around it when C1 (which has no disc below it) is on top
// or when a disc lies between an end vertebra and the field's edge.
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

/// Two vertebrae (working ids 1-2) with a disc above the top one and one below the lowest, at the
/// field's edges (1002 above, 1001 between, 1000 below), 4 slices each along z, on a 4x4x20 grid.
SpineSegmentation twoVertebraeBetweenEdgeDiscs() {
  SpineSegmentation seg = threeVertebrae();
  const std::uint16_t working[5] = {1002, 1, 1001, 2, 1000};
  for (long k = 0; k < 20; ++k)
    for (long j = 0; j < 4; ++j)
      for (long i = 0; i < 4; ++i) seg.labels->SetPixel({{i, j, 19 - k}}, working[k / 4]);
  seg.vertebrae.pop_back();
  seg.discs = {{1002}, {1001}, {1000}};
  seg.discs.front().cutByField = true, seg.discs.front().heightMm = 2.4;
  seg.discAboveTop = seg.discBelowBottom = true;
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
  EXPECT_EQ(t.firstDiscUnder, 1);
  EXPECT_EQ(t.bodiesAround(t.discs[0]).first, &t.vertebrae[1]);
  EXPECT_EQ(t.bodiesAround(t.discs[0]).second, &t.vertebrae[2]);
  EXPECT_FALSE(t.discUnder(0));
  EXPECT_EQ(t.discUnder(1), std::optional<std::size_t>(0));
  EXPECT_FALSE(t.discUnder(2));
  EXPECT_FALSE(t.discAbove(0));
  EXPECT_FALSE(t.discAbove(1));
  EXPECT_EQ(t.discAbove(2), std::optional<std::size_t>(0));
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

TEST(LevelTableTest, DiscsAtTheFieldsEdgesAreNamedByCountingOnAndPairedWithTheirOneVertebra) {
  const LevelTable t = buildLevelTable(twoVertebraeBetweenEdgeDiscs(), named({"T9", "T10"}));
  ASSERT_EQ(t.discs.size(), 3u);
  EXPECT_EQ(t.discs[0].name, "T8-T9");
  EXPECT_EQ(t.discs[1].name, "T9-T10");
  EXPECT_EQ(t.discs[2].name, "T10-T11");
  EXPECT_TRUE(t.discs[0].cutByField);
  EXPECT_FALSE(t.discs[2].cutByField);
  EXPECT_EQ(t.firstDiscUnder, -1);
  EXPECT_EQ(t.bodiesAround(t.discs[0]), std::make_pair(static_cast<const LevelEntry*>(nullptr), &t.vertebrae[0]));
  EXPECT_EQ(t.bodiesAround(t.discs[1]), std::make_pair(&t.vertebrae[0], &t.vertebrae[1]));
  EXPECT_EQ(t.bodiesAround(t.discs[2]), std::make_pair(&t.vertebrae[1], static_cast<const LevelEntry*>(nullptr)));
  EXPECT_EQ(t.discUnder(0), std::optional<std::size_t>(1));
  EXPECT_EQ(t.discUnder(1), std::optional<std::size_t>(2));
  EXPECT_EQ(t.discAbove(0), std::optional<std::size_t>(0));
  EXPECT_EQ(t.discAbove(1), std::optional<std::size_t>(1));
  EXPECT_TRUE(t.discsAlternate());
  EXPECT_EQ(valuesIn(*t.labels), (std::set<std::uint16_t>{16, 17, discLabel(15), discLabel(16), discLabel(17)}));
  ASSERT_EQ(t.notes.size(), 2u);
  EXPECT_EQ(t.notes[0], "T8-T9: the disc at the field's top edge, above T9. The vertebra above it is not in view (at most a "
                        "sliver of it), so the disc is named by counting on from T9; only 2 mm of its height is in view, so "
                        "what is measured at it is partial.");
  EXPECT_NE(t.notes[1].find("T10-T11: the disc at the field's bottom edge, below T10"), std::string::npos) << t.notes[1];
}

TEST(LevelTableTest, ADiscAtTheFieldsEdgeIsNotNamedWhereSpinesDifferInTheVertebraBeyondIt) {
  // Above L1 lies T12 or, with 13 rib-bearing vertebrae, T13; below L5 lies L6 or the sacrum.
  const LevelTable t = buildLevelTable(twoVertebraeBetweenEdgeDiscs(), named({"L1", "L5"}));
  ASSERT_EQ(t.discs.size(), 3u);
  EXPECT_EQ(t.discs[0].name, "disc 1 (unnamed)");
  EXPECT_EQ(t.discs[0].label, kUnnamedDiscBase);
  EXPECT_EQ(t.discs[0].confidence, 0);
  EXPECT_EQ(t.discs[2].name, "disc 3 (unnamed)");
  EXPECT_NE(t.notes[0].find("spines differ in which vertebra comes next, so the disc is not named"), std::string::npos)
      << t.notes[0];
}

TEST(LevelTableTest, TheVertebraNextToAnotherIsNamedOnlyWhereEverySpineHasTheSameOne) {
  EXPECT_EQ(sameInEverySpineNextTo("T9", false), "T8");
  EXPECT_EQ(sameInEverySpineNextTo("T1", false), "C7");
  EXPECT_EQ(sameInEverySpineNextTo("C7", true), "T1");
  EXPECT_EQ(sameInEverySpineNextTo("L2", false), "L1");
  EXPECT_EQ(sameInEverySpineNextTo("L3", true), "L4");
  EXPECT_EQ(sameInEverySpineNextTo("T13", true), "L1");
  EXPECT_EQ(sameInEverySpineNextTo("T13", false), "T12");
  for (const char* differs : {"L1"}) EXPECT_EQ(sameInEverySpineNextTo(differs, false), "") << differs;
  for (const char* differs : {"T12", "L4", "L5", "L6", "sacrum", "S1"}) EXPECT_EQ(sameInEverySpineNextTo(differs, true), "") << differs;
  EXPECT_EQ(sameInEverySpineNextTo("C1", false), "");
  EXPECT_EQ(sameInEverySpineNextTo("vertebra 1 (unnamed)", false), "");
}

}  // namespace
}  // namespace spine
