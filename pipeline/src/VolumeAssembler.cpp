#include "spine/VolumeAssembler.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

#include "spine/DicomPixelFile.h"
#include "spine/Error.h"

namespace spine {
namespace {

template <typename T>
T toPixel(double v, std::atomic<std::uint64_t>& clamped) {
  if constexpr (std::is_integral_v<T>) {
    double r = std::round(v);
    if (r < std::numeric_limits<T>::min() || r > std::numeric_limits<T>::max()) {
      clamped.fetch_add(1, std::memory_order_relaxed);
      r = std::clamp<double>(r, std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
    }
    return T(r);
  } else {
    return T(v);
  }
}

template <typename T>
typename itk::Image<T, 3>::Pointer allocate(const SeriesGeometry& g) {
  using Image = itk::Image<T, 3>;
  typename Image::SizeType size{{g.size[0], g.size[1], g.size[2]}};
  typename Image::RegionType region;
  region.SetSize(size);
  auto image = Image::New();
  image->SetRegions(region);
  typename Image::SpacingType spacing;
  typename Image::PointType origin;
  typename Image::DirectionType direction;
  for (unsigned i = 0; i < 3; ++i) {
    spacing[i] = g.spacing[i];
    origin[i] = g.origin[i];
    direction[i][0] = g.rowDir[i];  // ITK direction columns are the index axes
    direction[i][1] = g.colDir[i];
    direction[i][2] = g.normal[i];
  }
  image->SetSpacing(spacing);
  image->SetOrigin(origin);
  image->SetDirection(direction);
  image->Allocate(false);
  return image;
}

/// Calls `work(frameFormat, pixelFile, frameSlot)` for every sorted frame, loading each file once,
/// with files spread over `threads` workers. Slots are indices into series.frames.
template <typename Work>
void forEachDecodedFrame(const Series& series, const AssemblyParams& params, Work work) {
  std::map<std::string, std::vector<size_t>> byFile;
  std::vector<std::string> files;
  for (size_t i = 0; i < series.frames.size(); ++i) {
    auto [it, isNew] = byFile.try_emplace(series.frames[i].file);
    if (isNew) files.push_back(series.frames[i].file);
    it->second.push_back(i);
  }
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failureMutex;
  auto worker = [&] {
    for (size_t f = next++; f < files.size(); f = next++) {
      try {
        const std::vector<size_t>& slots = byFile.at(files[f]);
        if (params.onFile) params.onFile(files[f]);
        DicomPixelFile pixels(series.frames[slots.front()]);
        for (size_t slot : slots) work(series.frames[slot], pixels, slot);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failureMutex);
        if (!failure) failure = std::current_exception();
        next = files.size();
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < std::max(1u, params.threads); ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

bool invertFor(const DicomFrame& f, Modality modality) {
  // MONOCHROME1 is a display instruction (PS3.3 C.7.6.3.1.2). CT values stay HU through the
  // Modality LUT; MR has no physical scale, so its values are flipped to read bright = high signal.
  return modality == Modality::MR && f.photometric == "MONOCHROME1";
}

/// Stored word -> output value for every possible word (2^Bits Allocated entries), so converting
/// a frame is one table look-up per voxel. Rebuilt only when a frame's format or rescale changes.
template <typename T>
class StoredValueTable {
public:
  void prepare(const DicomFrame& f, bool invert) {
    auto key = std::make_tuple(f.bitsAllocated, f.bitsStored, f.highBit, f.pixelRepresentation, f.rescaleSlope,
                               f.rescaleIntercept, invert);
    if (!m_values.empty() && key == m_key) return;
    m_key = key;
    size_t entries = size_t(1) << f.bitsAllocated;
    m_values.resize(entries);
    m_clamped.assign(entries, 0);
    m_anyClamped = false;
    std::atomic<std::uint64_t> clamped{0};
    for (size_t word = 0; word < entries; ++word) {
      std::uint16_t w = std::uint16_t(word);
      std::uint8_t b = std::uint8_t(word);
      const std::uint8_t* sample = f.bitsAllocated == 16 ? reinterpret_cast<const std::uint8_t*>(&w) : &b;
      std::uint64_t before = clamped.load();
      m_values[word] = toPixel<T>(storedToValue(sample, 0, f, invert), clamped);
      m_clamped[word] = clamped.load() != before;
      m_anyClamped = m_anyClamped || m_clamped[word];
    }
    m_sixteen = f.bitsAllocated == 16;
  }

  void convert(const std::uint8_t* samples, size_t n, T* dst, std::atomic<std::uint64_t>& clamped) const {
    const T* lut = m_values.data();
    if (m_sixteen) {
      const auto* words = reinterpret_cast<const std::uint16_t*>(samples);
      for (size_t i = 0; i < n; ++i) dst[i] = lut[words[i]];
    } else {
      for (size_t i = 0; i < n; ++i) dst[i] = lut[samples[i]];
    }
    if (!m_anyClamped) return;
    std::uint64_t count = 0;
    for (size_t i = 0; i < n; ++i) count += m_clamped[m_sixteen ? reinterpret_cast<const std::uint16_t*>(samples)[i] : samples[i]];
    clamped += count;
  }

private:
  std::tuple<unsigned, unsigned, unsigned, unsigned, double, double, bool> m_key;
  std::vector<T> m_values;
  std::vector<std::uint8_t> m_clamped;
  bool m_anyClamped = false, m_sixteen = true;
};

/// Bilinear sample of a frame (float, columns x rows) at fractional index (u, v); `fill` outside.
float sampleFrame(const float* frame, unsigned nx, unsigned ny, double u, double v, float fill) {
  if (u < -0.5 || v < -0.5 || u > nx - 0.5 || v > ny - 0.5) return fill;
  u = std::clamp(u, 0.0, double(nx - 1));
  v = std::clamp(v, 0.0, double(ny - 1));
  unsigned x0 = unsigned(u), y0 = unsigned(v);
  unsigned x1 = std::min(x0 + 1, nx - 1), y1 = std::min(y0 + 1, ny - 1);
  double fx = u - x0, fy = v - y0;
  double top = frame[size_t(y0) * nx + x0] * (1 - fx) + frame[size_t(y0) * nx + x1] * fx;
  double bottom = frame[size_t(y1) * nx + x0] * (1 - fx) + frame[size_t(y1) * nx + x1] * fx;
  return float(top * (1 - fy) + bottom * fy);
}

template <typename T>
void resampleOntoGrid(const Series& series, const std::vector<float>& stack, T* out, float fill,
                      std::atomic<std::uint64_t>& clamped) {
  const SeriesGeometry& g = series.geometry;
  const unsigned nx = g.size[0], ny = g.size[1];
  const size_t frameVoxels = size_t(nx) * ny;
  const std::vector<double>& pos = g.framePositions;
  for (unsigned k = 0; k < g.size[2]; ++k) {
    double z = pos.front() + k * g.spacing[2];
    size_t hi = size_t(std::lower_bound(pos.begin(), pos.end(), z - 1e-6) - pos.begin());
    hi = std::min(hi, pos.size() - 1);
    size_t lo = hi > 0 && pos[hi] > z + 1e-6 ? hi - 1 : hi;
    double w = pos[hi] > pos[lo] ? (z - pos[lo]) / (pos[hi] - pos[lo]) : 0.0;
    for (unsigned y = 0; y < ny; ++y)
      for (unsigned x = 0; x < nx; ++x) {
        // The frame's in-plane shift puts grid voxel (x, y) at frame index (x - shift).
        auto at = [&](size_t f) {
          return sampleFrame(&stack[f * frameVoxels], nx, ny, x - g.frameShift[f][0], y - g.frameShift[f][1], fill);
        };
        double v = lo == hi ? at(lo) : at(lo) * (1 - w) + at(hi) * w;
        out[size_t(k) * frameVoxels + size_t(y) * nx + x] = toPixel<T>(v, clamped);
      }
  }
}

std::string mib(std::uint64_t bytes) { return std::to_string((bytes + (1 << 20) - 1) >> 20) + " MiB"; }

template <typename T>
typename itk::Image<T, 3>::Pointer assemble(const Series& series, Modality modality, const AssemblyParams& params,
                                            std::vector<std::string>& warnings) {
  const SeriesGeometry& g = series.geometry;
  const size_t frameVoxels = size_t(g.size[0]) * g.size[1];
  std::uint64_t bytes = series.voxelCount() * sizeof(T);
  if (g.needsResampling) bytes += std::uint64_t(series.frames.size()) * frameVoxels * sizeof(float);
  if (bytes > params.maxBytes)
    throwDataError("decode", series.first().file, series.key + " needs " + mib(bytes) + " of memory, above the cap of " +
                                                     mib(params.maxBytes) + " (--max-memory)");
  auto image = allocate<T>(g);
  T* out = image->GetBufferPointer();
  std::atomic<std::uint64_t> clamped{0};
  if (!g.needsResampling) {
    forEachDecodedFrame(series, params, [&](const DicomFrame& f, const DicomPixelFile& px, size_t slot) {
      thread_local StoredValueTable<T> table;
      table.prepare(f, invertFor(f, modality));
      table.convert(px.frame(f.frameIndex), frameVoxels, out + slot * frameVoxels, clamped);
    });
  } else {
    std::vector<float> stack(series.frames.size() * frameVoxels);
    forEachDecodedFrame(series, params, [&](const DicomFrame& f, const DicomPixelFile& px, size_t slot) {
      thread_local StoredValueTable<float> table;
      table.prepare(f, invertFor(f, modality));
      table.convert(px.frame(f.frameIndex), frameVoxels, &stack[slot * frameVoxels], clamped);
    });
    float fill = modality == Modality::CT ? -1024.0f : 0.0f;  // air outside a tilted slice
    resampleOntoGrid<T>(series, stack, out, fill, clamped);
  }
  if (clamped)
    warnings.push_back(std::to_string(clamped.load()) + " voxel(s) of " + series.key +
                       " fell outside the int16 HU range after Rescale Slope/Intercept and were clamped");
  return image;
}

}  // namespace

Volume assembleVolume(const Series& series, Modality modality, const AssemblyParams& params,
                      std::vector<std::string>& warnings) {
  Volume volume;
  volume.modality = modality;
  if (modality == Modality::CT) volume.ct = assemble<CtPixel>(series, modality, params, warnings);
  else volume.mr = assemble<MrPixel>(series, modality, params, warnings);
  return volume;
}

}  // namespace spine
