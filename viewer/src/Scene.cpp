#include "spine/viewer/Scene.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include <vtkActor.h>
#include <vtkActor2D.h>
#include <vtkCamera.h>
#include <vtkCoordinate.h>
#include <vtkDiscreteFlyingEdges3D.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageShrink3D.h>
#include <vtkImageSlice.h>
#include <vtkImageSliceMapper.h>
#include <vtkImageStack.h>
#include <vtkLineSource.h>
#include <vtkLookupTable.h>
#include <vtkNew.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty2D.h>
#include <vtkProperty.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkWindowedSincPolyDataFilter.h>

namespace spine::viewer {

const char* viewName(View v) {
  switch (v) {
    case View::Sagittal: return "sagittal";
    case View::Curved: return "curved";
    case View::Coronal: return "coronal";
    case View::Axial: return "axial";
    case View::Surface: return "3d";
    case View::Panel: return "panel";
    case View::Banner: return "banner";
  }
  return "?";
}

const char* keyboardHelp() {
  return "Keys (mouse over a view):\n"
         "  wheel, Up/Down, PageUp/PageDown  scroll slices\n"
         "  n / p      next / previous level     t  jump to the target\n"
         "  f          next finding              a  jump to the anchors in turn\n"
         "  1 / 2 / 3  bone / soft tissue / auto window;  left drag: window and level\n"
         "  right drag or + / -  zoom;  middle drag or shift+left drag: pan;  r  reset views\n"
         "  o  overlay on/off   l  level names on/off   m  measure a distance (click two points)\n"
         "  c  confirm the target level   d  disagree (type a note, Enter to record, Esc to cancel)\n"
         "  s  screenshot into the report folder   h  this help   q  quit";
}

namespace {

constexpr int kViews = 7;
// Normalised viewports {xmin, ymin, xmax, ymax}: banner on top; sagittal and curved full height;
// coronal / 3D over axial / panel.
constexpr double kBannerBottom = 0.915;
const double kViewports[kViews][4] = {
    {0.00, 0.00, 0.28, kBannerBottom},  // sagittal
    {0.28, 0.00, 0.46, kBannerBottom},  // curved
    {0.46, 0.46, 0.73, kBannerBottom},  // coronal
    {0.46, 0.00, 0.73, 0.46},           // axial
    {0.73, 0.46, 1.00, kBannerBottom},  // 3d
    {0.73, 0.00, 1.00, 0.46},           // panel
    {0.00, kBannerBottom, 1.00, 1.00},  // banner
};

int axisOf(View v) { return v == View::Sagittal ? 0 : v == View::Coronal ? 1 : 2; }

std::string wrap(const std::string& text, size_t width) {
  std::string out, line;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) out += line + "\n", line.clear();
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return out + line;
}

vtkSmartPointer<vtkTextActor> text(const std::string& s, int size, const Rgb& colour) {
  auto a = vtkSmartPointer<vtkTextActor>::New();
  a->SetInput(s.c_str());
  a->GetTextProperty()->SetFontSize(size);
  a->GetTextProperty()->SetColor(colour[0], colour[1], colour[2]);
  a->GetTextProperty()->SetFontFamilyToArial();
  return a;
}

vtkSmartPointer<vtkTextActor> textAtWorld(const std::string& s, int size, const Rgb& colour, const Vec3& at, bool rightAligned) {
  auto a = text(s, size, colour);
  a->GetPositionCoordinate()->SetCoordinateSystemToWorld();
  a->GetPositionCoordinate()->SetValue(at[0], at[1], at[2]);
  a->GetTextProperty()->SetJustification(rightAligned ? VTK_TEXT_RIGHT : VTK_TEXT_LEFT);
  a->GetTextProperty()->SetVerticalJustificationToCentered();
  a->GetTextProperty()->BoldOn();
  a->GetTextProperty()->SetBackgroundColor(0, 0, 0);  // readable over bone; cheaper than a shadow
  a->GetTextProperty()->SetBackgroundOpacity(0.55);
  return a;
}

/// A thin line between two world points drawn over the images (a tag moved off its mark points back
/// to it).
vtkSmartPointer<vtkActor2D> leaderAtWorld(const Vec3& from, const Vec3& to, const Rgb& colour) {
  vtkNew<vtkLineSource> line;
  line->SetPoint1(from[0], from[1], from[2]);
  line->SetPoint2(to[0], to[1], to[2]);
  vtkNew<vtkCoordinate> world;
  world->SetCoordinateSystemToWorld();
  vtkNew<vtkPolyDataMapper2D> mapper;
  mapper->SetInputConnection(line->GetOutputPort());
  mapper->SetTransformCoordinate(world);
  auto a = vtkSmartPointer<vtkActor2D>::New();
  a->SetMapper(mapper);
  a->GetProperty()->SetColor(colour[0], colour[1], colour[2]);
  a->GetProperty()->SetOpacity(0.7);
  return a;
}

vtkSmartPointer<vtkTextActor> textAtViewport(const std::string& s, int size, double x, double y, bool top) {
  auto a = text(s, size, {0.9, 0.9, 0.9});
  a->GetPositionCoordinate()->SetCoordinateSystemToNormalizedViewport();
  a->GetPositionCoordinate()->SetValue(x, y);
  if (top) a->GetTextProperty()->SetVerticalJustificationToTop();
  return a;
}

vtkSmartPointer<vtkLookupTable> labelLookup(const SceneModel& model) {
  auto lut = vtkSmartPointer<vtkLookupTable>::New();
  lut->SetNumberOfTableValues(1000);
  lut->SetTableRange(-0.5, 999.5);
  for (int v = 0; v < 1000; ++v) {
    Rgb c = labelColour(std::uint16_t(v));
    lut->SetTableValue(v, c[0], c[1], c[2], v == 0 ? 0.0 : 1.0);
  }
  if (model.targetIndex >= 0) {
    std::uint16_t t = model.levels[size_t(model.targetIndex)].label;
    if (t < 1000) lut->SetTableValue(t, kTargetColour[0], kTargetColour[1], kTargetColour[2], 1.0);
  }
  lut->Build();
  return lut;
}

}  // namespace

