#pragma once
// Internal steps of segmentSpineCt(), one file each.
#include <vector>

#include "spine/SpineSegmentation.h"

namespace spine::ct {

/// Bone with enclosed marrow: HU >= boneHu, plus holes of each axial slice that are small or
/// whose mean is at least `marrowHu` (the canal and discs stay open).
itk::Image<std::uint8_t, 3>::Pointer boneMask(const CtImage& ct, const SegmentationParams& p, double marrowHu);

/// The HU between disc (15th percentile along the column) and marrow (60th): marrow density
/// differs tenfold between a young adult and an osteoporotic patient, so no fixed number works.
double marrowThreshold(const CtImage& ct, const std::vector<Vec3>& centreline);

/// Centreline through the vertebral bodies, caudal to cranial, resampled ~1 mm apart; empty when
/// no column is found.
std::vector<Vec3> findCentreline(const CtImage& ct, const SegmentationParams& p);

struct DiscCandidate {
  size_t index;  ///< into the centreline
  Vec3 centre, normal;
  double heightMm, prominenceHu;  ///< prominence: drop of the bone fraction (0-1)
};

/// Discs as dips of the bone profile along the centreline, each with its plane refined.
std::vector<DiscCandidate> findDiscs(const CtImage& ct, const itk::Image<std::uint8_t, 3>& bone,
                                     const std::vector<Vec3>& centreline, double marrowHu, const SegmentationParams& p);

/// Tangent of the centreline at i (unit, cranial).
Vec3 tangentAt(const std::vector<Vec3>& line, size_t i);

/// Continuous index <-> physical helpers.
bool toIndex(const itk::ImageBase<3>& img, const Vec3& p, itk::Index<3>& idx);

}  // namespace spine::ct
