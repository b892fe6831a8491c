// Geometry of the DICOM loader on series written from a known field of patient position: every
// voxel's value must equal the field at that voxel's LPS centre, whatever the orientation, file
// order, gaps, tilt or spacing.
#include <cmath>

#include "TestHelpers.h"

namespace spine::test {
namespace {

AnalyticSeries axial() {
  AnalyticSeries a = analyticGrid(24, 20, 12);
  a.grid.columnSpacing = 0.8;
  a.grid.rowSpacing = 0.8;
  return a;
}

TEST(SeriesGeometry, AxialSeriesMatchesFieldAtEveryVoxel) {
  ScratchFolder dir;
  writeAnalytic(dir.sub("s"), axial());
  Study study = load(dir.sub("s"));
  ASSERT_EQ(study.series.size(), 1u);
  EXPECT_LE(maxFieldError(study.volume, linearField), 0.5);
  EXPECT_TRUE(study.warnings.empty());
}

TEST(SeriesGeometry, SpacingComesFromPositionsNotSliceThickness) {
  ScratchFolder dir;
  AnalyticSeries a = axial();
  a.step = {0, 0, 1.25};
  writeAnalytic(dir.sub("s"), a);
  Study study = load(dir.sub("s"));
  EXPECT_NEAR(study.volume.image()->GetSpacing()[2], 1.25, 1e-6);
}

TEST(SeriesGeometry, SliceOrderInFilesDoesNotMatter) {
  ScratchFolder dir;
  AnalyticSeries a = axial();
  a.firstPosition = {-40, -30, 30};
  a.step = {0, 0, -3};  // files written head to foot
  writeAnalytic(dir.sub("s"), a);
  Study study = load(dir.sub("s"));
  EXPECT_LE(maxFieldError(study.volume, linearField), 0.5);
  EXPECT_NEAR(study.volume.image()->GetOrigin()[2], 30 - 3 * 11, 1e-6);  // sorted along the normal
}

TEST(SeriesGeometry, SagittalAndObliqueOrientationsArePlacedInLps) {
  for (double degrees : {0.0, 17.0}) {
    ScratchFolder dir;
    AnalyticSeries a = axial();
    double t = degrees * M_PI / 180;
    a.grid.rowDir = {0, std::cos(t), std::sin(t)};  // sagittal rows run posterior, tilted up
    a.grid.colDir = {0, std::sin(t), -std::cos(t)};  // columns run downwards, as scanners write
    a.step = {1.5, 0, 0};
    writeAnalytic(dir.sub("s"), a);
    Study study = load(dir.sub("s"));
    EXPECT_LE(maxFieldError(study.volume, linearField), 0.5) << degrees;
    EXPECT_EQ(study.series[0].orientationLabel, "sagittal");
  }
}

TEST(SeriesGeometry, MissingSliceIsReportedAndInterpolated) {
  ScratchFolder dir;
  auto files = writeAnalytic(dir.sub("s"), axial());
  fs::remove(files[5]);
  Study study = load(dir.sub("s"));
  EXPECT_EQ(study.chosenSeries().geometry.missingSlices, 1u);
  EXPECT_EQ(study.volume.image()->GetLargestPossibleRegion().GetSize()[2], 12u);
  EXPECT_LE(maxFieldError(study.volume, linearField), 0.5);  // linear field: interpolation is exact
  ASSERT_FALSE(study.chosenSeries().warnings.empty());
  EXPECT_NE(study.chosenSeries().warnings[0].find("missing slices"), std::string::npos);
}

TEST(SeriesGeometry, DuplicatePositionIsReportedAndDropped) {
  ScratchFolder dir;
  DicomWriteParams shared;  // one series: a second instance at the first slice's position
  shared.studyUid = "1.2.3";
  shared.seriesUid = "1.2.3.4";
  shared.frameOfReferenceUid = "1.2.3.5";
  AnalyticSeries full = axial(), one = axial();
  one.slices = 1;
  writeAnalytic(dir.sub("s/a"), full, shared);
  writeAnalytic(dir.sub("s/b"), one, shared);
  Study study = load(dir.sub("s"));
  ASSERT_EQ(study.series.size(), 1u);
  EXPECT_EQ(study.chosenSeries().geometry.duplicatesRemoved, 1u);
  EXPECT_EQ(study.chosenSeries().frames.size(), 12u);
  bool said = false;
  for (const auto& w : study.chosenSeries().warnings) said |= w.find("duplicate positions") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(SeriesGeometry, UnevenSpacingIsResampledToTheMedianStep) {
  ScratchFolder dir;
  AnalyticSeries a = axial();
  auto slices = analyticSlices(a);
  slices[6].position[2] += 0.7;  // one slice off the 2 mm grid
  for (auto& v : slices[6].values) v += 5 * 0.7;
  writeDicomSlices(dir.sub("s"), a.grid, slices, {});
  Study study = load(dir.sub("s"));
  EXPECT_TRUE(study.chosenSeries().geometry.unevenSpacing);
  EXPECT_NEAR(study.volume.image()->GetSpacing()[2], 2.0, 1e-6);
  EXPECT_LE(maxFieldError(study.volume, linearField), 0.5);
}

TEST(SeriesGeometry, GantryTiltIsResampledOntoAnOrthogonalGrid) {
  ScratchFolder dir;
  AnalyticSeries a = axial();
  a.grid.columns = a.grid.rows = 32;
  double tilt = 15 * M_PI / 180;
  a.step = {0, 2 * std::tan(tilt), 2};  // each slice shifted posteriorly: a tilted gantry
  writeAnalytic(dir.sub("s"), a);
  Study study = load(dir.sub("s"));
  const SeriesGeometry& g = study.chosenSeries().geometry;
  EXPECT_NEAR(g.tiltDeg, 15, 0.1);
  EXPECT_TRUE(g.needsResampling);
  // Direction stays orthogonal (the normal); voxels away from the shifted border match the field.
  auto d = study.volume.image()->GetDirection();
  EXPECT_NEAR(d[2][2], 1.0, 1e-9);
  // Stored values are rounded (0.5) and the resampled ones rounded again (0.5).
  EXPECT_LE(maxFieldError(study.volume, linearField, 8), 1.0);
}

TEST(SeriesGeometry, NonSquarePixelsAreKeptAndSaid) {
  ScratchFolder dir;
  AnalyticSeries a = axial();
  a.grid.rowSpacing = 1.2;
  writeAnalytic(dir.sub("s"), a);
  Study study = load(dir.sub("s"));
  EXPECT_NEAR(study.volume.image()->GetSpacing()[1], 1.2, 1e-6);
  EXPECT_NEAR(study.volume.image()->GetSpacing()[0], 0.8, 1e-6);
  EXPECT_LE(maxFieldError(study.volume, linearField), 0.5);
  EXPECT_NE(study.chosenSeries().warnings.at(0).find("non-square"), std::string::npos);
}

TEST(SeriesGeometry, MixedOrientationsInOneSeriesUidAreSplit) {
  ScratchFolder dir;
  DicomWriteParams shared;
  shared.studyUid = "1.2.3";
  shared.seriesUid = "1.2.3.4";
  AnalyticSeries ax = axial();
  writeAnalytic(dir.sub("s/ax"), ax, shared);
  AnalyticSeries sag = axial();
  sag.grid.rowDir = {0, 1, 0};
  sag.grid.colDir = {0, 0, -1};
  sag.step = {2, 0, 0};
  sag.slices = 3;
  writeAnalytic(dir.sub("s/sag"), sag, shared);
  Study study = load(dir.sub("s"));
  ASSERT_EQ(study.series.size(), 2u);
  EXPECT_NE(study.series[0].warnings.back().find("mixed orientations"), std::string::npos);
  EXPECT_EQ(study.chosenSeries().frames.size(), 12u);  // CT rule: the complete, larger stack
}

TEST(SeriesGeometry, EmptyUidsStillGroupIntoOneSeriesWithAWarning) {
  ScratchFolder dir;
  DicomWriteParams p;
  p.studyUid = p.seriesUid = " ";  // written as empty values
  writeAnalytic(dir.sub("s"), axial(), p);
  Study study = load(dir.sub("s"));
  ASSERT_EQ(study.series.size(), 1u);
  EXPECT_NE(study.series[0].warnings.at(0).find("Series Instance UID (0020,000E) is empty"), std::string::npos);
}

TEST(SeriesGeometry, TwoStudiesInOneInputAreRefused) {
  ScratchFolder dir;
  DicomWriteParams a, b;
  a.studyUid = "1.2.3.1";
  b.studyUid = "1.2.3.2";
  writeAnalytic(dir.sub("s/a"), axial(), a);
  writeAnalytic(dir.sub("s/b"), axial(), b);
  try {
    load(dir.sub("s"));
    FAIL() << "mixed studies were accepted";
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::DataError);
    EXPECT_NE(std::string(e.what()).find("2 different studies"), std::string::npos);
  }
}

}  // namespace
}  // namespace spine::test
