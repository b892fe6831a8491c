#include "spine/LevelTable.h"

#include <cmath>
#include <map>

#include "spine/Labels.h"
#include "spine/MrSegmentation.h"
#include "spine/Phantom.h"

namespace spine {

namespace {

std::uint16_t vertebraValue(const std::string& name, size_t i) {
  auto code = vertebraCode(name);
  return code ? *code : std::uint16_t(kUnnamedVertebraBase + i);
}

/// An index into a list of n entries, or nullopt when it falls outside.
std::optional<std::size_t> within(long i, std::size_t n) {
  return i >= 0 && i < long(n) ? std::optional<std::size_t>(size_t(i)) : std::nullopt;
}

/// What the report says of a disc between an end vertebra (`beside`) and the field's edge.
std::string atFieldEdgeNote(const std::string& name, bool named, const SegmentedDisc& d, bool top, const std::string& beside) {
  std::string note = name + ": the disc at the field's " + (top ? "top" : "bottom") + " edge, " + (top ? "above " : "below ") +
                     beside + ". The vertebra " + (top ? "above" : "below") + " it is not in view (at most a sliver of it)";
  note += named ? ", so the disc is named by counting on from " + beside
              : ", and spines differ in which vertebra comes next, so the disc is not named";
  if (d.cutByField)
    note += "; only " + std::to_string(int(std::lround(d.heightMm))) + " mm of its height is in view, so what is measured "
            "at it is partial";
  return note + ".";
}

}  // namespace

const LevelEntry* LevelTable::find(const std::string& name) const {
  for (const auto* list : {&vertebrae, &discs})
    for (const LevelEntry& e : *list)
      if (e.name == name) return &e;
  return nullptr;
}

std::pair<const LevelEntry*, const LevelEntry*> LevelTable::bodiesAround(const LevelEntry& disc) const {
  if (discs.empty() || &disc < discs.data() || &disc >= discs.data() + discs.size()) return {nullptr, nullptr};
  const long i = long(&disc - discs.data()) + firstDiscUnder, n = long(vertebrae.size());
  return {i >= 0 && i < n ? &vertebrae[size_t(i)] : nullptr, i + 1 < n ? &vertebrae[size_t(i + 1)] : nullptr};
}

std::optional<std::size_t> LevelTable::discUnder(std::size_t v) const { return within(long(v) - firstDiscUnder, discs.size()); }

std::optional<std::size_t> LevelTable::discAbove(std::size_t v) const {
  return within(long(v) - 1 - firstDiscUnder, discs.size());
}

bool LevelTable::discsAlternate() const {
  for (size_t v = 0; v + 1 < vertebrae.size(); ++v)
    if (!discUnder(v) && !(v == 0 && firstDiscUnder == 1)) return false;
  return true;
}

LevelTable buildLevelTable(const SpineSegmentation& seg, const NumberingVerdict& verdict) {
  LevelTable t;
  t.verdict = verdict;
  t.notes = seg.notes;
  std::map<std::uint16_t, std::uint16_t> remap;  // working id -> convention value
  for (size_t i = 0; i < seg.vertebrae.size(); ++i) {
    const SegmentedVertebra& v = seg.vertebrae[i];
    const std::string& name = verdict.vertebraNames[i];
    LevelEntry e;
    e.name = name.empty() ? "vertebra " + std::to_string(i + 1) + " (unnamed)" : name;
    e.label = vertebraValue(name, i);
    e.confidence = name.empty() ? 0 : verdict.confidence;
    e.heightMm = v.heightMm, e.ribBearing = v.hasRibs;
    remap[v.id] = e.label;
    remap[std::uint16_t(2000 + v.id)] = name.empty() ? 0 : ribLabel(e.label);
    t.vertebrae.push_back(e);
  }
  const std::vector<std::string>& names = verdict.vertebraNames;
  const long offset = seg.discAboveTop ? -1 : 0;  // disc i lies under vertebra i + offset
  t.firstDiscUnder = offset;
  for (size_t i = 0; i < seg.discs.size(); ++i) {
    const long above = long(i) + offset, below = above + 1;
    const std::string up = above < 0                        ? sameInEverySpineNextTo(names.front(), false)
                           : above == 0 && names[0].empty() ? verdict.withheldTopName
                                                            : names[size_t(above)];
    const std::string lo = below >= long(names.size()) ? sameInEverySpineNextTo(names.back(), true) : names[size_t(below)];
    if (up == "C1") {  // what lies between C1 and C2 is the atlanto-axial joint: no disc to name or judge
      remap[seg.discs[i].id] = 0, t.firstDiscUnder = below;
      continue;
    }
    LevelEntry e;
    const bool named = vertebraCode(up) && vertebraCode(lo);  // both names in the label convention
    e.name = named ? discName(*vertebraCode(up), *vertebraCode(lo)) : "disc " + std::to_string(i + 1) + " (unnamed)";
    e.label = named ? discLabel(*vertebraCode(up)) : std::uint16_t(kUnnamedDiscBase + i);
    e.confidence = named ? verdict.confidence : 0;
    e.heightMm = seg.discs[i].heightMm, e.cutByField = seg.discs[i].cutByField;
    if (seg.discs[i].placement == DiscPlacement::Cage)
      t.notes.push_back(e.name + ": found at its interbody cage (uniform metal or PEEK across the disc space; no disc tissue to see)");
    if (seg.discs[i].placement == DiscPlacement::Spacing)
      t.notes.push_back(e.name + ": not seen clearly (screw streaks across its plane, a radiolucent cage, a faint "
                        "endplate or a fused disc space); placed by the spacing of the discs above and below, so its "
                        "position and the extent of the vertebrae next to it are estimates");
    if (seg.discs[i].placement == DiscPlacement::EndplateBand)
      t.notes.push_back(e.name + ": thinner than the slices can show apart from its endplates (faint marrow); placed at "
                        "the bright band they blur into between the bodies above and below, so its height and the "
                        "extent of the vertebrae next to it are estimates");
    if (above < 0 || below >= long(names.size()))
      t.notes.push_back(
          atFieldEdgeNote(e.name, named, seg.discs[i], above < 0, (above < 0 ? t.vertebrae.front() : t.vertebrae.back()).name));
    remap[seg.discs[i].id] = e.label;
    t.discs.push_back(e);
  }
  t.labels = LabelImage::New();
  t.labels->CopyInformation(seg.labels);
  t.labels->SetRegions(seg.labels->GetLargestPossibleRegion());
  t.labels->Allocate(true);
  const size_t n = seg.labels->GetPixelContainer()->Size();
  for (size_t i = 0; i < n; ++i) {
    std::uint16_t w = seg.labels->GetBufferPointer()[i];
    auto it = w ? remap.find(w) : remap.end();
    t.labels->GetBufferPointer()[i] = it == remap.end() ? 0 : it->second;
  }
  std::map<std::uint16_t, LabelStats> stats;
  for (const LabelStats& s : labelStatistics(*t.labels)) stats[s.value] = s;
  for (auto* list : {&t.vertebrae, &t.discs})
    for (LevelEntry& e : *list)
      if (stats.count(e.label)) e.centroid = stats[e.label].centroid, e.voxels = stats[e.label].voxels;
  return t;
}

namespace {

NumberingEvidence evidenceOf(const SpineSegmentation& seg) {
  NumberingEvidence e;
  for (const SegmentedVertebra& v : seg.vertebrae) e.vertebrae.push_back({v.hasRibs, v.sacrumLike, v.cutTop, v.cutBottom, v.heightMm});
  // Only the discs between two vertebrae: numbering reads disc i as the one under vertebra i.
  for (size_t i = seg.discAboveTop ? 1 : 0; i + (seg.discBelowBottom ? 1 : 0) < seg.discs.size(); ++i)
    e.discHeightsMm.push_back(seg.discs[i].heightMm);
  e.skullAbove = seg.skullAbove;
  if (!seg.vertebrae.empty()) e.topHeightMm = seg.vertebrae.front().heightMm;
  return e;
}

}  // namespace

LevelTable analyseCtLevels(const CtImage& ct, const SegmentationParams& params) {
  SpineSegmentation seg = segmentSpineCt(ct, params);
  return buildLevelTable(seg, numberLevels(evidenceOf(seg)));
}

/// MR numbering uses the same anchors as CT, but ribs are not assessed on MR: the names count up
/// from the sacrum assuming five lumbar vertebrae and are never better than provisional.
LevelTable analyseMrLevels(const MrImage& mr, const MrSegmentationParams& params) {
  SpineSegmentation seg = segmentSpineMr(mr, params);
  NumberingVerdict verdict = numberLevels(evidenceOf(seg));
  if (verdict.status == "provisional" && verdict.anchors == std::vector<std::string>{"sacrum"}) {
    verdict.anchors = {"sacrum (below the lowest disc found, tilted like L5-S1)"};
    verdict.summary = "Named upwards from the sacrum assuming 5 lumbar vertebrae: ribs are not assessed on MR, so a sixth "
                      "lumbar or a missing vertebra would shift every name; a whole-spine localiser or a CT decides it.";
    verdict.candidates = {"L6 present (six lumbar vertebrae): every name above the sacrum one level higher",
                          "4 lumbar vertebrae or a sacralised L5: every name one level lower"};
  }
  return buildLevelTable(seg, verdict);
}

}  // namespace spine
