// The bad-input corpus: every broken or hostile input gets a one-line error naming the file and
// the problem, an exit code from the README's table, and no report.json. Runs the real command.
#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <zip.h>

#include <nlohmann/json.hpp>

#include "TestHelpers.h"
#include "spine/Report.h"

namespace spine::test {
namespace {

/// Analyses `input`; checks the failure contract and returns the result.
CliResult expectRefused(const std::string& input, int code, const std::string& words, const ScratchFolder& dir,
                        const std::string& extra = "") {
  std::string outDir = dir.sub("out");
  CliResult r = runCli("analyze '" + input + "' --out " + outDir + " --quiet " + extra, dir);
  EXPECT_EQ(r.code, code) << input << "\n" << r.err;
  EXPECT_FALSE(fs::exists(outDir + "/report.json")) << "a failed analysis left a report: " << input;
  std::string errorLine;
  std::istringstream lines(r.err);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("spinereview: error: ", 0) == 0) {
      EXPECT_TRUE(errorLine.empty()) << "more than one error line:\n" << r.err;
      errorLine = line;
    }
  EXPECT_NE(errorLine.find(fs::path(input).filename().string()), std::string::npos) << "error does not name the file: " << r.err;
  EXPECT_NE(errorLine.find(words), std::string::npos) << "expected '" << words << "' in: " << r.err;
  return r;
}

std::string goodFile(const ScratchFolder& dir) {
  AnalyticSeries a = analyticGrid(16, 16, 3);
  return writeAnalytic(dir.sub("good"), a).front();
}

void writeBytes(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string truncatedCopy(const std::string& from, const std::string& to, size_t keep) {
  std::string bytes = slurp(from);
  writeBytes(to, bytes.substr(0, std::min(keep, bytes.size())));
  return to;
}

/// Loads a good file, lets `edit` change it, saves as `to` (Explicit VR Little Endian).
template <typename Edit>
std::string editedCopy(const std::string& from, const std::string& to, Edit edit) {
  DcmFileFormat ff;
  EXPECT_TRUE(ff.loadFile(from.c_str()).good());
  edit(*ff.getDataset());
  fs::create_directories(fs::path(to).parent_path());
  EXPECT_TRUE(ff.saveFile(to.c_str(), EXS_LittleEndianExplicit).good());
  return to;
}

std::string le16(unsigned v) { return std::string{char(v & 0xFF), char(v >> 8)}; }
std::string le32(std::uint32_t v) { return le16(v & 0xFFFF) + le16(v >> 16); }

/// Part 10 header with Explicit VR Little Endian and then `body`.
std::string part10(const std::string& body) {
  std::string ts = "1.2.840.10008.1.2.1";
  ts += '\0';
  std::string meta = le16(0x0002) + le16(0x0010) + "UI" + le16(unsigned(ts.size())) + ts;
  return std::string(128, '\0') + "DICM" + meta + body;
}

TEST(BadInput, TruncatedHeader) {
  ScratchFolder dir;
  std::string bad = truncatedCopy(goodFile(dir), dir.sub("bad/trunc_header.dcm"), 300);
  expectRefused(bad, 65, "", dir);
}

TEST(BadInput, TruncatedPixelData) {
  ScratchFolder dir;
  std::string good = goodFile(dir);
  std::string bad = truncatedCopy(good, dir.sub("bad/trunc_pixels.dcm"), fs::file_size(good) - 100);
  expectRefused(bad, 65, "bytes", dir);
}

TEST(BadInput, DeclaredLengthBeyondTheFile) {
  ScratchFolder dir;
  std::string body = le16(0x0010) + le16(0x0010) + "LO" + le16(0x7FF0) + "DOE^JOHN";
  std::string bad = dir.sub("bad/long_length.dcm");
  writeBytes(bad, part10(body));
  expectRefused(bad, 65, "declares", dir);
}

TEST(BadInput, DeeplyNestedSequences) {
  ScratchFolder dir;
  std::string body;
  for (int i = 0; i < 5000; ++i)  // (0040,0275) Request Attributes Sequence, undefined length, nested
    body += le16(0x0040) + le16(0x0275) + "SQ" + le16(0) + le32(0xFFFFFFFF) + le16(0xFFFE) + le16(0xE000) + le32(0xFFFFFFFF);
  std::string bad = dir.sub("bad/nested.dcm");
  writeBytes(bad, part10(body));
  expectRefused(bad, 65, "nested deeper", dir);
}

TEST(BadInput, AbsurdRowsColumnsAndFrames) {
  ScratchFolder dir;
  std::string good = goodFile(dir);
  expectRefused(editedCopy(good, dir.sub("bad/rows.dcm"), [](DcmDataset& d) { d.putAndInsertUint16(DCM_Rows, 0); }), 65,
                "Rows x Columns", dir);
  expectRefused(editedCopy(good, dir.sub("bad/cols.dcm"), [](DcmDataset& d) { d.putAndInsertUint16(DCM_Columns, 65535); }),
                65, "", dir);
  expectRefused(editedCopy(good, dir.sub("bad/frames.dcm"), [](DcmDataset& d) { d.putAndInsertString(DCM_NumberOfFrames, "999999999"); }),
                65, "Number of Frames", dir);
}

TEST(BadInput, MissingPixelData) {
  ScratchFolder dir;
  std::string bad = editedCopy(goodFile(dir), dir.sub("bad/nopixels.dcm"), [](DcmDataset& d) { delete d.remove(DCM_PixelData); });
  expectRefused(bad, 65, "no Pixel Data", dir);
}

TEST(BadInput, WrongValueRepresentation) {
  ScratchFolder dir;
  std::string body = le16(0x0028) + le16(0x0010) + "DS" + le16(4) + "abc " + le16(0x7FE0) + le16(0x0010) + "OW" + le16(0) + le32(4) + "xxxx";
  std::string bad = dir.sub("bad/wrong_vr.dcm");
  writeBytes(bad, part10(body));
  expectRefused(bad, 65, "", dir);
}

TEST(BadInput, NonDicomFileAloneIsRefused) {
  ScratchFolder dir;
  std::string bad = dir.sub("bad/notes.txt");
  writeBytes(bad, "this is not a DICOM file, it is a note from the uploader\n");
  expectRefused(bad, 65, "not DICOM", dir);
}

TEST(BadInput, NonDicomFilesMixedInAreSkippedWithAWarning) {
  ScratchFolder dir;
  goodFile(dir);
  writeBytes(dir.sub("good/readme.txt"), "uploaded with love\n");
  writeBytes(dir.sub("good/DICOMDIR.bak"), std::string(4000, '\x07'));
  CliResult r = runCli("analyze " + dir.sub("good") + " --out " + dir.sub("out") + " --quiet", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  std::string report = slurp(dir.sub("out/report.json"));
  EXPECT_NE(report.find("readme.txt"), std::string::npos);
  EXPECT_NE(report.find("2 of 5 file(s) skipped"), std::string::npos);
}

TEST(BadInput, EmptyFolderAndMissingPath) {
  ScratchFolder dir;
  fs::create_directories(dir.sub("empty"));
  expectRefused(dir.sub("empty"), 66, "holds no files", dir);
  expectRefused(dir.sub("nowhere"), 66, "does not exist", dir);
}

std::string makeZip(const std::string& path, const std::vector<std::pair<std::string, std::string>>& entries) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  EXPECT_NE(z, nullptr);
  for (const auto& [name, data] : entries) {
    zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
    EXPECT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8), 0) << name;
  }
  EXPECT_EQ(zip_close(z), 0);
  return path;
}

