#include "HerniationDetector.h"

#include <algorithm>
#include <cmath>

#include "common/DiscCanal.h"
#include "spine/Labels.h"
#include "spine/Statistics.h"

namespace spine {

namespace {

using discs::DiscBlock;
using discs::DiscCanal;
using discs::Walls;
constexpr double kStep = DiscBlock::kStepMm;

/// 6-connected groups of the set voxels of a mask.
std::vector<std::vector<size_t>> components(const std::vector<std::uint8_t>& mask, const DiscBlock& b) {
  std::vector<std::vector<size_t>> out;
  std::vector<std::uint8_t> seen(mask.size(), 0);
  for (size_t start = 0; start < mask.size(); ++start)
    if (mask[start] && !seen[start]) {
      seen[start] = 1;
      out.push_back(discs::flood(b, {start}, seen, [&](size_t m) { return mask[m] != 0; }));
    }
  return out;
}

/// One piece of disc material beyond the line, measured.
struct Material {
  double reach = 0;         ///< farthest voxel beyond the line, mm (at the detection threshold)
  double depth = 0;         ///< farthest half-maximum edge beyond the line, mm: the reported depth
  double baseWidth = 0;     ///< side to side where it leaves the disc space (0.5-1.5 mm beyond the line)
  double width = 0;         ///< side to side, all of it
  double up = 0, down = 0;  ///< how far it reaches above / below the disc space
  double volume = 0;        ///< mm3
  double hu = 0;            ///< median value of its voxels
  Vec3 apex{0, 0, 0};       ///< disc frame (x, y, z)
  double centreX = 0;       ///< side to side middle of its deepest millimetre: where it points
};

Material measure(const std::vector<size_t>& voxels, const DiscCanal& c) {
  const DiscBlock& b = c.block;
  Material m;
  m.volume = double(voxels.size()) * kStep * kStep * kStep;
  std::vector<double> values;
  double xMin = 1e9, xMax = -1e9, bMin = 1e9, bMax = -1e9;
  for (size_t idx : voxels) {
    int i, j, k;
    b.coordsOf(idx, i, j, k);
    const double x = b.u(i), z = b.w(k), past = b.v(j) - c.line.at(z) + kStep / 2;
    m.reach = std::max(m.reach, past);
    values.push_back(b.at(i, j, k));
    xMin = std::min(xMin, x), xMax = std::max(xMax, x);
    if (past <= 1.5 + kStep / 2 && std::abs(z) <= c.halfHeight) bMin = std::min(bMin, x), bMax = std::max(bMax, x);
    m.up = std::max(m.up, z - c.halfHeight), m.down = std::max(m.down, -z - c.halfHeight);
  }
  m.width = xMax - xMin + kStep;
  m.hu = median(values);
  m.baseWidth = bMax >= bMin ? bMax - bMin + kStep : 0;
  double xSum = 0, n = 0;
  for (size_t idx : voxels) {  // the apex: the deepest half-maximum edge among the voxels near the deepest
    int i, j, k;
    b.coordsOf(idx, i, j, k);
    const double z = b.w(k);
    if (b.v(j) - c.line.at(z) + kStep / 2 < m.reach - 1.0) continue;
    xSum += b.u(i), n += 1;
    const double edge = halfMaximumEdge(b, i, j, k);
    if (edge - c.line.at(z) > m.depth) m.depth = edge - c.line.at(z), m.apex = {b.u(i), edge, z};
  }
  m.centreX = xSum / n;
  return m;
}

struct Classified {
  std::string type, position, side;
};

/// MSU/NASS terms (Fardon et al., Spine J 2014): an extrusion is deeper than its base is wide or
/// reaches beyond the disc space above or below; shallow material across half the disc or more is a
/// bulge, not a herniation. Zones by the middle of its deepest part: central within a third of the bony canal's half
/// width, paracentral to the pedicle's medial wall, foraminal to its lateral wall, extraforaminal
/// beyond.
Classified classify(const Material& m, const Walls& w, const HerniationParams& p) {
  Classified c;
  const double discWidth = w.bodyLeft + w.bodyRight;
  if (m.depth < p.probableDepthMm && !std::isnan(discWidth) && m.width >= p.bulgeWidthFraction * discWidth)
    c.type = "bulge";
  else if (m.depth > m.baseWidth || std::max(m.up, m.down) >= 3.0)
    c.type = "extrusion";
  else
    c.type = "protrusion";
  const double x = std::abs(m.centreX - w.canalCentre);
  if (std::isnan(w.canalHalf))
    c.position = "undetermined";
  else if (x <= w.canalHalf / 3)
    c.position = "central";
  else if (x <= w.canalHalf)
    c.position = "paracentral";
  else if (std::isnan(w.pedicleOuter) || x <= w.pedicleOuter)
    c.position = "foraminal";
  else
    c.position = "extraforaminal";
  c.side = c.position == "central" ? "midline" : (m.centreX > w.canalCentre ? "left" : "right");
  return c;
}

std::string migrationWords(const Material& m) {
  if (std::max(m.up, m.down) < 1.0) return "";
  return m.down >= m.up ? ", " + oneDecimal(m.down) + " mm below the disc space"
                        : ", " + oneDecimal(m.up) + " mm above the disc space";
}

Finding materialFinding(const LevelEntry& disc, const Material& m, const Classified& k, const DiscCanal& c,
                        const HerniationParams& p) {
  const Walls& w = c.walls;
  Finding f;
  const bool bulge = k.type == "bulge";
  f.kind = bulge ? "disc-bulge" : "herniation";
  f.levels = {disc.name};
  f.certainty = !bulge && m.depth >= p.probableDepthMm ? "probable" : "possible";
  f.evidenceLabel = disc.label;
  const discs::DiscFrame& fr = c.block.frame();
  f.evidencePoints = {fr.world(m.apex[0], m.apex[1], m.apex[2]), fr.world(m.apex[0], c.line.at(0), 0)};
  const std::string line = "the posterior vertebral line (the bodies' posterior edges above and below)";
  f.measurements = {
      {"depth", m.depth, "mm",
       "farthest half-maximum edge of disc-dense material (grown at >= " + oneDecimal(c.tau) + " HU) beyond " + line},
      {"base_width", m.baseWidth, "mm", "side to side where it leaves the disc space, 0.5-1.5 mm beyond the line"},
      {"width", m.width, "mm", "side to side, all of the material beyond the line"},
      {"volume", m.volume, "mm3", "disc-dense voxels beyond the line, connected to the disc"}};
  if (std::max(m.up, m.down) >= 1.0)
    f.measurements.push_back({"migration", std::max(m.up, m.down), "mm", "reach above or below the disc space"});
  std::string canal;
  if (!std::isnan(w.canalDepth)) {
    const double taken = 100 * std::min(1.0, m.depth / w.canalDepth);
    f.measurements.push_back(
        {"canal_depth", w.canalDepth, "mm", "posterior line to the lamina in the midline, next to the disc"});
    f.measurements.push_back({"canal_depth_taken", taken, "%", "depth over the canal's depth"});
    if (!bulge) canal = ", " + oneDecimal(taken) + " % of the canal's depth";
  }
  f.details = {{"type", k.type},
               {"position", k.position},
               {"side", k.side},
               {"migration", m.down >= 1.0 && m.down >= m.up ? "caudal" : m.up >= 1.0 ? "cranial" : "none"},
               {"disc_hu", c.discHu},
               {"material_hu", m.hu},
               {"canal_hu", c.canalHu},
               {"threshold_hu", c.tau}};
  const std::string where = k.position == "central" ? "central" : k.side + " " + k.position;
  f.summary = bulge ? disc.name + ": disc bulge, " + oneDecimal(m.width) + " mm wide, " + oneDecimal(m.depth) +
                          " mm beyond the posterior vertebral line: possible."
                    : disc.name + ": " + where + " " + k.type + ", " + oneDecimal(m.depth) +
                          " mm beyond the posterior vertebral line (base " + oneDecimal(m.baseWidth) + " mm" +
                          migrationWords(m) + ")" + canal + ": " + f.certainty + ".";
  return f;
}

Finding notAssessed(const LevelEntry& disc, const std::string& why) {
  return spine::notAssessed(disc.name, disc.label, disc.centroid, "herniation", why);
}

/// Every finding of one disc: the deepest material beyond the line that is worth reporting, or why
/// the disc could not be judged.
std::vector<Finding> judgeDisc(const CtImage& ct, const LabelImage& labels, const discs::DiscFrame& frame,
                               const LevelEntry& disc, const HerniationParams& p) {
  const double halfHeight = std::clamp(frame.halfHeight > 0 ? frame.halfHeight : disc.heightMm / 2, 2.0, 10.0);
  const DiscCanal c(ct, frame, halfHeight, p.canal, &labels);
  if (!c.why.empty()) return {notAssessed(disc, c.why)};
  const DiscBlock& block = c.block;
  std::vector<Material> found;
  const std::string upper = vertebraName(discUpperCode(disc.label));
  const double sizeScale = !upper.empty() && upper[0] == 'C' ? p.cervicalSizeScale : 1.0;  // below a cervical vertebra
  for (const std::vector<size_t>& voxels : components(discs::materialBeyondLine(c), block)) {
    if (double(voxels.size()) * kStep * kStep * kStep < sizeScale * p.minVolumeMm3) continue;
    const Material m = measure(voxels, c);
    const bool leavesTheDisc = m.baseWidth >= p.minBaseMm;  // else it reached the line only above or below the disc
    // Deep material has volume; a deep sliver (about a millimetre thick) is soft tissue along a boundary.
    const bool sliver = m.depth >= p.probableDepthMm && m.volume < sizeScale * p.minThicknessMm * m.depth * m.width;
    if (leavesTheDisc && !sliver && m.depth >= p.reportDepthMm && m.hu >= c.tau + p.materialFraction * (c.discHu - c.tau))
      found.push_back(m);
  }
  if (found.empty()) return {};
  const Material& worst = *std::max_element(found.begin(), found.end(),
                                            [](const Material& a, const Material& b) { return a.depth < b.depth; });
  return {materialFinding(disc, worst, classify(worst, c.walls, p), c, p)};
}

/// The study-level finding when two or more discs are herniated: all levels, the most severe first
/// in words (the deepest).
Finding multiLevel(const std::vector<const Finding*>& herniated) {
  auto depth = [](const Finding* f) {
    for (const Measurement& m : f->measurements)
      if (m.name == "depth") return m.value;
    return 0.0;
  };
  const Finding* worst = *std::max_element(herniated.begin(), herniated.end(),
                                           [&](const Finding* a, const Finding* b) { return depth(a) < depth(b); });
  Finding f;
  f.kind = "multi-level-herniation";
  std::string names;
  size_t probable = 0;
  for (const Finding* h : herniated) {
    f.levels.push_back(h->levels.front());
    names += (names.empty() ? "" : ", ") + h->levels.front();
    probable += h->certainty == "probable";
  }
  f.certainty = probable >= 2 ? "probable" : "possible";  // as sure as its second most certain level
  f.details = {{"most_severe", worst->levels.front()}, {"count", herniated.size()}};
  f.measurements = {{"deepest", depth(worst), "mm", "depth of the most severe herniation"}};
  f.summary = "Herniation at " + std::to_string(herniated.size()) + " levels (" + names + "); most severe " +
              worst->levels.front() + " (" + worst->details.value("type", std::string()) + ", " +
              oneDecimal(depth(worst)) + " mm). Treating one level leaves the others.";
  return f;
}

}  // namespace

std::vector<Finding> HerniationDetector::detect(const DetectorInput& input) const {
  if (!input.levels || !input.levels->labels || input.volume.empty()) return {};
  std::vector<Finding> out;
  if (input.volume.modality == Modality::MR)
    out = mrHerniationFindings(input.volume, *input.levels, m_params.mr);
  else
    out = discs::judgeEachDisc(*input.levels, "herniation", [&](const discs::DiscFrame& f, const LevelEntry& d) {
      return judgeDisc(*input.volume.ct, *input.levels->labels, f, d, m_params);
    });
  std::vector<const Finding*> herniated;
  for (const Finding& f : out)
    if (f.kind == "herniation") herniated.push_back(&f);
  if (herniated.size() >= 2) out.push_back(multiLevel(herniated));
  for (Finding& f : out) f.detector = name();
  return out;
}

}  // namespace spine
