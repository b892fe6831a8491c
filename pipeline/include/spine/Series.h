#pragma once
// One image series (one stack of frames sharing identity, orientation and size) and its geometry.
#include <array>
#include <string>
#include <vector>

#include "spine/DicomFrame.h"
#include "spine/Vec3.h"

namespace spine {

/// The regular grid a series is assembled onto (patient LPS mm). Frames whose positions already
/// lie on this grid are copied; others (gaps, uneven spacing, gantry tilt) are resampled.
struct SeriesGeometry {
  Vec3 rowDir{1, 0, 0};   ///< direction of increasing column index, from (0020,0037)
  Vec3 colDir{0, 1, 0};   ///< direction of increasing row index, from (0020,0037)
  Vec3 normal{0, 0, 1};   ///< rowDir x colDir; slices are sorted along it
  Vec3 origin{0, 0, 0};   ///< centre of the first voxel of the output grid
  std::array<double, 3> spacing{1, 1, 1};  ///< x = column spacing, y = row spacing, z = along normal
  std::array<unsigned, 3> size{0, 0, 0};
  std::vector<double> framePositions;      ///< each sorted frame's position along the normal, mm
  std::vector<std::array<double, 2>> frameShift;  ///< each frame's in-plane offset (columns, rows) from the grid
  bool needsResampling = false;            ///< false: frames map 1:1 onto output slices
  double tiltDeg = 0.0;                    ///< angle between the stacking direction and the normal
  unsigned missingSlices = 0;
  unsigned duplicatesRemoved = 0;
  bool unevenSpacing = false;
};

struct Series {
  std::string key;            ///< "series N" in input order; stable within one run
  std::string studyUid, seriesUid, modality, description;
  long seriesNumber = -1;
  std::string orientationLabel;  ///< "axial", "sagittal", "coronal" or "oblique"
  bool isLocalizer = false;      ///< Image Type (0008,0008) says LOCALIZER, or too few frames
  bool usable = true;
  std::string unusableReason;
  std::vector<DicomFrame> frames;  ///< sorted along the normal after computeSeriesGeometry
  SeriesGeometry geometry;
  std::vector<std::string> warnings;

  const DicomFrame& first() const { return frames.front(); }
  bool complete() const { return geometry.missingSlices == 0 && !geometry.unevenSpacing; }
  std::uint64_t voxelCount() const {
    return std::uint64_t(geometry.size[0]) * geometry.size[1] * geometry.size[2];
  }
};

/// Splits frames into series: Study/Series Instance UIDs plus orientation, size and pixel
/// spacing, so a localiser or a second stack with the same UID never mixes in. Copes with empty
/// UIDs (grouped by Frame of Reference and geometry, with a warning).
std::vector<Series> groupIntoSeries(std::vector<DicomFrame> frames);

/// Sorts frames along the slice normal by Image Position (Patient), takes spacing from positions
/// (never Slice Thickness), removes duplicates and fills `geometry` and `warnings`. Marks the series
/// unusable (with the reason) when no volume can be built from it.
void computeSeriesGeometry(Series& series);

}  // namespace spine
