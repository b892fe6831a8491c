#include <algorithm>
#include <cmath>
#include <cstdio>

#include "spine/Series.h"

namespace spine {
namespace {

std::string mm(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g mm", v);
  return buf;
}

void markUnusable(Series& s, const std::string& why) {
  s.usable = false;
  s.unusableReason = why;
}

/// Direction cosines must be unit length and orthogonal (PS3.3 C.7.6.2.1.1).
bool setDirections(Series& s) {
  const DicomFrame& f = s.first();
  SeriesGeometry& g = s.geometry;
  g.rowDir = {f.orientation[0], f.orientation[1], f.orientation[2]};
  g.colDir = {f.orientation[3], f.orientation[4], f.orientation[5]};
  if (std::fabs(norm(g.rowDir) - 1) > 0.01 || std::fabs(norm(g.colDir) - 1) > 0.01 ||
      std::fabs(dot(g.rowDir, g.colDir)) > 0.01) {
    markUnusable(s, "Image Orientation (Patient) (0020,0037) is not two orthogonal unit vectors");
    return false;
  }
  g.normal = cross(g.rowDir, g.colDir);
  double n = norm(g.normal);
  for (double& v : g.normal) v /= n;
  return true;
}

/// Sorts along the normal and removes frames at the same position. Returns false when the series
/// repeats positions so often that it is not one volume (multi-echo, dynamic, diffusion).
bool sortAndDeduplicate(Series& s) {
  const Vec3 n = s.geometry.normal;
  std::stable_sort(s.frames.begin(), s.frames.end(), [&](const DicomFrame& a, const DicomFrame& b) {
    return dot(a.position, n) < dot(b.position, n);
  });
  std::vector<DicomFrame> kept;
  unsigned sameInstance = 0, samePosition = 0;
  for (DicomFrame& f : s.frames) {
    if (!kept.empty() && std::fabs(dot(f.position, n) - dot(kept.back().position, n)) < 0.01) {
      bool sameSop = !f.sopInstanceUid.empty() && f.sopInstanceUid == kept.back().sopInstanceUid &&
                     f.frameIndex == kept.back().frameIndex;
      (sameSop ? sameInstance : samePosition)++;
      continue;
    }
    kept.push_back(std::move(f));
  }
  s.frames = std::move(kept);
  s.geometry.duplicatesRemoved = sameInstance + samePosition;
  if (sameInstance)
    s.warnings.push_back(std::to_string(sameInstance) + " frame(s) appear twice in the input (same SOP Instance UID); each used once");
  if (samePosition && samePosition >= s.frames.size()) {
    markUnusable(s, "frames repeat the same positions (" + std::to_string(samePosition) +
                        " duplicates): a multi-echo, dynamic or diffusion series, not one volume");
    return false;
  }
  if (samePosition)
    s.warnings.push_back("duplicate positions: " + std::to_string(samePosition) +
                         " frame(s) lie at the position of another and were dropped (kept the first); check for a repeated acquisition");
  return true;
}

double medianStep(const std::vector<double>& pos) {
  std::vector<double> steps;
  for (size_t i = 1; i < pos.size(); ++i) steps.push_back(pos[i] - pos[i - 1]);
  std::nth_element(steps.begin(), steps.begin() + steps.size() / 2, steps.end());
  return steps[steps.size() / 2];
}

/// Spacing from positions (never Slice Thickness (0018,0050)); finds gaps and uneven steps.
bool analyseSpacing(Series& s) {
  SeriesGeometry& g = s.geometry;
  g.framePositions.clear();
  for (const DicomFrame& f : s.frames) g.framePositions.push_back(dot(f.position, g.normal));
  const std::vector<double>& pos = g.framePositions;
  if (pos.size() == 1) {
    const DicomFrame& f = s.first();
    g.spacing[2] = f.sliceThickness > 0 ? f.sliceThickness : 1.0;
    g.size[2] = 1;
    s.warnings.push_back("single slice: no volume along the normal; slice thickness " + mm(g.spacing[2]) + " used as depth");
    return true;
  }
  double step = medianStep(pos);
  if (step < 1e-3) {
    markUnusable(s, "slice positions do not advance along the normal");
    return false;
  }
  double extent = pos.back() - pos.front();
  if (extent / step > 20000) {
    markUnusable(s, "slice positions span " + mm(extent) + " at " + mm(step) + " steps: implausible");
    return false;
  }
  for (size_t i = 1; i < pos.size(); ++i) {
    double ratio = (pos[i] - pos[i - 1]) / step;
    double whole = std::round(ratio);
    if (std::fabs(ratio - whole) > 0.1 || whole < 1) g.unevenSpacing = true;
    else if (whole >= 2) g.missingSlices += unsigned(whole) - 1;
  }
  g.spacing[2] = step;
  g.size[2] = unsigned(std::lround(extent / step)) + 1;
  if (g.missingSlices)
    s.warnings.push_back("missing slices: " + std::to_string(g.missingSlices) + " slice(s) absent from a regular " + mm(step) +
                         " stack; the gap is filled by linear interpolation and must not be measured");
  if (g.unevenSpacing)
    s.warnings.push_back("uneven slice spacing (median " + mm(step) + "): resampled to " + mm(step) + " by linear interpolation");
  return true;
}

/// Gantry tilt: slices stacked along a direction that is not their normal. The output grid follows
/// the normal and each frame is shifted in-plane onto it (see VolumeAssembler).
void analyseTilt(Series& s) {
  SeriesGeometry& g = s.geometry;
  const Vec3& p0 = s.first().position;
  double maxShift = 0;
  g.frameShift.clear();
  for (const DicomFrame& f : s.frames) {
    Vec3 d = sub(f.position, p0);
    double along = dot(d, g.normal);
    Vec3 inPlane{d[0] - along * g.normal[0], d[1] - along * g.normal[1], d[2] - along * g.normal[2]};
    std::array<double, 2> shift{dot(inPlane, g.rowDir) / g.spacing[0], dot(inPlane, g.colDir) / g.spacing[1]};
    maxShift = std::max({maxShift, std::fabs(shift[0]), std::fabs(shift[1])});
    g.frameShift.push_back(shift);
  }
  Vec3 stack = sub(s.frames.back().position, p0);
  if (s.frames.size() > 1 && norm(stack) > 0)
    g.tiltDeg = std::acos(std::min(1.0, std::fabs(dot(stack, g.normal)) / norm(stack))) * 180.0 / M_PI;
  if (maxShift > 0.05) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "gantry tilt: slices stacked %.1f degrees off their normal (Gantry/Detector Tilt (0018,1120) says %.1f); resampled onto an orthogonal grid", g.tiltDeg, s.first().gantryTiltDeg);
    s.warnings.push_back(buf);
  } else {
    g.tiltDeg = 0;
  }
  g.needsResampling = g.missingSlices || g.unevenSpacing || maxShift > 0.05;
}

}  // namespace

