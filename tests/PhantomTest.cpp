// The phantom generator: spec validation, anatomy variants, and that the images agree with the
// ground truth the generator claims (bone where vertebrae are, metal where hardware is, disc
// material at a herniation's apex), on coarse grids built in-process.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

#include <unistd.h>

#include "TestHelpers.h"
#include "spine/Vec3Json.h"
#include "spine/Labels.h"
#include "spine/Phantom.h"

namespace spine::test {
namespace {

using nlohmann::json;

PhantomSpec spec(const json& j) { return parsePhantomSpec(j, "test.json"); }

/// A coarse spec: fast to render, same anatomy.
json coarse(json j, double pixel = 2.0, double slice = 3.0) {
  j["acquisition"]["pixel_mm"] = pixel;
  j["acquisition"]["slice_mm"] = slice;
  return j;
}

std::string errorOf(const json& j) {
  try {
    buildAnatomy(spec(j));
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::DataError);
    return e.oneLine();
  }
  return "";
}

/// Image value at the voxel nearest to p (grid of the phantom; axial, untilted).
double valueAt(const PhantomResult& r, const Vec3& p) {
  itk::ContinuousIndex<double, 3> idx;
  r.labels->TransformPhysicalPointToContinuousIndex(LabelImage::PointType(p.data()), idx);
  int i = int(std::lround(idx[0])), j = int(std::lround(idx[1])), k = int(std::lround(idx[2]));
  if (i < 0 || j < 0 || k < 0 || i >= int(r.grid.nx) || j >= int(r.grid.ny) || k >= int(r.grid.nz)) return NAN;
  return r.images[k][size_t(j) * r.grid.nx + i];
}

std::uint16_t labelAt(const LabelImage& labels, const Vec3& p) {
  LabelImage::IndexType idx;
  if (!labels.TransformPhysicalPointToIndex(LabelImage::PointType(p.data()), idx)) return 0;
  return labels.GetPixel(idx);
}

/// Mean image value over the voxels carrying `label`.
double meanOver(const PhantomResult& r, std::uint16_t label) {
  double sum = 0;
  size_t n = 0;
  const std::uint16_t* lab = r.labels->GetBufferPointer();
  const size_t plane = size_t(r.grid.nx) * r.grid.ny;
  for (size_t k = 0; k < r.grid.nz; ++k)
    for (size_t i = 0; i < plane; ++i)
      if (lab[k * plane + i] == label) sum += r.images[k][i], ++n;
  return n ? sum / n : NAN;
}

std::vector<std::string> names(const Anatomy& a) {
  std::vector<std::string> out;
  for (const auto& v : a.vertebrae) out.push_back(v.name);
  return out;
}

TEST(PhantomSpecTest, EmptySpecIsANormalLumbarCt) {
  PhantomSpec s = spec(json::object());
  EXPECT_EQ(s.modality, "CT");
  EXPECT_EQ(s.lumbarCount, 5u);
  EXPECT_EQ(s.ribPairs, 12u);
  EXPECT_EQ(s.fieldOfView, "lumbar");
}

TEST(PhantomSpecTest, TyposAndImpossibleValuesAreRefusedByName) {
  EXPECT_NE(errorOf({{"acquisiton", json::object()}}).find("\"acquisiton\" is not a known key"), std::string::npos);
  EXPECT_NE(errorOf({{"lumbar_count", 7}}).find("\"lumbar_count\" must lie in [4, 6]"), std::string::npos);
  EXPECT_NE(errorOf({{"herniations", {{{"level", "L4"}}}}}).find("\"herniations[0].level\""), std::string::npos);
  EXPECT_NE(errorOf({{"modality", 3}}).find("has the wrong type"), std::string::npos);
  EXPECT_NE(errorOf({{"acquisition", {{"transfer_syntax", "mp4"}}}}).find("transfer_syntax"), std::string::npos);
  EXPECT_NE(errorOf({{"hardware", {{{"type", "pedicle-screws"}, {"levels", {"L6"}}}}}}).find("L6 is not a vertebra"),
            std::string::npos);
  EXPECT_NE(errorOf({{"modality", "CT"}}).find(""), std::string::npos);  // a valid spec builds
  EXPECT_EQ(errorOf({{"modality", "CT"}}), "");
}

TEST(PhantomSpecTest, MissingOrMalformedSpecFileNamesTheFile) {
  ScratchFolder dir;
  try {
    readPhantomSpec(dir.sub("absent.json"));
    FAIL();
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::NoInput);
    EXPECT_NE(e.oneLine().find("absent.json"), std::string::npos);
  }
  std::ofstream(dir.sub("bad.json")) << "{ not json";
  try {
    readPhantomSpec(dir.sub("bad.json"));
    FAIL();
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::DataError);
  }
}

