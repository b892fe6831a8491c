// The viewer on a real analysis (a lumbar CT phantom analysed by the CLI), rendered under
// xvfb-run: the scene names every level where it is, the screenshots are not blank and show the
// banner and the target, keys drive it, "confirm" and "disagree" reach report.json, and the
// command fails cleanly without a display, a report or the study.
#include "TestHelpers.h"

#include <vtkActor2DCollection.h>
#include <vtkImageData.h>
#include <vtkPNGReader.h>
#include <vtkRenderWindow.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkWindowToImageFilter.h>

#include "spine/viewer/ReviewSession.h"
#include "spine/viewer/Viewer.h"

namespace spine::test {
namespace {

using nlohmann::json;
using namespace spine::viewer;

/// One analysed phantom shared by the suite (written once into the build tree).
class ViewerTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    s_dir = std::make_unique<ScratchFolder>();
    std::ofstream(s_dir->sub("spec.json")) << R"({"seed": 5, "acquisition": {"pixel_mm": 1.2, "slice_mm": 2.0}})";
    ASSERT_EQ(runCli("phantom " + s_dir->sub("spec.json") + " " + s_dir->sub("study"), *s_dir).code, 0);
    CliResult r = runCli("analyze " + s_dir->sub("study/dicom") + " --out " + s_dir->sub("out") + " --target L4-L5 --quiet", *s_dir);
    ASSERT_EQ(r.code, 0) << r.err;
  }
  static void TearDownTestSuite() { s_dir.reset(); }
  static std::string reportDir() { return s_dir->sub("out"); }
  static std::unique_ptr<ScratchFolder> s_dir;
};
std::unique_ptr<ScratchFolder> ViewerTest::s_dir;

std::unique_ptr<Scene> sceneOf(const LoadedReview& r, const std::string& target = "") {
  SceneOptions o;
  o.width = 1200, o.height = 800;
  auto scene = buildScene(r.model, r.volume, r.labels.GetPointer(), target, o);
  scene->window()->SetOffScreenRendering(1);
  return scene;
}

std::vector<vtkTextActor*> texts(vtkRenderer* r) {
  std::vector<vtkTextActor*> out;
  vtkActor2DCollection* actors = r->GetActors2D();
  actors->InitTraversal();
  while (vtkActor2D* a = actors->GetNextActor2D())
    if (auto* t = vtkTextActor::SafeDownCast(a); t && t->GetInput()) out.push_back(t);
  return out;
}

struct Png {
  vtkSmartPointer<vtkImageData> data;
  int width = 0, height = 0;
  std::array<int, 3> at(int x, int y) const {  // y from the top
    auto* p = static_cast<unsigned char*>(data->GetScalarPointer(x, height - 1 - y, 0));
    return {p[0], p[1], p[2]};
  }
};

Png readPng(const std::string& path) {
  vtkNew<vtkPNGReader> reader;
  reader->SetFileName(path.c_str());
  reader->Update();
  Png png{reader->GetOutput(), 0, 0};
  png.width = png.data->GetDimensions()[0];
  png.height = png.data->GetDimensions()[1];
  return png;
}

/// Share of pixels in rows [top, bottom) passing `test`.
template <typename F>
double share(const Png& png, int top, int bottom, F test) {
  long hits = 0, all = 0;
  for (int y = top; y < bottom; ++y)
    for (int x = 0; x < png.width; ++x, ++all) hits += test(png.at(x, y));
  return all ? double(hits) / double(all) : 0;
}

bool yellow(const std::array<int, 3>& c) { return c[0] > 200 && c[1] > 170 && c[2] < 90; }

