#include "spine/DicomPixelFile.h"

#include <mutex>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

#include "spine/Error.h"
#include "spine/J2kCodec.h"

namespace spine {
namespace {

bool isJpeg2000(const std::string& uid) {
  return uid == "1.2.840.10008.1.2.4.90" || uid == "1.2.840.10008.1.2.4.91" ||  // JPEG 2000 (lossless / lossy)
         uid == "1.2.840.10008.1.2.4.201" || uid == "1.2.840.10008.1.2.4.202" || uid == "1.2.840.10008.1.2.4.203";  // HTJ2K
}

/// A fragment starting with a J2K SOC+SIZ marker (FF4F FF51) or a JP2 signature box begins a frame.
bool startsCodestream(const std::uint8_t* p, size_t n) {
  return (n >= 4 && p[0] == 0xFF && p[1] == 0x4F && p[2] == 0xFF && p[3] == 0x51) ||
         (n >= 12 && p[4] == 'j' && p[5] == 'P' && p[6] == ' ' && p[7] == ' ');
}

}  // namespace

void registerDicomCodecs() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
  });
}

DicomPixelFile::DicomPixelFile(const DicomFrame& format) : m_format(format), m_file(std::make_unique<DcmFileFormat>()) {
  registerDicomCodecs();
  OFCondition status = m_file->loadFile(format.file.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
  if (status.bad()) throwDataError("decode", format.file, std::string("cannot read pixel data: ") + status.text());
  if (isJpeg2000(format.transferSyntaxUid)) decodeJpeg2000();
  else decodeNative();
}

DicomPixelFile::~DicomPixelFile() = default;

namespace {

/// Whether a JPEG (ITU T.81) stream's marker segments are well formed from SOI up to SOS: each
/// marker starts with 0xFF, each segment's length is at least 2 and stays inside the stream. DCMTK
/// 3.6.7's scan for the bit depth (DJCodecDecoder::scanJpegDataForBitDepth) loops without end on
/// some malformed ones (found by fuzzing), so they are refused before it sees them.
bool jpegHeaderWellFormed(const std::uint8_t* p, size_t n) {
  if (n < 4 || p[0] != 0xFF || p[1] != 0xD8) return false;
  size_t at = 2;
  while (at + 1 < n) {
    if (p[at] != 0xFF) return false;
    while (at + 1 < n && p[at + 1] == 0xFF) ++at;  // fill bytes
    if (at + 1 >= n) return false;
    const std::uint8_t m = p[at + 1];
    if (m == 0xDA) return true;  // start of scan: the header is complete
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) {
      at += 2;  // standalone markers
      continue;
    }
    if (at + 3 >= n) return false;
    const size_t length = size_t(p[at + 2]) << 8 | p[at + 3];
    if (length < 2) return false;
    at += 2 + length;
  }
  return false;
}

}  // namespace

/// Refuses, before DCMTK decodes them, JPEG fragments whose header would stall its decoder.
void DicomPixelFile::checkJpegHeaders() {
  if (DcmXfer(m_format.transferSyntaxUid.c_str()).getJPEGProcess8Bit() == 0) return;
  DcmElement* element = nullptr;
  if (m_file->getDataset()->findAndGetElement(DCM_PixelData, element).bad() || !element) return;
  DcmPixelSequence* fragments = nullptr;
  E_TransferSyntax xfer = DcmXfer(m_format.transferSyntaxUid.c_str()).getXfer();
  if (static_cast<DcmPixelData*>(element)->getEncapsulatedRepresentation(xfer, nullptr, fragments).bad() || !fragments) return;
  for (unsigned long i = 1; i < fragments->card(); ++i) {
    DcmPixelItem* item = nullptr;
    Uint8* bytes = nullptr;
    if (fragments->getItem(item, i).bad() || item->getUint8Array(bytes).bad() || !bytes) continue;
    const size_t n = item->getLength();
    // The frame's first fragment starts with its start-of-image marker; without one DCMTK's scan
    // stalls as well (found by fuzzing, 2026-11-24).
    if (i == 1 && (n < 2 || bytes[0] != 0xFF || bytes[1] != 0xD8))
      throwDataError("decode", m_format.file, "JPEG fragment 1 does not start with a JPEG start-of-image marker");
    if (n >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8 && !jpegHeaderWellFormed(bytes, n))
      throwDataError("decode", m_format.file, "JPEG fragment " + std::to_string(i) + " has a malformed header (marker segments before the scan)");
  }
}

