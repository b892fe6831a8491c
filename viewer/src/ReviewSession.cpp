#include "spine/viewer/ReviewSession.h"

#include <cstdlib>
#include <filesystem>

#include <X11/Xlib.h>
#include <vtkPNGWriter.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowToImageFilter.h>

#include "spine/AtomicFile.h"
#include "spine/Error.h"
#include "spine/LabelMapFile.h"
#include "spine/Study.h"

namespace spine::viewer {

namespace fs = std::filesystem;

LoadedReview loadReview(const std::string& reportDir) {
  LoadedReview r;
  r.model = loadReviewModel(reportDir);
  if (!fs::exists(r.model.inputPath))
    throw SpineError(ExitCode::NoInput, "view", r.model.inputPath,
                     "the study this report was made from is no longer there; the viewer shows it with its image");
  IngestParams params;
  if (r.model.modality == "CT") params.modality = Modality::CT;
  if (r.model.modality == "MR") params.modality = Modality::MR;
  r.volume = loadStudy(r.model.inputPath, params).volume;
  if (r.model.hasLabelMap) r.labels = readLabelMap((fs::path(reportDir) / "labels.nii.gz").string());
  return r;
}

namespace {

/// The centreline the curved view follows: the vertebrae's centroids (discs alone when fewer than
/// two vertebrae; mixing both would zig-zag, as a vertebra's centroid lies behind its disc's).
std::vector<Vec3> centrelinePoints(const ReviewModel& m) {
  std::vector<Vec3> vertebrae, discs;
  for (const ReviewLevel& l : m.levels) (l.disc ? discs : vertebrae).push_back(l.centroid);
  return vertebrae.size() >= 2 ? vertebrae : discs;
}

}  // namespace

std::unique_ptr<Scene> buildScene(const ReviewModel& model, const Volume& volume, const LabelImage* labels,
                                  const std::string& target, const SceneOptions& options) {
  SceneModel sceneModel = buildSceneModel(model, target);
  const std::vector<Vec3> path = centrelinePoints(model);
  CurvedReformat curved = volume.modality == Modality::CT ? straighten(*volume.ct, labels, path) : straighten(*volume.mr, labels, path);
  return std::make_unique<Scene>(makeDisplayImages(volume, labels), std::move(sceneModel), std::move(curved), options);
}

bool displayAvailable(std::string* why) {
  const char* name = std::getenv("DISPLAY");
  if (!name || !*name) {
    if (why) *why = "no X display (DISPLAY is not set): run under xvfb-run, or use --screenshot under xvfb-run";
    return false;
  }
  Display* display = XOpenDisplay(nullptr);
  if (!display) {
    if (why) *why = std::string("cannot open the X display '") + name + "'";
    return false;
  }
  XCloseDisplay(display);
  return true;
}

namespace {

void writePng(vtkRenderWindow* window, const double viewport[4], const std::string& path) {
  vtkNew<vtkWindowToImageFilter> grab;
  grab->SetInput(window);
  grab->SetViewport(const_cast<double*>(viewport));
  grab->ReadFrontBufferOff();
  grab->ShouldRerenderOn();
  vtkNew<vtkPNGWriter> png;
  png->SetInputConnection(grab->GetOutputPort());
  png->WriteToMemoryOn();
  png->Write();
  vtkUnsignedCharArray* bytes = png->GetResult();
  if (!bytes || bytes->GetNumberOfTuples() == 0) throw SpineError(ExitCode::Internal, "view", path, "rendering produced no image");
  writeFileAtomically(path, std::string(reinterpret_cast<const char*>(bytes->GetPointer(0)), size_t(bytes->GetNumberOfTuples())),
                      "view");
}

}  // namespace

std::vector<std::string> writeScreenshots(Scene& scene, const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw SpineError(ExitCode::CantCreate, "view", dir, "cannot create the screenshot folder: " + ec.message());
  scene.window()->SetOffScreenRendering(1);
  scene.render();
  std::vector<std::string> files;
  const double whole[4] = {0, 0, 1, 1};
  writePng(scene.window(), whole, (fs::path(dir) / "overview.png").string());
  files.push_back("overview.png");
  for (View v : kImageViews) {
    double viewport[4];
    scene.renderer(v)->GetViewport(viewport);
    std::string name = std::string(viewName(v)) + ".png";
    writePng(scene.window(), viewport, (fs::path(dir) / name).string());
    files.push_back(name);
  }
  return files;
}

}  // namespace spine::viewer
