#pragma once
// The straightened ("curved") sagittal view: the image resampled on a surface that follows the
// spine's centreline, so a scoliotic or kyphotic column is seen whole in one picture. Rows run
// along the centreline (row 0 cranial), columns from anterior to posterior through it. ITK only.
#include <cstdint>
#include <vector>

#include "spine/PixelTypes.h"
#include "spine/Vec3.h"

namespace spine::viewer {

struct CurvedReformatParams {
  double stepMm = 1.0;        ///< pixel size along and across the centreline
  double halfWidthMm = 70.0;  ///< anterior and posterior reach from the centreline
  double extendMm = 30.0;     ///< beyond the first and last level
};

struct CurvedReformat {
  int width = 0, height = 0;  ///< columns (anterior -> posterior), rows (cranial -> caudal)
  double stepMm = 1;
  std::vector<float> pixels;             ///< row-major, image values (HU on CT)
  std::vector<std::uint16_t> labels;     ///< row-major, label values (0 without a label map)
  std::vector<Vec3> centre;              ///< per row: the centreline point, LPS mm
  std::vector<Vec3> anterior;            ///< per row: unit vector towards the patient's front
  /// Row and column of an LPS point near the surface (the nearest centreline row; the offset along
  /// that row's anterior axis). Used to place level names in the picture.
  std::pair<double, double> project(const Vec3& p) const;
};

/// A smooth centreline through `points` (cranial to caudal, e.g. the levels' centroids), sampled
/// every `step` mm and extended by `extend` mm at both ends. Fewer than two points: empty.
std::vector<Vec3> smoothCentreline(const std::vector<Vec3>& points, double step, double extend);

/// `labels` may be null. Throws nothing; an empty path gives an empty reformat. CT is sampled in its
/// own int16 buffer (no float copy of a large volume).
CurvedReformat straighten(const CtImage& image, const LabelImage* labels, const std::vector<Vec3>& levelCentroids,
                          const CurvedReformatParams& params = {});
CurvedReformat straighten(const MrImage& image, const LabelImage* labels, const std::vector<Vec3>& levelCentroids,
                          const CurvedReformatParams& params = {});

}  // namespace spine::viewer
