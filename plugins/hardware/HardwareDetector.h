#pragma once
// Spinal hardware on CT: metal objects found from the scan's own values, classified (pedicle screw,
// rod, interbody cage, plate, other), assigned to their level and side, with their material, the levels
// their streaks obscure, rod discontinuities, and metal outside the spine (a hip prosthesis)
// reported as not spinal. On MR the same objects are read from susceptibility voids (MrVoids.h).
// Parameters and their evidence: plugins/hardware/README.md.
#include "spine/Detector.h"
#include "spine/Metal.h"

#include "CageSubsidence.h"
#include "MrVoids.h"

namespace spine {

struct HardwareParams {
  MetalRule metal;               ///< metal from the scan's values (spine/Metal.h: coarse voxels seed and grow it lower)
  double faintMaxFrontMm = 20;   ///< faint metal (found by the coarse rule only) further in front of its vertebra's centroid is calcification
  double minObjectMm3 = 30;      ///< smaller metal specks are noise or calcification
  double rodRunMm = 15;          ///< metal running at least this far cranio-caudally is rod (screws and heads are shorter)
  double rodMaxWidthMm = 12;     ///< ... and no wider from side to side (5.5-6.35 mm rods; a cage is 20-30 mm wide)
  double connectorMaxMm = 15;    ///< metal shorter than this within connectorReachMm of a rod is a head or connector
  double connectorReachMm = 12;
  double screwMinMm = 20, screwMaxMm = 90;
  double cageMaxMm = 40;         ///< longest extent of an interbody cage
  double cageApartMm3 = 1000;    ///< metal this large inside a disc space is taken apart from what it touches (a cage)
  double cageSlabMarginMm = 3;   ///< ...the disc space's half height plus this (a sunk cage)...
  double cageRadiusMm = 22;      ///< ...within this of the disc's centre (screw heads and rods lie further back)
  double plateSheetMm = 4;       ///< a plate's metal lies in a slab this thick across its normal (2-3 mm plates plus blur)...
  double plateSheetFraction = 0.5; ///< ...this much of it at least (its body screws are the rest)...
  double plateMinWidthMm = 10;   ///< ...the slab's metal this wide across the column (a screw's section is 5-7 mm)...
  double plateMinLengthMm = 20;  ///< ...the object this long head-foot (one-level cervical plates are 22-30 mm)...
  double plateScrewMaxMm = 30;   ///< a plate taken apart from other metal keeps the pieces touching it up to this long (body screws 12-25 mm)
  double plateMaxOffsetMm = 35;  ///< ...its centre no further than this from its vertebra's centroid, across the column, in front or beside
  double spinalReachMm = 90;     ///< metal farther than this from every vertebra is not spinal
  double steelHu = 7500;         ///< peak HU at or above: stainless steel likely (extended-scale CT; README)
  double titaniumHu = 3500;      ///< peak HU at or above (and below steelHu): titanium likely
  double materialMaxVoxelMm = 2.5; ///< coarser voxels: below steelHu the material is not named
  double artefactMarginMm = 10;  ///< streaks spread this far beyond the slices holding metal
  double haloContrastHu = 40;    ///< a rim this far below the bone beyond it is a lucent halo (README)
  MrVoidParams mr;               ///< MR: susceptibility voids (MrVoids.h)
  SubsidenceParams subsidence;   ///< an interbody cage past an endplate (CageSubsidence.h)
  double haloMinBoneHu = 100;    ///< below this the shaft is not in bone and the rim cannot be judged
};

class HardwareDetector : public Detector {
public:
  explicit HardwareDetector(HardwareParams p = {}) : m_params(p) {}
  std::string name() const override { return "hardware"; }
  bool appliesTo(Modality m) const override { return m == Modality::CT || m == Modality::MR; }
  std::vector<Finding> detect(const DetectorInput& input) const override;

private:
  HardwareParams m_params;
};

}  // namespace spine
