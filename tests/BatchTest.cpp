// spinereview batch: each study in its own process, failures kept with their reason and exit code,
// resumable (finished studies skipped, half-written results never taken for finished), the
// scheduler's exit code. A stand-in analyzer (a shell script) gives every exit code on demand.
#include <fstream>
#include <set>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "TestHelpers.h"
#include "spine/Batch.h"

namespace spine::test {
namespace {

using nlohmann::json;

/// A fake `spinereview`: `analyze INPUT --out DIR ...` succeeds for inputs named good*, exits 75
/// for busy*, 65 for bad*, kills itself for crash*; it counts its runs in runs/NAME (beside the
/// input folder, so the listing of studies never changes).
std::string fakeAnalyzer(const ScratchFolder& dir) {
  const std::string path = dir.sub("fake-spinereview");
  std::ofstream(path) << R"SH(#!/bin/sh
input="$2"; out="$4"
mkdir -p "$(dirname "$input")/../runs"; echo run >> "$(dirname "$input")/../runs/$(basename "$input")"
case "$(basename "$input")" in
  good*) mkdir -p "$out" && echo '{"numbering":{"status":"confirmed"},"vertebrae":[{"findings":[]}],"discs":[],"findings":[]}' > "$out/report.json" ;;
  busy*) echo "spinereview: error: $input: cannot fork (resources busy)" >&2; exit 75 ;;
  bad*) echo "spinereview: error: $input: not DICOM" >&2; exit 65 ;;
  crash*) kill -9 $$ ;;
esac
)SH";
  ::chmod(path.c_str(), 0755);
  return path;
}

BatchOptions options(const ScratchFolder& dir, const std::string& analyzer) {
  BatchOptions o;
  o.inDir = dir.sub("in"), o.outDir = dir.sub("out"), o.analyzer = analyzer, o.jobs = 2;
  return o;
}

void makeStudies(const ScratchFolder& dir, const std::vector<std::string>& names) {
  fs::create_directories(dir.sub("in"));
  for (const std::string& n : names) std::ofstream(dir.sub("in/" + n)) << "study";
}

