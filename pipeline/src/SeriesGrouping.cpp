#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "spine/Series.h"

namespace spine {
namespace {

std::string rounded(double v, double step) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", std::round(v / step));
  return buf;
}

/// What keeps two frames in different series even when their UIDs agree.
std::string geometryKey(const DicomFrame& f) {
  std::string key = std::to_string(f.rows) + "x" + std::to_string(f.columns) + "|" + f.photometric + "|" +
                    std::to_string(f.bitsAllocated) + "|";
  for (double v : f.orientation) key += rounded(v, 1e-3) + ",";
  key += "|" + rounded(f.pixelSpacing[0], 1e-3) + "," + rounded(f.pixelSpacing[1], 1e-3);
  return key;
}

std::string orientationLabel(const DicomFrame& f) {
  if (!f.hasOrientation) return "unknown";
  const auto& o = f.orientation;
  Vec3 n = cross({o[0], o[1], o[2]}, {o[3], o[4], o[5]});
  double ax = std::fabs(n[0]), ay = std::fabs(n[1]), az = std::fabs(n[2]);
  double len = norm(n);
  double top = std::max({ax, ay, az});
  const char* name = top == ax ? "sagittal" : top == ay ? "coronal" : "axial";
  // Within 30 degrees of a cardinal plane counts as that plane; beyond, oblique.
  return len > 0 && top / len >= std::cos(30.0 * M_PI / 180.0) ? name : std::string("oblique (nearest ") + name + ")";
}

bool mentionsLocalizer(const std::string& imageType) {
  return imageType.find("LOCALIZER") != std::string::npos || imageType.find("SCOUT") != std::string::npos;
}

/// Who a frame belongs to: study, series and modality; an empty Series UID falls back to the
/// Frame of Reference.
std::string identityKey(const DicomFrame& f) {
  return f.studyUid + "|" + f.seriesUid + "|" + f.modality + "|" + (f.seriesUid.empty() ? f.frameOfReferenceUid : std::string());
}

}  // namespace

std::vector<Series> groupIntoSeries(std::vector<DicomFrame> frames) {
  // Key: identity first, then geometry.
  std::map<std::string, Series> byKey;
  std::vector<std::string> order;
  std::map<std::string, std::set<std::string>> stacksPerUid;
  for (DicomFrame& f : frames) {
    std::string identity = identityKey(f);
    std::string key = identity + "|" + geometryKey(f);
    stacksPerUid[identity].insert(key);
    auto it = byKey.find(key);
    if (it == byKey.end()) {
      Series s;
      s.studyUid = f.studyUid;
      s.seriesUid = f.seriesUid;
      s.modality = f.modality;
      s.description = f.seriesDescription;
      s.seriesNumber = f.seriesNumber;
      s.orientationLabel = orientationLabel(f);
      it = byKey.emplace(key, std::move(s)).first;
      order.push_back(key);
    }
    it->second.isLocalizer = it->second.isLocalizer || mentionsLocalizer(f.imageType);
    it->second.frames.push_back(std::move(f));
  }

  std::vector<Series> out;
  for (const std::string& key : order) {
    Series s = std::move(byKey[key]);
    s.key = "series " + std::to_string(out.size() + 1);
    std::string identity = identityKey(s.first());
    if (s.seriesUid.empty())
      s.warnings.push_back("Series Instance UID (0020,000E) is empty: frames grouped by Frame of Reference, orientation and size");
    size_t stacks = stacksPerUid[identity].size();
    if (stacks > 1)
      s.warnings.push_back("its Series Instance UID also holds " + std::to_string(stacks - 1) +
                           " other stack(s) with a different orientation, size or pixel spacing (mixed orientations); analysed apart");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace spine
