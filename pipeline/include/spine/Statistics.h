#pragma once
// Small robust statistics shared by the detectors and the segmentation.
#include <algorithm>
#include <vector>

namespace spine {

/// The middle value (upper middle for an even count); `v` must not be empty.
inline double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace spine
