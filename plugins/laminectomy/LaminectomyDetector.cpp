#include "LaminectomyDetector.h"

#include <algorithm>
#include <map>
#include <vector>

#include <itkImageRegionConstIteratorWithIndex.h>

#include "spine/ImageRegion.h"
#include "spine/Statistics.h"


namespace spine {

namespace {

/// Per vertebra label: how far its voxels reach behind its centroid (LPS +y), in mm. Vertebrae the
/// image's edge cuts are left out: their missing parts are outside the field of view, not removed.
std::map<std::uint16_t, double> posteriorReach(const LevelTable& t) {
  constexpr double kNone = -1e300;
  std::vector<double> centroidY(65536, kNone), reach(65536, kNone);  // by label value: no map lookup per voxel
  std::vector<bool> cut(65536, false);
  for (const LevelEntry& v : t.vertebrae) centroidY[v.label] = v.centroid[1];
  const LabelImage& labels = *t.labels;
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  // y of voxel (i, j, k) = origin y + i*dy[0] + j*dy[1] + k*dy[2]: one pass over the buffer.
  double dy[3];
  for (int d = 0; d < 3; ++d) dy[d] = labels.GetDirection()(1, d) * labels.GetSpacing()[d];
  const LabelPixel* v = labels.GetBufferPointer();
  for (size_t k = 0; k < size[2]; ++k)
    for (size_t j = 0; j < size[1]; ++j)
      for (size_t i = 0; i < size[0]; ++i, ++v) {
        if (*v == 0 || centroidY[*v] == kNone) continue;
        if (i == 0 || j == 0 || k == 0 || i + 1 == size[0] || j + 1 == size[1] || k + 1 == size[2]) cut[*v] = true;
        reach[*v] = std::max(reach[*v], labels.GetOrigin()[1] + double(i) * dy[0] + double(j) * dy[1] + double(k) * dy[2] - centroidY[*v]);
      }
  std::map<std::uint16_t, double> out;
  for (const LevelEntry& e : t.vertebrae)
    if (reach[e.label] != kNone && !cut[e.label]) out[e.label] = reach[e.label];
  return out;
}

/// Bone (at least boneHu) on the CT where the neighbours' posterior elements reach and vertebra v's
/// label does not, whoever's label it carries: from 2 mm past its own reach to theirs behind its centroid, within 15 mm of its
/// midline and 8 mm of its centroid's height.
double boneBehindReachMm3(const CtImage& ct, const LevelEntry& v, double mine, double usual, double boneHu) {
  const Vec3 lo{v.centroid[0] - 15, v.centroid[1] + mine + 2, v.centroid[2] - 8};
  const Vec3 hi{v.centroid[0] + 15, v.centroid[1] + usual, v.centroid[2] + 8};
  if (hi[1] <= lo[1]) return 0;
  std::vector<Vec3> corners;
  for (int c = 0; c < 8; ++c) corners.push_back({(c & 1 ? hi : lo)[0], (c & 2 ? hi : lo)[1], (c & 4 ? hi : lo)[2]});
  const itk::ImageRegion<3> box = regionAround(ct, corners, 0);
  const auto sp = ct.GetSpacing();
  size_t n = 0;
  for (itk::ImageRegionConstIteratorWithIndex<CtImage> it(&ct, box); !it.IsAtEnd(); ++it) {
    if (it.Get() < boneHu) continue;
    itk::Point<double, 3> p;
    ct.TransformIndexToPhysicalPoint(it.GetIndex(), p);
    n += p[0] >= lo[0] && p[0] <= hi[0] && p[1] >= lo[1] && p[1] <= hi[1] && p[2] >= lo[2] && p[2] <= hi[2];
  }
  return double(n) * sp[0] * sp[1] * sp[2];
}

}  // namespace

std::vector<Finding> LaminectomyDetector::detect(const DetectorInput& input) const {
  std::vector<Finding> out;
  if (!input.levels || !input.levels->labels) return out;
  const LevelTable& t = *input.levels;
  const std::map<std::uint16_t, double> reach = posteriorReach(t);
  // Cervical C1/C2 and the sacrum have their own shapes; they are neither judged nor neighbours.
  std::vector<const LevelEntry*> judged;
  for (const LevelEntry& v : t.vertebrae)
    if (v.name != "C1" && v.name != "C2" && v.name != "sacrum" && v.name != "S1" && reach.count(v.label)) judged.push_back(&v);
  for (size_t i = 0; i < judged.size(); ++i) {
    std::vector<double> around;
    for (size_t j = (i >= 2 ? i - 2 : 0); j <= std::min(judged.size() - 1, i + 2); ++j)
      if (j != i) around.push_back(reach.at(judged[j]->label));
    if (around.size() < 2) continue;
    const double mine = reach.at(judged[i]->label), usual = median(around);
    if (usual - mine < m_params.shortfallMm || mine > m_params.ratio * usual) continue;
    // A segmentation that did not reach the arch (faint osteoporotic bone, metal streaks) makes a
    // short vertebra too: the CT shows whether the bone is gone.
    if (input.volume.ct &&
        boneBehindReachMm3(*input.volume.ct, *judged[i], mine, usual, m_params.archBoneHu) >= m_params.archBoneMm3)
      continue;
    Finding f;
    f.kind = "laminectomy";
    f.levels = {judged[i]->name};
    f.certainty = "possible";
    f.evidenceLabel = judged[i]->label;
    f.evidencePoints = {judged[i]->centroid};
    f.measurements = {{"posterior_reach", mine, "mm", "farthest voxel of the vertebra's label behind its centroid"},
                      {"neighbours_reach", usual, "mm", "median of the same for up to two vertebrae above and below"}};
    f.summary = judged[i]->name + " reaches " + oneDecimal(mine) + " mm behind its centre against " + oneDecimal(usual) +
                " mm for its neighbours: posterior elements absent, possible laminectomy.";
    out.push_back(f);
  }
  return out;
}

}  // namespace spine
