#include "Constructs.h"

#include <algorithm>

#include "DiscBlock.h"

namespace spine::discs {

std::map<std::uint16_t, double> metalPerLabel(const CtImage& ct, const LevelTable& t, const MetalRule& rule) {
  std::map<std::uint16_t, double> perLabel;
  const LabelImage& labels = *t.labels;
  if (labels.GetPixelContainer()->Size() != ct.GetPixelContainer()->Size()) return perLabel;
  const MetalVoxels metal = findMetal(ct, rule, regionAround(ct, levelCentroids(t), 80));
  const auto s = ct.GetSpacing();
  const double voxel = s[0] * s[1] * s[2];
  const LabelPixel* l = labels.GetBufferPointer();
  for (long f : metal.flat)
    if (l[f]) perLabel[l[f]] += voxel;
  return perLabel;
}

std::vector<Construct> constructs(const LevelTable& t, const std::map<std::uint16_t, double>& metal, double minMm3) {
  auto has = [&](std::uint16_t label) {
    auto it = metal.find(label);
    return it != metal.end() && it->second >= minMm3;
  };
  std::vector<bool> instrumented(t.vertebrae.size());
  for (size_t i = 0; i < t.vertebrae.size(); ++i) instrumented[i] = has(t.vertebrae[i].label);
  for (size_t v = 0; v + 1 < t.vertebrae.size(); ++v)
    if (const auto d = t.discUnder(v); d && has(t.discs[*d].label)) instrumented[v] = instrumented[v + 1] = true;
  // Skip-level fixation: one vertebra without screws between two with them (a fracture fixed from
  // the level above to the level below) is spanned by the rods and inside the construct.
  for (size_t i = 1; i + 1 < instrumented.size(); ++i)
    if (!instrumented[i] && has(t.vertebrae[i - 1].label) && has(t.vertebrae[i + 1].label)) instrumented[i] = true;
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
