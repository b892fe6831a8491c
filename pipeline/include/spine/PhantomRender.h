#pragma once
// Turns a phantom's anatomy into scanner images: the acquisition grid (orientation, position,
// obliquity, gantry tilt, slice thickness), tissue values with texture, partial volume across
// the slice, blur, CT metal streaks and noise, MR bias field and Rician noise.
#include <vector>

#include "spine/PhantomAnatomy.h"
#include "spine/PixelTypes.h"

namespace spine {

/// Slice k covers the plane through origin + k * step, spanned by row and col.
struct AcquisitionGrid {
  Vec3 origin, row, col, step;
  double dx = 1, dy = 1, thickness = 1;
  unsigned nx = 0, ny = 0, nz = 0;
  Vec3 normal() const { return cross(row, col); }
  Vec3 slicePosition(unsigned k) const { return axpy(origin, double(k), step); }
  /// Distance between slices along the normal.
  double spacing() const { return std::abs(dot(step, normal())); }
};

/// The grid a spec asks for, covering its field of view.
AcquisitionGrid acquisitionGrid(const Anatomy& anatomy, const PhantomSpec& spec);

/// Images in modality units (HU for CT), one row-major slice per grid slice.
std::vector<std::vector<float>> renderImages(const Anatomy& anatomy, const PhantomSpec& spec, const AcquisitionGrid& grid,
                                             unsigned threads);

/// An empty label map on the voxels of `grid` (slices in the grid's order along its normal).
LabelImage::Pointer labelGrid(const AcquisitionGrid& grid);

/// The ground-truth label map on an orthogonal grid covering `grid` (the same grid when the
/// acquisition has no gantry tilt), sampled at voxel centres.
LabelImage::Pointer renderLabels(const Anatomy& anatomy, const AcquisitionGrid& grid, unsigned threads);

}  // namespace spine
