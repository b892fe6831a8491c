#include "spine/viewer/DisplayImages.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <itkNearestNeighborInterpolateImageFunction.h>
#include <itkOrientImageFilter.h>
#include <itkResampleImageFilter.h>
#include <vtkImageData.h>

namespace spine::viewer {

namespace {

bool isIdentity(const itk::Matrix<double, 3, 3>& d) {
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      if (std::abs(d(r, c) - (r == c ? 1.0 : 0.0)) > 1e-4) return false;
  return true;
}

/// Index axes along L, P, S: reoriented by permuting and flipping, resampled only when oblique.
template <typename TImage>
typename TImage::ConstPointer alignedWithPatient(const TImage* image, bool nearest) {
  if (isIdentity(image->GetDirection())) return image;  // already along L, P, S: no copy
  auto orient = itk::OrientImageFilter<TImage, TImage>::New();
  orient->UseImageDirectionOn();
  orient->SetDesiredCoordinateOrientation(itk::SpatialOrientation::ITK_COORDINATE_ORIENTATION_RAI);
  orient->SetInput(image);
  orient->Update();
  typename TImage::ConstPointer out = orient->GetOutput();
  if (isIdentity(out->GetDirection())) return out;
  // Oblique: the bounding box of the corners on an identity grid at the finest spacing.
  auto region = out->GetLargestPossibleRegion();
  itk::Point<double, 3> low, high;
  low.Fill(1e30);
  high.Fill(-1e30);
  for (int corner = 0; corner < 8; ++corner) {
    itk::ContinuousIndex<double, 3> idx;
    for (int d = 0; d < 3; ++d) idx[d] = (corner >> d & 1) ? double(region.GetSize()[d]) - 1 : 0.0;
    itk::Point<double, 3> p;
    out->TransformContinuousIndexToPhysicalPoint(idx, p);
    for (int d = 0; d < 3; ++d) low[d] = std::min(low[d], p[d]), high[d] = std::max(high[d], p[d]);
  }
  double step = std::min({out->GetSpacing()[0], out->GetSpacing()[1], out->GetSpacing()[2]});
  typename TImage::SizeType size;
  for (int d = 0; d < 3; ++d) size[d] = itk::SizeValueType(std::floor((high[d] - low[d]) / step)) + 1;
  auto resample = itk::ResampleImageFilter<TImage, TImage>::New();
  resample->SetInput(out);
  resample->SetOutputOrigin(low);
  resample->SetOutputSpacing(typename TImage::SpacingType(step));
  resample->SetSize(size);
  resample->SetDefaultPixelValue(std::is_same_v<typename TImage::PixelType, CtPixel> ? -1024 : 0);
  if (nearest) resample->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<TImage, double>::New());
  resample->Update();
  typename TImage::ConstPointer resampled = resample->GetOutput();
  return resampled;
}

/// The label map on the display grid (a copy when the grids agree, nearest-neighbour otherwise).
LabelImage::ConstPointer labelsOnGrid(const LabelImage* labels, const itk::ImageBase<3>* grid) {
  const bool same = labels->GetLargestPossibleRegion() == grid->GetLargestPossibleRegion() &&
                    labels->GetOrigin().EuclideanDistanceTo(grid->GetOrigin()) < 1e-4 &&
                    (labels->GetSpacing() - grid->GetSpacing()).GetNorm() < 1e-6 &&
                    labels->GetDirection() == grid->GetDirection();
  if (same) return labels;
  auto resample = itk::ResampleImageFilter<LabelImage, LabelImage>::New();
  resample->SetInput(labels);
  resample->SetOutputParametersFromImage(grid);
  resample->SetInterpolator(itk::NearestNeighborInterpolateImageFunction<LabelImage, double>::New());
  resample->SetDefaultPixelValue(0);
  resample->Update();
  LabelImage::ConstPointer out = resample->GetOutput();
  return out;
}

template <typename TImage>
vtkSmartPointer<vtkImageData> toVtk(const TImage* image, int vtkType) {
  auto data = vtkSmartPointer<vtkImageData>::New();
  auto size = image->GetLargestPossibleRegion().GetSize();
  data->SetDimensions(int(size[0]), int(size[1]), int(size[2]));
  data->SetSpacing(image->GetSpacing()[0], image->GetSpacing()[1], image->GetSpacing()[2]);
  data->SetOrigin(image->GetOrigin()[0], image->GetOrigin()[1], image->GetOrigin()[2]);
  data->AllocateScalars(vtkType, 1);
  std::memcpy(data->GetScalarPointer(), image->GetBufferPointer(),
              size[0] * size[1] * size[2] * sizeof(typename TImage::PixelType));
  return data;
}

/// Percentiles from a strided sample (a million values at most).
template <typename TImage>
std::pair<double, double> percentiles(const TImage* image) {
  const auto* p = image->GetBufferPointer();
  size_t n = image->GetLargestPossibleRegion().GetNumberOfPixels(), stride = std::max<size_t>(1, n / 1000000);
  std::vector<double> v;
  for (size_t i = 0; i < n; i += stride) v.push_back(double(p[i]));
  if (v.empty()) return {0, 1};
  auto at = [&](double q) {
    auto k = v.begin() + std::ptrdiff_t(q * double(v.size() - 1));
    std::nth_element(v.begin(), k, v.end());
    return *k;
  };
  double low = at(0.01), high = at(0.995);
  return {low, high > low ? high : low + 1};
}

}  // namespace

DisplayImages makeDisplayImages(const Volume& volume, const LabelImage* labels) {
  DisplayImages d;
  d.ct = volume.modality == Modality::CT;
  itk::ImageBase<3>::ConstPointer grid;  // the display grid, kept alive for the label resampling
  if (d.ct) {
    CtImage::ConstPointer image = alignedWithPatient<CtImage>(volume.ct.GetPointer(), false);
    d.image = toVtk(image.GetPointer(), VTK_SHORT);
    std::tie(d.low, d.high) = percentiles(image.GetPointer());
    grid = image.GetPointer();
  } else {
    MrImage::ConstPointer image = alignedWithPatient<MrImage>(volume.mr.GetPointer(), false);
    d.image = toVtk(image.GetPointer(), VTK_FLOAT);
    std::tie(d.low, d.high) = percentiles(image.GetPointer());
    grid = image.GetPointer();
  }
  if (labels) {
    d.labels = toVtk(labelsOnGrid(labels, grid.GetPointer()).GetPointer(), VTK_UNSIGNED_SHORT);
  } else {
    d.labels = vtkSmartPointer<vtkImageData>::New();
    d.labels->SetDimensions(d.image->GetDimensions());
    d.labels->SetSpacing(d.image->GetSpacing());
    d.labels->SetOrigin(d.image->GetOrigin());
    d.labels->AllocateScalars(VTK_UNSIGNED_SHORT, 1);
    std::memset(d.labels->GetScalarPointer(), 0, size_t(d.labels->GetNumberOfPoints()) * sizeof(std::uint16_t));
  }
  return d;
}

}  // namespace spine::viewer
