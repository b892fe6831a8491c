#pragma once
// A study as ingested: its series, the one chosen for analysis (and why), and its volume.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "spine/DicomFrameReader.h"
#include "spine/DicomSourceHeader.h"
#include "spine/DicomStructureCheck.h"
#include "spine/Series.h"
#include "spine/Volume.h"
#include "spine/VolumeAssembler.h"
#include "spine/ZipArchive.h"

namespace spine {

struct SkippedFile {
  std::string file;
  std::string reason;
};

struct Study {
  std::string input;      ///< the path given
  std::string inputKind;  ///< "dicom-folder", "dicom-file", "zip", "nifti", "nrrd"
  std::vector<std::string> studyUids;
  size_t filesSeen = 0;
  std::vector<Series> series;
  int chosen = -1;        ///< index into series
  std::string chosenWhy;  ///< the rule that chose it, in words
  std::vector<std::string> notChosenWhy;  ///< per series: why it was not chosen ("" for the chosen one)
  std::vector<SkippedFile> skipped;       ///< files that are not usable images, with the reason
  std::vector<std::string> warnings;      ///< study-level data problems that did not stop the analysis
  Volume volume;
  /// Patient, study and frame-of-reference attributes of the analysed series (DICOM inputs only;
  /// read while the files exist, so also for a zip). For the DICOM outputs; never logged.
  std::optional<DicomSourceHeader> source;
  /// SOP Instance UID of the source frame behind each slice of `volume`, when slices map 1:1 onto
  /// frames (no resampling); empty otherwise. For the derivation references of a SEG.
  std::vector<std::string> sliceSopInstanceUids;

  const Series& chosenSeries() const { return series.at(size_t(chosen)); }
};

struct IngestParams {
  StructureCheckParams structure;
  FrameReaderParams frames;
  AssemblyParams assembly;
  ZipLimits zip;
  std::string scratchDir;               ///< where a zip is unpacked (default: system temp); removed after
  std::optional<Modality> modality;     ///< NIfTI/NRRD carry no modality: force it (else guessed from values)
  /// Called with each file's path before third-party code parses it: the isolation layer records
  /// it so a crash can name the file (see Isolation.h).
  std::function<void(const std::string&)> onFile;
  /// Progress lines for long work (stderr in the command).
  std::function<void(const std::string&)> progress;
};

/// Reads INPUT (DICOM folder tree, DICOM file, .zip of a study, NIfTI or NRRD volume), splits it
/// into series, chooses the series to analyse and builds its volume. Throws SpineError with
/// NoInput (missing/empty input) or DataError (nothing usable) naming the file and the problem.
Study loadStudy(const std::string& input, const IngestParams& params = {});

/// MR weighting from the names the scanner gave (series description, protocol, sequence), then
/// from TE/TR (long TE and TR: T2; short: T1).
MrWeighting mrWeighting(const DicomFrame& f);

/// Chooses the series to analyse. CT: the thinnest complete volume; MR: sagittal T2 first, then
/// T1. Fills study.chosen, chosenWhy and notChosenWhy; chosen stays -1 when nothing is usable.
void chooseSeries(Study& study);

}  // namespace spine