TEST(PhantomAnatomyTest, LumbarCountAndTransitionalVariants) {
  auto n4 = names(buildAnatomy(spec({{"lumbar_count", 4}})));
  auto n6 = names(buildAnatomy(spec({{"lumbar_count", 6}})));
  EXPECT_EQ(std::count(n4.begin(), n4.end(), "L5"), 0);
  EXPECT_EQ(std::count(n6.begin(), n6.end(), "L6"), 1);
  Anatomy lumbarised = buildAnatomy(spec({{"transitional", "lumbarized-S1"}}));
  ASSERT_NE(lumbarised.vertebra("S1"), nullptr);
  EXPECT_EQ(lumbarised.vertebra("S1")->label, kS1Label);
  ASSERT_NE(lumbarised.disc("S1-S2"), nullptr);
  ASSERT_NE(lumbarised.disc("L5-S1"), nullptr);
  Anatomy sacralised = buildAnatomy(spec({{"transitional", "sacralized-L5"}}));
  EXPECT_LT(sacralised.disc("L5-S1")->height, 4.0);
  EXPECT_FALSE(sacralised.vertebra("L5")->lumbarType);
  EXPECT_FALSE(sacralised.anomalies.empty());
}

TEST(PhantomAnatomyTest, RibPairsFollowTheSpec) {
  for (unsigned pairs : {11u, 12u, 13u}) {
    Anatomy a = buildAnatomy(spec({{"rib_pairs", pairs}}));
    unsigned ribBearing = 0;
    for (const auto& v : a.vertebrae) ribBearing += v.hasRibs;
    EXPECT_EQ(ribBearing, pairs);
    EXPECT_EQ(a.vertebra("T13") != nullptr, pairs == 13);
    EXPECT_EQ(a.vertebra("T12")->hasRibs, pairs >= 12);
  }
}

TEST(PhantomAnatomyTest, SizesGrowDownTheSpineAndTheLumbarSpineIsLordotic) {
  Anatomy a = buildAnatomy(spec(json::object()));
  EXPECT_LT(a.vertebra("C3")->width, a.vertebra("T1")->width);
  EXPECT_LT(a.vertebra("T1")->width, a.vertebra("L1")->width);
  EXPECT_LT(a.vertebra("L1")->width, a.vertebra("L5")->width);
  // Lordosis: L3 lies in front of (smaller y than) the line from L1 to the sacrum.
  double yMid = (a.vertebra("L1")->body.centre[1] + a.vertebra("sacrum")->body.centre[1]) / 2;
  EXPECT_LT(a.vertebra("L3")->body.centre[1], yMid - 5);
  // Kyphosis: T7 lies behind the line from T1 to T12.
  double yT = (a.vertebra("T1")->body.centre[1] + a.vertebra("T12")->body.centre[1]) / 2;
  EXPECT_GT(a.vertebra("T7")->body.centre[1], yT + 5);
}

