#include "spine/J2kCodec.h"

#include <cstring>
#include <memory>
#include <stdexcept>

// The versioned path: ITK ships an older private openjpeg.h on its include path.
#include <openjpeg-2.5/openjpeg.h>

namespace spine {
namespace {

/// A byte buffer that OpenJPEG reads from or writes to through its stream callbacks.
struct MemoryStream {
  std::vector<std::uint8_t> bytes;
  const std::uint8_t* data = nullptr;
  size_t size = 0;
  size_t pos = 0;
};

OPJ_SIZE_T readCb(void* buffer, OPJ_SIZE_T n, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (m->pos >= m->size) return OPJ_SIZE_T(-1);
  OPJ_SIZE_T take = std::min<OPJ_SIZE_T>(n, m->size - m->pos);
  std::memcpy(buffer, m->data + m->pos, take);
  m->pos += take;
  return take;
}
OPJ_OFF_T skipCb(OPJ_OFF_T n, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (n < 0 || m->pos + size_t(n) > m->size) return -1;
  m->pos += size_t(n);
  return n;
}
OPJ_BOOL seekCb(OPJ_OFF_T n, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  if (n < 0 || size_t(n) > m->size) return OPJ_FALSE;
  m->pos = size_t(n);
  return OPJ_TRUE;
}
OPJ_SIZE_T writeCb(void* buffer, OPJ_SIZE_T n, void* user) {
  auto* m = static_cast<MemoryStream*>(user);
  const auto* b = static_cast<const std::uint8_t*>(buffer);
  m->bytes.insert(m->bytes.end(), b, b + n);
  return n;
}
void quietCb(const char*, void*) {}

struct CodecDeleter { void operator()(opj_codec_t* c) const { opj_destroy_codec(c); } };
struct StreamDeleter { void operator()(opj_stream_t* s) const { opj_stream_destroy(s); } };
struct ImageDeleter { void operator()(opj_image_t* i) const { opj_image_destroy(i); } };
using Codec = std::unique_ptr<opj_codec_t, CodecDeleter>;
using Stream = std::unique_ptr<opj_stream_t, StreamDeleter>;
using Image = std::unique_ptr<opj_image_t, ImageDeleter>;

void silence(opj_codec_t* codec) {
  opj_set_info_handler(codec, quietCb, nullptr);
  opj_set_warning_handler(codec, quietCb, nullptr);
  opj_set_error_handler(codec, quietCb, nullptr);
}

}  // namespace

std::vector<std::uint8_t> decodeJ2k(const std::uint8_t* data, size_t size, unsigned rows, unsigned columns,
                                    unsigned bytesPerSample) {
  bool jp2 = size >= 12 && std::memcmp(data + 4, "jP  ", 4) == 0;
  Codec codec(opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K));
  silence(codec.get());
  opj_dparameters_t params;
  opj_set_default_decoder_parameters(&params);
  if (!opj_setup_decoder(codec.get(), &params)) throw std::runtime_error("JPEG 2000 decoder setup failed");

  MemoryStream in;
  in.data = data;
  in.size = size;
  Stream stream(opj_stream_create(1 << 16, OPJ_TRUE));
  opj_stream_set_user_data(stream.get(), &in, nullptr);
  opj_stream_set_user_data_length(stream.get(), size);
  opj_stream_set_read_function(stream.get(), readCb);
  opj_stream_set_skip_function(stream.get(), skipCb);
  opj_stream_set_seek_function(stream.get(), seekCb);

  opj_image_t* raw = nullptr;
  if (!opj_read_header(stream.get(), codec.get(), &raw)) throw std::runtime_error("corrupt JPEG 2000 header");
  Image image(raw);
  // Check the declared size before decoding, so a lying header cannot allocate a huge image.
  if (image->numcomps != 1 || image->x1 - image->x0 != columns || image->y1 - image->y0 != rows)
    throw std::runtime_error("JPEG 2000 stream size or components differ from Rows/Columns/Samples per Pixel");
  if (!opj_decode(codec.get(), stream.get(), image.get()) || !opj_end_decompress(codec.get(), stream.get()))
    throw std::runtime_error("corrupt JPEG 2000 stream");
  const opj_image_comp_t& comp = image->comps[0];
  if (!comp.data || comp.w != columns || comp.h != rows) throw std::runtime_error("JPEG 2000 component size mismatch");

  size_t n = size_t(rows) * columns;
  std::vector<std::uint8_t> out(n * bytesPerSample);
  for (size_t i = 0; i < n; ++i) {
    std::uint32_t v = std::uint32_t(comp.data[i]);  // two's complement bits kept; the caller masks to Bits Stored
    out[i * bytesPerSample] = std::uint8_t(v & 0xFF);
    if (bytesPerSample == 2) out[i * 2 + 1] = std::uint8_t((v >> 8) & 0xFF);
  }
  return out;
}

std::vector<std::uint8_t> encodeJ2kLossless(const std::uint16_t* samples, unsigned rows, unsigned columns,
                                            unsigned bitsStored, bool isSigned) {
  opj_image_cmptparm_t cp{};
  cp.dx = cp.dy = 1;
  cp.w = columns;
  cp.h = rows;
  cp.prec = bitsStored;
  cp.sgnd = isSigned ? 1 : 0;
  Image image(opj_image_create(1, &cp, OPJ_CLRSPC_GRAY));
  if (!image) throw std::runtime_error("JPEG 2000 encoder: image allocation failed");
  image->x1 = columns;
  image->y1 = rows;
  size_t n = size_t(rows) * columns;
  std::uint32_t mask = bitsStored >= 32 ? 0xFFFFFFFFu : (1u << bitsStored) - 1;
  for (size_t i = 0; i < n; ++i) {
    std::int32_t v = std::int32_t(samples[i] & mask);
    if (isSigned && (v & (1 << (bitsStored - 1)))) v -= std::int32_t(1) << bitsStored;
    image->comps[0].data[i] = v;
  }
  opj_cparameters_t params;
  opj_set_default_encoder_parameters(&params);
  params.irreversible = 0;  // 5/3 reversible wavelet: lossless
  params.tcp_numlayers = 1;
  params.tcp_rates[0] = 0;
  params.cp_disto_alloc = 1;
  // Each resolution level halves the image; small images allow fewer than the default 6.
  int levels = 1;
  while (levels < 6 && (std::min(rows, columns) >> levels) >= 4) ++levels;
  params.numresolution = levels;
  Codec codec(opj_create_compress(OPJ_CODEC_J2K));
  silence(codec.get());
  if (!opj_setup_encoder(codec.get(), &params, image.get())) throw std::runtime_error("JPEG 2000 encoder setup failed");
  MemoryStream out;
  Stream stream(opj_stream_create(1 << 16, OPJ_FALSE));
  opj_stream_set_user_data(stream.get(), &out, nullptr);
  opj_stream_set_write_function(stream.get(), writeCb);
  opj_stream_set_skip_function(stream.get(), [](OPJ_OFF_T n, void* user) -> OPJ_OFF_T {
    auto* m = static_cast<MemoryStream*>(user);
    m->bytes.resize(m->bytes.size() + size_t(n), 0);
    return n;
  });
  opj_stream_set_seek_function(stream.get(), [](OPJ_OFF_T, void*) -> OPJ_BOOL { return OPJ_FALSE; });
  if (!opj_start_compress(codec.get(), image.get(), stream.get()) || !opj_encode(codec.get(), stream.get()) ||
      !opj_end_compress(codec.get(), stream.get()))
    throw std::runtime_error("JPEG 2000 encoding failed");
  return std::move(out.bytes);
}

}  // namespace spine
