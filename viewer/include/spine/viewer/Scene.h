#pragma once
// The VTK scene of one review: a banner with the numbering verdict across the top; the sagittal
// and the straightened (curved) sagittal views full height; coronal, axial, a 3D surface view and
// the side panel beside them. Every level is named beside it (vertebrae in front, discs behind),
// the target is yellow and framed, the numbering anchors are marked in orange, findings in red
// (hardware in blue) at their evidence. Built without a window; `window()` renders on or off screen.
#include <array>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <vtkSmartPointer.h>

#include "spine/viewer/CurvedReformat.h"
#include "spine/viewer/DisplayImages.h"
#include "spine/viewer/SceneModel.h"

class vtkProp;
class vtkRenderWindow;
class vtkRenderer;

namespace spine::viewer {

enum class View { Sagittal, Curved, Coronal, Axial, Surface, Panel, Banner };
inline constexpr std::array<View, 5> kImageViews{View::Sagittal, View::Curved, View::Coronal, View::Axial, View::Surface};
const char* viewName(View v);

enum class Preset { Bone, SoftTissue, Auto };

struct SceneOptions {
  int width = 1600, height = 1000;  ///< pixels
  bool surface = true;              ///< build the 3D surfaces (the slowest part of building)
};

class Scene {
public:
  Scene(DisplayImages images, SceneModel model, CurvedReformat curved, const SceneOptions& options = {});
  ~Scene();
  Scene(const Scene&) = delete;
  Scene& operator=(const Scene&) = delete;

  vtkRenderWindow* window() const;
  vtkRenderer* renderer(View v) const;
  /// The image view under a window pixel (VTK display coordinates, origin bottom left).
  View viewAt(int x, int y) const;

  /// Slices of the three orthogonal views (x for sagittal, y for coronal, z for axial).
  int slice(View v) const;
  int sliceCount(View v) const;
  void setSlice(View v, int index);  ///< clamped
  /// Moves all three orthogonal slices through an LPS point.
  void centreOn(const Vec3& p);
  Vec3 imageCentre() const;
  void setPreset(Preset p);
  Preset preset() const { return m_preset; }
  void setOverlayVisible(bool on);
  bool overlayVisible() const { return m_overlay; }
  void setLabelsVisible(bool on);
  bool labelsVisible() const { return m_labels; }
  void setHelpVisible(bool on);
  bool helpVisible() const { return m_help; }
  void setStatus(const std::string& text);
  /// Replaces the model (after a target review, say): banner, panel, level names and colours.
  void setModel(SceneModel model);
  const SceneModel& model() const { return m_model; }
  /// The name of the level nearest to the axial slice, "" without levels.
  std::string levelAtAxialSlice() const;
  void resetCameras();
  void render();
  /// Redraws what a slice change in view v alters (v, and for axial the reference lines in the
  /// sagittal, coronal and curved views); the other views keep their pixels.
  void scrolled(View v);

private:
  struct Parts;
  std::unique_ptr<Parts> m_parts;
  DisplayImages m_images;
  SceneModel m_model;
  CurvedReformat m_curved;
  SceneOptions m_options;
  Preset m_preset = Preset::Bone;
  bool m_overlay = true, m_labels = true, m_help = false;
  void buildLayout();
  void buildSlices();
  void buildCurved();
  void buildSurface();
  void buildAnnotations();
  void fitPanel();
  void addAnnotation(View v, vtkProp* prop);
  void addLevelMarks(const LevelMark& l);
  void addFindingMarks(const FindingMark& f);
  void spineBounds(double lo[3], double hi[3]) const;
  double sagittalHalfHeight() const;
  void addNumberingWarnings();
  void updateSliceTexts();
  /// The parallel scale that shows halfWidth x halfHeight mm whole in view v.
  double fitted(View v, double halfWidth, double halfHeight) const;
};

/// Keyboard help shown by `h` (and in `view --help`).
const char* keyboardHelp();

}  // namespace spine::viewer
