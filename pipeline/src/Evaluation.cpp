#include "spine/Evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <tuple>

#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include "spine/Labels.h"

namespace spine {
using nlohmann::json;

namespace {

constexpr double kIdentifyMm = 20.0;

const LevelPoint* nearest(const std::vector<LevelPoint>& points, const Vec3& p, double* dist = nullptr) {
  const LevelPoint* best = nullptr;
  double bestD = 1e18;
  for (const LevelPoint& q : points)
    if (double d = distance(q.centroid, p); d < bestD) bestD = d, best = &q;
  if (dist) *dist = bestD;
  return best;
}

const LevelPoint* byName(const std::vector<LevelPoint>& points, const std::string& name) {
  for (const LevelPoint& q : points)
    if (q.name == name) return &q;
  return nullptr;
}

/// VerSe identification over one kind of level; fills localisation errors.
unsigned identify(const std::vector<LevelPoint>& truth, const std::vector<LevelPoint>& pred, std::vector<double>* loc) {
  unsigned n = 0;
  for (const LevelPoint& t : truth) {
    const LevelPoint* same = byName(pred, t.name);
    if (!same) continue;
    double d = distance(same->centroid, t.centroid);
    if (loc) loc->push_back(d);
    if (d <= kIdentifyMm && nearest(pred, t.centroid) == same) ++n;
  }
  return n;
}

void countMislabels(const std::vector<LevelPoint>& truth, const std::vector<LevelPoint>& pred, bool silent, CaseScore& s) {
  for (const LevelPoint& p : pred) {
    double d;
    const LevelPoint* t = nearest(truth, p.centroid, &d);
    // A level left unnamed ("vertebra 3 (unnamed)") is not identified, but it names nothing wrong.
    const bool unnamed = p.name.find("(unnamed)") != std::string::npos;
    if (!t || d > kIdentifyMm) ++s.spurious;
    else if (t->name != p.name && !unnamed) {
      ++s.mislabels, s.silentMislabels += silent;
      continue;
    }
    const LevelPoint* own = unnamed ? nullptr : byName(truth, p.name);
    if (own && distance(own->centroid, p.centroid) > kIdentifyMm) ++s.misplaced, s.silentMisplaced += silent;
  }
}

/// The prediction's label map on the truth's grid (nearest neighbour).
LabelImage::Pointer onTruthGrid(const LabelImage& pred, const LabelImage& truth) {
  auto resample = itk::ResampleImageFilter<LabelImage, LabelImage>::New();
  resample->SetInput(&pred);
  resample->SetReferenceImage(&truth);
  resample->UseReferenceImageOn();
  resample->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<LabelImage>::New());
  resample->SetDefaultPixelValue(0);
  resample->Update();
  return resample->GetOutput();
}

void scoreDice(const LevelSet& truth, const LevelSet& pred, CaseScore& s) {
  if (!truth.labels) return;
  std::map<std::string, double> truthCount, predCount, both;
  LabelImage::Pointer p = pred.labels ? onTruthGrid(*pred.labels, *truth.labels) : nullptr;
  const size_t n = truth.labels->GetPixelContainer()->Size();
  const std::uint16_t* t = truth.labels->GetBufferPointer();
  for (size_t i = 0; i < n; ++i) {
    auto tn = truth.names.find(t[i]);
    const std::string* tName = tn == truth.names.end() ? nullptr : &tn->second;
    const std::string* pName = nullptr;
    if (p) {
      auto pn = pred.names.find(p->GetBufferPointer()[i]);
      if (pn != pred.names.end()) pName = &pn->second;
    }
    if (tName) truthCount[*tName] += 1;
    if (pName) predCount[*pName] += 1;
    if (tName && pName && *tName == *pName) both[*tName] += 1;
  }
  auto dice = [&](const std::string& name) {
    double denom = truthCount[name] + predCount[name];
    return denom > 0 ? 2 * both[name] / denom : 0.0;
  };
  for (const LevelPoint& v : truth.vertebrae) s.diceVertebra[v.name] = dice(v.name);
  for (const LevelPoint& d : truth.discs) s.diceDisc[d.name] = dice(d.name);
}

/// Predicted finding levels renamed to the true level at their place (so a finding at the right
/// disc under a wrong name still counts as found; the name error is counted as a mislabel).
std::set<std::string> mapToTruth(const std::set<std::string>& levels, const LevelSet& truth, const LevelSet& pred) {
  std::set<std::string> out;
  for (const std::string& name : levels) {
    const LevelPoint* p = byName(pred.discs, name);
    const bool disc = p != nullptr;
    if (!p) p = byName(pred.vertebrae, name);
    double d = 1e18;
    const LevelPoint* t = p ? nearest(disc ? truth.discs : truth.vertebrae, p->centroid, &d) : nullptr;
    out.insert(t && d <= kIdentifyMm ? t->name : name);
  }
  return out;
}

void scoreFindings(const LevelSet& truth, const LevelSet& pred, CaseScore& s) {
  for (const auto& [kind, truthLevels] : truth.findings) {
    const bool discLevels = kind == "herniation" || kind == "canal-stenosis" || kind == "fusion-bridged";
    const auto& universe = discLevels ? truth.discs : truth.vertebrae;
    std::set<std::string> predicted;
    if (pred.findings.count(kind)) predicted = mapToTruth(pred.findings.at(kind), truth, pred);
    DetectionCounts c;
    for (const LevelPoint& l : universe) {
      bool t = truthLevels.count(l.name) > 0, p = predicted.count(l.name) > 0;
      c.tp += t && p, c.fn += t && !p, c.fp += !t && p, c.tn += !t && !p;
    }
    s.findings[kind] = c;
  }
}

/// Greedy one-to-one matching, nearest pairs first.
ScrewCounts scoreScrews(const std::vector<PlacedScrew>& truth, const std::vector<PlacedScrew>& pred) {
  constexpr double kMatchMm = 15;
  auto mid = [](const PlacedScrew& s) { return scale(add(s.head, s.tip), 0.5); };
  std::vector<std::tuple<double, size_t, size_t>> pairs;
  for (size_t t = 0; t < truth.size(); ++t)
    for (size_t p = 0; p < pred.size(); ++p)
      if (double d = distance(mid(truth[t]), mid(pred[p])); d <= kMatchMm) pairs.emplace_back(d, t, p);
  std::sort(pairs.begin(), pairs.end());
  std::vector<bool> usedT(truth.size()), usedP(pred.size());
  ScrewCounts c;
  c.truth = unsigned(truth.size());
  for (const auto& [d, t, p] : pairs) {
    if (usedT[t] || usedP[p]) continue;
    usedT[t] = usedP[p] = true;
    ++c.found;
    c.levelRight += truth[t].level == pred[p].level;
    c.sideRight += truth[t].side == pred[p].side;
    bool tl = truth[t].loose, pl = pred[p].loose;
    c.loosening.tp += tl && pl, c.loosening.fn += tl && !pl, c.loosening.fp += !tl && pl, c.loosening.tn += !tl && !pl;
  }
  c.extra = unsigned(pred.size()) - c.found;
  return c;
}

}  // namespace

