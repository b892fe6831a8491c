#include "spine/ImageRegion.h"

#include <algorithm>
#include <cmath>

namespace spine {

itk::ImageRegion<3> regionAround(const itk::ImageBase<3>& image, const std::vector<Vec3>& points, double marginMm) {
  const auto size = image.GetLargestPossibleRegion().GetSize();
  double lo[3] = {1e300, 1e300, 1e300}, hi[3] = {-1e300, -1e300, -1e300};
  for (const Vec3& c : points)
    for (int corner = 0; corner < 8; ++corner) {
      itk::Point<double, 3> p;
      for (int a = 0; a < 3; ++a) p[a] = c[a] + ((corner >> a) & 1 ? marginMm : -marginMm);
      const auto idx = image.TransformPhysicalPointToContinuousIndex<double>(p);
      for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], idx[a]), hi[a] = std::max(hi[a], idx[a]);
    }
  itk::ImageRegion<3> region;  // empty
  if (points.empty()) return region;
  for (int a = 0; a < 3; ++a) {
    const long first = std::clamp(long(std::floor(lo[a])), 0L, long(size[a]) - 1);
    const long last = std::clamp(long(std::ceil(hi[a])), 0L, long(size[a]) - 1);
    region.SetIndex(a, first);
    region.SetSize(a, size_t(last - first + 1));
  }
  return region;
}

}  // namespace spine
