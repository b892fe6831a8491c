#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "spine/Study.h"

namespace spine {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}


std::string describe(const Series& s) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "%s (%s %s, %zu frames, %.2f mm spacing%s)", s.key.c_str(), s.modality.c_str(),
                s.orientationLabel.c_str(), s.frames.size(), s.geometry.spacing[2], s.complete() ? "" : ", incomplete");
  return buf;
}

bool isSagittal(const Series& s) { return s.orientationLabel.rfind("sagittal", 0) == 0; }

/// Higher is better. Tuples compare left to right, so the first element is the strongest rule.
using Score = std::tuple<int, int, int, int, double, size_t>;

Score score(const Series& s) {
  bool ct = s.modality == "CT";
  double thinness = -s.geometry.spacing[2];
  if (ct) return {1, s.complete(), 0, 0, thinness, s.frames.size()};
  return {0, isSagittal(s), int(mrWeighting(s.first())), s.complete(), thinness, s.frames.size()};
}

std::string whyUnfit(const Series& s) {
  if (!s.usable) return s.unusableReason;
  if (s.isLocalizer) return "localiser/scout (Image Type (0008,0008))";
  if (s.modality != "CT" && s.modality != "MR") return "modality '" + s.modality + "' is not CT or MR";
  return {};
}

}  // namespace

MrWeighting mrWeighting(const DicomFrame& f) {
  std::string names = upper(f.seriesDescription + " " + f.protocolName + " " + f.sequenceName);
  if (names.find("T2") != std::string::npos) return MrWeighting::T2;
  if (names.find("T1") != std::string::npos) return MrWeighting::T1;
  if (f.echoTimeMs >= 60 && f.repetitionTimeMs >= 1500) return MrWeighting::T2;  // long TE, long TR
  if (f.echoTimeMs <= 30 && f.repetitionTimeMs <= 1000) return MrWeighting::T1;  // short TE, short TR
  return MrWeighting::Unknown;
}

void chooseSeries(Study& study) {
  study.chosen = -1;
  study.notChosenWhy.assign(study.series.size(), "");
  for (size_t i = 0; i < study.series.size(); ++i) {
    std::string unfit = whyUnfit(study.series[i]);
    if (!unfit.empty()) {
      study.notChosenWhy[i] = unfit;
      continue;
    }
    if (study.chosen < 0 || score(study.series[i]) > score(study.chosenSeries())) study.chosen = int(i);
  }
  if (study.chosen < 0) return;
  const Series& c = study.chosenSeries();
  if (c.modality == "CT")
    study.chosenWhy = describe(c) + ": CT rule: complete volumes first, then the thinnest slice spacing, then the most frames";
  else
    study.chosenWhy = describe(c) + ", " + toString(mrWeighting(c.first())) +
                      ": MR rule: sagittal first, then T2 over T1, then complete, thinnest, most frames";
  for (size_t i = 0; i < study.series.size(); ++i)
    if (int(i) != study.chosen && study.notChosenWhy[i].empty())
      study.notChosenWhy[i] = "ranked below " + c.key + " by the same rule: " + describe(study.series[i]);
}

}  // namespace spine
