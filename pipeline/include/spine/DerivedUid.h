#pragma once
// UIDs derived from a text: "2.25." followed by the decimal value of a 128-bit hash of the seed
// (PS3.5 B.2, UUID-derived UIDs). The same seed always gives the same UID, so files that must share
// a UID get it without a table, and a repeated run gives the same answer.
#include <string>

namespace spine {

std::string derivedUid(const std::string& seed);

}  // namespace spine
