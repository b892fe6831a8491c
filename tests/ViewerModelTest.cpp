// The viewer's decisions without a window: what a report becomes on screen (names, colours, the
// target, anchors, findings, the banner), the straightened view's geometry, and the target review
// written into report.json.
#include "TestHelpers.h"

#include <numeric>
#include <set>

#include <itkImageRegionIteratorWithIndex.h>

#include "spine/AtomicFile.h"
#include "spine/TargetReview.h"
#include "spine/viewer/CurvedReformat.h"
#include "spine/viewer/SceneModel.h"

namespace spine::test {
namespace {

using nlohmann::json;
using namespace spine::viewer;

json level(const std::string& name, int label, double z, bool ribs = false) {
  return {{"name", name}, {"label", label}, {"centroid_lps_mm", {0.0, 10.0, z}}, {"confidence", 0.9}, {"rib_bearing", ribs},
          {"findings", json::array()}};
}

/// A report as `analyze` writes it: T12 (ribs), L1..L5, sacrum; discs between.
json sampleReport(const std::string& status = "consistent") {
  json vertebrae = json::array(), discs = json::array();
  const std::vector<std::string> names{"T12", "L1", "L2", "L3", "L4", "L5", "sacrum"};
  for (size_t i = 0; i < names.size(); ++i) {
    vertebrae.push_back(level(names[i], names[i] == "sacrum" ? 26 : int(19 + i), 200 - 35.0 * double(i), names[i] == "T12"));
    if (i + 1 < names.size())
      discs.push_back(level(names[i] + "-" + (names[i + 1] == "sacrum" ? "S1" : names[i + 1]), int(119 + i), 182 - 35.0 * double(i)));
  }
  return {{"schema", "spinereview.report"},
          {"input", {{"path", "/study"}}},
          {"volume", {{"modality", "CT"}}},
          {"numbering",
           {{"status", status},
            {"anchors", {"sacrum", "last rib-bearing vertebra"}},
            {"anomaly", nullptr},
            {"candidates", json::array()},
            {"summary", "The sacrum and the last rib agree."},
            {"reviewer_must_confirm", "Count from C2."}}},
          {"vertebrae", vertebrae},
          {"discs", discs},
          {"findings", json::array()},
          {"target", {{"requested", "L4-L5"}}},
          {"label_map", "labels.nii.gz"}};
}

TEST(ReviewModelTest, LevelsAreInterleavedCranialToCaudal) {
  ReviewModel m = readReviewModel(sampleReport(), "/out", "/out/report.json");
  ASSERT_EQ(m.levels.size(), 13u);
  EXPECT_EQ(m.levels[0].name, "T12");
  EXPECT_EQ(m.levels[1].name, "T12-L1");
  EXPECT_EQ(m.levels[9].name, "L4-L5");
  EXPECT_TRUE(m.levels[9].disc);
  EXPECT_EQ(m.levels[12].name, "sacrum");
  EXPECT_EQ(m.target, "L4-L5");
  EXPECT_TRUE(m.hasLabelMap);
  EXPECT_FALSE(m.numberingTrusted());
}

TEST(ReviewModelTest, FindingsKeepTheirLevelsMeasurementsAndEvidence) {
  json r = sampleReport();
  r["discs"][4]["findings"].push_back({{"kind", "herniation"},
                                       {"certainty", "definite"},
                                       {"measurements", {{"depth", {{"value", 4.25}, {"unit", "mm"}}}}},
                                       {"evidence", {{"points_lps_mm", {{1.0, 2.0, 3.0}}}}}});
  r["findings"].push_back({{"kind", "multi-level herniation"}, {"levels", {"L3-L4", "L4-L5"}}});
  ReviewModel m = readReviewModel(r, "/out", "/out/report.json");
  ASSERT_EQ(m.findings.size(), 2u);
  EXPECT_EQ(m.findings[0].describe(), "herniation L4-L5 (definite): depth 4.2 mm");
  ASSERT_EQ(m.findings[0].points.size(), 1u);
  EXPECT_EQ(m.findings[1].describe(), "multi-level herniation L3-L4, L4-L5");
  SceneModel s = buildSceneModel(m);
  ASSERT_EQ(s.findings.size(), 2u);
  EXPECT_EQ(s.findings[1].points.size(), 2u) << "a finding without points is drawn at its levels";
}

TEST(ReviewModelTest, ABrokenReportIsRefusedNamingTheFile) {
  json r = sampleReport();
  r["vertebrae"][0].erase("centroid_lps_mm");
  try {
    readReviewModel(r, "/out", "/out/report.json");
    FAIL() << "accepted a level without a centroid";
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::DataError);
    EXPECT_NE(e.oneLine().find("/out/report.json"), std::string::npos);
  }
  EXPECT_THROW(readReviewModel(json{{"schema", "other"}}, "/out", "x"), SpineError);
  ScratchFolder dir;
  try {
    loadReviewModel(dir.sub("nothing"));
    FAIL();
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::NoInput);
  }
}