TEST(BadInput, ZipWithEscapingPathsIsRefusedAndWritesNothingOutside) {
  ScratchFolder dir;
  std::string dicom = slurp(goodFile(dir));
  expectRefused(makeZip(dir.sub("dotdot.zip"), {{"ok.dcm", dicom}, {"../../evil.dcm", dicom}}), 65, "'..' path", dir);
  expectRefused(makeZip(dir.sub("absolute.zip"), {{"/tmp/spinereview-evil.dcm", dicom}}), 65, "absolute", dir);
  EXPECT_FALSE(fs::exists("/tmp/spinereview-evil.dcm"));
  EXPECT_FALSE(fs::exists(dir.path().parent_path() / "evil.dcm"));
}

TEST(BadInput, ZipBombIsRefused) {
  ScratchFolder dir;
  std::string zeros(64u << 20, '\0');  // 64 MiB of zeros deflate to about 64 KiB
  expectRefused(makeZip(dir.sub("bomb.zip"), {{"a.dcm", zeros}}), 65, "zip bomb", dir, "--max-unpacked 16");
}

TEST(BadInput, GoodZipIsAnalysed) {
  ScratchFolder dir;
  AnalyticSeries a = analyticGrid(16, 16, 4);
  std::vector<std::pair<std::string, std::string>> entries;
  for (const std::string& f : writeAnalytic(dir.sub("series"), a))
    entries.push_back({"study/" + fs::path(f).filename().string(), slurp(f)});
  CliResult r = runCli("analyze " + makeZip(dir.sub("study.zip"), entries) + " --out " + dir.sub("out") + " --quiet", dir);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(slurp(dir.sub("out/report.json")).find("\"kind\": \"zip\""), std::string::npos);
}

