#include "AdjacentSegmentDetector.h"

#include <algorithm>
#include <cmath>

#include "common/Constructs.h"
#include "common/DiscBlock.h"
#include "spine/Statistics.h"

namespace spine {

namespace {

using discs::Construct;
using discs::DiscBlock;
using discs::DiscFrame;
using discs::kNaN;

struct DiscHeight {
  double mm = kNaN;        ///< mean between the endplates' half-maximum edges, front to back
  double gasFraction = 0;  ///< of the samples between the endplates
};

/// Along the normal from the disc's middle: the first bone sample, then the edge halfway between
/// the disc's own value and the endplate's peak. NaN when no bone within the column.
double endplateEdge(const DiscBlock& b, int i, int j, int dir, double soft, double boneHu) {
  const int k0 = b.kOf(0);
  for (int k = k0 + dir; k >= 0 && k < b.nz(); k += dir) {
    if (b.at(i, j, k) < boneHu) continue;
    double peak = b.at(i, j, k);
    for (int q = k; q >= 0 && q < b.nz() && std::abs(q - k) <= 6; q += dir)
      peak = std::max(peak, double(b.at(i, j, q)));
    const double half = (peak + soft) / 2;
    for (int q = k0 + dir; q >= 0 && q < b.nz(); q += dir) {
      const double before = b.at(i, j, q - dir), now = b.at(i, j, q);
      if (now >= half) return b.w(q - dir) + dir * DiscBlock::kStepMm * (half - before) / std::max(now - before, 1e-6);
    }
  }
  return kNaN;
}

/// The disc's mean height from front to back (its sagittal area over its depth: a lordotic disc is
/// a wedge, and where its centroid falls in it varies): at every 1 mm across its depth, the median
/// height over 8 mm side to side; columns without an endplate above and below are outside the disc.
DiscHeight meanHeight(const CtImage& ct, const DiscFrame& frame, const AdjacentSegmentParams& p) {
  DiscFrame centred = frame;
  centred.centre = frame.centroid;
  const DiscBlock b(ct, centred, 4, -22, 22, 15);
  std::vector<double> rows;
  size_t gas = 0, inside = 0;
  for (int j = 0; j < b.ny(); j += 2) {
    std::vector<double> heights;
    for (int i = 0; i < b.nx(); i += 2) {
      std::vector<double> middle;
      for (int k = b.kOf(-1); k <= b.kOf(1); ++k) middle.push_back(b.at(i, j, k));
      const double soft = median(middle);
      if (soft >= p.boneHu) continue;  // in a body: this column is not in the disc
      const double up = endplateEdge(b, i, j, +1, soft, p.boneHu), down = endplateEdge(b, i, j, -1, soft, p.boneHu);
      if (std::isnan(up) || std::isnan(down)) continue;
      heights.push_back(up - down);
      for (int k = b.kOf(down); k <= b.kOf(up); ++k, ++inside) gas += b.at(i, j, k) < p.gasHu;
    }
    if (heights.size() >= 3) rows.push_back(median(heights));
  }
  DiscHeight h;
  if (rows.size() >= 15) {  // at least 15 mm of the disc's depth
    double sum = 0;
    for (double r : rows) sum += r;
    h.mm = sum / double(rows.size()), h.gasFraction = inside ? double(gas) / double(inside) : 0;
  }
  return h;
}

/// The region of a disc by its upper vertebra's name (C, T, L; T12-L1 is thoracic), or 0 unnamed.
char region(const std::string& discName) {
  return discName.empty() || discName.find("unnamed") != std::string::npos ? 0 : discName[0];
}

/// The patient's own free discs: not in a construct and not next to one, and of the judged disc's
/// region (thoracic discs are about half as tall as lumbar ones: a thoracic disc next to a
/// thoracolumbar fusion, judged against lumbar discs too, read 44 % lost on a phantom with none).
std::vector<double> referenceHeights(const LevelTable& t, const std::vector<DiscHeight>& h,
                                     const std::vector<bool>& excluded, const std::string& judged) {
  std::vector<double> ref;
  for (size_t d = 0; d < t.discs.size(); ++d)
    if (!excluded[d] && !std::isnan(h[d].mm) && region(t.discs[d].name) == region(judged)) ref.push_back(h[d].mm);
  return ref;
}

Finding adjacentFinding(const LevelEntry& disc, const DiscHeight& h, double expected, const std::string& construct,
                        const std::string& where, const AdjacentSegmentParams& p) {
  const double loss = 1 - h.mm / expected;
  const bool vacuum = h.gasFraction >= 0.02;
  Finding f;
  f.kind = "adjacent-segment-degeneration";
  f.levels = {disc.name};
  f.certainty = loss >= p.probableLoss ? "probable" : "possible";
  f.evidenceLabel = disc.label;
  f.evidencePoints = {disc.centroid};
  f.measurements = {
      {"mean_height", h.mm, "mm",
       "between the endplates' half-maximum edges along the disc's normal, mean from front to back of the median over "
       "8 mm side to side"},
      {"expected_height", expected, "mm", "median mean height of the free discs (not fused, not next to a fusion)"},
      {"height_loss", 100 * loss, "%", "1 - mean height / expected height"},
      {"gas", 100 * h.gasFraction, "%", "samples between the endplates below " + oneDecimal(p.gasHu) + " HU"}};
  f.details = {{"construct", construct}, {"position", where}, {"vacuum_phenomenon", vacuum}};
  f.summary = disc.name + ", " + where + " the fusion " + construct + ": mean height " + oneDecimal(h.mm) +
              " mm against " + oneDecimal(expected) + " mm for the free discs (" + oneDecimal(100 * loss) + " % lost)" +
              (vacuum ? ", gas in the disc" : "") + ": " + f.certainty + " adjacent segment degeneration.";
  return f;
}

/// The discs next to each construct, with "above" or "below".
std::vector<std::pair<size_t, std::string>> adjacentDiscs(const Construct& c, const LevelTable& t) {
  std::vector<std::pair<size_t, std::string>> out;
  if (const auto d = t.discAbove(c.top)) out.push_back({*d, "above"});
  if (const auto d = t.discUnder(c.bottom)) out.push_back({*d, "below"});
  return out;
}

}  // namespace

std::vector<Finding> AdjacentSegmentDetector::detect(const DetectorInput& input) const {
  std::vector<Finding> out;
  if (!input.levels || !input.levels->labels || !input.volume.ct) return out;
  const LevelTable& t = *input.levels;
  const std::vector<Construct> fused =
      discs::constructs(t, discs::metalPerLabel(*input.volume.ct, t, m_params.metal), m_params.minMetalMm3);
  if (fused.empty()) return out;
  std::vector<bool> valid, excluded(t.discs.size(), false);
  const std::vector<DiscFrame> frames = discs::discFrames(t, valid);
  std::vector<DiscHeight> heights(t.discs.size());
  for (size_t d = 0; d < t.discs.size(); ++d)
    if (valid[d] && !t.discs[d].cutByField) heights[d] = meanHeight(*input.volume.ct, frames[d], m_params);
  for (const Construct& c : fused) {
    for (size_t v = c.top; v < c.bottom; ++v)
      if (const auto d = t.discUnder(v)) excluded[*d] = true;  // the fused discs
    for (const auto& adjacent : adjacentDiscs(c, t)) excluded[adjacent.first] = true;
  }
  for (const Construct& c : fused)
    for (const auto& [d, where] : adjacentDiscs(c, t)) {
      const std::vector<double> ref = referenceHeights(t, heights, excluded, t.discs[d].name);
      if (std::isnan(heights[d].mm)) {
        out.push_back(notAssessed(t.discs[d].name, t.discs[d].label, t.discs[d].centroid, "adjacent segment",
                                  t.discs[d].cutByField ? discs::kCutByField : "its height could not be measured"));
      } else if (ref.size() < 2) {
        out.push_back(notAssessed(t.discs[d].name, t.discs[d].label, t.discs[d].centroid, "adjacent segment",
                                  "fewer than two free discs to compare its height with"));
      } else if (const double expected = median(ref); 1 - heights[d].mm / expected >= m_params.possibleLoss) {
        const std::string construct = t.vertebrae[c.top].name + " to " + t.vertebrae[c.bottom].name;
        out.push_back(adjacentFinding(t.discs[d], heights[d], expected, construct, where, m_params));
      }
    }
  for (Finding& f : out) f.detector = name();
  return out;
}

}  // namespace spine
