// MR levels: on a sagittal phantom and a real lumbar MR the levels are found and named where the
// truth puts them, never more than provisionally (no ribs on MR); without the sacrum nothing is
// named; an axial series and a single slice are handled with their limits stated.
#include <algorithm>
#include <iostream>
#include <map>

#include "TestHelpers.h"
#include "spine/LabelMapFile.h"
#include "spine/Labels.h"
#include "spine/LevelTable.h"
#include "spine/MrSegmentation.h"
#include "spine/Phantom.h"
#include "spine/Vec3Json.h"
#include "spine/VolumeFileReader.h"

namespace spine::test {
namespace {

using nlohmann::json;

PhantomResult sagittalMrPhantom() {
  return generatePhantom(parsePhantomSpec({{"modality", "MR"}, {"seed", 31},
                                           {"acquisition", {{"orientation", "sagittal"}, {"pixel_mm", 1.0}, {"slice_mm", 1.0}, {"mr_contrast", "T2"}}}},
                                          "t.json"));
}

TEST(MrLevelsTest, SagittalPhantomLevelsAreNamedAsTheTruthNamesThemButOnlyProvisionally) {
  PhantomResult r = sagittalMrPhantom();
  LevelTable t = analyseMrLevels(*phantomMr(r), MrSegmentationParams{});
  EXPECT_EQ(t.verdict.status, "provisional") << "ribs are not assessed on MR: the lumbar count cannot be confirmed";
  EXPECT_FALSE(t.verdict.candidates.empty());
  for (const json& d : r.truth["discs"]) {
    const LevelEntry* e = t.find(d["name"]);
    ASSERT_NE(e, nullptr) << d["name"];
    EXPECT_LT(distance(e->centroid, vec3FromJson(d["centroid_lps_mm"])), 5.0) << d["name"];
  }
  EXPECT_EQ(t.discs.size(), r.truth["discs"].size()) << "no false disc";
}

TEST(MrLevelsTest, WithoutTheSacrumNoLevelIsNamed) {
  PhantomResult r = generatePhantom(parsePhantomSpec(
      {{"modality", "MR"}, {"seed", 31}, {"fov_from", "T11"}, {"fov_to", "L3"},
       {"acquisition", {{"orientation", "sagittal"}, {"pixel_mm", 1.0}, {"slice_mm", 1.0}, {"mr_contrast", "T2"}}}},
      "t.json"));
  LevelTable t = analyseMrLevels(*phantomMr(r), MrSegmentationParams{});
  EXPECT_EQ(t.verdict.status, "not_identified");
  EXPECT_GE(t.discs.size(), 2u) << "the discs are still found";
  for (const LevelEntry& e : t.vertebrae) EXPECT_NE(e.name.find("unnamed"), std::string::npos) << e.name;
}

TEST(MrLevelsTest, AnAxialSeriesIsNotSegmentedAndSaysWhy) {
  PhantomResult r = generatePhantom(parsePhantomSpec(
      {{"modality", "MR"}, {"acquisition", {{"orientation", "axial"}, {"pixel_mm", 1.0}, {"slice_mm", 4.0}, {"mr_contrast", "T2"}}}}, "t.json"));
  LevelTable t = analyseMrLevels(*phantomMr(r), MrSegmentationParams{});
  EXPECT_TRUE(t.vertebrae.empty());
  EXPECT_TRUE(mentions(t.notes, "not sagittal"));
}

TEST(MrLevelsTest, OneSagittalSliceIsAnalysedWithItsLimitStated) {
  PhantomResult r = sagittalMrPhantom();
  MrImage::Pointer volume = phantomMr(r);
  MrImage::RegionType region = volume->GetLargestPossibleRegion();
  MrImage::IndexType start = region.GetIndex();
  MrImage::SizeType size = region.GetSize();
  MrImage::Pointer slice = MrImage::New();
  {
    // the middle slice alone, in the same frame (a sagittal phantom's slices run left-right)
    start[2] = long(size[2] / 2), size[2] = 1;
    MrImage::PointType origin;
    volume->TransformIndexToPhysicalPoint(start, origin);
    slice->SetOrigin(origin), slice->SetSpacing(volume->GetSpacing()), slice->SetDirection(volume->GetDirection());
    slice->SetRegions(size);
    slice->Allocate();
    MrImage::IndexType at;
    for (at[0] = 0; at[0] < long(size[0]); ++at[0])
      for (at[1] = 0; at[1] < long(size[1]); ++at[1]) {
        at[2] = 0;
        MrImage::IndexType from = at;
        from[2] = start[2];
        slice->SetPixel(at, volume->GetPixel(from));
      }
  }
  LevelTable t = analyseMrLevels(*slice, MrSegmentationParams{});
  EXPECT_TRUE(mentions(t.notes, "one sagittal slice only"));
  EXPECT_GE(t.discs.size(), 3u);
}

/// Dice of the voxels labelled `a` in one map and `b` in the other (same grid).
double dice(const LabelImage& x, std::uint16_t a, const LabelImage& y, std::uint16_t b) {
  const LabelPixel* p = x.GetBufferPointer();
  const LabelPixel* q = y.GetBufferPointer();
  double both = 0, inX = 0, inY = 0;
  for (size_t i = 0, n = x.GetLargestPossibleRegion().GetNumberOfPixels(); i < n; ++i)
    inX += p[i] == a, inY += q[i] == b, both += p[i] == a && q[i] == b;
  return inX + inY > 0 ? 2 * both / (inX + inY) : 0;
}

// The five myosegmentum subjects (manual L1-L5 body masks): every body named as its mask names it,
// within 8 mm, and overlapping it. Measured 2026-11-23 (bench/README.md, "MR levels: discs refined
// once"): 25/25 named, mean body Dice per subject 0.76-0.82; before the discs were refined once and
// the bodies closed, vb3_02 was unnamed and vb3_01's mean Dice was 0.72.
TEST(MrLevelsDataTest, RealSagittalMrBodiesAreNamedWhereTheManualMasksPutThem) {
  const std::string dir = sharedData("mri-lumbar-vb-myosegmentum/nifti");
  SKIP_WITHOUT_SHARED_DATA(dir);
  const std::map<std::uint16_t, std::string> names{{1, "L1"}, {2, "L2"}, {3, "L3"}, {4, "L4"}, {5, "L5"}};
  for (const std::string subject : {"vb3_01", "vb3_02", "vb3_03", "vb3_04", "vb3_05"}) {
    std::vector<std::string> warnings;
    Volume v = readVolumeFile(dir + "/" + subject + "_image.nii.gz", Modality::MR, std::uint64_t(1) << 30, warnings);
    LevelTable t = analyseMrLevels(*v.mr, MrSegmentationParams{});
    EXPECT_EQ(t.verdict.status, "provisional") << subject;
    LabelImage::Pointer truth = readLabelMap(dir + "/" + subject + "_labels.nii.gz");
    double sum = 0;
    for (const LabelStats& s : labelStatistics(*truth)) {
      if (!names.count(s.value)) continue;
      const LevelEntry* e = t.find(names.at(s.value));
      ASSERT_NE(e, nullptr) << subject << " " << names.at(s.value);
      EXPECT_LT(distance(e->centroid, s.centroid), 8.0) << subject << " " << names.at(s.value);
      sum += dice(*truth, s.value, *t.labels, e->label);
    }
    std::cout << subject << ": mean body Dice " << sum / 5 << "\n";
    EXPECT_GE(sum / 5, 0.75) << subject;
  }
}

// The three menezesreis volunteers (manual disc masks, nucleus and annulus): each mask against the
// disc label overlapping it most (ivd25 is unnamed). Measured 2026-11-24 (bench/README.md): mean
// Dice 0.73 / 0.45 / 0.53. When a disc held only its bright nucleus's half-contrast height ivd20 read
// 0.26; while a bright run stopped at the intranuclear cleft (a dark band across the nucleus) its
// discs sat on the dark endplate line below them, 0.34.
TEST(MrLevelsDataTest, RealDiscsFillTheSpaceBetweenTheirBodies) {
  const std::string dir = sharedData("mri-lumbar-ivd-menezesreis/nifti");
  SKIP_WITHOUT_SHARED_DATA(dir);
  const std::map<std::string, double> floor{{"ivd11", 0.70}, {"ivd20", 0.42}, {"ivd25", 0.50}};
  for (const auto& [subject, least] : floor) {
    std::vector<std::string> warnings;
    Volume v = readVolumeFile(dir + "/" + subject + "_image.nii.gz", Modality::MR, std::uint64_t(1) << 30, warnings);
    LevelTable t = analyseMrLevels(*v.mr, MrSegmentationParams{});
    LabelImage::Pointer truth = readLabelMap(dir + "/" + subject + "_labels.nii.gz");
    double sum = 0;
    int n = 0;
    for (const LabelStats& s : labelStatistics(*truth)) {
      if (s.value < 1 || s.value > 5) continue;
      double best = 0;
      for (const LevelEntry& d : t.discs) best = std::max(best, dice(*truth, s.value, *t.labels, d.label));
      sum += best, ++n;
    }
    ASSERT_EQ(n, 5) << subject;
    std::cout << subject << ": mean disc Dice " << sum / n << "\n";
    EXPECT_GE(sum / n, least) << subject;
  }
}

TEST(MrLevelsDataTest, ARealSingleSagittalSliceIsAnalysedWithItsLimitStated) {
  const std::string image = sharedData("spider-midsag-herniation/nifti/spider_2_t2_midsag.nii.gz");
  SKIP_WITHOUT_SHARED_DATA(image);
  std::vector<std::string> warnings;
  Volume v = readVolumeFile(image, Modality::MR, std::uint64_t(1) << 30, warnings);
  LevelTable t = analyseMrLevels(*v.mr, MrSegmentationParams{});
  EXPECT_TRUE(mentions(t.notes, "one sagittal slice only"));
  EXPECT_GE(t.discs.size(), 4u) << "the lumbar discs of the slice";
  EXPECT_NE(t.verdict.status, "confirmed");
}

}  // namespace
}  // namespace spine::test