int runs(const ScratchFolder& dir, const std::string& name) {
  std::ifstream in(dir.sub("runs/" + name));
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

const BatchStudy& find(const BatchResult& r, const std::string& id) {
  for (const BatchStudy& s : r.studies)
    if (s.id == id) return s;
  throw std::runtime_error("no study " + id);
}

TEST(Batch, EachStudyGetsItsOwnOutcomeAndTheSchedulerAnExitCode) {
  ScratchFolder dir;
  makeStudies(dir, {"good-1", "good-2", "bad-1", "crash-1"});
  BatchResult r = runBatch(options(dir, fakeAnalyzer(dir)));
  EXPECT_EQ(find(r, "good-1").status, "analysed");
  EXPECT_EQ(find(r, "good-1").numbering, "confirmed");
  EXPECT_EQ(find(r, "bad-1").exitCode, 65);
  EXPECT_FALSE(find(r, "bad-1").retryable);
  EXPECT_NE(find(r, "bad-1").error.find("not DICOM"), std::string::npos);
  EXPECT_EQ(find(r, "crash-1").exitCode, 128 + 9);  // killed: worth one more try
  EXPECT_TRUE(find(r, "crash-1").retryable);
  EXPECT_EQ(r.exitCode, 75);
  EXPECT_TRUE(fs::exists(dir.sub("out/good-1/report.json")));
  EXPECT_FALSE(fs::exists(dir.sub("out/bad-1")));
  json failed = json::parse(slurp(dir.sub("out/failed/bad-1.json")));
  EXPECT_EQ(failed["exit_code"], 65);
  json summary = json::parse(slurp(dir.sub("out/batch-summary.json")));
  EXPECT_EQ(summary["counts"]["analysed"], 2);
  EXPECT_EQ(summary["counts"]["failed"], 2);
}

TEST(Batch, OnlyDataErrorsGiveExit65) {
  ScratchFolder dir;
  makeStudies(dir, {"good-1", "bad-1"});
  EXPECT_EQ(runBatch(options(dir, fakeAnalyzer(dir))).exitCode, 65);
}

TEST(Batch, ResumingSkipsFinishedStudiesAndRetriesOnlyWhatIsWorthIt) {
  ScratchFolder dir;
  makeStudies(dir, {"good-1", "busy-1", "bad-1"});
  const std::string analyzer = fakeAnalyzer(dir);
  EXPECT_EQ(runBatch(options(dir, analyzer)).exitCode, 75);
  BatchResult again = runBatch(options(dir, analyzer));
  EXPECT_EQ(find(again, "good-1").status, "already done");
  EXPECT_EQ(find(again, "bad-1").status, "failed before");
  EXPECT_EQ(find(again, "busy-1").status, "failed");  // retried
  EXPECT_EQ(runs(dir, "good-1"), 1);
  EXPECT_EQ(runs(dir, "bad-1"), 1);
  EXPECT_EQ(runs(dir, "busy-1"), 2);
  BatchOptions all = options(dir, analyzer);
  all.retryFailed = true;
  runBatch(all);
  EXPECT_EQ(runs(dir, "bad-1"), 2);
}

TEST(Batch, HalfWrittenResultsAreNeverTakenForFinished) {
  ScratchFolder dir;
  makeStudies(dir, {"good-1", "good-2"});
  // An interrupted run: one study half-written in .work, another's folder without its report.
  fs::create_directories(dir.sub("out/.work/good-1"));
  std::ofstream(dir.sub("out/.work/good-1/report.json")) << "{ half";
  fs::create_directories(dir.sub("out/good-2"));
  std::ofstream(dir.sub("out/good-2/labels.nii.gz")) << "partial";
  BatchResult r = runBatch(options(dir, fakeAnalyzer(dir)));
  EXPECT_EQ(find(r, "good-1").status, "analysed");
  EXPECT_EQ(find(r, "good-2").status, "analysed");
  EXPECT_FALSE(fs::exists(dir.sub("out/good-2/labels.nii.gz")));
  EXPECT_TRUE(fs::is_empty(dir.sub("out/.work")));
}

TEST(Batch, ShardsSplitTheStudiesWithoutOverlapAndKeepTheirOwnSummaries) {
  ScratchFolder dir;
  makeStudies(dir, {"good-1", "good-2", "good-3", "good-4", "good-5"});
  const std::string analyzer = fakeAnalyzer(dir);
  std::set<std::string> seen;
  for (unsigned k = 0; k < 2; ++k) {
    BatchOptions o = options(dir, analyzer);
    o.shard = k, o.shards = 2;
    for (const BatchStudy& s : runBatch(o).studies) EXPECT_TRUE(seen.insert(s.id).second) << s.id << " in two shards";
    EXPECT_TRUE(fs::exists(dir.sub("out/batch-summary-shard-" + std::to_string(k) + "-of-2.json")));
  }
  EXPECT_EQ(seen.size(), 5u);
  for (const char* n : {"good-1", "good-2", "good-3", "good-4", "good-5"}) EXPECT_EQ(runs(dir, n), 1) << n;
  BatchOptions bad = options(dir, analyzer);
  bad.shard = 2, bad.shards = 2;
  EXPECT_THROW(runBatch(bad), SpineError);
}

TEST(Batch, StudyNamesCannotEscapeTheOutputFolder) {
  EXPECT_EQ(studyId("case 1 (copy).zip"), "case_1__copy_.zip");
  EXPECT_EQ(studyId(".."), "study..");
  EXPECT_EQ(studyId("a/../../etc"), "a_.._.._etc");
  EXPECT_EQ(studyId(""), "study");
}

TEST(Batch, MissingOrEmptyInputFolderIsRefused) {
  ScratchFolder dir;
  CliResult missing = runCli("batch " + dir.sub("nothing") + " --out " + dir.sub("out"), dir);
  EXPECT_EQ(missing.code, 66);
  EXPECT_NE(missing.err.find("nothing"), std::string::npos);
  fs::create_directories(dir.sub("empty"));
  EXPECT_EQ(runCli("batch " + dir.sub("empty") + " --out " + dir.sub("out"), dir).code, 66);
}

TEST(Batch, RealStudiesThroughTheCommand) {
  ScratchFolder dir;
  fs::create_directories(dir.sub("in"));
  AnalyticSeries a = analyticGrid(48, 40, 16);
  DicomWriteParams p;
  p.modality = "CT";
  writeAnalytic(dir.sub("in/series one"), a, p);
  std::ofstream(dir.sub("in/poisoned.dcm")) << std::string(132, '\0') << "DICM" << std::string(40, '\xff');
  CliResult r = runCli("batch " + dir.sub("in") + " --out " + dir.sub("out") + " -j 2 --no-dicom", dir);
  EXPECT_EQ(r.code, 65) << r.err;
  EXPECT_NE(r.out.find("series_one"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir.sub("out/series_one/report.json")));
  EXPECT_TRUE(fs::exists(dir.sub("out/failed/poisoned.dcm.json")));
  EXPECT_NE(r.err.find("batch: 2/2"), std::string::npos);  // progress, one line per study without a terminal
}

}  // namespace
}  // namespace spine::test
