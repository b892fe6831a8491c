#include "spine/reports/AnatomyCodes.h"

#include <map>

namespace spine::reports {
namespace {

// CID 7603 Vertebra.
const std::map<std::string, std::string> kVertebraCodes = {
    {"C1", "14806007"},  {"C2", "39976000"},  {"C3", "113205007"}, {"C4", "5329002"},   {"C5", "36978003"},
    {"C6", "36054005"},  {"C7", "87391001"},  {"T1", "64864005"},  {"T2", "53733008"},  {"T3", "1626008"},
    {"T4", "73071006"},  {"T5", "56401006"},  {"T6", "45296009"},  {"T7", "62487009"},  {"T8", "11068009"},
    {"T9", "82687006"},  {"T10", "7610001"},  {"T11", "12989004"}, {"T12", "23215003"}, {"L1", "66794005"},
    {"L2", "14293000"},  {"L3", "36470004"},  {"L4", "11994002"},  {"L5", "49668003"},
};

// CID 7604 Intervertebral Disc, by the report's disc name.
const std::map<std::string, std::string> kDiscCodes = {
    {"C2-C3", "1078209008"}, {"C3-C4", "58820006"},  {"C4-C5", "49400002"},  {"C5-C6", "73959003"},
    {"C6-C7", "75095006"},   {"C7-T1", "37414007"},  {"T1-T2", "40908007"},  {"T2-T3", "6004007"},
    {"T3-T4", "2620004"},    {"T4-T5", "82965004"},  {"T5-T6", "72692000"},  {"T6-T7", "74401007"},
    {"T7-T8", "28693002"},   {"T8-T9", "9188009"},   {"T9-T10", "113209001"}, {"T10-T11", "34959001"},
    {"T11-T12", "1537001"},  {"T12-L1", "76206002"}, {"L1-L2", "80064006"},  {"L2-L3", "67459009"},
    {"L3-L4", "62551000"},   {"L4-L5", "84020006"},  {"L5-S1", "715056000"},
};

std::string slashed(std::string disc) {
  disc[disc.find('-')] = '/';
  return disc;
}

}  // namespace

Code anatomicalStructureCategory() { return {"91723000", "SCT", "Anatomical Structure"}; }

Code genericAnatomyCode(bool disc) {
  return disc ? Code{"360499006", "SCT", "Intervertebral disc"} : Code{"51282000", "SCT", "Vertebra"};
}

Code anatomyCode(const std::string& levelName, bool disc) {
  if (disc) {
    auto it = kDiscCodes.find(levelName);
    return it == kDiscCodes.end() ? genericAnatomyCode(true) : Code{it->second, "SCT", slashed(levelName) + " disc"};
  }
  if (levelName == "sacrum") return {"54735007", "SCT", "Sacrum"};
  auto it = kVertebraCodes.find(levelName);
  return it == kVertebraCodes.end() ? genericAnatomyCode(false) : Code{it->second, "SCT", levelName + " vertebra"};
}

}  // namespace spine::reports
