// STL meshes: binary and ASCII read, solid occupancy right, bad files refused by name; and the
// semi-synthetic screws land in the pedicles of the real CT they are placed into.
#include <cstring>
#include <fstream>

#include "TestHelpers.h"
#include "spine/LabelMapFile.h"
#include "spine/Labels.h"
#include "spine/SemiSynthetic.h"
#include "spine/StlMesh.h"

namespace spine::test {
namespace {

/// The 12 triangles of an axis-aligned box [0,a] x [0,b] x [0,c].
std::vector<std::array<Vec3, 3>> boxTriangles(double a, double b, double c) {
  Vec3 v[8];
  for (int i = 0; i < 8; ++i) v[i] = {(i & 1) ? a : 0, (i & 2) ? b : 0, (i & 4) ? c : 0};
  const int faces[6][4] = {{0, 1, 3, 2}, {4, 5, 7, 6}, {0, 1, 5, 4}, {2, 3, 7, 6}, {0, 2, 6, 4}, {1, 3, 7, 5}};
  std::vector<std::array<Vec3, 3>> out;
  for (const auto& f : faces) {
    out.push_back({v[f[0]], v[f[1]], v[f[2]]});
    out.push_back({v[f[0]], v[f[2]], v[f[3]]});
  }
  return out;
}

void writeBinaryStl(const std::string& file, const std::vector<std::array<Vec3, 3>>& tris, size_t claimed) {
  std::ofstream out(file, std::ios::binary);
  char header[80] = {};
  out.write(header, 80);
  std::uint32_t n = std::uint32_t(claimed);
  out.write(reinterpret_cast<const char*>(&n), 4);
  for (const auto& t : tris) {
    float rec[12] = {};
    for (int v = 0; v < 3; ++v)
      for (int c = 0; c < 3; ++c) rec[3 + v * 3 + c] = float(t[v][c]);
    out.write(reinterpret_cast<const char*>(rec), 48);
    out.write("\0\0", 2);
  }
}

TEST(StlMeshTest, BinaryBoxOccupancy) {
  ScratchFolder dir;
  auto tris = boxTriangles(10, 20, 4);
  writeBinaryStl(dir.sub("box.stl"), tris, tris.size());
  StlMesh m = readStl(dir.sub("box.stl"));
  EXPECT_EQ(m.triangles.size(), 12u);
  EXPECT_DOUBLE_EQ(m.hi[1], 20.0);
  MeshOccupancy occ(m, 0.5);
  EXPECT_TRUE(occ.inside({5, 10, 2}));
  EXPECT_TRUE(occ.inside({1, 1, 1}));
  EXPECT_FALSE(occ.inside({11, 10, 2}));
  EXPECT_FALSE(occ.inside({5, -1, 2}));
}

TEST(StlMeshTest, AsciiMeshReads) {
  ScratchFolder dir;
  std::ofstream(dir.sub("tri.stl")) << "solid t\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 0\n   vertex 1 0 0\n"
                                       "   vertex 0 1 0\n  endloop\n endfacet\nendsolid t\n"
                                    << std::string(80, ' ');
  EXPECT_EQ(readStl(dir.sub("tri.stl")).triangles.size(), 1u);
}

TEST(StlMeshTest, TruncatedAndMissingFilesAreRefusedByName) {
  ScratchFolder dir;
  auto tris = boxTriangles(1, 1, 1);
  writeBinaryStl(dir.sub("short.stl"), tris, 1000);  // claims more triangles than it holds
  try {
    readStl(dir.sub("short.stl"));
    FAIL();
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::DataError);
    EXPECT_NE(e.oneLine().find("short.stl"), std::string::npos);
  }
  try {
    readStl(dir.sub("absent.stl"));
    FAIL();
  } catch (const SpineError& e) {
    EXPECT_EQ(e.code(), ExitCode::NoInput);
  }
}

TEST(StlMeshDataTest, RealScrewMeshHasItsNominalSize) {
  std::string dir = sharedData("pedicle-screw-cad-stl");
  SKIP_WITHOUT_SHARED_DATA(dir);
  StlMesh m = readStl(dir + "/D6L50.stl");
  EXPECT_NEAR(m.hi[1] - m.lo[1], 58.0, 0.5);  // 8 mm head + 50 mm shaft
  MeshOccupancy occ(m, 0.2);
  EXPECT_TRUE(occ.inside({1.5, -30, 0}));   // shaft wall
  EXPECT_FALSE(occ.inside({0, -30, 0}));    // the cannula (a cannulated screw: checked by ray casts)
  EXPECT_FALSE(occ.inside({3.5, -30, 0}));  // beyond the 3 mm thread radius
}

TEST(SemiSyntheticDataTest, ScrewsLandInTheirVertebraeAsMetal) {
  std::string dir = sharedData("totalseg-example");
  SKIP_WITHOUT_SHARED_DATA(dir);
  PhantomSpec spec = readPhantomSpec(std::string(SPINE_SOURCE_DIR) + "/testdata/semisynthetic/totalseg-screws-l3-l4-titanium.json");
  PhantomResult r = generateSemiSynthetic(spec);
  unsigned screws = 0;
  for (const auto& h : r.truth["hardware"]) {
    if (h["kind"] != "pedicle-screw") continue;
    ++screws;
    Vec3 e{h["entry_lps_mm"][0], h["entry_lps_mm"][1], h["entry_lps_mm"][2]};
    Vec3 t{h["tip_lps_mm"][0], h["tip_lps_mm"][1], h["tip_lps_mm"][2]};
    Vec3 body = axpy(e, 0.75, sub(t, e));  // three quarters in: inside the vertebral body
    LabelImage::IndexType idx;
    ASSERT_TRUE(r.labels->TransformPhysicalPointToIndex(LabelImage::PointType(body.data()), idx));
    EXPECT_EQ(r.labels->GetPixel(idx), *vertebraCode(h["level"])) << h.dump();
    double peak = -1e9;  // 3 mm voxels: the brightest voxel around the path is mostly metal
    for (long dk = -1; dk <= 1; ++dk)
      for (long dj = -1; dj <= 1; ++dj)
        for (long di = -1; di <= 1; ++di)
          peak = std::max(peak, double(r.images[size_t(idx[2] + dk)][size_t(idx[1] + dj) * r.grid.nx + size_t(idx[0] + di)]));
    EXPECT_GT(peak, 1500.0) << h.dump();
  }
  EXPECT_EQ(screws, 4u);
}

}  // namespace
}  // namespace spine::test
