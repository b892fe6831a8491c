// libFuzzer target: the parsing half of ingest on one uploaded file, as loadStudy runs it: the
// project's structure check, DCMTK's header parse into frames, series grouping and geometry, and
// the decoding of every frame (DCMTK's decoders, OpenJPEG for JPEG 2000). A SpineError is the
// expected answer to bad data; a crash, a sanitizer report, another exception or a hang past
// libFuzzer's -timeout is a finding. (Volume assembly needs ITK, whose Debian headers accept only
// GCC, so it is not in this clang-built target; its inputs are the frames checked here.)
#include <cstdint>

#include "FuzzInput.h"
#include "spine/DicomFrameReader.h"
#include "spine/DicomPixelFile.h"
#include "spine/DicomStructureCheck.h"
#include "spine/Error.h"
#include "spine/Series.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  spine::fuzz::FuzzInput input(data, size, "upload.dcm");
  try {
    if (spine::checkDicomStructure(input.file()).verdict != spine::StructureVerdict::Ok) return 0;
    std::vector<spine::DicomFrame> frames = spine::readDicomFrames(input.file());
    if (frames.empty()) return 0;
    if (frames.front().frameBytes() * frames.size() > (64u << 20)) return 0;  // the product's memory cap refuses these
    spine::registerDicomCodecs();
    spine::DicomPixelFile pixels(frames.front());
    for (const spine::DicomFrame& f : frames) pixels.frame(f.frameIndex);
    for (spine::Series& s : spine::groupIntoSeries(std::move(frames))) spine::computeSeriesGeometry(s);
  } catch (const spine::SpineError&) {
  }
  return 0;
}
