#include "spine/Phantom.h"

#include <filesystem>
#include <map>

#include <unistd.h>

#include "spine/AtomicFile.h"
#include "spine/DicomSeriesWriter.h"
#include "spine/Error.h"
#include "spine/LabelMapFile.h"
#include "spine/Labels.h"
#include "spine/Vec3Json.h"

namespace spine {
namespace fs = std::filesystem;
using nlohmann::json;

PhantomResult generatePhantom(const PhantomSpec& spec, unsigned threads) {
  PhantomResult r;
  r.anatomy = buildAnatomy(spec);
  r.grid = acquisitionGrid(r.anatomy, spec);
  r.images = renderImages(r.anatomy, spec, r.grid, threads);
  r.labels = renderLabels(r.anatomy, r.grid, threads);
  r.truth = phantomTruth(spec, r.anatomy, *r.labels);
  return r;
}

std::vector<LabelStats> labelStatistics(const LabelImage& labels) {
  std::map<std::uint16_t, LabelStats> stats;
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const std::uint16_t* buf = labels.GetBufferPointer();
  for (size_t k = 0; k < size[2]; ++k)
    for (size_t j = 0; j < size[1]; ++j)
      for (size_t i = 0; i < size[0]; ++i) {
        std::uint16_t v = buf[(k * size[1] + j) * size[0] + i];
        if (!v) continue;
        LabelStats& s = stats[v];
        s.value = v;
        s.voxels++;
        for (int d = 0; d < 3; ++d) s.centroid[d] += double(d == 0 ? i : d == 1 ? j : k);
        if (i == 0 || j == 0 || k == 0 || i + 1 == size[0] || j + 1 == size[1] || k + 1 == size[2]) s.touchesEdge = true;
      }
  std::vector<LabelStats> out;
  for (auto& [v, s] : stats) {
    LabelImage::PointType p;
    itk::ContinuousIndex<double, 3> idx;
    for (int d = 0; d < 3; ++d) idx[d] = s.centroid[d] / double(s.voxels);
    labels.TransformContinuousIndexToPhysicalPoint(idx, p);
    s.centroid = {p[0], p[1], p[2]};
    out.push_back(s);
  }
  return out;
}

namespace {

/// A level counts as in view when its centre is: a reviewer can name a vertebra whose body is
/// visible, not one of which only a spinous-process tip reaches into the field.
bool centreInView(const LabelImage& labels, const Vec3& p) {
  itk::ContinuousIndex<double, 3> idx;
  labels.TransformPhysicalPointToContinuousIndex(LabelImage::PointType(p.data()), idx);
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  for (int d = 0; d < 3; ++d)
    if (idx[d] < -0.5 || idx[d] > size[d] - 0.5) return false;
  return true;
}

json levelsJson(const Anatomy& a, const std::map<std::uint16_t, LabelStats>& seen, const LabelImage& labels) {
  json vertebrae = json::array(), discs = json::array(), ribs = json::array();
  for (const VertebraModel& v : a.vertebrae) {
    auto it = seen.find(v.label);
    if (it == seen.end() || !centreInView(labels, v.body.centre)) continue;
    vertebrae.push_back({{"name", v.name}, {"label", v.label}, {"centroid_lps_mm", toJson(it->second.centroid)},
                         {"body_centre_lps_mm", toJson(v.body.centre)}, {"voxels", it->second.voxels},
                         {"cut_by_field_of_view", it->second.touchesEdge}, {"rib_bearing", v.hasRibs},
                         {"lumbar_type", v.lumbarType}});
    auto rib = seen.find(ribLabel(v.label));
    if (rib != seen.end()) ribs.push_back({{"vertebra", v.name}, {"label", rib->first}, {"voxels", rib->second.voxels}});
  }
  for (const DiscModel& d : a.discs) {
    auto it = seen.find(d.label);
    if (it == seen.end() || !centreInView(labels, d.frame.centre)) continue;
    discs.push_back({{"name", d.name}, {"label", d.label}, {"centroid_lps_mm", toJson(it->second.centroid)},
                     {"height_mm", d.height}, {"voxels", it->second.voxels}, {"cut_by_field_of_view", it->second.touchesEdge}});
  }
  return {{"vertebrae", vertebrae}, {"discs", discs}, {"ribs", ribs}};
}

json anchorsJson(const Anatomy& a, const std::map<std::uint16_t, LabelStats>& seen) {
  std::string lastRib;
  for (const VertebraModel& v : a.vertebrae)
    if (v.hasRibs) lastRib = v.name;
  auto inView = [&](const std::string& n) {
    const VertebraModel* v = a.vertebra(n);
    return v && seen.count(v->label) && !seen.at(v->label).touchesEdge;
  };
  unsigned lumbarType = 0;
  for (const VertebraModel& v : a.vertebrae) lumbarType += v.lumbarType && v.name != "sacrum";
  return {{"sacrum_in_view", seen.count(kSacrumLabel) > 0}, {"c2_in_view", inView("C2")},
          {"last_rib_bearing_vertebra", lastRib}, {"last_rib_in_view", inView(lastRib)},
          {"first_thoracic_in_view", inView("T1")}, {"lumbar_type_vertebrae", lumbarType}};
}

}  // namespace

json phantomTruth(const PhantomSpec& spec, const Anatomy& a, const LabelImage& labels) {
  std::map<std::uint16_t, LabelStats> seen;
  for (const LabelStats& s : labelStatistics(labels)) seen[s.value] = s;
  json levels = levelsJson(a, seen, labels);
  return {
      {"schema", "spinereview.truth"},
      {"schema_version", "1.0.0"},
      {"source", "phantom"},
      {"name", spec.name},
      {"modality", spec.modality},
      {"spec", spec.source},
      {"label_map", "labels.nii.gz"},
      {"vertebrae", levels["vertebrae"]},
      {"discs", levels["discs"]},
      {"ribs", levels["ribs"]},
      {"anchors", anchorsJson(a, seen)},
      {"anomalies", a.anomalies},
      {"herniations", a.herniations},
      {"degenerated_discs", a.degeneratedDiscs},
      {"stenoses", a.stenoses},
      {"hardware", a.hardware},
  };
}

namespace {

DicomWriteParams dicomParams(const PhantomSpec& spec, const AcquisitionGrid& g) {
  DicomWriteParams p;
  p.modality = spec.modality;
  p.transferSyntax = spec.acquisition.transferSyntax;
  p.sliceThicknessMm = g.thickness;
  p.patientPosition = spec.acquisition.position == "prone" ? "HFP" : "HFS";
  p.seriesDescription = spec.modality == "CT" ? "SpineReview phantom CT " + spec.acquisition.orientation
                                              : spec.acquisition.mrContrast + " TSE " + spec.acquisition.orientation;
  if (spec.modality == "MR") {
    p.isSigned = false;
    p.echoTimeMs = spec.acquisition.mrContrast == "T2" ? 100 : 10;
    p.repetitionTimeMs = spec.acquisition.mrContrast == "T2" ? 4000 : 550;
  }
  return p;
}

}  // namespace

void writePhantom(const PhantomResult& r, const PhantomSpec& spec, const std::string& outDir) {
  fs::path final(outDir), temp = fs::path(outDir + ".tmp-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(temp, ec);
  fs::create_directories(temp, ec);
  if (ec) throw SpineError(ExitCode::CantCreate, "phantom", temp.string(), "cannot create folder: " + ec.message());
  const AcquisitionGrid& g = r.grid;
  SliceGrid grid{g.row, g.col, g.dx, g.dy, g.nx, g.ny};
  std::vector<SliceToWrite> slices(g.nz);
  for (unsigned k = 0; k < g.nz; ++k) {
    slices[k].position = g.slicePosition(k);
    slices[k].values.assign(r.images[k].begin(), r.images[k].end());
  }
  writeDicomSlices((temp / "dicom").string(), grid, slices, dicomParams(spec, g));
  writeLabelMap(*r.labels, (temp / "labels.nii.gz").string());
  writeFileAtomically((temp / "truth.json").string(), r.truth.dump(2) + "\n", "phantom");
  writeFileAtomically((temp / "case.json").string(),
                      json{{"name", spec.name}, {"input", "dicom"}, {"truth", "truth.json"}}.dump(2) + "\n", "phantom");
  fs::remove_all(final, ec);
  fs::rename(temp, final, ec);
  if (ec) throw SpineError(ExitCode::CantCreate, "phantom", final.string(), "cannot move the phantom into place: " + ec.message());
}

}  // namespace spine
