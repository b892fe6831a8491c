// The loader on the real scans in ../shared/data (skipped with a message when absent).
#include <itkImageFileReader.h>
#include <itkNiftiImageIO.h>

#include "TestHelpers.h"

namespace spine::test {
namespace {

TEST(RealData, Jpeg2000AndUncompressedCopiesDecodeIdentically) {
  std::string j2k = sharedData("totalseg-example/dicom_ct_j2k");
  std::string raw = sharedData("totalseg-example/dicom_ct_uncompressed");
  SKIP_WITHOUT_SHARED_DATA(j2k);
  SKIP_WITHOUT_SHARED_DATA(raw);
  Study a = load(j2k), b = load(raw);
  ASSERT_EQ(a.series.size(), 1u);  // empty Study/Series UIDs still make one series
  EXPECT_EQ(a.chosenSeries().first().transferSyntaxUid, "1.2.840.10008.1.2.4.90");
  auto size = a.volume.image()->GetLargestPossibleRegion().GetSize();
  EXPECT_EQ(size, b.volume.image()->GetLargestPossibleRegion().GetSize());
  EXPECT_EQ(size[2], 20u);
  EXPECT_NEAR(a.volume.image()->GetSpacing()[2], 2.0, 1e-3);  // from positions; Slice Thickness says 3
  size_t n = a.volume.ct->GetPixelContainer()->Size();
  EXPECT_TRUE(std::equal(a.volume.ct->GetBufferPointer(), a.volume.ct->GetBufferPointer() + n, b.volume.ct->GetBufferPointer()));
}

TEST(RealData, DicomGeometryMatchesTheReferenceSegmentationGrid) {
  std::string j2k = sharedData("totalseg-example/dicom_ct_j2k");
  std::string ref = sharedData("totalseg-example/ref_seg/example_seg_dicom.nii.gz");
  SKIP_WITHOUT_SHARED_DATA(j2k);
  SKIP_WITHOUT_SHARED_DATA(ref);
  auto reader = itk::ImageFileReader<itk::Image<float, 3>>::New();
  reader->SetImageIO(itk::NiftiImageIO::New());
  reader->SetFileName(ref);
  reader->UpdateOutputInformation();
  const auto* expected = reader->GetOutput();
  Study study = load(j2k);
  const auto* ours = study.volume.image();
  // The reference grid is LAS; ours follows the DICOM rows (LPS). Compare physical corners.
  auto size = ours->GetLargestPossibleRegion().GetSize();
  ASSERT_EQ(size, expected->GetLargestPossibleRegion().GetSize());
  for (auto corner : {itk::Index<3>{{0, 0, 0}}, itk::Index<3>{{511, 511, 19}}}) {
    itk::Point<double, 3> p;
    ours->TransformIndexToPhysicalPoint(corner, p);
    itk::ContinuousIndex<double, 3> inRef;
    ASSERT_TRUE(expected->TransformPhysicalPointToContinuousIndex(p, inRef));
    for (unsigned i = 0; i < 3; ++i) EXPECT_NEAR(inRef[i], std::round(inRef[i]), 1e-3) << "off the reference grid";
  }
}

TEST(RealData, NiftiCtAndMrVolumesLoad) {
  std::string ct = sharedData("totalseg-example/nifti/example_ct.nii.gz");
  std::string mr = sharedData("sct-t2-lumbar/t2_lumbar.nii.gz");
  SKIP_WITHOUT_SHARED_DATA(ct);
  Study a = load(ct);
  EXPECT_EQ(a.volume.modality, Modality::CT);
  EXPECT_EQ(a.volume.image()->GetLargestPossibleRegion().GetSize(), (itk::Size<3>{{122, 101, 112}}));
  SKIP_WITHOUT_SHARED_DATA(mr);
  EXPECT_EQ(load(mr).volume.modality, Modality::MR);
}

}  // namespace
}  // namespace spine::test
