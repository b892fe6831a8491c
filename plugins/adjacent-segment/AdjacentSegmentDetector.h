#pragma once
// Adjacent segment degeneration on CT: the disc just above and just below a fused (instrumented)
// segment, its central height against the patient's own free discs, and gas in it (vacuum
// phenomenon). Stress moves to the next level after a fusion; a disc there that has lost height is
// the "adjacent segment" a surgeon must see before extending or revising. Parameters and their
// evidence: plugins/adjacent-segment/README.md.
#include "spine/Detector.h"
#include "spine/Metal.h"

namespace spine {

struct AdjacentSegmentParams {
  MetalRule metal;             ///< metal as the hardware detector finds it (spine/Metal.h)
  double minMetalMm3 = 50;     ///< metal in a vertebra's (or disc's) label from which it counts as instrumented
  double boneHu = 250;         ///< endplates: the first bone along the disc's normal
  double possibleLoss = 0.25;  ///< height loss against the free discs from which a finding is "possible"
  double probableLoss = 0.40;  ///< ... and "probable"
  double gasHu = -200;         ///< below: gas in the disc
};

class AdjacentSegmentDetector : public Detector {
 public:
  explicit AdjacentSegmentDetector(AdjacentSegmentParams p = {}) : m_params(p) {}
  std::string name() const override { return "adjacent-segment"; }
  bool appliesTo(Modality m) const override { return m == Modality::CT; }
  std::vector<Finding> detect(const DetectorInput& input) const override;

 private:
  AdjacentSegmentParams m_params;
};

}  // namespace spine
