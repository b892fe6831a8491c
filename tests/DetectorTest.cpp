// Detectors run isolated: a detector that throws, crashes or hangs becomes a detector-failure
// finding and the others' findings survive; runtime plugins are refused (with the reason) when
// their ABI is not the host's or they are not plugins, and a plugin crashing in detect() is
// contained like any detector.
#include "TestHelpers.h"

#include <csignal>
#include <thread>

#include "spine/Detector.h"
#include "spine/PluginDetector.h"

namespace spine::test {
namespace {

Volume tinyCt() {
  Volume v;
  v.modality = Modality::CT;
  v.ct = CtImage::New();
  v.ct->SetRegions(CtImage::RegionType({{0, 0, 0}}, {{12, 10, 8}}));
  v.ct->Allocate();
  v.ct->FillBuffer(40);
  return v;
}

class FakeDetector : public Detector {
public:
  enum class Does { Report, Throw, Crash, Hang, SkipCt };
  FakeDetector(std::string name, Does does) : m_name(std::move(name)), m_does(does) {}
  std::string name() const override { return m_name; }
  bool appliesTo(Modality m) const override { return !(m_does == Does::SkipCt && m == Modality::CT); }
  std::vector<Finding> detect(const DetectorInput& in) const override {
    if (m_does == Does::Throw) throw std::runtime_error("no disc found");
    if (m_does == Does::Crash) std::raise(SIGSEGV);
    if (m_does == Does::Hang) std::this_thread::sleep_for(std::chrono::seconds(30));
    Finding f;
    f.kind = "test";
    f.levels = {"L4-L5"};
    f.measurements = {{"width", double(in.volume.ct->GetLargestPossibleRegion().GetSize()[0]), "voxels", "counted"}};
    f.evidencePoints = {{1, 2, 3}};
    return {f};
  }

private:
  std::string m_name;
  Does m_does;
};

const Finding* failureOf(const DetectorRun& run, const std::string& detector) {
  for (const Finding& f : run.findings)
    if (f.kind == "detector-failure" && f.detector == detector) return &f;
  return nullptr;
}

TEST(FindingTest, JsonRoundTripKeepsEverything) {
  Finding f;
  f.kind = "hardware";
  f.detector = "hardware";
  f.levels = {"L4"};
  f.certainty = "definite";
  f.summary = "Pedicle screw in L4, left.";
  f.measurements = {{"length", 45.5, "mm", "along its axis"}};
  f.details = {{"side", "left"}};
  f.evidencePoints = {{1, 2, 3}, {4, 5, 6}};
  f.evidenceLabel = 23;
  Finding back = findingFromJson(toJson(f), "test");
  EXPECT_EQ(toJson(back), toJson(f));
  EXPECT_THROW(findingFromJson({{"levels", {"L4"}}}, "test"), SpineError) << "a finding needs a kind";
}

TEST(DetectorRunTest, FailuresBecomeFindingsAndTheRestSurvives) {
  std::vector<std::unique_ptr<Detector>> list;
  list.push_back(std::make_unique<FakeDetector>("thrower", FakeDetector::Does::Throw));
  list.push_back(std::make_unique<FakeDetector>("crasher", FakeDetector::Does::Crash));
  list.push_back(std::make_unique<FakeDetector>("hanger", FakeDetector::Does::Hang));
  list.push_back(std::make_unique<FakeDetector>("reporter", FakeDetector::Does::Report));
  list.push_back(std::make_unique<FakeDetector>("mr-only", FakeDetector::Does::SkipCt));
  Volume ct = tinyCt();
  DetectorRunParams params;
  params.wallSeconds = 2;
  DetectorRun run = runDetectors(list, {ct, nullptr}, params);
  ASSERT_EQ(run.statuses.size(), 5u);
  EXPECT_EQ(run.statuses[0].outcome, "failed");
  EXPECT_NE(run.statuses[0].why.find("no disc found"), std::string::npos) << run.statuses[0].why;
  EXPECT_EQ(run.statuses[1].outcome, "failed");
  EXPECT_NE(run.statuses[1].why.find("crashed"), std::string::npos) << run.statuses[1].why;
  EXPECT_EQ(run.statuses[2].outcome, "failed");
  EXPECT_NE(run.statuses[2].why.find("did not finish within 2 s"), std::string::npos) << run.statuses[2].why;
  EXPECT_EQ(run.statuses[3].outcome, "ran");
  EXPECT_EQ(run.statuses[4].outcome, "not applicable");
  for (const std::string name : {"thrower", "crasher", "hanger"}) {
    const Finding* f = failureOf(run, name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_NE(f->summary.find("missing from this report"), std::string::npos);
  }
  ASSERT_EQ(run.findings.front().kind, "test");
  EXPECT_EQ(run.findings.front().detector, "reporter");
  EXPECT_EQ(run.findings.front().measurements.at(0).value, 12.0) << "the child saw the image";
}

TEST(PluginTest, PluginsAreLoadedRefusedAndContained) {
  LoadedPlugins plugins = loadPlugins(SPINE_TEST_PLUGINS);
  std::vector<std::string> names;
  for (const auto& d : plugins.detectors) names.push_back(d->name());
  EXPECT_EQ(names, (std::vector<std::string>{"test-crashing", "test-good"}));
  ASSERT_EQ(plugins.refused.size(), 2u);
  std::string why = plugins.refused[0].summary + " | " + plugins.refused[1].summary;
  EXPECT_NE(why.find("built for plugin ABI 999, this spinereview speaks ABI 1"), std::string::npos) << why;
  EXPECT_NE(why.find("not a SpineReview plugin"), std::string::npos) << why;
  EXPECT_NE(why.find("future_abi_plugin.so"), std::string::npos) << "the refused file is named: " << why;

  Volume ct = tinyCt();
  DetectorRun run = runDetectors(plugins.detectors, {ct, nullptr});
  ASSERT_EQ(run.statuses.size(), 2u);
  EXPECT_EQ(run.statuses[0].outcome, "failed");
  EXPECT_EQ(run.statuses[1].outcome, "ran");
  ASSERT_GE(run.findings.size(), 2u);
  EXPECT_EQ(run.findings[0].kind, "test-finding");
  EXPECT_EQ(run.findings[0].measurements.at(0).value, 12.0);
  EXPECT_NE(failureOf(run, "test-crashing"), nullptr);

  EXPECT_FALSE(plugins.detectors[1]->appliesTo(Modality::MR));
  try {
    loadPlugins(SPINE_TEST_PLUGINS "/absent");
    FAIL();
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::NoInput);
  }
}

}  // namespace
}  // namespace spine::test
