// Numbering from anchors, on evidence built in code: the names given, the status (only a full
// count from C2 to the sacrum with normal counts is "confirmed"), and that every anomaly the
// product must not miss is said.
#include <gtest/gtest.h>

#include "spine/Numbering.h"

namespace spine {
namespace {

/// Evidence for a column: `cervicalTop` segments above the thorax when C2 is in view (C1+C2 count
/// as one segment), then thoracic with or without ribs, lumbar-type, optional free S1, sacrum.
NumberingEvidence column(bool skull, int cervical, int ribBearing, int ribless, int lumbar, bool sacrum, double lastDisc = 10) {
  NumberingEvidence e;
  e.skullAbove = skull;
  for (int i = 0; i < cervical; ++i) e.vertebrae.push_back({});
  for (int i = 0; i < ribBearing; ++i) e.vertebrae.push_back({true, false, false, false});
  for (int i = 0; i < ribless + lumbar; ++i) e.vertebrae.push_back({});
  if (sacrum) e.vertebrae.push_back({false, true, false, true});
  e.discHeightsMm.assign(e.vertebrae.size() - 1, 10.0);
  if (sacrum && !e.discHeightsMm.empty()) e.discHeightsMm.back() = lastDisc;
  return e;
}

std::string namesOf(const NumberingVerdict& v) {
  std::string s;
  for (const auto& n : v.vertebraNames) s += (s.empty() ? "" : " ") + n;
  return s;
}

TEST(NumberingTest, WholeSpineNormalCountIsConfirmed) {
  NumberingVerdict v = numberLevels(column(true, 6, 12, 0, 5, true));  // C1/C2 + C3-C7
  EXPECT_EQ(v.status, "confirmed");
  EXPECT_EQ(v.vertebraNames.front(), "C2");
  EXPECT_EQ(v.vertebraNames[6], "T1");
  EXPECT_EQ(v.vertebraNames[18], "L1");
  EXPECT_EQ(v.vertebraNames.back(), "sacrum");
  EXPECT_EQ(v.ribPairs, 12);
  EXPECT_EQ(v.lumbarType, 5);
}

TEST(NumberingTest, ElevenRibPairsCountedFromC2KeepOrdinalNamesAndSayIt) {
  NumberingVerdict v = numberLevels(column(true, 6, 11, 1, 5, true));
  EXPECT_EQ(v.status, "uncertain");
  EXPECT_EQ(v.vertebraNames[17], "T12");  // the rib-less twelfth thoracic
  EXPECT_EQ(v.vertebraNames[18], "L1");
  EXPECT_NE(v.anomaly.find("11 rib pairs"), std::string::npos);
}

TEST(NumberingTest, ThirteenRibPairsGiveT13) {
  NumberingVerdict v = numberLevels(column(true, 6, 13, 0, 5, true));
  EXPECT_EQ(v.status, "uncertain");
  EXPECT_EQ(v.vertebraNames[18], "T13");
  EXPECT_EQ(v.vertebraNames[19], "L1");
  EXPECT_NE(v.anomaly.find("13 rib pairs"), std::string::npos);
}

TEST(NumberingTest, LumbarViewWithLastRibIsConsistentNotConfirmed) {
  NumberingVerdict v = numberLevels(column(false, 0, 1, 0, 5, true));
  EXPECT_EQ(v.status, "consistent");
  EXPECT_EQ(namesOf(v), "T12 L1 L2 L3 L4 L5 sacrum");
  EXPECT_NE(v.reviewerMustConfirm.find("whole-spine"), std::string::npos);
}

TEST(NumberingTest, SixLumbarTypeIsUncertainWithCandidates) {
  NumberingVerdict v = numberLevels(column(false, 0, 2, 0, 6, true));
  EXPECT_EQ(v.status, "uncertain");
  EXPECT_EQ(v.vertebraNames[v.vertebraNames.size() - 2], "L6");
  EXPECT_GE(v.candidates.size(), 2u);
}

TEST(NumberingTest, RudimentaryLastDiscMarksATransitionalVertebra) {
  NumberingVerdict lumbarised = numberLevels(column(false, 0, 2, 0, 6, true, 4.0));
  EXPECT_EQ(lumbarised.vertebraNames[lumbarised.vertebraNames.size() - 2], "S1");
  EXPECT_NE(lumbarised.anomaly.find("lumbarised S1"), std::string::npos);
  NumberingVerdict sacralised = numberLevels(column(false, 0, 2, 0, 5, true, 3.0));
  EXPECT_EQ(sacralised.vertebraNames[sacralised.vertebraNames.size() - 2], "L5");
  EXPECT_NE(sacralised.anomaly.find("sacralised"), std::string::npos);
}

TEST(NumberingTest, FourLumbarTypeIsUncertain) {
  NumberingVerdict v = numberLevels(column(false, 0, 2, 0, 4, true));
  EXPECT_EQ(v.status, "uncertain");
  EXPECT_EQ(v.vertebraNames[v.vertebraNames.size() - 2], "L4");
}

TEST(NumberingTest, SacrumAloneIsProvisional) {
  NumberingVerdict v = numberLevels(column(false, 0, 0, 0, 5, true));
  EXPECT_EQ(v.status, "provisional");
  EXPECT_EQ(namesOf(v), "L1 L2 L3 L4 L5 sacrum");
}

TEST(NumberingTest, NoAnchorNamesNothing) {
  NumberingVerdict v = numberLevels(column(false, 0, 4, 0, 0, false));
  EXPECT_EQ(v.status, "not_identified");
  for (const auto& n : v.vertebraNames) EXPECT_TRUE(n.empty());
  EXPECT_EQ(numberLevels(NumberingEvidence{}).status, "not_identified");
}

TEST(NumberingTest, C2WithoutSacrumCountsDownProvisionally) {
  NumberingVerdict v = numberLevels(column(true, 6, 2, 0, 0, false));
  EXPECT_EQ(v.status, "provisional");
  EXPECT_EQ(v.vertebraNames.front(), "C2");
  EXPECT_EQ(v.vertebraNames.back(), "T2");
}

TEST(NumberingTest, SevenLumbarTypeVertebraeNameNoLevel) {
  // A vertebra split in two by the segmentation looks like 7 lumbar-type vertebrae: no anatomy has
  // an L7, and naming from either anchor would put a wrong name somewhere.
  NumberingVerdict v = numberLevels(column(false, 0, 3, 0, 7, true));
  EXPECT_EQ(v.status, "uncertain");
  EXPECT_NE(v.anomaly.find("7 lumbar-type"), std::string::npos);
  for (size_t i = 0; i + 1 < v.vertebraNames.size(); ++i) EXPECT_EQ(v.vertebraNames[i], "") << i;
  EXPECT_EQ(v.vertebraNames.back(), "sacrum");
  for (const std::string& n : v.vertebraNames) EXPECT_NE(n, "L7");
}

/// `column(...)` with every whole segment 35 mm tall and segment `tall` (cranial to caudal) `mm` tall.
NumberingEvidence withTallSegment(NumberingEvidence e, int tall, double mm) {
  for (auto& v : e.vertebrae)
    if (!v.sacrum) v.heightMm = 35;
  e.vertebrae[size_t(tall)].heightMm = mm;
  return e;
}

TEST(NumberingTest, ASegmentTallerThanAnyVertebraStopsTheCountAtIt) {
  // A missed disc makes one segment of two vertebrae (a contrast CT's column gave 96 and 101 mm): the
  // rib anchor above it agreed with the sacrum on "5 lumbar" by accident, and every name above it
  // was one level off. Only the levels below it are named, from the sacrum.
  NumberingEvidence e = withTallSegment(column(false, 0, 3, 0, 5, true), 4, 75);  // the second lumbar-type segment
  NumberingVerdict v = numberLevels(e);
  EXPECT_EQ(v.status, "uncertain");
  EXPECT_NE(v.anomaly.find("75 mm"), std::string::npos) << v.anomaly;
  EXPECT_NE(v.summary.find("missed"), std::string::npos) << v.summary;
  EXPECT_EQ(v.vertebraNames, (std::vector<std::string>{"", "", "", "", "", "L3", "L4", "L5", "sacrum"}));
  EXPECT_LE(v.confidence, 0.4);
  // Directly above the sacrum: nothing but the sacrum is named.
  v = numberLevels(withTallSegment(column(false, 0, 0, 0, 4, true), 3, 90));
  EXPECT_EQ(v.vertebraNames, (std::vector<std::string>{"", "", "", "", "sacrum"}));
  // Counted from C2 without a sacrum: only the levels above it.
  v = numberLevels(withTallSegment(column(true, 6, 4, 0, 0, false), 5, 80));
  EXPECT_EQ(v.status, "uncertain");
  EXPECT_EQ(v.vertebraNames, (std::vector<std::string>{"C2", "C3", "C4", "C5", "C6", "", "", "", "", ""}));
}

TEST(NumberingTest, ASacrumLongerThanAnySacrumIsNoAnchor) {
  // The contrast CT's lowest segment ran 181 mm up the inferior vena cava: "sacrum", and L5 and L4
  // named above it.
  NumberingEvidence e = withTallSegment(column(false, 0, 0, 0, 2, true), 0, 35);
  e.vertebrae.back().heightMm = 181;
  NumberingVerdict v = numberLevels(e);
  EXPECT_EQ(v.status, "not_identified");
  for (const auto& n : v.vertebraNames) EXPECT_TRUE(n.empty()) << n;
  EXPECT_NE(v.summary.find("181 mm"), std::string::npos) << v.summary;
  e.vertebrae.back().heightMm = 124;  // a sacrum with a fused L5
  EXPECT_EQ(numberLevels(e).status, "provisional");
}

TEST(NumberingTest, ATallSegmentCutByTheFieldIsLeftUnnamedAndChangesNothingBelow) {
  // The field's edge ends it, not a disc, so the count below stands; but part of a vertebra is no
  // taller than a whole one: 75 mm holds several, and no single name fits them.
  NumberingEvidence e = withTallSegment(column(false, 0, 3, 0, 5, true), 0, 75);
  e.vertebrae[0].cutTop = true;
  const NumberingVerdict v = numberLevels(e);
  EXPECT_EQ(v.status, "consistent");
  EXPECT_EQ(v.vertebraNames, (std::vector<std::string>{"", "T11", "T12", "L1", "L2", "L3", "L4", "L5", "sacrum"}));
  EXPECT_NE(v.summary.find("75 mm long, holds more than one vertebra"), std::string::npos) << v.summary;
  EXPECT_EQ(v.withheldTopName, "T10");  // its lowest vertebra: the disc below it is T10-T11
  e.vertebrae[0].heightMm = 35;  // a whole one: named
  EXPECT_EQ(numberLevels(e).vertebraNames.front(), "T10");
  EXPECT_EQ(numberLevels(withTallSegment(column(false, 0, 3, 0, 5, true), 4, 55)).status, "consistent");
}

TEST(NumberingTest, MissedCervicalDiscsDoNotMoveTheNamesBelowTheNeck) {
  // Three segments above the first rib pair where the neck has seven vertebrae: counting down from
  // C2 would call T1 "C4" and every lumbar level four too high. The sacrum, 12 rib pairs and five
  // lumbar-type vertebrae still agree: those names stand, the neck is left unnamed, and it is said.
  NumberingVerdict v = numberLevels(column(true, 3, 12, 0, 5, true));
  EXPECT_EQ(v.status, "consistent");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(v.vertebraNames[size_t(i)], "") << i;
  EXPECT_EQ(v.vertebraNames[3], "T1");
  EXPECT_EQ(v.vertebraNames[15], "L1");
  EXPECT_EQ(v.vertebraNames[19], "L5");
  EXPECT_NE(v.anomaly.find("cervical"), std::string::npos);
  EXPECT_NE(v.summary.find("where 7 are expected"), std::string::npos);
}

TEST(NumberingTest, MissedCervicalDiscsWithAnAnomalyBelowStayUncertain) {
  NumberingVerdict v = numberLevels(column(true, 3, 12, 0, 6, true));
  EXPECT_EQ(v.status, "uncertain");
  EXPECT_EQ(v.vertebraNames[0], "");
  EXPECT_NE(v.anomaly.find("6 lumbar-type"), std::string::npos);
  EXPECT_NE(v.anomaly.find("cervical"), std::string::npos);
}

TEST(NumberingTest, MissedCervicalDiscsWithoutSacrumCountFromTheFirstRibPair) {
  NumberingVerdict v = numberLevels(column(true, 3, 12, 0, 2, false));
  EXPECT_EQ(v.status, "provisional");
  EXPECT_EQ(v.vertebraNames[2], "");
  EXPECT_EQ(v.vertebraNames[3], "T1");
  EXPECT_EQ(v.vertebraNames.back(), "L2");
}

}  // namespace
}  // namespace spine
