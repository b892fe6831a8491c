#include "FusionDetector.h"

#include <algorithm>
#include <cmath>

#include "common/Constructs.h"
#include "common/DiscBlock.h"
#include "spine/Statistics.h"

namespace spine {

namespace {

using discs::Construct;
using discs::DiscBlock;

/// What one column across the disc space (1 mm x 1 mm, along the line between the bodies) shows.
enum class Column : unsigned char { Outside, Metal, Margin, Uniform, Gap, Bone };

/// The columns across one fused disc space, every 1 mm, `nx` wide (patient's left) by `ny` deep
/// (posterior), and what they add up to.
struct ColumnMap {
  int nx = 0, ny = 0;
  std::vector<Column> cells;
  double bodyHu = 0;  ///< median cancellous density of the bodies in the middle of the footprint
  Column& at(int i, int j) { return cells[size_t(j) * nx + i]; }
  Column at(int i, int j) const { return cells[size_t(j) * nx + i]; }
  double area(Column c) const { return double(std::count(cells.begin(), cells.end(), c)); }  // mm2
  double judgedArea() const { return area(Column::Gap) + area(Column::Bone); }
  /// The 4-connected patches of bone columns: the largest, and the largest at least 3 mm thick
  /// somewhere (a bridge). A strip 1-2 mm wide along a cage's edge or behind a plate is the edge's
  /// blur, not bone: PEEK's edge reads 140-250 HU up to 2 mm into the disc (plugins/fusion/README.md).
  struct Patches {
    double largest = 0, bridge = 0;  // mm2
  };
  Patches patches() const;
  double largestBridgeMm2() const { return patches().bridge; }