CaseScore scoreCase(const std::string& name, const LevelSet& truth, const LevelSet& pred) {
  CaseScore s;
  s.name = name;
  s.truthVertebrae = unsigned(truth.vertebrae.size());
  s.truthDiscs = unsigned(truth.discs.size());
  s.identified = identify(truth.vertebrae, pred.vertebrae, &s.localisationMm);
  s.discsIdentified = identify(truth.discs, pred.discs, nullptr);
  countMislabels(truth.vertebrae, pred.vertebrae, pred.numberingConfirmed, s);
  countMislabels(truth.discs, pred.discs, pred.numberingConfirmed, s);
  scoreDice(truth, pred, s);
  scoreFindings(truth, pred, s);
  s.screws = scoreScrews(truth.screws, pred.screws);
  s.allLevelsRight = s.truthVertebrae + s.truthDiscs > 0 && s.identified == s.truthVertebrae &&
                     s.discsIdentified == s.truthDiscs && s.mislabels == 0;
  return s;
}

namespace {

double mean(const std::vector<double>& v) { return v.empty() ? NAN : std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }

std::vector<double> values(const std::map<std::string, double>& m) {
  std::vector<double> out;
  for (const auto& [k, v] : m) out.push_back(v);
  return out;
}

json num(double v) { return std::isnan(v) ? json(nullptr) : json(v); }
json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json countsJson(const DetectionCounts& c) {
  return {{"tp", c.tp}, {"fp", c.fp}, {"fn", c.fn}, {"tn", c.tn}, {"sensitivity", opt(c.sensitivity())},
          {"specificity", opt(c.specificity())}};
}

json screwsJson(const ScrewCounts& c) {
  return {{"truth", c.truth}, {"found", c.found}, {"level_right", c.levelRight}, {"side_right", c.sideRight}, {"extra", c.extra},
          {"loosening", countsJson(c.loosening)}};
}

std::string screwsText(const ScrewCounts& c) {
  if (c.truth == 0 && c.extra == 0) return "-";
  std::string text = std::to_string(c.found) + "/" + std::to_string(c.levelRight) + "/" + std::to_string(c.sideRight) + " of " +
                     std::to_string(c.truth) + (c.extra ? " +" + std::to_string(c.extra) : "");
  if (c.loosening.tp + c.loosening.fn + c.loosening.fp)  // halos: found of true, false alarms
    text += " halo " + std::to_string(c.loosening.tp) + "/" + std::to_string(c.loosening.tp + c.loosening.fn) +
            (c.loosening.fp ? " fp" + std::to_string(c.loosening.fp) : "");
  return text;
}

json caseJson(const CaseScore& s) {
  json findings = json::object();
  for (const auto& [k, c] : s.findings) findings[k] = countsJson(c);
  return {{"name", s.name}, {"error", s.error.empty() ? json(nullptr) : json(s.error)}, {"seconds", s.seconds},
          {"truth_vertebrae", s.truthVertebrae}, {"identified", s.identified}, {"identification_rate", num(s.identificationRate())},
          {"truth_discs", s.truthDiscs}, {"discs_identified", s.discsIdentified},
          {"disc_identification_rate", num(s.discIdentificationRate())},
          {"mean_localisation_mm", num(mean(s.localisationMm))}, {"dice_vertebrae", s.diceVertebra},
          {"dice_discs", s.diceDisc}, {"mean_dice_vertebrae", num(mean(values(s.diceVertebra)))},
          {"mean_dice_discs", num(mean(values(s.diceDisc)))}, {"mislabels", s.mislabels},
          {"silent_mislabels", s.silentMislabels}, {"misplaced_levels", s.misplaced}, {"silent_misplaced", s.silentMisplaced},
          {"spurious_levels", s.spurious}, {"all_levels_right", s.allLevelsRight},
          {"findings", findings}, {"screws", screwsJson(s.screws)}};
}

/// Pooled over a suite: vertebra-level rates over all vertebrae, counts summed.
struct Totals {
  unsigned vertebrae = 0, identified = 0, discs = 0, discsIdentified = 0, right = 0, mislabels = 0, silent = 0, misplaced = 0,
           silentMisplaced = 0;
  std::vector<double> loc, diceV, diceD;
  std::map<std::string, DetectionCounts> findings;
  ScrewCounts screws;
  double seconds = 0;
};

Totals totals(const std::vector<CaseScore>& cases) {
  Totals t;
  for (const CaseScore& s : cases) {
    t.vertebrae += s.truthVertebrae, t.identified += s.identified, t.right += s.allLevelsRight;
    t.discs += s.truthDiscs, t.discsIdentified += s.discsIdentified;
    t.mislabels += s.mislabels, t.silent += s.silentMislabels, t.seconds += s.seconds;
    t.misplaced += s.misplaced, t.silentMisplaced += s.silentMisplaced;
    t.loc.insert(t.loc.end(), s.localisationMm.begin(), s.localisationMm.end());
    for (double d : values(s.diceVertebra)) t.diceV.push_back(d);
    for (double d : values(s.diceDisc)) t.diceD.push_back(d);
    for (const auto& [k, c] : s.findings) t.findings[k] += c;
    t.screws += s.screws;
  }
  return t;
}

}  // namespace

