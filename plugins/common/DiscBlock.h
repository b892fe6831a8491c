#pragma once
// The CT around one disc, resampled on a 0.5 mm grid in the disc's own frame: x to the patient's
// left, y posterior (towards the canal), z along the disc's normal (cranial). The disc detectors
// (herniation, stenosis, adjacent segment) measure in such blocks; what they find maps back to LPS
// with world().
#include <cmath>
#include <limits>
#include <vector>

#include "spine/ImageRegion.h"
#include "spine/LevelTable.h"
#include "spine/PixelTypes.h"
#include "spine/Vec3.h"

namespace spine::discs {

/// Why a disc at the field's edge is not judged (LevelEntry::cutByField).
inline constexpr const char* kCutByField = "the field's edge cuts it: only part of its height is in view";

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();  ///< not measured

struct DiscFrame {
  Vec3 centre{0, 0, 0};  ///< the middle of the disc's posterior half, LPS mm
  Vec3 x{1, 0, 0}, y{0, 1, 0}, z{0, 0, 1};
  double halfHeight = 0;   ///< half the height of the disc's posterior half (a lordotic disc is a wedge)
  double halfWidth = 30;   ///< how far the posterior half reaches to its narrower side (|x|, 95th percentile)
  double heightMm = 0;     ///< the level table's height of the disc (found along the column)
  Vec3 centroid{0, 0, 0};  ///< the disc label's centroid, LPS mm
  Vec3 world(double u, double v, double w) const { return axpy(axpy(axpy(centre, u, x), v, y), w, z); }
};

/// A frame at `centre` with normal n (turned cranially): y is LPS posterior made orthogonal to it.
DiscFrame frameAt(const Vec3& centre, Vec3 n);

/// The centroids of the table's levels that have voxels (vertebrae and discs).
std::vector<Vec3> levelCentroids(const LevelTable& t);

/// The LPS points of every disc label's voxels, per disc of the table (same order).
std::vector<std::vector<Vec3>> discVoxels(const LevelTable& t);

/// One frame per disc of the table (same order), from the disc label's voxels: normal = the axis of
/// least spread, turned cranially; y = LPS posterior made orthogonal to it; the centre moved to the
/// middle of the disc's posterior half (within 10 mm of the midline), where herniations start. A
/// disc with fewer than 50 voxels gets no frame (false in `valid`): on the real 3 mm CT the
/// segmentation's own disc planes put the block on bone or gave false foraminal findings.
std::vector<DiscFrame> discFrames(const LevelTable& levels, std::vector<bool>& valid);

class DiscBlock {
 public:
  static constexpr double kStepMm = 0.5;
  /// Samples x in [-halfWidth, halfWidth], y in [yMin, yMax], z in [-halfHeight, halfHeight] (mm),
  /// trilinear, then smooths once with a [1 2 1] kernel along each axis. Outside the image: -1000.
  DiscBlock(const CtImage& ct, const DiscFrame& frame, double halfWidth, double yMin, double yMax, double halfHeight);

  int nx() const { return m_n[0]; }
  int ny() const { return m_n[1]; }
  int nz() const { return m_n[2]; }
  double u(int i) const { return m_min[0] + i * kStepMm; }
  double v(int j) const { return m_min[1] + j * kStepMm; }
  double w(int k) const { return m_min[2] + k * kStepMm; }
  int iOf(double u) const { return clampIndex(0, u); }
  int jOf(double v) const { return clampIndex(1, v); }
  int kOf(double w) const { return clampIndex(2, w); }
  size_t index(int i, int j, int k) const { return (size_t(k) * m_n[1] + j) * m_n[0] + i; }
  void coordsOf(size_t idx, int& i, int& j, int& k) const {
    i = int(idx % size_t(m_n[0])), j = int(idx / size_t(m_n[0]) % size_t(m_n[1])),
    k = int(idx / (size_t(m_n[0]) * m_n[1]));
  }
  /// fn(index) for each of the 6 face neighbours of idx inside the block.
  template <typename Fn>
  void forEachNeighbour(size_t idx, Fn fn) const {
    int i, j, k;
    coordsOf(idx, i, j, k);
    if (i > 0) fn(idx - 1);
    if (i + 1 < m_n[0]) fn(idx + 1);
    if (j > 0) fn(idx - size_t(m_n[0]));
    if (j + 1 < m_n[1]) fn(idx + size_t(m_n[0]));
    if (k > 0) fn(idx - size_t(m_n[0]) * m_n[1]);
    if (k + 1 < m_n[2]) fn(idx + size_t(m_n[0]) * m_n[1]);
  }
  float at(int i, int j, int k) const { return m_hu[index(i, j, k)]; }
  /// Per block voxel: whether the label map's nearest voxel carries a value `keep` accepts (0 outside).
  template <typename Keep>
  std::vector<std::uint8_t> labelled(const LabelImage& labels, Keep keep) const {
    std::vector<std::uint8_t> out(m_hu.size(), 0);
    const LabelPixel* buf = labels.GetBufferPointer();
    forEachSample(labels, [&](size_t idx, const Vec3& c, const itk::Size<3>& size) {
      const long x = std::lround(c[0]), y = std::lround(c[1]), z = std::lround(c[2]);
      if (x < 0 || y < 0 || z < 0 || x >= long(size[0]) || y >= long(size[1]) || z >= long(size[2])) return;
      out[idx] = keep(buf[(size_t(z) * size[1] + size_t(y)) * size[0] + size_t(x)]) ? 1 : 0;
    });
    return out;
  }
  size_t size() const { return m_hu.size(); }
  const DiscFrame& frame() const { return m_frame; }

 private:
  int clampIndex(int axis, double mm) const;
  /// fn(block index, continuous index in img, img's size) for every block voxel.
  template <typename Fn>
  void forEachSample(const itk::ImageBase<3>& img, Fn fn) const {
    const auto inverse = img.GetInverseDirection();
    const auto size = img.GetLargestPossibleRegion().GetSize();
    auto indexOf = [&](const Vec3& p) {
      Vec3 c{0, 0, 0};
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) c[a] += inverse(a, b) / img.GetSpacing()[a] * (p[b] - img.GetOrigin()[b]);
      return c;
    };
    const Vec3 c0 = indexOf(m_frame.world(m_min[0], m_min[1], m_min[2]));
    Vec3 step[3];
    for (int a = 0; a < 3; ++a) {
      Vec3 d{0, 0, 0};
      d[a] = kStepMm;
      step[a] = sub(indexOf(m_frame.world(m_min[0] + d[0], m_min[1] + d[1], m_min[2] + d[2])), c0);
    }
    for (int k = 0; k < m_n[2]; ++k)
      for (int j = 0; j < m_n[1]; ++j)
        for (int i = 0; i < m_n[0]; ++i) fn(index(i, j, k), axpy(axpy(axpy(c0, i, step[0]), j, step[1]), k, step[2]), size);
  }
  DiscFrame m_frame;
  double m_min[3];
  int m_n[3];
  std::vector<float> m_hu;
};

}  // namespace spine::discs