 private:
  bool thickAt(int i, int j) const;
};

/// Bone columns whose eight neighbours are bone: the patch is at least 3 mm thick there.
bool ColumnMap::thickAt(int i, int j) const {
  for (int b = j - 1; b <= j + 1; ++b)
    for (int a = i - 1; a <= i + 1; ++a)
      if (a < 0 || b < 0 || a >= nx || b >= ny || at(a, b) != Column::Bone) return false;
  return true;
}

ColumnMap::Patches ColumnMap::patches() const {
  std::vector<bool> seen(cells.size(), false);
  Patches out;
  for (size_t start = 0; start < cells.size(); ++start) {
    if (seen[start] || cells[start] != Column::Bone) continue;
    std::vector<size_t> stack{start};
    seen[start] = true;
    size_t n = 0;
    bool thick = false;
    while (!stack.empty()) {
      const size_t c = stack.back();
      stack.pop_back(), ++n;
      const int i = int(c % size_t(nx)), j = int(c / size_t(nx));
      thick = thick || thickAt(i, j);
      const int di[4] = {1, -1, 0, 0}, dj[4] = {0, 0, 1, -1};
      for (int q = 0; q < 4; ++q) {
        const int a = i + di[q], b = j + dj[q];
        if (a < 0 || b < 0 || a >= nx || b >= ny) continue;
        const size_t next = size_t(b) * nx + a;
        if (!seen[next] && cells[next] == Column::Bone) seen[next] = true, stack.push_back(next);
      }
    }
    out.largest = std::max(out.largest, double(n));
    if (thick) out.bridge = std::max(out.bridge, double(n));
  }
  return out;
}

/// The median of the block's samples in column (i, j) with w in [from, to] (mm).
double columnMedian(const DiscBlock& b, int i, int j, double from, double to) {
  std::vector<double> v;
  for (int k = b.kOf(from); k <= b.kOf(to); ++k) v.push_back(b.at(i, j, k));
  return median(v);
}

/// The lowest 1.5 mm running mean and the highest sample of column (i, j) with |w| <= zone.
std::pair<double, double> columnRange(const DiscBlock& b, int i, int j, double zone) {
  double lowest = 1e9, highest = -1e9;
  for (int k = b.kOf(-zone); k <= b.kOf(zone); ++k) {
    const int lo = std::max(k - 1, 0), hi = std::min(k + 1, b.nz() - 1);
    double sum = 0;
    for (int q = lo; q <= hi; ++q) sum += b.at(i, j, q);
    lowest = std::min(lowest, sum / (hi - lo + 1)), highest = std::max(highest, double(b.at(i, j, k)));
  }
  return {lowest, highest};
}

/// The spread (SD) of the disc's mid-plane samples within 2.5 mm of column (i, j): trabecular bone
/// is rough, a PEEK cage or a uniform graft is smooth.
double midPlaneSpread(const DiscBlock& b, int i, int j) {
  const int k = b.kOf(0);
  double sum = 0, sq = 0;
  unsigned n = 0;
  for (int dj = -5; dj <= 5; ++dj)
    for (int di = -5; di <= 5; ++di) {
      const int a = i + di, c = j + dj;
      if (a < 0 || c < 0 || a >= b.nx() || c >= b.ny()) continue;
      const double v = b.at(a, c, k);
      sum += v, sq += v * v, ++n;
    }
  const double m = sum / n;
  return std::sqrt(std::max(sq / n - m * m, 0.0));
}

/// Judged columns within `marginMm` of a `source` column (metal, a smooth cage) are not judged:
/// partial volume and streaks brighten them like bone.
void markNear(ColumnMap& m, Column source, int marginMm) {
  const ColumnMap before = m;
  auto near = [&](int i, int j) {
    for (int dj = -marginMm; dj <= marginMm; ++dj)
      for (int di = -marginMm; di <= marginMm; ++di) {
        const int a = i + di, b = j + dj;
        if (a >= 0 && b >= 0 && a < m.nx && b < m.ny && before.at(a, b) == source) return true;
      }
    return false;
  };
  for (int j = 0; j < m.ny; ++j)
    for (int i = 0; i < m.nx; ++i)
      if ((m.at(i, j) == Column::Gap || m.at(i, j) == Column::Bone) && near(i, j)) m.at(i, j) = Column::Margin;
}

/// The columns in front of the canal: from the middle of the footprint backwards, the first
/// midline column outside either body is the posterior wall (the pedicles behind it are in both
/// "bodies" too).
void cutAtPosteriorWall(ColumnMap& m) {
  const int mid = m.nx / 2;
  for (int j = m.ny / 2; j < m.ny; ++j)
    if (m.at(mid, j) == Column::Outside) {
      for (int q = j; q < m.ny; ++q)
        for (int i = 0; i < m.nx; ++i) m.at(i, q) = Column::Outside;
      return;
    }
}

/// Every column along the line between the two bodies' centres (`half` = half that distance): in
/// both bodies or not, metal, and bridged where even the lowest 1.5 mm mean across the disc space
/// is bone.
ColumnMap columnMap(const CtImage& ct, const discs::DiscFrame& frame, double half, double metalHu, const FusionParams& p) {
  const DiscBlock b(ct, frame, 24, -20, 20, half);
  const double zone = p.zoneFraction * 2 * half;
  ColumnMap m;
  m.nx = (b.nx() + 1) / 2, m.ny = (b.ny() + 1) / 2;
  m.cells.assign(size_t(m.nx) * m.ny, Column::Outside);
  std::vector<double> middle;
  for (int j = 0; j < b.ny(); j += 2)
    for (int i = 0; i < b.nx(); i += 2) {
      const double above = columnMedian(b, i, j, 0.5 * half, 0.9 * half);
      const double below = columnMedian(b, i, j, -0.9 * half, -0.5 * half);
      if (std::abs(b.u(i)) <= 8 && std::abs(b.v(j)) <= 8) middle.push_back(std::min(above, below));
      if (above < p.bodyHu || below < p.bodyHu) continue;
      const auto [lowest, highest] = columnRange(b, i, j, zone);
      Column& c = m.at(i / 2, j / 2);
      c = highest >= metalHu                        ? Column::Metal
          : lowest < p.bridgeHu                     ? Column::Gap
          : midPlaneSpread(b, i, j) < p.uniformSdHu ? Column::Uniform
                                                    : Column::Bone;
    }
  m.bodyHu = middle.empty() ? 0 : median(middle);
  cutAtPosteriorWall(m);
  markNear(m, Column::Metal, int(p.metalMarginMm));
  markNear(m, Column::Uniform, int(p.metalMarginMm));
  return m;
}

/// The fused disc's frame: normal along the line from the body below to the body above (a fused
/// disc may hold too little of its own label to give one), centred on the disc's label when it has
/// one.
discs::DiscFrame fusedDiscFrame(const LevelEntry& upper, const LevelEntry& lower, const LevelEntry& disc) {
  const Vec3 mid = scale(add(upper.centroid, lower.centroid), 0.5);
  return discs::frameAt(disc.voxels > 0 ? disc.centroid : mid, sub(upper.centroid, lower.centroid));
}

bool bridged(const ColumnMap& m, const FusionParams& p) {
  return m.largestBridgeMm2() >= p.bridgeMm2;
}

/// "probable" when the evidence is clear of the threshold and of the metal; "possible" otherwise.
std::string certaintyOf(const ColumnMap& m, const FusionParams& p) {
  const double marginShare = m.area(Column::Margin) / std::max(m.area(Column::Margin) + m.judgedArea(), 1.0);
  if (bridged(m, p)) return m.largestBridgeMm2() >= 2 * p.bridgeMm2 ? "probable" : "possible";
  return m.area(Column::Bone) >= p.bridgeMm2 / 2 || marginShare > 0.5 ? "possible" : "probable";
}

std::string summaryOf(const LevelEntry& disc, const ColumnMap& m, bool yes, bool cage, const std::string& construct,
                      const std::string& certainty, const FusionParams& p) {
  const std::string head = disc.name + " (fusion " + construct + "): ";
  const std::string judged = oneDecimal(m.judgedArea()) + " mm2 of disc space judged beside the metal";
  const std::string uniform =
      m.area(Column::Uniform) > 0
          ? "; " + oneDecimal(m.area(Column::Uniform)) +
                " mm2 of smooth bone-dense material (a radiolucent cage or graft) not counted as bone"
          : "";
  if (yes)
    return head + "bone bridges the disc space (largest bridge " + oneDecimal(m.largestBridgeMm2()) + " mm2 of " +
           judged + uniform + "): " + certainty + " solid interbody fusion.";
  const std::string scattered = m.area(Column::Bone) > 0
                                    ? "; " + oneDecimal(m.area(Column::Bone)) +
                                          " mm2 of scattered bone-dense columns, the largest patch " +
                                          oneDecimal(m.patches().largest) + " mm2" +
                                          (m.patches().largest >= p.bridgeMm2 ? " but nowhere 3 mm thick" : "") +
                                          ", no continuous bridge"
                                    : "";
  return head + "no bone bridges the disc space (" + judged + scattered + uniform +
         (cage ? "" : "; no interbody cage, and a posterolateral fusion mass is not assessed") +
         "): no interbody fusion seen (" + certainty +
         "). More than a year after surgery this suggests pseudarthrosis (non-union).";
}

Finding fusionFinding(const LevelEntry& disc, const ColumnMap& m, bool cage, const std::string& construct,
                      const FusionParams& p) {
  Finding f;
  f.kind = "fusion-status";
  f.levels = {disc.name};
  f.evidenceLabel = disc.label;
  f.evidencePoints = {disc.centroid};
  const bool yes = bridged(m, p);
  f.certainty = certaintyOf(m, p);
  f.measurements = {
      {"largest_bridge", m.largestBridgeMm2(), "mm2",
       "the largest connected area of 1 mm columns whose lowest 1.5 mm mean across the disc space is at least " +
           oneDecimal(p.bridgeHu) + " HU (rough, not smooth material), at least 3 mm thick somewhere"},
      {"largest_patch", m.patches().largest, "mm2", "the largest connected area of such columns, thick or not"},
      {"bone_area", m.area(Column::Bone), "mm2", "all such columns"},
      {"judged_area", m.judgedArea(), "mm2",
       "columns in both bodies' footprint, in front of the canal, over " + oneDecimal(p.metalMarginMm) +
           " mm from metal and smooth cages"},
      {"metal_area", m.area(Column::Metal) + m.area(Column::Margin), "mm2",
       "metal across the disc space and the margins of metal and smooth cages"},
      {"uniform_area", m.area(Column::Uniform), "mm2", "smooth material of bone density (PEEK cage, graft)"},
      {"body_density", m.bodyHu, "HU", "median cancellous density of the bodies above and below"}};
  f.details = {{"status", yes ? "bridged" : "not-bridged"}, {"construct", construct}, {"interbody_cage", cage}};
  f.summary = summaryOf(disc, m, yes, cage, construct, f.certainty, p);
  return f;
}

/// Why a fused disc's status cannot be judged, or "" when it can.
std::string whyNotAssessed(const ColumnMap& m, const FusionParams& p) {
  if (m.bodyHu < p.bodyHu)
    return "the bodies' bone (" + oneDecimal(m.bodyHu) + " HU) is too faint to tell bridging bone from disc";
  if (m.judgedArea() < p.minJudgedMm2) return "metal and its streaks cover the disc space";
  return "";
}

}  // namespace

std::vector<Finding> FusionDetector::detect(const DetectorInput& input) const {
  std::vector<Finding> out;
  if (!input.levels || !input.levels->labels || !input.volume.ct) return out;
  const LevelTable& t = *input.levels;
  const auto metal = discs::metalPerLabel(*input.volume.ct, t, m_params.metal);
  for (const Construct& c : discs::constructs(t, metal, m_params.minMetalMm3)) {
    const std::string construct = t.vertebrae[c.top].name + " to " + t.vertebrae[c.bottom].name;
    for (size_t v = c.top; v < c.bottom; ++v) {
      const auto d = t.discUnder(v);
      if (!d) continue;
      const LevelEntry& disc = t.discs[*d];
      const auto [above, below] = t.bodiesAround(disc);
      if (!above || !below) continue;
      const LevelEntry &upper = *above, &lower = *below;
      const double half = distance(upper.centroid, lower.centroid) / 2;
      const ColumnMap m = columnMap(*input.volume.ct, fusedDiscFrame(upper, lower, disc), half, metalSeedHu(*input.volume.ct, m_params.metal), m_params);
      const bool cage = m.area(Column::Metal) >= m_params.cageMm2 || m.area(Column::Uniform) >= m_params.cageMm2;
      if (const std::string why = whyNotAssessed(m, m_params); !why.empty())
        out.push_back(notAssessed(disc.name, disc.label, disc.centroid, "fusion status", why));
      else
        out.push_back(fusionFinding(disc, m, cage, construct, m_params));
    }
  }
  for (Finding& f : out) f.detector = name();
  return out;
}

}  // namespace spine
