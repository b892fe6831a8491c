#pragma once
// The index box of an image round a few points: the passes over a CT or a label map keep to the
// spine's neighbourhood instead of the whole scan.
#include <vector>

#include <itkImageBase.h>

#include "spine/Vec3.h"

namespace spine {

/// The index box of `image` holding every point (LPS mm) with `marginMm` round it, clipped to the
/// image (empty when no point is given).
itk::ImageRegion<3> regionAround(const itk::ImageBase<3>& image, const std::vector<Vec3>& points, double marginMm);

}  // namespace spine
