#pragma once
// Detectors: each looks for one kind of problem (hardware, herniation, ...) on the analysed image
// and its level table and returns findings. Built-ins are registered in one explicit list
// (plugins/BuiltInDetectors.cpp); third parties add shared libraries through the C ABI of
// spine/PluginAbi.h. Every detector runs in its own child process, so one that throws, crashes or
// hangs becomes a "detector-failure" finding and the rest of the report survives.
#include <memory>
#include <string>
#include <vector>

#include "spine/Finding.h"
#include "spine/LevelTable.h"
#include "spine/Volume.h"

namespace spine {

struct DetectorInput {
  const Volume& volume;       ///< the analysed image (LPS)
  const LevelTable* levels;   ///< the level table (CT and MR; it may hold no level); null in tests that have none
};

class Detector {
public:
  virtual ~Detector() = default;
  virtual std::string name() const = 0;
  /// False when the detector has nothing to say on this modality (it is then listed as not run).
  virtual bool appliesTo(Modality m) const = 0;
  virtual std::vector<Finding> detect(const DetectorInput& input) const = 0;
};

struct DetectorRunParams {
  unsigned wallSeconds = 300;  ///< per detector
  bool isolate = true;         ///< false runs in-process (debugging)
};

struct DetectorStatus {
  std::string detector;
  std::string outcome;  ///< "ran", "not applicable", "failed"
  std::string why;      ///< for "failed": the error, signal or time-out
  double seconds = 0;
  std::size_t findings = 0;
};

struct DetectorRun {
  std::vector<Finding> findings;  ///< every detector's, then a "detector-failure" per failed one
  std::vector<DetectorStatus> statuses;
};

DetectorRun runDetectors(const std::vector<std::unique_ptr<Detector>>& detectors, const DetectorInput& input,
                         const DetectorRunParams& params = {});

}  // namespace spine
