// The isolation layer: a crash or hang in the child fails the study with the file named.
#include <csignal>
#include <thread>

#include "TestHelpers.h"
#include "spine/Isolation.h"

namespace spine::test {
namespace {

TEST(Isolation, ChildExitCodeIsPassedThrough) {
  IsolatedResult r = runIsolated([] { return 65; }, {});
  EXPECT_EQ(r.exitCode, 65);
  EXPECT_TRUE(r.failure.empty());
}

TEST(Isolation, CrashNamesTheFileBeingRead) {
  IsolatedResult r = runIsolated(
      [] {
        recordCurrentFile("/uploads/poisoned.dcm");
        std::raise(SIGSEGV);
        return 0;
      },
      {});
  EXPECT_EQ(r.exitCode, int(ExitCode::Internal));
  EXPECT_NE(r.failure.find("/uploads/poisoned.dcm"), std::string::npos) << r.failure;
  EXPECT_NE(r.failure.find("crashed"), std::string::npos) << r.failure;
}

TEST(Isolation, HangIsKilledAfterTheWallTimeLimit) {
  IsolationLimits limits;
  limits.wallSeconds = 1;
  IsolatedResult r = runIsolated(
      [] {
        recordCurrentFile("slow.dcm");
        std::this_thread::sleep_for(std::chrono::seconds(30));
        return 0;
      },
      limits);
  EXPECT_EQ(r.exitCode, int(ExitCode::Internal));
  EXPECT_NE(r.failure.find("slow.dcm: analysis did not finish within 1 s"), std::string::npos) << r.failure;
}

}  // namespace
}  // namespace spine::test
