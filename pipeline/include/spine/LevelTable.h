#pragma once
// The named levels of one analysis: every vertebra and disc with its name, its value in
// labels.nii.gz (docs/labels.md), its centroid and confidence, and the numbering verdict. What the
// report, the viewer and the detectors read.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spine/Numbering.h"
#include "spine/PixelTypes.h"
#include "spine/SpineSegmentation.h"

namespace spine {

struct LevelEntry {
  std::string name;            ///< "L4", "L4-L5"; "vertebra 3 (unnamed)" when numbering named none
  std::uint16_t label = 0;     ///< value in labels.nii.gz
  Vec3 centroid{0, 0, 0};      ///< centre of its voxels, LPS mm
  double confidence = 0;
  double heightMm = 0;
  bool ribBearing = false;
  bool cutByField = false;     ///< a disc at the field's edge with only part of its height in view
  std::size_t voxels = 0;
};

struct LevelTable {
  std::vector<LevelEntry> vertebrae, discs;  ///< cranial to caudal
  NumberingVerdict verdict;
  LabelImage::Pointer labels;                ///< project convention
  std::vector<std::string> notes;
  /// discs[0] lies under vertebrae[firstDiscUnder]: 1 when C1 is on top (C1 and C2 meet at the
  /// atlanto-axial joints and the dens, with no disc between them), -1 when discs[0] lies above the
  /// top vertebra (at the field's edge), else 0. The last disc may lie below the lowest vertebra.
  long firstDiscUnder = 0;
  const LevelEntry* find(const std::string& name) const;
  /// The vertebrae above and below `disc`, one of this table's discs (disc i lies between vertebrae
  /// i + firstDiscUnder and the next); null on a side without one, both null for a disc not of this table.
  std::pair<const LevelEntry*, const LevelEntry*> bodiesAround(const LevelEntry& disc) const;
  /// The index in `discs` of the disc under vertebrae[v]; nullopt under C1 and under a lowest
  /// vertebra with no disc below it in view.
  std::optional<std::size_t> discUnder(std::size_t v) const;
  /// The index in `discs` of the disc above vertebrae[v] (also the one at the field's top edge above
  /// the top vertebra); nullopt where none is in view, and under C1.
  std::optional<std::size_t> discAbove(std::size_t v) const;
  /// Whether every two neighbouring vertebrae but C1 and C2 have their disc between them.
  bool discsAlternate() const;
};

/// Unnamed segments keep values kUnnamedVertebraBase + i (vertebra i from the top) and kUnnamedDiscBase + i
/// (disc i): 900 + i and 950 + i (spine/Labels.h).
LevelTable buildLevelTable(const SpineSegmentation& seg, const NumberingVerdict& verdict);

/// Segmentation + numbering of a CT, the whole chain.
LevelTable analyseCtLevels(const CtImage& ct, const SegmentationParams& params = {});

/// Segmentation + numbering of a sagittal MR series (MrSegmentation.h).
struct MrSegmentationParams;
LevelTable analyseMrLevels(const MrImage& mr, const MrSegmentationParams& params);

}  // namespace spine
