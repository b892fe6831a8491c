#include "BuiltInDetectors.h"

#include "adjacent-segment/AdjacentSegmentDetector.h"
#include "fusion/FusionDetector.h"
#include "hardware/HardwareDetector.h"
#include "herniation/HerniationDetector.h"
#include "laminectomy/LaminectomyDetector.h"
#include "stenosis/StenosisDetector.h"

namespace spine {

std::vector<std::unique_ptr<Detector>> builtInDetectors() {
  std::vector<std::unique_ptr<Detector>> list;
  list.push_back(std::make_unique<HardwareDetector>());
  list.push_back(std::make_unique<LaminectomyDetector>());
  list.push_back(std::make_unique<HerniationDetector>());
  list.push_back(std::make_unique<AdjacentSegmentDetector>());
  list.push_back(std::make_unique<FusionDetector>());
  list.push_back(std::make_unique<StenosisDetector>());
  return list;
}

}  // namespace spine
