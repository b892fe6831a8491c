#pragma once
// 3D Slicer command-line module support (Slicer Execution Model): `spinereview --xml` prints the
// module description; Slicer then runs `spinereview --inputVolume IN.nrrd --outputLabelMap OUT.nrrd
// [--target L4-L5] [--outputDirectory DIR]`, and loads the label map it gets back.
#include <string>

namespace spine::reports {

/// The Slicer Execution Model XML of the `analyze` module.
std::string slicerModuleXml();

}  // namespace spine::reports
