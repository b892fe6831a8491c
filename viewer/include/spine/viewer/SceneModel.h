#pragma once
// What the scene draws, decided without VTK (tested without a window): the text and colour beside
// every level, the target's highlight, the numbering anchors as marks on their levels, findings
// at their evidence, the banner (a warning whenever the numbering is not confirmed) and the side
// panel's lines. The VTK scene only places these.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "spine/viewer/ReviewModel.h"

namespace spine::viewer {

using Rgb = std::array<double, 3>;  ///< 0-1

struct LevelMark {
  std::string text;    ///< what is written beside it: "L4", "L4-L5  TARGET"
  std::string anchor;  ///< "" or the numbering anchor it is ("sacrum", "last rib pair", "C2 (dens)")
  std::uint16_t label = 0;
  Vec3 position{0, 0, 0};  ///< the level's centroid, LPS mm
  Rgb colour{1, 1, 1};
  bool disc = false, target = false;
};

struct FindingMark {
  std::string text;  ///< the whole sentence (panel)
  std::string tag;   ///< a few words beside the mark
  std::vector<Vec3> points;  ///< where to draw it; the levels' centroids when it has no points
  Rgb colour{1, 0.3, 0.3};
  /// The side view: the tag once for a left-right pair ("" for the second), and how far below its
  /// point (mm, negative: above) it is written so that it does not run over a disc's name or
  /// another tag there.
  std::string sagittalTag;
  double sagittalDropMm = 0;
};

struct Banner {
  std::string text;
  bool warning = true;  ///< red; false only when the numbering is confirmed
};

struct SceneModel {
  std::vector<LevelMark> levels;  ///< cranial to caudal
  std::vector<FindingMark> findings;
  Banner banner;
  std::vector<std::string> panel;  ///< the side panel, line by line
  size_t panelFindingsFrom = 0, panelFindingsTo = 0;  ///< panel[from, to): one line per finding
  int targetIndex = -1;            ///< into levels; -1 when no target or not located
  Vec3 focus{0, 0, 0};             ///< where the views start: the target, else the middle level
};

/// Colour of a label value in overlays and surfaces: neighbouring vertebrae differ, discs are
/// cyan, unnamed segments grey, ribs (200+) dim; the target is drawn yellow by the scene.
Rgb labelColour(std::uint16_t label);
inline constexpr Rgb kTargetColour{1.0, 0.9, 0.0};
inline constexpr Rgb kAnchorColour{1.0, 0.55, 0.0};

/// `target` overrides the report's own target when not empty.
/// Seen from the side, tags are written behind their points on rows `rowMm` high (a line of text
/// at the view's scale): a row holding a disc's name or an anchor (also written behind the column)
/// or an earlier tag is taken, and a tag moves to the nearest free height, below first (a fused
/// disc had its cage, fusion, rod and target names on one line). Left and right objects fall on one another seen from the side:
/// the pair is named once. The scene lays them out at its own scale (tests at any).
void layOutSagittalTags(SceneModel& s, double rowMm);

SceneModel buildSceneModel(const ReviewModel& model, const std::string& target = "");

/// The panel with only its first `keep` findings' lines and, when that drops some, one line that
/// counts them and says where they are (the scene's corner cannot always hold a fused spine's
/// findings; the numbering, the target and what was not assessed are never the lines dropped).
std::vector<std::string> shortenedPanel(const SceneModel& s, size_t keep);

/// The banner's words for a numbering status (exposed for the report's key images).
Banner numberingBanner(const ReviewModel& model);

}  // namespace spine::viewer