void DicomPixelFile::decodeNative() {
  checkJpegHeaders();
  DcmDataset* ds = m_file->getDataset();
  OFCondition status = ds->chooseRepresentation(EXS_LittleEndianExplicit, nullptr);
  if (status.bad() || !ds->canWriteXfer(EXS_LittleEndianExplicit))
    throwDataError("decode", m_format.file, "cannot decompress transfer syntax " + m_format.transferSyntaxUid + ": " + status.text());
  DcmElement* pixel = nullptr;
  if (ds->findAndGetElement(DCM_PixelData, pixel).bad() || !pixel) throwDataError("decode", m_format.file, "no Pixel Data (7FE0,0010)");
  std::uint64_t need = m_format.frameBytes() * m_format.numberOfFrames;
  if (pixel->getLength() < need)
    throwDataError("decode", m_format.file, "Pixel Data (7FE0,0010) holds " + std::to_string(pixel->getLength()) + " bytes, needs " + std::to_string(need) + " (truncated)");
  if (m_format.bitsAllocated == 16) {
    Uint16* words = nullptr;
    status = pixel->getUint16Array(words);
    m_native = reinterpret_cast<const std::uint8_t*>(words);
  } else {
    Uint8* bytes = nullptr;
    status = pixel->getUint8Array(bytes);
    m_native = bytes;
  }
  if (status.bad() || !m_native) throwDataError("decode", m_format.file, std::string("cannot access pixel data: ") + status.text());
}

void DicomPixelFile::decodeJpeg2000() {
  DcmDataset* ds = m_file->getDataset();
  DcmElement* element = nullptr;
  if (ds->findAndGetElement(DCM_PixelData, element).bad() || !element) throwDataError("decode", m_format.file, "no Pixel Data (7FE0,0010)");
  auto* pixelData = static_cast<DcmPixelData*>(element);
  DcmPixelSequence* fragments = nullptr;
  E_TransferSyntax xfer = DcmXfer(m_format.transferSyntaxUid.c_str()).getXfer();
  if (pixelData->getEncapsulatedRepresentation(xfer, nullptr, fragments).bad() || !fragments)
    throwDataError("decode", m_format.file, "JPEG 2000 pixel data is not encapsulated");

  // Join fragments into codestreams; item 0 is the Basic Offset Table (PS3.5 A.4).
  std::vector<std::vector<std::uint8_t>> streams;
  for (unsigned long i = 1; i < fragments->card(); ++i) {
    DcmPixelItem* item = nullptr;
    Uint8* bytes = nullptr;
    if (fragments->getItem(item, i).bad() || item->getUint8Array(bytes).bad() || !bytes) continue;
    size_t n = item->getLength();
    if (streams.empty() || (m_format.numberOfFrames > 1 && startsCodestream(bytes, n))) streams.emplace_back();
    streams.back().insert(streams.back().end(), bytes, bytes + n);
  }
  if (streams.size() != m_format.numberOfFrames)
    throwDataError("decode", m_format.file, "JPEG 2000 pixel data holds " + std::to_string(streams.size()) + " codestreams for " +
                                                std::to_string(m_format.numberOfFrames) + " frames");
  unsigned bytesPerSample = (m_format.bitsAllocated + 7) / 8;
  m_decoded.reserve(m_format.frameBytes() * m_format.numberOfFrames);
  for (const auto& s : streams) {
    try {
      std::vector<std::uint8_t> frame = decodeJ2k(s.data(), s.size(), m_format.rows, m_format.columns, bytesPerSample);
      m_decoded.insert(m_decoded.end(), frame.begin(), frame.end());
    } catch (const std::exception& e) {
      throwDataError("decode", m_format.file, e.what());
    }
  }
  if (bytesPerSample == 2) {  // decodeJ2k writes little-endian; hand out host-order words
    auto* w = reinterpret_cast<std::uint16_t*>(m_decoded.data());
    for (size_t i = 0; i < m_decoded.size() / 2; ++i) {
      const std::uint8_t* b = m_decoded.data() + 2 * i;
      w[i] = std::uint16_t(b[0] | b[1] << 8);
    }
  }
}

const std::uint8_t* DicomPixelFile::frame(unsigned index) const {
  size_t offset = size_t(index) * m_format.frameBytes();
  return (m_decoded.empty() ? m_native : m_decoded.data()) + offset;
}

}  // namespace spine
