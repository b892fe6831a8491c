// The CT on the column's coarse grid, and contrast-enhanced blood and organs on it. In the portal
// phase the aorta and the IVC (150-300 HU) and the liver (110 HU) outshine osteoporotic marrow
// (85 HU); the column's search takes the brightest thick tissue on the midline, and the bone mask
// takes everything above the marrow's threshold, so both must know what is blood.
#include <algorithm>
#include <array>
#include <cmath>

#include "SpineCtParts.h"

namespace spine::ct {

using FloatImage = itk::Image<float, 3>;
constexpr float kEnhancedHu = 100;  ///< an enhanced liver or kidney (portal phase 100-170 HU) on the coarse grid
constexpr int kDenseHu = 500;       ///< cortex and metal; contrast blood in the portal phase reads 150-300 HU
constexpr double kAlikeSdHu = 60;   ///< blood and organs vary by their noise (6-30 HU); trabecular bone more

namespace {

/// What a coarse voxel's CT voxels hold besides their mean: whether any reads kDenseHu or more
/// (cortex, metal), and whether they are alike (standard deviation under kAlikeSdHu: blood, organ).
struct CellTexture {
  std::vector<std::uint8_t> dense, alike;
};

/// Index arithmetic on a coarse grid of `size` (x fastest).
struct GridIndex {
  long nx, ny, nz;
  explicit GridIndex(const itk::Size<3>& size) : nx(long(size[0])), ny(long(size[1])), nz(long(size[2])) {}
  size_t at(long x, long y, long z) const { return size_t((z * ny + y) * nx + x); }
  std::array<long, 3> xyz(size_t c) const { return {long(c % size_t(nx)), long(c / size_t(nx) % size_t(ny)), long(c / size_t(nx * ny))}; }
  /// Calls fn(n) for every voxel of the box of half-sizes (r, r, rz) around c that lies in the grid.
  template <typename Fn>
  void forBox(size_t c, long r, long rz, Fn fn) const {
    const auto [x, y, z] = xyz(c);
    for (long k = std::max(0L, z - rz); k <= std::min(nz - 1, z + rz); ++k)
      for (long j = std::max(0L, y - r); j <= std::min(ny - 1, y + r); ++j)
        for (long i = std::max(0L, x - r); i <= std::min(nx - 1, x + r); ++i) fn(at(i, j, k));
  }
};

/// The CT on a coarse grid (localiseMm): block means over each coarse voxel, clamped to
/// [-200, 200] HU first so that cortex counts no more than marrow (thick bodies win over thin arches).
FloatImage::Pointer coarseBlocks(const CtImage& ct, double mm, CellTexture& texture) {
  auto size = ct.GetLargestPossibleRegion().GetSize();
  FloatImage::SizeType out;
  FloatImage::SpacingType sp;
  long factor[3];
  for (int d = 0; d < 3; ++d) {
    sp[d] = mm;
    out[d] = std::max<size_t>(1, size_t(size[d] * ct.GetSpacing()[d] / mm));
    factor[d] = std::max(1L, long(std::lround(mm / ct.GetSpacing()[d])));
  }
  auto coarse = FloatImage::New();
  coarse->SetRegions(out);
  coarse->SetSpacing(sp);
  coarse->SetOrigin(ct.GetOrigin());
  coarse->SetDirection(ct.GetDirection());
  coarse->Allocate();
  texture.dense.assign(out[0] * out[1] * out[2], 0);
  texture.alike.assign(out[0] * out[1] * out[2], 0);
  const CtPixel* hu = ct.GetBufferPointer();
  for (size_t k = 0; k < out[2]; ++k)
    for (size_t j = 0; j < out[1]; ++j)
      for (size_t i = 0; i < out[0]; ++i) {
        // The coarse voxel's centre falls on fine index (i * mm / spacing); average a block there.
        double sum = 0, raw = 0, squares = 0;
        int n = 0, top = -1024;
        long ci = long(i * mm / ct.GetSpacing()[0]), cj = long(j * mm / ct.GetSpacing()[1]), ck = long(k * mm / ct.GetSpacing()[2]);
        for (long c = ck; c < std::min<long>(ck + factor[2], long(size[2])); ++c)
          for (long b = cj; b < std::min<long>(cj + factor[1], long(size[1])); ++b)
            for (long a = ci; a < std::min<long>(ci + factor[0], long(size[0])); ++a) {
              const int v = hu[(size_t(c) * size[1] + size_t(b)) * size[0] + size_t(a)];
              sum += std::clamp(v, -200, 200), raw += v, squares += double(v) * v, ++n, top = std::max(top, v);
            }
        const size_t cell = (k * out[1] + j) * out[0] + i;
        coarse->GetBufferPointer()[cell] = float(n ? sum / n : -200);
        texture.dense[cell] = top >= kDenseHu;
        texture.alike[cell] = n > 1 && squares / n - (raw / n) * (raw / n) < kAlikeSdHu * kAlikeSdHu;
      }
  return coarse;
}

/// A connected run of coarse voxels: how long along the slices, how many voxels, how many of them
/// dense, how many surrounded by the run on all six sides and how many of those alike.
struct CoarseRun {
  std::vector<size_t> cells;
  double lengthMm = 0;
  size_t dense = 0, interior = 0, alike = 0;
};

/// Calls fn(run) for every 6-connected run of coarse voxels at or above levelHu and not `excluded`.
template <typename OnRun>
void forEachRun(const FloatImage& coarse, const CellTexture& texture, float levelHu, const std::vector<std::uint8_t>& excluded,
                OnRun fn) {
  const GridIndex g(coarse.GetLargestPossibleRegion().GetSize());
  const float* v = coarse.GetBufferPointer();
  auto member = [&](size_t c) { return v[c] >= levelHu && !excluded[c]; };
  std::vector<std::uint8_t> seen(excluded.size(), 0);
  std::vector<size_t> stack;
  for (size_t start = 0; start < seen.size(); ++start) {
    if (seen[start] || !member(start)) continue;
    CoarseRun run;
    stack.assign(1, start), seen[start] = 1;
    long zmin = g.nz, zmax = -1;
    while (!stack.empty()) {
      const size_t c = stack.back();
      stack.pop_back();
      run.cells.push_back(c), run.dense += texture.dense[c];
      const auto [x, y, z] = g.xyz(c);
      zmin = std::min(zmin, z), zmax = std::max(zmax, z);
      int within = 0;
      for (const auto& q : {std::array<long, 3>{x - 1, y, z}, {x + 1, y, z}, {x, y - 1, z}, {x, y + 1, z}, {x, y, z - 1}, {x, y, z + 1}}) {
        if (q[0] < 0 || q[1] < 0 || q[2] < 0 || q[0] >= g.nx || q[1] >= g.ny || q[2] >= g.nz) continue;
        const size_t n = g.at(q[0], q[1], q[2]);
        if (!member(n)) continue;
        ++within;
        if (!seen[n]) seen[n] = 1, stack.push_back(n);
      }
      if (within == 6) ++run.interior, run.alike += texture.alike[c];
    }
    run.lengthMm = double(zmax - zmin + 1) * coarse.GetSpacing()[2];
    fn(run);
  }
}

/// Whether a run is long (kLongMm along the slices: bodies are parted by their discs, though arches
/// may join them) with a large inside (kMinInterior voxels surrounded by the run), as a vessel is.
bool isLongTube(const CoarseRun& r) {
  constexpr double kLongMm = 80;
  constexpr size_t kMinInterior = 200;
  return r.lengthMm >= kLongMm && r.interior >= kMinInterior;
}

/// Whether a run is blood or an enhanced organ rather than bone: a long tube, almost never
/// cortex-dense (under kDenseShare: a wall's plaques; bone has its cortex), alike inside (kAlikeShare).
/// On the phantoms, bone runs hold 3.9-55 % dense voxels, and the osteoporotic ones at most 11 voxels
/// inside; the contrast vessels 0 % dense, 4000-13600 voxels inside, all alike.
bool isEnhancedTissue(const CoarseRun& r) {
  constexpr double kDenseShare = 0.05, kAlikeShare = 0.8;
  return isLongTube(r) && double(r.dense) < kDenseShare * double(r.cells.size()) && double(r.alike) >= kAlikeShare * double(r.interior);
}

/// The voxels of a coarse grid of `size` within `reach` voxels (a cube) of one marked in `from`.
std::vector<std::uint8_t> dilated(const std::vector<std::uint8_t>& from, const itk::Size<3>& size, long reach) {
  const GridIndex g(size);
  std::vector<std::uint8_t> out(from.size(), 0);
  for (size_t c = 0; c < from.size(); ++c)
    if (from[c]) g.forBox(c, reach, reach, [&](size_t n) { out[n] = 1; });
  return out;
}

/// Marks in `taken` the voxels at or above kArchHu that are not dense and lie within `reach`
/// voxels of a taken one, through such voxels (a vessel's wall and partial volume around its core).
void growTaken(const FloatImage& coarse, const CellTexture& texture, long reach, std::vector<std::uint8_t>& taken) {
  const auto size = coarse.GetLargestPossibleRegion().GetSize();
  const float* v = coarse.GetBufferPointer();
  for (long step = 0; step < reach; ++step) {
    const std::vector<std::uint8_t> near = dilated(taken, size, 1);
    for (size_t c = 0; c < taken.size(); ++c) taken[c] |= near[c] && v[c] >= kArchHu && !texture.dense[c];
  }
}

/// The share of the voxels within `reach` of a run (not in it) that read under kArchHu: soft
/// tissue, fat or air around a vessel's lumen; a marrow core's surroundings are marrow and cortex.
/// `id` (unique per call) and `stamp` (one per voxel, zero at first) mark what was counted.
double softAround(const FloatImage& coarse, const CoarseRun& run, long reach, std::uint32_t id, std::vector<std::uint32_t>& stamp) {
  const GridIndex g(coarse.GetLargestPossibleRegion().GetSize());
  const float* v = coarse.GetBufferPointer();
  const std::uint32_t inRun = 2 * id, seen = 2 * id + 1;
  for (size_t c : run.cells) stamp[c] = inRun;
  size_t around = 0, soft = 0;
  for (size_t c : run.cells)
    g.forBox(c, reach, reach, [&](size_t n) {
      if (stamp[n] == inRun || stamp[n] == seen) return;
      stamp[n] = seen, ++around, soft += v[n] < kArchHu;
    });
  return around ? double(soft) / double(around) : 0;
}

/// Contrast-filled vessels and enhanced organs out of the coarse grid. In the portal phase the aorta
/// and the IVC read 150-300 HU and the liver 110, brighter than osteoporotic marrow (85 HU): the
/// smoothed grid's brightest point beside the column was the vein, which the centreline followed
/// from T11 to the sacrum; and where the aorta touches the thoracic bodies, T6-T9 grew into it and
/// the heart (their centroids 50-70 mm off, under a "confirmed" numbering). Three passes:
/// 1. Blood cores: voxels at kArchHu, alike, and kCoreMargin voxels or more from any dense one (a
///    body's marrow core is parted from the next by its endplates and disc; a vessel's lumen is a
///    tube), in long runs with a large inside (isLongTube) with soft tissue around them
///    (kSoftAroundShare of what lies within kCoreMargin: the phantoms' iliac marrow, as even as blood
///    and 80-130 mm tall, is wrapped in marrow and cortex and reads 0.00; the aorta with the heart
///    0.96, the kidneys 1.00), grown back by kCoreMargin through what is not dense.
/// 2. Whole runs at kArchHu that are blood (isEnhancedTissue); the others are bone.
/// 3. Runs at kEnhancedHu (the liver) judged away from bone (beyond kCoreMargin voxels), which faint
///    marrow, joined by an organ touching a body at that level, would otherwise be taken with.
/// What is taken reads as soft tissue, with its rim of partial volume (dense voxels kept); returns
/// which coarse voxels were.
std::vector<std::uint8_t> eraseEnhancedTissue(FloatImage& coarse, const CellTexture& texture) {
  constexpr float kSoftTissueHu = 40;
  constexpr long kCoreMargin = 2;  // coarse voxels (4 mm)
  constexpr double kSoftAroundShare = 0.5;
  const auto size = coarse.GetLargestPossibleRegion().GetSize();
  std::vector<std::uint8_t> taken(texture.dense.size(), 0), bone(texture.dense.size(), 0);
  std::vector<std::uint8_t> notCore = dilated(texture.dense, size, kCoreMargin);
  for (size_t c = 0; c < notCore.size(); ++c) notCore[c] |= !texture.alike[c];
  std::vector<std::uint32_t> stamp(texture.dense.size(), 0);
  std::uint32_t runs = 0;
  forEachRun(coarse, texture, kArchHu, notCore, [&](const CoarseRun& run) {
    const double around = isLongTube(run) ? softAround(coarse, run, kCoreMargin, ++runs, stamp) : 0;
    if (around >= kSoftAroundShare)
      for (size_t c : run.cells) taken[c] = 1;
  });
  growTaken(coarse, texture, kCoreMargin, taken);
  forEachRun(coarse, texture, kArchHu, taken, [&](const CoarseRun& run) {
    for (size_t c : run.cells) (isEnhancedTissue(run) ? taken : bone)[c] = 1;
  });
  std::vector<std::uint8_t> excluded = dilated(bone, size, kCoreMargin);
  for (size_t c = 0; c < taken.size(); ++c) excluded[c] |= taken[c];
  forEachRun(coarse, texture, kEnhancedHu, excluded, [&](const CoarseRun& run) {
    if (isEnhancedTissue(run))
      for (size_t c : run.cells) taken[c] = 1;
  });
  std::vector<std::uint8_t> erased(taken.size(), 0);
  float* v = coarse.GetBufferPointer();
  const GridIndex g(size);
  for (size_t c = 0; c < taken.size(); ++c)
    if (taken[c])
      g.forBox(c, 1, 0, [&](size_t n) {  // the in-plane rim of partial volume
        if (texture.dense[n]) return;
        v[n] = std::min(v[n], kSoftTissueHu);
        erased[n] = 1;
      });
  return erased;
}

}  // namespace

CoarseCt coarseCt(const CtImage& ct, const SegmentationParams& p) {
  CoarseCt out;
  CellTexture texture;
  out.grid = coarseBlocks(ct, p.localiseMm, texture);
  out.enhanced = eraseEnhancedTissue(*out.grid, texture);
  return out;
}

void CoarseCt::clearEnhanced(const CtImage& ct, itk::Image<std::uint8_t, 3>& mask) const {
  if (std::none_of(enhanced.begin(), enhanced.end(), [](std::uint8_t e) { return e != 0; })) return;
  const auto size = ct.GetLargestPossibleRegion().GetSize(), cells = grid->GetLargestPossibleRegion().GetSize();
  const auto sp = ct.GetSpacing();
  const double mm = grid->GetSpacing()[0];
  auto cellOf = [&](size_t a, int d) { return std::min(size_t(double(a) * sp[d] / mm), cells[d] - 1); };
  const CtPixel* hu = ct.GetBufferPointer();
  std::uint8_t* m = mask.GetBufferPointer();
  for (size_t k = 0; k < size[2]; ++k)
    for (size_t j = 0; j < size[1]; ++j) {
      const size_t row = (k * size[1] + j) * size[0], cellRow = (cellOf(k, 2) * cells[1] + cellOf(j, 1)) * cells[0];
      for (size_t i = 0; i < size[0]; ++i)
        if (m[row + i] && hu[row + i] < kDenseHu && enhanced[cellRow + cellOf(i, 0)]) m[row + i] = 0;
    }
}

}  // namespace spine::ct
