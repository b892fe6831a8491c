#pragma once
// Outputs a reader must never see half-written (report.json, labels.nii.gz, evaluation results):
// written under a temporary name in the same folder, flushed to disk, then renamed into place.
#include <string>

namespace spine {

/// A temporary name beside `finalPath` (same folder, so the rename is atomic); keeps the extension.
std::string temporaryPathFor(const std::string& finalPath);

/// Renames `temp` to `finalPath`; on failure removes `temp` and throws SpineError (CantCreate)
/// naming `finalPath`, for `stage`.
void moveIntoPlace(const std::string& temp, const std::string& finalPath, const std::string& stage);

/// Creates `dir` (and its parents) when missing. Throws SpineError (CantCreate) naming it.
void createOutputFolder(const std::string& dir, const std::string& stage);

/// Writes `text` to `finalPath` atomically (temporary name, fsync, rename). Throws SpineError
/// (CantCreate) naming the path when the folder cannot be written.
void writeFileAtomically(const std::string& finalPath, const std::string& text, const std::string& stage);

}  // namespace spine