TEST_F(ViewerTest, EveryLevelIsNamedBesideItInTheSagittalView) {
  LoadedReview review = loadReview(reportDir());
  auto scene = sceneOf(review);
  std::map<std::string, double> shownAtZ;
  for (vtkTextActor* t : texts(scene->renderer(View::Sagittal)))
    if (t->GetPositionCoordinate()->GetCoordinateSystem() == VTK_WORLD) shownAtZ[t->GetInput()] = t->GetPositionCoordinate()->GetValue()[2];
  ASSERT_GE(review.model.levels.size(), 11u);
  for (const ReviewLevel& l : review.model.levels) {
    std::string shown = l.name + (l.name == "L4-L5" ? "  TARGET" : "");
    ASSERT_TRUE(shownAtZ.count(shown)) << shown;
    EXPECT_NEAR(shownAtZ[shown], l.centroid[2], 1e-6) << shown;
  }
  EXPECT_TRUE(shownAtZ.count("< anchor: sacrum"));
  EXPECT_TRUE(shownAtZ.count("< anchor: last rib pair"));
}

TEST_F(ViewerTest, ScreenshotsShowTheBannerTheTargetAndTheSpine) {
  LoadedReview review = loadReview(reportDir());
  ASSERT_NE(review.model.numberingStatus, "confirmed") << "a lumbar field cannot confirm the count";
  auto scene = sceneOf(review);
  ScratchFolder dir;
  std::vector<std::string> files = writeScreenshots(*scene, dir.sub("shots"));
  EXPECT_EQ(files, (std::vector<std::string>{"overview.png", "sagittal.png", "curved.png", "coronal.png", "axial.png", "3d.png"}));
  Png overview = readPng(dir.sub("shots/overview.png"));
  ASSERT_EQ(overview.width, 1200);
  double red = share(overview, 0, 60, [](auto c) { return c[0] > 150 && c[1] < 40 && c[2] < 40; });
  EXPECT_GT(red, 0.6) << "the numbering warning banner is red across the top";
  for (const std::string& f : files) {
    Png png = readPng(dir.sub("shots/" + f));
    double lit = share(png, 0, png.height, [](auto c) { return c[0] + c[1] + c[2] > 120; });
    EXPECT_GT(lit, 0.05) << f << " is blank";
    double warning = share(png, png.height - 40, png.height, [](auto c) { return c[0] > 200 && c[1] < 110 && c[2] < 110; });
    if (f != "overview.png") {
      EXPECT_GT(warning, 0.001) << f << ": every key image carries the numbering warning";
    }
  }
  for (const std::string f : {"sagittal.png", "curved.png", "coronal.png", "axial.png"}) {
    Png png = readPng(dir.sub("shots/" + f));
    EXPECT_GT(share(png, 0, png.height, yellow), 0.0005) << f << ": the target is highlighted";
  }
  // Without a target nothing is yellow.
  auto plain = sceneOf(review, "none");
  writeScreenshots(*plain, dir.sub("plain"));
  Png png = readPng(dir.sub("plain/sagittal.png"));
  EXPECT_LT(share(png, 0, png.height, yellow), 0.0002);
}

/// The window's pixels as last drawn (no re-render).
vtkSmartPointer<vtkImageData> grab(Scene& scene) {
  vtkNew<vtkWindowToImageFilter> g;
  g->SetInput(scene.window());
  g->ShouldRerenderOff();
  g->Update();
  vtkSmartPointer<vtkImageData> out = g->GetOutput();
  return out;
}

/// Share of pixels that differ between two grabs inside a view's viewport.
double changed(Scene& scene, View v, vtkImageData* a, vtkImageData* b) {
  double vp[4];
  scene.renderer(v)->GetViewport(vp);
  const int* size = a->GetDimensions();
  long differ = 0, all = 0;
  for (int y = int(vp[1] * size[1]) + 2; y < int(vp[3] * size[1]) - 2; ++y)
    for (int x = int(vp[0] * size[0]) + 2; x < int(vp[2] * size[0]) - 2; ++x, ++all) {
      auto* p = static_cast<unsigned char*>(a->GetScalarPointer(x, y, 0));
      auto* q = static_cast<unsigned char*>(b->GetScalarPointer(x, y, 0));
      differ += p[0] != q[0] || p[1] != q[1] || p[2] != q[2];
    }
  return all ? double(differ) / double(all) : 0;
}

