#pragma once
// Central canal stenosis on CT: at every disc level, the canal's depth in the midline from what
// lies in front of it (the disc, or disc material beyond it) to what closes it behind (ligamentum
// flavum, facets, lamina), graded by the midsagittal diameter (Verbiest: under 10 mm absolute,
// 10-12 mm relative stenosis). Parameters and their evidence: plugins/stenosis/README.md.
#include "common/DiscCanal.h"
#include "spine/Detector.h"

namespace spine {

struct StenosisParams {
  discs::CanalParams canal;  ///< opening each disc: the line, walls, values (common/DiscCanal.h)
  double absoluteMm = 10;    ///< midline depth under this: absolute stenosis ("probable")
  double relativeMm = 12;    ///< ... under this: relative stenosis ("possible")
  double midlineMm = 2;      ///< the depth is the median over this far either side of the canal's middle
};

class StenosisDetector : public Detector {
 public:
  explicit StenosisDetector(StenosisParams p = {}) : m_params(p) {}
  std::string name() const override { return "stenosis"; }
  bool appliesTo(Modality m) const override { return m == Modality::CT; }
  std::vector<Finding> detect(const DetectorInput& input) const override;

 private:
  StenosisParams m_params;
};

}  // namespace spine
