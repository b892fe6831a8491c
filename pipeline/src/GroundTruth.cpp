#include "spine/GroundTruth.h"

#include <filesystem>
#include <fstream>

#include "spine/Error.h"
#include "spine/LabelMapFile.h"
#include "spine/Labels.h"
#include "spine/Phantom.h"
#include "spine/Vec3Json.h"

namespace spine {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json readJsonFile(const std::string& file, const char* stage) {
  std::ifstream in(file);
  if (!in) throw SpineError(ExitCode::NoInput, stage, file, "cannot open");
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded()) throwDataError(stage, file, "is not valid JSON");
  return j;
}

std::string resolve(const std::string& path, const fs::path& base) {
  return fs::path(path).is_absolute() ? path : (base / path).lexically_normal().string();
}

void resolvePaths(json& j, const fs::path& base) {
  for (const char* key : {"file", "mask", "centroids"})
    if (j.contains(key) && j[key].is_string()) j[key] = resolve(j[key].get<std::string>(), base);
}

std::vector<LevelPoint> pointsOf(const json& list) {
  std::vector<LevelPoint> out;
  for (const json& e : list) out.push_back({e.at("name").get<std::string>(), vec3FromJson(e.at("centroid_lps_mm"))});
  return out;
}

void addNames(LevelSet& s, const json& list) {
  for (const json& e : list) s.names[e.at("label").get<std::uint16_t>()] = e.at("name").get<std::string>();
}

LevelSet phantomTruthSet(const std::string& file) {
  json t = readJsonFile(file, "truth");
  LevelSet s;
  try {
    s.vertebrae = pointsOf(t.at("vertebrae"));
    s.discs = pointsOf(t.at("discs"));
    addNames(s, t.at("vertebrae"));
    addNames(s, t.at("discs"));
    for (const json& h : t.value("herniations", json::array())) s.findings["herniation"].insert(h.at("level").get<std::string>());
    s.findings["herniation"];  // known, possibly empty
    for (const json& h : t.value("stenoses", json::array())) s.findings["canal-stenosis"].insert(h.at("level").get<std::string>());
    if (t.contains("stenoses")) s.findings["canal-stenosis"];  // truths written before stenosis existed do not know
    s.findings["hardware"], s.findings["fusion-bridged"], s.findings["laminectomy"];
    for (const json& h : t.value("hardware", json::array())) {
      if (h.at("kind") == "laminectomy") s.findings["laminectomy"].insert(h.at("level").get<std::string>());
      if (h.at("kind") == "interbody-cage" && h.value("bridging_bone", false))
        s.findings["fusion-bridged"].insert(h.at("level").get<std::string>());
      if (h.contains("level") && h.at("kind") != "laminectomy") s.findings["hardware"].insert(h.at("level").get<std::string>());
      if (h.at("kind") == "plate")  // fixed to each of its vertebrae by body screws
        for (const json& l : h.at("levels")) s.findings["hardware"].insert(l.get<std::string>());
      if (h.at("kind") == "pedicle-screw")
        s.screws.push_back({h.at("level").get<std::string>(), h.at("side").get<std::string>(), vec3FromJson(h.at("entry_lps_mm")),
                            vec3FromJson(h.at("tip_lps_mm")), h.value("halo_mm", 0.0) >= 1.5});
    }
    s.anomalies = t.value("anomalies", std::vector<std::string>{});
  } catch (const json::exception& e) {
    throwDataError("truth", file, std::string("not a phantom truth file: ") + e.what());
  }
  fs::path labels = fs::path(file).parent_path() / t.value("label_map", "labels.nii.gz");
  if (fs::exists(labels)) s.labels = readLabelMap(labels.string());
  return s;
}

LevelSet maskTruthSet(const json& t) {
  LevelSet s;
  const std::string file = t.at("file").get<std::string>();
  s.labels = readLabelMap(file);
  for (auto it = t.at("labels").begin(); it != t.at("labels").end(); ++it)
    s.names[std::uint16_t(std::stoi(it.key()))] = it.value().get<std::string>();
  s.vertebrae = centroidsFromLabels(*s.labels, s.names, false);
  s.discs = centroidsFromLabels(*s.labels, s.names, true);
  if (t.contains("findings"))
    for (auto it = t["findings"].begin(); it != t["findings"].end(); ++it)
      s.findings[it.key()] = it.value().get<std::set<std::string>>();
  return s;
}

LevelSet verseTruthSet(const json& t) {
  LevelSet s;
  s.labels = readLabelMap(t.at("mask").get<std::string>());
  s.vertebrae = readVerseCentroids(t.at("centroids").get<std::string>(), *s.labels);
  for (const LevelPoint& p : s.vertebrae) s.names[*vertebraCode(p.name)] = p.name;
  return s;
}

}  // namespace

EvalCase readEvalCase(const std::string& path) {
  fs::path file = fs::is_directory(path) ? fs::path(path) / "case.json" : fs::path(path);
  json j = readJsonFile(file.string(), "evaluate");
  EvalCase c;
  c.file = file.string();
  fs::path base = file.parent_path();
  try {
    c.name = j.value("name", base.filename().string());
    c.input = resolve(j.at("input").get<std::string>(), base);
    c.modality = j.value("modality", "");
    c.truth = j.at("truth").is_string() ? json{{"format", "phantom"}, {"file", j.at("truth")}} : j.at("truth");
  } catch (const json::exception& e) {
    throwDataError("evaluate", c.file, std::string("case file needs \"input\" and \"truth\": ") + e.what());
  }
  resolvePaths(c.truth, base);
  return c;
}

