#pragma once
// MR spine on a sagittal series (T2 or T1, 2D multi-slice, 3D, or one slice): find the discs as a
// chain of thin bands that differ from the bodies above and below them (bright or dark: T2,
// T1 and degenerated discs alike), segment the discs and vertebral bodies between them on the
// mid-sagittal plane, and extend them to the neighbouring slices. Levels are named by Numbering.h
// from the same evidence structure as CT; ribs are not assessed on MR.
#include "spine/PixelTypes.h"
#include "spine/SpineSegmentation.h"

namespace spine {

struct MrSegmentationParams {
  double discBandMm = 3;          ///< height of the band tested as a disc
  double flankMm = 8;             ///< height of the body bands above and below it
  double discWidthMm = 26;        ///< length along the disc that must show the contrast
  double minScore = 0.5;          ///< disc contrast over the bodies' spread (dimensionless)
  double minSpacingMm = 22;       ///< disc to disc: thoracolumbar vertebra + disc at the smallest
  double maxSpacingMm = 55;
  double maxSpacingRatio = 1.3;  ///< one disc-to-disc step at most this much longer or shorter than the previous one
  double maxDiscTurnDeg = 30;     ///< a disc's normal and the column between it and the next disc
  double maxBodyChange = 0.2;      ///< an end "body" whose mean differs more (relative) from the chain's median is cut off
  double bodySpreadWeight = 2;    ///< chain penalty per unit of spread of the body between two discs
  double bodyHalfWidthLrMm = 23;  ///< vertebral bodies and discs reach this far either side of the mid-plane
  size_t minDiscsToName = 4;      ///< fewer discs found in a chain: too little of the column to count from the sacrum
  double maxLastDiscFrontMm = 2;  ///< the lowest disc this far in front of the line of the two above it is not L5-S1
  double sacrumTiltDeg = 15;      ///< the lowest disc tilted at least this much (or 12 degrees more than the one above)
  double sacrumMinMm = 20;        ///< bone below the lowest disc for it to be the sacrum
};

/// Throws nothing on anatomy it cannot find: the result is then empty with a note saying why.
SpineSegmentation segmentSpineMr(const MrImage& mr, const MrSegmentationParams& params = {});

}  // namespace spine
