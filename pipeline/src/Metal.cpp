#include "spine/Metal.h"

#include <algorithm>

namespace spine {

namespace {

bool coarse(const CtImage& ct, const MetalRule& rule) {
  const auto s = ct.GetSpacing();
  return std::min({s[0], s[1], s[2]}) >= rule.coarseGridMm;
}

}  // namespace

double metalSeedHu(const CtImage& ct, const MetalRule& rule) {
  return coarse(ct, rule) ? rule.coarseSeedHu : rule.metalHu;
}

bool MetalVoxels::contains(long offset) const {
  return std::binary_search(flat.begin(), flat.end(), offset);
}

MetalVoxels findMetal(const CtImage& ct, const MetalRule& rule) {
  return findMetal(ct, rule, ct.GetLargestPossibleRegion());
}

MetalVoxels findMetal(const CtImage& ct, const MetalRule& rule, const itk::ImageRegion<3>& region) {
  MetalVoxels m;
  m.seedHu = metalSeedHu(ct, rule);
  m.growHu = coarse(ct, rule) ? rule.coarseGrowHu : rule.metalHu;
  const auto size = ct.GetLargestPossibleRegion().GetSize();
  const long nx = long(size[0]), ny = long(size[1]);
  const long lo[3] = {region.GetIndex(0), region.GetIndex(1), region.GetIndex(2)};
  const long hi[3] = {lo[0] + long(region.GetSize(0)), lo[1] + long(region.GetSize(1)),
                      lo[2] + long(region.GetSize(2))};
  const CtPixel* v = ct.GetBufferPointer();
  for (long z = lo[2]; z < hi[2]; ++z)
    for (long y = lo[1]; y < hi[1]; ++y)
      for (long x = lo[0], row = nx * (y + ny * z); x < hi[0]; ++x)
        if (v[row + x] >= m.seedHu) m.flat.push_back(row + x);
  if (m.growHu >= m.seedHu) return m;
  std::vector<std::uint8_t> taken(ct.GetPixelContainer()->Size(), 0);
  for (long i : m.flat) taken[size_t(i)] = 1;
  for (size_t next = 0; next < m.flat.size(); ++next) {
    const long f = m.flat[next], x = f % nx, y = (f / nx) % ny, z = f / (nx * ny);
    for (long dz = -1; dz <= 1; ++dz)
      for (long dy = -1; dy <= 1; ++dy)
        for (long dx = -1; dx <= 1; ++dx) {
          const long a = x + dx, b = y + dy, c = z + dz, w = a + nx * (b + ny * c);
          if (a < lo[0] || b < lo[1] || c < lo[2] || a >= hi[0] || b >= hi[1] || c >= hi[2] || taken[size_t(w)] ||
              v[w] < m.growHu)
            continue;
          taken[size_t(w)] = 1;
          m.flat.push_back(w);
        }
  }
  std::sort(m.flat.begin(), m.flat.end());
  return m;
}

}  // namespace spine
