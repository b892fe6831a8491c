#include "spine/viewer/Viewer.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkDistanceRepresentation2D.h>
#include <vtkDistanceWidget.h>
#include <vtkInteractorStyleImage.h>
#include <vtkObjectFactory.h>
#include <vtkRenderWindow.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>

#include "spine/Error.h"
#include "spine/TargetReview.h"
#include "spine/viewer/ReviewSession.h"

namespace spine::viewer {

namespace fs = std::filesystem;

Viewer::Viewer(std::unique_ptr<Scene> scene, ReviewModel model, ViewerOptions options)
    : m_scene(std::move(scene)), m_model(std::move(model)), m_options(std::move(options)) {
  if (m_options.reviewer.empty()) {
    const char* user = std::getenv("USER");
    m_options.reviewer = user && *user ? user : "unknown reviewer";
  }
  if (m_options.target.empty()) m_options.target = m_model.target;
  m_level = m_model.levelIndex(m_options.target);
}

Viewer::~Viewer() = default;

void Viewer::refresh() {
  if (m_interactor) m_scene->render();
}

void Viewer::scroll(View v, int delta) {
  m_scene->setSlice(v, m_scene->slice(v) + delta);
  if (m_interactor) m_scene->scrolled(v);
}

void Viewer::goTo(const Vec3& p, const std::string& status) {
  m_scene->centreOn(p);
  m_scene->setStatus(status);
  refresh();
}

void Viewer::stepLevel(int direction) {
  if (m_model.levels.empty()) return goTo(m_scene->model().focus, "no levels were identified");
  m_level = std::clamp(m_level < 0 ? 0 : m_level + direction, 0, int(m_model.levels.size()) - 1);
  const ReviewLevel& l = m_model.levels[size_t(m_level)];
  char text[160];
  std::snprintf(text, sizeof text, "level %s (confidence %.2f)", l.name.c_str(), l.confidence);
  goTo(l.centroid, text);
}

void Viewer::jumpToTarget() {
  int i = m_model.levelIndex(m_options.target);
  if (i < 0)
    return goTo(m_scene->model().focus, m_options.target.empty() ? "no target given" : "target " + m_options.target + " not located");
  m_level = i;
  goTo(m_model.levels[size_t(i)].centroid, "target " + m_options.target);
}

void Viewer::nextFinding() {
  const auto& findings = m_scene->model().findings;
  if (findings.empty()) return goTo(m_scene->model().focus, "no findings reported");
  m_finding = (m_finding + 1) % int(findings.size());
  const FindingMark& f = findings[size_t(m_finding)];
  goTo(f.points.empty() ? m_scene->model().focus : f.points.front(), f.text);
}

void Viewer::nextAnchor() {
  const auto& levels = m_scene->model().levels;
  for (size_t k = 1; k <= levels.size(); ++k) {
    size_t i = (size_t(m_anchor + 1) + k - 1) % levels.size();
    if (levels[i].anchor.empty()) continue;
    m_anchor = int(i);
    return goTo(levels[i].position, "anchor: " + levels[i].anchor + " at " + m_model.levels[i].name);
  }
  goTo(m_scene->model().focus, "no numbering anchor in view: the count cannot be checked on this study");
}

void Viewer::zoom(View v, double factor) {
  vtkCamera* camera = m_scene->renderer(v)->GetActiveCamera();
  if (camera->GetParallelProjection()) camera->SetParallelScale(camera->GetParallelScale() / factor);
  else camera->Zoom(factor);
  refresh();
}

std::string Viewer::currentLevel() const {
  if (m_model.levelIndex(m_options.target) >= 0) return m_options.target;
  return m_level >= 0 && m_level < int(m_model.levels.size()) ? m_model.levels[size_t(m_level)].name : m_options.target;
}

std::string Viewer::decide(bool agreed, const std::string& note) {
  TargetReview review{currentLevel(), agreed, m_options.reviewer, note, ""};
  std::string status;
  try {
    nlohmann::json report = recordTargetReview(m_options.reportDir, review);
    m_model = readReviewModel(report, m_options.reportDir, m_options.reportDir + "/report.json");
    m_scene->setModel(buildSceneModel(m_model, m_options.target));
    status = std::string(agreed ? "CONFIRMED " : "DISAGREED ") + review.level + " by " + review.reviewer + ", recorded in report.json";
  } catch (const SpineError& e) {
    status = "NOT RECORDED: " + e.oneLine();
  }
  m_scene->setStatus(status);
  refresh();
  return status;
}

void Viewer::toggleMeasure() {
  if (!m_interactor) return;
  if (!m_measure) {
    m_measure = vtkSmartPointer<vtkDistanceWidget>::New();
    m_measure->SetInteractor(m_interactor);
    m_measure->CreateDefaultRepresentation();
    vtkDistanceRepresentation2D::SafeDownCast(m_measure->GetRepresentation())->SetLabelFormat("%-#6.1f mm");
  }
  bool on = !m_measure->GetEnabled();
  m_measure->SetEnabled(on);
  m_scene->setStatus(on ? "measure: click two points in a slice view (m again to stop)" : "measure off");
  refresh();
}

bool Viewer::measuring() const { return m_measure && m_measure->GetEnabled(); }

std::string Viewer::screenshot() {
  const std::string dir = (fs::path(m_options.reportDir) / "screenshots").string();
  std::string status;
  try {
    writeScreenshots(*m_scene, dir);
    m_scene->window()->SetOffScreenRendering(0);
    status = "screenshots written to " + dir;
  } catch (const SpineError& e) {
    status = "screenshot failed: " + e.oneLine();
  }
  m_scene->setStatus(status);
  refresh();
  return status;
}

bool Viewer::typeNote(const std::string& key) {
  if (key == "Return" || key == "KP_Enter") {
    m_typingNote = false;
    decide(false, m_note);
  } else if (key == "Escape") {
    m_typingNote = false;
    m_scene->setStatus("disagreement not recorded");
  } else if (key == "BackSpace") {
    if (!m_note.empty()) m_note.pop_back();
  } else if (key == "space") {
    m_note += ' ';
  } else if (key.size() == 1) {
    m_note += key;
  } else if (!key.empty()) {
    return true;  // Shift, arrows...: ignored while typing
  }
  if (m_typingNote) m_scene->setStatus("DISAGREE with " + currentLevel() + " - note: " + m_note + "_  (Enter records, Esc cancels)");
  refresh();
  return true;
}

bool Viewer::handleKey(const std::string& key, View under) {
  if (m_typingNote) return typeNote(key);
  const View slices = under == View::Sagittal || under == View::Coronal || under == View::Axial ? under : View::Axial;
  if (key == "Up" || key == "Prior") scroll(slices, key == "Up" ? 1 : 10);
  else if (key == "Down" || key == "Next") scroll(slices, key == "Down" ? -1 : -10);
  else if (key == "n") stepLevel(+1);
  else if (key == "p") stepLevel(-1);
  else if (key == "t") jumpToTarget();
  else if (key == "f") nextFinding();
  else if (key == "a") nextAnchor();
  else if (key == "1" || key == "2" || key == "3") {
    m_scene->setPreset(key == "1" ? Preset::Bone : key == "2" ? Preset::SoftTissue : Preset::Auto);
    refresh();
  } else if (key == "plus" || key == "equal" || key == "KP_Add") zoom(under, 1.2);
  else if (key == "minus" || key == "KP_Subtract") zoom(under, 1 / 1.2);
  else if (key == "o") m_scene->setOverlayVisible(!m_scene->overlayVisible()), refresh();
  else if (key == "l") m_scene->setLabelsVisible(!m_scene->labelsVisible()), refresh();
  else if (key == "h") m_scene->setHelpVisible(!m_scene->helpVisible()), refresh();
  else if (key == "r") m_scene->resetCameras(), refresh();
  else if (key == "m") toggleMeasure();
  else if (key == "c") decide(true, "");
  else if (key == "d") {
    m_typingNote = true;
    m_note.clear();
    typeNote("");
  } else if (key == "s") screenshot();
  else if (key == "q" || key == "Escape") {
    if (m_interactor) m_interactor->TerminateApp();
  } else return false;
  return true;
}

namespace {

/// vtkInteractorStyleImage without its own key bindings (its '3' would toggle stereo, 'r' reset
/// window/level...): keys go to the Viewer, the wheel scrolls slices, drags keep their meaning
/// (left: window/level in slices and rotation in 3D, middle: pan, right: zoom).
class ReviewStyle : public vtkInteractorStyleImage {
public:
  static ReviewStyle* New();
  vtkTypeMacro(ReviewStyle, vtkInteractorStyleImage);
  Viewer* viewer = nullptr;

