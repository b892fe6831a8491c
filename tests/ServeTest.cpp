// spinereview serve: a real DICOM network on loopback. storescu (DCMTK) sends, DCMTK's storescp
// receives the results. Callers not on the allow-list and the wrong called AE title are refused;
// a complete study is analysed after the quiet period and its SEG and SR reach the destination;
// UIDs crafted to climb out of the spool ("../..") name no path.
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "TestHelpers.h"
#include "spine/ChildProcess.h"
#include "spine/DerivedUid.h"
#include "spine/service/DicomService.h"

namespace spine::test {
namespace {

/// `spinereview serve` in the background on a free port (callers SENDER, SENDER0..3; spool and out
/// in `dir`; `extra` options added); waits until it answers C-ECHO.
struct Server {
  ScratchFolder& dir;
  int port = freeLoopbackPort();
  pid_t pid = -1;
  explicit Server(ScratchFolder& d, const std::vector<std::string>& extra = {}) : dir(d) {
    std::vector<std::string> argv{SPINE_CLI, "serve", "--port", std::to_string(port), "--allow", "SENDER,SENDER0,SENDER1,SENDER2,SENDER3",
                                  "--spool", dir.sub("spool"), "--out", dir.sub("out"), "--quiet-period", "2"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    pid = spawnLogged(argv, dir.sub("serve.log"), "test");
    for (int i = 0; i < 50 && runShell("echoscu -aet SENDER -aec SPINEREVIEW 127.0.0.1 " + std::to_string(port) + " >/dev/null 2>&1") != 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  int send(const std::string& callingAe, const std::string& calledAe, const std::string& what, const std::string& flags = "") const {
    return runShell("storescu " + flags + " -aet " + callingAe + " -aec " + calledAe + " +sd 127.0.0.1 " + std::to_string(port) + " " + what +
                    " >>" + dir.sub("storescu.log") + " 2>&1");
  }
  /// With --stop-after: its exit code once it has stopped by itself.
  int waitForExit() {
    int status = 0;
    ::waitpid(pid, &status, 0);
    pid = -1;
    return exitCodeOf(status);
  }
  ~Server() {
    if (pid > 0) ::kill(pid, SIGTERM), ::waitpid(pid, nullptr, 0);
  }
};

bool haveDcmtkTools() { return runShell("command -v storescu >/dev/null && command -v storescp >/dev/null && command -v echoscu >/dev/null") == 0; }

TEST(Serve, CallersAndCalledTitlesNotAllowedAreRefused) {
  if (!haveDcmtkTools()) GTEST_SKIP() << "dcmtk tools not installed";
  ScratchFolder dir;
  AnalyticSeries a = analyticGrid(32, 32, 4);
  writeAnalytic(dir.sub("study"), a);
  Server server(dir);
  EXPECT_NE(server.send("INTRUDER", "SPINEREVIEW", dir.sub("study")), 0);
  EXPECT_NE(server.send("SENDER", "SOMEONEELSE", dir.sub("study")), 0);
  EXPECT_TRUE(fs::is_empty(dir.sub("spool/incoming")));
  EXPECT_EQ(server.send("SENDER", "SPINEREVIEW", dir.sub("study")), 0) << slurp(dir.sub("storescu.log"));
}

TEST(Serve, CompleteStudyIsAnalysedAndItsResultsSent) {
  if (!haveDcmtkTools()) GTEST_SKIP() << "dcmtk tools not installed";
  ScratchFolder dir;
  ASSERT_TRUE(writeSmallPhantom(dir, 1.5, 3.0));
  const int destPort = freeLoopbackPort();
  fs::create_directories(dir.sub("received"));
  pid_t dest = spawnLogged({"/usr/bin/storescp", "-aet", "PACS", "-od", dir.sub("received"), std::to_string(destPort)}, dir.sub("storescp.log"), "test");
  Server server(dir, {"--stop-after", "1", "--send-to", "PACS@127.0.0.1:" + std::to_string(destPort)});
  ASSERT_EQ(server.send("SENDER", "SPINEREVIEW", dir.sub("phantom/dicom")), 0) << slurp(dir.sub("storescu.log"));
  const int code = server.waitForExit();  // --stop-after 1: it ends after the study
  ::kill(dest, SIGTERM), ::waitpid(dest, nullptr, 0);
  ASSERT_EQ(code, 0) << slurp(dir.sub("serve.log"));
  EXPECT_NE(slurp(dir.sub("serve.log")).find("analysed, 2 result(s) sent"), std::string::npos) << slurp(dir.sub("serve.log"));
  std::vector<std::string> received;
  for (const auto& e : fs::directory_iterator(dir.sub("received"))) received.push_back(e.path().filename().string().substr(0, 2));
  std::sort(received.begin(), received.end());
  EXPECT_EQ(received, (std::vector<std::string>{"SG", "SR"}));  // storescp names files by modality
}

TEST(Serve, AStudyOverItsSizeCapIsRefusedWholeAndNotAnalysed) {
  if (!haveDcmtkTools()) GTEST_SKIP() << "dcmtk tools not installed";
  ScratchFolder dir;
  AnalyticSeries a = analyticGrid(256, 256, 30);  // 30 x 128 KiB: over a 1 MiB cap after 8 instances
  writeAnalytic(dir.sub("study"), a);
  Server server(dir, {"--stop-after", "1", "--max-study-mib", "1"});
  server.send("SENDER", "SPINEREVIEW", dir.sub("study"), "-v");
  EXPECT_EQ(server.waitForExit(), 0);
  EXPECT_NE(slurp(dir.sub("serve.log")).find("refused: the study is over its 1 MiB cap"), std::string::npos) << slurp(dir.sub("serve.log"));
  EXPECT_NE(slurp(dir.sub("storescu.log")).find("Refused: OutOfResources"), std::string::npos) << slurp(dir.sub("storescu.log"));
  EXPECT_TRUE(fs::is_empty(dir.sub("spool/ready")));
  EXPECT_FALSE(fs::is_empty(dir.sub("spool/refused")));
  std::size_t analyses = 0;
  for (const auto& e : fs::directory_iterator(dir.sub("out"))) analyses += fs::exists(e.path() / "report.json");
  EXPECT_EQ(analyses, 0u);
}

TEST(Serve, UidsCannotNameAPathOutsideTheSpool) {
  if (!haveDcmtkTools()) GTEST_SKIP() << "dcmtk tools not installed";
  ScratchFolder dir;
  AnalyticSeries a = analyticGrid(16, 16, 2);
  writeAnalytic(dir.sub("study"), a);
  ASSERT_EQ(runShell("dcmodify -nb -m \"(0020,000D)=../../../../tmp/escape\" -m \"(0008,0018)=../../x\" " + dir.sub("study") + "/*.dcm >/dev/null 2>&1"), 0);
  Server server(dir);
  server.send("SENDER", "SPINEREVIEW", dir.sub("study"));
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir.sub("spool"))) {
    EXPECT_EQ(e.path().string().find(".."), std::string::npos) << e.path();
    files += e.is_regular_file();
  }
  EXPECT_FALSE(fs::exists("/tmp/escape"));
  EXPECT_LE(files, 2u);
}

/// Load: 20 studies (75 instances each) pushed by 4 concurrent senders into `serve`; every one analysed, none lost or mixed.
TEST(ServeLoad, TwentyStudiesFromFourConcurrentSenders) {
  if (!haveDcmtkTools()) GTEST_SKIP() << "dcmtk tools not installed";
  ScratchFolder dir;
  ASSERT_TRUE(writeSmallPhantom(dir, 2.0, 4.0));
  const int studies = 20, senders = 4;
  for (int n = 0; n < studies; ++n) {
    fs::copy(dir.sub("phantom/dicom"), dir.sub("s" + std::to_string(n)), fs::copy_options::recursive);
    ASSERT_EQ(runShell("dcmodify -nb -gin -m \"(0020,000D)=" + derivedUid("serve load " + std::to_string(n)) + "\" -m \"(0010,0020)=LOAD" +
                       std::to_string(n) + "\" " + dir.sub("s" + std::to_string(n)) + "/*.dcm >/dev/null 2>&1"),
              0);
  }
  Server server(dir, {"--stop-after", std::to_string(studies)});
  const int port = server.port;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<pid_t> pids;
  for (int k = 0; k < senders; ++k) {
    std::vector<std::string> argv{"/usr/bin/storescu", "-aet", "SENDER" + std::to_string(k), "-aec", "SPINEREVIEW", "+sd", "127.0.0.1", std::to_string(port)};
    for (int n = k; n < studies; n += senders) argv.push_back(dir.sub("s" + std::to_string(n)));
    pids.push_back(spawnLogged(argv, dir.sub("sender" + std::to_string(k) + ".log"), "test"));
  }
  for (pid_t p : pids) {
    int status = 0;
    ::waitpid(p, &status, 0);
    EXPECT_EQ(exitCodeOf(status), 0) << "a sender failed";
  }
  const double sendSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const int code = server.waitForExit();
  const double totalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(code, 0) << slurp(dir.sub("serve.log"));
  std::set<std::string> patients;
  int analysed = 0;
  std::size_t instances = 0;
  for (const auto& e : fs::directory_iterator(dir.sub("out"))) {
    if (!fs::exists(e.path() / "report.json")) continue;
    ++analysed;
    const std::string report = slurp((e.path() / "report.json").string());
    EXPECT_NE(report.find("\"name\": \"L4-L5\""), std::string::npos) << e.path();
    // Each study's instances arrived together: one patient ID (LOAD<n>) per study folder, none mixed in.
    std::set<std::string> ids;
    for (const auto& f : fs::directory_iterator(nlohmann::json::parse(report)["input"]["path"].get<std::string>())) {
      const std::string bytes = slurp(f.path());
      const std::size_t at = bytes.find("LOAD");
      ids.insert(at == std::string::npos ? "none" : bytes.substr(at, bytes.find_first_not_of("0123456789", at + 4) - at));
      ++instances;
    }
    EXPECT_EQ(ids.size(), 1u) << e.path();
    EXPECT_TRUE(patients.insert(*ids.begin()).second) << *ids.begin() << " analysed twice";
  }
  EXPECT_EQ(analysed, studies);
  const auto perStudy = std::size_t(std::distance(fs::directory_iterator(dir.sub("phantom/dicom")), fs::directory_iterator{}));
  EXPECT_EQ(instances, std::size_t(studies) * perStudy);
  std::printf("serve load: %d studies x %zu instances by %d senders: sent in %.1f s, all analysed in %.1f s\n", studies, perStudy, senders,
              sendSeconds, totalSeconds);
}

TEST(Serve, DestinationMustBeAetAtHostPort) {
  EXPECT_EQ(service::parsePeer("PACS@10.0.0.5:104").port, 104u);
  EXPECT_THROW(service::parsePeer("PACS@host"), SpineError);
  EXPECT_THROW(service::parsePeer("@host:104"), SpineError);
  EXPECT_THROW(service::parsePeer("A@h:99999"), SpineError);
  EXPECT_THROW(service::parsePeer("A@../x:104"), SpineError);
}

TEST(Serve, RefusesToStartWithoutAnAllowList) {
  ScratchFolder dir;
  CliResult r = runCli("serve --spool " + dir.sub("s") + " --out " + dir.sub("o"), dir);
  EXPECT_EQ(r.code, 64);
  EXPECT_NE(r.err.find("--allow"), std::string::npos);
}

}  // namespace
}  // namespace spine::test
