#pragma once
// Naming the levels from independent anchors (shared by CT and MR): the sacrum, the last
// rib-bearing vertebra, C2 (skull base above the column), and the count of lumbar-type vertebrae
// between them. Anchors that agree give names with the anchors stated; an anomaly (4 or 6
// lumbar-type vertebrae, 11 or 13 rib pairs, a thin last disc = transitional vertebra) or a
// missing anchor gives names marked uncertain, the candidate numberings, and what the reviewer
// must confirm. Pure logic on measured evidence: tested without images.
#include <string>
#include <vector>

namespace spine {

struct VertebraEvidence {  ///< one detected vertebra, cranial to caudal
  bool ribs = false;
  bool sacrum = false;      ///< the lowest segment looks like a sacrum
  bool cutTop = false, cutBottom = false;
  double heightMm = 0;      ///< along the column between its discs (0: not measured); a whole segment
                            ///< taller than any vertebra holds a disc the segmentation missed
};

struct NumberingEvidence {
  std::vector<VertebraEvidence> vertebrae;  ///< cranial to caudal
  std::vector<double> discHeightsMm;        ///< disc i between vertebrae i and i+1
  bool skullAbove = false;                  ///< the column ends at the skull base: counted from the top
  double topHeightMm = 0;                   ///< height of the top segment: under 18 mm it is C1 alone, else C1 and C2 together
};

struct NumberingVerdict {
  std::string status;           ///< confirmed | uncertain | not_identified
  std::vector<std::string> vertebraNames;  ///< parallel to the evidence ("" = not named)
  std::string withheldTopName;             ///< a top segment of several vertebrae, unnamed: its lowest one's
                                           ///< name, which still names the disc below it
  std::vector<std::string> anchors;        ///< anchors found, in words
  std::string anomaly;                     ///< empty when none
  std::vector<std::string> candidates;     ///< alternative numberings in words
  std::string summary;                     ///< one plain sentence
  std::string reviewerMustConfirm;
  double confidence = 0;
  int ribPairs = -1, lumbarType = -1;      ///< -1 = not countable in this field of view
};

NumberingVerdict numberLevels(const NumberingEvidence& e);

}  // namespace spine
