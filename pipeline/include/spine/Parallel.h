#pragma once
// The one parallel loop the project needs: slices or planes split over a few threads.
#include <functional>

namespace spine {

/// Runs fn(0..n-1) on up to `threads` threads (interleaved, so neighbouring items spread).
void parallelFor(unsigned n, unsigned threads, const std::function<void(unsigned)>& fn);

}  // namespace spine
