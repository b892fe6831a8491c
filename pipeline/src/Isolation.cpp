#include "spine/Isolation.h"

#include <chrono>
#include <csignal>
#include <cstdio>
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

namespace {

/// Waits for the child; {exited, code or signal}; kills it at the deadline ({false, SIGKILL}).
struct ChildEnd {
  bool exited = false, timedOut = false, lost = false;
  int code = 0, signal = 0;
};

ChildEnd waitForChild(pid_t pid, unsigned wallSeconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wallSeconds);
  int status = 0;
  while (true) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) return {false, false, true, 0, 0};
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return {false, true, false, 0, SIGKILL};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status)) return {true, false, false, WEXITSTATUS(status), 0};
  return {false, false, false, 0, WTERMSIG(status)};
}

void limitChild(const IsolationLimits& limits) {
#ifndef __SANITIZE_ADDRESS__  // AddressSanitizer reserves terabytes of shadow address space
  setLimit(RLIMIT_AS, limits.addressSpaceBytes);
#endif
  setLimit(RLIMIT_CPU, limits.cpuSeconds);
  setLimit(RLIMIT_STACK, limits.stackBytes);
  setLimit(RLIMIT_CORE, 0);
}

std::string signalWords(int sig) {
  return sig == SIGXCPU ? "ran past its CPU-time limit" : std::string("crashed (") + strsignal(sig) + ")";
}

}  // namespace

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
    limitChild(limits);
    int code = work();
    std::fflush(nullptr);
    ::_exit(code);
  }
  ChildEnd end = waitForChild(pid, limits.wallSeconds);
  if (end.lost) return {int(ExitCode::Internal), "lost track of the isolated reader"};
  if (end.timedOut)
    return {int(ExitCode::Internal), lastFile() + ": analysis did not finish within " + std::to_string(limits.wallSeconds) +
                                         " s (hang in a parser?) [isolation]"};
  if (end.exited) return {end.code, ""};
  return {int(ExitCode::Internal), lastFile() + ": the reader " + signalWords(end.signal) + " while processing this file [isolation]"};
}

IsolatedOutput runIsolatedForOutput(const std::function<std::string()>& work, const IsolationLimits& limits) {
  std::FILE* channel = std::tmpfile();
  if (!channel) return {false, "", "cannot create a temporary file for the child's output"};
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    std::fclose(channel);
    return {false, "", "cannot fork (resources busy)"};
  }
  if (pid == 0) {
    limitChild(limits);
    int code = 0;
    std::string text;
    try {
      text = work();
    } catch (const std::exception& e) {
      text = e.what(), code = 1;
    } catch (...) {
      text = "unknown exception", code = 1;
    }
    bool written = std::fwrite(text.data(), 1, text.size(), channel) == text.size() && std::fflush(channel) == 0;
    ::_exit(written ? code : 2);
  }
  ChildEnd end = waitForChild(pid, limits.wallSeconds);
  std::string text;
  std::rewind(channel);
  char buffer[65536];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, channel)) > 0;) text.append(buffer, n);
  std::fclose(channel);
  if (end.lost) return {false, "", "lost track of the child process"};
  if (end.timedOut) return {false, "", "did not finish within " + std::to_string(limits.wallSeconds) + " s"};
  if (!end.exited) return {false, "", signalWords(end.signal)};
  if (end.code == 1) return {false, "", "failed: " + text};
  if (end.code != 0) return {false, "", "could not hand back its result"};
  return {true, text, ""};
}

}  // namespace spine
