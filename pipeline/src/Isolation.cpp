#include "spine/Isolation.h"

#include <chrono>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spine/Error.h"

namespace spine {
namespace {

constexpr size_t kBreadcrumbBytes = 4096;
char* g_breadcrumb = nullptr;  ///< shared between parent and child (MAP_SHARED)

void setLimit(int resource, rlim_t value) {
  struct rlimit rl {value, value};
  ::setrlimit(resource, &rl);
}

std::string lastFile() {
  if (!g_breadcrumb || !g_breadcrumb[0]) return "(before any file was opened)";
  return std::string(g_breadcrumb, strnlen(g_breadcrumb, kBreadcrumbBytes - 1));
}

}  // namespace

void recordCurrentFile(const std::string& file) {
  if (!g_breadcrumb) return;
  static std::mutex mutex;  // decoder threads record concurrently
  std::lock_guard<std::mutex> lock(mutex);
  size_t n = std::min(file.size(), kBreadcrumbBytes - 1);
  std::memcpy(g_breadcrumb, file.data(), n);
  g_breadcrumb[n] = '\0';
}

IsolatedResult runIsolated(const std::function<int()>& work, const IsolationLimits& limits) {
  if (!g_breadcrumb) {
    void* page = ::mmap(nullptr, kBreadcrumbBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return {int(ExitCode::TempFail), "cannot map the isolation page"};
    g_breadcrumb = static_cast<char*>(page);
  }
  g_breadcrumb[0] = '\0';
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return {int(ExitCode::TempFail), "cannot fork the isolated reader (resources busy)"};
  if (pid == 0) {
#ifndef __SANITIZE_ADDRESS__  // AddressSanitizer reserves terabytes of shadow address space
    setLimit(RLIMIT_AS, limits.addressSpaceBytes);
#endif
    setLimit(RLIMIT_CPU, limits.cpuSeconds);
    setLimit(RLIMIT_CORE, 0);
    int code = work();
    std::fflush(nullptr);
    ::_exit(code);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(limits.wallSeconds);
  int status = 0;
  while (true) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return {int(ExitCode::Internal), "lost track of the isolated reader"};
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return {int(ExitCode::Internal), lastFile() + ": analysis did not finish within " + std::to_string(limits.wallSeconds) +
                                           " s (hang in a parser?) [isolation]"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status)) return {WEXITSTATUS(status), ""};
  int sig = WTERMSIG(status);
  std::string what = sig == SIGXCPU ? "ran past its CPU-time limit" : std::string("crashed (") + strsignal(sig) + ")";
  return {int(ExitCode::Internal), lastFile() + ": the reader " + what + " while processing this file [isolation]"};
}

}  // namespace spine