TEST(BadInput, MemoryCapIsEnforcedWithAClearError) {
  ScratchFolder dir;
  AnalyticSeries a = analyticGrid(512, 512, 6);
  writeAnalytic(dir.sub("s"), a);
  expectRefused(dir.sub("s"), 65, "above the cap", dir, "--max-memory 1");
}

/// Debian's python3-pydicom ships malformed and unusual files; none may crash or hang the
/// command, and each refusal must be one clear line.
TEST(BadInput, PydicomTestFilesNeverCrash) {
  fs::path corpus = "/usr/lib/python3/dist-packages/pydicom/data/test_files";
  if (!fs::exists(corpus)) GTEST_SKIP() << "python3-pydicom test files are not installed";
  ScratchFolder dir;
  int refused = 0, analysed = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (!entry.is_regular_file()) continue;
    CliResult r = runCli("analyze '" + entry.path().string() + "' --out " + dir.sub("out") + " --quiet --timeout 60", dir);
    EXPECT_TRUE(r.code == 0 || r.code == 65) << entry.path() << " exit " << r.code << "\n" << r.err;
    if (r.code == 0) {
      ++analysed;
      fs::remove_all(dir.sub("out"));
    } else {
      ++refused;
      EXPECT_NE(r.err.find(entry.path().filename().string()), std::string::npos) << r.err;
      EXPECT_FALSE(fs::exists(dir.sub("out/report.json")));
    }
  }
  std::printf("pydicom corpus: %d analysed, %d refused with a one-line error\n", analysed, refused);
}

TEST(Cli, UsageErrorsExit64AndHelpWorks) {
  ScratchFolder dir;
  EXPECT_EQ(runCli("analyze", dir).code, 64);
  EXPECT_EQ(runCli("frobnicate", dir).code, 64);
  CliResult help = runCli("analyze --help", dir);
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("--max-memory"), std::string::npos);
}

TEST(Cli, DemoPhantomRunsEndToEnd) {
  ScratchFolder dir;
  ASSERT_EQ(runCli("phantom " + std::string(SPINE_SOURCE_DIR) + "/testdata/phantoms/lumbar-ct.json " + dir.sub("study"), dir).code, 0);
  CliResult r = runCli("analyze " + dir.sub("study/dicom") + " --out " + dir.sub("out") + " --target L4-L5", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("report:"), std::string::npos);
  std::string report = slurp(dir.sub("out/report.json"));
  EXPECT_NE(report.find(std::string("\"schema_version\": \"") + kReportSchemaVersion + "\""), std::string::npos);
  EXPECT_NE(report.find("\"requested\": \"L4-L5\""), std::string::npos);
  nlohmann::json j = nlohmann::json::parse(report);
  EXPECT_FALSE(j["vertebrae"].empty());
  EXPECT_NE(j["numbering"]["status"], "confirmed") << "a lumbar-only CT cannot confirm the count";
  EXPECT_TRUE(fs::exists(dir.sub("out/labels.nii.gz")));
  EXPECT_EQ(report.find("SYNTHETIC"), std::string::npos) << "patient identifiers leaked into the report";
}

