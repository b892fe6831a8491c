#include "spine/PluginDetector.h"

#include <algorithm>
#include <filesystem>

#include <dlfcn.h>

#include "spine/Error.h"
#include "spine/Isolation.h"
#include "spine/PluginAbi.h"
#include "spine/Vec3Json.h"

namespace spine {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct PluginApi {
  int (*abiVersion)() = nullptr;
  const char* (*name)() = nullptr;
  int (*appliesTo)(int) = nullptr;
  char* (*detect)(const SpineImageView*, const SpineImageView*, const char*) = nullptr;
  void (*release)(char*) = nullptr;
};

/// Opens the library and finds its exports; "" when complete, else what is wrong.
std::string bind(const std::string& path, void*& handle, PluginApi& api) {
  handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return std::string("cannot be loaded: ") + ::dlerror();
  auto symbol = [&](const char* name) { return ::dlsym(handle, name); };
  api.abiVersion = reinterpret_cast<int (*)()>(symbol("spine_plugin_abi_version"));
  if (!api.abiVersion) return "not a SpineReview plugin (no spine_plugin_abi_version)";
  if (int v = api.abiVersion(); v != SPINE_PLUGIN_ABI_VERSION)
    return "built for plugin ABI " + std::to_string(v) + ", this spinereview speaks ABI " + std::to_string(SPINE_PLUGIN_ABI_VERSION);
  api.name = reinterpret_cast<const char* (*)()>(symbol("spine_plugin_name"));
  api.appliesTo = reinterpret_cast<int (*)(int)>(symbol("spine_plugin_applies_to"));
  api.detect = reinterpret_cast<char* (*)(const SpineImageView*, const SpineImageView*, const char*)>(symbol("spine_plugin_detect"));
  api.release = reinterpret_cast<void (*)(char*)>(symbol("spine_plugin_free"));
  if (!api.name || !api.appliesTo || !api.detect || !api.release) return "lacks one of the required spine_plugin_* functions";
  const char* name = api.name();
  if (!name || !*name) return "has no name";
  return "";
}

template <typename TImage>
SpineImageView viewOf(const TImage* image, int pixelType) {
  SpineImageView v{};
  v.pixel_type = pixelType;
  v.pixels = image->GetBufferPointer();
  for (int d = 0; d < 3; ++d) {
    v.size[d] = int(image->GetLargestPossibleRegion().GetSize()[d]);
    v.spacing[d] = image->GetSpacing()[d];
    v.origin[d] = image->GetOrigin()[d];
    for (int c = 0; c < 3; ++c) v.direction[d * 3 + c] = image->GetDirection()(d, c);
  }
  return v;
}

json levelsJson(const LevelTable* t) {
  json out = {{"vertebrae", json::array()}, {"discs", json::array()}, {"numbering", {{"status", t ? t->verdict.status : "not_performed"}}}};
  if (!t) return out;
  for (const char* list : {"vertebrae", "discs"})
    for (const LevelEntry& e : std::string(list) == "discs" ? t->discs : t->vertebrae)
      out[list].push_back({{"name", e.name}, {"label", e.label}, {"centroid_lps_mm", toJson(e.centroid)}, {"confidence", e.confidence}});
  return out;
}

class PluginDetector : public Detector {
public:
  PluginDetector(void* handle, PluginApi api, std::string file) : m_handle(handle), m_api(api), m_file(std::move(file)) {}
  ~PluginDetector() override { ::dlclose(m_handle); }
  std::string name() const override { return m_api.name(); }
  bool appliesTo(Modality m) const override { return m_api.appliesTo(m == Modality::CT ? SPINE_MODALITY_CT : SPINE_MODALITY_MR) != 0; }
  std::vector<Finding> detect(const DetectorInput& in) const override {
    SpineImageView image = in.volume.modality == Modality::CT ? viewOf(in.volume.ct.GetPointer(), SPINE_PIXEL_INT16)
                                                              : viewOf(in.volume.mr.GetPointer(), SPINE_PIXEL_FLOAT32);
    SpineImageView labels{};
    if (in.levels && in.levels->labels) labels = viewOf(in.levels->labels.GetPointer(), SPINE_PIXEL_UINT16);
    char* text = m_api.detect(&image, in.levels && in.levels->labels ? &labels : nullptr, levelsJson(in.levels).dump().c_str());
    if (!text) throwDataError("detectors", m_file, "the plugin reported a failure (returned no findings)");
    json list = json::parse(text, nullptr, false);
    m_api.release(text);
    if (!list.is_array()) throwDataError("detectors", m_file, "the plugin returned something that is not a JSON list of findings");
    std::vector<Finding> out;
    for (const json& f : list) out.push_back(findingFromJson(f, m_file));
    return out;
  }

private:
  void* m_handle;
  PluginApi m_api;
  std::string m_file;
};

/// Loads the library in a child first: its initialisers or its ABI check may crash.
std::string probe(const std::string& path) {
  IsolationLimits limits;
  limits.wallSeconds = 30;
  IsolatedOutput out = runIsolatedForOutput(
      [&] {
        void* handle = nullptr;
        PluginApi api;
        return bind(path, handle, api);
      },
      limits);
  return out.ok ? out.output : "crashed or hung while loading: " + out.failure;
}

}  // namespace

LoadedPlugins loadPlugins(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw SpineError(ExitCode::NoInput, "detectors", dir, "plugin folder not found");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".so") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  LoadedPlugins loaded;
  for (const std::string& file : files) {
    std::string problem = probe(file);
    void* handle = nullptr;
    PluginApi api;
    if (problem.empty()) problem = bind(file, handle, api);
    if (!problem.empty()) {
      if (handle) ::dlclose(handle);
      loaded.refused.push_back(detectorFailure("plugin " + fs::path(file).filename().string(), problem));
      continue;
    }
    loaded.detectors.push_back(std::make_unique<PluginDetector>(handle, api, file));
  }
  return loaded;
}

}  // namespace spine
