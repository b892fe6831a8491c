#include "DiscBlock.h"

#include <algorithm>
#include <cmath>

#include <vnl/algo/vnl_symmetric_eigensystem.h>

#include "spine/Statistics.h"

namespace spine::discs {

namespace {

/// The disc's centroid and axes: normal = the axis of least spread of its voxels.
DiscFrame frameOf(const std::vector<Vec3>& points) {
  Vec3 centre{0, 0, 0};
  for (const Vec3& p : points) centre = add(centre, p);
  centre = scale(centre, 1.0 / double(points.size()));
  vnl_matrix<double> cov(3, 3, 0.0);
  for (const Vec3& p : points) {
    const Vec3 r = sub(p, centre);
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) cov(a, b) += r[a] * r[b];
  }
  vnl_symmetric_eigensystem<double> eig(cov);
  return frameAt(centre, {eig.get_eigenvector(0)[0], eig.get_eigenvector(0)[1], eig.get_eigenvector(0)[2]});
}

/// One [1 2 1]/4 pass along each axis of an n[0] x n[1] x n[2] block (edges keep their value):
/// takes the pixel noise of a thin-slice CT down before thresholds are applied.
void smooth121(std::vector<float>& v, const int n[3]) {
  const size_t stride[3] = {1, size_t(n[0]), size_t(n[0]) * n[1]};
  std::vector<float> copy;
  for (int a = 0; a < 3; ++a) {
    copy = v;
    const size_t s = stride[a];
    for (int k = 0; k < n[2]; ++k)
      for (int j = 0; j < n[1]; ++j)
        for (int i = 0; i < n[0]; ++i) {
          const int pos = a == 0 ? i : a == 1 ? j : k;
          if (pos == 0 || pos + 1 == n[a]) continue;
          const size_t idx = (size_t(k) * n[1] + j) * n[0] + i;
          v[idx] = 0.25f * copy[idx - s] + 0.5f * copy[idx] + 0.25f * copy[idx + s];
        }
  }
}

/// Moves each frame to the middle of its disc's posterior half and measures that half's height and
/// width. The half width is that of the narrower side, and the height is read within half of it of
/// the middle: a disc is symmetric, and a label that leaks into one foramen widens one side only
/// (a 0.5 mm cervical phantom's C3-C4 reached 10.1 mm to the left and 7.3 mm to the right, and its
/// value was read from the soft tissue beside it) and reaches above and below the disc there (its
/// C2-C3 read 9.3 mm tall for 4.6).
void centreOnPosteriorHalf(const std::vector<Vec3>& points, DiscFrame& frame) {
  std::vector<std::pair<double, double>> behind;  // (x, z) of the voxels of the posterior half
  std::vector<double> left, right;
  for (const Vec3& p : points) {
    const Vec3 r = sub(p, frame.centre);
    if (dot(r, frame.y) <= 0) continue;
    behind.push_back({dot(r, frame.x), dot(r, frame.z)});
    (behind.back().first >= 0 ? left : right).push_back(std::abs(behind.back().first));
  }
  if (left.size() < 10 || right.size() < 10) return;
  const double halfWidth = std::min(quantile(left, 0.95), quantile(right, 0.95)), middle = std::min(10.0, halfWidth / 2);
  std::vector<double> heights;
  for (const auto& [x, z] : behind)
    if (std::abs(x) < middle) heights.push_back(z);
  if (heights.size() < 20) return;
  frame.halfWidth = halfWidth;
  const double lo = quantile(heights, 0.05), hi = quantile(heights, 0.95);
  frame.centre = axpy(frame.centre, (lo + hi) / 2, frame.z);
  frame.halfHeight = (hi - lo) / 2;
}

}  // namespace

