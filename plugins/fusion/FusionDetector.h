#pragma once
// Fusion status on CT: within each fused (instrumented) segment, whether bone bridges the disc
// space from the body above to the body below. A fusion that has not bridged (pseudarthrosis) is
// one of the causes of failed back surgery and a reason for revision. Parameters and their
// evidence: plugins/fusion/README.md.
#include "spine/Detector.h"
#include "spine/Metal.h"

namespace spine {

struct FusionParams {
  MetalRule metal;             ///< metal as the hardware detector finds it (spine/Metal.h)
  double minMetalMm3 = 50;     ///< metal in a label from which the level counts as instrumented
  double bodyHu = 150;         ///< cancellous bone: a column in both bodies; below it in the middle, not assessed
  double bridgeHu = 140;       ///< lowest 1.5 mm mean across the disc space of a column of bridging bone
  double zoneFraction = 0.15;  ///< the disc space judged: this share of the body-centre distance either side
  double uniformSdHu = 20;     ///< mid-plane spread over 5 mm below which bone-dense material is a cage or graft
  double metalMarginMm = 3;   ///< columns this close to metal or a smooth cage are not judged (partial volume, streaks)
  double bridgeMm2 = 40;      ///< a connected bridge of this area makes the disc space bridged
  double minJudgedMm2 = 150;  ///< judged area below which the disc is not assessed
  double cageMm2 = 100;       ///< metal (or smooth bone-dense material) across the disc space: an interbody cage
};

class FusionDetector : public Detector {
 public:
  explicit FusionDetector(FusionParams p = {}) : m_params(p) {}
  std::string name() const override { return "fusion"; }
  bool appliesTo(Modality m) const override { return m == Modality::CT; }
  std::vector<Finding> detect(const DetectorInput& input) const override;

 private:
  FusionParams m_params;
};

}  // namespace spine
