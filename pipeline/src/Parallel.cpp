#include "spine/Parallel.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace spine {

void parallelFor(unsigned n, unsigned threads, const std::function<void(unsigned)>& fn) {
  threads = std::max(1u, std::min(threads, n));
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (unsigned k = t; k < n; k += threads) fn(k);
    });
  for (auto& th : pool) th.join();
}

}  // namespace spine
