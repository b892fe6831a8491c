#pragma once
// Triangle meshes from STL files (binary or ASCII) and their solid occupancy, so real implant
// designs (the pedicle-screw CAD meshes in ../shared/data) can be placed into scans exactly.
#include <string>
#include <vector>

#include "spine/Vec3.h"

namespace spine {

struct StlMesh {
  std::vector<std::array<Vec3, 3>> triangles;  ///< mesh units (mm)
  Vec3 lo{0, 0, 0}, hi{0, 0, 0};                ///< bounding box
};

/// Throws SpineError naming the file: missing (NoInput), truncated, or empty (DataError).
StlMesh readStl(const std::string& file);

/// Inside/outside of a closed mesh on a regular grid in mesh coordinates, by ray parity along y.
class MeshOccupancy {
public:
  MeshOccupancy(const StlMesh& mesh, double cellMm);
  bool inside(const Vec3& meshPoint) const;

private:
  Vec3 m_lo;
  double m_cell;
  int m_nx = 0, m_ny = 0, m_nz = 0;
  std::vector<std::uint8_t> m_cells;
};

}  // namespace spine
