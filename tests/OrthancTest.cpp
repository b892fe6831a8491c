// The Orthanc integration, against a real Orthanc (Debian package) started on loopback with its own
// configuration and storage: studies arrive by DICOM C-STORE (storescu) and REST; instances without
// UIDs are refused by Orthanc and accepted through `orthanc-upload`; `orthanc-worker --once`
// analyses every stable study and posts SEG and SR back into it; a restarted worker repeats
// nothing; and a load test: 50 studies pushed by 4 concurrent senders, none lost, every result right.
#include <chrono>
#include <fstream>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "TestHelpers.h"
#include "spine/ChildProcess.h"
#include "spine/service/HttpClient.h"
#include "spine/service/OrthancUpload.h"

namespace spine::test {
namespace {

using nlohmann::json;
using service::HttpClient;


/// One Orthanc for the suite, plus a small lumbar CT phantom (246x246x99) to send it.
class OrthancTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (runShell("command -v Orthanc >/dev/null && command -v storescu >/dev/null") != 0) return;
    s_dir = std::make_unique<ScratchFolder>();
    s_http = std::make_unique<HttpClient>("http://127.0.0.1:" + std::to_string(s_httpPort = freeLoopbackPort()));
    s_dicomPort = freeLoopbackPort();
    fs::create_directories(s_dir->sub("db"));
    json config = {{"Name", "spinereview-test"},     {"StorageDirectory", s_dir->sub("db")}, {"IndexDirectory", s_dir->sub("db")},
                   {"HttpPort", s_httpPort},         {"DicomPort", s_dicomPort},             {"DicomAet", "ORTHANC"},
                   {"RemoteAccessAllowed", false},   {"AuthenticationEnabled", false},       {"StableAge", 2},
                   {"Plugins", json::array()},       {"DicomServerEnabled", true},           {"ConcurrentJobs", 2}};
    std::ofstream(s_dir->sub("orthanc.json")) << config.dump(2);
    s_orthanc = spawnLogged({"/usr/sbin/Orthanc", s_dir->sub("orthanc.json")}, s_dir->sub("orthanc.log"), "test");
    for (int i = 0; i < 100 && s_http->get("/system").status != 200; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_TRUE(writeSmallPhantom(*s_dir, 1.5, 3.0));
  }
  static void TearDownTestSuite() {
    if (s_orthanc > 0) ::kill(s_orthanc, SIGTERM), ::waitpid(s_orthanc, nullptr, 0);
    s_dir.reset();
  }
  void SetUp() override {
    if (!s_dir) GTEST_SKIP() << "orthanc or storescu is not installed (scripts/install-deps.sh installs them)";
    ASSERT_EQ(s_http->get("/system").status, 200) << slurp(s_dir->sub("orthanc.log"));
  }
  static std::string url() { return s_http->baseUrl(); }
  static json get(const std::string& path) { return json::parse(s_http->get(path).body); }
  /// The modalities of a study's series, sorted ("CT", "SEG", "SR").
  static std::vector<std::string> modalities(const std::string& study) {
    std::vector<std::string> out;
    for (const json& s : get("/studies/" + study + "/series")) out.push_back(s["MainDicomTags"].value("Modality", ""));
    std::sort(out.begin(), out.end());
    return out;
  }
  static CliResult worker(const std::string& out) {
    return runCli("orthanc-worker --url " + url() + " --out " + out + " --once --poll 1 --wait 600", *s_dir);
  }
  static std::unique_ptr<ScratchFolder> s_dir;
  static std::unique_ptr<HttpClient> s_http;
  static int s_httpPort, s_dicomPort;
  static pid_t s_orthanc;
};
std::unique_ptr<ScratchFolder> OrthancTest::s_dir;
std::unique_ptr<HttpClient> OrthancTest::s_http;
int OrthancTest::s_httpPort = 0, OrthancTest::s_dicomPort = 0;
pid_t OrthancTest::s_orthanc = -1;

/// A copy of the phantom as a new study: its own Study and Series UIDs, new SOP Instance UIDs.
void copyAsNewStudy(const std::string& from, const std::string& to, int n) {
  fs::copy(from, to, fs::copy_options::recursive);
  const std::string study = derivedUid("load study " + std::to_string(n)), series = derivedUid("load series " + std::to_string(n));
  ASSERT_EQ(runShell("dcmodify -nb -gin -m \"(0020,000D)=" + study + "\" -m \"(0020,000E)=" + series + "\" -m \"(0010,0020)=LOAD" +
                  std::to_string(n) + "\" " + to + "/*.dcm >/dev/null 2>&1"),
            0);
}

TEST_F(OrthancTest, InstancesWithoutUidsAreRefusedByOrthancAndUploadedWithDerivedOnes) {
  ScratchFolder dir;
  fs::copy(s_dir->sub("phantom/dicom"), dir.sub("nouid"), fs::copy_options::recursive);
  ASSERT_EQ(runShell("dcmodify -nb -m \"(0020,000D)=\" -m \"(0020,000E)=\" " + dir.sub("nouid") + "/*.dcm >/dev/null 2>&1"), 0);
  const std::string first = (fs::directory_iterator(dir.sub("nouid"))->path()).string();
  EXPECT_EQ(s_http->post("/instances", slurp(first), "application/dicom").status, 400);  // Orthanc's refusal
  CliResult r = runCli("orthanc-upload " + dir.sub("nouid") + " --url " + url(), dir);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Study Instance UID in 99"), std::string::npos) << r.out;
  const std::size_t studies = get("/studies").size();
  ASSERT_EQ(runCli("orthanc-upload " + dir.sub("nouid") + " --url " + url(), dir).code, 0);  // again: the same UIDs
  EXPECT_EQ(get("/studies").size(), studies);
}

TEST_F(OrthancTest, WorkerAnalysesStableStudiesPostsResultsAndNeverRepeats) {
  ScratchFolder dir;
  ASSERT_EQ(runShell("storescu -aet SPINETEST -aec ORTHANC +sd 127.0.0.1 " + std::to_string(s_dicomPort) + " " + s_dir->sub("phantom/dicom") +
                  " >" + dir.sub("storescu.log") + " 2>&1"),
            0)
      << slurp(dir.sub("storescu.log"));
  CliResult r = worker(s_dir->sub("worker"));
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (const json& study : get("/studies")) {
    EXPECT_EQ(modalities(study.get<std::string>()), (std::vector<std::string>{"CT", "SEG", "SR"})) << study;
    EXPECT_TRUE(fs::exists(s_dir->sub("worker/studies/" + study.get<std::string>() + "/report.json")));
  }
  const long last = json::parse(slurp(s_dir->sub("worker/orthanc-worker.json")))["last_change"];
  CliResult again = worker(s_dir->sub("worker"));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out.find("analysed"), std::string::npos) << again.out;  // nothing repeated
  EXPECT_GE(json::parse(slurp(s_dir->sub("worker/orthanc-worker.json")))["last_change"].get<long>(), last);
}

