// The herniation detector. CT, on phantoms whose herniations are known: every herniated disc found at
// its level with the right type, zone and side, its apex where the phantom put it, the study-level
// multi-level finding; nothing on a normal spine; discs next to metal not assessed rather than
// guessed. MR (mid-sagittal plane, T2): the central extrusion of the MR phantom found at its level
// and nothing elsewhere, nothing on a normal spine, a T1 series not assessed; on real data (when
// ../shared/data is there) SPIDER's graded discs and the asymptomatic volunteers.
#include "TestHelpers.h"

#include "common/DiscBlock.h"
#include "herniation/HerniationDetector.h"
#include "spine/LevelTable.h"
#include "spine/MrSegmentation.h"
#include "spine/Phantom.h"
#include "spine/PhantomSpec.h"
#include "spine/VolumeFileReader.h"

#include <iostream>
#include <map>
#include "spine/Vec3Json.h"

namespace spine::test {
namespace {

using nlohmann::json;

struct Analysed {
  PhantomResult phantom;
  std::vector<Finding> findings;
};

Analysed analyse(const std::string& specName) {
  AnalysedCtPhantom p = analyseCtPhantom(specName);
  std::vector<Finding> findings = HerniationDetector().detect(p.input());
  return {std::move(p.phantom), std::move(findings)};
}

std::vector<const Finding*> ofKind(const std::vector<Finding>& all, const std::string& kind) {
  std::vector<const Finding*> out;
  for (const Finding& f : all)
    if (f.kind == kind) out.push_back(&f);
  return out;
}

double measured(const Finding& f, const std::string& name) {
  for (const Measurement& m : f.measurements)
    if (m.name == name) return m.value;
  return -1;
}

/// Every herniation of the phantom found at its level, with its type, zone and side and its apex
/// where the phantom put it (within 1 mm along the way it points, `apexMm` in all), and nothing at
/// other levels.
void expectEveryHerniationFound(const Analysed& a, double apexMm = 2.0) {
  const std::vector<const Finding*> found = ofKind(a.findings, "herniation");
  ASSERT_EQ(found.size(), a.phantom.truth.at("herniations").size());
  for (const json& truth : a.phantom.truth.at("herniations")) {
    const std::string level = truth.at("level");
    auto it = std::find_if(found.begin(), found.end(), [&](const Finding* f) { return f->levels.front() == level; });
    ASSERT_NE(it, found.end()) << level << " not found";
    const Finding& f = **it;
    EXPECT_EQ(f.details.at("type"), truth.at("type")) << level;
    EXPECT_EQ(f.details.at("position"), truth.at("position")) << level;
    EXPECT_EQ(f.details.at("side"), truth.at("side")) << level;
    const Vec3 apex = vec3FromJson(truth.at("apex_lps_mm")), base = vec3FromJson(truth.at("base_lps_mm"));
    const Vec3 back = normalized(sub(apex, base));
    EXPECT_LT(std::abs(dot(sub(f.evidencePoints.front(), apex), back)), 1.0) << level;
    EXPECT_LT(distance(f.evidencePoints.front(), apex), apexMm) << level;
    EXPECT_GT(measured(f, "depth"), 2.0) << level;
  }
}

TEST(HerniationTest, EveryHerniatedDiscIsFoundNamedAndClassified) {
  const Analysed a = analyse("herniation-multilevel-ct");  // L3-L4 foraminal, L4-L5 extrusion, L5-S1 central
  expectEveryHerniationFound(a);
  const std::vector<const Finding*> multi = ofKind(a.findings, "multi-level-herniation");
  ASSERT_EQ(multi.size(), 1u);
  EXPECT_EQ(multi[0]->levels, (std::vector<std::string>{"L3-L4", "L4-L5", "L5-S1"}));
  EXPECT_EQ(multi[0]->details.at("most_severe"), "L4-L5") << "the 7 mm extrusion";
}

TEST(HerniationTest, ANormalSpineHasNone) {
  const Analysed a = analyse("lumbar-ct");
  EXPECT_TRUE(ofKind(a.findings, "herniation").empty());
  EXPECT_TRUE(ofKind(a.findings, "disc-bulge").empty());
  EXPECT_TRUE(ofKind(a.findings, "multi-level-herniation").empty());
}

TEST(HerniationTest, OsteoporoticMarrowInsideAVertebraIsNotDiscMaterial) {
  // Marrow at 85 HU reads as disc: from L4-L5 the material grew through a 2 mm gap in a faint cortex
  // into L5's articular process and was reported as an 18.6 mm extrusion filling the canal.
  const Analysed a = analyse("osteoporosis-ct");
  for (const Finding* f : ofKind(a.findings, "herniation")) ADD_FAILURE() << f->summary;
}

TEST(HerniationTest, DiscsNextToMetalAreNotAssessedRatherThanGuessed) {
  const Analysed a = analyse("fusion-titanium-ct");  // screws in L4 and L5
  EXPECT_TRUE(ofKind(a.findings, "herniation").empty());
  const std::vector<const Finding*> gaps = ofKind(a.findings, "not-assessed");
  ASSERT_FALSE(gaps.empty());
  bool l4l5 = false;
  for (const Finding* f : gaps) l4l5 |= f->levels.front() == "L4-L5" && f->summary.find("metal") != std::string::npos;
  EXPECT_TRUE(l4l5) << "the fused disc lies between screwed vertebrae";
}

TEST(HerniationTest, ADiscCutByTheFieldsEdgeIsNotJudged) {
  // thoracolumbar-ct's top slices hold 2 mm of T8-T9: its disc space read "less than two slices
  // thick", and its samples were mostly outside the image.
  const Analysed a = analyse("thoracolumbar-ct");
  bool said = false;
  for (const Finding* f : ofKind(a.findings, "not-assessed"))
    if (f->levels.front() == "T8-T9") said = f->details.value("why", "") == discs::kCutByField;
  EXPECT_TRUE(said);
  for (const Finding* f : ofKind(a.findings, "herniation")) ADD_FAILURE() << f->summary;
}

TEST(HerniationTest, CervicalDiscsAreSampledWithinTheirOwnWidth) {
  // A cervical disc is 15-18 mm wide: samples 10 mm to either side met the fat and muscle beside it,
  // and C2-C3 and C3-C4 of this 0.6 x 1.5 mm phantom read 18-31 HU, "not disc".
  const Analysed a = analyse("cervical-ct");
  EXPECT_TRUE(ofKind(a.findings, "herniation").empty());
  for (const Finding* f : ofKind(a.findings, "not-assessed")) {
    if (f->details.value("what", "") == "herniation" && f->levels.front()[0] == 'C') {
      EXPECT_EQ(f->summary.find("not disc"), std::string::npos) << f->summary;
    }
  }
}

TEST(HerniationTest, CervicalHerniationsAreJudgedAtACervicalDiscsSize) {
  // A 3 mm protrusion at C5-C6 and a 4 mm extrusion at C6-C7 (4-5 mm tall discs, 0.6 x 1 mm): the
  // first held out, both missed. Material beyond the line was held to lumbar sizes: the protrusion
  // is 11 mm3 (at least 15), the extrusion 1.4 mm thick (at least 1.5). At cervical discs the size
  // rules scale with the discs' height. The extrusion reaches 3 mm up from its disc; its apex is
  // found 2.8 mm from the phantom's, 1 mm or less along the way it points.
  const Analysed a = analyse("cervical-herniation-ct");
  expectEveryHerniationFound(a, 3.0);
  const std::vector<const Finding*> multi = ofKind(a.findings, "multi-level-herniation");
  ASSERT_EQ(multi.size(), 1u);
  EXPECT_EQ(multi[0]->details.at("most_severe"), "C6-C7");
}

TEST(HerniationTest, ACervicalDiscWhoseLabelLeaksIntoAForamenIsStillRead) {
  // 0.5 x 1.25 mm, a small neck (size 0.92): 3 mm central at C3-C4, 3.5 mm right foraminal at C4-C5.
  // Held out, C3-C4 was "not assessed" (52.7 HU against 39.9): its label reached 10 mm into the
  // left foramen, so the disc was sampled 10 mm to either side, partly in the soft tissue beside it.
  // The frame's width is now its narrower side's: C3-C4 is read, and both herniations are found at
  // their levels, on their sides. C4-C5 is called paracentral: the phantom puts a "foraminal" one at
  // 0.42 of the disc's width, in a neck 7 mm off the midline, inside the bony canal. Zones are not
  // checked here.
  const Analysed a = analyse("cervical-herniation-foraminal-ct");
  for (const Finding* f : ofKind(a.findings, "not-assessed")) EXPECT_NE(f->levels.front(), "C3-C4") << f->summary;
  const std::vector<const Finding*> found = ofKind(a.findings, "herniation");
  ASSERT_EQ(found.size(), 2u);
  for (const json& truth : a.phantom.truth.at("herniations")) {
    auto it = std::find_if(found.begin(), found.end(), [&](const Finding* f) { return f->levels.front() == truth.at("level"); });
    ASSERT_NE(it, found.end()) << truth.at("level");
    EXPECT_EQ((*it)->details.at("side"), truth.value("side", "midline")) << truth.at("level");
    EXPECT_GT(measured(**it, "depth"), 2.0) << truth.at("level");
  }
}

TEST(HerniationTest, ADiscThinnerThanTwoSlicesIsSaidToBeSo) {
  // whole-spine-ct, 3 mm slices: its 4-5 mm cervical and thoracic discs lie in one or two slices
  // with the endplates. Not assessed, and the reason is the slices, not a misplaced disc.
  const Analysed a = analyse("whole-spine-ct");
  EXPECT_TRUE(ofKind(a.findings, "herniation").empty());
  int thin = 0;
  for (const Finding* f : ofKind(a.findings, "not-assessed")) {
    if (f->details.value("what", "") != "herniation") continue;
    EXPECT_EQ(f->summary.find("not where its segment says"), std::string::npos) << f->summary;
    thin += f->summary.find("3.0 mm slices thick") != std::string::npos;
  }
  EXPECT_GE(thin, 6) << "C2-C3 to C7-T1 at least";
}

TEST(HerniationTest, NothingWithoutLevels) {
  Volume v;
  v.ct = CtImage::New();
  EXPECT_TRUE(HerniationDetector().detect({v, nullptr}).empty());
  EXPECT_TRUE(HerniationDetector().appliesTo(Modality::MR));
}

/// An MR phantom of testdata/phantoms analysed in process (levels numbered) and the detector run on
/// it, with the weighting ingest would give it.
Analysed analyseMr(const std::string& specName, MrWeighting weighting) {
  Analysed a{suitePhantom(specName), {}};
  Volume v;
  v.modality = Modality::MR;
  v.mr = phantomMr(a.phantom);
  v.weighting = weighting;
  const LevelTable t = analyseMrLevels(*v.mr, MrSegmentationParams{});
  a.findings = HerniationDetector().detect({v, &t});
  return a;
}

TEST(HerniationTest, MrCentralExtrusionIsFoundAtItsLevelAndNowhereElse) {
  // L4-L5: a 6 mm central extrusion migrating 6 mm; L5-S1: a right paracentral protrusion, 10 mm
  // off the midline, which the mid-sagittal plane does not show (not asserted either way).
  const Analysed a = analyseMr("herniation-mr-t2", MrWeighting::T2);
  const std::vector<const Finding*> found = ofKind(a.findings, "herniation");
  ASSERT_FALSE(found.empty());
  std::vector<std::string> truthLevels;
  for (const json& h : a.phantom.truth.at("herniations")) truthLevels.push_back(h.at("level"));
  bool l4l5 = false;
  for (const Finding* f : found) {
    EXPECT_NE(std::find(truthLevels.begin(), truthLevels.end(), f->levels.front()), truthLevels.end())
        << "a false level: " << f->summary;
    if (f->levels.front() != "L4-L5") continue;
    l4l5 = true;
    EXPECT_GE(measured(*f, "depth"), 3.0) << f->summary;  // 3.8 mm from the walls' line (the phantom's 6 mm is from its disc model)
    EXPECT_EQ(f->details.at("position"), "central");
    // The apex on the phantom's herniation: within 3 mm of its apex.
    EXPECT_LT(distance(f->evidencePoints.front(), vec3FromJson(a.phantom.truth.at("herniations")[0].at("apex_lps_mm"))), 3.0);
  }
  EXPECT_TRUE(l4l5) << "the central extrusion";
  EXPECT_TRUE(ofKind(a.findings, "not-assessed").empty());
}

TEST(HerniationTest, MrNormalSpineHasNoneAndT1IsNotAssessed) {
  const Analysed t2 = analyseMr("lumbar-mr-t2", MrWeighting::T2);
  EXPECT_TRUE(t2.findings.empty()) << t2.findings.front().summary;
  const Analysed unknown = analyseMr("lumbar-mr-t2", MrWeighting::Unknown);  // a NIfTI: read as it looks
  EXPECT_TRUE(unknown.findings.empty()) << unknown.findings.front().summary;
  const Analysed t1 = analyseMr("lumbar-mr-t1", MrWeighting::T1);
  const std::vector<const Finding*> gaps = ofKind(t1.findings, "not-assessed");
  EXPECT_EQ(gaps.size(), t1.findings.size());
  ASSERT_FALSE(gaps.empty());
  for (const Finding* f : gaps) EXPECT_NE(f->summary.find("T1-weighted"), std::string::npos) << f->summary;
}

/// The herniation findings of one real MR volume (NIfTI: weighting unknown), by disc rank from the
/// bottom as SPIDER counts them: 1 = L5-S1 when the levels are named, else the lowest disc found.
std::map<int, bool> herniatedByRank(const std::string& file) {
  std::vector<std::string> warnings;
  Volume v = readVolumeFile(file, Modality::MR, std::uint64_t(1) << 30, warnings);
  const LevelTable t = analyseMrLevels(*v.mr, MrSegmentationParams{});
  const std::vector<Finding> findings = HerniationDetector().detect({v, &t});
  const std::vector<std::string> fromBottom{"L5-S1", "L4-L5", "L3-L4", "L2-L3", "L1-L2", "T12-L1", "T11-T12"};
  std::map<int, bool> out;
  for (size_t i = 0; i < t.discs.size(); ++i) {
    const std::string& name = t.discs[i].name;
    const auto named = std::find(fromBottom.begin(), fromBottom.end(), name);
    const int rank = named != fromBottom.end() ? int(named - fromBottom.begin()) + 1
                     : name.find("unnamed") != std::string::npos ? int(t.discs.size() - i)
                                                                   : 0;
    if (rank == 0) continue;
    out[rank] = std::any_of(findings.begin(), findings.end(), [&](const Finding& f) {
      return f.kind == "herniation" && f.levels.front() == name;
    });
  }
  return out;
}

TEST(HerniationDataTest, SpiderMidSagittalSlicesByDiscRank) {
  const std::string dir = sharedData("spider-midsag-herniation");
  SKIP_WITHOUT_SHARED_DATA(dir);
  const json truth = json::parse(slurp(dir + "/truth.json"));
  int tp = 0, fn = 0, fp = 0, tn = 0;
  for (const auto& [file, c] : truth.items()) {
    const std::map<int, bool> called = herniatedByRank(dir + "/nifti/" + file);
    const std::vector<int> herniated = c.at("herniated_disc_rank_from_bottom");
    for (int rank = 1; rank <= c.at("discs_graded").get<int>(); ++rank) {
      const bool h = std::find(herniated.begin(), herniated.end(), rank) != herniated.end();
      const bool call = called.count(rank) && called.at(rank);  // a disc not found is not called
      tp += h && call, fn += h && !call, fp += !h && call, tn += !h && !call;
    }
  }
  const double sensitivity = double(tp) / (tp + fn), specificity = double(tn) / (tn + fp);
  std::cout << "SPIDER herniation by disc rank: TP " << tp << " FN " << fn << " FP " << fp << " TN " << tn
            << ", sensitivity " << sensitivity << ", specificity " << specificity << "\n";
  // Measured 2026-11-23: 14/29 and 222/247 (0.48, 0.90); bench/README.md. Floors, not the target (0.85).
  EXPECT_GE(sensitivity, 0.40);
  EXPECT_GE(specificity, 0.88);
}

// Asymptomatic young adults: no herniation above the lowest disc. At the lowest disc the sac leaves
// the sacrum's wall (epidural fat widens below L5-S1), which the mid-plane reading takes for caudal
// migration: measured 2026-11-23, ivd11's L5-S1 (3.4 mm) and ivd25's lowest chain disc (a band in
// the sacrum, series unnamed) are called; bench/README.md. A third call fails the test.
TEST(HerniationDataTest, AsymptomaticVolunteersHaveNoneAboveTheLowestDisc) {
  const std::string dir = sharedData("mri-lumbar-ivd-menezesreis/nifti");
  SKIP_WITHOUT_SHARED_DATA(dir);
  int lowest = 0;
  for (const std::string name : {"ivd11", "ivd20", "ivd25"}) {
    const std::map<int, bool> called = herniatedByRank(dir + "/" + name + "_image.nii.gz");
    EXPECT_GE(called.size(), 4u) << name << ": the lumbar discs";
    for (const auto& [rank, call] : called) {
      if (rank == 1) {
        lowest += call;
      } else {
        EXPECT_FALSE(call) << name << ", disc rank " << rank;
      }
    }
  }
  std::cout << "volunteers' lowest discs called: " << lowest << " of 3\n";
  EXPECT_LE(lowest, 2);
}

}  // namespace
}  // namespace spine::test