TEST_F(ViewerTest, ScrollingRedrawsTheScrolledViewAndKeepsTheOthers) {
  LoadedReview review = loadReview(reportDir());
  auto scene = sceneOf(review);
  scene->render();
  vtkSmartPointer<vtkImageData> before = grab(*scene);
  scene->setSlice(View::Axial, scene->slice(View::Axial) + 12);
  scene->scrolled(View::Axial);
  vtkSmartPointer<vtkImageData> after = grab(*scene);
  EXPECT_GT(changed(*scene, View::Axial, before, after), 0.05) << "the scrolled view shows the new slice";
  EXPECT_GT(changed(*scene, View::Sagittal, before, after), 0.0) << "the sagittal reference line moved";
  EXPECT_EQ(changed(*scene, View::Surface, before, after), 0.0) << "the 3D view kept its picture";
  before = grab(*scene);
  scene->setSlice(View::Coronal, scene->slice(View::Coronal) + 12);
  scene->scrolled(View::Coronal);
  after = grab(*scene);
  EXPECT_GT(changed(*scene, View::Coronal, before, after), 0.05);
  for (View v : {View::Sagittal, View::Curved, View::Axial, View::Surface})
    EXPECT_EQ(changed(*scene, v, before, after), 0.0) << viewName(v) << " kept its picture";
}

TEST_F(ViewerTest, KeysScrollStepLevelsToggleAndPreset) {
  LoadedReview review = loadReview(reportDir());
  Viewer viewer(sceneOf(review), review.model, {reportDir(), "", "tester"});
  Scene& scene = viewer.scene();
  int z = scene.slice(View::Axial);
  EXPECT_TRUE(viewer.handleKey("Up", View::Axial));
  EXPECT_EQ(scene.slice(View::Axial), z + 1);
  EXPECT_TRUE(viewer.handleKey("Next", View::Axial));
  EXPECT_EQ(scene.slice(View::Axial), z - 9);
  viewer.handleKey("t", View::Axial);
  EXPECT_EQ(scene.levelAtAxialSlice(), "L4-L5  TARGET");
  viewer.handleKey("n", View::Axial);
  EXPECT_EQ(scene.levelAtAxialSlice(), "L5");
  viewer.handleKey("p", View::Axial);
  viewer.handleKey("p", View::Axial);
  EXPECT_EQ(scene.levelAtAxialSlice(), "L4");
  viewer.handleKey("o", View::Axial);
  EXPECT_FALSE(scene.overlayVisible());
  viewer.handleKey("l", View::Axial);
  EXPECT_FALSE(scene.labelsVisible());
  viewer.handleKey("2", View::Axial);
  EXPECT_EQ(scene.preset(), Preset::SoftTissue);
  viewer.handleKey("h", View::Axial);
  EXPECT_TRUE(scene.helpVisible());
  EXPECT_FALSE(viewer.handleKey("F7", View::Axial));
}

TEST_F(ViewerTest, KeyEventsReachTheViewerThroughTheInteractor) {
  LoadedReview review = loadReview(reportDir());
  Viewer viewer(sceneOf(review), review.model, {reportDir(), "", "tester"});
  vtkNew<vtkRenderWindowInteractor> interactor;
  viewer.attach(interactor);
  viewer.handleKey("t", View::Axial);
  interactor->SetEventPosition(700, 200);  // over the axial view (1200 x 800 window)
  interactor->SetKeySym("n");
  interactor->InvokeEvent(vtkCommand::KeyPressEvent);
  EXPECT_EQ(viewer.scene().levelAtAxialSlice(), "L5");
  int z = viewer.scene().slice(View::Axial);
  interactor->InvokeEvent(vtkCommand::MouseWheelForwardEvent);
  EXPECT_EQ(viewer.scene().slice(View::Axial), z + 1);
  interactor->SetKeySym("m");
  interactor->InvokeEvent(vtkCommand::KeyPressEvent);
  EXPECT_TRUE(viewer.measuring());
  interactor->InvokeEvent(vtkCommand::KeyPressEvent);
  EXPECT_FALSE(viewer.measuring());
}

