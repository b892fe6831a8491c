#pragma once
// Disc herniation on CT (and on sagittal MR, MrHerniation.h): per disc, disc-dense material behind the posterior vertebral line (the
// posterior margins of the bodies above and below), measured in mm and classified in the MSU/NASS
// nomenclature (bulge, protrusion, extrusion; central, paracentral, foraminal, extraforaminal;
// side), and the study-level "multi-level herniation" finding. Parameters and their evidence:
// plugins/herniation/README.md.
#include "MrHerniation.h"
#include "common/DiscCanal.h"
#include "spine/Detector.h"

namespace spine {

struct HerniationParams {
  discs::CanalParams canal;         ///< opening each disc: the line, walls, values (common/DiscCanal.h)
  double reportDepthMm = 2.0;       ///< material this far beyond the line is reported ("possible")
  double probableDepthMm = 3.0;     ///< from here "probable" (CT never makes it "definite": MR is the reference)
  double minVolumeMm3 = 15;         ///< smaller material beyond the line is noise or partial volume
  double minBaseMm = 1.0;           ///< material must leave the disc space this wide (crossing the line within it)
  double minThicknessMm = 1.5;      ///< from probableDepthMm: volume over depth x width, a fragment not a sliver
  double materialFraction = 0.25;   ///< material's median at least this far from the threshold up to the disc's value
  double bulgeWidthFraction = 0.5;  ///< shallow material at least this fraction of the disc's width wide: a bulge
  double cervicalSizeScale = 0.45;  ///< minVolumeMm3 and minThicknessMm at C2-C3 to C7-T1: cervical discs are 4-5 mm
                                    ///< tall against 10-12 mm lumbar, and their herniations as much thinner
  MrHerniationParams mr;            ///< the MR path (MrHerniation.h)
};

class HerniationDetector : public Detector {
 public:
  explicit HerniationDetector(HerniationParams p = {}) : m_params(p) {}
  std::string name() const override { return "herniation"; }
  bool appliesTo(Modality) const override { return true; }
  std::vector<Finding> detect(const DetectorInput& input) const override;

 private:
  HerniationParams m_params;
};

}  // namespace spine
