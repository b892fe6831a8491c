// DICOM write-and-read round trips for every transfer syntax the loader decodes, and the pixel
// formats around them (8/12/16-bit, signed/unsigned, rescale, MONOCHROME1, enhanced multi-frame).
#include <fstream>
#include <functional>

#include "TestHelpers.h"
#include "spine/Error.h"
#include "spine/DicomPixelFile.h"
#include "spine/DicomFrameReader.h"

namespace spine::test {
namespace {

AnalyticSeries small() { return analyticGrid(32, 24, 6); }

struct SyntaxCase {
  std::string syntax;
  double tolerance;  ///< 0.5: lossless after HU rounding; larger for lossy JPEG
};

class TransferSyntaxRoundTrip : public ::testing::TestWithParam<SyntaxCase> {};

TEST_P(TransferSyntaxRoundTrip, VoxelsAndGeometrySurvive) {
  const SyntaxCase& c = GetParam();
  ScratchFolder dir;
  DicomWriteParams p;
  p.transferSyntax = c.syntax;
  // 12-bit unsigned with a -1024 intercept, the usual CT storage, fits every codec but baseline.
  p.bitsStored = 12;
  p.isSigned = false;
  p.rescaleIntercept = -1024;
  AnalyticSeries a = small();
  if (c.syntax == "jpeg-baseline") {  // baseline JPEG is 8-bit only
    p.bitsAllocated = p.bitsStored = 8;
    p.rescaleIntercept = -200;
    p.rescaleSlope = 4;
  }
  writeAnalytic(dir.sub("s"), a, p);
  Study study = load(dir.sub("s"));
  ASSERT_EQ(study.series.size(), 1u);
  EXPECT_EQ(study.volume.image()->GetLargestPossibleRegion().GetSize()[2], a.slices);
  EXPECT_LE(maxFieldError(study.volume, linearField), c.tolerance) << c.syntax;
}

INSTANTIATE_TEST_SUITE_P(AllSyntaxes, TransferSyntaxRoundTrip,
                         ::testing::Values(SyntaxCase{"implicit-le", 0.5}, SyntaxCase{"explicit-le", 0.5},
                                           SyntaxCase{"explicit-be", 0.5}, SyntaxCase{"deflate", 0.5},
                                           SyntaxCase{"jpeg-baseline", 12.0}, SyntaxCase{"jpeg-extended", 8.0},
                                           SyntaxCase{"jpeg-lossless", 0.5}, SyntaxCase{"jpeg-ls-lossless", 0.5},
                                           SyntaxCase{"jpeg-ls-near", 2.5}, SyntaxCase{"rle", 0.5},
                                           SyntaxCase{"j2k-lossless", 0.5}),
                         [](const auto& info) {
                           std::string n = info.param.syntax;
                           for (char& ch : n)
                             if (ch == '-') ch = '_';
                           return n;
                         });

TEST(PixelFormat, SignedSixteenBitWithSlopeGivesHu) {
  ScratchFolder dir;
  DicomWriteParams p;
  p.rescaleSlope = 0.5;
  p.rescaleIntercept = -10;
  writeAnalytic(dir.sub("s"), small(), p);
  EXPECT_LE(maxFieldError(load(dir.sub("s")).volume, linearField), 0.5);
}

TEST(PixelFormat, MrMonochrome1IsFlippedToBrightMeansHighSignal) {
  ScratchFolder dir;
  DicomWriteParams p;
  p.modality = "MR";
  p.isSigned = false;
  p.monochrome1 = true;
  AnalyticSeries a = small();
  a.field = [](const Vec3& x) { return linearField(x) + 1000; };  // positive MR signal
  writeAnalytic(dir.sub("s"), a, p);
  Study study = load(dir.sub("s"));
  ASSERT_EQ(study.volume.modality, Modality::MR);
  EXPECT_LE(maxFieldError(study.volume, a.field), 0.5);
}

TEST(PixelFormat, CtMonochrome1KeepsHounsfieldUnits) {
  ScratchFolder dir;
  DicomWriteParams p;
  p.monochrome1 = true;  // the writer stores flipped words; HU must come back flipped, not "fixed"
  writeAnalytic(dir.sub("s"), small(), p);
  Study study = load(dir.sub("s"));
  auto flipped = [](const Vec3& x) { return -1.0 - linearField(x); };  // hi + lo - s for int16 is -1 - s
  EXPECT_LE(maxFieldError(study.volume, flipped), 0.5);
}

TEST(EnhancedMultiFrame, FramesSortedByPlanePosition) {
  for (const std::string syntax : {"explicit-le", "j2k-lossless", "jpeg-ls-lossless"}) {
    ScratchFolder dir;
    AnalyticSeries a = small();
    a.slices = 9;
    DicomWriteParams p;
    p.transferSyntax = syntax;
    p.modality = "MR";
    writeEnhancedMultiFrame(dir.sub("mf/image.dcm"), a.grid, analyticSlices(a), p);
    Study study = load(dir.sub("mf"));
    ASSERT_EQ(study.series.size(), 1u) << syntax;
    EXPECT_EQ(study.chosenSeries().frames.size(), 9u);
    EXPECT_LE(maxFieldError(study.volume, linearField), 0.5) << syntax;
  }
}


const char* const kJpegLossy = "/usr/lib/python3/dist-packages/pydicom/data/test_files/JPEG-lossy.dcm";

/// Writes pydicom's JPEG-lossy.dcm as DIR/name with `alter` applied at its first fragment's SOI,
/// and expects decoding to be refused with an error naming the file and saying `why`.
void expectJpegRefused(const std::string& name, const std::function<void(std::string&, size_t)>& alter, const std::string& why) {
  std::string bytes = slurp(kJpegLossy);
  const size_t soi = bytes.find("\xFF\xD8\xFF", bytes.find(std::string("\xE0\x7F\x10\x00", 4)));
  ASSERT_NE(soi, std::string::npos);
  alter(bytes, soi);
  ScratchFolder dir;
  const std::string bad = dir.sub(name);
  std::ofstream(bad, std::ios::binary) << bytes;
  std::vector<DicomFrame> frames = readDicomFrames(bad);
  ASSERT_FALSE(frames.empty());
  try {
    DicomPixelFile pixels(frames.front());
    FAIL() << name << " was accepted";
  } catch (const SpineError& e) {
    EXPECT_NE(e.oneLine().find(name), std::string::npos) << e.oneLine();
    EXPECT_NE(e.oneLine().find(why), std::string::npos) << e.oneLine();
  }
}

/// A JPEG fragment whose marker segments are malformed after SOI (found by fuzzing: DCMTK 3.6.7's
/// bit-depth scan never returns on it) is refused with an error naming the file; the intact file
/// still decodes.
TEST(PixelFormat, AMalformedJpegHeaderIsRefusedNotScannedForever) {
  if (!fs::exists(kJpegLossy)) GTEST_SKIP() << "python3-pydicom test files are not installed";
  registerDicomCodecs();
  std::vector<DicomFrame> frames = readDicomFrames(kJpegLossy);
  ASSERT_FALSE(frames.empty());
  EXPECT_NO_THROW(DicomPixelFile{frames.front()});
  expectJpegRefused(
      "jpeg_bad_marker.dcm", [](std::string& b, size_t soi) { b.replace(soi + 2, 4, std::string("\xFF\x01\x00\x7F", 4)); },
      "malformed header");
}

/// A JPEG frame whose first fragment has no start-of-image marker (found by fuzzing: DCMTK's scan
/// stalled on it too) is refused with an error naming the file.
TEST(PixelFormat, AJpegFragmentWithoutStartOfImageIsRefused) {
  if (!fs::exists(kJpegLossy)) GTEST_SKIP() << "python3-pydicom test files are not installed";
  registerDicomCodecs();
  expectJpegRefused("jpeg_no_soi.dcm", [](std::string& b, size_t soi) { b.replace(soi, 2, std::string("\x00\x00", 2)); },
                    "start-of-image");
}

}  // namespace
}  // namespace spine::test
