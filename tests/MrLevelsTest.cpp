// MR levels: on a sagittal phantom the discs and bodies are found where the truth puts them and
// none is named (MR numbering is not trusted yet); an axial series and a single slice are handled
// with their limits stated.
#include "TestHelpers.h"
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

bool mentions(const std::vector<std::string>& notes, const std::string& words) {
  for (const std::string& n : notes)
    if (n.find(words) != std::string::npos) return true;
  return false;
}

TEST(MrLevelsTest, SagittalPhantomDiscsAreFoundWhereTheTruthPutsThemAndNoneIsNamed) {
  PhantomResult r = sagittalMrPhantom();
  LevelTable t = analyseMrLevels(*phantomMr(r), MrSegmentationParams{});
  EXPECT_EQ(t.verdict.status, "not_identified");
  ASSERT_FALSE(t.verdict.candidates.empty());
  for (const LevelEntry& e : t.discs) EXPECT_NE(e.name.find("unnamed"), std::string::npos) << e.name;
  unsigned found = 0;
  for (const json& d : r.truth["discs"]) {
    const Vec3 truth = vec3FromJson(d["centroid_lps_mm"]);
    for (const LevelEntry& e : t.discs)
      if (e.voxels && distance(e.centroid, truth) < 8) ++found;
  }
  EXPECT_GE(found + 1, r.truth["discs"].size()) << "at most one disc missed";
  EXPECT_LE(t.discs.size(), r.truth["discs"].size() + 1) << "at most one false disc";
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

TEST(MrLevelsDataTest, RealSagittalMrGetsUnnamedLevels) {
  const std::string image = sharedData("mri-lumbar-vb-myosegmentum/nifti/vb3_05_image.nii.gz");
  SKIP_WITHOUT_SHARED_DATA(image);
  std::vector<std::string> warnings;
  Volume v = readVolumeFile(image, Modality::MR, std::uint64_t(1) << 30, warnings);
  ASSERT_EQ(v.modality, Modality::MR);
  LevelTable t = analyseMrLevels(*v.mr, MrSegmentationParams{});
  EXPECT_GE(t.vertebrae.size(), 4u);
  for (const LevelEntry& e : t.vertebrae) EXPECT_NE(e.name.find("unnamed"), std::string::npos);
}

}  // namespace
}  // namespace spine::test
