#include "TestHelpers.h"

#include "spine/LabelMapFile.h"
#include "spine/Vec3Json.h"
#include "spine/VolumeFileReader.h"

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <type_traits>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace spine::test {

ScratchFolder::ScratchFolder() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "scratch";
  for (char& c : name)
    if (c == '/') c = '_';
  m_path = fs::path(SPINE_TEST_SCRATCH) / (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(m_path);
  fs::create_directories(m_path);
}

ScratchFolder::~ScratchFolder() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

std::vector<SliceToWrite> analyticSlices(const AnalyticSeries& a) {
  std::vector<SliceToWrite> slices(a.slices);
  for (unsigned k = 0; k < a.slices; ++k) {
    Vec3 o{a.firstPosition[0] + k * a.step[0], a.firstPosition[1] + k * a.step[1], a.firstPosition[2] + k * a.step[2]};
    slices[k].position = o;
    slices[k].values.resize(size_t(a.grid.rows) * a.grid.columns);
    for (unsigned r = 0; r < a.grid.rows; ++r)
      for (unsigned c = 0; c < a.grid.columns; ++c) {
        Vec3 p;
        for (int i = 0; i < 3; ++i)
          p[i] = o[i] + c * a.grid.columnSpacing * a.grid.rowDir[i] + r * a.grid.rowSpacing * a.grid.colDir[i];
        slices[k].values[size_t(r) * a.grid.columns + c] = a.field(p);
      }
  }
  return slices;
}

std::vector<std::string> writeAnalytic(const std::string& dir, const AnalyticSeries& a, const DicomWriteParams& p) {
  return writeDicomSlices(dir, a.grid, analyticSlices(a), p);
}

double maxFieldError(const Volume& v, const std::function<double(const Vec3&)>& field, unsigned margin) {
  const itk::ImageBase<3>* image = v.image();
  auto size = image->GetLargestPossibleRegion().GetSize();
  double worst = 0;
  for (size_t k = 0; k < size[2]; ++k)
    for (size_t j = margin; j + margin < size[1]; ++j)
      for (size_t i = margin; i + margin < size[0]; ++i) {
        itk::Index<3> idx{{itk::IndexValueType(i), itk::IndexValueType(j), itk::IndexValueType(k)}};
        itk::Point<double, 3> pt;
        image->TransformIndexToPhysicalPoint(idx, pt);
        double value = v.modality == Modality::CT ? double(v.ct->GetPixel(idx)) : double(v.mr->GetPixel(idx));
        worst = std::max(worst, std::fabs(value - field({pt[0], pt[1], pt[2]})));
      }
  return worst;
}

Study load(const std::string& path) { return loadStudy(path, IngestParams{}); }

std::string sharedData(const std::string& sub) {
  fs::path p = fs::path(SPINE_SHARED_DATA) / sub;
  return fs::exists(p) ? p.string() : std::string();
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CliResult runCli(const std::string& args, const ScratchFolder& dir, const std::string& env) {
  std::string out = dir.sub("cli.out"), err = dir.sub("cli.err");
  std::string cmd = env + std::string(SPINE_CLI) + " " + args + " >" + out + " 2>" + err;
  int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(out), slurp(err)};
}

Volume readTotalsegCt(const std::string& dir) {
  std::vector<std::string> warnings;
  return readVolumeFile(dir + "/nifti/example_ct.nii.gz", Modality::CT, 1ull << 30, warnings);
}

namespace {

template <typename Image>
typename Image::Pointer phantomImage(const PhantomResult& r) {
  auto image = Image::New();
  image->CopyInformation(r.labels);
  image->SetRegions(r.labels->GetLargestPossibleRegion());
  image->Allocate();
  const size_t plane = size_t(r.grid.nx) * r.grid.ny;
  for (unsigned k = 0; k < r.grid.nz; ++k)
    for (size_t i = 0; i < plane; ++i) {
      const float v = r.images[k][i];
      image->GetBufferPointer()[k * plane + i] = std::is_integral_v<typename Image::PixelType> ? typename Image::PixelType(std::lround(v)) : typename Image::PixelType(v);
    }
  return image;
}

}  // namespace

CtImage::Pointer phantomCt(const PhantomResult& r) { return phantomImage<CtImage>(r); }

namespace {

bool sameGeometry(const itk::ImageBase<3>& a, const itk::ImageBase<3>& b) {
  if (a.GetLargestPossibleRegion().GetSize() != b.GetLargestPossibleRegion().GetSize()) return false;
  for (int i = 0; i < 3; ++i) {
    if (std::fabs(a.GetOrigin()[i] - b.GetOrigin()[i]) > 1e-3 || std::fabs(a.GetSpacing()[i] - b.GetSpacing()[i]) > 1e-6) return false;
    for (int j = 0; j < 3; ++j)
      if (std::fabs(a.GetDirection()[i][j] - b.GetDirection()[i][j]) > 1e-6) return false;
  }
  return true;
}

/// The suite's copy of a CT phantom read back into `r`, or why it was not: absent, older than the
/// spec or the command line that renders it, or on another grid (gantry tilt: ingest resamples it).
/// The geometry stays the one computed from the spec (the files hold it rounded); the pixels are the
/// rendered values, which DICOM holds exactly for CT (whole HU).
SuiteCopy readSuitePhantom(const fs::path& dir, const fs::path& specFile, PhantomResult& r) {
  std::error_code ec;
  const auto made = fs::last_write_time(dir / "truth.json", ec);
  if (ec) return SuiteCopy::Absent;
  if (made < fs::last_write_time(specFile, ec) || made < fs::last_write_time(SPINE_CLI, ec)) return SuiteCopy::Stale;
  LabelImage::Pointer grid = labelGrid(r.grid);
  const Volume v = load((dir / "dicom").string()).volume;
  const LabelImage::Pointer labels = readLabelMap((dir / "labels.nii.gz").string());
  if (v.modality != Modality::CT || !sameGeometry(*v.ct, *grid) || !sameGeometry(*labels, *grid)) return SuiteCopy::OtherGrid;
  std::copy_n(labels->GetBufferPointer(), grid->GetPixelContainer()->Size(), grid->GetBufferPointer());
  r.labels = grid;
  const size_t plane = size_t(r.grid.nx) * r.grid.ny;
  r.images.resize(r.grid.nz);
  for (unsigned k = 0; k < r.grid.nz; ++k) r.images[k].assign(v.ct->GetBufferPointer() + k * plane, v.ct->GetBufferPointer() + (k + 1) * plane);
  r.truth = nlohmann::json::parse(slurp(dir / "truth.json"));
  return SuiteCopy::Read;
}

}  // namespace

PhantomResult suitePhantom(const std::string& specName, SuiteCopy* copy) {
  const fs::path specFile = fs::path(SPINE_SOURCE_DIR) / "testdata/phantoms" / (specName + ".json");
  const PhantomSpec spec = readPhantomSpec(specFile.string());
  SuiteCopy got = SuiteCopy::Mr;
  PhantomResult r;
  if (spec.modality == "CT") {
    r.anatomy = buildAnatomy(spec);
    r.grid = acquisitionGrid(r.anatomy, spec);
    got = readSuitePhantom(fs::path(SPINE_PHANTOM_SUITE) / specName, specFile, r);
  }
  if (copy) *copy = got;
  return got == SuiteCopy::Read ? r : generatePhantom(spec);
}

AnalysedCtPhantom analyseCtPhantom(const std::string& specName) {
  AnalysedCtPhantom a{suitePhantom(specName), {}, {}};
  a.volume.ct = phantomCt(a.phantom);
  a.levels = analyseCtLevels(*a.volume.ct);
  return a;
}

bool mentions(const std::vector<std::string>& notes, const std::string& words) {
  for (const std::string& n : notes)
    if (n.find(words) != std::string::npos) return true;
  return false;
}

void expectNamedAsTruth(const PhantomResult& r, const LevelTable& t, double sacrumMm) {
  for (const nlohmann::json& v : r.truth["vertebrae"]) {
    const LevelEntry* e = t.find(v["name"]);
    ASSERT_NE(e, nullptr) << v["name"];
    EXPECT_LT(distance(e->centroid, vec3FromJson(v["centroid_lps_mm"])), v["name"] == "sacrum" ? sacrumMm : 10.0) << v["name"];
  }
  for (const nlohmann::json& d : r.truth["discs"]) EXPECT_NE(t.find(d["name"]), nullptr) << d["name"];
}

MrImage::Pointer phantomMr(const PhantomResult& r) { return phantomImage<MrImage>(r); }

}  // namespace spine::test

namespace spine::test {

bool writeSmallPhantom(const ScratchFolder& dir, double pixelMm, double sliceMm) {
  std::ofstream(dir.sub("small.json")) << R"({"name":"small","modality":"CT","field_of_view":"lumbar","seed":3,"acquisition":{"pixel_mm":)"
                                        << pixelMm << R"(,"slice_mm":)" << sliceMm << "}}";
  return runCli("phantom " + dir.sub("small.json") + " " + dir.sub("phantom"), dir).code == 0;
}

int runShell(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int freeLoopbackPort() {
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET, a.sin_addr.s_addr = htonl(INADDR_LOOPBACK), a.sin_port = 0;
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t n = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(s);
  return ntohs(a.sin_port);
}

}  // namespace spine::test
