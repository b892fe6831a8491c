#include "spine/PhantomSpec.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "spine/DicomSeriesWriter.h"
#include "spine/Error.h"
#include "spine/Labels.h"

namespace spine {
using nlohmann::json;

namespace {

/// Reads the keys of one JSON object strictly: each key read once, with its type checked; any key
/// left unread at the end is an error (a typo in a spec must not silently give a normal phantom).
class Fields {
public:
  Fields(const json& j, std::string where, const std::string& file) : m_j(j), m_where(std::move(where)), m_file(file) {
    if (!j.is_object()) fail("", "must be a JSON object");
  }
  template <typename T>
  void get(const char* key, T& out) {
    m_seen.insert(key);
    if (!m_j.contains(key)) return;
    try {
      out = m_j.at(key).get<T>();
    } catch (const json::exception&) {
      fail(key, "has the wrong type");
    }
  }
  void oneOf(const char* key, std::string& out, std::initializer_list<const char*> allowed) {
    get(key, out);
    for (const char* a : allowed)
      if (out == a) return;
    std::string list;
    for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
    fail(key, "is \"" + out + "\"; allowed: " + list);
  }
  void range(const char* key, double& out, double lo, double hi) {
    get(key, out);
    if (!(out >= lo && out <= hi)) fail(key, "must lie in [" + num(lo) + ", " + num(hi) + "]");
  }
  void range(const char* key, unsigned& out, unsigned lo, unsigned hi) {
    get(key, out);
    if (out < lo || out > hi) fail(key, "must lie in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  }
  const json* child(const char* key) {
    m_seen.insert(key);
    return m_j.contains(key) ? &m_j.at(key) : nullptr;
  }
  void finish() {
    for (auto it = m_j.begin(); it != m_j.end(); ++it)
      if (!m_seen.count(it.key())) fail(it.key(), "is not a known key");
  }
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    std::string at = m_where + (key.empty() ? "" : (m_where.empty() ? "" : ".") + key);
    throwDataError("phantom spec", m_file, "\"" + at + "\" " + problem);
  }
  const std::string& where() const { return m_where; }

private:
  static std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
  }
  const json& m_j;
  std::string m_where;
  const std::string& m_file;
  std::set<std::string> m_seen;
};

void requireLevel(Fields& f, const char* key, const std::string& name, bool disc) {
  bool ok = disc ? splitDiscName(name).has_value() : vertebraCode(name).has_value();
  if (!ok) f.fail(key, "\"" + name + "\" is not a " + std::string(disc ? "disc name like L4-L5" : "vertebra name like L4"));
}

HerniationSpec parseHerniation(const json& j, const std::string& where, const std::string& file) {
  HerniationSpec h;
  Fields f(j, where, file);
  f.get("level", h.level);
  requireLevel(f, "level", h.level, true);
  f.range("depth_mm", h.depthMm, 1, 20);
  f.range("width_mm", h.widthMm, 0, 40);
  f.oneOf("position", h.position, {"central", "paracentral", "foraminal"});
  f.oneOf("side", h.side, {"left", "right"});
  f.oneOf("type", h.type, {"protrusion", "extrusion"});
  f.range("migration_mm", h.migrationMm, -15, 15);
  f.finish();
  return h;
}

StenosisSpec parseStenosis(const json& j, const std::string& where, const std::string& file) {
  StenosisSpec s;
  Fields f(j, where, file);
  f.get("level", s.level);
  requireLevel(f, "level", s.level, true);
  f.range("canal_ap_mm", s.canalApMm, 3, 14);
  f.finish();
  return s;
}

DegeneratedDiscSpec parseDegenerated(const json& j, const std::string& where, const std::string& file) {
  DegeneratedDiscSpec d;
  Fields f(j, where, file);
  f.get("level", d.level);
  requireLevel(f, "level", d.level, true);
  f.range("height_loss", d.heightLoss, 0, 0.8);
  f.get("vacuum", d.vacuum);
  f.finish();
  return d;
}

std::string resolved(const std::string& path, const std::string& specFile) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(specFile).parent_path() / path).lexically_normal().string();
}

HardwareSpec parseHardware(const json& j, const std::string& where, const std::string& file) {
  HardwareSpec h;
  Fields f(j, where, file);
  f.get("mesh", h.mesh);
  h.mesh = resolved(h.mesh, file);
  f.oneOf("type", h.type, {"pedicle-screws", "rods", "cage", "laminectomy", "plate"});
  f.get("levels", h.levels);
  bool disc = h.type == "cage";
  if (h.levels.empty()) f.fail("levels", "must name at least one level");
  for (const std::string& l : h.levels) requireLevel(f, "levels", l, disc);
  if (h.type == "rods" && h.levels.size() < 2) f.fail("levels", "rods need at least two vertebrae");
  if (h.type == "plate" && h.levels.size() < 2) f.fail("levels", "a plate needs at least two vertebrae");
  f.oneOf("material", h.material, {"titanium", "steel", "peek"});
  if (h.material == "peek" && h.type != "cage") f.fail("material", "peek is for cages only");
  f.range("diameter_mm", h.diameterMm, 3, 9);
  f.range("length_mm", h.lengthMm, 20, 60);
  f.range("halo_mm", h.haloMm, 0, 5);
  f.oneOf("breach", h.breach, {"none", "medial", "lateral"});
  f.range("rod_gap_mm", h.rodGapMm, 0, 20);
  f.range("subsidence_mm", h.subsidenceMm, 0, 8);
  f.get("bridging_bone", h.bridgingBone);
  if (h.bridgingBone && h.type != "cage") f.fail("bridging_bone", "is for cages only (an interbody fusion)");
  f.finish();
  return h;
}