TEST_F(ViewerTest, ConfirmAndDisagreeAreRecordedInTheReport) {
  ScratchFolder dir;
  fs::copy(reportDir(), dir.sub("out"), fs::copy_options::recursive);
  LoadedReview review = loadReview(dir.sub("out"));
  Viewer viewer(sceneOf(review), review.model, {dir.sub("out"), "", "dr. tester"});
  EXPECT_EQ(viewer.currentLevel(), "L4-L5");
  viewer.handleKey("c", View::Sagittal);
  for (const std::string key : {"d", "L", "5", "space", "i", "s", "BackSpace", "s", "Shift_L", "Return"})
    viewer.handleKey(key, View::Sagittal);
  json report = json::parse(slurp(dir.path() / "out/report.json"));
  ASSERT_EQ(report["target_reviews"].size(), 2u);
  EXPECT_EQ(report["target_reviews"][0]["decision"], "confirmed");
  EXPECT_EQ(report["target_reviews"][0]["reviewer"], "dr. tester");
  EXPECT_EQ(report["target_reviews"][0]["level"], "L4-L5");
  EXPECT_EQ(report["target_reviews"][1]["decision"], "disagreed");
  EXPECT_EQ(report["target_reviews"][1]["note"], "L5 is");
  bool shown = false;
  for (const std::string& line : viewer.scene().model().panel) shown |= line.find("DISAGREED by dr. tester") != std::string::npos;
  EXPECT_TRUE(shown) << "the panel shows the decisions";
}

TEST_F(ViewerTest, ViewCommandWritesScreenshotsAndAnalyzeWritesKeyImages) {
  ScratchFolder dir;
  CliResult r = runCli("view " + reportDir() + " --screenshot " + dir.sub("shots"), dir);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.sub("shots/overview.png")));
  r = runCli("analyze " + s_dir->sub("study/dicom") + " --out " + dir.sub("out") + " --key-images --quiet", dir);
  ASSERT_EQ(r.code, 0) << r.err;
  json report = json::parse(slurp(dir.path() / "out/report.json"));
  ASSERT_EQ(report["key_images"].size(), 6u);
  for (const json& f : report["key_images"]) EXPECT_TRUE(fs::exists(dir.path() / "out" / f.get<std::string>())) << f;
  r = runCli("analyze " + s_dir->sub("study/dicom") + " --out " + dir.sub("out2") + " --key-images --quiet", dir, "DISPLAY= ");
  ASSERT_EQ(r.code, 0) << r.err;
  report = json::parse(slurp(dir.path() / "out2/report.json"));
  EXPECT_FALSE(report.contains("key_images"));
  EXPECT_NE(report["warnings"].dump().find("key images not rendered: no X display"), std::string::npos);
}

TEST_F(ViewerTest, ViewFailsCleanlyWithoutDisplayReportOrStudy) {
  ScratchFolder dir;
  CliResult r = runCli("view " + reportDir(), dir, "DISPLAY= ");
  EXPECT_EQ(r.code, 69);
  EXPECT_NE(r.err.find("xvfb-run"), std::string::npos) << r.err;
  r = runCli("view " + s_dir->sub("study/dicom"), dir);
  EXPECT_EQ(r.code, 64);
  EXPECT_NE(r.err.find("give --out"), std::string::npos) << r.err;
  // The study the report names has gone.
  fs::create_directories(dir.sub("moved"));
  json report = json::parse(slurp(fs::path(reportDir()) / "report.json"));
  report["input"]["path"] = dir.sub("gone");
  std::ofstream(dir.sub("moved/report.json")) << report.dump();
  r = runCli("view " + dir.sub("moved"), dir);
  EXPECT_EQ(r.code, 66);
  EXPECT_NE(r.err.find(dir.sub("gone")), std::string::npos) << r.err;
  // A damaged report.
  std::ofstream(dir.sub("moved/report.json")) << "{\"schema\": \"spinereview.report\", \"input\": ";
  r = runCli("view " + dir.sub("moved"), dir);
  EXPECT_EQ(r.code, 65);
  EXPECT_NE(r.err.find("report.json"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace spine::test
