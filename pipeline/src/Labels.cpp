#include "spine/Labels.h"

namespace spine {

std::string vertebraName(std::uint16_t code) {
  if (code >= 1 && code <= 7) return "C" + std::to_string(code);
  if (code >= 8 && code <= 19) return "T" + std::to_string(code - 7);
  if (code >= 20 && code <= 25) return "L" + std::to_string(code - 19);
  if (code == kSacrumLabel) return "sacrum";
  if (code == kT13Label) return "T13";
  if (code == kS1Label) return "S1";
  return "";
}

std::optional<std::uint16_t> vertebraCode(const std::string& name) {
  if (name == "sacrum") return kSacrumLabel;
  if (name == "S1") return kS1Label;
  if (name == "T13") return kT13Label;
  if (name.size() < 2 || name.size() > 3) return std::nullopt;
  for (char c : name.substr(1))
    if (c < '0' || c > '9') return std::nullopt;
  int n = std::stoi(name.substr(1));
  if (name[0] == 'C' && n >= 1 && n <= 7) return std::uint16_t(n);
  if (name[0] == 'T' && n >= 1 && n <= 12) return std::uint16_t(7 + n);
  if (name[0] == 'L' && n >= 1 && n <= 6) return std::uint16_t(19 + n);
  return std::nullopt;
}

int craniocaudalRank(std::uint16_t code) {
  if (code >= 1 && code <= 19) return code - 1;  // C1..T12
  if (code == kT13Label) return 19;
  if (code >= 20 && code <= 25) return code;  // L1 = 20 .. L6 = 25
  if (code == kS1Label) return 26;
  if (code == kSacrumLabel) return 27;
  return -1;
}

std::string sameInEverySpineNextTo(const std::string& name, bool below) {
  const auto code = vertebraCode(name);
  if (!code) return "";
  const std::uint16_t c = *code;
  if (below) {
    if (c == kT13Label) return "L1";
    return (c >= 1 && c <= 18) || (c >= 20 && c <= 22) ? vertebraName(std::uint16_t(c + 1)) : "";  // C1-T11, L1-L3
  }
  if (c == kT13Label) return "T12";
  return (c >= 2 && c <= 19) || (c >= 21 && c <= 25) ? vertebraName(std::uint16_t(c - 1)) : "";  // C2-T12, L2-L6
}

LabelKind labelKind(std::uint16_t value) {
  if (!vertebraName(value).empty()) return LabelKind::Vertebra;
  if (!vertebraName(discUpperCode(value)).empty()) return LabelKind::Disc;
  if (value > kRibBase && !vertebraName(std::uint16_t(value - kRibBase)).empty()) return LabelKind::Rib;
  return LabelKind::None;
}

std::string discName(std::uint16_t upper, std::uint16_t lower) {
  // Below the last lumbar vertebra the disc is named after S1 whether or not S1 is a separate label.
  std::string below = lower == kSacrumLabel ? "S1" : vertebraName(lower);
  if (upper == kS1Label) below = "S2";
  return vertebraName(upper) + "-" + below;
}

std::optional<std::pair<std::string, std::string>> splitDiscName(const std::string& name) {
  auto dash = name.find('-');
  if (dash == std::string::npos) return std::nullopt;
  std::string a = name.substr(0, dash), b = name.substr(dash + 1);
  if (!vertebraCode(a) || (!vertebraCode(b) && b != "S2")) return std::nullopt;
  return std::make_pair(a, b);
}

bool isLumbarName(const std::string& name) {
  auto code = vertebraCode(name);
  return code && *code >= 20 && *code <= 25;
}

}  // namespace spine