TEST(SceneModelTest, TheTargetIsYellowAndNamedTarget) {
  SceneModel s = buildSceneModel(readReviewModel(sampleReport(), "/out", "r"));
  ASSERT_GE(s.targetIndex, 0);
  const LevelMark& t = s.levels[size_t(s.targetIndex)];
  EXPECT_EQ(t.text, "L4-L5  TARGET");
  EXPECT_EQ(t.colour, kTargetColour);
  EXPECT_EQ(s.focus, t.position);
  for (const LevelMark& l : s.levels)
    if (!l.target) {
      EXPECT_NE(l.colour, kTargetColour) << l.text;
    }
  SceneModel other = buildSceneModel(readReviewModel(sampleReport(), "/out", "r"), "L2");
  EXPECT_EQ(other.levels[size_t(other.targetIndex)].text.substr(0, 2), "L2") << "--target overrides the report's";
}

TEST(SceneModelTest, AnchorsAreMarkedOnTheirLevels) {
  SceneModel s = buildSceneModel(readReviewModel(sampleReport(), "/out", "r"));
  std::map<std::string, std::string> anchors;
  for (const LevelMark& l : s.levels)
    if (!l.anchor.empty()) anchors[l.text.substr(0, l.text.find(' '))] = l.anchor;
  EXPECT_EQ(anchors, (std::map<std::string, std::string>{{"T12", "last rib pair"}, {"sacrum", "sacrum"}}));
}

TEST(SceneModelTest, ALumbarisedS1IsNotMarkedAsTheSacrumAnchor) {
  // A free S1 above the sacrum (six lumbar-type vertebrae): the sacrum below it is the anchor, and
  // both used to read "anchor: sacrum".
  json r = sampleReport("uncertain");
  r["vertebrae"].insert(r["vertebrae"].end() - 1, level("S1", 32, 200 - 35.0 * 6));
  r["vertebrae"].back()["centroid_lps_mm"][2] = 200 - 35.0 * 7;
  SceneModel s = buildSceneModel(readReviewModel(r, "/out", "r"));
  std::map<std::string, std::string> anchors;
  for (const LevelMark& l : s.levels)
    if (!l.anchor.empty()) anchors[l.text.substr(0, l.text.find(' '))] = l.anchor;
  EXPECT_EQ(anchors, (std::map<std::string, std::string>{{"T12", "last rib pair"}, {"sacrum", "sacrum"}}));
}

TEST(SceneModelTest, TheBannerWarnsUnlessTheNumberingIsConfirmed) {
  for (const std::string status : {"consistent", "provisional", "uncertain", "not_identified", "not_performed"}) {
    Banner b = buildSceneModel(readReviewModel(sampleReport(status), "/out", "r")).banner;
    EXPECT_TRUE(b.warning) << status;
    EXPECT_EQ(b.text.rfind("NUMBERING ", 0), 0u) << b.text;
    EXPECT_NE(b.text.find("Count from C2."), std::string::npos) << "the banner says what to confirm";
  }
  Banner ok = buildSceneModel(readReviewModel(sampleReport("confirmed"), "/out", "r")).banner;
  EXPECT_FALSE(ok.warning);
  EXPECT_NE(ok.text.find("sacrum"), std::string::npos) << "a confirmed count still shows its anchors";
}

