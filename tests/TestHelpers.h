#pragma once
// Shared helpers for the suite: scratch folders, series written from an analytic function of
// patient position (so every voxel's expected value is known), and the location of real data.
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "spine/Detector.h"
#include "spine/DicomSeriesWriter.h"
#include "spine/Error.h"
#include "spine/LevelTable.h"
#include "spine/Phantom.h"
#include "spine/Study.h"

namespace spine::test {

namespace fs = std::filesystem;

/// A fresh folder under the build tree, removed at the end of the test.
class ScratchFolder {
public:
  ScratchFolder();
  ~ScratchFolder();
  const fs::path& path() const { return m_path; }
  std::string sub(const std::string& name) const { return (m_path / name).string(); }

private:
  fs::path m_path;
};

/// A smooth function of LPS position (linear, so resampling reproduces it exactly).
inline double linearField(const Vec3& p) { return 3 * p[0] - 2 * p[1] + 5 * p[2] + 100; }

struct AnalyticSeries {
  SliceGrid grid;
  Vec3 firstPosition{-40, -30, -20};
  Vec3 step{0, 0, 2};  ///< position change from one slice to the next
  unsigned slices = 12;
  std::function<double(const Vec3&)> field = linearField;
};

/// An axial series of `slices` slices, columns x rows at 1 mm pixels, 2 mm apart.
inline AnalyticSeries analyticGrid(unsigned columns, unsigned rows, unsigned slices) {
  AnalyticSeries a;
  a.grid.columns = columns;
  a.grid.rows = rows;
  a.slices = slices;
  return a;
}

/// The slices of `a`, each pixel set from the field at its own patient position.
std::vector<SliceToWrite> analyticSlices(const AnalyticSeries& a);

/// Writes `a` as one file per slice.
std::vector<std::string> writeAnalytic(const std::string& dir, const AnalyticSeries& a, const DicomWriteParams& p = {});

/// Largest |volume voxel - field(voxel centre)| over voxels whose centre lies at least `margin` voxels
/// inside the grid in-plane. Works for CT and MR volumes.
double maxFieldError(const Volume& v, const std::function<double(const Vec3&)>& field, unsigned margin = 0);

/// Ingest without isolation and with the default parameters.
Study load(const std::string& path);

/// A phantom's image as a CT on its grid (for in-process analysis without writing DICOM).
CtImage::Pointer phantomCt(const PhantomResult& r);

/// Whether suitePhantom read the suite's rendering, or why it rendered the phantom itself.
enum class SuiteCopy { Read, Absent, Stale, OtherGrid, Mr };

/// A phantom of testdata/phantoms as its spec makes it. A CT phantom is read back from the suite's
/// rendering in the build tree (ctest fixture "phantom_suite") when that is up to date, which spares
/// the tests rendering the same phantoms again (its images then hold whole HU, which is what
/// phantomCt makes of them anyway); otherwise (absent, older than its spec or the command line, on
/// another grid), and for MR (DICOM rounds its signal), it is rendered here. `copy` says which.
PhantomResult suitePhantom(const std::string& specName, SuiteCopy* copy = nullptr);

/// A CT phantom of testdata/phantoms made from its spec and analysed in process (levels numbered),
/// for the detector tests: what the phantom put there and what a detector gets.
struct AnalysedCtPhantom {
  PhantomResult phantom;
  Volume volume;
  LevelTable levels;
  DetectorInput input() const { return {volume, &levels}; }
};
AnalysedCtPhantom analyseCtPhantom(const std::string& specName);
/// Every truth level of phantom `r` found and named in `t`, each vertebra within 10 mm of its truth
/// centroid (the sacrum within `sacrumMm`).
void expectNamedAsTruth(const PhantomResult& r, const LevelTable& t, double sacrumMm = 10);

/// The same for an MR phantom (float signal).
MrImage::Pointer phantomMr(const PhantomResult& r);

/// The real CT of ../shared/data/totalseg-example (NIfTI), given that folder.
Volume readTotalsegCt(const std::string& dir);

/// Whether any of `notes` contains `words`.
bool mentions(const std::vector<std::string>& notes, const std::string& words);

/// The whole text of a file ("" when it cannot be read).
std::string slurp(const fs::path& p);

struct CliResult {
  int code = -1;
  std::string out, err;
};

/// Runs `spinereview ARGS` through the shell (`env` is prepended, e.g. "DISPLAY= "), capturing its
/// output in files of `dir`.
CliResult runCli(const std::string& args, const ScratchFolder& dir, const std::string& env = "");

/// Writes a small lumbar CT phantom (seed 3) at `pixelMm` x `sliceMm` into DIR/phantom (dicom/,
/// truth.json) through the command line; true when it worked.
bool writeSmallPhantom(const ScratchFolder& dir, double pixelMm, double sliceMm);

/// Runs a shell command; its exit code (-1 when it did not exit normally).
int runShell(const std::string& command);

/// A TCP port on 127.0.0.1 free at the moment of the call (for servers the tests start).
int freeLoopbackPort();

/// ../shared/data, or "" when absent (tests then skip with a message).
std::string sharedData(const std::string& sub);

#define SKIP_WITHOUT_SHARED_DATA(path)                                                     \
  if ((path).empty()) GTEST_SKIP() << "../shared/data is absent: real-data test skipped"

}  // namespace spine::test
