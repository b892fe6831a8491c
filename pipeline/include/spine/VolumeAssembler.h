#pragma once
// Decodes a series' frames into one regular volume (patient LPS, ITK image geometry).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "spine/Series.h"
#include "spine/Volume.h"

namespace spine {

struct AssemblyParams {
  std::uint64_t maxBytes = 4ull << 30;  ///< memory cap for one study's decoded pixels (--max-memory)
  unsigned threads = 2;                 ///< files decoded in parallel
  /// Called with each file's path before its pixel data is parsed (isolation breadcrumbs).
  std::function<void(const std::string&)> onFile;
};

/// Builds the volume of `series` (geometry from computeSeriesGeometry). Frames on the regular grid
/// are copied; gaps, uneven spacing and gantry tilt are resampled (linear). CT values are HU,
/// rounded and clamped to int16 (a warning counts clamped voxels). Throws SpineError naming the
/// file on a decode failure, or the cap when the volume would exceed `maxBytes`.
Volume assembleVolume(const Series& series, Modality modality, const AssemblyParams& params,
                      std::vector<std::string>& warnings);

}  // namespace spine
