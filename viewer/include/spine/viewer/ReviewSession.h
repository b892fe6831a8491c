#pragma once
// One review opened from an analysis folder: the report, the label map beside it, and the study's
// image re-read from the input the report names; the scene built from them. Shared by `view`,
// `view --screenshot` and `analyze --key-images`.
#include <memory>
#include <string>
#include <vector>

#include "spine/PixelTypes.h"
#include "spine/Volume.h"
#include "spine/viewer/ReviewModel.h"
#include "spine/viewer/Scene.h"

namespace spine::viewer {

struct LoadedReview {
  ReviewModel model;
  Volume volume;
  LabelImage::Pointer labels;  ///< null when the report has no label map
};

/// Throws SpineError naming the file: NoInput when report.json or the input is gone, DataError
/// when they cannot be read.
LoadedReview loadReview(const std::string& reportDir);

/// The whole scene; `target` overrides the report's target when not empty.
std::unique_ptr<Scene> buildScene(const ReviewModel& model, const Volume& volume, const LabelImage* labels,
                                  const std::string& target = "", const SceneOptions& options = {});

/// True when an X display can be opened (VTK renders only through X on Debian 12; without one
/// VTK aborts the process, so callers check first). `why` says what is missing.
bool displayAvailable(std::string* why = nullptr);

/// Renders the key views to DIR (overview.png with every view, then sagittal, curved, coronal,
/// axial and 3d), each written under a temporary name and renamed. Returns the file names.
std::vector<std::string> writeScreenshots(Scene& scene, const std::string& dir);

}  // namespace spine::viewer
