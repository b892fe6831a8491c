#pragma once
// The built-in detectors, in one explicit list (no static-initialiser registration).
#include <memory>
#include <vector>

#include "spine/Detector.h"

namespace spine {

std::vector<std::unique_ptr<Detector>> builtInDetectors();

}  // namespace spine
