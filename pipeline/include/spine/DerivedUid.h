#pragma once
// UIDs derived from a text: "2.25." followed by the decimal value of a 128-bit hash of the seed
// (PS3.5 B.2, UUID-derived UIDs). The same seed always gives the same UID, so files that must share
// a UID get it without a table, and a repeated run gives the same answer.
#include <cstdint>
#include <string>

namespace spine {

/// 64-bit FNV-1a hash of `text` (stable across runs and machines; not cryptographic).
std::uint64_t fnv1a64(const std::string& text, std::uint64_t offsetBasis = 0xcbf29ce484222325ull);

std::string derivedUid(const std::string& seed);

}  // namespace spine
