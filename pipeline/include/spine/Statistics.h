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

/// The value below which a fraction q (0-1) of `v` lies (nearest rank); `v` must not be empty.
inline double quantile(std::vector<double> v, double q) {
  const size_t k = std::min(v.size() - 1, size_t(q * double(v.size())));
  std::nth_element(v.begin(), v.begin() + long(k), v.end());
  return v[k];
}

}  // namespace spine
