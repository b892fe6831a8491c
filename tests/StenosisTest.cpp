// The stenosis detector on phantoms with a hypertrophied ligamentum flavum at known canal depths:
// each narrowed lumbar disc found with its depth (within 1 mm) and grade, and nothing on a normal
// spine.
#include "TestHelpers.h"

#include "spine/LevelTable.h"
#include "stenosis/StenosisDetector.h"

namespace spine::test {
namespace {

using nlohmann::json;

struct Analysed {
  json truth;
  std::vector<Finding> findings;
};

Analysed stenoses(const std::string& specName) {
  const AnalysedCtPhantom a = analyseCtPhantom(specName);
  std::vector<Finding> found;
  for (Finding& f : StenosisDetector().detect(a.input()))
    if (f.kind == "canal-stenosis") found.push_back(std::move(f));
  return {a.phantom.truth, found};
}

TEST(StenosisTest, EachNarrowedDiscIsFoundWithItsDepthAndGrade) {
  const Analysed a = stenoses("stenosis-ct");  // L4-L5 7 mm (absolute), L3-L4 11 mm (relative)
  ASSERT_EQ(a.findings.size(), a.truth.at("stenoses").size());
  for (const json& truth : a.truth.at("stenoses")) {
    auto it = std::find_if(a.findings.begin(), a.findings.end(),
                           [&](const Finding& f) { return f.levels.front() == truth.at("level"); });
    ASSERT_NE(it, a.findings.end()) << truth.at("level");
    EXPECT_EQ(it->details.at("grade"), truth.at("grade"));
    EXPECT_NEAR(it->measurements.front().value, truth.at("canal_ap_mm").get<double>(), 1.0) << truth.at("level");
  }
}

TEST(StenosisTest, ANormalCanalIsNot) {
  EXPECT_TRUE(stenoses("lumbar-ct").findings.empty());
}

}  // namespace
}  // namespace spine::test
