// Axial stacks assigned to levels through the CLI: a sagittal and an axial T2 of the same phantom
// anatomy in one study; every true disc's nearest axial slice is reported at that disc, and an
// axial stack in another frame of reference is left unassigned with the reason.
#include <cmath>
#include <filesystem>
#include <fstream>

#include "TestHelpers.h"
#include "spine/Vec3Json.h"

namespace spine::test {
namespace {

using nlohmann::json;

/// Writes a phantom of `orientation` into dir/name (same seed: same anatomy, same coordinates).
void writeMrPhantom(const ScratchFolder& dir, const std::string& name, const std::string& orientation, double sliceMm) {
  std::ofstream(dir.sub(name + ".json")) << R"({"name":")" << name << R"(","modality":"MR","field_of_view":"lumbar","seed":7,)"
                                          << R"("acquisition":{"orientation":")" << orientation << R"(","pixel_mm":1.0,"slice_mm":)"
                                          << sliceMm << R"(,"mr_contrast":"T2"}})";
  ASSERT_EQ(runCli("phantom " + dir.sub(name + ".json") + " " + dir.sub(name), dir).code, 0);
}

/// Moves every file of `series` into the study and frame of reference of `reference`'s first file.
void joinStudy(const ScratchFolder& dir, const std::string& series, const std::string& reference, bool sameFrame) {
  const std::string first = std::filesystem::directory_iterator(dir.sub(reference + "/dicom"))->path().string();
  std::string command = "uid() { dcmdump +P \"$1\" '" + first + "' | sed 's/.*\\[\\(.*\\)\\].*/\\1/'; }; dcmodify -nb -m \"(0020,000d)=$(uid 0020,000d)\"";
  if (sameFrame) command += " -m \"(0020,0052)=$(uid 0020,0052)\"";
  command += " '" + dir.sub(series + "/dicom") + "'/* >/dev/null";
  ASSERT_EQ(runShell(command), 0) << command;
  std::filesystem::create_directories(dir.sub("study"));
  std::filesystem::rename(dir.sub(series + "/dicom"), dir.sub("study/" + series));
  if (!std::filesystem::exists(dir.sub("study/" + reference))) std::filesystem::rename(dir.sub(reference + "/dicom"), dir.sub("study/" + reference));
}

/// A sagittal and an axial phantom series in one study (the axial in the same frame of reference
/// or not), analysed by the CLI into dir/out.
CliResult analyseTwoSeriesStudy(const ScratchFolder& dir, bool sameFrame) {
  writeMrPhantom(dir, "sagittal", "sagittal", 1.0);
  writeMrPhantom(dir, "axial", "axial", 4.0);
  joinStudy(dir, "axial", "sagittal", sameFrame);
  return runCli("analyze " + dir.sub("study") + " --out " + dir.sub("out") + " --quiet --no-dicom", dir);
}

TEST(AxialAssignmentTest, EachDiscsNearestAxialSliceIsReportedAtThatDisc) {
  ScratchFolder dir;
  CliResult r = analyseTwoSeriesStudy(dir, true);
  ASSERT_EQ(r.code, 0) << r.err;
  json report = json::parse(slurp(dir.sub("out/report.json")));
  EXPECT_EQ(report["volume"]["mr_weighting"], "T2");  // the sagittal T2 phantom series, from its DICOM
  ASSERT_EQ(report["axial_series"].size(), 1u);
  const json& axial = report["axial_series"][0];
  ASSERT_TRUE(axial["assigned"].get<bool>()) << axial["why"];
  json truth = json::parse(slurp(dir.sub("axial/truth.json")));
  for (const json& disc : truth["discs"]) {
    const double z = vec3FromJson(disc["centroid_lps_mm"])[2];
    const json* nearest = nullptr;
    for (const json& s : axial["slices"])
      if (!nearest || std::abs(s["position_mm"].get<double>() - z) < std::abs((*nearest)["position_mm"].get<double>() - z)) nearest = &s;
    ASSERT_NE(nearest, nullptr);
    EXPECT_EQ((*nearest)["level"], disc["name"]) << "slice " << (*nearest)["index"];
  }
  EXPECT_NE(r.out.find("axial:    series"), std::string::npos) << r.out;
  const std::string html = slurp(dir.sub("out/report.html"));
  EXPECT_NE(html.find("Axial slices by level"), std::string::npos);
  EXPECT_NE(html.find("L4-L5 slices"), std::string::npos);
}

TEST(AxialAssignmentTest, AStackInAnotherFrameOfReferenceIsNotAssigned) {
  ScratchFolder dir;
  CliResult r = analyseTwoSeriesStudy(dir, false);
  ASSERT_EQ(r.code, 0) << r.err;
  json report = json::parse(slurp(dir.sub("out/report.json")));
  ASSERT_EQ(report["axial_series"].size(), 1u);
  EXPECT_FALSE(report["axial_series"][0]["assigned"].get<bool>());
  EXPECT_NE(report["axial_series"][0]["why"].get<std::string>().find("Frame of Reference"), std::string::npos);
}

}  // namespace
}  // namespace spine::test
