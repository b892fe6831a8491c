#include "spine/Numbering.h"

#include <algorithm>
#include <cmath>

namespace spine {

namespace {

constexpr double kTallestVertebraMm = 60;  ///< a vertebra and its disc, disc centre to disc centre, at most
constexpr double kLongestSacrumMm = 150;   ///< sacrum and coccyx along the column (100-125 mm on the phantoms and
                                           ///< the real CT, a fused L5 included)

std::string ordinalName(int position) {  // 1 = C1 ... 7 = C7, 8 = T1 ... 19 = T12, 20 = L1 ... 25 = L6
  if (position <= 7) return "C" + std::to_string(position);
  if (position <= 19) return "T" + std::to_string(position - 7);
  if (position <= 25) return "L" + std::to_string(position - 19);
  return "";  // beyond any anatomy the label convention knows: left unnamed
}

/// Names from the sacrum upwards: `lumbar` lumbar vertebrae directly above it (L1..Ln), then
/// thoracic T12, T11, ... (T13 first when `t13`), then cervical.
void nameUpFromSacrum(NumberingVerdict& v, int sacrum, int lumbar, bool t13, bool s1Free) {
  int i = sacrum;
  v.vertebraNames[size_t(i)] = "sacrum";
  if (s1Free && i > 0) v.vertebraNames[size_t(--i)] = "S1";
  for (int l = lumbar; l >= 1 && i > 0; --l) v.vertebraNames[size_t(--i)] = "L" + std::to_string(l);
  if (t13 && i > 0) v.vertebraNames[size_t(--i)] = "T13";
  for (int t = 12; t >= 1 && i > 0; --t) v.vertebraNames[size_t(--i)] = "T" + std::to_string(t);
  for (int c = 7; c >= 1 && i > 0; --c) v.vertebraNames[size_t(--i)] = "C" + std::to_string(c);
}

bool lastDiscThin(const NumberingEvidence& e, int sacrum) {
  if (sacrum < 1 || size_t(sacrum - 1) >= e.discHeightsMm.size()) return false;
  std::vector<double> others(e.discHeightsMm.begin(), e.discHeightsMm.begin() + (sacrum - 1));
  if (others.size() > 4) others.erase(others.begin(), others.end() - 4);  // the lumbar discs above it
  double ref = 10;
  if (!others.empty()) {
    std::nth_element(others.begin(), others.begin() + others.size() / 2, others.end());
    ref = others[others.size() / 2];
  }
  return e.discHeightsMm[size_t(sacrum - 1)] < 0.5 * ref;
}

/// Index of the first rib-bearing vertebra (T1 normally), -1 when none.
int firstRibBearing(const NumberingEvidence& e) {
  for (size_t i = 0; i < e.vertebrae.size(); ++i)
    if (e.vertebrae[i].ribs) return int(i);
  return -1;
}

/// Ordinal position of the top segment: 1 when C1 was segmented alone, 2 when C1 and C2 are one.
/// Seven cervical vertebrae are all but universal, so the segments above the first rib-bearing one
/// decide (7: C1 alone; 6: merged); without ribs in view, the top segment's height does.
int topPosition(const NumberingEvidence& e) {
  const int firstRib = firstRibBearing(e);
  if (firstRib == 7) return 1;
  if (firstRib == 6) return 2;
  return e.topHeightMm > 0 && e.topHeightMm < 18 ? 1 : 2;
}

void fromSacrum(NumberingVerdict& v, int sacrum, int lastRib, bool thin) {
  v.anchors = {"sacrum"};
  if (lastRib < 0) {
    nameUpFromSacrum(v, sacrum, 5, false, false);
    v.status = "provisional";
    v.confidence = 0.5;
    v.summary = "Named upwards from the sacrum assuming 5 lumbar vertebrae: no rib-bearing vertebra is in view, so the "
                "lumbar count cannot be checked.";
    if (thin) v.anomaly = "rudimentary last disc: lumbosacral transitional vertebra";
    return;
  }
  v.anchors.push_back("last rib-bearing vertebra");
  const int lumbar = v.lumbarType;
  v.confidence = 0.6;
  if (lumbar == 5 && !thin) {
    nameUpFromSacrum(v, sacrum, 5, false, false);
    v.status = "consistent";
    v.confidence = 0.8;
    v.summary = "The sacrum and the last rib-bearing vertebra agree on 5 lumbar vertebrae; the rib pairs could not be "
                "counted from T1, so thoracic names assume 12.";
    return;
  }
  v.status = "uncertain";
  if (lumbar == 6 && thin) {
    nameUpFromSacrum(v, sacrum, 5, false, true);
    v.anomaly = "6 lumbar-type vertebrae with a rudimentary last disc: lumbarised S1";
    v.candidates = {"L6 (six lumbar vertebrae) instead of a lumbarised S1"};
  } else if (lumbar == 6) {
    nameUpFromSacrum(v, sacrum, 6, false, false);
    v.anomaly = "6 lumbar-type vertebrae";
    v.candidates = {"L1-L6 with 12 rib pairs (shown)", "T12 without ribs (11 rib pairs) and L1-L5"};
  } else if (lumbar == 5 && thin) {
    nameUpFromSacrum(v, sacrum, 5, false, false);
    v.anomaly = "rudimentary L5-S1 disc: L5 partly sacralised (lumbosacral transitional vertebra)";
    v.candidates = {"lumbarised S1 with 4 lumbar vertebrae above it"};
  } else if (lumbar == 4) {
    nameUpFromSacrum(v, sacrum, 4, false, false);
    v.anomaly = "4 lumbar-type vertebrae";
    v.candidates = {"L1-L4 with 12 rib pairs (shown)", "5 lumbar vertebrae with ribs on L1 (13 rib-bearing)",
                    "L5 fused into the sacrum (sacralised)"};
  } else if (lumbar > 6) {
    // No anatomy has 7 lumbar vertebrae: a vertebra was split in two (or a rib missed). Naming
    // from either anchor would put a wrong name on some level, so only the sacrum is named.
    v.vertebraNames[size_t(sacrum)] = "sacrum";
    v.anomaly = std::to_string(lumbar) + " lumbar-type vertebrae, more than any known anatomy: a vertebra is probably "
                "counted twice; no level above the sacrum is named";
  } else {
    nameUpFromSacrum(v, sacrum, std::max(0, lumbar), false, false);
    v.anomaly = std::to_string(lumbar) + " lumbar-type vertebrae";
  }
  v.summary = "The anchors disagree with a normal count: " + v.anomaly + ".";
}

/// The neck holds 7 vertebrae in all but a handful of people, so a count from C2 that does not
/// find 7 above the first rib pair has missed (or split) cervical discs, and every name below would
/// move with it. The sacrum and the last rib pair still anchor the thoracolumbar names; the
/// cervical segments are left unnamed.
void fromSacrumBelowTheNeck(NumberingVerdict& v, int sacrum, int firstRib, int lastRib, int cervical, bool thin) {
  fromSacrum(v, sacrum, lastRib, thin);
  for (int i = 0; i < firstRib; ++i) v.vertebraNames[size_t(i)] = "";
  const std::string neck = std::to_string(cervical) + " cervical vertebrae found above the first rib pair where 7 are "
                           "expected: cervical discs were missed or a vertebra split, so the count from C2 is not used "
                           "and the cervical levels are not named";
  v.anchors.insert(v.anchors.begin() + 1, std::to_string(v.ribPairs) + " rib pairs counted");
  v.anomaly = v.anomaly.empty() ? neck : v.anomaly + "; " + neck;
  if (v.status == "consistent") {
    v.summary = "The sacrum and the last rib-bearing vertebra agree on 5 lumbar vertebrae, with " +
                std::to_string(v.ribPairs) + " rib pairs above them; " + neck + ".";
    if (v.ribPairs != 12) v.status = "uncertain", v.confidence = 0.6;
  } else {
    v.summary += " Also: " + neck + ".";
  }
}

void fromC2AndSacrum(NumberingVerdict& v, const NumberingEvidence& e, int sacrum, int lastRib, bool thin) {
  const int top = topPosition(e), firstRib = firstRibBearing(e);
  if (firstRib >= 0 && firstRib + top - 1 != 7) {
    fromSacrumBelowTheNeck(v, sacrum, firstRib, lastRib, firstRib + top - 1, thin);
    return;
  }
  const int presacral = sacrum + top - 1;
  const int r = v.ribPairs, lumbar = v.lumbarType;
  v.anchors = {"C2 (column ends below the skull base; counted downwards)", "sacrum", std::to_string(r) + " rib pairs counted"};
  if (presacral == 24 && r == 12 && lumbar == 5 && !thin) {
    v.status = "confirmed";
    v.confidence = 0.95;
    for (int i = 0; i < sacrum; ++i) v.vertebraNames[size_t(i)] = ordinalName(i + top);
    v.vertebraNames[size_t(sacrum)] = "sacrum";
    v.summary = "Counted from C2 to the sacrum: 7 cervical, 12 rib-bearing thoracic, 5 lumbar vertebrae; all anchors agree.";
    return;
  }
  v.status = "uncertain";
  v.confidence = 0.6;
  if (presacral == 25 && r == 13) {
    nameUpFromSacrum(v, sacrum, 5, true, false);
    v.anomaly = "13 rib pairs: a rib-bearing T13 (25 presacral vertebrae)";
  } else if (presacral == 25) {
    nameUpFromSacrum(v, sacrum, thin ? 5 : 6, false, thin);
    v.anomaly = thin ? "lumbarised S1: a free first sacral segment above a rudimentary disc (25 presacral)"
                     : "6 lumbar-type vertebrae (L6; 25 presacral)";
  } else {
    for (int i = 0; i < sacrum; ++i) v.vertebraNames[size_t(i)] = ordinalName(i + top);
    v.vertebraNames[size_t(sacrum)] = "sacrum";
    v.anomaly = std::to_string(presacral) + " presacral vertebrae, " + std::to_string(r) + " rib pairs, " + std::to_string(lumbar) +
                " lumbar-type" + (thin ? ", rudimentary last disc (transitional vertebra)" : "");
  }
  v.summary = "Counted from C2 to the sacrum with an anomaly: " + v.anomaly + ".";
}

void fromC2Only(NumberingVerdict& v, const NumberingEvidence& e) {
  const int top = topPosition(e), firstRib = firstRibBearing(e);
  v.status = "provisional";
  v.confidence = 0.7;
  if (firstRib >= 0 && firstRib + top - 1 != 7) {  // see fromSacrumBelowTheNeck: the first rib pair is T1's
    v.anchors = {"first rib-bearing vertebra (T1)"};
    for (size_t i = size_t(firstRib); i < e.vertebrae.size(); ++i) v.vertebraNames[i] = ordinalName(int(i) - firstRib + 8);
    v.anomaly = std::to_string(firstRib + top - 1) + " cervical vertebrae found above the first rib pair where 7 are "
                "expected: the cervical levels are not named";
    v.summary = "Counted downwards from the first rib-bearing vertebra as T1 (" + v.anomaly + "); no sacrum in view to "
                "check the count against.";
    return;
  }
  v.anchors = {"C2 (column ends below the skull base; counted downwards)"};
  for (size_t i = 0; i < e.vertebrae.size(); ++i) v.vertebraNames[i] = ordinalName(int(i) + top);
  v.summary = "Counted downwards from C2; no sacrum in view to check the count against.";
}

/// The whole segment nearest the anchor counted from (the sacrum, else the top) that is taller than
/// any vertebra with its disc (lumbar disc-to-disc spacing is 30-45 mm): a disc in it was missed, so
/// every count across it is one short. -1 when none.
int tallSegment(const NumberingEvidence& e, bool fromSacrum) {
  const int n = int(e.vertebrae.size());
  for (int k = 0; k < n; ++k) {
    const int i = fromSacrum ? n - 1 - k : k;
    const VertebraEvidence& s = e.vertebrae[size_t(i)];
    if (!s.sacrum && !s.cutTop && !s.cutBottom && s.heightMm > kTallestVertebraMm) return i;
  }
  return -1;
}

/// Names only what lies between the anchor and the tall segment t, counted from that anchor (from
/// the sacrum assuming 5 lumbar vertebrae below t, as with no rib in view), and says why.
void nameUpToTallSegment(NumberingVerdict& v, const NumberingEvidence& e, int sacrum, int t) {
  const std::string height = std::to_string(int(std::lround(e.vertebrae[size_t(t)].heightMm)));
  if (sacrum >= 0) {
    NumberingVerdict fromBelow = v;
    nameUpFromSacrum(fromBelow, sacrum, 5, false, false);
    for (int i = 0; i < int(v.vertebraNames.size()); ++i) v.vertebraNames[size_t(i)] = i > t ? fromBelow.vertebraNames[size_t(i)] : "";
  } else {
    for (int i = t; i < int(v.vertebraNames.size()); ++i) v.vertebraNames[size_t(i)] = "";
  }
  const std::string missed = "a segment " + height + " mm long, taller than any vertebra: a disc in it was missed, so "
                             "every count across it is short by one";
  v.anomaly = v.anomaly.empty() ? missed : v.anomaly + "; " + missed;
  v.status = "uncertain";
  v.confidence = std::min(v.confidence, 0.4);
  v.candidates.clear();
  v.summary = "The column holds " + missed + ". Only the levels between it and the " +
              (sacrum >= 0 ? std::string("sacrum are named, counted up from the sacrum assuming 5 lumbar vertebrae.")
                           : std::string("top of the column are named, counted down from C2."));
}

/// The top segment ends at the field's edge, so a disc missed there moves no name below it; but
/// part of a vertebra is no taller than a whole one, so a top segment taller than any vertebra holds
/// several (an osteoporotic contrast CT's held T9-T12, 93 mm, and was named T12, its tag drawn at
/// T10). Its name is withheld and the summary says why; the disc below it keeps its name (the
/// count reaches it as it reaches the levels below). Below the skull base the top segment is C1
/// (with C2), counted as such.
void withholdTallTopSegment(NumberingVerdict& v, const NumberingEvidence& e) {
  if (e.vertebrae.empty() || e.skullAbove || v.vertebraNames.front().empty()) return;
  const VertebraEvidence& top = e.vertebrae.front();
  if (!top.cutTop || top.sacrum || top.heightMm <= kTallestVertebraMm) return;
  v.withheldTopName = v.vertebraNames.front();
  v.vertebraNames.front() = "";
  v.summary += " The top segment, " + std::to_string(int(std::lround(top.heightMm))) +
               " mm long, holds more than one vertebra whose discs were not found: it is not named.";
}

}  // namespace

NumberingVerdict numberLevels(const NumberingEvidence& e) {
  NumberingVerdict v;
  const int n = int(e.vertebrae.size());
  v.vertebraNames.assign(size_t(n), "");
  int sacrum = n > 0 && e.vertebrae.back().sacrum ? n - 1 : -1, lastRib = -1, ribs = 0;
  // A lowest segment longer than any sacrum holds lumbar vertebrae whose discs were missed: it is
  // not the sacrum, and nothing can be counted from it.
  const bool sacrumTooLong = sacrum >= 0 && e.vertebrae[size_t(sacrum)].heightMm > kLongestSacrumMm;
  if (sacrumTooLong) sacrum = -1;
  for (int i = 0; i < n; ++i)
    if (e.vertebrae[size_t(i)].ribs) lastRib = i, ++ribs;
  if (e.skullAbove) v.ribPairs = ribs;
  if (sacrum >= 0 && lastRib >= 0) v.lumbarType = sacrum - 1 - lastRib;
  const bool thin = lastDiscThin(e, sacrum);
  if (e.skullAbove && sacrum >= 0)
    fromC2AndSacrum(v, e, sacrum, lastRib, thin);
  else if (sacrum >= 0)
    fromSacrum(v, sacrum, lastRib, thin);
  else if (e.skullAbove)
    fromC2Only(v, e);
  const int tall = v.status.empty() ? -1 : tallSegment(e, sacrum >= 0);
  if (tall >= 0) nameUpToTallSegment(v, e, sacrum, tall);
  withholdTallTopSegment(v, e);
  if (v.status.empty()) {
    v.status = "not_identified";
    v.vertebraNames.assign(size_t(n), "");
    v.summary = n ? "Vertebrae were found but neither the sacrum nor C2 is in view: no level is named."
                  : "No vertebra was found: no level is named.";
  }
  if (sacrumTooLong) {
    const std::string why = "the lowest segment is " + std::to_string(int(std::lround(e.vertebrae.back().heightMm))) +
                            " mm long, longer than any sacrum: lumbar discs above the sacrum were missed, so it is not "
                            "used as the sacrum";
    v.anomaly = v.anomaly.empty() ? why : v.anomaly + "; " + why;
    v.summary = v.status == "not_identified" ? "No level is named: " + why + ", and C2 is not in view."
                                             : v.summary + " Also: " + why + ".";
  }
  v.reviewerMustConfirm =
      v.status == "confirmed"
          ? "Check the anchors shown (C2, the last rib pair, the sacrum) on the images before operating."
          : "Count the levels yourself from C2 or on a whole-spine localiser before choosing a surgical level; the names "
            "here are " + std::string(v.status == "not_identified" ? "absent" : "not verified") + ".";
  return v;
}

}  // namespace spine