TEST(PhantomAnatomyTest, ScoliosisMovesTheSpineSideways) {
  auto maxLateral = [](const Anatomy& a) {
    double m = 0;
    for (const auto& v : a.vertebrae) m = std::max(m, std::abs(v.body.centre[0]));
    return m;
  };
  EXPECT_LT(maxLateral(buildAnatomy(spec(json::object()))), 0.5);
  EXPECT_GT(maxLateral(buildAnatomy(spec({{"scoliosis_cobb_deg", 35}}))), 15.0);
}

TEST(PhantomRenderTest, CtBoneDiscAndCanalValuesSitWhereTheTruthSaysTheyDo) {
  PhantomResult r = generatePhantom(spec(coarse({{"seed", 3}}, 1.5, 3.0)));
  ASSERT_GE(r.truth["vertebrae"].size(), 7u);
  double boneMean = 0;
  for (const json& v : r.truth["vertebrae"]) {
    EXPECT_GT(meanOver(r, v["label"]), 180.0) << v["name"];
    boneMean += meanOver(r, v["label"]) / double(r.truth["vertebrae"].size());
  }
  for (const json& d : r.truth["discs"]) {  // discs: soft tissue, with partial volume of the endplates at 3 mm
    EXPECT_GT(meanOver(r, d["label"]), 40.0) << d["name"];
    EXPECT_LT(meanOver(r, d["label"]), boneMean - 80) << d["name"];
  }
  const VertebraModel* l3 = r.anatomy.vertebra("L3");
  double csf = valueAt(r, l3->body.world(0, l3->canalOffset, 0));
  EXPECT_LT(std::abs(csf), 60.0);  // canal content: CSF near 0 HU, not bone
}

TEST(PhantomRenderTest, TheDiscsAboveTheSacrumAreDiscWhereTheTruthPutsThem) {
  // The sacrum's first segment reached 3 mm above its top into the disc above it: a lumbarised S1's
  // 5 mm S1-S2 disc read as bone at its centre, while the truth listed it.
  PhantomResult r = generatePhantom(spec(coarse({{"seed", 10}, {"transitional", "lumbarized-S1"}}, 1.0, 1.0)));
  for (const std::string name : {"S1-S2", "L5-S1"}) {
    const DiscModel* d = nullptr;
    for (const DiscModel& m : r.anatomy.discs)
      if (m.name == name) d = &m;
    ASSERT_NE(d, nullptr) << name;
    EXPECT_LT(valueAt(r, d->frame.centre), 150.0) << name;
    EXPECT_EQ(labelAt(*r.labels, d->frame.centre), d->label) << name;
  }
}

TEST(PhantomRenderTest, MetalWhereHardwareIsClaimed) {
  json j = coarse({{"hardware", {{{"type", "pedicle-screws"}, {"levels", {"L4"}}, {"material", "titanium"}},
                                 {{"type", "cage"}, {"levels", {"L4-L5"}}, {"material", "titanium"}}}}},
                  1.0, 2.0);
  PhantomResult r = generatePhantom(spec(j));
  unsigned screws = 0;
  for (const json& h : r.truth["hardware"]) {
    Vec3 at = h["kind"] == "pedicle-screw" ? scale(add(vec3FromJson(h["entry_lps_mm"]), vec3FromJson(h["tip_lps_mm"])), 0.5) : vec3FromJson(h["centre_lps_mm"]);
    EXPECT_GT(valueAt(r, at), 2000.0) << h.dump();
    screws += h["kind"] == "pedicle-screw";
  }
  EXPECT_EQ(screws, 2u);
  // The cage sits in the disc: its label stays the disc's.
  EXPECT_EQ(labelAt(*r.labels, r.anatomy.disc("L4-L5")->frame.centre), discLabel(*vertebraCode("L4")));
}

