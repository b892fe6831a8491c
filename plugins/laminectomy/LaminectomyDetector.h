#pragma once
// Laminectomy defects on CT: a vertebra whose posterior elements (laminae, spinous process) are
// missing reaches much less far back than its neighbours. Parameters and their evidence:
// plugins/laminectomy/README.md.
#include "spine/Detector.h"

namespace spine {

struct LaminectomyParams {
  double shortfallMm = 15;  ///< at least this much shorter than the neighbours' median reach
  double ratio = 0.65;      ///< and below this share of it
  double archBoneHu = 150;     ///< bone on the CT (muscle reads 40-60 HU), for the check that the arch is truly gone
  double archBoneMm3 = 200;    ///< this much bone where the neighbours' arches reach: the arch is there, unsegmented
};

class LaminectomyDetector : public Detector {
public:
  explicit LaminectomyDetector(LaminectomyParams p = {}) : m_params(p) {}
  std::string name() const override { return "laminectomy"; }
  bool appliesTo(Modality m) const override { return m == Modality::CT; }
  std::vector<Finding> detect(const DetectorInput& input) const override;

private:
  LaminectomyParams m_params;
};

}  // namespace spine
