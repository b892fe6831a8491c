// bench_slice_png: renders the sagittal, coronal and axial planes through a point of a study (and
// optionally a label map's outlines) to PNG, so a person can look at phantoms and real scans side
// by side. A development aid until the viewer (issue 7) draws key images.
//   bench_slice_png INPUT OUT_PREFIX [--labels FILE] [--at X,Y,Z] [--window CENTRE,WIDTH|auto] [--mm PIXEL]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <itkImageFileWriter.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkPNGImageIO.h>
#include <itkRGBPixel.h>

#include "spine/LabelMapFile.h"
#include "spine/Study.h"

namespace {

using Rgb = itk::RGBPixel<unsigned char>;
using RgbImage = itk::Image<Rgb, 2>;
using FloatImage = itk::Image<float, 3>;


unsigned char colourOf(unsigned label, int channel) {
  static const unsigned char palette[8][3] = {{230, 25, 75}, {60, 180, 75}, {255, 225, 25}, {0, 130, 200},
                                              {245, 130, 48}, {145, 30, 180}, {70, 240, 240}, {240, 50, 230}};
  return palette[label % 8][channel];
}

/// One plane through `at` spanned by LPS axes a and b (0 x, 1 y, 2 z), b drawn downwards negated
/// when it is S (so superior is up).
void renderPlane(const FloatImage* img, const spine::LabelImage* labels, const double at[3], int a, int b, double mm,
                 double centre, double width, const std::string& file) {
  auto interp = itk::LinearInterpolateImageFunction<FloatImage>::New();
  interp->SetInputImage(img);
  auto nn = itk::NearestNeighborInterpolateImageFunction<spine::LabelImage>::New();
  if (labels) nn->SetInputImage(labels);
  // Physical extent of the volume along a and b.
  double lo[3] = {1e9, 1e9, 1e9}, hi[3] = {-1e9, -1e9, -1e9};
  auto size = img->GetLargestPossibleRegion().GetSize();
  for (int c = 0; c < 8; ++c) {
    FloatImage::IndexType idx{{(c & 1) ? long(size[0]) - 1 : 0, (c & 2) ? long(size[1]) - 1 : 0, (c & 4) ? long(size[2]) - 1 : 0}};
    FloatImage::PointType p;
    img->TransformIndexToPhysicalPoint(idx, p);
    for (int d = 0; d < 3; ++d) lo[d] = std::min(lo[d], p[d]), hi[d] = std::max(hi[d], p[d]);
  }
  unsigned w = unsigned((hi[a] - lo[a]) / mm) + 1, h = unsigned((hi[b] - lo[b]) / mm) + 1;
  auto out = RgbImage::New();
  RgbImage::RegionType region;
  region.SetSize({w, h});
  out->SetRegions(region);
  out->Allocate();
  std::vector<unsigned> lab(size_t(w) * h, 0);
  for (unsigned j = 0; j < h; ++j)
    for (unsigned i = 0; i < w; ++i) {
      FloatImage::PointType p;
      for (int d = 0; d < 3; ++d) p[d] = at[d];
      p[a] = lo[a] + i * mm;
      p[b] = b == 2 ? hi[b] - j * mm : lo[b] + j * mm;
      double v = interp->IsInsideBuffer(p) ? interp->Evaluate(p) : centre - width;
      unsigned char g = (unsigned char)std::clamp((v - (centre - width / 2)) / width * 255.0, 0.0, 255.0);
      out->GetPixel({{long(i), long(j)}}).Set(g, g, g);
      if (labels && nn->IsInsideBuffer(p)) lab[size_t(j) * w + i] = unsigned(nn->Evaluate(p));
    }
  for (unsigned j = 1; j + 1 < h; ++j)
    for (unsigned i = 1; i + 1 < w; ++i) {
      unsigned l = lab[size_t(j) * w + i];
      if (!l) continue;
      bool edge = lab[size_t(j) * w + i - 1] != l || lab[size_t(j) * w + i + 1] != l || lab[size_t(j - 1) * w + i] != l ||
                  lab[size_t(j + 1) * w + i] != l;
      if (edge) out->GetPixel({{long(i), long(j)}}).Set(colourOf(l, 0), colourOf(l, 1), colourOf(l, 2));
    }
  auto writer = itk::ImageFileWriter<RgbImage>::New();
  writer->SetImageIO(itk::PNGImageIO::New());
  writer->SetInput(out);
  writer->SetFileName(file);
  writer->Update();
  std::printf("%s (%ux%u)\n", file.c_str(), w, h);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_slice_png INPUT OUT_PREFIX [--labels FILE] [--at X,Y,Z] [--window C,W] [--mm PIXEL]\n");
    return 64;
  }
  std::string input = argv[1], prefix = argv[2], labelsFile;
  double at[3] = {NAN, NAN, NAN}, centre = 300, width = 1600, mm = 0.8;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--labels") labelsFile = v;
    if (k == "--at") std::sscanf(v.c_str(), "%lf,%lf,%lf", &at[0], &at[1], &at[2]);
    if (k == "--window") v == "auto" ? (void)(width = 0) : (void)std::sscanf(v.c_str(), "%lf,%lf", &centre, &width);
    if (k == "--mm") mm = std::stod(v);
  }
  try {
    spine::IngestParams params;
    spine::Study study = spine::loadStudy(input, params);
    FloatImage::Pointer img = spine::toFloatImage(study.volume);
    if (width <= 0) {  // --window auto: 1st to 99.5th percentile
      std::vector<float> v(img->GetBufferPointer(), img->GetBufferPointer() + img->GetPixelContainer()->Size());
      std::sort(v.begin(), v.end());
      double lo = v[v.size() / 100], hi = v[v.size() * 995 / 1000];
      centre = (lo + hi) / 2, width = std::max(1.0, hi - lo);
    }
    spine::LabelImage::Pointer labels = labelsFile.empty() ? nullptr : spine::readLabelMap(labelsFile);
    if (std::isnan(at[0])) {
      auto size = img->GetLargestPossibleRegion().GetSize();
      FloatImage::PointType p;
      img->TransformIndexToPhysicalPoint({{long(size[0] / 2), long(size[1] / 2), long(size[2] / 2)}}, p);
      for (int d = 0; d < 3; ++d) at[d] = p[d];
    }
    renderPlane(img, labels, at, 1, 2, mm, centre, width, prefix + "-sagittal.png");
    renderPlane(img, labels, at, 0, 2, mm, centre, width, prefix + "-coronal.png");
    renderPlane(img, labels, at, 0, 1, mm, centre, width, prefix + "-axial.png");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_slice_png: %s\n", e.what());
    return 65;
  }
  return 0;
}