json suiteJson(const std::vector<CaseScore>& cases) {
  Totals t = totals(cases);
  json list = json::array(), f = json::object();
  for (const CaseScore& s : cases) list.push_back(caseJson(s));
  for (const auto& [k, c] : t.findings) f[k] = countsJson(c);
  return {{"schema", "spinereview.evaluation"}, {"schema_version", "1.0.0"}, {"cases", list},
          {"overall", {{"cases", cases.size()}, {"truth_vertebrae", t.vertebrae}, {"identified", t.identified},
                       {"identification_rate", num(t.vertebrae ? double(t.identified) / t.vertebrae : NAN)},
                       {"truth_discs", t.discs}, {"discs_identified", t.discsIdentified},
                       {"disc_identification_rate", num(t.discs ? double(t.discsIdentified) / t.discs : NAN)},
                       {"mean_localisation_mm", num(mean(t.loc))}, {"mean_dice_vertebrae", num(mean(t.diceV))},
                       {"mean_dice_discs", num(mean(t.diceD))},
                       {"share_all_levels_right", cases.empty() ? 0.0 : double(t.right) / cases.size()},
                       {"mislabels", t.mislabels}, {"silent_mislabels", t.silent}, {"misplaced_levels", t.misplaced},
                       {"silent_misplaced", t.silentMisplaced}, {"findings", f},
                       {"screws", screwsJson(t.screws)}}}};
}

