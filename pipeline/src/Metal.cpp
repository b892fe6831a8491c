#include "spine/Metal.h"

#include <algorithm>

namespace spine {

bool MetalVoxels::contains(long offset) const {
  return std::binary_search(flat.begin(), flat.end(), offset);
}

MetalVoxels findMetal(const CtImage& ct, const MetalRule& rule) {
  MetalVoxels m;
  const auto s = ct.GetSpacing();
  const bool coarse = std::min({s[0], s[1], s[2]}) >= rule.coarseGridMm;
  m.seedHu = coarse ? rule.coarseSeedHu : rule.metalHu;
  m.growHu = coarse ? rule.coarseGrowHu : rule.metalHu;
  const auto size = ct.GetLargestPossibleRegion().GetSize();
  const long nx = long(size[0]), ny = long(size[1]), nz = long(size[2]), voxels = nx * ny * nz;
  const CtPixel* v = ct.GetBufferPointer();
  for (long i = 0; i < voxels; ++i)
    if (v[i] >= m.seedHu) m.flat.push_back(i);
  if (m.growHu < m.seedHu) {
    std::vector<std::uint8_t> taken(size_t(voxels), 0);
    for (long i : m.flat) taken[size_t(i)] = 1;
    for (size_t next = 0; next < m.flat.size(); ++next) {
      const long f = m.flat[next], x = f % nx, y = (f / nx) % ny, z = f / (nx * ny);
      for (long dz = -1; dz <= 1; ++dz)
        for (long dy = -1; dy <= 1; ++dy)
          for (long dx = -1; dx <= 1; ++dx) {
            const long a = x + dx, b = y + dy, c = z + dz, w = a + nx * (b + ny * c);
            if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz || taken[size_t(w)] || v[w] < m.growHu)
              continue;
            taken[size_t(w)] = 1;
            m.flat.push_back(w);
          }
    }
    std::sort(m.flat.begin(), m.flat.end());
  }
  return m;
}

}  // namespace spine
