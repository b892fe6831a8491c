#pragma once
// Metal on CT: one rule for the levels beside hardware and for the detectors that count or
// classify metal. In fine voxels metal is whatever is brighter than any bone. When every voxel side
// is coarse, partial volume lowers bone and metal alike (a 6 mm titanium screw reads 900-2200 HU in
// 3 mm voxels, where bone peaks near 1200), so metal is seeded lower and grown through the touching
// voxels of its blurred edge.
#include <vector>

#include "spine/PixelTypes.h"

namespace spine {

struct MetalRule {
  double metalHu = 2000;       ///< fine voxels: above cortical bone (up to ~1900 HU at 120 kVp)
  double coarseGridMm = 2.5;   ///< every voxel side at least this: the cortex (1-2 mm thick) cannot keep its value
  double coarseSeedHu = 1400;  ///< ... so metal is seeded from here (the real 3 mm CT's bone peaks at 1207 HU)
  double coarseGrowHu = 1000;  ///< ... and grown through touching voxels down to here
};

struct MetalVoxels {
  double seedHu = 0, growHu = 0;  ///< the thresholds used on this scan
  std::vector<long> flat;         ///< buffer offsets of the metal voxels, ascending
  bool contains(long offset) const;
};

/// The value from which a voxel of this scan is surely metal (the seed threshold): `metalHu`, or
/// `coarseSeedHu` when every voxel side is `coarseGridMm` or more.
double metalSeedHu(const CtImage& ct, const MetalRule& rule = {});

/// Seeds at or above the scan's seed threshold, grown through 26-connected voxels at or above its
/// grow threshold (the two are one in fine voxels), within `region` (the whole image by default;
/// the steps that look at the spine only keep to the box round it).
MetalVoxels findMetal(const CtImage& ct, const MetalRule& rule = {});
MetalVoxels findMetal(const CtImage& ct, const MetalRule& rule, const itk::ImageRegion<3>& region);

}  // namespace spine
