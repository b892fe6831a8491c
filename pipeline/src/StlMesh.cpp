#include "spine/StlMesh.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "spine/Error.h"

namespace spine {

namespace {

StlMesh readBinary(const std::string& bytes, const std::string& file) {
  std::uint32_t n = 0;
  std::memcpy(&n, bytes.data() + 80, 4);
  if (bytes.size() < 84 + std::uint64_t(n) * 50) throwDataError("mesh", file, "binary STL shorter than its triangle count");
  StlMesh m;
  m.triangles.resize(n);
  for (std::uint32_t t = 0; t < n; ++t) {
    const char* p = bytes.data() + 84 + size_t(t) * 50 + 12;  // skip the normal
    for (int v = 0; v < 3; ++v)
      for (int c = 0; c < 3; ++c) {
        float f;
        std::memcpy(&f, p + (v * 3 + c) * 4, 4);
        m.triangles[t][v][c] = f;
      }
  }
  return m;
}

StlMesh readAscii(const std::string& text, const std::string& file) {
  StlMesh m;
  std::istringstream in(text);
  std::string word;
  std::array<Vec3, 3> tri;
  int v = 0;
  while (in >> word)
    if (word == "vertex") {
      if (!(in >> tri[v][0] >> tri[v][1] >> tri[v][2])) throwDataError("mesh", file, "ASCII STL vertex is not three numbers");
      if (++v == 3) m.triangles.push_back(tri), v = 0;
    }
  return m;
}

}  // namespace

StlMesh readStl(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw SpineError(ExitCode::NoInput, "mesh", file, "cannot open the mesh file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 84) throwDataError("mesh", file, "too short to be an STL file");
  bool ascii = bytes.compare(0, 5, "solid") == 0 && bytes.find("facet") != std::string::npos;
  StlMesh m = ascii ? readAscii(bytes, file) : readBinary(bytes, file);
  if (m.triangles.empty()) throwDataError("mesh", file, "holds no triangles");
  m.lo = m.hi = m.triangles[0][0];
  for (const auto& t : m.triangles)
    for (const Vec3& p : t)
      for (int c = 0; c < 3; ++c) {
        if (!std::isfinite(p[c])) throwDataError("mesh", file, "holds a non-finite coordinate");
        m.lo[c] = std::min(m.lo[c], p[c]), m.hi[c] = std::max(m.hi[c], p[c]);
      }
  return m;
}

MeshOccupancy::MeshOccupancy(const StlMesh& mesh, double cellMm) : m_lo(mesh.lo), m_cell(cellMm) {
  m_nx = int(std::ceil((mesh.hi[0] - mesh.lo[0]) / cellMm)) + 1;
  m_ny = int(std::ceil((mesh.hi[1] - mesh.lo[1]) / cellMm)) + 1;
  m_nz = int(std::ceil((mesh.hi[2] - mesh.lo[2]) / cellMm)) + 1;
  m_cells.assign(size_t(m_nx) * m_ny * m_nz, 0);
  // Bucket triangles by the x-z columns they cover, then cast one ray along y per column.
  std::vector<std::vector<int>> columns(size_t(m_nx) * m_nz);
  for (size_t t = 0; t < mesh.triangles.size(); ++t) {
    const auto& tri = mesh.triangles[t];
    double x0 = std::min({tri[0][0], tri[1][0], tri[2][0]}), x1 = std::max({tri[0][0], tri[1][0], tri[2][0]});
    double z0 = std::min({tri[0][2], tri[1][2], tri[2][2]}), z1 = std::max({tri[0][2], tri[1][2], tri[2][2]});
    for (int i = std::max(0, int(std::floor((x0 - m_lo[0]) / cellMm))); i <= std::min(m_nx - 1, int(std::ceil((x1 - m_lo[0]) / cellMm))); ++i)
      for (int k = std::max(0, int(std::floor((z0 - m_lo[2]) / cellMm))); k <= std::min(m_nz - 1, int(std::ceil((z1 - m_lo[2]) / cellMm))); ++k)
        columns[size_t(k) * m_nx + i].push_back(int(t));
  }
  for (int k = 0; k < m_nz; ++k)
    for (int i = 0; i < m_nx; ++i) {
      // Slightly off-grid ray so it never runs exactly through an edge shared by two triangles.
      double x = m_lo[0] + i * cellMm + 1e-4, z = m_lo[2] + k * cellMm + 1.7e-4;
      std::vector<double> hits;
      for (int t : columns[size_t(k) * m_nx + i]) {
        const auto& tri = mesh.triangles[t];
        // Barycentric test of (x, z) in the triangle's x-z projection, then its y there.
        double ax = tri[0][0], az = tri[0][2], bx = tri[1][0], bz = tri[1][2], cx = tri[2][0], cz = tri[2][2];
        double det = (bz - cz) * (ax - cx) + (cx - bx) * (az - cz);
        if (std::abs(det) < 1e-12) continue;
        double l1 = ((bz - cz) * (x - cx) + (cx - bx) * (z - cz)) / det;
        double l2 = ((cz - az) * (x - cx) + (ax - cx) * (z - cz)) / det;
        double l3 = 1 - l1 - l2;
        if (l1 < 0 || l2 < 0 || l3 < 0) continue;
        hits.push_back(l1 * tri[0][1] + l2 * tri[1][1] + l3 * tri[2][1]);
      }
      std::sort(hits.begin(), hits.end());
      for (size_t h = 0; h + 1 < hits.size(); h += 2)
        for (int j = std::max(0, int(std::ceil((hits[h] - m_lo[1]) / cellMm)));
             j <= std::min(m_ny - 1, int(std::floor((hits[h + 1] - m_lo[1]) / cellMm))); ++j)
          m_cells[(size_t(k) * m_ny + j) * m_nx + i] = 1;
    }
}

bool MeshOccupancy::inside(const Vec3& p) const {
  int i = int(std::lround((p[0] - m_lo[0]) / m_cell)), j = int(std::lround((p[1] - m_lo[1]) / m_cell)),
      k = int(std::lround((p[2] - m_lo[2]) / m_cell));
  if (i < 0 || j < 0 || k < 0 || i >= m_nx || j >= m_ny || k >= m_nz) return false;
  return m_cells[(size_t(k) * m_ny + j) * m_nx + i] != 0;
}

}  // namespace spine
