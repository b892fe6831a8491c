#pragma once
// What a phantom is: anatomy variants, pathology, hardware and acquisition, read from a JSON spec
// (testdata/phantoms/*.json, documented in docs/phantom-spec.md). Every field has a default, so
// "{}" is a normal lumbar CT.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spine {

struct HerniationSpec {
  std::string level = "L4-L5";        ///< disc name
  double depthMm = 6;                 ///< beyond the posterior disc margin
  double widthMm = 0;                 ///< base width; 0 = from type (protrusion 2.5x depth, extrusion 0.6x)
  std::string position = "paracentral";  ///< central | paracentral | foraminal
  std::string side = "left";          ///< left | right (ignored when central)
  std::string type = "protrusion";    ///< protrusion | extrusion
  double migrationMm = 0;             ///< extrusion only: + cranial, - caudal
};

/// Central canal stenosis at a disc level: a hypertrophied ligamentum flavum pushing forward from
/// behind until the canal's midline depth, from the disc's posterior margin, is canalApMm.
struct StenosisSpec {
  std::string level = "L4-L5";  ///< disc name
  double canalApMm = 8;
};

struct DegeneratedDiscSpec {
  std::string level = "L5-S1";
  double heightLoss = 0.4;  ///< fraction of the normal height lost
  bool vacuum = false;      ///< gas in the nucleus (CT vacuum phenomenon)
};

struct HardwareSpec {
  std::string type = "pedicle-screws";  ///< pedicle-screws | rods | cage | laminectomy | plate
  std::vector<std::string> levels;      ///< vertebrae (screws; rods, plate: first..last), a disc (cage), vertebrae (laminectomy)
  std::string material = "titanium";    ///< titanium | steel | peek (cage only)
  double diameterMm = 6.5, lengthMm = 45;  ///< screws
  double haloMm = 0;                    ///< lucent loosening halo around the screw shaft
  std::string breach = "none";          ///< none | medial | lateral (screws)
  double rodGapMm = 0;                  ///< rods: a fracture gap at the middle, mm
  double subsidenceMm = 0;              ///< cage: sinking into the lower endplate, mm
  bool bridgingBone = false;            ///< cage: a solid interbody fusion (trabecular bone across the disc space)
  std::string mesh;                     ///< semi-synthetic screws: STL of the real implant (path resolved)
};

/// A real scan to insert hardware into (semi-synthetic case): its image, its reference label map
/// and the names of the label values.
struct BaseScanSpec {
  std::string image, labels;
  std::map<std::uint16_t, std::string> labelNames;
};

struct AcquisitionSpec {
  std::string orientation = "axial";  ///< axial | sagittal | coronal
  std::string position = "supine";    ///< supine | prone
  double obliqueDeg = 0;              ///< plane rotation (axial: about L-R; sagittal/coronal: about S-I)
  double gantryTiltDeg = 0;           ///< CT axial only: tilted planes, table steps along S-I
  double pixelMm = 0.9, sliceMm = 2.0, thicknessMm = 0;  ///< thickness 0 = slice spacing
  unsigned columns = 0, rows = 0, slices = 0;            ///< 0 = cover the field of view
  double noise = 1.0;                 ///< noise scale (1 = typical clinical)
  std::string transferSyntax = "explicit-le";
  std::string mrContrast = "T2";      ///< T1 | T2
};

struct PhantomSpec {
  std::string name = "phantom";
  std::string modality = "CT";          ///< CT | MR
  unsigned seed = 1;
  std::string fieldOfView = "lumbar";   ///< whole | thoracolumbar | lumbar | cervical
  std::string fovFrom, fovTo;           ///< optional level names overriding the field of view
  unsigned lumbarCount = 5;             ///< 4, 5 or 6
  unsigned ribPairs = 12;               ///< 11, 12 or 13 (13 adds a rib-bearing T13)
  std::string transitional = "none";    ///< none | sacralized-L5 | lumbarized-S1
  double scoliosisCobbDeg = 0;          ///< lumbar/thoracic curve; sign = convex side (+ left)
  double lordosisScale = 1.0, kyphosisScale = 1.0;
  double sacralSlopeDeg = 40;
  double sizeScale = 1.0;               ///< patient size
  std::string conus = "L1";             ///< level of the conus medullaris
  bool osteoporosis = false;
  bool contrast = false;                ///< CT: iodinated contrast in vessels and kidneys
  std::vector<HerniationSpec> herniations;
  std::vector<DegeneratedDiscSpec> degeneratedDiscs;
  std::vector<StenosisSpec> stenoses;
  std::vector<HardwareSpec> hardware;
  AcquisitionSpec acquisition;
  std::optional<BaseScanSpec> base;     ///< set: semi-synthetic (hardware placed into this real scan)
  nlohmann::json source;                ///< the spec as written (copied into the ground truth)
};

/// Parses a spec; unknown keys, wrong types and impossible values throw SpineError (DataError)
/// naming `file` and the key. Relative paths (base scan, meshes) are resolved against `file`'s folder.
PhantomSpec parsePhantomSpec(const nlohmann::json& j, const std::string& file);
/// Reads and parses a spec file; a missing file is NoInput, malformed JSON DataError.
PhantomSpec readPhantomSpec(const std::string& file);

}  // namespace spine