struct Scene::Parts {
  vtkNew<vtkRenderWindow> window;
  std::array<vtkSmartPointer<vtkRenderer>, kViews> renderers;
  vtkSmartPointer<vtkLookupTable> lut;
  std::array<vtkSmartPointer<vtkImageSliceMapper>, 3> imageMappers, labelMappers;  // sagittal, coronal, axial
  std::vector<vtkSmartPointer<vtkImageSlice>> imageSlices, labelSlices;           // including the curved view
  std::vector<vtkSmartPointer<vtkProp>> annotations;                              // rebuilt by setModel
  std::vector<vtkSmartPointer<vtkProp>> warnings;  // numbering warning on every view: never hidden
  std::array<vtkSmartPointer<vtkTextActor>, kViews> titles;
  std::array<vtkSmartPointer<vtkLineSource>, 3> axialLines;  // sagittal, coronal, curved
  vtkSmartPointer<vtkActor> surface;
  vtkSmartPointer<vtkTextActor> banner, panel, help, status;
  vtkSmartPointer<vtkTextActor> axialTarget;  // shown while the axial slice is at the target
};

Scene::Scene(DisplayImages images, SceneModel model, CurvedReformat curved, const SceneOptions& options)
    : m_parts(std::make_unique<Parts>()), m_images(std::move(images)), m_model(std::move(model)),
      m_curved(std::move(curved)), m_options(options) {
  m_preset = m_images.ct ? Preset::Bone : Preset::Auto;
  m_parts->lut = labelLookup(m_model);
  buildLayout();
  buildSlices();
  buildCurved();
  if (m_options.surface) buildSurface();
  buildAnnotations();
  setPreset(m_preset);
  centreOn(m_model.levels.empty() ? imageCentre() : m_model.focus);
  resetCameras();
}

