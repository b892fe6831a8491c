#include "spine/viewer/SceneModel.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "spine/Labels.h"

namespace spine::viewer {

Rgb labelColour(std::uint16_t label) {
  if (label == 0) return {0, 0, 0};
  if (label >= 900) return {0.6, 0.6, 0.6};
  if (label >= 200) return {0.45, 0.4, 0.3};
  if (label >= 100) return {0.1, 0.85, 0.95};
  // Vertebrae: a hue that steps by the golden angle, so neighbours never look alike.
  double hue = std::fmod(label * 0.618033988749895, 1.0) * 6.0;
  double f = hue - std::floor(hue), v = 0.95, s = 0.55, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  switch (int(hue)) {
    case 0: return {v, t, p};
    case 1: return {q, v, p};
    case 2: return {p, v, t};
    case 3: return {p, q, v};
    case 4: return {t, p, v};
    default: return {v, p, q};
  }
}

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

std::string statusWords(const std::string& status) {
  std::string s = status;
  std::replace(s.begin(), s.end(), '_', ' ');
  return upper(s);
}

/// Which anchor a level is, from the level table alone: the sacrum, the lowest rib-bearing
/// vertebra, C2 - the marks the numbering rests on.
std::vector<std::string> anchorRoles(const ReviewModel& m) {
  std::vector<std::string> roles(m.levels.size());
  int lastRib = -1;
  // A free S1 (lumbarised) stands above the sacrum, which is the anchor: S1 is marked only when it is
  // the sacrum's top itself (no sacrum level of its own).
  const bool sacrumLevel = std::any_of(m.levels.begin(), m.levels.end(), [](const ReviewLevel& l) { return !l.disc && l.label == kSacrumLabel; });
  for (size_t i = 0; i < m.levels.size(); ++i) {
    const ReviewLevel& l = m.levels[i];
    if (l.disc) continue;
    if (l.ribBearing) lastRib = int(i);
    if (l.label == kSacrumLabel || (l.label == kS1Label && !sacrumLevel)) roles[i] = "sacrum";
    if (l.name == "C2") roles[i] = "C2 (dens)";
  }
  if (lastRib >= 0) roles[size_t(lastRib)] = "last rib pair";
  return roles;
}

std::string targetLine(const ReviewModel& m, const std::string& target, int index) {
  if (target.empty()) return "Target: none given (start with --target L4-L5)";
  if (index < 0) return "Target " + target + ": NOT LOCATED - find it yourself on the images";
  char text[256];
  std::snprintf(text, sizeof text, "Target %s: located (numbering %s)", target.c_str(), m.numberingStatus.c_str());
  return text;
}

void addFindings(const ReviewModel& m, SceneModel& s) {
  for (const ReviewFinding& f : m.findings) {
    FindingMark mark;
    mark.text = f.describe();
    mark.tag = f.tag();
    mark.points = f.points;
    // Study-wide findings without a place of their own (the streak zone, a detector that failed,
    // the multi-level summary whose levels have their own marks) and the list of what a detector
    // could not judge are in the panel, not drawn on every level they name.
    const bool placeless = f.kind == "metal-artefact" || f.kind == "detector-failure" || f.kind == "multi-level-herniation" ||
                           f.kind == "not-assessed";
    if (placeless) mark.points.clear();
    if (mark.points.empty() && !placeless)
      for (const std::string& l : f.levels)
        if (int i = m.levelIndex(l); i >= 0) mark.points.push_back(m.levels[size_t(i)].centroid);
    if (f.kind == "hardware") mark.colour = {0.55, 0.75, 1.0};
    if (f.kind == "non-spinal-metal") mark.colour = {0.7, 0.7, 0.7};
    if (f.kind == "herniation") mark.colour = {1.0, 0.55, 0.2};
    s.findings.push_back(mark);
  }
}

std::string withoutSide(const std::string& tag) {
  for (const std::string side : {" left", " right"})
    if (tag.size() > side.size() && tag.compare(tag.size() - side.size(), side.size(), side) == 0)
      return tag.substr(0, tag.size() - side.size());
  return tag;
}

}  // namespace

void layOutSagittalTags(SceneModel& s, double rowMm) {
  const double row = std::max(rowMm, 1.0);
  std::vector<double> taken;  // heights of the discs' names, the anchors and the tags written so far
  std::set<std::string> named;
  for (const LevelMark& l : s.levels)
    if (l.disc || !l.anchor.empty()) taken.push_back(l.position[2]);  // written behind the column too
  auto free = [&](double z) {
    return std::none_of(taken.begin(), taken.end(), [&](double q) { return std::abs(q - z) < row; });
  };
  for (FindingMark& f : s.findings) {
    f.sagittalTag.clear(), f.sagittalDropMm = 0;  // laid out afresh at every scale
    if (f.points.empty()) continue;
    const double z = f.points[0][2];
    if (!named.insert(withoutSide(f.tag) + "@" + std::to_string(std::lround(z / row))).second) continue;
    f.sagittalTag = withoutSide(f.tag);
    double at = z;  // the nearest free height, below first
    for (int step = 1; step <= 24 && !free(at); ++step) at = z + (step % 2 ? -1 : 1) * row / 2 * ((step + 1) / 2);
    taken.push_back(at);
    f.sagittalDropMm = z - at;
  }
}

