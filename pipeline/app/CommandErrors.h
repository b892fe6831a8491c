#pragma once
// The commands' error boundary: a SpineError becomes its one line on stderr and its exit code
// (README), any other exception an internal error naming what the command worked on.
#include <cstdio>
#include <exception>
#include <string>

#include "spine/Error.h"

/// The command's error boundary: a SpineError becomes its one line and exit code, anything else an
/// internal error naming `subject`.
template <typename Body>
int reportingErrors(const std::string& subject, Body body) {
  try {
    return body();
  } catch (const spine::SpineError& e) {
    std::fprintf(stderr, "spinereview: error: %s\n", e.oneLine().c_str());
    return int(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "spinereview: error: %s: internal error: %s\n", subject.c_str(), e.what());
    return int(spine::ExitCode::Internal);
  }
}
