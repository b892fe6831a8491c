#pragma once
// The image a study is analysed on: CT in HU (int16) or MR (float), patient LPS mm.
#include <string>

#include "spine/PixelTypes.h"

namespace spine {

enum class Modality { CT, MR };

inline const char* toString(Modality m) { return m == Modality::CT ? "CT" : "MR"; }

/// An MR series' weighting, from the names the scanner gave it or its TE/TR (DICOM); unknown for a
/// NIfTI or NRRD volume, which carries neither.
enum class MrWeighting { Unknown, T1, T2 };

inline const char* toString(MrWeighting w) {
  return w == MrWeighting::T2 ? "T2" : w == MrWeighting::T1 ? "T1" : "unknown weighting";
}

struct Volume {
  Modality modality = Modality::CT;
  CtImage::Pointer ct;  ///< set when modality == CT
  MrImage::Pointer mr;  ///< set when modality == MR
  MrWeighting weighting = MrWeighting::Unknown;  ///< MR only

  /// The image whichever modality it is (geometry queries only).
  const itk::ImageBase<3>* image() const {
    return modality == Modality::CT ? static_cast<const itk::ImageBase<3>*>(ct.GetPointer())
                                    : static_cast<const itk::ImageBase<3>*>(mr.GetPointer());
  }
  bool empty() const { return image() == nullptr; }
};

/// A float copy of the volume, whichever modality (HU for CT): for filters that want one type.
MrImage::Pointer toFloatImage(const Volume& v);

}  // namespace spine
