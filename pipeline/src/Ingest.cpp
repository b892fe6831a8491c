// loadStudy: from a path to a Study with its chosen volume (see Study.h).
#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "spine/Error.h"
#include "spine/Study.h"
#include "spine/VolumeFileReader.h"

namespace spine {
namespace fs = std::filesystem;
namespace {

/// A temporary folder removed (with its contents) when it goes out of scope.
class ScratchDir {
public:
  explicit ScratchDir(const std::string& parent) {
    fs::path base = parent.empty() ? fs::temp_directory_path() : fs::path(parent);
    std::string pattern = (base / "spinereview-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw SpineError(ExitCode::CantCreate, "ingest", base.string(), "cannot create a scratch folder");
    m_path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return m_path; }

private:
  std::string m_path;
};

/// Regular files under `dir`, sorted, not following symbolic links out of the tree.
std::vector<std::string> listFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) throw SpineError(ExitCode::NoInput, "ingest", dir, "folder cannot be read: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw SpineError(ExitCode::NoInput, "ingest", dir, "folder cannot be read: " + ec.message());
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

/// Structure check then DCMTK header read; unusable files go to study.skipped with the reason.
std::vector<DicomFrame> readFrames(const std::vector<std::string>& files, const IngestParams& params, Study& study,
                                   bool& sawMalformed) {
  std::vector<DicomFrame> frames;
  size_t done = 0;
  for (const std::string& file : files) {
    if (params.onFile) params.onFile(file);
    if (params.progress && ++done % 100 == 0) params.progress("reading headers " + std::to_string(done) + "/" + std::to_string(files.size()));
    StructureCheck check = checkDicomStructure(file, params.structure);
    if (check.verdict != StructureVerdict::Ok) {
      sawMalformed = sawMalformed || check.verdict == StructureVerdict::Malformed;
      study.skipped.push_back({file, check.verdict == StructureVerdict::NotDicom ? "not DICOM: " + check.problem : check.problem});
      continue;
    }
    try {
      std::vector<DicomFrame> fileFrames = readDicomFrames(file, params.frames);
      if (fileFrames.empty()) study.skipped.push_back({file, "no Pixel Data (7FE0,0010): not an image (report, presentation state, ...)"});
      for (DicomFrame& f : fileFrames) frames.push_back(std::move(f));
    } catch (const SpineError& e) {
      sawMalformed = true;
      study.skipped.push_back({file, e.what()});
    }
  }
  return frames;
}

[[noreturn]] void failNothingUsable(const Study& study, bool sawMalformed) {
  const SkippedFile& first = study.skipped.front();
  std::string more = study.skipped.size() > 1 ? " (and " + std::to_string(study.skipped.size() - 1) + " other unusable file(s))" : "";
  if (!sawMalformed && study.skipped.size() > 1)
    throwDataError("ingest", study.input, "no DICOM image among " + std::to_string(study.skipped.size()) + " files");
  throwDataError("ingest", first.file, first.reason + more);
}

void checkOneStudy(Study& study, const std::vector<DicomFrame>& frames) {
  std::set<std::string> uids;
  for (const DicomFrame& f : frames)
    if (!f.studyUid.empty()) uids.insert(f.studyUid);
  study.studyUids.assign(uids.begin(), uids.end());
  // Never mix patients or visits: one analysis is one study.
  if (uids.size() > 1)
    throwDataError("ingest", study.input, "input holds " + std::to_string(uids.size()) +
                                              " different studies (Study Instance UID (0020,000D)); analyse one study at a time");
  if (uids.empty()) study.warnings.push_back("Study Instance UID (0020,000D) is empty in every file: study identity unknown");
}

void loadDicomFiles(Study& study, const std::vector<std::string>& files, const IngestParams& params) {
  study.filesSeen = files.size();
  if (files.empty()) throw SpineError(ExitCode::NoInput, "ingest", study.input, "holds no files");
  bool sawMalformed = false;
  std::vector<DicomFrame> frames = readFrames(files, params, study, sawMalformed);
  if (frames.empty()) failNothingUsable(study, sawMalformed);
  if (!study.skipped.empty())
    study.warnings.push_back(std::to_string(study.skipped.size()) + " of " + std::to_string(files.size()) +
                             " file(s) skipped as unusable (listed under input.skipped_files)");
  checkOneStudy(study, frames);
  study.series = groupIntoSeries(std::move(frames));
  for (Series& s : study.series) computeSeriesGeometry(s);
  chooseSeries(study);
  if (study.chosen < 0) {
    const Series& s = study.series.front();
    throwDataError("ingest", s.first().file, "no series can be analysed: " + s.key + ": " + study.notChosenWhy.front());
  }
  const Series& chosen = study.chosenSeries();
  if (params.progress) params.progress("decoding " + chosen.key + ": " + std::to_string(chosen.frames.size()) + " frames");
  AssemblyParams assembly = params.assembly;
  assembly.onFile = params.onFile;
  Modality modality = chosen.modality == "CT" ? Modality::CT : Modality::MR;
  study.volume = assembleVolume(chosen, modality, assembly, study.warnings);
  if (modality == Modality::MR) study.volume.weighting = mrWeighting(chosen.first());
  study.source = readSourceHeader(chosen.first().file);
  if (!chosen.geometry.needsResampling && chosen.first().numberOfFrames == 1 && !chosen.first().sopInstanceUid.empty())
    for (const DicomFrame& f : chosen.frames) study.sliceSopInstanceUids.push_back(f.sopInstanceUid);
}

void loadVolumeFile(Study& study, const IngestParams& params) {
  study.inputKind = study.input.find(".nrrd") != std::string::npos || study.input.find(".nhdr") != std::string::npos ? "nrrd" : "nifti";
  study.filesSeen = 1;
  if (params.onFile) params.onFile(study.input);
  study.volume = readVolumeFile(study.input, params.modality, params.assembly.maxBytes, study.warnings);
  study.chosenWhy = "the only volume in the input (" + study.inputKind + ")";
}

}  // namespace

Study loadStudy(const std::string& input, const IngestParams& params) {
  Study study;
  study.input = input;
  std::error_code ec;
  fs::file_status st = fs::status(input, ec);
  if (ec || !fs::exists(st)) throw SpineError(ExitCode::NoInput, "ingest", input, "does not exist");
  if (fs::is_directory(st)) {
    study.inputKind = "dicom-folder";
    loadDicomFiles(study, listFiles(input), params);
    return study;
  }
  if (!fs::is_regular_file(st)) throw SpineError(ExitCode::NoInput, "ingest", input, "is not a regular file or folder");
  if (fs::file_size(input, ec) == 0) throw SpineError(ExitCode::NoInput, "ingest", input, "is empty (0 bytes)");
  if (isVolumeFileName(input)) {
    loadVolumeFile(study, params);
    return study;
  }
  if (looksLikeZip(input)) {
    study.inputKind = "zip";
    ScratchDir scratch(params.scratchDir);
    // Paths inside the scratch folder are gone after this; name them as "ZIP:entry".
    auto rename = [&](std::string& path) {
      if (path.rfind(scratch.path(), 0) == 0) path = input + ":" + path.substr(scratch.path().size() + 1);
    };
    extractZip(input, scratch.path(), params.zip);
    try {
      loadDicomFiles(study, listFiles(scratch.path()), params);
    } catch (const SpineError& e) {
      std::string file = e.file();
      rename(file);
      throw SpineError(e.code(), e.stage(), file, e.what());
    }
    for (Series& s : study.series)
      for (DicomFrame& f : s.frames) rename(f.file);
    for (SkippedFile& sk : study.skipped) rename(sk.file);
    return study;
  }
  study.inputKind = "dicom-file";
  loadDicomFiles(study, {input}, params);
  return study;
}

}  // namespace spine
