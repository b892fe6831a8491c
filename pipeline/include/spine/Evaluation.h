#pragma once
// Accuracy scores of one analysis against its truth, and of a suite of cases.
// Identification follows VerSe (Sekuboyina et al., MedIA 2021): a vertebra is identified when the
// predicted centroid with its name is the nearest of all predicted centroids to the true one and
// lies within 20 mm. A mislabel is a predicted level whose nearest true level (within 20 mm) has
// another name; a misplaced level carries a true level's name but lies more than 20 mm from it (a
// right count on a wrong segment: the tag is drawn elsewhere). Either is silent when the report
// stated its numbering without a warning.
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spine/GroundTruth.h"

namespace spine {

struct DetectionCounts {
  unsigned tp = 0, fp = 0, fn = 0, tn = 0;
  std::optional<double> sensitivity() const { return tp + fn ? std::optional<double>(double(tp) / (tp + fn)) : std::nullopt; }
  std::optional<double> specificity() const { return tn + fp ? std::optional<double>(double(tn) / (tn + fp)) : std::nullopt; }
  DetectionCounts& operator+=(const DetectionCounts& o) {
    tp += o.tp, fp += o.fp, fn += o.fn, tn += o.tn;
    return *this;
  }
};

/// Pedicle screws: matched one to one by the midpoint of head and tip (within 15 mm).
struct ScrewCounts {
  unsigned truth = 0, found = 0, levelRight = 0, sideRight = 0, extra = 0;
  DetectionCounts loosening;  ///< over matched screws: a halo of 1.5 mm or more in truth vs loosening reported
  ScrewCounts& operator+=(const ScrewCounts& o) {
    truth += o.truth, found += o.found, levelRight += o.levelRight, sideRight += o.sideRight, extra += o.extra;
    loosening += o.loosening;
    return *this;
  }
};

struct CaseScore {
  std::string name;
  unsigned truthVertebrae = 0, identified = 0, truthDiscs = 0, discsIdentified = 0;
  std::vector<double> localisationMm;          ///< per true vertebra that has a same-name prediction
  std::map<std::string, double> diceVertebra;  ///< per true vertebra (0 when missing); needs both label maps
  std::map<std::string, double> diceDisc;
  unsigned mislabels = 0, silentMislabels = 0, spurious = 0, misplaced = 0, silentMisplaced = 0;
  std::map<std::string, DetectionCounts> findings;  ///< "herniation", "hardware": per level, where truth knows
  ScrewCounts screws;
  bool allLevelsRight = false;
  std::string error;  ///< analysis failed: its message (the case scores as all missed)
  double seconds = 0;

  /// NaN when the truth has no vertebrae (disc-only references).
  double identificationRate() const { return truthVertebrae ? double(identified) / truthVertebrae : std::nan(""); }
  double discIdentificationRate() const { return truthDiscs ? double(discsIdentified) / truthDiscs : std::nan(""); }
};

CaseScore scoreCase(const std::string& name, const LevelSet& truth, const LevelSet& prediction);

/// Pooled over cases: rates over all vertebrae, means over cases, summed counts.
nlohmann::json suiteJson(const std::vector<CaseScore>& cases);
/// The table a reviewer reads (one row per case, then the overall row).
std::string suiteTable(const std::vector<CaseScore>& cases);

}  // namespace spine
