#pragma once
// The interactive review: keyboard and mouse actions on a Scene (keyboardHelp() lists them), and
// the "confirm target" / "disagree" actions that record who decided what into report.json. Every
// action is a method, so tests drive it without a person (and key events under xvfb-run).
#include <memory>
#include <string>

#include <vtkSmartPointer.h>

#include "spine/viewer/ReviewModel.h"
#include "spine/viewer/Scene.h"

class vtkDistanceWidget;
class vtkRenderWindowInteractor;

namespace spine::viewer {

struct ViewerOptions {
  std::string reportDir;  ///< where report.json lives (reviews and screenshots go here)
  std::string target;     ///< overrides the report's target
  std::string reviewer;   ///< who confirms; $USER when empty
};

class Viewer {
public:
  Viewer(std::unique_ptr<Scene> scene, ReviewModel model, ViewerOptions options);
  ~Viewer();
  Scene& scene() { return *m_scene; }

  void scroll(View v, int delta);
  void stepLevel(int direction);  ///< next (+1) or previous (-1) level: slices through its centroid
  void jumpToTarget();
  void nextFinding();
  void nextAnchor();
  void zoom(View v, double factor);
  /// Records the decision on the target (or, with no target, on the level last stepped to).
  /// Returns the status line shown.
  std::string decide(bool agreed, const std::string& note);
  void toggleMeasure();
  bool measuring() const;
  std::string screenshot();
  /// A key as VTK names it ("n", "Up", "Return", "plus"); `under` is the view under the mouse.
  /// While a disagreement note is being typed, keys go to the note. Returns false for unknown keys.
  bool handleKey(const std::string& keySym, View under);
  /// Connects to an interactor (mouse wheel scrolls the view under it; keys as above).
  void attach(vtkRenderWindowInteractor* interactor);
  /// Opens the window and runs until the reviewer quits (needs a display: displayAvailable()).
  void run();
  /// The level the review is about: the target if located, else the last one stepped to ("" none).
  std::string currentLevel() const;

private:
  std::unique_ptr<Scene> m_scene;
  ReviewModel m_model;
  ViewerOptions m_options;
  int m_level = -1, m_finding = -1, m_anchor = -1;
  bool m_typingNote = false;
  std::string m_note;
  vtkSmartPointer<vtkDistanceWidget> m_measure;
  vtkRenderWindowInteractor* m_interactor = nullptr;
  void refresh();
  void goTo(const Vec3& p, const std::string& status);
  bool typeNote(const std::string& keySym);
};

}  // namespace spine::viewer
