// Geometry agrees with dcm2niix (Debian package) on the same series: origin, spacing, direction
// and voxels, after both are brought to one orientation.
#include <cstdlib>

#include <itkImageFileReader.h>
#include <itkNiftiImageIO.h>
#include <itkOrientImageFilter.h>

#include "TestHelpers.h"

namespace spine::test {
namespace {

using FloatImage = itk::Image<float, 3>;

FloatImage::Pointer toRai(FloatImage::Pointer image) {
  auto orient = itk::OrientImageFilter<FloatImage, FloatImage>::New();
  orient->UseImageDirectionOn();
  orient->SetDesiredCoordinateOrientation(itk::SpatialOrientation::ITK_COORDINATE_ORIENTATION_RAI);
  orient->SetInput(image);
  orient->Update();
  return orient->GetOutput();
}


/// Runs dcm2niix on `dicomDir`; returns the image it wrote, or nullptr.
FloatImage::Pointer dcm2niix(const std::string& dicomDir, const ScratchFolder& dir) {
  fs::create_directories(dir.sub("nii"));
  std::string cmd = "dcm2niix -z n -b n -f ref -o " + dir.sub("nii") + " " + dicomDir + " >" + dir.sub("dcm2niix.log") + " 2>&1";
  if (std::system(cmd.c_str()) != 0) return nullptr;
  auto reader = itk::ImageFileReader<FloatImage>::New();
  reader->SetImageIO(itk::NiftiImageIO::New());
  reader->SetFileName(dir.sub("nii/ref.nii"));
  reader->Update();
  return reader->GetOutput();
}

void expectSameGeometryAndVoxels(FloatImage::Pointer ours, FloatImage::Pointer theirs, double voxelTolerance) {
  ours = toRai(ours);
  theirs = toRai(theirs);
  ASSERT_EQ(ours->GetLargestPossibleRegion().GetSize(), theirs->GetLargestPossibleRegion().GetSize());
  for (unsigned i = 0; i < 3; ++i) {
    EXPECT_NEAR(ours->GetOrigin()[i], theirs->GetOrigin()[i], 1e-3) << "origin " << i;
    EXPECT_NEAR(ours->GetSpacing()[i], theirs->GetSpacing()[i], 1e-4) << "spacing " << i;
    for (unsigned j = 0; j < 3; ++j) EXPECT_NEAR(ours->GetDirection()[i][j], theirs->GetDirection()[i][j], 1e-4);
  }
  size_t n = ours->GetPixelContainer()->Size(), differ = 0;
  for (size_t i = 0; i < n; ++i) differ += std::fabs(ours->GetBufferPointer()[i] - theirs->GetBufferPointer()[i]) > voxelTolerance;
  EXPECT_EQ(differ, 0u) << "of " << n << " voxels";
}

bool haveDcm2niix() { return std::system("command -v dcm2niix >/dev/null 2>&1") == 0; }

TEST(Dcm2niix, ObliqueSagittalSeriesAgrees) {
  if (!haveDcm2niix()) GTEST_SKIP() << "dcm2niix is not installed (scripts/install-deps.sh installs it)";
  ScratchFolder dir;
  AnalyticSeries a;
  a.grid.columns = 40;
  a.grid.rows = 36;
  a.grid.columnSpacing = 0.9;
  a.grid.rowSpacing = 0.7;
  double t = 12 * M_PI / 180;
  a.grid.rowDir = {0, std::cos(t), std::sin(t)};
  a.grid.colDir = {0, std::sin(t), -std::cos(t)};
  a.step = {-3.3, 0, 0};
  a.slices = 11;
  DicomWriteParams p;
  p.modality = "MR";
  p.isSigned = false;
  a.field = [](const Vec3& x) { return linearField(x) + 1000; };
  writeAnalytic(dir.sub("dicom"), a, p);
  auto theirs = dcm2niix(dir.sub("dicom"), dir);
  ASSERT_TRUE(theirs) << "dcm2niix failed; see its log";
  expectSameGeometryAndVoxels(toFloatImage(load(dir.sub("dicom")).volume), theirs, 0.5);
}

TEST(Dcm2niix, AxialCtAgrees) {
  if (!haveDcm2niix()) GTEST_SKIP() << "dcm2niix is not installed (scripts/install-deps.sh installs it)";
  ScratchFolder dir;
  AnalyticSeries a;
  a.grid.columns = a.grid.rows = 48;
  a.firstPosition = {-20, 30, 80};
  a.step = {0, 0, -2.5};
  writeAnalytic(dir.sub("dicom"), a);
  auto theirs = dcm2niix(dir.sub("dicom"), dir);
  ASSERT_TRUE(theirs);
  expectSameGeometryAndVoxels(toFloatImage(load(dir.sub("dicom")).volume), theirs, 0.5);
}

TEST(Dcm2niix, RealJpeg2000CtAgrees) {
  std::string j2k = sharedData("totalseg-example/dicom_ct_j2k");
  SKIP_WITHOUT_SHARED_DATA(j2k);
  if (!haveDcm2niix()) GTEST_SKIP() << "dcm2niix is not installed";
  ScratchFolder dir;
  auto theirs = dcm2niix(j2k, dir);
  ASSERT_TRUE(theirs);
  expectSameGeometryAndVoxels(toFloatImage(load(j2k).volume), theirs, 0.5);
}

}  // namespace
}  // namespace spine::test
