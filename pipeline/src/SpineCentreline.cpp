// Bone mask and the centreline: the vertebral bodies are the densest thick bone on the midline,
// so the column is followed slice by slice as the brightest point of a smoothed CT near the last
// one, from the most confident slice up and down (robust to osteoporosis: the relative maximum
// still sits in the bodies; to metal: smoothing spreads a screw no more than a body).
#include <algorithm>
#include <cmath>

#include <itkDiscreteGaussianImageFilter.h>

#include "SpineCtParts.h"
#include "spine/Metal.h"
#include "spine/Parallel.h"

namespace spine::ct {

using MaskImage = itk::Image<std::uint8_t, 3>;
using FloatImage = itk::Image<float, 3>;
constexpr float kCanalHu = 60;  ///< the canal's fluid and fat on the coarse grid (marrow is 85 HU or more)

bool toIndex(const itk::ImageBase<3>& img, const Vec3& p, itk::Index<3>& idx) {
  return img.TransformPhysicalPointToIndex(itk::Point<double, 3>(p.data()), idx);
}

namespace {

/// Fills the holes of one axial slice (background not connected to the border) that are small,
/// or whose mean HU says marrow.
void fillSliceHoles(std::uint8_t* mask, const CtPixel* hu, unsigned nx, unsigned ny, double pixelMm2, double marrowHu) {
  forEachBackgroundComponent(nx, ny, [&](size_t i) { return !mask[i]; },
                             [&](const std::vector<size_t>& comp, bool border, const std::vector<size_t>&) {
                               if (border) return;
                               double mean = 0;
                               for (size_t c : comp) mean += hu[c];
                               mean /= comp.size();
                               double area = comp.size() * pixelMm2;
                               // Normal marrow (~230 HU) fills; discs (75-95 HU, enclosed by endplate rings
                               // where an axial slice cuts a tilted disc) and the canal stay open.
                               if (area < 40 || (mean >= marrowHu && area < 2500))
                                 for (size_t c : comp) mask[c] = 1;
                             });
}

}  // namespace

MaskImage::Pointer boneMask(const CtImage& ct, const CoarseCt& coarse, const SegmentationParams& p, double marrowHu) {
  auto mask = MaskImage::New();
  mask->CopyInformation(&ct);
  mask->SetRegions(ct.GetLargestPossibleRegion());
  mask->Allocate();
  const size_t n = ct.GetPixelContainer()->Size();
  const CtPixel* hu = ct.GetBufferPointer();
  std::uint8_t* m = mask->GetBufferPointer();
  const double threshold = std::min(p.boneHu, marrowHu + 40);  // osteoporotic cortex is thin and faint
  for (size_t i = 0; i < n; ++i) m[i] = hu[i] >= threshold;
  coarse.clearEnhanced(ct, *mask);
  auto size = ct.GetLargestPossibleRegion().GetSize();
  const size_t plane = size[0] * size[1];
  const double pixelMm2 = ct.GetSpacing()[0] * ct.GetSpacing()[1];
  parallelFor(unsigned(size[2]), p.threads, [&](unsigned k) {
    fillSliceHoles(m + k * plane, hu + k * plane, unsigned(size[0]), unsigned(size[1]), pixelMm2, marrowHu);
  });
  return mask;
}

namespace {

/// The coarse CT smoothed (5 mm): bodies become bright blobs, thin bone fades. Resampled first,
/// smoothed after: 40x fewer voxels to blur.
FloatImage::Pointer smoothed(const FloatImage::Pointer& coarse) {
  auto smooth = itk::DiscreteGaussianImageFilter<FloatImage, FloatImage>::New();
  smooth->SetInput(coarse);
  smooth->SetVariance(5.0 * 5.0);
  smooth->SetUseImageSpacingOn();
  smooth->SetMaximumKernelWidth(32);
  smooth->Update();
  return smooth->GetOutput();
}

/// A vertebral body has the spinal canal behind it. Along slice k's row from (i, j) backwards (the
/// coarse grid is LPS-aligned: j grows posteriorly), averaged over three columns: fluid or fat (at
/// most 60 HU for 3 cells) starting 8-35 mm behind, bone (150 HU) within 25 mm behind that, and bone
/// on both sides of the canal within 16 mm (pedicles, laminae). A contrast-filled vein or aorta, the
/// enhanced liver or a kidney (brighter than osteoporotic marrow) has none, nor has a spinous process.
bool canalBehind(const FloatImage& coarse, long i, long j, long k) {
  const auto size = coarse.GetLargestPossibleRegion().GetSize();
  const double mm = coarse.GetSpacing()[1];
  auto at = [&](long a, long b) { return coarse.GetPixel({{std::clamp(a, 0L, long(size[0]) - 1), b, k}}); };
  auto row3 = [&](long b) { return (at(i - 1, b) + at(i, b) + at(i + 1, b)) / 3; };
  const long first = long(std::lround(8 / mm)), last = long(std::lround(35 / mm)), boneReach = long(std::lround(25 / mm));
  const long side = long(std::lround(16 / mm));
  for (long d = first; d <= last && j + d + 2 < long(size[1]); ++d) {
    const long c = j + d;
    if (row3(c) > kCanalHu || row3(c + 1) > kCanalHu || row3(c + 2) > kCanalHu) continue;
    bool back = false;
    for (long b = c + 3; b <= c + boneReach && b < long(size[1]) && !back; ++b) back = row3(b) >= kArchHu;
    if (!back) return false;
    bool left = false, right = false;
    for (long b = std::max(0L, c - 2); b <= std::min(long(size[1]) - 1, c + 2); ++b)
      for (long o = 2; o <= side; ++o) left |= at(i - o, b) >= kArchHu, right |= at(i + o, b) >= kArchHu;
    return left && right;
  }
  return false;
}

/// The seed's point in slice k: the brightest voxel within 15 mm of the body's midline, behind its
/// A-P centre, with the canal behind it.
bool seedInSlice(const FloatImage& img, const FloatImage& coarse, long k, std::pair<double, double> mid, Vec3& best,
                 double& value) {
  auto size = img.GetLargestPossibleRegion().GetSize();
  value = -1e9;
  for (long j = 0; j < long(size[1]); ++j)
    for (long i = 0; i < long(size[0]); ++i) {
      FloatImage::IndexType idx{{i, j, k}};
      FloatImage::PointType pt;
      img.TransformIndexToPhysicalPoint(idx, pt);
      if (std::abs(pt[0] - mid.first) > 15 || pt[1] < mid.second - 5) continue;
      const float v = img.GetPixel(idx);
      if (v > value && canalBehind(coarse, i, j, k)) value = v, best = {pt[0], pt[1], pt[2]};
    }
  return value > -1e9;
}

/// The next point when following from `near` in slice k: a step towards the centre of the bright
/// voxels (within 40 HU of the window's maximum) around `near`, limited per slice: slow lateral drift
/// (scoliosis), faster A-P (lordosis).
bool bestInSlice(const FloatImage& img, long k, const Vec3& near, double stepMm, Vec3& best, double& value) {
  auto size = img.GetLargestPossibleRegion().GetSize();
  value = -1e9;
  std::vector<std::pair<Vec3, float>> window;
  for (long j = 0; j < long(size[1]); ++j)
    for (long i = 0; i < long(size[0]); ++i) {
      FloatImage::IndexType idx{{i, j, k}};
      FloatImage::PointType pt;
      img.TransformIndexToPhysicalPoint(idx, pt);
      Vec3 p{pt[0], pt[1], pt[2]};
      // +-12 mm A-P: the whole body depth around its centre, not back to the laminae (25-35 mm
      // behind it), so the centroid of the window's bright part is the body's centre.
      if (std::abs(p[0] - near[0]) > 20 || std::abs(p[1] - near[1]) > 12) continue;
      float v = img.GetPixel(idx);
      window.push_back({p, v});
      if (v > value) value = v, best = p;
    }
  if (window.empty()) return false;
  Vec3 c{0, 0, 0};
  double w = 0;
  for (const auto& [p, v] : window)
    if (v >= value - 40) c = axpy(c, v, p), w += v;
  Vec3 target = scale(c, 1.0 / w);  // centre of the bright body in the window; move towards it slowly
  best = {near[0] + std::clamp(target[0] - near[0], -stepMm * 0.5, stepMm * 0.5),
          near[1] + std::clamp(target[1] - near[1], -stepMm, stepMm), target[2]};
  return true;
}

/// Whether the fine slices of coarse slice k hold metal beside point `near` (within 25 mm sideways,
/// 50 mm behind to 25 mm in front: screws, their heads and rods, a cage or a plate). Their streaks
/// darken the bodies of that level (a steel pair in 85 HU osteoporotic bone: 81 HU on the smoothed
/// grid for 16 mm, under the floor of 90), which is not the column's end.
bool metalBeside(const CtImage& ct, double coarseMm, long k, const Vec3& near, double seedHu) {
  const auto size = ct.GetLargestPossibleRegion().GetSize();
  const auto sp = ct.GetSpacing();
  itk::Index<3> c;
  if (!toIndex(ct, near, c)) return false;
  const long k0 = long(double(k) * coarseMm / sp[2]), k1 = std::min(long(size[2]), k0 + std::max(1L, std::lround(coarseMm / sp[2])));
  const long i0 = std::max(0L, c[0] - std::lround(25 / sp[0])), i1 = std::min(long(size[0]) - 1, c[0] + std::lround(25 / sp[0]));
  const long j0 = std::max(0L, c[1] - std::lround(25 / sp[1])), j1 = std::min(long(size[1]) - 1, c[1] + std::lround(50 / sp[1]));
  for (long kk = std::max(0L, k0); kk < k1; ++kk)
    for (long j = j0; j <= j1; ++j)
      for (long i = i0; i <= i1; ++i)
        if (ct.GetPixel({{i, j, kk}}) >= seedHu) return true;
  return false;
}

/// Centre (x, y) of the body (air excluded) in slice k: the midline for the first search, and the
/// A-P centre the spine lies behind (the pubic symphysis, sternum and bowel lie in front of it).
std::pair<double, double> bodyCentre(const FloatImage& img, long k) {
  auto size = img.GetLargestPossibleRegion().GetSize();
  double sx = 0, sy = 0, n = 0;
  for (long j = 0; j < long(size[1]); ++j)
    for (long i = 0; i < long(size[0]); ++i) {
      FloatImage::IndexType idx{{i, j, k}};
      if (img.GetPixel(idx) < -150) continue;
      FloatImage::PointType pt;
      img.TransformIndexToPhysicalPoint(idx, pt);
      sx += pt[0], sy += pt[1], n += 1;
    }
  return n ? std::make_pair(sx / n, sy / n) : std::make_pair(0.0, 0.0);
}

}  // namespace

std::vector<Vec3> findCentreline(const CtImage& ct, const CoarseCt& coarseCt, const SegmentationParams& p) {
  const FloatImage::Pointer coarse = coarseCt.grid, img = smoothed(coarse);
  const long nz = long(img->GetLargestPossibleRegion().GetSize()[2]);
  // Seed: the brightest central point with a canal behind it, over all slices.
  long seedK = -1;
  Vec3 seed{};
  double seedValue = -1e9;
  for (long k = 0; k < nz; ++k) {
    Vec3 b;
    double v;
    if (seedInSlice(*img, *coarse, k, bodyCentre(*img, k), b, v) && v > seedValue) seedValue = v, seed = b, seedK = k;
  }
  if (seedK < 0 || seedValue < 100) return {};
  std::vector<Vec3> pts(static_cast<size_t>(nz));
  std::vector<bool> ok(static_cast<size_t>(nz), false);
  pts[size_t(seedK)] = seed, ok[size_t(seedK)] = true;
  const double stop = std::max(90.0, 0.5 * seedValue), seedHu = metalSeedHu(ct, p.metal);
  for (int dir : {1, -1}) {
    Vec3 last = seed;
    int weak = 0;
    for (long k = seedK + dir; k >= 0 && k < nz; k += dir) {
      Vec3 b;
      double v;
      if (!bestInSlice(*img, k, last, std::max(2 * p.localiseMm, p.maxStepMm * p.localiseMm / 2.0), b, v)) break;
      if (v >= stop) weak = 0;
      else if (!metalBeside(ct, p.localiseMm, k, last, seedHu)) ++weak;  // streaks darken a level; it goes on
      if (weak * p.localiseMm > 14) break;  // the column has ended (skull base, coccyx, or the field)
      pts[size_t(k)] = b, ok[size_t(k)] = v >= stop;
      last = b;
    }
  }
  // Keep the valid run, smooth it (moving average over 7 slices), resample to ~1 mm steps.
  std::vector<Vec3> run;
  for (long k = 0; k < nz; ++k)
    if (ok[size_t(k)]) run.push_back(pts[size_t(k)]);
  if (run.size() < 5) return {};
  std::vector<Vec3> smooth(run.size());
  for (size_t i = 0; i < run.size(); ++i) {
    Vec3 s{0, 0, 0};
    int n = 0;
    for (long j = long(i) - 3; j <= long(i) + 3; ++j)
      if (j >= 0 && j < long(run.size())) s = add(s, run[size_t(j)]), ++n;
    smooth[i] = scale(s, 1.0 / n);
  }
  if (smooth.front()[2] > smooth.back()[2]) std::reverse(smooth.begin(), smooth.end());
  std::vector<Vec3> out{smooth.front()};
  for (size_t i = 1; i < smooth.size(); ++i) {
    double d = distance(smooth[i - 1], smooth[i]);
    int steps = std::max(1, int(std::round(d)));
    for (int s = 1; s <= steps; ++s) out.push_back(axpy(smooth[i - 1], double(s) / steps, sub(smooth[i], smooth[i - 1])));
  }
  return out;
}

Vec3 tangentAt(const std::vector<Vec3>& line, size_t i, size_t halfWindow) {
  size_t a = i >= halfWindow ? i - halfWindow : 0, b = std::min(line.size() - 1, i + halfWindow);
  Vec3 t = sub(line[b], line[a]);
  return norm(t) > 0 ? normalized(t) : Vec3{0, 0, 1};
}

}  // namespace spine::ct