namespace {

std::string fmt(const char* f, double v) {
  if (std::isnan(v)) return "-";
  char b[32];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string sensSpec(const std::map<std::string, DetectionCounts>& m, const std::string& kind) {
  auto it = m.find(kind);
  if (it == m.end()) return "n/a";
  auto s = it->second.sensitivity(), p = it->second.specificity();
  return fmt("%.2f", s ? *s : NAN) + "/" + fmt("%.2f", p ? *p : NAN);
}

}  // namespace

std::string suiteTable(const std::vector<CaseScore>& cases) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-28s %4s %6s %4s %6s %7s %6s %6s %5s %9s %9s %11s %11s %11s %11s %11s %24s %7s  %s\n",
                "case", "vert", "id%", "disc", "id%", "loc mm", "diceV", "diceD", "right", "mislabel", "misplaced", "herniation", "stenosis",
                "hardware", "fusion", "laminectomy", "screws f/l/s", "time s", "status");
  out += line;
  auto row = [&](const std::string& name, unsigned n, double id, unsigned nd, double idd, double loc, double dv, double dd,
                 const std::string& right, unsigned mis, unsigned silent, unsigned away, unsigned silentAway,
                 const std::map<std::string, DetectionCounts>& f,
                 const ScrewCounts& screws, double sec, const std::string& status) {
    std::snprintf(line, sizeof line, "%-28s %4u %6s %4u %6s %7s %6s %6s %5s %4u (%2u) %4u (%2u) %11s %11s %11s %11s %11s %24s %7s  %s\n",
                  name.substr(0, 28).c_str(), n, fmt("%.1f", id * 100).c_str(), nd, fmt("%.1f", idd * 100).c_str(),
                  fmt("%.2f", loc).c_str(), fmt("%.3f", dv).c_str(), fmt("%.3f", dd).c_str(),
                  right.c_str(), mis, silent, away, silentAway, sensSpec(f, "herniation").c_str(), sensSpec(f, "canal-stenosis").c_str(),
                  sensSpec(f, "hardware").c_str(), sensSpec(f, "fusion-bridged").c_str(), sensSpec(f, "laminectomy").c_str(),
                  screwsText(screws).c_str(), fmt("%.1f", sec).c_str(), status.c_str());
    out += line;
  };
  for (const CaseScore& s : cases)
    row(s.name, s.truthVertebrae, s.identificationRate(), s.truthDiscs, s.discIdentificationRate(), mean(s.localisationMm),
        mean(values(s.diceVertebra)),
        mean(values(s.diceDisc)), s.allLevelsRight ? "yes" : "no", s.mislabels, s.silentMislabels, s.misplaced, s.silentMisplaced,
        s.findings, s.screws, s.seconds,
        s.error.empty() ? "ok" : s.error.substr(0, 60));
  Totals t = totals(cases);
  std::string share = std::to_string(t.right) + "/" + std::to_string(cases.size());
  row("OVERALL", t.vertebrae, t.vertebrae ? double(t.identified) / t.vertebrae : NAN, t.discs,
      t.discs ? double(t.discsIdentified) / t.discs : NAN, mean(t.loc), mean(t.diceV), mean(t.diceD), share, t.mislabels, t.silent,
      t.misplaced, t.silentMisplaced, t.findings, t.screws, t.seconds, "");
  return out;
}

}  // namespace spine