namespace {

void addPanel(const ReviewModel& m, SceneModel& s, const std::string& target) {
  s.panel.push_back("Numbering: " + statusWords(m.numberingStatus));
  s.panel.push_back("Anchors: " + (m.anchors.empty() ? std::string("none found") : joined(m.anchors, "; ")));
  for (const std::string& c : m.candidates) s.panel.push_back("Also possible: " + c);
  s.panel.push_back(targetLine(m, target, s.targetIndex));
  for (const ReviewDecision& r : m.reviews)
    s.panel.push_back("  " + r.level + " " + upper(r.decision) + " by " + r.reviewer + " " + r.timeUtc +
                      (r.note.empty() ? "" : ": " + r.note));
  std::string names;
  for (const ReviewLevel& l : m.levels)
    if (!l.disc) names += (names.empty() ? "" : " ") + l.name;
  s.panel.push_back("Levels: " + (names.empty() ? std::string("none identified") : names));
  for (const std::string& n : m.levelNotes) s.panel.push_back("  " + n);
  s.panel.push_back(m.findings.empty() ? "Findings: none reported" : "Findings:");
  // What a detector could not judge, one line per kind with its levels (a fused spine has one per
  // disc and detector, which pushed the real findings off the panel); the reasons are in the report.
  std::vector<std::pair<std::string, std::string>> gaps;  // what, levels
  s.panelFindingsFrom = s.panel.size();
  for (size_t i = 0; i < m.findings.size(); ++i) {
    const ReviewFinding& f = m.findings[i];
    if (f.kind != "not-assessed") {
      s.panel.push_back("  - " + s.findings[i].text);
      continue;
    }
    auto it = std::find_if(gaps.begin(), gaps.end(), [&](const auto& g) { return g.first == f.notAssessed; });
    if (it == gaps.end()) it = gaps.insert(gaps.end(), {f.notAssessed, ""});
    for (const std::string& l : f.levels) it->second += (it->second.empty() ? "" : ", ") + l;
  }
  s.panelFindingsTo = s.panel.size();
  if (!gaps.empty()) s.panel.push_back("Not assessed (reasons in the report; review these levels yourself):");
  for (const auto& [what, levels] : gaps) s.panel.push_back("  " + what + ": " + levels);
  if (!m.warnings.empty()) s.panel.push_back("Data warnings: " + std::to_string(m.warnings.size()) + " (see report.json)");
}

}  // namespace

std::vector<std::string> shortenedPanel(const SceneModel& s, size_t keep) {
  const size_t shown = std::min(s.panelFindingsFrom + keep, s.panelFindingsTo);
  std::vector<std::string> out(s.panel.begin(), s.panel.begin() + std::ptrdiff_t(shown));
  if (shown < s.panelFindingsTo)
    out.push_back("  + " + std::to_string(s.panelFindingsTo - shown) +
                  " more findings: f steps through all of them on the images; every one is in report.json");
  out.insert(out.end(), s.panel.begin() + std::ptrdiff_t(s.panelFindingsTo), s.panel.end());
  return out;
}

Banner numberingBanner(const ReviewModel& m) {
  if (m.numberingTrusted()) {
    return {"Numbering confirmed by its anchors: " + joined(m.anchors, "; "), false};
  }
  std::string text = "NUMBERING " + statusWords(m.numberingStatus) + ": ";
  text += m.anomaly.empty() ? m.summary : m.anomaly + ". " + m.summary;
  if (!m.mustConfirm.empty()) text += " " + m.mustConfirm;
  return {text, true};
}

SceneModel buildSceneModel(const ReviewModel& m, const std::string& targetOverride) {
  SceneModel s;
  const std::string target = targetOverride.empty() ? m.target : targetOverride;
  const std::vector<std::string> roles = anchorRoles(m);
  for (size_t i = 0; i < m.levels.size(); ++i) {
    const ReviewLevel& l = m.levels[i];
    LevelMark mark;
    mark.label = l.label;
    mark.position = l.centroid;
    mark.disc = l.disc;
    mark.anchor = roles[i];
    mark.target = !target.empty() && l.name == target;
    mark.colour = mark.target ? kTargetColour : labelColour(l.label);
    mark.text = l.name + (mark.target ? "  TARGET" : "");
    if (mark.target) s.targetIndex = int(i);
    s.levels.push_back(mark);
  }
  addFindings(m, s);
  s.banner = numberingBanner(m);
  addPanel(m, s, target);
  if (s.targetIndex >= 0) s.focus = s.levels[size_t(s.targetIndex)].position;
  else if (!s.levels.empty()) s.focus = s.levels[s.levels.size() / 2].position;
  return s;
}

}  // namespace spine::viewer