TEST(SceneModelTest, APanelSaysWhenTheTargetIsNotLocated) {
  json r = sampleReport();
  r["target"]["requested"] = "L6-S1";
  SceneModel s = buildSceneModel(readReviewModel(r, "/out", "r"));
  EXPECT_EQ(s.targetIndex, -1);
  bool said = false;
  for (const std::string& line : s.panel) said |= line.find("L6-S1: NOT LOCATED") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(SceneModelTest, WhatWasNotAssessedIsOneLinePerKindWithItsLevels) {
  json r = sampleReport();
  auto gap = [](const std::string& level, const std::string& what) {
    return json{{"kind", "not-assessed"}, {"levels", {level}}, {"details", {{"what", what}, {"why", "metal near it"}}},
                {"summary", level + ": " + what + " not assessed (metal near it); review this level yourself."}};
  };
  r["discs"][3]["findings"] = {gap("L3-L4", "herniation"), gap("L3-L4", "stenosis")};
  r["discs"][4]["findings"] = {gap("L4-L5", "herniation"), gap("L4-L5", "stenosis"),
                               {{"kind", "fusion-status"}, {"summary", "L4-L5 (fusion L4 to L5): bone bridges the disc space."}}};
  SceneModel s = buildSceneModel(readReviewModel(r, "/out", "r"));
  std::vector<std::string> lines;
  for (const std::string& line : s.panel)
    if (line.find("not assessed") != std::string::npos || line.rfind("  herniation", 0) == 0 ||
        line.rfind("  stenosis", 0) == 0 || line.find("bone bridges") != std::string::npos)
      lines.push_back(line);
  EXPECT_EQ(lines, (std::vector<std::string>{"  - L4-L5 (fusion L4 to L5): bone bridges the disc space.",
                                             "  herniation: L3-L4, L4-L5", "  stenosis: L3-L4, L4-L5"}));
}

TEST(SceneModelTest, AShortenedPanelDropsOnlyFindingsAndCountsThem) {
  json r = sampleReport();
  r["discs"][3]["findings"] = json::array();
  for (int i = 0; i < 12; ++i)
    r["discs"][3]["findings"].push_back({{"kind", "hardware"}, {"summary", "object " + std::to_string(i)}});
  r["discs"][4]["findings"] = {{{"kind", "not-assessed"}, {"levels", {"L4-L5"}},
                                {"details", {{"what", "stenosis"}, {"why", "metal near it"}}},
                                {"summary", "L4-L5: stenosis not assessed."}}};
  SceneModel s = buildSceneModel(readReviewModel(r, "/out", "r"));
  EXPECT_EQ(shortenedPanel(s, 12), s.panel) << "nothing dropped when all fit";
  const std::vector<std::string> shorter = shortenedPanel(s, 3);
  EXPECT_EQ(shorter.size(), s.panel.size() - 12 + 3 + 1);
  EXPECT_EQ(shorter.front(), s.panel.front()) << "the numbering stays";
  const std::string joinedLines = std::accumulate(shorter.begin(), shorter.end(), std::string(),
                                                  [](std::string a, const std::string& b) { return a + b + "\n"; });
  EXPECT_NE(joinedLines.find("object 2"), std::string::npos);
  EXPECT_EQ(joinedLines.find("object 3"), std::string::npos);
  EXPECT_NE(joinedLines.find("+ 9 more findings"), std::string::npos) << joinedLines;
  EXPECT_NE(joinedLines.find("stenosis: L4-L5"), std::string::npos) << "what was not assessed stays";
}

TEST(SceneModelTest, SideViewTagsDoNotRunOverADiscsNameOrOneAnother) {
  json r = sampleReport();
  const json disc = r["discs"][4];  // L4-L5 at z = 42
  auto at = [&](const std::string& kind, const std::string& object, const std::string& side) {
    return json{{"kind", kind}, {"levels", {"L4-L5"}}, {"details", {{"object", object}, {"side", side}}},
                {"evidence", {{"points_lps_mm", {disc["centroid_lps_mm"]}}}}};
  };
  r["discs"][4]["findings"] = {at("hardware", "interbody cage", ""), at("fusion-status", "", ""),
                               at("hardware", "rod", "left"), at("hardware", "rod", "right")};
  SceneModel s = buildSceneModel(readReviewModel(r, "/out", "r"));
  const double row = 10;
  layOutSagittalTags(s, row);
  std::vector<double> written;
  for (const FindingMark& f : s.findings)
    if (!f.sagittalTag.empty()) written.push_back(f.points[0][2] - f.sagittalDropMm);
  ASSERT_EQ(written.size(), 3u) << "cage, fusion and one tag for the pair of rods";
  for (size_t a = 0; a < written.size(); ++a) {
    EXPECT_GE(std::abs(written[a] - 42), row) << "clear of the disc's own name";
    for (size_t b = a + 1; b < written.size(); ++b) EXPECT_GE(std::abs(written[a] - written[b]), row);
  }
}

TEST(SceneModelTest, NeighbouringVertebraeHaveDifferentColours) {
  for (std::uint16_t v = 1; v < 28; ++v) {
    Rgb a = labelColour(v), b = labelColour(std::uint16_t(v + 1));
    double d = std::abs(a[0] - b[0]) + std::abs(a[1] - b[1]) + std::abs(a[2] - b[2]);
    EXPECT_GT(d, 0.2) << v;
  }
  EXPECT_EQ(labelColour(0), (Rgb{0, 0, 0}));
}

TEST(CurvedReformatTest, AStraightVerticalSpineGivesTheMidSagittalPlane) {
  auto image = MrImage::New();
  MrImage::RegionType region({{0, 0, 0}}, {{40, 60, 80}});
  image->SetRegions(region);
  image->Allocate();
  for (itk::ImageRegionIteratorWithIndex<MrImage> it(image, region); !it.IsAtEnd(); ++it)
    it.Set(float(it.GetIndex()[1] * 10 + it.GetIndex()[2]));  // value = 10 y + z
  CurvedReformatParams p;
  p.halfWidthMm = 20;
  p.extendMm = 0;
  CurvedReformat r = straighten(*image, nullptr, {{20, 30, 70}, {20, 30, 40}, {20, 30, 10}}, p);
  ASSERT_EQ(r.width, 41);
  ASSERT_NEAR(r.height, 61, 1);
  // Row 0 is the cranial end (z = 70); column 0 the anterior end (y = 30 - 20 = 10).
  EXPECT_NEAR(r.pixels[0], 10 * 10 + 70, 1e-3);
  EXPECT_NEAR(r.pixels[size_t(r.width - 1)], 50 * 10 + 70, 1e-3);
  EXPECT_NEAR(r.pixels[size_t(30) * size_t(r.width) + 20], 30 * 10 + 40, 1e-3);
  auto [row, col] = r.project({20, 25, 40});
  EXPECT_NEAR(row, 30, 0.5);
  EXPECT_NEAR(col, 15, 0.5);
}

TEST(CurvedReformatTest, TheCentrelineIsSampledAtEqualSteps) {
  std::vector<Vec3> c = smoothCentreline({{0, 0, 100}, {0, 10, 60}, {5, 0, 20}, {0, -10, -20}}, 1.0, 10);
  ASSERT_GT(c.size(), 130u);
  for (size_t i = 1; i < c.size(); ++i) EXPECT_NEAR(distance(c[i], c[i - 1]), 1.0, 0.02) << i;
  EXPECT_TRUE(smoothCentreline({{0, 0, 0}}, 1.0, 10).empty());
}

TEST(TargetReviewTest, ADecisionIsAppendedToTheReportAtomically) {
  ScratchFolder dir;
  writeFileAtomically(dir.sub("report.json"), sampleReport().dump(), "test");
  recordTargetReview(dir.path().string(), {"L4-L5", true, "dr. a", "", "2026-11-22T05:00:00Z"});
  json r = recordTargetReview(dir.path().string(), {"L4-L5", false, "dr. b", "counted 6 lumbar on the localiser", ""});
  json onDisk = json::parse(slurp(dir.path() / "report.json"));
  EXPECT_EQ(onDisk, r);
  ASSERT_EQ(onDisk["target_reviews"].size(), 2u);
  EXPECT_EQ(onDisk["target_reviews"][0]["decision"], "confirmed");
  EXPECT_EQ(onDisk["target_reviews"][0]["time_utc"], "2026-11-22T05:00:00Z");
  EXPECT_EQ(onDisk["target_reviews"][1]["decision"], "disagreed");
  EXPECT_EQ(onDisk["target_reviews"][1]["note"], "counted 6 lumbar on the localiser");
  EXPECT_EQ(onDisk["target_reviews"][1]["numbering_status"], "consistent");
  EXPECT_EQ(onDisk["target_reviews"][1]["label"], 123);
  EXPECT_EQ(onDisk["target_reviews"][1]["time_utc"].get<std::string>().size(), 20u);
  for (const auto& e : fs::directory_iterator(dir.path())) EXPECT_EQ(e.path().filename(), "report.json") << "no temporary left";
}

TEST(TargetReviewTest, NoReportNoReviewerOrAnotherSchemaIsRefused) {
  ScratchFolder dir;
  auto codeOf = [&](const TargetReview& review) {
    try {
      recordTargetReview(dir.path().string(), review);
    } catch (const SpineError& e) {
      return e.code();
    }
    return ExitCode::Ok;
  };
  EXPECT_EQ(codeOf({"L4-L5", true, "dr. a", "", ""}), ExitCode::NoInput);
  writeFileAtomically(dir.sub("report.json"), R"({"schema": "something else"})", "test");
  EXPECT_EQ(codeOf({"L4-L5", true, "dr. a", "", ""}), ExitCode::DataError);
  writeFileAtomically(dir.sub("report.json"), sampleReport().dump(), "test");
  EXPECT_EQ(codeOf({"L4-L5", true, "", "", ""}), ExitCode::Usage);
  EXPECT_EQ(codeOf({"", true, "dr. a", "", ""}), ExitCode::Usage);
  EXPECT_FALSE(json::parse(slurp(dir.path() / "report.json")).contains("target_reviews"));
}

}  // namespace
}  // namespace spine::test