TEST(Cli, PluginsRunBesideTheBuiltInsAndTheirFailuresAreReported) {
  ScratchFolder dir;
  std::ofstream(dir.sub("spec.json")) << R"({"seed": 5, "acquisition": {"pixel_mm": 1.5, "slice_mm": 3.0}})";
  ASSERT_EQ(runCli("phantom " + dir.sub("spec.json") + " " + dir.sub("study"), dir).code, 0);
  CliResult r = runCli("analyze " + dir.sub("study/dicom") + " --out " + dir.sub("out") + " --quiet --plugins " + SPINE_TEST_PLUGINS, dir);
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json report = nlohmann::json::parse(slurp(dir.path() / "out/report.json"));
  std::map<std::string, std::string> outcomes;
  for (const auto& d : report["detectors"]) outcomes[d["detector"]] = d["outcome"];
  EXPECT_EQ(outcomes["hardware"], "ran");
  EXPECT_EQ(outcomes["test-good"], "ran");
  EXPECT_EQ(outcomes["test-crashing"], "failed");
  EXPECT_EQ(outcomes["plugin future_abi_plugin.so"], "failed");
  std::string all = report.dump();
  EXPECT_NE(all.find("\"kind\":\"test-finding\""), std::string::npos) << "the good plugin's finding is in the report";
  EXPECT_NE(r.out.find("test-crashing detector did not complete"), std::string::npos) << r.out;
  EXPECT_EQ(runCli("analyze " + dir.sub("study/dicom") + " --out " + dir.sub("out2") + " --quiet --plugins " + dir.sub("none"), dir).code, 66);
  EXPECT_FALSE(fs::exists(dir.sub("out2"))) << "a wrong plugin folder stops the command before anything is written";
}

TEST(Cli, PhantomSpecErrorsNameTheFileAndKey) {
  ScratchFolder dir;
  std::ofstream(dir.sub("typo.json")) << R"({"lumbar_cont": 6})";
  CliResult typo = runCli("phantom " + dir.sub("typo.json") + " " + dir.sub("out"), dir);
  EXPECT_EQ(typo.code, 65);
  EXPECT_NE(typo.err.find("typo.json"), std::string::npos);
  EXPECT_NE(typo.err.find("\"lumbar_cont\" is not a known key"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.sub("out"))) << "nothing is written for a refused spec";
  EXPECT_EQ(runCli("phantom " + dir.sub("absent.json") + " " + dir.sub("out"), dir).code, 66);
  std::ofstream(dir.sub("level.json")) << R"({"hardware": [{"type": "pedicle-screws", "levels": ["L6"]}]})";
  CliResult level = runCli("phantom " + dir.sub("level.json") + " " + dir.sub("out"), dir);
  EXPECT_EQ(level.code, 65);
  EXPECT_NE(level.err.find("L6 is not a vertebra of this anatomy"), std::string::npos);
}

TEST(Cli, EvaluateScoresAPhantomAndRefusesMissingCases) {
  ScratchFolder dir;
  std::ofstream(dir.sub("small.json")) << R"({"fov_from": "L3", "fov_to": "L5", "acquisition": {"pixel_mm": 2, "slice_mm": 3}})";
  ASSERT_EQ(runCli("phantom " + dir.sub("small.json") + " " + dir.sub("cases/small"), dir).code, 0);
  CliResult r = runCli("evaluate " + dir.sub("cases") + " --out " + dir.sub("eval"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("OVERALL"), std::string::npos);
  nlohmann::json j = nlohmann::json::parse(slurp(dir.sub("eval/evaluation.json")));
  EXPECT_EQ(j["cases"].size(), 1u);
  EXPECT_EQ(j["cases"][0]["truth_vertebrae"], 3);
  EXPECT_EQ(runCli("evaluate " + dir.sub("nothing-here") + " --out " + dir.sub("eval2"), dir).code, 66);
}

TEST(Cli, EvaluateRecordsAFailedAnalysisAndScoresItAsMissed) {
  ScratchFolder dir;
  std::ofstream(dir.sub("small.json")) << R"({"fov_from": "L3", "fov_to": "L5", "acquisition": {"pixel_mm": 2, "slice_mm": 3}})";
  ASSERT_EQ(runCli("phantom " + dir.sub("small.json") + " " + dir.sub("case"), dir).code, 0);
  std::ofstream(dir.sub("case/broken.dcm")) << "not a DICOM file at all";
  std::ofstream(dir.sub("case/case.json")) << R"({"name": "broken", "input": "broken.dcm", "truth": "truth.json"})";
  CliResult r = runCli("evaluate " + dir.sub("case") + " --out " + dir.sub("eval"), dir);
  ASSERT_EQ(r.code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(slurp(dir.sub("eval/evaluation.json")));
  ASSERT_EQ(j["cases"].size(), 1u);
  EXPECT_NE(j["cases"][0]["error"].get<std::string>().find("analyze exit 6"), std::string::npos);
  EXPECT_EQ(j["cases"][0]["identified"], 0);
  EXPECT_EQ(j["cases"][0]["truth_vertebrae"], 3);
}

}  // namespace
}  // namespace spine::test
