// The hardware detector against phantom truth (screws found at their level and side, rods spanning
// their levels, an anterior plate at its levels, a broken rod's gap measured, nothing on a spine
// without metal) and on the real CT with a hip prosthesis (metal reported as not spinal, no spinal
// hardware) and with real screw meshes placed in it; on MR, susceptibility voids on the MR hardware
// phantom, and none on MR without metal (a phantom and real series).
#include "TestHelpers.h"

#include <algorithm>
#include <fstream>

#include "hardware/HardwareDetector.h"
#include "spine/LevelTable.h"
#include "spine/MrSegmentation.h"
#include "spine/Phantom.h"
#include "spine/SemiSynthetic.h"
#include "spine/Vec3Json.h"

namespace spine::test {
namespace {

using nlohmann::json;

struct Analysed {
  PhantomResult phantom;
  Volume volume;
  LevelTable levels;
  std::vector<Finding> findings;
};

/// The suite's phantom as its spec makes it, analysed in process.
Analysed analyse(const std::string& specName) {
  AnalysedCtPhantom p = analyseCtPhantom(specName);
  Analysed a{std::move(p.phantom), std::move(p.volume), std::move(p.levels), {}};
  a.findings = HardwareDetector().detect({a.volume, &a.levels});
  return a;
}

std::vector<const Finding*> objects(const std::vector<Finding>& findings, const std::string& object) {
  std::vector<const Finding*> out;
  for (const Finding& f : findings)
    if (f.kind == "hardware" && f.details.value("object", "") == object) out.push_back(&f);
  return out;
}

/// The predicted screw whose head-tip midpoint is nearest the true screw's.
const Finding* matchScrew(const std::vector<const Finding*>& screws, const json& truth) {
  Vec3 mid = scale(add(vec3FromJson(truth["entry_lps_mm"]), vec3FromJson(truth["tip_lps_mm"])), 0.5);
  const Finding* best = nullptr;
  double bestD = 15;
  for (const Finding* s : screws)
    if (double d = distance(scale(add(s->evidencePoints[0], s->evidencePoints[1]), 0.5), mid); d < bestD) bestD = d, best = s;
  return best;
}

/// Every true pedicle screw matched to a reported one at its level and side, and none reported
/// besides: the matched pairs (truth, finding).
std::vector<std::pair<json, const Finding*>> expectScrewsAtTheirLevelsAndSides(const json& truth, const std::vector<Finding>& findings) {
  auto screws = objects(findings, "pedicle screw");
  std::vector<std::pair<json, const Finding*>> matched;
  int truthScrews = 0;
  for (const json& h : truth["hardware"]) {
    if (h["kind"] != "pedicle-screw") continue;
    ++truthScrews;
    const Finding* s = matchScrew(screws, h);
    EXPECT_NE(s, nullptr) << h["level"] << " " << h["side"];
    if (!s) continue;
    EXPECT_EQ(s->levels, std::vector<std::string>{h["level"].get<std::string>()}) << s->summary;
    EXPECT_EQ(s->details["side"], h["side"]) << s->summary;
    matched.emplace_back(h, s);
  }
  EXPECT_EQ(int(screws.size()), truthScrews) << "no extra screws";
  return matched;
}

TEST(HardwareTest, TitaniumFusionScrewsAndRodsAreFoundAtTheirLevelsAndSides) {
  Analysed a = analyse("fusion-titanium-ct");
  ASSERT_EQ(a.levels.verdict.status, "consistent");
  EXPECT_TRUE(objects(a.findings, "plate").empty()) << "posterior rods and screw heads are no plate";
  const auto matched = expectScrewsAtTheirLevelsAndSides(a.phantom.truth, a.findings);
  EXPECT_EQ(matched.size(), 4u);
  for (const auto& [h, s] : matched) {
    EXPECT_EQ(s->details["material"], "titanium (likely)");
    EXPECT_FALSE(s->details["loosening"].get<bool>()) << "no halo around a well-seated screw";
    // The shaft, not the head: the phantom's 45 mm runs from entry to tip; its metal adds the
    // rounded tip (3.25 mm) and the sampling one 1 mm step. (Whole object with the head: 66 mm.)
    auto shaft = std::find_if(s->measurements.begin(), s->measurements.end(),
                              [](const Measurement& m) { return m.name == "shaft_length"; });
    ASSERT_NE(shaft, s->measurements.end());
    EXPECT_GE(shaft->value, h["length_mm"].get<double>());
    EXPECT_LE(shaft->value, h["length_mm"].get<double>() + 6);
  }
  auto rods = objects(a.findings, "rod");
  ASSERT_EQ(rods.size(), 2u);
  for (const Finding* r : rods) EXPECT_EQ(r->levels, (std::vector<std::string>{"L4", "L5"}));
  for (const Finding& f : a.findings) EXPECT_NE(f.kind, "non-spinal-metal");
}

TEST(HardwareTest, AFailedSteelFusionShowsBrokenRodsAndLooseScrews) {
  Analysed a = analyse("fusion-failure-steel-ct");
  double truthGap = 0;
  for (const json& h : a.phantom.truth["hardware"])
    if (h["kind"] == "rod") truthGap = h["fracture_gap_mm"];
  ASSERT_GT(truthGap, 0);
  std::set<std::string> sides;
  for (const Finding& f : a.findings)
    if (f.kind == "hardware-failure" && f.details["sign"] == "rod discontinuity") {
      sides.insert(f.details["side"].get<std::string>());
      EXPECT_NEAR(f.measurements.at(0).value, truthGap, 1.5);
    }
  EXPECT_EQ(sides, (std::set<std::string>{"left", "right"}));
  // Every screw has a 2 mm halo here (a case the halo rule was not set on).
  auto screws = objects(a.findings, "pedicle screw");
  for (const json& h : a.phantom.truth["hardware"])
    if (h["kind"] == "pedicle-screw") {
      const Finding* s = matchScrew(screws, h);
      ASSERT_NE(s, nullptr);
      EXPECT_TRUE(s->details["loosening"].get<bool>()) << h["level"] << " " << h["side"];
    }
  // One cage across the midline is one cage: split in two halves it read as a bilateral PLIF.
  const auto cages = objects(a.findings, "interbody cage");
  ASSERT_EQ(cages.size(), 1u);
  EXPECT_EQ(cages[0]->levels, std::vector<std::string>{"L4-L5"});
}

TEST(HardwareTest, ACageSunkIntoItsEndplateIsMeasuredAndASeatedOneIsNot) {
  // fusion-failure-steel-ct: the L4-L5 cage has sunk 3 mm into L5 (its lower body).
  const Analysed failed = analyse("fusion-failure-steel-ct");
  const Finding* sunk = nullptr;
  for (const Finding& f : failed.findings)
    if (f.kind == "hardware-failure" && f.details.value("sign", "") == "cage subsidence") sunk = &f;
  ASSERT_NE(sunk, nullptr);
  EXPECT_EQ(sunk->levels, std::vector<std::string>{"L4-L5"});
  EXPECT_EQ(sunk->details["into"], "L5");
  EXPECT_NEAR(sunk->measurements.at(0).value, 3.0, 1.0);
  // fusion-solid-ct: a titanium cage seated on both endplates, bone across the disc space.
  const Analysed solid = analyse("fusion-solid-ct");
  const auto cages = objects(solid.findings, "interbody cage");
  ASSERT_EQ(cages.size(), 1u);
  for (const Measurement& m : cages[0]->measurements) {
    if (m.name.rfind("past_", 0) == 0) {
      EXPECT_LT(m.value, 1.0) << m.name;
    }
  }
  for (const Finding& f : solid.findings) EXPECT_NE(f.details.value("sign", ""), "cage subsidence") << f.summary;
}

TEST(HardwareTest, ScrewsInS1BelowAnL5S1CageAreS1ScrewsOnRodsFromL5) {
  // tlif-l5-s1-peek-ct: L5 and S1 screws, rods, a PEEK cage in L5-S1. The band between the S1
  // screws, under the cage, was taken for the L5-S1 disc ("rudimentary L5-S1 disc", the cage
  // counted in L5), and the S1 screws, nearer L5's centroid than the whole sacrum's, were named L5.
  // No screw is loose.
  Analysed a = analyse("tlif-l5-s1-peek-ct");
  EXPECT_EQ(a.levels.verdict.status, "consistent") << a.levels.verdict.summary;
  expectNamedAsTruth(a.phantom, a.levels);
  EXPECT_EQ(expectScrewsAtTheirLevelsAndSides(a.phantom.truth, a.findings).size(), 4u);
  const auto rods = objects(a.findings, "rod");
  ASSERT_EQ(rods.size(), 2u);
  for (const Finding* rod : rods) EXPECT_EQ(rod->levels, (std::vector<std::string>{"L5", "sacrum"})) << rod->summary;
  // The S1 screws cross soft tissue before S1's body (the phantom's sacrum has no pedicle bone);
  // mixed with the places in bone, that read as lucent rims of 44-46 HU.
  for (const Finding& f : a.findings) EXPECT_NE(f.kind, "hardware-failure") << f.summary;
}

TEST(HardwareTest, ACageTouchingTheScrewsOnThickSlicesIsStillACage) {
  // 3 mm slices: the L2-L3 cage, sunk 3 mm into L3, is one metal object with the screws' tips (it
  // was reported as nothing, its metal counted in the L3 screws, before metal in a disc space was
  // taken apart). Its subsidence reads under the truth here (1.8 mm).
  const Analysed a = analyse("cage-subsidence-thick-ct");
  const auto cages = objects(a.findings, "interbody cage");
  ASSERT_EQ(cages.size(), 1u);
  EXPECT_EQ(cages[0]->levels, std::vector<std::string>{"L2-L3"});
  EXPECT_EQ(cages[0]->details.value("subsided_into", ""), "L3");
  const auto screws = objects(a.findings, "pedicle screw");
  EXPECT_EQ(screws.size(), 4u);
  for (const json& h : a.phantom.truth["hardware"])
    if (h["kind"] == "pedicle-screw") {
      EXPECT_NE(matchScrew(screws, h), nullptr) << h["level"] << " " << h["side"];
    }
}

TEST(HardwareTest, AnAnteriorCervicalPlateIsAPlateAtItsLevelsNotACage) {
  // cervical-plate-ct: a titanium plate on the fronts of C5 and C6 with two body screws in each
  // (and a radiolucent PEEK cage). 30 mm long and 10 mm in front of the disc's centre, it read as
  // a metal interbody cage in C5-C6 with a "possible subsidence" before plates were recognised.
  const Analysed a = analyse("cervical-plate-ct");
  const auto plates = objects(a.findings, "plate");
  ASSERT_EQ(plates.size(), 1u);
  EXPECT_EQ(plates[0]->levels, (std::vector<std::string>{"C5", "C6"})) << plates[0]->summary;
  EXPECT_EQ(plates[0]->details["position"], "anterior");
  EXPECT_EQ(plates[0]->details["discs_spanned"], json::array({"C5-C6"}));
  EXPECT_EQ(plates[0]->details["material"], "titanium (likely)");
  for (const char* other : {"interbody cage", "pedicle screw", "rod", "other metal"})
    EXPECT_TRUE(objects(a.findings, other).empty()) << other;
  for (const Finding& f : a.findings) EXPECT_NE(f.kind, "hardware-failure") << f.summary;
}

TEST(HardwareTest, APlateWhoseBodyScrewsTouchPedicleScrewsIsStillAPlate) {
  // thoracolumbar-plate-screws-ct: a T12-L2 plate, and pedicle screws in T12 and L2 whose tips touch
  // the plate's body screws: one metal object, which read as no plate, two "other metal" and screws
  // 78-85 mm long. The plate's front sheet is now taken apart; its L1 body screws go with it.
  const Analysed a = analyse("thoracolumbar-plate-screws-ct");
  const auto plates = objects(a.findings, "plate");
  ASSERT_EQ(plates.size(), 1u);
  EXPECT_EQ(plates[0]->levels, (std::vector<std::string>{"T12", "L1", "L2"})) << plates[0]->summary;
  EXPECT_EQ(plates[0]->details["position"], "anterior");
  EXPECT_EQ(expectScrewsAtTheirLevelsAndSides(a.phantom.truth, a.findings).size(), 4u);
  EXPECT_TRUE(objects(a.findings, "other metal").empty());
}

TEST(HardwareTest, RodsAlongAThoracolumbarFusionAreRodsNotPlates) {
  // t11-l1-skip-fusion-ct: rods from T11 to L1 beside the kyphotic thoracolumbar junction. A plate's
  // side was read from the nearest vertebra's centroid across the object's own axis; when T11's
  // centroid moved 1 mm forward (its rib's neck no longer in its label), the right rod's front
  // became a "right lateral plate, T10 to L2". It is read from the bodies' axis now.
  const Analysed a = analyse("t11-l1-skip-fusion-ct");
  EXPECT_TRUE(objects(a.findings, "plate").empty()) << objects(a.findings, "plate")[0]->summary;
  const auto rods = objects(a.findings, "rod");
  ASSERT_EQ(rods.size(), 2u);
  for (const Finding* r : rods) EXPECT_EQ(r->levels, (std::vector<std::string>{"T11", "L1"})) << r->summary;
  expectScrewsAtTheirLevelsAndSides(a.phantom.truth, a.findings);
}

TEST(HardwareTest, LucentHalosAroundLooseScrewsAreFound) {
  Analysed a = analyse("loosening-titanium-ct");  // 1.5 mm halos round the L3 screws, none round L4
  auto screws = objects(a.findings, "pedicle screw");
  int loose = 0;
  for (const json& h : a.phantom.truth["hardware"]) {
    if (h["kind"] != "pedicle-screw") continue;
    const Finding* s = matchScrew(screws, h);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->details["loosening"].get<bool>(), h["halo_mm"].get<double>() >= 1.5) << h["level"] << " " << h["side"];
    loose += h["halo_mm"].get<double>() >= 1.5;
  }
  int reported = 0;
  for (const Finding& f : a.findings) reported += f.kind == "hardware-failure" && f.details["sign"] == "lucent halo (loosening)";
  EXPECT_EQ(reported, loose);
}

TEST(HardwareTest, NoMetalNoFindings) {
  Analysed a = analyse("lumbar-ct");
  EXPECT_TRUE(a.findings.empty()) << toJson(a.findings.front()).dump();
}

TEST(HardwareDataTest, AHipProsthesisIsNotSpinalHardware) {
  std::string dir = sharedData("totalseg-example");
  SKIP_WITHOUT_SHARED_DATA(dir);
  Volume v = readTotalsegCt(dir);
  LevelTable t = analyseCtLevels(*v.ct);
  std::vector<Finding> findings = HardwareDetector().detect({v, &t});
  int nonSpinal = 0;
  for (const Finding& f : findings) {
    EXPECT_EQ(f.kind, "non-spinal-metal") << f.summary;
    nonSpinal += f.kind == "non-spinal-metal";
  }
  EXPECT_GE(nonSpinal, 1) << "the prosthesis is reported";
}

/// Real screw meshes placed in the real 3 mm CT (testdata/semisynthetic): every screw found at its
/// level and side, rods beside them, and the levels still named as the reference names them.
void expectRealScrewsFound(const std::string& specName) {
  std::string dir = sharedData("totalseg-example");
  SKIP_WITHOUT_SHARED_DATA(dir);
  PhantomResult r = generateSemiSynthetic(readPhantomSpec(std::string(SPINE_SOURCE_DIR) + "/testdata/semisynthetic/" + specName + ".json"));
  Volume v;
  v.ct = phantomCt(r);
  LevelTable t = analyseCtLevels(*v.ct);
  EXPECT_EQ(t.verdict.status, "consistent");
  std::vector<Finding> findings = HardwareDetector().detect({v, &t});
  EXPECT_FALSE(expectScrewsAtTheirLevelsAndSides(r.truth, findings).empty());
  int truthRods = 0;
  for (const json& h : r.truth["hardware"]) truthRods += h["kind"] == "rod";
  EXPECT_EQ(int(objects(findings, "rod").size()), truthRods);
  for (const Finding* rod : objects(findings, "rod")) EXPECT_GE(rod->levels.size(), 2u) << rod->summary;
  EXPECT_TRUE(objects(findings, "other metal").empty());
}

TEST(HardwareDataTest, RealTitaniumScrewsInThreeMillimetreVoxelsAreFound) { expectRealScrewsFound("totalseg-screws-l3-l4-titanium"); }

TEST(HardwareDataTest, RealSteelScrewsInThreeMillimetreVoxelsAreFound) { expectRealScrewsFound("totalseg-screws-l5-steel"); }

/// An MR phantom of testdata/phantoms made from its spec, its levels analysed and the hardware
/// detector run on it.
std::vector<Finding> mrHardware(const std::string& specName, PhantomResult* phantom = nullptr) {
  PhantomResult r = suitePhantom(specName);
  Volume v;
  v.modality = Modality::MR;
  v.mr = phantomMr(r);
  LevelTable t = analyseMrLevels(*v.mr, MrSegmentationParams{});
  std::vector<Finding> findings = HardwareDetector().detect({v, &t});
  if (phantom) *phantom = std::move(r);
  return findings;
}

TEST(HardwareTest, MrVoidsOfScrewsAndRodsAreFoundAtTheirLevelsAndSides) {
  PhantomResult r;
  std::vector<Finding> findings = mrHardware("hardware-mr-t2", &r);
  const auto matched = expectScrewsAtTheirLevelsAndSides(r.truth, findings);
  EXPECT_EQ(matched.size(), 4u);
  for (const auto& [h, s] : matched) EXPECT_TRUE(s->details["susceptibility_void"].get<bool>()) << s->summary;
  auto rods = objects(findings, "rod");
  ASSERT_EQ(rods.size(), 2u);
  for (const Finding* rod : rods) EXPECT_EQ(rod->levels, (std::vector<std::string>{"L4", "L5"}));
  EXPECT_TRUE(objects(findings, "interbody cage").empty());
  EXPECT_TRUE(objects(findings, "other metal").empty());
  EXPECT_EQ(std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return f.kind == "metal-artefact"; }), 1);
}

TEST(HardwareTest, MrWithoutMetalHasNoVoids) {
  for (const std::string spec : {"lumbar-mr-t2", "lumbar-mr-t1"}) {
    std::vector<Finding> findings = mrHardware(spec);
    EXPECT_TRUE(findings.empty()) << spec << ": " << toJson(findings.front()).dump();
  }
}

TEST(HardwareDataTest, RealMrWithoutMetalHasNoVoids) {
  const std::string dir = sharedData("mri-lumbar-vb-myosegmentum/nifti");
  SKIP_WITHOUT_SHARED_DATA(dir);
  for (const std::string name : {"vb3_01", "vb3_05"}) {
    Study s = load(dir + "/" + name + "_image.nii.gz");
    ASSERT_EQ(s.volume.modality, Modality::MR);
    LevelTable t = analyseMrLevels(*s.volume.mr, MrSegmentationParams{});
    std::vector<Finding> findings = HardwareDetector().detect({s.volume, &t});
    EXPECT_TRUE(findings.empty()) << name << ": " << toJson(findings.front()).dump();
  }
}

}  // namespace
}  // namespace spine::test
