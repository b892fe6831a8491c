// The outputs an analysis hands on (docs/outputs.md): DICOM SEG, TID 1500 SR and key images
// validated by dciodvfy and dsrdump (dicom3tools, DCMTK) and read back by pydicom and nibabel
// (tests/tools/check_outputs.py) and by the project's own readers; the HTML and PDF report read by
// poppler's pdftotext; de-identification leaving no trace of the patient; the bad-input paths.
#include <fstream>

#include <itkImageFileWriter.h>
#include <itkPNGImageIO.h>
#include <itkRGBPixel.h>
#include <nlohmann/json.hpp>

#include "TestHelpers.h"
#include "spine/GroundTruth.h"
#include "spine/LabelMapFile.h"
#include "spine/Labels.h"
#include "spine/reports/AnatomyCodes.h"
#include "spine/reports/DicomSegmentation.h"
#include "spine/reports/HtmlReport.h"
#include "spine/reports/KeyImageCapture.h"
#include "spine/reports/ResearchOutputs.h"
#include "spine/viewer/ReviewModel.h"

namespace spine::test {
namespace {

using nlohmann::json;
using namespace spine::reports;

bool have(const char* tool) { return std::system((std::string("command -v ") + tool + " >/dev/null 2>&1").c_str()) == 0; }

/// Runs a shell command, returning its exit code and writing its output to `log`.
int shell(const std::string& command, const std::string& log) {
  int status = std::system((command + " >" + log + " 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// dciodvfy's verdict: the lines that are errors (warnings are listed in docs/outputs.md).
std::string dciodvfyErrors(const std::string& file, const ScratchFolder& dir) {
  shell("dciodvfy " + file, dir.sub("dciodvfy.log"));
  std::string errors, log = slurp(dir.sub("dciodvfy.log"));
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("Error", 0) == 0) errors += line + "\n";
  return errors;
}

/// A 20x16x12 oblique label image with two vertebrae and a disc, and the model naming them.
struct SmallCase {
  LabelImage::Pointer labels = LabelImage::New();
  viewer::ReviewModel model;
  SmallCase() {
    LabelImage::SizeType size{{20, 16, 12}};
    labels->SetRegions(size);
    const double spacing[3] = {0.7, 0.8, 2.0}, origin[3] = {-10, 20, -30};
    labels->SetSpacing(spacing);
    labels->SetOrigin(origin);
    LabelImage::DirectionType d;
    const double c = std::cos(0.3), s = std::sin(0.3);
    d[0][0] = c, d[0][1] = 0, d[0][2] = s, d[1][0] = 0, d[1][1] = 1, d[1][2] = 0, d[2][0] = -s, d[2][1] = 0, d[2][2] = c;
    labels->SetDirection(d);
    labels->Allocate(true);
    for (long z = 0; z < 12; ++z)
      for (long y = 3; y < 12; ++y)
        for (long x = 4; x < 15; ++x) labels->SetPixel({{x, y, z}}, z < 5 ? 23 : z < 7 ? 123 : 24);
    model.numberingStatus = "confirmed";
    for (auto [name, label, disc] : {std::tuple{"L4", 23, false}, {"L4-L5", 123, true}, {"L5", 24, false}})
      model.levels.push_back({name, std::uint16_t(label), {0, 0, 0}, 0.9, disc, false});
  }
};

TEST(AnatomyCodes, NamedLevelsGetTheirDicomCodes) {
  EXPECT_EQ(anatomyCode("L4", false).value, "11994002");  // CID 7603
  EXPECT_EQ(anatomyCode("C1", false).value, "14806007");
  EXPECT_EQ(anatomyCode("L4-L5", true).value, "84020006");  // CID 7604
  EXPECT_EQ(anatomyCode("L5-S1", true).meaning, "L5/S1 disc");
  EXPECT_EQ(anatomyCode("sacrum", false).value, "54735007");
}

TEST(AnatomyCodes, LevelsTheGroupsDoNotNameGetTheGenericCode) {
  // L6, T13 and L5-L6 are transitional anatomy: never the code of a standard level.
  EXPECT_EQ(anatomyCode("L6", false).value, genericAnatomyCode(false).value);
  EXPECT_EQ(anatomyCode("T13", false).value, genericAnatomyCode(false).value);
  EXPECT_EQ(anatomyCode("L5-L6", true).value, genericAnatomyCode(true).value);
  EXPECT_EQ(anatomyCode("vertebra 3 (unnamed)", false).value, "51282000");
}

TEST(Html, EscapesMarkup) { EXPECT_EQ(escapeHtml("<a href=\"x\">&</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"); }

TEST(DicomSeg, ObliqueLabelMapRoundTripsVoxelForVoxel) {
  ScratchFolder dir;
  SmallCase c;
  DicomSourceHeader source;
  source.studyInstanceUid = "1.2.3.4", source.frameOfReferenceUid = "1.2.3.5", source.sopClassUid = "1.2.840.10008.5.1.4.1.1.2";
  DicomOutputContext context = makeDicomContext(source, {}, false, nullptr);
  WrittenSegmentation written = writeDicomSegmentation(c.model, *c.labels, context, dir.sub("seg.dcm"));
  EXPECT_EQ(written.segmentNames, (std::vector<std::string>{"L4", "L4-L5", "L5"}));
  EXPECT_EQ(written.frames, 12u);
  ReadSegmentation back = readDicomSegmentation(dir.sub("seg.dcm"));
  EXPECT_EQ(back.segmentNames, written.segmentNames);
  EXPECT_EQ(back.types[1].value, "84020006");
  EXPECT_EQ(back.referencedStudyUid, "1.2.3.4");
  EXPECT_EQ(back.frameOfReferenceUid, "1.2.3.5");
  ASSERT_EQ(back.segments->GetLargestPossibleRegion().GetSize(), c.labels->GetLargestPossibleRegion().GetSize());
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(back.segments->GetOrigin()[k], c.labels->GetOrigin()[k], 1e-4);
  const std::uint16_t byNumber[] = {0, 23, 123, 24};
  std::size_t differ = 0;
  for (std::size_t i = 0; i < c.labels->GetPixelContainer()->Size(); ++i)
    differ += byNumber[back.segments->GetBufferPointer()[i]] != c.labels->GetBufferPointer()[i];
  EXPECT_EQ(differ, 0u);
  if (have("dciodvfy")) {
    EXPECT_EQ(dciodvfyErrors(dir.sub("seg.dcm"), dir), "");
  }
}

TEST(DicomSeg, NotASegmentationIsRefusedNamingTheFile) {
  ScratchFolder dir;
  std::ofstream(dir.sub("junk.dcm")) << "not dicom";
  try {
    readDicomSegmentation(dir.sub("junk.dcm"));
    FAIL() << "accepted";
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::DataError);
    EXPECT_NE(std::string(e.oneLine()).find("junk.dcm"), std::string::npos);
  }
}

TEST(VerseCentroids, RoundTripThroughTheHarnessReader) {
  ScratchFolder dir;
  SmallCase c;
  c.model.levels[0].centroid = {-3.2, 24.1, -27.5};
  c.model.levels[2].centroid = {1.5, 25.0, -10.0};
  writeVerseCentroids(c.model, *c.labels, dir.path().string());
  std::vector<LevelPoint> back = readVerseCentroids(dir.sub("centroids.json"), *c.labels);
  ASSERT_EQ(back.size(), 2u);  // vertebrae only
  EXPECT_EQ(back[0].name, "L4");
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(back[0].centroid[k], c.model.levels[0].centroid[k], 1e-6);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(back[1].centroid[k], c.model.levels[2].centroid[k], 1e-6);
}

TEST(KeyImageCapture, PngBecomesAValidRgbSecondaryCapture) {
  ScratchFolder dir;
  using RgbImage = itk::Image<itk::RGBPixel<std::uint8_t>, 2>;
  auto png = RgbImage::New();
  png->SetRegions(RgbImage::SizeType{{64, 48}});
  png->Allocate();
  for (long y = 0; y < 48; ++y)
    for (long x = 0; x < 64; ++x) {
      itk::RGBPixel<std::uint8_t> p;
      p[0] = std::uint8_t(x * 4), p[1] = std::uint8_t(y * 5), p[2] = 77;
      png->SetPixel({{x, y}}, p);
    }
  auto writer = itk::ImageFileWriter<RgbImage>::New();
  writer->SetInput(png);
  writer->SetImageIO(itk::PNGImageIO::New());
  writer->SetFileName(dir.sub("view.png"));
  writer->Update();
  DicomSourceHeader source;
  source.studyInstanceUid = "1.2.3.4", source.patientName = "Doe^Jane";
  std::vector<std::string> files = writeKeyImageCaptures({"view.png"}, dir.path().string(), makeDicomContext(source, {}, false, nullptr),
                                                         dir.path().string());
  ASSERT_EQ(files, std::vector<std::string>{"key-image-1.dcm"});
  if (have("dciodvfy")) {
    EXPECT_EQ(dciodvfyErrors(dir.sub("key-image-1.dcm"), dir), "");
  }
  // pydicom: the pixel at column 10, row 7 is (40, 35, 77).
  ASSERT_EQ(shell("/usr/bin/python3 -c \"import pydicom,sys; a=pydicom.dcmread(sys.argv[1]).pixel_array; "
                  "sys.exit(0 if list(a[7,10])==[40,35,77] else 1)\" " + dir.sub("key-image-1.dcm"),
                  dir.sub("py.log")),
            0)
      << slurp(dir.sub("py.log"));
}

/// One phantom analysed twice (identified and --deidentify), shared by the tests below.
class AnalysisOutputs : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    s_dir = std::make_unique<ScratchFolder>();
    ASSERT_EQ(runCli("phantom " + std::string(SPINE_SOURCE_DIR) + "/testdata/phantoms/lumbar-ct.json " + s_dir->sub("study"), *s_dir).code, 0);
    for (const char* mode : {"", " --deidentify"}) {
      CliResult r = runCli("analyze " + s_dir->sub("study/dicom") + " --out " + s_dir->sub(*mode ? "anon" : "out") +
                               " --target L4-L5 --quiet" + mode,
                           *s_dir);
      ASSERT_EQ(r.code, 0) << r.err;
    }
  }
  static void TearDownTestSuite() { s_dir.reset(); }
  static std::string out(const std::string& file = "") { return s_dir->sub("out") + (file.empty() ? "" : "/" + file); }
  static std::string anon(const std::string& file = "") { return s_dir->sub("anon") + (file.empty() ? "" : "/" + file); }
  static std::unique_ptr<ScratchFolder> s_dir;
};
std::unique_ptr<ScratchFolder> AnalysisOutputs::s_dir;

TEST_F(AnalysisOutputs, EveryOutputIsWrittenAndListedInTheReport) {
  json report = json::parse(slurp(out("report.json")));
  const std::vector<std::string> expected{"labels.seg.nrrd", "levels.mrk.json", "centroids.json", "report.html",
                                          "report.pdf",      "dicom/seg.dcm",   "dicom/sr.dcm"};
  EXPECT_EQ(report["outputs"]["files"].get<std::vector<std::string>>(), expected);
  for (const std::string& f : expected) EXPECT_TRUE(fs::file_size(out(f)) > 0) << f;
  EXPECT_FALSE(report["outputs"]["deidentified"].get<bool>());
}

TEST_F(AnalysisOutputs, DicomObjectsValidateWithDciodvfyAndDsrdump) {
  if (!have("dciodvfy") || !have("dsrdump")) GTEST_SKIP() << "dicom3tools/dcmtk not installed (scripts/install-deps.sh installs them)";
  ScratchFolder dir;
  EXPECT_EQ(dciodvfyErrors(out("dicom/seg.dcm"), dir), "");
  EXPECT_EQ(dciodvfyErrors(out("dicom/sr.dcm"), dir), "");
  ASSERT_EQ(shell("dsrdump " + out("dicom/sr.dcm"), dir.sub("dsrdump.log")), 0);
  const std::string sr = slurp(dir.sub("dsrdump.log"));
  EXPECT_NE(sr.find("Imaging Measurement Report"), std::string::npos);
  EXPECT_NE(sr.find("\"L4-L5\""), std::string::npos);           // tracking identifier
  EXPECT_NE(sr.find("(84020006,SCT,\"L4/L5 disc\")"), std::string::npos);
  EXPECT_NE(sr.find("Vertebral level numbering"), std::string::npos);
  EXPECT_NE(sr.find("cubic millimeter"), std::string::npos);
}

TEST_F(AnalysisOutputs, IndependentReadersAgreeWithTheLabelMap) {
  ScratchFolder dir;
  ASSERT_EQ(shell("/usr/bin/python3 " + std::string(SPINE_SOURCE_DIR) + "/tests/tools/check_outputs.py " + out(), dir.sub("check.log")), 0)
      << slurp(dir.sub("check.log"));
}

TEST_F(AnalysisOutputs, OwnSegReaderGivesBackEveryLevel) {
  LabelImage::Pointer labels = readLabelMap(out("labels.nii.gz"));
  ReadSegmentation back = readDicomSegmentation(out("dicom/seg.dcm"), labels.GetPointer());
  viewer::ReviewModel model = viewer::loadReviewModel(out());
  ASSERT_EQ(back.segments->GetPixelContainer()->Size(), labels->GetPixelContainer()->Size());
  std::vector<std::uint16_t> valueOf{0};
  for (const std::string& name : back.segmentNames) valueOf.push_back(model.levels.at(std::size_t(model.levelIndex(name))).label);
  // Every level's voxels come back; other labels (ribs) are not segments of the SEG.
  std::vector<bool> isLevel(65536, false);
  for (const viewer::ReviewLevel& l : model.levels) isLevel[l.label] = true;
  std::size_t differ = 0;
  for (std::size_t i = 0; i < labels->GetPixelContainer()->Size(); ++i) {
    const std::uint16_t truth = labels->GetBufferPointer()[i];
    differ += valueOf.at(back.segments->GetBufferPointer()[i]) != (isLevel[truth] ? truth : 0);
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_EQ(back.segmentNames.size(), model.levels.size());
}

TEST_F(AnalysisOutputs, PdfReadsVerdictFirstThenTargetAndLevels) {
  if (!have("pdftotext")) GTEST_SKIP() << "poppler-utils not installed";
  ScratchFolder dir;
  ASSERT_EQ(shell("pdftotext -layout " + out("report.pdf") + " -", dir.sub("pdf.txt")), 0);
  const std::string text = slurp(dir.sub("pdf.txt"));
  const auto verdict = text.find("Level numbering"), target = text.find("Surgical target"), levels = text.find("L4-L5");
  ASSERT_NE(verdict, std::string::npos);
  EXPECT_LT(verdict, target);
  EXPECT_LT(target, text.find("Levels"));
  EXPECT_NE(levels, std::string::npos);
  EXPECT_NE(text.find("NOT YET CONFIRMED"), std::string::npos);
  EXPECT_NE(text.find("SpineReview Synthetic"), std::string::npos);  // the patient, when not de-identified
  EXPECT_EQ(text.find("Detector hardware"), std::string::npos);      // a detector that ran is no limit
}

TEST_F(AnalysisOutputs, HtmlIsSelfContained) {
  const std::string html = slurp(out("report.html"));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  for (const char* attribute : {"src=\"", "href=\""})
    for (const char* remote : {"http:", "https:", "//", "file:"})
      EXPECT_EQ(html.find(std::string(attribute) + remote), std::string::npos) << attribute << remote;
  EXPECT_LT(html.find("id=\"numbering\""), html.find("id=\"levels\""));
}

TEST_F(AnalysisOutputs, DeidentifiedOutputsCarryNoPatientIdentity) {
  ScratchFolder dir;
  const std::vector<std::string> files{"report.html", "dicom/seg.dcm", "dicom/sr.dcm"};
  for (const std::string& f : files) {
    const std::string bytes = slurp(anon(f));
    ASSERT_FALSE(bytes.empty()) << f;
    for (const char* identity : {"Synthetic", "SYNTHETIC", "SYN0001", "20260101"}) EXPECT_EQ(bytes.find(identity), std::string::npos) << f << " holds " << identity;
  }
  if (have("pdftotext")) {
    ASSERT_EQ(shell("pdftotext " + anon("report.pdf") + " -", dir.sub("pdf.txt")), 0);
    EXPECT_EQ(slurp(dir.sub("pdf.txt")).find("Synthetic"), std::string::npos);
  }
  EXPECT_NE(slurp(anon("dicom/seg.dcm")).find("113100"), std::string::npos);  // Basic Profile code
  // UIDs remapped: neither the study's nor any source image's UID appears in any output.
  const json identified = json::parse(slurp(out("report.json")));
  const std::string studyUid = identified["study"]["study_instance_uids"][0];
  const std::string seriesUid = identified["series"][0]["series_instance_uid"];
  for (const std::string& f : {std::string("dicom/seg.dcm"), std::string("dicom/sr.dcm"), std::string("report.json"), std::string("report.html")}) {
    EXPECT_EQ(slurp(anon(f)).find(studyUid), std::string::npos) << f << " holds the study UID";
    EXPECT_EQ(slurp(anon(f)).find(seriesUid), std::string::npos) << f << " holds the series UID";
  }
  const json report = json::parse(slurp(anon("report.json")));
  EXPECT_EQ(report["input"]["path"], "(de-identified)");
  EXPECT_EQ(slurp(anon("report.json")).find(s_dir->sub("study")), std::string::npos);
  if (have("dciodvfy")) {
    EXPECT_EQ(dciodvfyErrors(anon("dicom/seg.dcm"), dir), "");
  }
}

TEST_F(AnalysisOutputs, DeidentificationRefusesImagesWithBurnedInAnnotation) {
  ScratchFolder dir;
  fs::copy(s_dir->sub("study/dicom"), dir.sub("study"), fs::copy_options::recursive);
  ASSERT_EQ(std::system(("dcmodify -nb -i \"(0028,0301)=YES\" " + dir.sub("study") + "/*.dcm >/dev/null 2>&1").c_str()), 0);
  CliResult r = runCli("analyze " + dir.sub("study") + " --out " + dir.sub("out") + " --quiet --deidentify", dir);
  EXPECT_EQ(r.code, 65) << r.err;
  EXPECT_NE(r.err.find("Burned In Annotation"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.sub("out/report.json")));
  EXPECT_FALSE(fs::exists(dir.sub("out/report.html")));
}

TEST_F(AnalysisOutputs, LoaderStillChoosesTheCtWhenTheOutputsSitInTheStudy) {
  ScratchFolder dir;
  fs::copy(s_dir->sub("study/dicom"), dir.sub("study"), fs::copy_options::recursive);
  fs::copy(out("dicom"), dir.sub("study/derived"), fs::copy_options::recursive);
  CliResult r = runCli("analyze " + dir.sub("study") + " --out " + dir.sub("again") + " --quiet --no-dicom", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  json report = json::parse(slurp(dir.sub("again/report.json")));
  EXPECT_EQ(report["volume"]["modality"], "CT");
  EXPECT_EQ(report["vertebrae"].size(), json::parse(slurp(out("report.json")))["vertebrae"].size());
}

TEST_F(AnalysisOutputs, ReportCommandRewritesOutputsWithTheReviewersDecision) {
  ScratchFolder dir;
  fs::copy(out(), dir.sub("copy"), fs::copy_options::recursive);
  json report = json::parse(slurp(dir.sub("copy/report.json")));
  report["target_reviews"] = json::array({{{"level", "L4-L5"}, {"decision", "confirmed"}, {"reviewer", "dr.test"},
                                           {"time_utc", "2026-11-22T08:00:00Z"}, {"note", "counted from C2"}}});
  std::ofstream(dir.sub("copy/report.json")) << report.dump(2);
  CliResult r = runCli("report " + dir.sub("copy"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string html = slurp(dir.sub("copy/report.html"));
  EXPECT_NE(html.find("confirmed by dr.test"), std::string::npos);
  EXPECT_EQ(html.find("NOT YET CONFIRMED"), std::string::npos);
}

TEST(ReportCommand, MissingOrDamagedAnalysisIsRefusedWithItsExitCode) {
  ScratchFolder dir;
  CliResult missing = runCli("report " + dir.sub("nothing-here"), dir);
  EXPECT_EQ(missing.code, 66) << missing.err;
  EXPECT_NE(missing.err.find("nothing-here"), std::string::npos);
  fs::create_directories(dir.sub("bad"));
  std::ofstream(dir.sub("bad/report.json")) << "{ half";
  CliResult damaged = runCli("report " + dir.sub("bad"), dir);
  EXPECT_EQ(damaged.code, 65) << damaged.err;
  EXPECT_FALSE(fs::exists(dir.sub("bad/report.html")));
}

TEST(VolumeInput, NiftiGetsHumanAndResearchOutputsButNoDicom) {
  const std::string data = sharedData("totalseg-example/nifti/example_ct.nii.gz");
  SKIP_WITHOUT_SHARED_DATA(data);
  ScratchFolder dir;
  CliResult r = runCli("analyze " + data + " --out " + dir.sub("out") + " --quiet", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  json report = json::parse(slurp(dir.sub("out/report.json")));
  EXPECT_TRUE(fs::exists(dir.sub("out/report.pdf")));
  EXPECT_FALSE(fs::exists(dir.sub("out/dicom/seg.dcm")));
  EXPECT_NE(report["outputs"]["warnings"][0].get<std::string>().find("not DICOM"), std::string::npos);
}

/// The phantom of testdata/phantoms/SPEC.json analysed by the CLI into a folder nobody created yet
/// (dir/out/nested); its report.
json analyseMrPhantom(const ScratchFolder& dir, const std::string& spec) {
  EXPECT_EQ(runCli("phantom " + std::string(SPINE_SOURCE_DIR) + "/testdata/phantoms/" + spec + ".json " + dir.sub("mr"), dir).code, 0);
  CliResult r = runCli("analyze " + dir.sub("mr/dicom") + " --out " + dir.sub("out/nested") + " --quiet", dir);
  EXPECT_EQ(r.code, 0) << r.err;
  return json::parse(slurp(dir.sub("out/nested/report.json")));
}

TEST(MrStudy, ProvisionalLevelsReachEveryOutputAndTheReportSaysWhy) {
  ScratchFolder dir;
  json report = analyseMrPhantom(dir, "lumbar-mr-t2");
  EXPECT_EQ(report["numbering"]["status"], "provisional");
  EXPECT_FALSE(report["discs"].empty());
  for (const std::string f : {"labels.nii.gz", "report.html", "report.pdf", "dicom/seg.dcm", "dicom/sr.dcm"})
    EXPECT_TRUE(fs::exists(dir.sub("out/nested/" + f))) << f;
  EXPECT_NE(slurp(dir.sub("out/nested/report.html")).find("ribs are not assessed on MR"), std::string::npos);
}

TEST(MrStudy, AnAxialSeriesWithNoLevelsGetsItsReportIntoANewFolder) {
  ScratchFolder dir;
  json report = analyseMrPhantom(dir, "axial-mr-t2");
  EXPECT_TRUE(report["vertebrae"].empty());
  EXPECT_TRUE(fs::exists(dir.sub("out/nested/report.html")));
  EXPECT_NE(report.dump().find("not sagittal"), std::string::npos);
}

TEST(SlicerModule, XmlDescribesTheModuleAndTheCallWritesTheLabelMap) {
  ScratchFolder dir;
  CliResult xml = runCli("--xml", dir);
  ASSERT_EQ(xml.code, 0);
  EXPECT_NE(xml.out.find("<longflag>inputVolume</longflag>"), std::string::npos);
  std::ofstream(dir.sub("module.xml")) << xml.out;
  EXPECT_EQ(shell("/usr/bin/python3 -c \"import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])\" " + dir.sub("module.xml"), dir.sub("x.log")), 0);
  const std::string data = sharedData("totalseg-example/nifti/example_ct.nii.gz");
  SKIP_WITHOUT_SHARED_DATA(data);
  CliResult call = runCli("--inputVolume " + data + " --outputLabelMap " + dir.sub("labels.nrrd") + " --outputDirectory " + dir.sub("rep"), dir);
  ASSERT_EQ(call.code, 0) << call.err;
  LabelImage::Pointer fromSlicer = readLabelMap(dir.sub("labels.nrrd")), analysed = readLabelMap(dir.sub("rep/labels.nii.gz"));
  ASSERT_EQ(fromSlicer->GetPixelContainer()->Size(), analysed->GetPixelContainer()->Size());
  EXPECT_TRUE(std::equal(fromSlicer->GetBufferPointer(), fromSlicer->GetBufferPointer() + fromSlicer->GetPixelContainer()->Size(),
                         analysed->GetBufferPointer()));
}

}  // namespace
}  // namespace spine::test