  View viewUnderMouse() {
    int* p = GetInteractor()->GetEventPosition();
    return viewer->scene().viewAt(p[0], p[1]);
  }
  void OnChar() override {}
  void OnKeyPress() override {
    if (viewer) viewer->handleKey(GetInteractor()->GetKeySym() ? GetInteractor()->GetKeySym() : "", viewUnderMouse());
  }
  void OnMouseWheelForward() override { wheel(+1); }
  void OnMouseWheelBackward() override { wheel(-1); }
  void OnLeftButtonDown() override {
    if (viewUnderMouse() == View::Surface) SetInteractionModeToImage3D();
    else SetInteractionModeToImage2D();
    vtkInteractorStyleImage::OnLeftButtonDown();
  }

private:
  void wheel(int direction) {
    View v = viewUnderMouse();
    if (v == View::Surface || v == View::Curved) viewer->zoom(v, direction > 0 ? 1.1 : 1 / 1.1);
    else viewer->scroll(v, direction);
  }
};
vtkStandardNewMacro(ReviewStyle);

}  // namespace

void Viewer::attach(vtkRenderWindowInteractor* interactor) {
  m_interactor = interactor;
  vtkNew<ReviewStyle> style;
  style->viewer = this;
  interactor->SetInteractorStyle(style);
  interactor->SetRenderWindow(m_scene->window());
}

void Viewer::run() {
  vtkNew<vtkRenderWindowInteractor> interactor;
  attach(interactor);
  interactor->Initialize();
  m_scene->setStatus("press h for keys; c confirms " + (currentLevel().empty() ? std::string("the level you step to") : currentLevel()));
  m_scene->render();
  interactor->Start();
  m_interactor = nullptr;
}

}  // namespace spine::viewer
