#include "spine/PhantomRender.h"

#include <algorithm>
#include <cmath>
#include <random>

#include <itkLinearInterpolateImageFunction.h>

#include "PhantomParts.h"
#include "PhantomTissues.h"
#include "spine/Labels.h"
#include "spine/MetalArtifact.h"

namespace spine {

using phantom::look;
using phantom::TissueLook;

namespace {

constexpr double kDeg = M_PI / 180.0;

struct FovBox {
  double zLo, zHi;     ///< S-I range
  double xLo, xHi;     ///< spine L-R range (with margins)
  double yFront, yBack;  ///< body A-P range (torso)
  double halfWidth;    ///< widest torso half-width in range
  double spineFront, spineBack, spineX;
};

double vertebraTop(const VertebraModel& v) { return v.body.centre[2] + v.height / 2; }

FovBox fieldOfView(const Anatomy& a, const PhantomSpec& s) {
  std::string from = s.fovFrom, to = s.fovTo;
  const bool lumbar = s.fieldOfView == "lumbar";
  if (from.empty()) from = s.fieldOfView == "thoracolumbar" ? "T9" : lumbar ? (a.vertebra("T13") ? "T13" : "T12") : "C1";
  if (to.empty()) to = s.fieldOfView == "cervical" ? "T2" : "sacrum";
  const VertebraModel *top = a.vertebra(from), *bottom = a.vertebra(to);
  if (!top || !bottom) phantom::specError(s, "field of view level " + (top ? to : from) + " is not in this anatomy");
  FovBox f{};
  f.zHi = from == "C1" ? vertebraTop(*top) + 30 : lumbar && s.fovFrom.empty() ? top->body.centre[2] : vertebraTop(*top) + 4;
  f.zLo = to == "sacrum" ? bottom->body.centre[2] - 95 * s.sizeScale : bottom->body.centre[2] - bottom->height / 2 - 4;
  f.xLo = 1e9, f.xHi = -1e9, f.yFront = 1e9, f.yBack = -1e9, f.spineFront = 1e9, f.spineBack = -1e9;
  for (const VertebraModel& v : a.vertebrae) {
    if (v.body.centre[2] < f.zLo - 30 || v.body.centre[2] > f.zHi + 30) continue;
    f.xLo = std::min(f.xLo, v.body.centre[0] - v.width / 2 - 30), f.xHi = std::max(f.xHi, v.body.centre[0] + v.width / 2 + 30);
    f.spineFront = std::min(f.spineFront, v.body.centre[1] - v.depth / 2);
    f.spineBack = std::max(f.spineBack, v.body.centre[1] + v.canalOffset + v.canalDepth / 2 + 40);
  }
  f.spineX = (f.xLo + f.xHi) / 2;
  for (double z = f.zLo; z <= f.zHi; z += 5) {
    Vec3 t = a.torso.torsoSection(z);
    f.halfWidth = std::max(f.halfWidth, t[0]);
    f.yFront = std::min(f.yFront, t[2] - t[1]), f.yBack = std::max(f.yBack, t[2] + t[1]);
  }
  return f;
}

/// Row/column directions, grid centre and extents (row, column, slice) for an orientation.
struct Layout {
  Vec3 row, col, centre;
  double rowMm, colMm, sliceMm;
};

Layout layout(const FovBox& f, const PhantomSpec& s) {
  const bool mr = s.modality == "MR";
  const double zMid = (f.zLo + f.zHi) / 2, zLen = f.zHi - f.zLo;
  const std::string& o = s.acquisition.orientation;
  Layout l;
  if (o == "axial") {
    l.row = {1, 0, 0}, l.col = {0, 1, 0};
    double side = mr ? 220 : std::max(2 * f.halfWidth, f.yBack - f.yFront + 40) + 20;
    double yc = mr ? (f.spineFront + f.spineBack) / 2 : (f.yFront + f.yBack + 30) / 2;
    l.centre = {mr ? f.spineX : 0, yc, zMid};
    l.rowMm = l.colMm = side, l.sliceMm = zLen;
  } else if (o == "sagittal") {
    l.row = {0, 1, 0}, l.col = {0, 0, -1};
    double yLo = mr ? f.spineFront - 110 : f.yFront - 10, yHi = f.yBack + 25;
    l.centre = {f.spineX, (yLo + yHi) / 2, zMid};
    l.rowMm = yHi - yLo, l.colMm = zLen, l.sliceMm = f.xHi - f.xLo;
  } else {
    l.row = {1, 0, 0}, l.col = {0, 0, -1};
    double halfW = mr ? std::min(f.halfWidth, 150.0) : f.halfWidth + 10;
    l.centre = {0, (f.spineFront - 10 + f.spineBack) / 2, zMid};
    l.rowMm = 2 * halfW, l.colMm = zLen, l.sliceMm = f.spineBack - f.spineFront + 10;
  }
  if (s.acquisition.position == "prone") {  // the image axes follow the scanner, the patient is face down
    l.row = scale(l.row, o == "sagittal" ? -1 : (o == "axial" ? -1 : 1));
    if (o == "axial") l.col = scale(l.col, -1);
  }
  if (s.acquisition.obliqueDeg != 0) {
    Vec3 axis = o == "axial" ? Vec3{1, 0, 0} : Vec3{0, 0, 1};
    l.row = rotate(l.row, axis, s.acquisition.obliqueDeg * kDeg);
    l.col = rotate(l.col, axis, s.acquisition.obliqueDeg * kDeg);
  }
  return l;
}

unsigned countFor(unsigned requested, double mm, double spacing) {
  return requested ? requested : std::max(1u, unsigned(std::ceil(mm / spacing)));
}

}  // namespace

AcquisitionGrid acquisitionGrid(const Anatomy& a, const PhantomSpec& s) {
  const AcquisitionSpec& acq = s.acquisition;
  Layout l = layout(fieldOfView(a, s), s);
  AcquisitionGrid g;
  g.dx = g.dy = acq.pixelMm;
  g.thickness = acq.thicknessMm > 0 ? acq.thicknessMm : acq.sliceMm;
  g.nx = std::min(2048u, countFor(acq.columns, l.rowMm, g.dx));
  g.ny = std::min(2048u, countFor(acq.rows, l.colMm, g.dy));
  g.nz = std::min(2048u, countFor(acq.slices, l.sliceMm, acq.sliceMm));
  g.row = l.row, g.col = l.col;
  g.step = scale(cross(l.row, l.col), acq.sliceMm);
  if (acq.gantryTiltDeg != 0) {  // planes tilt about L-R; the table still moves along S-I
    g.col = rotate(l.col, {1, 0, 0}, acq.gantryTiltDeg * kDeg);
    g.step = {0, 0, acq.sliceMm};
  }
  g.origin = axpy(axpy(axpy(l.centre, -(g.nx - 1.0) * g.dx / 2, g.row), -(g.ny - 1.0) * g.dy / 2, g.col), -(g.nz - 1.0) / 2, g.step);
  return g;
}

namespace {

Plane planeAt(const AcquisitionGrid& g, const Vec3& origin) {
  return Plane{origin, g.row, g.col, g.dx, g.dy, g.nx, g.ny};
}

void blur2d(std::vector<float>& img, unsigned nx, unsigned ny, double sigmaPx) {
  if (sigmaPx <= 0) return;
  int r = int(std::ceil(3 * sigmaPx));
  std::vector<double> k(2 * r + 1);
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[i + r] = std::exp(-0.5 * i * i / (sigmaPx * sigmaPx));
  for (double& v : k) v /= sum;
  std::vector<float> tmp(img.size());
  for (unsigned j = 0; j < ny; ++j)
    for (unsigned i = 0; i < nx; ++i) {
      double acc = 0;
      for (int d = -r; d <= r; ++d) acc += k[d + r] * img[size_t(j) * nx + std::clamp(int(i) + d, 0, int(nx) - 1)];
      tmp[size_t(j) * nx + i] = float(acc);
    }
  for (unsigned j = 0; j < ny; ++j)
    for (unsigned i = 0; i < nx; ++i) {
      double acc = 0;
      for (int d = -r; d <= r; ++d) acc += k[d + r] * tmp[size_t(std::clamp(int(j) + d, 0, int(ny) - 1)) * nx + i];
      img[size_t(j) * nx + i] = float(acc);
    }
}

double metalWeight(Tissue t) { return t == Tissue::Metal ? 1.0 : t == Tissue::SteelMetal ? 2.0 : 0.0; }

/// Mean over the slice profile of the tissue values; the metal map for CT streaks.
void integrateSlice(const Anatomy& a, const PhantomSpec& s, const AcquisitionGrid& g, unsigned k, std::vector<float>& img,
                    std::vector<float>& metal) {
  const bool ct = s.modality == "CT", t2 = s.acquisition.mrContrast == "T2";
  const double pixel = std::min(g.dx, g.dy);
  int nSub = std::clamp(int(std::lround(g.thickness / pixel)), 1, 7) | 1;
  TissueLook looks[int(Tissue::Count)];
  for (int t = 0; t < int(Tissue::Count); ++t) looks[t] = look(Tissue(t), s);
  img.assign(size_t(g.nx) * g.ny, 0.0f);
  metal.assign(img.size(), 0.0f);
  const Vec3 n = g.normal();
  for (int sub = 0; sub < nSub; ++sub) {
    double off = (sub - (nSub - 1) / 2.0) * g.thickness / nSub;
    Plane plane = planeAt(g, axpy(g.slicePosition(k), off, n));
    PlaneRaster r = rasterizePlane(plane, a.shapes);
    for (unsigned j = 0; j < g.ny; ++j)
      for (unsigned i = 0; i < g.nx; ++i) {
        size_t idx = size_t(j) * g.nx + i;
        Vec3 p = axpy(axpy(plane.origin, i * g.dx, g.row), j * g.dy, g.col);
        double v = phantom::tissueValue(looks[int(r.tissue[idx])], ct, t2, p, s.seed * 31 + unsigned(r.tissue[idx]));
        img[idx] += float(v / nSub);
        metal[idx] += float(metalWeight(r.tissue[idx]) / nSub);
      }
  }
}

void finishCtSlice(std::vector<float>& img, const std::vector<float>& metal, const AcquisitionGrid& g, const PhantomSpec& s,
                   unsigned k) {
  MetalArtifactParams mp;
  mp.seed = s.seed * 7919 + k;
  std::vector<float> streaks = metalStreaks(metal, g.nx, g.ny, g.dx, g.dy, mp);
  std::mt19937 rng(s.seed * 104729 + k);
  // Noise grows as the voxel shrinks; white noise shaped by the reconstruction blur (sigma 0.6 px
  // keeps 0.47 of its amplitude) gives CT's fine-grained texture.
  double sigma = 12.0 * s.acquisition.noise / std::sqrt(g.dx * g.dy * g.thickness) / 0.47;
  std::normal_distribution<double> gauss(0, sigma > 0 ? sigma : 1);
  for (size_t i = 0; i < img.size(); ++i) img[i] += streaks[i] + float(sigma > 0 ? gauss(rng) : 0.0);
  blur2d(img, g.nx, g.ny, 0.6);
  for (float& v : img) v = std::clamp(v, -1024.0f, 30000.0f);
}

void finishMrSlice(std::vector<float>& img, const Anatomy& a, const AcquisitionGrid& g, const PhantomSpec& s, unsigned k) {
  blur2d(img, g.nx, g.ny, 0.5);
  std::mt19937 rng(s.seed * 104729 + k);
  double sigma = 18.0 * s.acquisition.noise;
  std::normal_distribution<double> gauss(0, sigma > 0 ? sigma : 1);
  const Vec3 origin = g.slicePosition(k);
  for (unsigned j = 0; j < g.ny; ++j)
    for (unsigned i = 0; i < g.nx; ++i) {
      Vec3 p = axpy(axpy(origin, i * g.dx, g.row), j * g.dy, g.col);
      // Posterior spine-array coil: sensitivity falls with depth from the back, and along S-I.
      Vec3 t = a.torso.torsoSection(p[2]);
      double depth = std::max(0.0, t[2] + t[1] - p[1]);
      double bias = (0.3 + 1.2 * std::exp(-depth / 85.0)) * (1 + 0.12 * std::sin(p[2] / 95.0 + s.seed));
      size_t idx = size_t(j) * g.nx + i;
      double re = img[idx] * bias + (sigma > 0 ? gauss(rng) : 0), im = sigma > 0 ? gauss(rng) : 0;
      img[idx] = float(std::sqrt(re * re + im * im));  // magnitude image: Rician noise
    }
}

using FloatImage = itk::Image<float, 3>;

/// CT is acquired axially; a sagittal or coronal CT series is a reformat of an axial volume.
std::vector<std::vector<float>> reformatCt(const Anatomy& a, const PhantomSpec& s, const AcquisitionGrid& target,
                                           unsigned threads) {
  PhantomSpec axialSpec = s;
  axialSpec.acquisition.orientation = "axial";
  axialSpec.acquisition.obliqueDeg = 0;
  AcquisitionGrid ax = acquisitionGrid(a, axialSpec);
  ax.dx = ax.dy = std::min(target.dx, target.dy);
  ax.step = {0, 0, std::min(1.0, target.dx)};
  ax.thickness = ax.step[2];
  Vec3 lo{1e9, 1e9, 1e9}, hi{-1e9, -1e9, -1e9};
  for (int c = 0; c < 8; ++c) {
    Vec3 p = axpy(axpy(axpy(target.origin, (c & 1) ? (target.nx - 1) * target.dx : 0, target.row),
                       (c & 2) ? (target.ny - 1) * target.dy : 0, target.col),
                  (c & 4) ? target.nz - 1.0 : 0.0, target.step);
    for (int d = 0; d < 3; ++d) lo[d] = std::min(lo[d], p[d] - 3), hi[d] = std::max(hi[d], p[d] + 3);
  }
  ax.origin = lo;
  ax.nx = unsigned(std::ceil((hi[0] - lo[0]) / ax.dx)) + 1, ax.ny = unsigned(std::ceil((hi[1] - lo[1]) / ax.dy)) + 1;
  ax.nz = unsigned(std::ceil((hi[2] - lo[2]) / ax.step[2])) + 1;
  std::vector<std::vector<float>> axial = renderImages(a, axialSpec, ax, threads);
  FloatImage::Pointer vol = FloatImage::New();
  FloatImage::RegionType region;
  region.SetSize({ax.nx, ax.ny, ax.nz});
  vol->SetRegions(region);
  vol->SetSpacing(FloatImage::SpacingType(std::array<double, 3>{ax.dx, ax.dy, ax.step[2]}.data()));
  vol->SetOrigin(ax.origin.data());
  vol->Allocate();
  for (unsigned k = 0; k < ax.nz; ++k) std::copy(axial[k].begin(), axial[k].end(), vol->GetBufferPointer() + size_t(k) * ax.nx * ax.ny);
  axial.clear();
  auto interp = itk::LinearInterpolateImageFunction<FloatImage>::New();
  interp->SetInputImage(vol);
  const int nSub = std::clamp(int(std::lround(target.thickness / ax.step[2])), 1, 9) | 1;
  std::vector<std::vector<float>> out(target.nz, std::vector<float>(size_t(target.nx) * target.ny, -1000.0f));
  parallelFor(target.nz, threads, [&](unsigned k) {
    for (unsigned j = 0; j < target.ny; ++j)
      for (unsigned i = 0; i < target.nx; ++i) {
        double acc = 0;
        int hits = 0;
        for (int sub = 0; sub < nSub; ++sub) {
          Vec3 p = axpy(axpy(axpy(target.slicePosition(k), i * target.dx, target.row), j * target.dy, target.col),
                        (sub - (nSub - 1) / 2.0) * target.thickness / nSub, target.normal());
          FloatImage::PointType pt(p.data());
          if (interp->IsInsideBuffer(pt)) acc += interp->Evaluate(pt), ++hits;
        }
        if (hits) out[k][size_t(j) * target.nx + i] = float(acc / hits);
      }
  });
  return out;
}

}  // namespace

std::vector<std::vector<float>> renderImages(const Anatomy& a, const PhantomSpec& s, const AcquisitionGrid& g, unsigned threads) {
  if (s.modality == "CT" && s.acquisition.orientation != "axial") return reformatCt(a, s, g, threads);
  std::vector<std::vector<float>> out(g.nz);
  parallelFor(g.nz, threads, [&](unsigned k) {
    std::vector<float> metal;
    integrateSlice(a, s, g, k, out[k], metal);
    if (s.modality == "CT")
      finishCtSlice(out[k], metal, g, s, k);
    else
      finishMrSlice(out[k], a, g, s, k);
  });
  return out;
}

LabelImage::Pointer labelGrid(const AcquisitionGrid& g) {
  const Vec3 n = g.normal();
  const Vec3 stepDir = scale(n, dot(g.step, n) < 0 ? -1 : 1);
  auto labels = LabelImage::New();
  LabelImage::RegionType region;
  region.SetSize({g.nx, g.ny, g.nz});
  labels->SetRegions(region);
  labels->SetSpacing(LabelImage::SpacingType(std::array<double, 3>{g.dx, g.dy, g.spacing()}.data()));
  labels->SetOrigin(g.origin.data());
  LabelImage::DirectionType dir;
  for (int r = 0; r < 3; ++r) dir[r][0] = g.row[r], dir[r][1] = g.col[r], dir[r][2] = stepDir[r];
  labels->SetDirection(dir);
  labels->Allocate(true);
  return labels;
}

LabelImage::Pointer renderLabels(const Anatomy& a, const AcquisitionGrid& g, unsigned threads) {
  LabelImage::Pointer labels = labelGrid(g);
  const auto& dir = labels->GetDirection();
  const Vec3 stepDir{dir[0][2], dir[1][2], dir[2][2]};
  parallelFor(g.nz, threads, [&](unsigned k) {
    PlaneRaster r = rasterizePlane(planeAt(g, axpy(g.origin, k * g.spacing(), stepDir)), a.shapes);
    std::copy(r.label.begin(), r.label.end(), labels->GetBufferPointer() + size_t(k) * g.nx * g.ny);
  });
  return labels;
}

}  // namespace spine