/// The LPS points of every disc label's voxels, per disc of the table: one pass over the label
/// map, with a table from label value to disc (most voxels are background or vertebrae).
std::vector<std::vector<Vec3>> discVoxels(const LevelTable& t) {
  std::vector<int> discOf(65536, -1);
  for (size_t i = 0; i < t.discs.size(); ++i) discOf[t.discs[i].label] = int(i);
  std::vector<std::vector<Vec3>> points(t.discs.size());
  const LabelImage& labels = *t.labels;
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const itk::ImageRegion<3> box = regionAround(labels, levelCentroids(t), 60);  // a disc is at most 60 mm wide
  const LabelPixel* buffer = labels.GetBufferPointer();
  itk::Point<double, 3> p;
  for (long k = box.GetIndex(2); k < box.GetUpperIndex()[2] + 1; ++k)
    for (long j = box.GetIndex(1); j < box.GetUpperIndex()[1] + 1; ++j)
      for (long i = box.GetIndex(0); i < box.GetUpperIndex()[0] + 1; ++i) {
        const LabelPixel v = buffer[(size_t(k) * size[1] + size_t(j)) * size[0] + size_t(i)];
        if (v == 0 || discOf[v] < 0) continue;
        labels.TransformIndexToPhysicalPoint({{i, j, k}}, p);
        points[size_t(discOf[v])].push_back({p[0], p[1], p[2]});
      }
  return points;
}

DiscFrame frameAt(const Vec3& centre, Vec3 n) {
  DiscFrame f;
  f.centre = f.centroid = centre;
  if (n[2] < 0) n = scale(n, -1);  // LPS +z is cranial whatever the patient's position
  f.z = normalized(n);
  f.y = normalized(axpy({0, 1, 0}, -f.z[1], f.z));  // LPS +y is posterior
  f.x = cross(f.y, f.z);                            // y x z = patient left (+x)
  return f;
}

std::vector<Vec3> levelCentroids(const LevelTable& t) {
  std::vector<Vec3> out;
  for (const auto* list : {&t.vertebrae, &t.discs})
    for (const LevelEntry& e : *list)
      if (e.voxels > 0) out.push_back(e.centroid);
  return out;
}

std::vector<DiscFrame> discFrames(const LevelTable& t, std::vector<bool>& valid) {
  std::vector<DiscFrame> frames(t.discs.size());
  valid.assign(t.discs.size(), false);
  if (!t.labels) return frames;
  const std::vector<std::vector<Vec3>> points = discVoxels(t);
  for (size_t i = 0; i < t.discs.size(); ++i) {
    if (points[i].size() < 50) continue;
    frames[i] = frameOf(points[i]), valid[i] = true;  // its centroid is the label's centre (frameAt)
    frames[i].heightMm = t.discs[i].heightMm;
    centreOnPosteriorHalf(points[i], frames[i]);
  }
  return frames;
}

DiscBlock::DiscBlock(const CtImage& ct, const DiscFrame& frame, double halfWidth, double yMin, double yMax,
                     double halfHeight)
    : m_frame(frame), m_min{-halfWidth, yMin, -halfHeight} {
  m_n[0] = int(2 * halfWidth / kStepMm) + 1, m_n[1] = int((yMax - yMin) / kStepMm) + 1;
  m_n[2] = int(2 * halfHeight / kStepMm) + 1;
  m_hu.assign(size_t(m_n[0]) * m_n[1] * m_n[2], -1000.f);
  const CtPixel* buf = ct.GetBufferPointer();
  forEachSample(ct, [&](size_t idx, const Vec3& c, const itk::Size<3>& size) {
    const long x0 = long(std::floor(c[0])), y0 = long(std::floor(c[1])), z0 = long(std::floor(c[2]));
    if (x0 < 0 || y0 < 0 || z0 < 0 || x0 + 1 >= long(size[0]) || y0 + 1 >= long(size[1]) || z0 + 1 >= long(size[2])) return;
    auto voxel = [&](long i, long j, long k) { return float(buf[(size_t(k) * size[1] + j) * size[0] + i]); };
    const double fx = c[0] - x0, fy = c[1] - y0, fz = c[2] - z0;
    double value = 0;
    for (int dz = 0; dz < 2; ++dz)
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx)
          value += (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz) * voxel(x0 + dx, y0 + dy, z0 + dz);
    m_hu[idx] = float(value);
  });
  smooth121(m_hu, m_n);
}

int DiscBlock::clampIndex(int axis, double mm) const {
  return std::clamp(int(std::lround((mm - m_min[axis]) / kStepMm)), 0, m_n[axis] - 1);
}

}  // namespace spine::discs