AcquisitionSpec parseAcquisition(const json& j, const std::string& file) {
  AcquisitionSpec a;
  Fields f(j, "acquisition", file);
  f.oneOf("orientation", a.orientation, {"axial", "sagittal", "coronal"});
  f.oneOf("position", a.position, {"supine", "prone"});
  f.range("oblique_deg", a.obliqueDeg, -45, 45);
  f.range("gantry_tilt_deg", a.gantryTiltDeg, -30, 30);
  f.range("pixel_mm", a.pixelMm, 0.2, 5);
  f.range("slice_mm", a.sliceMm, 0.2, 10);
  f.range("thickness_mm", a.thicknessMm, 0, 12);
  f.range("columns", a.columns, 0, 2048);
  f.range("rows", a.rows, 0, 2048);
  f.range("slices", a.slices, 0, 2048);
  f.range("noise", a.noise, 0, 10);
  f.get("transfer_syntax", a.transferSyntax);
  const auto& syntaxes = writableTransferSyntaxes();
  if (std::find(syntaxes.begin(), syntaxes.end(), a.transferSyntax) == syntaxes.end())
    f.fail("transfer_syntax", "\"" + a.transferSyntax + "\" is not a transfer syntax the writer knows");
  f.oneOf("mr_contrast", a.mrContrast, {"T1", "T2"});
  f.finish();
  if (a.gantryTiltDeg != 0 && a.orientation != "axial") f.fail("gantry_tilt_deg", "applies to axial acquisitions only");
  return a;
}

BaseScanSpec parseBase(const json& j, const std::string& file) {
  BaseScanSpec b;
  Fields f(j, "base", file);
  f.get("image", b.image);
  f.get("labels", b.labels);
  std::map<std::string, std::string> names;
  f.get("label_names", names);
  f.finish();
  if (b.image.empty() || b.labels.empty() || names.empty()) f.fail("", "needs image, labels and label_names");
  for (const auto& [value, name] : names) {
    if (!vertebraCode(name)) f.fail("label_names", "\"" + name + "\" is not a vertebra name");
    try {
      b.labelNames[std::uint16_t(std::stoul(value))] = name;
    } catch (const std::exception&) {
      f.fail("label_names", "key \"" + value + "\" is not a label value");
    }
  }
  b.image = resolved(b.image, file);
  b.labels = resolved(b.labels, file);
  return b;
}

template <typename T, typename Parse>
std::vector<T> parseList(Fields& f, const char* key, Parse parse, const std::string& file) {
  std::vector<T> out;
  const json* list = f.child(key);
  if (!list) return out;
  if (!list->is_array()) f.fail(key, "must be a list");
  for (size_t i = 0; i < list->size(); ++i) out.push_back(parse((*list)[i], std::string(key) + "[" + std::to_string(i) + "]", file));
  return out;
}

}  // namespace

PhantomSpec parsePhantomSpec(const json& j, const std::string& file) {
  PhantomSpec s;
  s.source = j;
  Fields f(j, "", file);
  f.get("name", s.name);
  f.oneOf("modality", s.modality, {"CT", "MR"});
  f.get("seed", s.seed);
  f.oneOf("field_of_view", s.fieldOfView, {"whole", "thoracolumbar", "lumbar", "cervical"});
  f.get("fov_from", s.fovFrom);
  f.get("fov_to", s.fovTo);
  if (!s.fovFrom.empty()) requireLevel(f, "fov_from", s.fovFrom, false);
  if (!s.fovTo.empty() && s.fovTo != "sacrum") requireLevel(f, "fov_to", s.fovTo, false);
  f.range("lumbar_count", s.lumbarCount, 4, 6);
  f.range("rib_pairs", s.ribPairs, 11, 13);
  f.oneOf("transitional", s.transitional, {"none", "sacralized-L5", "lumbarized-S1"});
  f.range("scoliosis_cobb_deg", s.scoliosisCobbDeg, -60, 60);
  f.range("lordosis_scale", s.lordosisScale, 0, 2);
  f.range("kyphosis_scale", s.kyphosisScale, 0, 2);
  f.range("sacral_slope_deg", s.sacralSlopeDeg, 10, 70);
  f.range("size_scale", s.sizeScale, 0.7, 1.3);
  f.get("conus", s.conus);
  requireLevel(f, "conus", s.conus, false);
  f.get("osteoporosis", s.osteoporosis);
  f.get("contrast", s.contrast);
  s.herniations = parseList<HerniationSpec>(f, "herniations", parseHerniation, file);
  s.degeneratedDiscs = parseList<DegeneratedDiscSpec>(f, "degenerated_discs", parseDegenerated, file);
  s.stenoses = parseList<StenosisSpec>(f, "stenoses", parseStenosis, file);
  s.hardware = parseList<HardwareSpec>(f, "hardware", parseHardware, file);
  if (const json* a = f.child("acquisition")) s.acquisition = parseAcquisition(*a, file);
  if (const json* b = f.child("base")) s.base = parseBase(*b, file);
  f.finish();
  if (s.base && (!s.herniations.empty() || !s.degeneratedDiscs.empty() || !s.stenoses.empty() || s.modality != "CT"))
    f.fail("base", "a real base scan takes hardware only, and must be CT (herniation insertion is not built)");
  if (s.transitional == "sacralized-L5" && s.lumbarCount != 5)
    f.fail("transitional", "sacralized-L5 needs lumbar_count 5 (the fused vertebra is the last lumbar)");
  return s;
}

PhantomSpec readPhantomSpec(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw SpineError(ExitCode::NoInput, "phantom spec", file, "cannot open the spec file");
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded()) throwDataError("phantom spec", file, "is not valid JSON");
  return parsePhantomSpec(j, file);
}

}  // namespace spine