Vec3 Scene::imageCentre() const {
  const double* b = m_images.image->GetBounds();
  return {(b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2};
}

Scene::~Scene() = default;

vtkRenderWindow* Scene::window() const { return m_parts->window; }
vtkRenderer* Scene::renderer(View v) const { return m_parts->renderers[size_t(v)]; }

View Scene::viewAt(int x, int y) const {
  int* size = m_parts->window->GetSize();
  double nx = double(x) / std::max(size[0], 1), ny = double(y) / std::max(size[1], 1);
  for (View v : kImageViews) {
    const double* p = kViewports[size_t(v)];
    if (nx >= p[0] && nx < p[2] && ny >= p[1] && ny < p[3]) return v;
  }
  return View::Panel;
}

void Scene::buildLayout() {
  m_parts->window->SetSize(m_options.width, m_options.height);
  m_parts->window->SetMultiSamples(0);  // no multisampling: an 8x resolve per frame is what software GL spends most on
  m_parts->window->SetWindowName("SpineReview - confirm the target level");
  for (int v = 0; v < kViews; ++v) {
    auto r = vtkSmartPointer<vtkRenderer>::New();
    r->SetViewport(kViewports[v][0], kViewports[v][1], kViewports[v][2], kViewports[v][3]);
    r->SetBackground(0.02, 0.02, 0.03);
    m_parts->window->AddRenderer(r);
    m_parts->renderers[size_t(v)] = r;
    if (View(v) == View::Panel || View(v) == View::Banner) continue;
    r->GetActiveCamera()->ParallelProjectionOn();
    m_parts->titles[size_t(v)] = textAtViewport("", 14, 0.02, 0.985, true);
    r->AddActor2D(m_parts->titles[size_t(v)]);
  }
  renderer(View::Surface)->GetActiveCamera()->ParallelProjectionOff();
  m_parts->axialTarget = textAtViewport("", 18, 0.97, 0.9, true);
  m_parts->axialTarget->GetTextProperty()->SetJustificationToRight();
  m_parts->axialTarget->GetTextProperty()->SetColor(kTargetColour[0], kTargetColour[1], kTargetColour[2]);
  m_parts->axialTarget->GetTextProperty()->BoldOn();
  m_parts->axialTarget->GetTextProperty()->SetFrame(true);
  m_parts->axialTarget->GetTextProperty()->SetFrameColor(kTargetColour[0], kTargetColour[1], kTargetColour[2]);
  m_parts->axialTarget->GetTextProperty()->SetFrameWidth(2);
  renderer(View::Axial)->AddActor2D(m_parts->axialTarget);
  m_parts->banner = textAtViewport("", 17, 0.008, 0.92, true);
  m_parts->banner->GetTextProperty()->BoldOn();
  renderer(View::Banner)->AddActor2D(m_parts->banner);
  m_parts->panel = textAtViewport("", 13, 0.03, 0.97, true);
  m_parts->help = textAtViewport(keyboardHelp(), 13, 0.03, 0.97, true);
  m_parts->help->SetVisibility(false);
  m_parts->status = textAtViewport("press h for keys", 13, 0.03, 0.03, false);
  m_parts->status->GetTextProperty()->SetColor(1.0, 0.85, 0.3);
  for (auto& a : {m_parts->panel, m_parts->help, m_parts->status}) renderer(View::Panel)->AddActor2D(a);
  renderer(View::Panel)->SetBackground(0.08, 0.08, 0.1);
}

namespace {

vtkSmartPointer<vtkImageSlice> imageSlice(vtkImageSliceMapper* mapper, bool overlay, vtkLookupTable* lut) {
  auto s = vtkSmartPointer<vtkImageSlice>::New();
  s->SetMapper(mapper);
  if (overlay) {
    s->GetProperty()->SetLookupTable(lut);
    s->GetProperty()->UseLookupTableScalarRangeOn();
    s->GetProperty()->SetInterpolationTypeToNearest();
    s->GetProperty()->SetOpacity(0.3);
    s->GetProperty()->SetLayerNumber(1);
  } else {
    s->GetProperty()->SetInterpolationTypeToLinear();
    s->GetProperty()->SetLayerNumber(0);
  }
  return s;
}

vtkSmartPointer<vtkImageStack> stackOf(vtkImageSlice* image, vtkImageSlice* labels) {
  auto stack = vtkSmartPointer<vtkImageStack>::New();
  stack->AddImage(image);
  stack->AddImage(labels);
  stack->SetActiveLayer(0);
  return stack;
}

vtkSmartPointer<vtkActor> lineActor(vtkLineSource* source, const Rgb& colour) {
  vtkNew<vtkPolyDataMapper> mapper;
  mapper->SetInputConnection(source->GetOutputPort());
  auto actor = vtkSmartPointer<vtkActor>::New();
  actor->SetMapper(mapper);
  actor->GetProperty()->SetColor(colour[0], colour[1], colour[2]);
  actor->GetProperty()->SetLineWidth(1.5);
  return actor;
}

}  // namespace

void Scene::buildSlices() {
  const View views[3] = {View::Sagittal, View::Coronal, View::Axial};
  for (int i = 0; i < 3; ++i) {
    auto& im = m_parts->imageMappers[size_t(i)];
    auto& lm = m_parts->labelMappers[size_t(i)];
    im = vtkSmartPointer<vtkImageSliceMapper>::New();
    lm = vtkSmartPointer<vtkImageSliceMapper>::New();
    im->SetInputData(m_images.image);
    lm->SetInputData(m_images.labels);
    for (auto* m : {im.GetPointer(), lm.GetPointer()}) {
      m->SetOrientation(axisOf(views[i]));
      m->SliceAtFocalPointOff();
      m->SliceFacesCameraOff();
    }
    auto is = imageSlice(im, false, nullptr), ls = imageSlice(lm, true, m_parts->lut);
    m_parts->imageSlices.push_back(is);
    m_parts->labelSlices.push_back(ls);
    renderer(views[i])->AddViewProp(stackOf(is, ls));
  }
  for (int i = 0; i < 3; ++i) {
    m_parts->axialLines[size_t(i)] = vtkSmartPointer<vtkLineSource>::New();
    View v = i == 0 ? View::Sagittal : i == 1 ? View::Coronal : View::Curved;
    renderer(v)->AddActor(lineActor(m_parts->axialLines[size_t(i)], {0.3, 0.8, 1.0}));
  }
}

void Scene::buildCurved() {
  if (m_curved.height == 0) return;
  auto image = vtkSmartPointer<vtkImageData>::New(), labels = vtkSmartPointer<vtkImageData>::New();
  for (auto& d : {image, labels}) {
    d->SetDimensions(m_curved.width, m_curved.height, 1);
    d->SetSpacing(m_curved.stepMm, m_curved.stepMm, 1);
    d->SetOrigin(0, 0, 0);
  }
  image->AllocateScalars(VTK_FLOAT, 1);
  labels->AllocateScalars(VTK_UNSIGNED_SHORT, 1);
  auto* ip = static_cast<float*>(image->GetScalarPointer());
  auto* lp = static_cast<std::uint16_t*>(labels->GetScalarPointer());
  for (int row = 0; row < m_curved.height; ++row) {  // row 0 (cranial) at the top: y = height - 1
    size_t from = size_t(row) * size_t(m_curved.width), to = size_t(m_curved.height - 1 - row) * size_t(m_curved.width);
    std::memcpy(ip + to, m_curved.pixels.data() + from, size_t(m_curved.width) * sizeof(float));
    std::memcpy(lp + to, m_curved.labels.data() + from, size_t(m_curved.width) * sizeof(std::uint16_t));
  }
  vtkNew<vtkImageSliceMapper> im, lm;
  im->SetInputData(image);
  lm->SetInputData(labels);
  auto is = imageSlice(im, false, nullptr), ls = imageSlice(lm, true, m_parts->lut);
  m_parts->imageSlices.push_back(is);
  m_parts->labelSlices.push_back(ls);
  renderer(View::Curved)->AddViewProp(stackOf(is, ls));
}

void Scene::buildSurface() {
  vtkNew<vtkImageShrink3D> shrink;
  shrink->SetInputData(m_images.labels);
  const double* s = m_images.labels->GetSpacing();
  int f[3];
  for (int d = 0; d < 3; ++d) f[d] = std::max(1, int(std::lround(2.0 / s[d])));
  shrink->SetShrinkFactors(f);
  shrink->AveragingOff();
  shrink->Update();
  std::set<std::uint16_t> values;
  vtkImageData* small = shrink->GetOutput();
  const auto* p = static_cast<const std::uint16_t*>(small->GetScalarPointer());
  for (vtkIdType i = 0, n = small->GetNumberOfPoints(); i < n; ++i)
    if (p[i] != 0 && p[i] < 1000) values.insert(p[i]);
  if (values.empty()) return;
  vtkNew<vtkDiscreteFlyingEdges3D> surfaces;
  surfaces->SetInputConnection(shrink->GetOutputPort());
  int i = 0;
  for (std::uint16_t v : values) surfaces->SetValue(i++, v);
  surfaces->ComputeScalarsOn();
  vtkNew<vtkWindowedSincPolyDataFilter> smooth;
  smooth->SetInputConnection(surfaces->GetOutputPort());
  smooth->SetNumberOfIterations(12);
  smooth->SetPassBand(0.08);
  smooth->NonManifoldSmoothingOn();
  smooth->NormalizeCoordinatesOn();
  vtkNew<vtkPolyDataMapper> mapper;
  mapper->SetInputConnection(smooth->GetOutputPort());
  mapper->SetLookupTable(m_parts->lut);
  mapper->UseLookupTableScalarRangeOn();
  mapper->SetScalarModeToUsePointData();
  mapper->ScalarVisibilityOn();
  m_parts->surface = vtkSmartPointer<vtkActor>::New();
  m_parts->surface->SetMapper(mapper);
  renderer(View::Surface)->AddActor(m_parts->surface);
}

namespace {

void frameAsTarget(vtkTextActor* a) {
  a->GetTextProperty()->SetFrame(true);
  a->GetTextProperty()->SetFrameColor(kTargetColour[0], kTargetColour[1], kTargetColour[2]);
  a->GetTextProperty()->SetFrameWidth(2);
  a->GetTextProperty()->SetBackgroundColor(0.25, 0.2, 0);
  a->GetTextProperty()->SetBackgroundOpacity(0.8);
}

}  // namespace

void Scene::addAnnotation(View v, vtkProp* prop) {
  prop->SetVisibility(m_labels);
  renderer(v)->AddViewProp(prop);
  m_parts->annotations.emplace_back(prop);
}

void Scene::addLevelMarks(const LevelMark& l) {
  const int size = l.target ? 17 : l.disc ? 12 : 14;
  auto name = [&](const Vec3& at, bool rightAligned, int fontSize) {
    auto a = textAtWorld(l.text, fontSize, l.colour, at, rightAligned);
    if (l.target) frameAsTarget(a);
    return a;
  };
  // Vertebrae in front of the body (screen left), discs behind the canal (screen right).
  const double side = l.disc ? 1 : -1;
  const Vec3& p = l.position;
  addAnnotation(View::Sagittal, name({p[0], p[1] + side * 45, p[2]}, !l.disc, size));
  if (!l.disc || l.target)  // the coronal view is narrow across: vertebrae only, and the target
    addAnnotation(View::Coronal, name({p[0] - 45, p[1], p[2]}, true, size));
  if (m_curved.height > 0) {
    auto [row, col] = m_curved.project(p);
    Vec3 at{(col + side * 32 / m_curved.stepMm) * m_curved.stepMm, (m_curved.height - 1 - row) * m_curved.stepMm, 0};
    addAnnotation(View::Curved, name(at, !l.disc, size));
  }
  if (!l.disc) addAnnotation(View::Surface, name({p[0], p[1] - 45, p[2]}, true, size - 2));
  if (!l.anchor.empty())
    addAnnotation(View::Sagittal, textAtWorld("< anchor: " + l.anchor, 13, kAnchorColour, {p[0], p[1] + 45, p[2]}, false));
}

void Scene::addFindingMarks(const FindingMark& f) {
  const bool patientRight = f.tag.size() > 6 && f.tag.compare(f.tag.size() - 6, 6, " right") == 0;
  for (size_t i = 0; i < f.points.size(); ++i)
    for (View v : {View::Sagittal, View::Coronal, View::Surface}) {
      std::string tag = i == 0 ? (v == View::Sagittal ? f.sagittalTag : f.tag) : "";
      // Seen from the front the patient's right is on the screen's left: right-side tags run leftwards.
      const bool leftwards = v == View::Coronal && patientRight;
      if (v == View::Sagittal && !tag.empty() && f.sagittalDropMm != 0) {  // the star on its point, the words moved
        const Vec3 words = axpy(f.points[i], -f.sagittalDropMm, {0, 0, 1});
        addAnnotation(v, textAtWorld("*", 12, f.colour, f.points[i], false));
        addAnnotation(v, leaderAtWorld(f.points[i], words, f.colour));
        addAnnotation(v, textAtWorld("  " + tag, 12, f.colour, words, false));
        continue;
      }
      std::string text = tag.empty() ? "*" : leftwards ? tag + " *" : "* " + tag;
      addAnnotation(v, textAtWorld(text, 12, f.colour, f.points[i], leftwards));
    }
}

void Scene::addNumberingWarnings() {
  if (!m_model.banner.warning) return;
  // On every view, so that no key image cut from the window is without it; never hidden.
  const std::string text = m_model.banner.text.substr(0, m_model.banner.text.find(':')) + " - check the count";
  for (View v : kImageViews) {
    auto warning = textAtViewport(text, 13, 0.02, 0.02, false);
    warning->GetTextProperty()->SetColor(1.0, 0.25, 0.2);
    warning->GetTextProperty()->BoldOn();
    warning->GetTextProperty()->SetBackgroundColor(0, 0, 0);
    warning->GetTextProperty()->SetBackgroundOpacity(0.7);
    renderer(v)->AddViewProp(warning);
    m_parts->warnings.emplace_back(warning);
  }
}

void Scene::buildAnnotations() {
  for (auto* props : {&m_parts->annotations, &m_parts->warnings}) {
    for (auto& a : *props)
      for (View v : kImageViews) renderer(v)->RemoveViewProp(a);
    props->clear();
  }
  for (const LevelMark& l : m_model.levels) addLevelMarks(l);
  // Tags a line of 12-point text (18 pixels with its spacing) apart at the side view's scale.
  const double* vp = kViewports[size_t(View::Sagittal)];
  const double pixels = (vp[3] - vp[1]) * m_parts->window->GetSize()[1];
  layOutSagittalTags(m_model, 2 * sagittalHalfHeight() / std::max(pixels, 1.0) * 18);
  for (const FindingMark& f : m_model.findings) addFindingMarks(f);
  addNumberingWarnings();
  m_parts->banner->SetInput(wrap(m_model.banner.text, 170).c_str());
  Rgb bg = m_model.banner.warning ? Rgb{0.72, 0.0, 0.0} : Rgb{0.0, 0.38, 0.12};
  renderer(View::Banner)->SetBackground(bg[0], bg[1], bg[2]);
  fitPanel();
}

/// The panel's text in the largest type from 13 down to 10 points that fits above the status line;
/// only when 10 points cannot hold it are findings' lines left out (counted on a line of their own).
void Scene::fitPanel() {
  vtkRenderer* r = renderer(View::Panel);
  const double* vp = kViewports[size_t(View::Panel)];
  const int* size = m_parts->window->GetSize();
  const double room = (0.97 - 0.03) * (vp[3] - vp[1]) * size[1] - 2.5 * 13;  // the status line's two rows
  const double widthScale = (vp[2] - vp[0]) * size[0] / 432.0;                 // 62 characters of 13 points in 432 pixels
  vtkTextActor& a = *m_parts->panel;
  auto fits = [&](const std::vector<std::string>& lines, int points) {
    std::string text;
    for (const std::string& line : lines) text += wrap(line, size_t(std::max(62.0 * 13 / points * widthScale, 20.0))) + "\n";
    a.GetTextProperty()->SetFontSize(points);
    a.SetInput(text.c_str());
    double box[2] = {0, 0};
    a.GetSize(r, box);
    return box[1] <= room;
  };
  for (int points = 13; points >= 10; --points)
    if (fits(m_model.panel, points)) return;
  for (size_t keep = m_model.panelFindingsTo - m_model.panelFindingsFrom; keep-- > 0;)
    if (fits(shortenedPanel(m_model, keep), 10)) return;
}

int Scene::slice(View v) const {
  if (v != View::Sagittal && v != View::Coronal && v != View::Axial) return 0;
  return m_parts->imageMappers[size_t(axisOf(v))]->GetSliceNumber();
}

int Scene::sliceCount(View v) const {
  if (v != View::Sagittal && v != View::Coronal && v != View::Axial) return 0;
  return m_images.image->GetDimensions()[axisOf(v)];
}

void Scene::setSlice(View v, int index) {
  if (v != View::Sagittal && v != View::Coronal && v != View::Axial) return;
  int a = axisOf(v), k = std::clamp(index, 0, sliceCount(v) - 1);
  m_parts->imageMappers[size_t(a)]->SetSliceNumber(k);
  m_parts->labelMappers[size_t(a)]->SetSliceNumber(k);
  updateSliceTexts();
}

void Scene::centreOn(const Vec3& p) {
  const double* origin = m_images.image->GetOrigin();
  const double* spacing = m_images.image->GetSpacing();
  setSlice(View::Sagittal, int(std::lround((p[0] - origin[0]) / spacing[0])));
  setSlice(View::Coronal, int(std::lround((p[1] - origin[1]) / spacing[1])));
  setSlice(View::Axial, int(std::lround((p[2] - origin[2]) / spacing[2])));
}

std::string Scene::levelAtAxialSlice() const {
  double z = m_images.image->GetOrigin()[2] + slice(View::Axial) * m_images.image->GetSpacing()[2];
  const LevelMark* best = nullptr;
  for (const LevelMark& l : m_model.levels)
    if (!best || std::abs(l.position[2] - z) < std::abs(best->position[2] - z)) best = &l;
  return best ? best->text : "";
}

void Scene::updateSliceTexts() {
  const double* o = m_images.image->GetOrigin();
  const double* s = m_images.image->GetSpacing();
  const double* b = m_images.image->GetBounds();
  char t[256];
  double x = o[0] + slice(View::Sagittal) * s[0], y = o[1] + slice(View::Coronal) * s[1], z = o[2] + slice(View::Axial) * s[2];
  std::snprintf(t, sizeof t, "Sagittal  x = %.1f mm  (%d/%d)   A <-> P", x, slice(View::Sagittal) + 1, sliceCount(View::Sagittal));
  m_parts->titles[size_t(View::Sagittal)]->SetInput(t);
  std::snprintf(t, sizeof t, "Coronal  y = %.1f mm  (%d/%d)   R <-> L", y, slice(View::Coronal) + 1, sliceCount(View::Coronal));
  m_parts->titles[size_t(View::Coronal)]->SetInput(t);
  std::string level = levelAtAxialSlice();
  std::snprintf(t, sizeof t, "Axial  z = %.1f mm  (%d/%d)   R <-> L\nnearest level: %s", z, slice(View::Axial) + 1,
                sliceCount(View::Axial), level.empty() ? "none" : level.c_str());
  m_parts->titles[size_t(View::Axial)]->SetInput(t);
  const bool atTarget = level.find("TARGET") != std::string::npos;
  m_parts->axialTarget->SetInput(atTarget ? level.c_str() : "");
  m_parts->axialTarget->SetVisibility(atTarget);
  m_parts->titles[size_t(View::Curved)]->SetInput(m_curved.height > 0 ? "Curved sagittal\n(straightened)"
                                                                        : "Curved sagittal:\nno levels, no centreline");
  m_parts->titles[size_t(View::Surface)]->SetInput("3D");
  m_parts->axialLines[0]->SetPoint1(x, b[2], z);
  m_parts->axialLines[0]->SetPoint2(x, b[3], z);
  m_parts->axialLines[1]->SetPoint1(b[0], y, z);
  m_parts->axialLines[1]->SetPoint2(b[1], y, z);
  m_parts->axialLines[2]->SetPoint2(0, 0, 0);  // nothing drawn without a curved view
  m_parts->axialLines[2]->SetPoint1(0, 0, 0);
  if (m_curved.height > 0) {
    auto [row, col] = m_curved.project({x, y, z});
    (void)col;
    double yc = (m_curved.height - 1 - row) * m_curved.stepMm;
    m_parts->axialLines[2]->SetPoint1(0, yc, 0.5);
    m_parts->axialLines[2]->SetPoint2((m_curved.width - 1) * m_curved.stepMm, yc, 0.5);
  }
}

void Scene::setPreset(Preset p) {
  m_preset = p;
  double window = 2000, level = 400;  // bone
  if (p == Preset::SoftTissue) window = 400, level = 40;
  if (p == Preset::Auto || !m_images.ct) window = m_images.high - m_images.low, level = (m_images.high + m_images.low) / 2;
  for (auto& s : m_parts->imageSlices) {
    s->GetProperty()->SetColorWindow(window);
    s->GetProperty()->SetColorLevel(level);
  }
}

void Scene::setOverlayVisible(bool on) {
  m_overlay = on;
  for (auto& s : m_parts->labelSlices) s->SetVisibility(on);
  if (m_parts->surface) m_parts->surface->GetProperty()->SetOpacity(on ? 1.0 : 0.35);
}

void Scene::setLabelsVisible(bool on) {
  m_labels = on;
  for (auto& a : m_parts->annotations) a->SetVisibility(on);
}

void Scene::setHelpVisible(bool on) {
  m_help = on;
  m_parts->help->SetVisibility(on);
  m_parts->panel->SetVisibility(!on);
}

void Scene::setStatus(const std::string& s) { m_parts->status->SetInput(wrap(s, 62).c_str()); }

void Scene::setModel(SceneModel model) {
  m_model = std::move(model);
  m_parts->lut->DeepCopy(labelLookup(m_model));
  buildAnnotations();
}

double Scene::fitted(View v, double halfWidth, double halfHeight) const {
  const double* p = kViewports[size_t(v)];
  const int* size = m_parts->window->GetSize();
  double aspect = (p[2] - p[0]) * size[0] / std::max(1.0, (p[3] - p[1]) * size[1]);
  return std::max(halfHeight, halfWidth / std::max(aspect, 0.1));
}

void Scene::spineBounds(double lo[3], double hi[3]) const {
  // The levels' extent plus a margin, else the whole image.
  const double* b = m_images.image->GetBounds();
  for (int d = 0; d < 3; ++d) lo[d] = b[2 * d], hi[d] = b[2 * d + 1];
  if (m_model.levels.empty()) return;
  for (int d = 0; d < 3; ++d) lo[d] = 1e30, hi[d] = -1e30;
  for (const LevelMark& l : m_model.levels)
    for (int d = 0; d < 3; ++d) lo[d] = std::min(lo[d], l.position[d]), hi[d] = std::max(hi[d], l.position[d]);
  for (int d = 0; d < 3; ++d) lo[d] -= 70, hi[d] += 70;
}

double Scene::sagittalHalfHeight() const {
  double lo[3], hi[3];
  spineBounds(lo, hi);
  return fitted(View::Sagittal, (hi[1] - lo[1]) / 2 + 60, (hi[2] - lo[2]) / 2);
}

void Scene::resetCameras() {
  // Frame the spine.
  double lo[3], hi[3];
  spineBounds(lo, hi);
  Vec3 c{(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2};
  auto place = [&](View v, const Vec3& direction, const Vec3& up, double halfHeight, const Vec3& centre) {
    vtkCamera* cam = renderer(v)->GetActiveCamera();
    cam->SetFocalPoint(centre[0], centre[1], centre[2]);
    cam->SetPosition(centre[0] - 1000 * direction[0], centre[1] - 1000 * direction[1], centre[2] - 1000 * direction[2]);
    cam->SetViewUp(up[0], up[1], up[2]);
    cam->SetParallelScale(halfHeight);
    renderer(v)->ResetCameraClippingRange();
  };
  const double hz = (hi[2] - lo[2]) / 2;
  place(View::Sagittal, {-1, 0, 0}, {0, 0, 1}, sagittalHalfHeight(), c);  // from the left: anterior on the left
  place(View::Coronal, {0, 1, 0}, {0, 0, 1}, fitted(View::Coronal, (hi[0] - lo[0]) / 2 + 60, hz), c);    // from the front
  const double* o = m_images.image->GetOrigin();
  const double* s = m_images.image->GetSpacing();
  const int* n = m_images.image->GetDimensions();
  Vec3 axialCentre{o[0] + (n[0] - 1) * s[0] / 2, o[1] + (n[1] - 1) * s[1] / 2, c[2]};
  place(View::Axial, {0, 0, 1}, {0, -1, 0}, fitted(View::Axial, n[0] * s[0] / 2, n[1] * s[1] / 2), axialCentre);  // from the feet
  if (m_curved.height > 0) {
    const double w = (m_curved.width - 1) * m_curved.stepMm, h = (m_curved.height - 1) * m_curved.stepMm;
    place(View::Curved, {0, 0, -1}, {0, 1, 0}, fitted(View::Curved, w / 2 + 45, h / 2 + 5), {w / 2, h / 2, 0});
  }
  vtkCamera* cam = renderer(View::Surface)->GetActiveCamera();
  cam->SetFocalPoint(c[0], c[1], c[2]);
  cam->SetPosition(c[0] + 500, c[1] - 900, c[2] + 150);  // front left, a little above
  cam->SetViewUp(0, 0, 1);
  cam->SetViewAngle(30);
  renderer(View::Surface)->ResetCamera(lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]);
  cam->Zoom(1.3);
  updateSliceTexts();
}

void Scene::render() { m_parts->window->Render(); }

void Scene::scrolled(View v) {
  // VTK 9.1 renders into its own framebuffer and keeps it between frames: views not drawn keep
  // their last picture. An axial scroll also moves the reference line in the sagittal, coronal
  // and curved views.
  auto draws = [v](View w) {
    return w == v || (v == View::Axial && (w == View::Sagittal || w == View::Coronal || w == View::Curved));
  };
  for (int i = 0; i < kViews; ++i) m_parts->renderers[size_t(i)]->SetDraw(draws(View(i)));
  m_parts->window->Render();
  for (auto& r : m_parts->renderers) r->SetDraw(true);
}

}  // namespace spine::viewer