TEST(PhantomRenderTest, HerniationApexIsDiscMaterialBeyondTheDiscMargin) {
  json j = coarse({{"herniations", {{{"level", "L4-L5"}, {"depth_mm", 7}, {"position", "central"}, {"type", "extrusion"}}}}}, 1.0,
                  2.0);
  PhantomResult r = generatePhantom(spec(j));
  ASSERT_EQ(r.truth["herniations"].size(), 1u);
  const DiscModel* d = r.anatomy.disc("L4-L5");
  Vec3 apex = vec3FromJson(r.truth["herniations"][0]["apex_lps_mm"]);
  Vec3 inside = axpy(apex, -1.5, d->frame.v);
  EXPECT_EQ(labelAt(*r.labels, inside), d->label);
  // The same point without a herniation is canal, not disc.
  PhantomResult plain = generatePhantom(spec(coarse(json::object(), 1.0, 2.0)));
  EXPECT_NE(labelAt(*plain.labels, inside), d->label);
}

TEST(PhantomRenderTest, RibLabelsCountThePairs) {
  for (unsigned pairs : {11u, 13u}) {
    PhantomResult r = generatePhantom(spec(coarse({{"rib_pairs", pairs}, {"field_of_view", "whole"}}, 2.5, 4.0)));
    std::set<std::uint16_t> ribs;
    for (const LabelStats& s : labelStatistics(*r.labels))
      if (labelKind(s.value) == LabelKind::Rib) ribs.insert(s.value);
    EXPECT_EQ(ribs.size(), pairs);
    EXPECT_EQ(r.truth["anomalies"].size(), 1u);
  }
}

TEST(PhantomRenderTest, MrT2AndT1ContrastsAndSusceptibilityVoid) {
  json base = {{"modality", "MR"}, {"hardware", {{{"type", "pedicle-screws"}, {"levels", {"L2"}}}}},
               {"acquisition", {{"orientation", "axial"}, {"pixel_mm", 1.0}, {"slice_mm", 2.0}}}};
  base["acquisition"]["mr_contrast"] = "T2";
  PhantomResult t2 = generatePhantom(spec(base));
  base["acquisition"]["mr_contrast"] = "T1";
  PhantomResult t1 = generatePhantom(spec(base));
  const DiscModel* disc = t2.anatomy.disc("L3-L4");
  const VertebraModel* l3 = t2.anatomy.vertebra("L3");
  EXPECT_GT(valueAt(t2, disc->frame.centre), 1.3 * valueAt(t2, l3->body.centre));  // T2: bright nucleus
  EXPECT_LT(valueAt(t1, disc->frame.centre), valueAt(t1, l3->body.centre));        // T1: marrow brighter
  Vec3 csf = l3->body.world(0, l3->canalOffset + 3, 0);
  EXPECT_GT(valueAt(t2, csf), valueAt(t1, csf) * 2);  // CSF bright on T2 only
  const json& screw = t2.truth["hardware"][0];
  Vec3 mid = scale(add(vec3FromJson(screw["entry_lps_mm"]), vec3FromJson(screw["tip_lps_mm"])), 0.5);
  EXPECT_LT(valueAt(t2, mid), 0.2 * valueAt(t2, l3->body.centre));  // signal void
}

TEST(PhantomRenderTest, SameSeedSameImagesOtherSeedOtherNoise) {
  json j = coarse({{"fov_from", "L3"}, {"fov_to", "L4"}}, 2.0, 4.0);
  PhantomResult a = generatePhantom(spec(j)), b = generatePhantom(spec(j));
  j["seed"] = 99;
  PhantomResult c = generatePhantom(spec(j));
  EXPECT_EQ(a.images, b.images);
  EXPECT_NE(a.images, c.images);
}

