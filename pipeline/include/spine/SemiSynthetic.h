#pragma once
// Semi-synthetic cases: real implants (STL meshes of real pedicle screws) and rods placed into a
// real CT at known places, with partial-volume metal values and simulated streaks, so the truth is
// exact and the anatomy is real. Screw paths are planned from the reference label map: through
// each pedicle (found as the bone between the body and the canal) into the anterior body.
#include "spine/Phantom.h"

namespace spine {

/// spec.base must be set. Throws SpineError naming the file when the base scan, its labels or a
/// mesh cannot be read, or a level is not in the reference.
PhantomResult generateSemiSynthetic(const PhantomSpec& spec, unsigned threads = 2);

}  // namespace spine
