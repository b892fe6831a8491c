#pragma once
// Runtime detector plugins (spine/PluginAbi.h): shared libraries in a folder, each probed in a
// child process (loading runs the library's own initialisers), refused when its ABI version is not
// the host's, then wrapped as a Detector.
#include <memory>
#include <string>
#include <vector>

#include "spine/Detector.h"

namespace spine {

struct LoadedPlugins {
  std::vector<std::unique_ptr<Detector>> detectors;
  std::vector<Finding> refused;  ///< "detector-failure" findings naming the file and why
};

/// Every `*.so` in `dir`, in name order. A missing folder throws SpineError (NoInput).
LoadedPlugins loadPlugins(const std::string& dir);

}  // namespace spine