TEST(PhantomDicomTest, WrittenSeriesLoadsOnTheTruthGrid) {
  ScratchFolder dir;
  PhantomSpec s = spec(coarse({{"fov_from", "L2"}, {"fov_to", "L5"}}, 1.5, 3.0));
  PhantomResult r = generatePhantom(s);
  writePhantom(r, s, dir.sub("case"));
  for (const char* f : {"dicom", "labels.nii.gz", "truth.json", "case.json"}) EXPECT_TRUE(fs::exists(dir.path() / "case" / f)) << f;
  EXPECT_FALSE(fs::exists(dir.sub("case") + ".tmp-" + std::to_string(::getpid())));
  Study study = load(dir.sub("case/dicom"));
  const CtImage& ct = *study.volume.ct;
  for (int d = 0; d < 3; ++d) {
    EXPECT_NEAR(ct.GetOrigin()[d], r.labels->GetOrigin()[d], 1e-3);
    EXPECT_NEAR(ct.GetSpacing()[d], r.labels->GetSpacing()[d], 1e-3);
  }
  const VertebraModel* l3 = r.anatomy.vertebra("L3");
  CtImage::IndexType idx;
  ASSERT_TRUE(ct.TransformPhysicalPointToIndex(CtImage::PointType(l3->body.centre.data()), idx));
  EXPECT_NEAR(ct.GetPixel(idx), valueAt(r, l3->body.centre), 0.51);
}

/// The phantom tests read the suite's rendering back (ctest generates the suite before them): it
/// must be the rendering itself, pixel for pixel and label for label, on the same grid.
TEST(SuitePhantomTest, TheSuitesRenderingReadsBackAsTheRenderingItself) {
  SuiteCopy copy = SuiteCopy::Read;
  const PhantomResult read = suitePhantom("lumbar-ct", &copy);
  if (copy == SuiteCopy::Absent || copy == SuiteCopy::Stale)
    GTEST_SKIP() << "the suite's rendering is absent or older than its spec or the command line (run through ctest, "
                    "which generates the suite first)";
  ASSERT_EQ(copy, SuiteCopy::Read) << "it reads back on another grid: the phantom tests render their phantoms again, "
                                      "and CI takes that much longer";
  const PhantomResult made = generatePhantom(readPhantomSpec(std::string(SPINE_SOURCE_DIR) + "/testdata/phantoms/lumbar-ct.json"));
  const CtImage::Pointer readCt = phantomCt(read), madeCt = phantomCt(made);
  const size_t voxels = made.labels->GetPixelContainer()->Size();
  ASSERT_EQ(read.labels->GetPixelContainer()->Size(), voxels);
  EXPECT_TRUE(std::equal(madeCt->GetBufferPointer(), madeCt->GetBufferPointer() + voxels, readCt->GetBufferPointer()));
  EXPECT_TRUE(std::equal(made.labels->GetBufferPointer(), made.labels->GetBufferPointer() + voxels, read.labels->GetBufferPointer()));
  EXPECT_EQ(read.labels->GetOrigin(), made.labels->GetOrigin());
  EXPECT_EQ(read.labels->GetDirection(), made.labels->GetDirection());
  EXPECT_EQ(read.truth, made.truth);
}

TEST(PhantomDicomTest, ProneAndTiltChangeTheImageNotTheAnatomy) {
  json j = coarse({{"fov_from", "L2"}, {"fov_to", "L4"}}, 1.5, 3.0);
  PhantomResult supine = generatePhantom(spec(j));
  j["acquisition"]["position"] = "prone";
  PhantomResult prone = generatePhantom(spec(j));
  EXPECT_LT(prone.labels->GetDirection()[0][0], 0);  // rows run to the patient's right
  ASSERT_EQ(supine.truth["vertebrae"].size(), prone.truth["vertebrae"].size());
  for (size_t i = 0; i < supine.truth["vertebrae"].size(); ++i)
    EXPECT_LT(distance(vec3FromJson(supine.truth["vertebrae"][i]["body_centre_lps_mm"]), vec3FromJson(prone.truth["vertebrae"][i]["body_centre_lps_mm"])),
              1e-6);

  ScratchFolder dir;
  j["acquisition"]["position"] = "supine";
  j["acquisition"]["gantry_tilt_deg"] = 15;
  PhantomSpec s = spec(j);
  writePhantom(generatePhantom(s), s, dir.sub("tilt"));
  Study study = load(dir.sub("tilt/dicom"));
  EXPECT_NEAR(study.chosenSeries().geometry.tiltDeg, 15.0, 0.5);
}

}  // namespace
}  // namespace spine::test
