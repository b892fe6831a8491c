#pragma once
// Internal steps of segmentSpineMr(): one sagittal plane resampled to 1 mm, and the disc chain on it.
#include <cstdint>
#include <vector>

#include "spine/MrSegmentation.h"
#include "spine/Vec3.h"

namespace spine::mr {

/// One sagittal slice on a 1 mm grid: row r is z = zTop - r (superior first), column c is
/// y = yFront + c (anterior first), LPS mm. Values normalised to the slice's 1st-99th percentiles
/// (0..1), so T1, T2 and any scanner scale read alike; `valid` is 0 outside the image.
struct Plane {
  long rows = 0, cols = 0;
  double zTop = 0, yFront = 0;
  Vec3 origin{0, 0, 0}, normal{1, 0, 0};  ///< the slice plane in LPS
  float lo = 0, hi = 1;                    ///< the raw values mapped to 0 and 1
  std::vector<float> value;
  std::vector<std::uint8_t> valid;
  float at(long r, long c) const { return value[size_t(r * cols + c)]; }
  bool inside(long r, long c) const { return r >= 0 && c >= 0 && r < rows && c < cols && valid[size_t(r * cols + c)]; }
  /// LPS point of (row, col) on the plane.
  Vec3 point(double r, double c) const;
  /// (row, col) of an LPS point projected onto the plane along x.
  void rowCol(const Vec3& p, double& r, double& c) const;
  float normalise(float raw) const { return (raw - lo) / (hi - lo); }
};

/// The image axis closest to left-right (LPS x); -1 when none is within 45 degrees of it.
int leftRightAxis(const MrImage& mr);

/// The left-right axis when the series is sagittal: slices stacked left-right (that axis has the
/// fewest voxels or clearly the coarsest spacing); -1 otherwise (an axial or coronal series).
int sagittalSliceAxis(const MrImage& mr);

/// Slice `slice` along `lrAxis`, resampled bilinearly in plane.
Plane samplePlane(const MrImage& mr, int lrAxis, long slice);

struct Disc {
  double r = 0, c = 0;   ///< centre on the plane
  double angle = 0;      ///< radians: the disc runs along (cos, sin) in (col, row)
  double score = 0;      ///< contrast over the bodies' spread
};

struct DiscChain {
  std::vector<Disc> discs;      ///< cranial to caudal
  double score = 0;
  /// A candidate the chain left out would continue it downwards like a disc (spaced, tilted and
  /// scoring like the chain's, a marrow-like body above it): the chain may have stopped early.
  bool continuesBelow = false;
};

/// A disc's extent across itself at half contrast, bright or dark; moves its centre to the middle
/// of that extent and its tilt to the one (within the detector's 7.5 degree step) holding the most
/// contrast. Returns the half height, mm. Refine a disc once: each call may turn it further.
double refineDisc(const Plane& plane, Disc& d);

/// The best chain of disc-like bands on the plane, regularly spaced along a smooth column.
DiscChain findDiscChain(const Plane& plane, const MrSegmentationParams& p);

}  // namespace spine::mr
