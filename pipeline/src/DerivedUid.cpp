#include "spine/DerivedUid.h"

namespace spine {

std::uint64_t fnv1a64(const std::string& text, std::uint64_t hash) {
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

std::string derivedUid(const std::string& seed) {
  const unsigned __int128 n = (static_cast<unsigned __int128>(fnv1a64(seed)) << 64) | fnv1a64(seed, 0x84222325cbf29ce4ull);
  std::string digits;
  for (unsigned __int128 v = n; v > 0; v /= 10) digits.insert(digits.begin(), char('0' + int(v % 10)));
  return "2.25." + (digits.empty() ? std::string("0") : digits);
}

}  // namespace spine
