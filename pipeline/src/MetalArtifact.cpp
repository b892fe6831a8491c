#include "spine/MetalArtifact.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace spine {

namespace {

/// Ram-Lak (ramp) filter of one projection, spatial form (Kak & Slaney, ch. 3): h(0) = 1/4,
/// h(odd n) = -1/(pi n)^2, h(even n) = 0, in units of the bin width.
std::vector<double> rampFilter(const std::vector<double>& p) {
  const int n = int(p.size());
  std::vector<double> h(n);
  for (int k = 0; k < n; ++k) h[k] = k == 0 ? 0.25 : (k % 2 ? -1.0 / (M_PI * M_PI * k * k) : 0.0);
  std::vector<double> out(n, 0.0);
  for (int i = 0; i < n; ++i) {
    if (p[i] == 0) continue;
    for (int j = 0; j < n; ++j) out[j] += p[i] * h[std::abs(i - j)];
  }
  return out;
}

/// The detector geometry shared by every angle: image size and pixel, bin width, centre, bin count.
struct ProjectionGrid {
  unsigned nx, ny;
  double dx, dy, bin, cx, cy, half;
  int bins;
};

/// Adds the filtered projection `q` at direction (c, s), one of `angles` over 180 degrees, to every pixel of `out`.
/// The hot loop of the streak model: the column term is computed once per angle, the positions
/// of one row in a loop that vectorises, and the bin is the truncation of a non-negative t (what
/// floor gives there, without a libm call per pixel). Bit for bit what the plain loop gives.
void backProject(const std::vector<double>& q, double c, double s, const ProjectionGrid& g, unsigned angles,
                 std::vector<float>& out) {
  std::vector<double> xc(g.nx), tRow(g.nx);
  for (unsigned i = 0; i < g.nx; ++i) xc[i] = (i * g.dx - g.cx) * c;
  for (unsigned j = 0; j < g.ny; ++j) {
    const double ys = (j * g.dy - g.cy) * s;
    for (unsigned i = 0; i < g.nx; ++i) tRow[i] = (xc[i] + ys) / g.bin + g.half;
    float* row = out.data() + size_t(j) * g.nx;
    for (unsigned i = 0; i < g.nx; ++i) {
      const double t = tRow[i];
      if (t < 0) continue;
      const int t0 = int(t);
      const double f = t - t0;
      if (t0 + 1 < g.bins) row[i] += float((q[t0] * (1 - f) + q[t0 + 1] * f) * M_PI / angles);
    }
  }
}

}  // namespace

std::vector<float> metalStreaks(const std::vector<float>& metal, unsigned nx, unsigned ny, double dx, double dy,
                                const MetalArtifactParams& params) {
  std::vector<float> out(metal.size(), 0.0f);
  std::vector<size_t> metalPixels;
  for (size_t i = 0; i < metal.size(); ++i)
    if (metal[i] > 0) metalPixels.push_back(i);
  if (metalPixels.empty()) return out;
  const double bin = std::min(dx, dy);
  const double cx = (nx - 1) * dx / 2, cy = (ny - 1) * dy / 2;
  const int bins = int(std::ceil(std::hypot(nx * dx, ny * dy) / bin)) + 3;
  const double half = bins / 2.0;
  std::mt19937 rng(params.seed);
  std::normal_distribution<double> gauss(0, 1);
  const ProjectionGrid grid{nx, ny, dx, dy, bin, cx, cy, half, bins};
  for (unsigned a = 0; a < params.angles; ++a) {
    const double th = M_PI * a / params.angles, c = std::cos(th), s = std::sin(th);
    std::vector<double> path(bins, 0.0);  // metal path length (mm) per detector bin
    for (size_t idx : metalPixels) {
      double x = (idx % nx) * dx - cx, y = (idx / nx) * dy - cy;
      double t = (x * c + y * s) / bin + half;
      int t0 = int(std::floor(t));
      double f = t - t0;
      double len = metal[idx] * dx * dy / bin;  // area / bin width = path length through this pixel
      if (t0 >= 0 && t0 + 1 < bins) path[t0] += len * (1 - f), path[t0 + 1] += len * f;
    }
    std::vector<double> err(bins, 0.0);
    for (int b = 0; b < bins; ++b)
      if (path[b] > 0) {
        double p = path[b] / (1 + path[b] / params.saturationMm);  // the spectrum hardens less once it is hard
        err[b] = -params.hardeningHu * p * p + params.starvationHu * p * gauss(rng);
      }
    // Detector blur: errors spread over neighbouring bins, so streaks are not single-ray thin.
    std::vector<double> smooth(bins, 0.0);
    for (int b = 1; b + 1 < bins; ++b) smooth[b] = 0.25 * err[b - 1] + 0.5 * err[b] + 0.25 * err[b + 1];
    std::vector<double> q = rampFilter(smooth);
    backProject(q, c, s, grid, params.angles, out);
  }
  return out;
}

}  // namespace spine
