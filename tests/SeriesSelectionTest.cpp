// Which series is analysed, that the reason is recorded, and that an MR volume carries its weighting
// (the herniation detector reads T2 only).
#include "TestHelpers.h"

namespace spine::test {
namespace {

AnalyticSeries grid(unsigned slices, double step) {
  AnalyticSeries a = analyticGrid(16, 16, slices);
  a.step = {0, 0, step};
  return a;
}

AnalyticSeries sagittal(unsigned slices) {
  AnalyticSeries a = grid(slices, 0);
  a.grid.rowDir = {0, 1, 0};
  a.grid.colDir = {0, 0, -1};
  a.step = {3, 0, 0};
  return a;
}

DicomWriteParams mr(const std::string& description, long number) {
  DicomWriteParams p;
  p.modality = "MR";
  p.isSigned = false;
  p.studyUid = "1.2.9";
  p.seriesDescription = description;
  p.seriesNumber = number;
  return p;
}

TEST(SeriesSelection, CtPrefersTheThinnestCompleteVolume) {
  ScratchFolder dir;
  DicomWriteParams p;
  p.studyUid = "1.2.8";
  writeAnalytic(dir.sub("s/thick"), grid(8, 5), p);
  auto thinFiles = writeAnalytic(dir.sub("s/thin-gap"), grid(20, 1), p);
  fs::remove(thinFiles[10]);
  writeAnalytic(dir.sub("s/thin"), grid(20, 1.5), p);
  Study study = load(dir.sub("s"));
  ASSERT_EQ(study.series.size(), 3u);
  EXPECT_NEAR(study.chosenSeries().geometry.spacing[2], 1.5, 1e-6);  // the 1 mm one has a gap
  EXPECT_NE(study.chosenWhy.find("CT rule"), std::string::npos);
  for (size_t i = 0; i < study.series.size(); ++i)
    if (int(i) != study.chosen) {
      EXPECT_FALSE(study.notChosenWhy[i].empty());
    }
}

TEST(SeriesSelection, MrPrefersSagittalT2ThenT1) {
  ScratchFolder dir;
  writeAnalytic(dir.sub("s/ax"), grid(20, 4), mr("AX T2 TSE", 1));
  writeAnalytic(dir.sub("s/t1"), sagittal(12), mr("SAG T1 TSE", 2));
  writeAnalytic(dir.sub("s/t2"), sagittal(12), mr("SAG T2 TSE", 3));
  Study study = load(dir.sub("s"));
  EXPECT_EQ(study.chosenSeries().description, "SAG T2 TSE");
  EXPECT_NE(study.chosenWhy.find("T2"), std::string::npos);
  EXPECT_EQ(study.volume.weighting, MrWeighting::T2);
  fs::remove_all(dir.sub("s/t2"));
  Study t1 = load(dir.sub("s"));
  EXPECT_EQ(t1.chosenSeries().description, "SAG T1 TSE");
  EXPECT_EQ(t1.volume.weighting, MrWeighting::T1);
}

TEST(SeriesSelection, MrWeightingFromEchoAndRepetitionTimeWhenNamesAreSilent) {
  ScratchFolder dir;
  DicomWriteParams t1 = mr("SAG A", 1), t2 = mr("SAG B", 2);
  t1.echoTimeMs = 12;
  t1.repetitionTimeMs = 550;
  t2.echoTimeMs = 95;
  t2.repetitionTimeMs = 3500;
  writeAnalytic(dir.sub("s/a"), sagittal(12), t1);
  writeAnalytic(dir.sub("s/b"), sagittal(12), t2);
  EXPECT_EQ(load(dir.sub("s")).chosenSeries().description, "SAG B");
  fs::remove_all(dir.sub("s/b"));
  EXPECT_EQ(load(dir.sub("s")).volume.weighting, MrWeighting::T1);
  DicomWriteParams silent = mr("SAG C", 3);  // neither names nor times: unknown
  ScratchFolder other;
  writeAnalytic(other.sub("s/c"), sagittal(12), silent);
  EXPECT_EQ(load(other.sub("s")).volume.weighting, MrWeighting::Unknown);
}

}  // namespace
}  // namespace spine::test
