#pragma once
// One disc of a CT opened for measuring what lies behind it: the block around it (DiscBlock.h), the
// posterior vertebral line of the bodies above and below, the bony walls of the canal and foramina,
// and the values of the disc and of the tissue around it. The herniation and stenosis detectors
// measure from here; plugins/herniation/README.md gives the steps and the evidence for the values.
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "common/DiscBlock.h"
#include "spine/Metal.h"
#include "spine/Finding.h"

namespace spine::discs {

struct CanalParams {
  double boneHu = 250;    ///< at or above: bone, never disc material
  MetalRule metal;  ///< metal near the disc (at the scan's seed threshold, spine/Metal.h): not measurable
  double edgeHu = 40;     ///< a body's posterior edge: where the walk out of it first stays below this for 1 mm
  double lineSlabMm = 4;  ///< the bodies' edges are measured this far above and below the disc space
  double discMinHu = 40, discMaxHu = 130;  ///< a disc reads 60-110 HU on CT; outside this the samples are not disc
  double minContrastHu = 20;  ///< disc minus its surroundings below this: the disc cannot be judged on this scan
  double reachMm = 12;        ///< the block reaches this far above and below the disc space (migrated material)
};

/// The posterior vertebral line in the disc's frame: the posterior edges of the bodies above (zUp)
/// and below (zLow) the disc space, straight between them.
struct Line {
  double zUp = 0, yUp = 0, zLow = 0, yLow = 0;
  double at(double z) const {
    if (z >= zUp) return yUp;
    if (z <= zLow) return yLow;
    return yLow + (yUp - yLow) * (z - zLow) / (zUp - zLow);
  }
};

/// Bone-bounded distances measured at the heights of the bodies next to the disc (mm, in the disc's
/// frame): the body's lateral edges, the pedicles' medial and lateral walls, the canal's depth.
struct Walls {
  double bodyLeft = kNaN, bodyRight = kNaN;  ///< outermost bone at the disc's middle depth
  double canalHalf = kNaN;                   ///< pedicle medial wall: half the bony canal's width
  double pedicleOuter = kNaN;                ///< pedicle lateral wall
  double canalCentre = 0;                    ///< x of the middle between the pedicles
  double canalDepth = kNaN;                  ///< posterior line to the lamina, in the midline
};

struct DiscCanal {
  /// Opens the disc: samples its block and measures all below; `why` says what could not be
  /// measured (metal near it, no posterior body edge, not disc, too little contrast), else empty.
  /// With `labels` (the analysis' label map), voxels its vertebrae hold are never disc material.
  DiscCanal(const CtImage& ct, const DiscFrame& frame, double halfHeightMm, const CanalParams& p,
            const LabelImage* labels = nullptr);

  DiscBlock block;
  double halfHeight = 0;  ///< half the disc space, mm
  Line line;
  Walls walls;
  double discHu = 0, canalHu = 0, tau = 0;  ///< tau: halfway between the disc and the brightest tissue around it
  double sideLimit = 0;                ///< material is followed this far to either side (the foramina's outer ends)
  double pastLimit = 0;                ///< ... and this far beyond the line (the canal's back wall)
  double reachMm = 0;                  ///< material is followed this far above and below the disc space
  double coarsestMm = 1;               ///< the CT's coarsest voxel spacing (its slices, mostly)
  double partialVolumeMm = 1;          ///< bone blurs this far: half the CT's coarsest spacing, at least 1 mm
  std::vector<std::uint8_t> nearBone;  ///< within partialVolumeMm of bone: never disc material
  std::vector<std::uint8_t> vertebra;  ///< in a vertebra's label (faint marrow reads as disc): never disc material; empty without labels
  bool inVertebra(size_t idx) const { return !vertebra.empty() && vertebra[idx]; }
  std::string why;
};

/// Along +y from sample (i, j, k) of a bright structure (a body's wall, disc material): where the
/// value falls to halfway between its peak (within 2 mm in front) and what lies behind it (the
/// lowest within 5 mm), interpolated, within 3 mm. A fixed threshold puts a blurred edge too far out
/// (bone) or cuts a blurred tip short (disc material); the half maximum does neither.
double halfMaximumEdge(const DiscBlock& b, int i, int j, int k);

/// Floods from the voxels on `stack` (already marked in `seen`) through neighbours accept(index)
/// allows, marking them; returns every voxel reached.
template <typename Accept>
std::vector<size_t> flood(const DiscBlock& b, std::vector<size_t> stack, std::vector<std::uint8_t>& seen,
                          Accept accept) {
  std::vector<size_t> reached = stack;
  while (!stack.empty()) {
    const size_t idx = stack.back();
    stack.pop_back();
    b.forEachNeighbour(idx, [&](size_t m) {
      if (!seen[m] && accept(m)) seen[m] = 1, stack.push_back(m), reached.push_back(m);
    });
  }
  return reached;
}

/// Disc-dense voxels (tau up to bone) grown from the disc's posterior margin inside the disc space,
/// within the foramina's limits, the canal's depth and reachMm above and below the disc space; kept
/// where they lie beyond the line (1 mm beyond it outside the disc space, clear of the bodies' walls).
std::vector<std::uint8_t> materialBeyondLine(const DiscCanal& c);

/// judge(frame, disc) for every disc of the table, two discs at a time, findings in table order; a
/// disc whose segment is too small to place, or cut by the field's edge, gets a not-assessed finding
/// about `what` instead.
std::vector<Finding> judgeEachDisc(
    const LevelTable& t, const std::string& what,
    const std::function<std::vector<Finding>(const DiscFrame&, const LevelEntry&)>& judge);

/// Median of the block over a box (mm, disc frame).
double boxMedian(const DiscBlock& b, double x0, double x1, double y0, double y1, double z0, double z1);

}  // namespace spine::discs
