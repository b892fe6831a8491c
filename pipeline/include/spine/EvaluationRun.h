#pragma once
// `spinereview evaluate CASE... --out DIR`: analyses every case with the spinereview command (a
// separate process each, so one failing case cannot stop the suite), scores it against its truth
// and writes DIR/evaluation.json and DIR/evaluation.txt.
#include <string>
#include <vector>

#include "spine/Evaluation.h"

namespace spine {

struct EvaluateOptions {
  std::string analyzer;      ///< path of the spinereview executable
  std::string outDir;
  bool scoreOnly = false;    ///< reuse DIR/cases/<name>/ analyses already there
  std::vector<std::string> extraArgs;  ///< passed to every analyze
};

struct SuiteResult {
  std::vector<CaseScore> scored;
  std::vector<std::string> skipped;  ///< "case: why" (input absent, e.g. ../shared/data missing)
};

SuiteResult runEvaluation(const std::vector<std::string>& caseFiles, const EvaluateOptions& options);

}  // namespace spine
