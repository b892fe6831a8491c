// The accuracy harness scores what it claims: perfect predictions score perfectly, a numbering
// shifted by one level is counted as mislabels (silent only when the report stated its numbering
// without a warning), finding counts per level, and the real-data truth formats read correctly.
#include <fstream>

#include "TestHelpers.h"
#include "spine/Evaluation.h"
#include "spine/Labels.h"
#include "spine/LabelMapFile.h"
#include "spine/Phantom.h"

namespace spine::test {
namespace {

using nlohmann::json;

/// Truth: five lumbar vertebrae 30 mm apart on the z axis, discs between them.
LevelSet lumbarTruth() {
  LevelSet t;
  const char* names[] = {"L1", "L2", "L3", "L4", "L5"};
  for (int i = 0; i < 5; ++i) {
    t.vertebrae.push_back({names[i], {0, 0, -30.0 * i}});
    if (i < 4) t.discs.push_back({std::string(names[i]) + "-" + names[i + 1], {0, 0, -30.0 * i - 15}});
  }
  t.findings["herniation"] = {"L4-L5"};
  t.findings["hardware"] = {};
  return t;
}

/// The truth's levels renamed one level down (L1 called L2, ...), as a miscount would.
LevelSet shiftedByOne(const LevelSet& t) {
  LevelSet p = t;
  const char* next[] = {"L2", "L3", "L4", "L5", "S1"};
  for (size_t i = 0; i < p.vertebrae.size(); ++i) p.vertebrae[i].name = next[i];
  p.discs.clear();
  return p;
}

TEST(EvaluationTest, PerfectPredictionScoresPerfectly) {
  LevelSet truth = lumbarTruth(), pred = truth;
  pred.numberingConfirmed = true;
  CaseScore s = scoreCase("perfect", truth, pred);
  EXPECT_EQ(s.identified, 5u);
  EXPECT_EQ(s.discsIdentified, 4u);
  EXPECT_TRUE(s.allLevelsRight);
  EXPECT_EQ(s.mislabels, 0u);
  EXPECT_EQ(s.findings["herniation"].tp, 1u);
  EXPECT_EQ(s.findings["herniation"].tn, 3u);
}

/// `pred` scored as a report that stated its numbering ("confirmed") and as one that warned.
std::pair<CaseScore, CaseScore> scoredConfirmedAndWarned(const LevelSet& truth, LevelSet pred) {
  pred.numberingConfirmed = true;
  CaseScore confirmed = scoreCase("confirmed", truth, pred);
  pred.numberingConfirmed = false;  // the report warned that the count is uncertain
  return {confirmed, scoreCase("warned", truth, pred)};
}

TEST(EvaluationTest, ShiftedNumberingIsAMislabelSilentOnlyWithoutWarning) {
  const LevelSet truth = lumbarTruth();
  const auto [silent, flagged] = scoredConfirmedAndWarned(truth, shiftedByOne(truth));
  EXPECT_EQ(silent.identified, 0u);
  EXPECT_EQ(silent.mislabels, 5u);
  EXPECT_EQ(silent.silentMislabels, 5u);
  EXPECT_FALSE(silent.allLevelsRight);
  EXPECT_EQ(flagged.mislabels, 5u);
  EXPECT_EQ(flagged.silentMislabels, 0u);
}

TEST(EvaluationTest, ARightNameOnAWrongSegmentIsMisplacedSilentOnlyWithoutWarning) {
  // A contrast-filled aorta once joined T6-T9: named right, their segments 50-70 mm from their
  // bodies, under "confirmed". No truth lay within 20 mm, so it counted as no mislabel at all.
  LevelSet truth = lumbarTruth(), pred = truth;
  pred.vertebrae[2].centroid = {0, -45, -60};  // L3's name, 45 mm in front of L3
  pred.vertebrae[3].centroid = {0, 0, -60};    // L4's name on L3: a mislabel, not also misplaced
  const auto [silent, flagged] = scoredConfirmedAndWarned(truth, pred);
  EXPECT_EQ(silent.misplaced, 1u);
  EXPECT_EQ(silent.silentMisplaced, 1u);
  EXPECT_EQ(silent.mislabels, 1u);
  EXPECT_FALSE(silent.allLevelsRight);
  EXPECT_EQ(flagged.misplaced, 1u);
  EXPECT_EQ(flagged.silentMisplaced, 0u);
  const json j = suiteJson({silent});
  EXPECT_EQ(j["overall"]["silent_misplaced"], 1);
  EXPECT_EQ(j["cases"][0]["misplaced_levels"], 1);
}

TEST(EvaluationTest, UnnamedLevelsAreMissedButNotMislabelled) {
  LevelSet truth = lumbarTruth(), pred = lumbarTruth();
  for (size_t i = 0; i < pred.vertebrae.size(); ++i) pred.vertebrae[i].name = "vertebra " + std::to_string(i + 1) + " (unnamed)";
  CaseScore s = scoreCase("unnamed", truth, pred);
  EXPECT_EQ(s.identified, 0u);
  EXPECT_EQ(s.mislabels, 0u);
}

TEST(EvaluationTest, IdentificationNeedsTheNearestPredictionWithin20mm) {
  LevelSet truth = lumbarTruth(), pred = truth;
  pred.vertebrae[2].centroid = {0, 0, -60 + 21};  // L3 21 mm off: not identified
  pred.vertebrae[3].centroid = {0, 0, -90 + 16};  // L4 16 mm off but nearer to... still nearest to L4
  CaseScore s = scoreCase("offsets", truth, pred);
  EXPECT_EQ(s.identified, 4u);
  ASSERT_EQ(s.localisationMm.size(), 5u);
  EXPECT_NEAR(s.localisationMm[2], 21.0, 1e-9);
}

TEST(EvaluationTest, FindingAtTheRightPlaceUnderTheWrongNameCountsAsFound) {
  LevelSet truth = lumbarTruth(), pred = truth;
  for (auto& d : pred.discs) d.name += "x";  // names unknown to the truth
  pred.findings["herniation"] = {"L4-L5x"};
  CaseScore s = scoreCase("renamed", truth, pred);
  EXPECT_EQ(s.findings["herniation"].tp, 1u);
  EXPECT_EQ(s.findings["herniation"].fp, 0u);
}

TEST(EvaluationTest, ALaminectomyIsScoredPerVertebraAndIsNotHardware) {
  // A false "possible laminectomy" (posterior elements the segmentation did not reach) was counted
  // nowhere: the harness knew laminectomies only as hardware entries it skipped.
  ScratchFolder dir;
  json levels = json::array(), discs = json::array();
  for (int i = 0; i < 5; ++i)
    levels.push_back({{"name", "L" + std::to_string(i + 1)}, {"label", 20 + i}, {"centroid_lps_mm", {0, 0, -30.0 * i}}});
  json truth = {{"vertebrae", levels}, {"discs", discs},
                {"hardware", {{{"kind", "laminectomy"}, {"level", "L4"}, {"centre_lps_mm", {0, 36, -90}}}}}};
  std::ofstream(dir.sub("truth.json")) << truth.dump();
  std::ofstream(dir.sub("case.json")) << json{{"input", "none"}, {"truth", "truth.json"}}.dump();
  json vertebrae = levels;
  vertebrae[3]["findings"] = {{{"kind", "laminectomy"}, {"levels", {"L4"}}}};
  vertebrae[1]["findings"] = {{{"kind", "laminectomy"}, {"levels", {"L2"}}}};
  json report = {{"vertebrae", vertebrae}, {"discs", discs}, {"numbering", {{"status", "consistent"}}}};
  fs::create_directories(dir.sub("pred"));
  std::ofstream(dir.sub("pred/report.json")) << report.dump();
  const CaseScore s = scoreCase("laminectomy", readTruth(readEvalCase(dir.sub("case.json"))), readPrediction(dir.sub("pred")));
  const DetectionCounts& c = s.findings.at("laminectomy");
  EXPECT_EQ(c.tp, 1u);
  EXPECT_EQ(c.fp, 1u);
  EXPECT_EQ(c.tn, 3u);
  EXPECT_EQ(s.findings.at("hardware").tp + s.findings.at("hardware").fn, 0u) << "a laminectomy is no hardware";
}

TEST(EvaluationTest, ScrewsAreMatchedOneToOneAndTheirLevelAndSideChecked) {
  LevelSet truth = lumbarTruth(), pred = lumbarTruth();
  truth.screws = {{"L4", "left", {20, 15, 60}, {10, -25, 60}, true}, {"L4", "right", {-20, 15, 60}, {-10, -25, 60}},
                  {"L5", "left", {20, 15, 30}, {10, -25, 30}}};
  pred.screws = {{"L4", "left", {21, 14, 61}, {11, -24, 59}, true},  // right, its halo found
                 {"L5", "left", {-19, 15, 60}, {-9, -25, 61}},  // the L4 right screw, wrong level and side
                 {"L3", "left", {20, 15, 95}, {10, -25, 95}}};  // nothing there
  ScrewCounts c = scoreCase("screws", truth, pred).screws;
  EXPECT_EQ(c.truth, 3u);
  EXPECT_EQ(c.found, 2u);
  EXPECT_EQ(c.levelRight, 1u);
  EXPECT_EQ(c.sideRight, 1u);
  EXPECT_EQ(c.extra, 1u);
  EXPECT_EQ(c.loosening.tp, 1u);
  EXPECT_EQ(c.loosening.tn, 1u);
  EXPECT_NE(suiteTable({scoreCase("screws", truth, pred)}).find("2/1/1 of 3 +1 halo 1/1"), std::string::npos);
}

TEST(EvaluationTest, DiceFromLabelMapsOnDifferentGrids) {
  PhantomResult r = generatePhantom(parsePhantomSpec({{"fov_from", "L2"}, {"fov_to", "L4"},
                                                      {"acquisition", {{"pixel_mm", 2.0}, {"slice_mm", 3.0}}}},
                                                     "t.json"));
  ScratchFolder dir;
  std::ofstream(dir.sub("case.json")) << json{{"input", "none"}, {"truth", "truth.json"}}.dump();
  std::ofstream(dir.sub("truth.json")) << r.truth.dump();
  writeLabelMap(*r.labels, dir.sub("labels.nii.gz"));
  LevelSet truth = readTruth(readEvalCase(dir.sub("case.json")));
  LevelSet pred = truth;
  CaseScore same = scoreCase("same", truth, pred);
  for (const auto& [name, d] : same.diceVertebra) EXPECT_DOUBLE_EQ(d, 1.0) << name;
  // Shift the prediction's grid by two voxels: Dice drops but stays high.
  LabelImage::Pointer moved = readLabelMap(dir.sub("labels.nii.gz"));
  auto origin = moved->GetOrigin();
  origin[2] += 2 * moved->GetSpacing()[2];
  moved->SetOrigin(origin);
  pred.labels = moved;
  CaseScore shifted = scoreCase("shifted", truth, pred);
  for (const auto& [name, d] : shifted.diceVertebra) {
    EXPECT_LT(d, 0.99) << name;
    EXPECT_GT(d, 0.5) << name;
  }
}

TEST(EvaluationTest, SuiteTableAndJsonPoolTheCases) {
  LevelSet truth = lumbarTruth(), good = truth, bad = shiftedByOne(truth);
  bad.numberingConfirmed = true;
  std::vector<CaseScore> cases{scoreCase("good", truth, good), scoreCase("bad", truth, bad)};
  json j = suiteJson(cases);
  EXPECT_DOUBLE_EQ(j["overall"]["identification_rate"].get<double>(), 0.5);
  EXPECT_EQ(j["overall"]["silent_mislabels"], 5);
  EXPECT_DOUBLE_EQ(j["overall"]["share_all_levels_right"].get<double>(), 0.5);
  std::string table = suiteTable(cases);
  EXPECT_NE(table.find("OVERALL"), std::string::npos);
  EXPECT_NE(table.find("1/2"), std::string::npos);
}

TEST(EvaluationDataTest, VerseCentroidsLandOnTheirVertebrae) {
  std::string dir = sharedData("verse-sample-labels");
  SKIP_WITHOUT_SHARED_DATA(dir);
  LabelImage::Pointer mask = readLabelMap(dir + "/sub-verse004_seg-vert_msk_ITKFIX-derived.nii.gz");
  std::vector<LevelPoint> ctd = readVerseCentroids(dir + "/sub-verse004_seg-subreg_ctd.json", *mask);
  ASSERT_EQ(ctd.size(), 9u);
  EXPECT_EQ(ctd.front().name, "T9");
  EXPECT_EQ(ctd.back().name, "L5");
  std::map<std::uint16_t, std::string> names;
  for (const auto& p : ctd) names[*vertebraCode(p.name)] = p.name;
  std::vector<LevelPoint> com = centroidsFromLabels(*mask, names, false);
  for (const LevelPoint& c : ctd) {
    auto it = std::find_if(com.begin(), com.end(), [&](const LevelPoint& p) { return p.name == c.name; });
    ASSERT_NE(it, com.end());
    // VerSe centroids are vertebral-body centres: in front of the whole-vertebra centre of mass.
    EXPECT_LT(distance(it->centroid, c.centroid), 20.0) << c.name;
    EXPECT_LT(c.centroid[1], it->centroid[1]) << c.name;  // anterior = smaller y (LPS)
  }
}

TEST(EvaluationDataTest, OriginalVerseMaskIsRefusedWithTheFileNamed) {
  std::string dir = sharedData("verse-sample-labels");
  SKIP_WITHOUT_SHARED_DATA(dir);
  try {
    readLabelMap(dir + "/sub-verse004_seg-vert_msk.nii.gz");
    FAIL() << "ITK 5.2 cannot read its non-orthonormal sform";
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::DataError);
    EXPECT_NE(e.oneLine().find("sub-verse004_seg-vert_msk.nii.gz"), std::string::npos);
  }
}

TEST(EvaluationDataTest, TotalSegmentatorReferenceReadsAsT11ToSacrum) {
  std::string dir = sharedData("totalseg-example");
  SKIP_WITHOUT_SHARED_DATA(dir);
  LevelSet t = readTruth(readEvalCase(std::string(SPINE_SOURCE_DIR) + "/testdata/cases/totalseg-example-ct.json"));
  std::vector<std::string> names;
  for (const auto& v : t.vertebrae) names.push_back(v.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"L1", "L2", "L3", "L4", "L5", "T11", "T12", "sacrum"}));
  EXPECT_TRUE(t.findings.count("hardware"));  // known: no spinal hardware (the hip prosthesis is not spinal)
}

}  // namespace
}  // namespace spine::test
