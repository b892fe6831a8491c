#pragma once
// The study's image and label map as VTK image data on one axis-aligned grid in patient LPS mm
// (VTK's world coordinates are then LPS mm, as every point in report.json): the volume is
// reoriented (and resampled when oblique), the label map resampled onto the volume's grid when its
// own grid differs.
#include <vtkSmartPointer.h>

#include "spine/PixelTypes.h"
#include "spine/Volume.h"

class vtkImageData;

namespace spine::viewer {

struct DisplayImages {
  vtkSmartPointer<vtkImageData> image;   ///< short (CT HU) or float (MR)
  vtkSmartPointer<vtkImageData> labels;  ///< unsigned short, same grid; all 0 without a label map
  bool ct = true;
  double low = 0, high = 1;  ///< 1st and 99.5th percentile of the image, for the MR auto window
};

/// `labels` may be null.
DisplayImages makeDisplayImages(const Volume& volume, const LabelImage* labels);

}  // namespace spine::viewer
