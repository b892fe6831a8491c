#include "spine/DefaultStudy.h"

#include <cmath>
#include <random>

namespace spine {
namespace {

/// HU at a patient LPS point (x to the left, y to the back, z to the head, mm from the centre).
double tissueAt(double x, double y, double z, double top) {
  auto inEllipse = [](double u, double v, double a, double b) { return (u * u) / (a * a) + (v * v) / (b * b) <= 1.0; };
  if (!inEllipse(x, y, 90, 70)) return -1000;      // air
  if (!inEllipse(x, y, 84, 64)) return -100;       // subcutaneous fat
  // Vertebrae stacked along z: 26 mm bodies, 10 mm discs, centred 30 mm anterior to the canal.
  const double period = 36.0, bodyHeight = 26.0;
  double local = std::fmod(top - z, period);
  bool inBodyLevel = local >= 0 && local < bodyHeight;
  double bx = x, by = y + 8;                        // body centre, anterior (-y)
  if (inEllipse(bx, by, 22, 16)) {
    if (!inBodyLevel) return inEllipse(bx, by, 12, 8) ? 30 : 90;  // nucleus / annulus
    return inEllipse(bx, by, 20, 14) ? 220 : 800;                  // cancellous / cortical shell
  }
  double cx = x, cy = y - 20;                       // canal, posterior (+y) to the body
  if (inEllipse(cx, cy, 9, 7)) return 10;           // CSF
  if (inBodyLevel && inEllipse(cx, cy, 16, 13) && local > 4 && local < 22) return 600;  // pedicles + laminae ring
  if (inBodyLevel && std::fabs(x) < 4 && y > 30 && y < 55 && local > 8 && local < 20) return 650;  // spinous process
  if (inEllipse(std::fabs(x) - 30, y - 35, 18, 14)) return 50;      // paraspinal muscle
  return inEllipse(x, y + 30, 50, 25) ? 35 : -90;   // abdominal soft tissue, else fat
}

}  // namespace

Volume makeDefaultCtStudy(const DefaultStudyParams& p) {
  auto image = CtImage::New();
  CtImage::RegionType region;
  region.SetSize({{p.columns, p.rows, p.slices}});
  image->SetRegions(region);
  CtImage::SpacingType spacing;
  spacing[0] = spacing[1] = p.pixelMm;
  spacing[2] = p.sliceMm;
  image->SetSpacing(spacing);
  CtImage::PointType origin;
  origin[0] = -0.5 * (p.columns - 1) * p.pixelMm;
  origin[1] = -0.5 * (p.rows - 1) * p.pixelMm;
  origin[2] = -0.5 * (p.slices - 1) * p.sliceMm;
  image->SetOrigin(origin);  // identity direction: axial, LPS
  image->Allocate();

  std::mt19937 rng(p.seed);
  std::normal_distribution<double> noise(0.0, 12.0);
  double top = origin[2] + (p.slices - 1) * p.sliceMm - 5.0;
  CtPixel* out = image->GetBufferPointer();
  for (unsigned k = 0; k < p.slices; ++k)
    for (unsigned j = 0; j < p.rows; ++j)
      for (unsigned i = 0; i < p.columns; ++i) {
        double x = origin[0] + i * p.pixelMm, y = origin[1] + j * p.pixelMm, z = origin[2] + k * p.sliceMm;
        double hu = tissueAt(x, y, z, top);
        if (hu > -1000) hu += noise(rng);
        out[(size_t(k) * p.rows + j) * p.columns + i] = CtPixel(std::lround(hu));
      }
  Volume v;
  v.modality = Modality::CT;
  v.ct = image;
  return v;
}

}  // namespace spine
