#pragma once
// The project's label convention for labels.nii.gz and every ground truth (docs/labels.md).
// Vertebrae use the VerSe codes: 1-7 C1-C7, 8-19 T1-T12, 20-25 L1-L6, 26 sacrum, 28 T13.
// Added here: 32 S1 when a disc separates it from the rest of the sacrum (lumbarised S1);
// a disc is 100 + the code of the vertebra above it (L4-L5 = 123, L5-S1 = 124, S1-S2 = 132);
// a rib is 200 + the code of the vertebra it articulates with (the T12 rib = 219).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spine {

inline constexpr std::uint16_t kSacrumLabel = 26;
inline constexpr std::uint16_t kT13Label = 28;
inline constexpr std::uint16_t kS1Label = 32;
inline constexpr std::uint16_t kDiscBase = 100;
inline constexpr std::uint16_t kRibBase = 200;

enum class LabelKind { None, Vertebra, Disc, Rib };

/// Name of a vertebra code ("C1".."L6", "T13", "S1", "sacrum"); empty when not a vertebra code.
std::string vertebraName(std::uint16_t code);
/// Code of a vertebra name; nullopt when the name is not one.
std::optional<std::uint16_t> vertebraCode(const std::string& name);

/// Cranio-caudal rank of a vertebra code (C1 = 0 ... T12, T13, L1 ... L6, S1, sacrum); -1 if none.
int craniocaudalRank(std::uint16_t code);

LabelKind labelKind(std::uint16_t value);
/// The vertebra next to `name` (`below`: caudally), where every spine has the same one: empty for
/// none or where spines differ (above L1: T12 or T13; below T12: L1 or T13; below L4 to L6: the
/// next lumbar or the sacrum; next to the sacrum or S1).
std::string sameInEverySpineNextTo(const std::string& name, bool below);
/// "L4-L5" for the disc between `upper` and `lower`.
std::string discName(std::uint16_t upper, std::uint16_t lower);
inline std::uint16_t discLabel(std::uint16_t upperCode) { return std::uint16_t(kDiscBase + upperCode); }
/// The code of the vertebra above a named disc's value (discLabel's inverse); 0 when `value` is no
/// named disc's.
inline std::uint16_t discUpperCode(std::uint16_t value) {
  return value > kDiscBase && value < kRibBase ? std::uint16_t(value - kDiscBase) : 0;
}
inline std::uint16_t ribLabel(std::uint16_t vertebraCode) { return std::uint16_t(kRibBase + vertebraCode); }

/// Unnamed segments' values in labels.nii.gz: 900 + i (vertebra i from the top), 950 + i (disc i).
inline constexpr std::uint16_t kUnnamedVertebraBase = 900, kUnnamedDiscBase = 950;
/// True for a vertebra's value in labels.nii.gz, named or not (not a disc's, a rib's or background).
inline bool isVertebraLabel(std::uint16_t v) {
  return (v >= 1 && v < kDiscBase) || (v >= kUnnamedVertebraBase && v < kUnnamedDiscBase);
}

/// Splits "L4-L5" into its two vertebra names; nullopt when it is not a disc name.
std::optional<std::pair<std::string, std::string>> splitDiscName(const std::string& name);

/// True for names of lumbar vertebrae ("L1".."L6").
bool isLumbarName(const std::string& name);

}  // namespace spine
