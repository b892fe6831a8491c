#pragma once
// The study the README's first command analyses: a small synthetic lumbar CT made in code, so the
// main job runs on a fresh machine with no outside data. (The full phantom generator with ground
// truth is a separate component.)
#include "spine/Volume.h"

namespace spine {

struct DefaultStudyParams {
  unsigned columns = 192, rows = 160, slices = 110;
  double pixelMm = 1.0, sliceMm = 2.0;
  unsigned seed = 7;  ///< noise seed: the study is identical run to run
};

/// A lumbar-region axial CT in HU: body outline, fat, muscle, five vertebral bodies with cortical
/// shell, discs between them, a canal with CSF, posterior elements, and Gaussian noise.
Volume makeDefaultCtStudy(const DefaultStudyParams& params = {});

}  // namespace spine