LevelSet readTruth(const EvalCase& c) {
  const std::string format = c.truth.value("format", "phantom");
  try {
    if (format == "phantom") return phantomTruthSet(c.truth.at("file").get<std::string>());
    if (format == "nifti-mask") return maskTruthSet(c.truth);
    if (format == "verse") return verseTruthSet(c.truth);
  } catch (const json::exception& e) {
    throwDataError("evaluate", c.file, std::string("truth description incomplete: ") + e.what());
  }
  throwDataError("evaluate", c.file, "unknown truth format \"" + format + "\" (phantom, nifti-mask, verse)");
}

LevelSet readPrediction(const std::string& dir) {
  const std::string file = (fs::path(dir) / "report.json").string();
  json r = readJsonFile(file, "evaluate");
  LevelSet s;
  try {
    s.vertebrae = pointsOf(r.value("vertebrae", json::array()));
    s.discs = pointsOf(r.value("discs", json::array()));
    addNames(s, r.value("vertebrae", json::array()));
    addNames(s, r.value("discs", json::array()));
    s.numberingConfirmed = r.at("numbering").value("status", "") == "confirmed";
    s.findings["herniation"], s.findings["hardware"], s.findings["canal-stenosis"], s.findings["fusion-bridged"], s.findings["laminectomy"];
    auto collect = [&](const json& f, const std::string& where) {
      std::string kind = f.value("kind", "");
      const json details = f.value("details", json::object());
      if (kind == "hardware" && details.value("object", "") == "pedicle screw" && details.contains("tip_lps_mm")) {
        const json levels = f.value("levels", json::array());
        s.screws.push_back({levels.empty() ? where : levels.at(0).get<std::string>(), details.value("side", ""),
                            vec3FromJson(details.at("head_lps_mm")), vec3FromJson(details.at("tip_lps_mm")),
                            details.value("loosening", false)});
      }
      if (kind == "fusion-status" && details.value("status", "") == "bridged") kind = "fusion-bridged";
      if (!s.findings.count(kind)) return;
      if (!where.empty()) s.findings[kind].insert(where);
      for (const json& l : f.value("levels", json::array())) s.findings[kind].insert(l.get<std::string>());
    };
    for (const char* list : {"vertebrae", "discs"})
      for (const json& level : r.value(list, json::array()))
        for (const json& f : level.value("findings", json::array())) collect(f, level.at("name").get<std::string>());
    for (const json& f : r.value("findings", json::array())) collect(f, "");
  } catch (const json::exception& e) {
    throwDataError("evaluate", file, std::string("report does not follow the schema: ") + e.what());
  }
  fs::path labels = fs::path(dir) / "labels.nii.gz";
  if (fs::exists(labels)) s.labels = readLabelMap(labels.string());
  return s;
}

std::vector<LevelPoint> readVerseCentroids(const std::string& file, const LabelImage& mask) {
  json j = readJsonFile(file, "truth");
  if (!j.is_array() || j.empty() || !j[0].contains("direction"))
    throwDataError("truth", file, "not a VerSe centroid file (first element must give \"direction\")");
  // Which mask axis each letter runs along, and whether it runs the other way.
  const auto dirs = j[0]["direction"].get<std::vector<std::string>>();
  const std::map<std::string, Vec3> lps{{"L", {1, 0, 0}}, {"R", {-1, 0, 0}}, {"P", {0, 1, 0}},
                                        {"A", {0, -1, 0}}, {"S", {0, 0, 1}}, {"I", {0, 0, -1}}};
  const auto size = mask.GetLargestPossibleRegion().GetSize();
  int axis[3];
  bool flip[3];
  for (int k = 0; k < 3; ++k) {
    if (dirs.size() != 3 || !lps.count(dirs[k])) throwDataError("truth", file, "\"direction\" must be three of L R P A S I");
    double best = 0;
    for (int a = 0; a < 3; ++a) {
      Vec3 col{mask.GetDirection()[0][a], mask.GetDirection()[1][a], mask.GetDirection()[2][a]};
      double c = dot(col, lps.at(dirs[k]));
      if (std::abs(c) > std::abs(best)) best = c, axis[k] = a;
    }
    flip[k] = best < 0;
  }
  std::vector<LevelPoint> out;
  for (size_t i = 1; i < j.size(); ++i) {
    const json& e = j[i];
    std::string name = vertebraName(std::uint16_t(e.at("label").get<int>()));
    if (name.empty()) continue;
    double xyz[3] = {e.at("X").get<double>(), e.at("Y").get<double>(), e.at("Z").get<double>()};
    itk::ContinuousIndex<double, 3> idx;
    for (int k = 0; k < 3; ++k) idx[axis[k]] = flip[k] ? double(size[axis[k]]) - 1 - xyz[k] : xyz[k];
    LabelImage::PointType p;
    mask.TransformContinuousIndexToPhysicalPoint(idx, p);
    out.push_back({name, {p[0], p[1], p[2]}});
  }
  return out;
}

std::vector<LevelPoint> centroidsFromLabels(const LabelImage& labels, const std::map<std::uint16_t, std::string>& names,
                                            bool discs) {
  std::map<std::string, std::pair<Vec3, double>> acc;
  for (const LabelStats& s : labelStatistics(labels)) {
    auto it = names.find(s.value);
    if (it == names.end() || splitDiscName(it->second).has_value() != discs) continue;
    auto& a = acc[it->second];
    a.first = axpy(a.first, double(s.voxels), s.centroid);
    a.second += double(s.voxels);
  }
  std::vector<LevelPoint> out;
  for (auto& [name, a] : acc) out.push_back({name, scale(a.first, 1.0 / a.second)});
  return out;
}

}  // namespace spine
