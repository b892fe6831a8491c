#pragma once
// CT spine: localise the column, find the discs along it, segment every vertebra (body and
// posterior elements, by geodesic growth through bone from the bodies), the discs between them and
// the ribs. Levels are not named here: that is numbering's job (Numbering.h), from the features
// measured here. Coordinates LPS mm; the label map's grid is the CT's (reoriented to LPS axes).
#include <vector>

#include "spine/Metal.h"
#include "spine/PixelTypes.h"
#include "spine/Vec3.h"

namespace spine {

struct SegmentationParams {
  double boneHu = 250;          ///< bone threshold (at most marrow + 40 HU); marrow below it is filled when enclosed
  double localiseMm = 2.0;      ///< grid of the centreline search
  double maxStepMm = 5.0;       ///< centreline: largest move per 2 mm of height
  double discProminenceHu = 25; ///< a disc trough is at least this much darker than its flanking endplates
  double minVertebraMm = 10;    ///< smallest distance between discs
  double ribLateralMm = 50;     ///< bone beyond this lateral distance from a body counts as rib (the rib-bearing test)
  double ribLabelMm = 28;       ///< a rib-bearing vertebra's bone beyond this lateral distance is labelled its rib: a
                                ///< thoracic vertebra reaches 24-28 mm on the phantoms, T12 27 mm on the real CT, while
                                ///< the rib starts at 12-18 mm (phantoms) and 30 mm (the real T12)
  double minRibMm3 = 400;       ///< rib volume for a vertebra to count as rib-bearing
  double faintMarrowHu = 140;   ///< marrow below this (osteopenic): discs from the HU profile, bodies filled by footprint
  MetalRule metal;              ///< metal, as the detectors find it (spine/Metal.h)
  double screwPlaneMm2 = 100;   ///< metal in one axial plane near the column: a screw lies in it (two rods are ~60 mm2;
                                ///< a tilted gantry cuts a screw into planes of 140 mm2)
  double rodPlaneMm2 = 30;      ///< metal in the plane of a trough that does not read as disc puts it in doubt (two rods)
  double screwPlaneDiscHu = 160;  ///< in a screw's plane a trough brighter than this is the band between screws, not disc
  double screwAxisMm = 20;       ///< a screw's plane whose screw-sized metal (screwPlaneMm2) lies this near the column's axis
                                ///< is a body's mid-plane: shafts converge into the body, while at a disc only posterior
                                ///< heads and rods (30 mm and more behind) or a plate (82 mm2) lie in it (see SpineMetalDiscs.cpp)
  // An interbody cage (PEEK or metal) below the lowest disc found (discAtCageBelow): a run of
  // uniform material brighter than the vertebra above it, where the next disc should be.
  double cageSdHu = 30;          ///< spread over 7 mm round the axis: PEEK 7-27 HU on the phantoms, bodies' edges and endplates 60-160
  double cageRelativeSd = 0.05;  ///< or this share of the mean: a titanium cage's 4400 HU spreads 26-41 HU, a screw beside marrow thousands
  double cageAboveBodyHu = 30;   ///< PEEK 292-355 HU against the smooth parts of the body above, 229-247 (screw streaks) on the phantoms
  double cageSearchFraction = 0.4;  ///< within this share of the spacing above it of where the next disc should be
  double cageMinRunMm = 4, cageMaxRunMm = 20;  ///< a disc space's height, not an endplate's, not a body's
  unsigned threads = 2;
};

struct SegmentedVertebra {
  std::uint16_t id = 0;         ///< value in the working label map (1..n, cranial to caudal)
  Vec3 bodyCentre{0, 0, 0}, axis{0, 0, 1};  ///< slab centre and axis (centroids: LevelTable)
  double heightMm = 0;          ///< between its discs along the axis
  double ribMm3 = 0;            ///< bone reached beyond the rib distance
  bool hasRibs = false;
  bool sacrumLike = false;      ///< lowest segment, cut by the field's lower edge, 45 mm or more without a disc
  bool cutTop = false, cutBottom = false;  ///< reaches the field's edge
};

/// How a CT disc was placed: at a dip of the column's profiles (the normal case), at a metal
/// interbody cage, where metal hides it by the spacing of the discs above and below, or, where a
/// thin disc blurs with its endplates in faint marrow, at that bright band between two bodies.
enum class DiscPlacement { Trough, Cage, Spacing, EndplateBand };

struct SegmentedDisc {
  std::uint16_t id = 0;         ///< value in the working label map (1000 + index)
  Vec3 centre{0, 0, 0}, normal{0, 0, 1};
  double heightMm = 0, prominenceHu = 0;
  std::size_t voxels = 0;
  DiscPlacement placement = DiscPlacement::Trough;
  bool cutByField = false;      ///< only part of its height is in view (a disc at the field's edge)
};

struct SpineSegmentation {
  std::vector<Vec3> centreline;            ///< through the vertebral bodies, caudal to cranial, ~1 mm apart
  std::vector<SegmentedVertebra> vertebrae;  ///< cranial to caudal
  /// Cranial to caudal. discs[i] lies between vertebrae[i - 1] and vertebrae[i] when a disc lies above
  /// the top vertebra (discAboveTop), else between vertebrae[i] and vertebrae[i + 1].
  std::vector<SegmentedDisc> discs;
  /// A disc between an end vertebra and the field's edge, with at most a sliver of the vertebra beyond
  /// it in view: discs.front() above vertebrae.front(), discs.back() below vertebrae.back().
  bool discAboveTop = false, discBelowBottom = false;
  bool skullAbove = false;                 ///< bone mass above the top of the column (C1/C2 in view)
  LabelImage::Pointer labels;              ///< working ids: vertebra id, 1000+i disc, 2000+vertebra id rib
  std::vector<std::string> notes;          ///< what the segmentation could not do, in words
};

/// The column in a CT. Throws nothing on anatomy it cannot find: the result is then empty with a
/// note saying why.
SpineSegmentation segmentSpineCt(const CtImage& ct, const SegmentationParams& params = {});

}  // namespace spine