void computeSeriesGeometry(Series& s) {
  if (!s.first().hasOrientation || !s.first().hasPosition) {
    markUnusable(s, "no Image Position/Orientation (Patient) (0020,0032)/(0020,0037): the volume cannot be placed in the patient");
    return;
  }
  for (const DicomFrame& other : s.frames)
    if (!other.hasPosition) {
      markUnusable(s, "a frame lacks Image Position (Patient) (0020,0032): " + other.file);
      return;
    }
  if (s.first().samplesPerPixel != 1) {
    markUnusable(s, "colour image (Samples per Pixel (0028,0002) = " + std::to_string(s.first().samplesPerPixel) + "), not a CT or MR volume");
    return;
  }
  if (!setDirections(s) || !sortAndDeduplicate(s)) return;
  const DicomFrame& f = s.first();  // taken after sorting: sortAndDeduplicate replaces the frame vector
  SeriesGeometry& g = s.geometry;
  g.spacing[0] = f.pixelSpacing[1];  // Pixel Spacing (0028,0030) is row spacing \ column spacing
  g.spacing[1] = f.pixelSpacing[0];
  g.size[0] = f.columns;
  g.size[1] = f.rows;
  if (!f.hasPixelSpacing) s.warnings.push_back("no Pixel Spacing (0028,0030): 1 mm assumed; measurements are not in true millimetres");
  if (g.spacing[0] <= 0 || g.spacing[1] <= 0) {
    markUnusable(s, "Pixel Spacing (0028,0030) is not positive");
    return;
  }
  if (std::fabs(g.spacing[0] - g.spacing[1]) > 1e-3 * std::max(g.spacing[0], g.spacing[1]))
    s.warnings.push_back("non-square pixels " + mm(g.spacing[1]) + " (rows) x " + mm(g.spacing[0]) + " (columns): kept as acquired");
  if (!analyseSpacing(s)) return;
  g.origin = f.position;
  analyseTilt(s);
}

}  // namespace spine
