#include "Constructs.h"

#include <algorithm>

#include "DiscBlock.h"

namespace spine::discs {

std::map<std::uint16_t, double> metalPerLabel(const CtImage& ct, const LevelTable& t, double metalHu) {
  std::map<std::uint16_t, double> metal;
  const LabelImage& labels = *t.labels;
  if (labels.GetPixelContainer()->Size() != ct.GetPixelContainer()->Size()) return metal;
  const auto s = ct.GetSpacing();
  const auto size = ct.GetLargestPossibleRegion().GetSize();
  const double voxel = s[0] * s[1] * s[2];
  const itk::ImageRegion<3> box =
      regionAround(ct, levelCentroids(t), 80);  // a vertebra reaches 80 mm from its centroid at most
  const CtPixel* v = ct.GetBufferPointer();
  const LabelPixel* l = labels.GetBufferPointer();
  for (long k = box.GetIndex(2); k < box.GetUpperIndex()[2] + 1; ++k)
    for (long j = box.GetIndex(1); j < box.GetUpperIndex()[1] + 1; ++j) {
      const size_t row = (size_t(k) * size[1] + size_t(j)) * size[0];
      for (long i = box.GetIndex(0); i < box.GetUpperIndex()[0] + 1; ++i)
        if (v[row + size_t(i)] >= metalHu && l[row + size_t(i)]) metal[l[row + size_t(i)]] += voxel;
    }
  return metal;
}

std::vector<Construct> constructs(const LevelTable& t, const std::map<std::uint16_t, double>& metal, double minMm3) {
  auto has = [&](std::uint16_t label) {
    auto it = metal.find(label);
    return it != metal.end() && it->second >= minMm3;
  };
  std::vector<bool> instrumented(t.vertebrae.size());
  for (size_t i = 0; i < t.vertebrae.size(); ++i) instrumented[i] = has(t.vertebrae[i].label);
  for (size_t d = 0; d < t.discs.size() && d + 1 < t.vertebrae.size(); ++d)
    if (has(t.discs[d].label)) instrumented[d] = instrumented[d + 1] = true;
  std::vector<Construct> out;
  for (size_t i = 0; i < instrumented.size();) {
    size_t j = i;
    while (j < instrumented.size() && instrumented[j]) ++j;
    if (j - i >= 2) out.push_back({i, j - 1});
    i = std::max(j, i + 1);
  }
  return out;
}

}  // namespace spine::discs
