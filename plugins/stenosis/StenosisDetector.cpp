#include "StenosisDetector.h"

#include <algorithm>
#include <cmath>

#include "spine/Statistics.h"

namespace spine {

namespace {

using discs::DiscBlock;
using discs::DiscCanal;
using discs::kNaN;

/// The canal's midline depth at one height of the disc space, in the disc's frame.
struct Depth {
  double front = kNaN, back = kNaN;  ///< y where the canal begins (behind disc material) and ends
  double mm() const { return back - front; }
};

/// Along +y on row (i, k): from inside the disc, past any disc material beyond it (jMaterial: its
/// last sample on this row, or -1), out into the canal (the first sample below `threshold`) and on
/// to what closes it (the first 1.5 mm at or above it); NaN ends when the row leaves the block first.
Depth rowDepth(const DiscBlock& b, int i, int k, int jStart, int jMaterial, double threshold) {
  Depth d;
  int j = std::max(jStart, jMaterial + 1);
  while (j < b.ny() && b.at(i, j, k) >= threshold) ++j;
  if (j >= b.ny()) return d;
  d.front = b.v(j) - DiscBlock::kStepMm / 2;
  const int run = 3;
  for (; j + run <= b.ny(); ++j) {
    bool closed = true;
    for (int r = 0; r < run && closed; ++r) closed = b.at(i, j + r, k) >= threshold;
    if (closed) {
      d.back = b.v(j) - DiscBlock::kStepMm / 2;
      return d;
    }
  }
  return d;
}

/// The canal's midline depth at the disc: at each height of the disc space the median over the
/// canal's middle +-midlineMm, then the lower quartile over the heights (near the narrowest, but not
/// one height's noise or the canal's own narrowing into the sacrum at an endplate).
Depth narrowest(const DiscCanal& c, const StenosisParams& p) {
  const DiscBlock& b = c.block;
  // Canal values (CSF, fat) against everything that bounds it (disc, ligament, bone).
  const double threshold = (c.canalHu + c.discHu) / 2;
  const double mid = c.walls.canalCentre;
  const std::vector<std::uint8_t> material = discs::materialBeyondLine(c);
  auto lastMaterial = [&](int i, int k) {
    for (int j = b.ny() - 1; j >= 0; --j)
      if (material[b.index(i, j, k)]) return j;
    return -1;
  };
  std::vector<Depth> heights;
  for (int k = b.kOf(-c.halfHeight + 0.5); k <= b.kOf(c.halfHeight - 0.5); ++k) {
    std::vector<double> fronts, backs;
    const int jStart = b.jOf(c.line.at(b.w(k)) - 2);
    for (int i = b.iOf(mid - p.midlineMm); i <= b.iOf(mid + p.midlineMm); ++i) {
      const Depth d = rowDepth(b, i, k, jStart, lastMaterial(i, k), threshold);
      if (std::isnan(d.back)) continue;
      fronts.push_back(d.front), backs.push_back(d.back);
    }
    if (fronts.size() < 3) continue;
    heights.push_back({median(fronts), median(backs)});
  }
  if (heights.size() < 3) return {};
  std::sort(heights.begin(), heights.end(), [](const Depth& a, const Depth& b) { return a.mm() < b.mm(); });
  return heights[heights.size() / 4];
}

Finding stenosisFinding(const LevelEntry& disc, const DiscCanal& c, const Depth& d, const StenosisParams& p) {
  const bool absolute = d.mm() < p.absoluteMm;
  const double past = d.front - c.line.at(0), lost = c.walls.canalDepth - (d.back - c.line.at(0));
  std::vector<std::string> causes;
  if (past >= 2) causes.push_back("disc material " + oneDecimal(past) + " mm beyond the posterior vertebral line");
  if (!std::isnan(lost) && lost >= 3)
    causes.push_back("closed from behind " + oneDecimal(lost) +
                     " mm in front of the lamina (ligamentum flavum or facets)");
  Finding f;
  f.kind = "canal-stenosis";
  f.levels = {disc.name};
  f.certainty = absolute ? "probable" : "possible";
  f.evidenceLabel = disc.label;
  const discs::DiscFrame& fr = c.block.frame();
  f.evidencePoints = {fr.world(c.walls.canalCentre, d.front, 0), fr.world(c.walls.canalCentre, d.back, 0)};
  f.measurements = {{"canal_ap", d.mm(), "mm",
                     "midline depth of the canal at the disc level (CSF and fat between what bounds it), lower "
                     "quartile over the heights of the disc space"}};
  if (!std::isnan(c.walls.canalDepth))
    f.measurements.push_back({"bony_canal_depth", c.walls.canalDepth, "mm",
                              "posterior vertebral line to the lamina, at the bodies next to the disc"});
  std::string because;
  for (const std::string& cause : causes) because += (because.empty() ? "" : "; ") + cause;
  f.details = {{"grade", absolute ? "absolute" : "relative"}, {"causes", causes}};
  f.summary = disc.name + ": central canal " + oneDecimal(d.mm()) + " mm deep in the midline at the disc (" +
              (absolute ? "under " + oneDecimal(p.absoluteMm) + " mm: absolute"
                        : "under " + oneDecimal(p.relativeMm) + " mm: relative") +
              " stenosis" + (because.empty() ? "" : "; " + because) + "): " + f.certainty + ".";
  return f;
}

std::vector<Finding> judgeDisc(const CtImage& ct, const discs::DiscFrame& frame, const LevelEntry& disc,
                               const StenosisParams& p) {
  // Verbiest's diameters are lumbar, and the cord fills the canal above the conus: other named discs
  // are outside this detector's scope (the report says so); an unnamed one might be lumbar.
  if (disc.name.rfind("disc ", 0) == 0)
    return {notAssessed(disc.name, disc.label, disc.centroid, "stenosis",
                        "its level is not named, and the lumbar diameters may not apply")};
  if (disc.name.empty() || disc.name[0] != 'L') return {};
  const double halfHeight = std::clamp(frame.halfHeight > 0 ? frame.halfHeight : disc.heightMm / 2, 2.0, 10.0);
  const DiscCanal c(ct, frame, halfHeight, p.canal);
  if (!c.why.empty()) return {notAssessed(disc.name, disc.label, disc.centroid, "stenosis", c.why)};
  const Depth d = narrowest(c, p);
  if (std::isnan(d.front) || d.mm() >= p.relativeMm) return {};
  return {stenosisFinding(disc, c, d, p)};
}

}  // namespace

std::vector<Finding> StenosisDetector::detect(const DetectorInput& input) const {
  if (!input.levels || !input.levels->labels || !input.volume.ct) return {};
  const CtImage& ct = *input.volume.ct;
  std::vector<Finding> out = discs::judgeEachDisc(
      *input.levels, "stenosis",
      [&](const discs::DiscFrame& f, const LevelEntry& d) { return judgeDisc(ct, f, d, m_params); });
  for (Finding& f : out) f.detector = name();
  return out;
}

}  // namespace spine