TEST_F(OrthancTest, LoadFiftyStudiesFromFourConcurrentSendersNothingLostEveryResultRight) {
  ScratchFolder dir;
  const int studies = 50, senders = 4;
  for (int n = 0; n < studies; ++n) copyAsNewStudy(s_dir->sub("phantom/dicom"), dir.sub("s" + std::to_string(n)), n);
  const std::size_t before = get("/studies").size();
  std::vector<pid_t> pids;
  const auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < senders; ++k) {
    std::vector<std::string> argv{"/usr/bin/storescu", "-aet", "SENDER" + std::to_string(k), "-aec", "ORTHANC", "+sd", "127.0.0.1",
                                  std::to_string(s_dicomPort)};
    for (int n = k; n < studies; n += senders) argv.push_back(dir.sub("s" + std::to_string(n)));
    pids.push_back(spawnLogged(argv, dir.sub("sender" + std::to_string(k) + ".log"), "test"));
  }
  for (pid_t p : pids) {
    int status = 0;
    ::waitpid(p, &status, 0);
    EXPECT_EQ(exitCodeOf(status), 0);
  }
  const double sendSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(get("/studies").size(), before + studies) << "studies lost in transfer";
  CliResult r = worker(s_dir->sub("worker"));  // the suite's worker: earlier studies are already done
  const double totalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(r.code, 0) << r.err;
  const json truth = json::parse(slurp(s_dir->sub("phantom/truth.json")));
  int analysed = 0;
  for (const auto& e : fs::directory_iterator(s_dir->sub("worker/studies"))) {
    json report = json::parse(slurp((e.path() / "report.json").string()));
    ++analysed;
    EXPECT_EQ(report["vertebrae"].size(), truth["vertebrae"].size()) << e.path();
    EXPECT_EQ(report["vertebrae"][0]["name"], truth["vertebrae"][0]["name"]) << e.path();
    EXPECT_EQ(modalities(e.path().filename().string()), (std::vector<std::string>{"CT", "SEG", "SR"}));
  }
  EXPECT_EQ(analysed, studies + int(before));
  std::printf("load: %d studies x %d instances by %d senders in %.1f s; all analysed and results posted in %.1f s\n", studies,
              int(std::distance(fs::directory_iterator(dir.sub("s0")), fs::directory_iterator{})), senders, sendSeconds,
              totalSeconds);
}

}  // namespace
}  // namespace spine::test
