#pragma once
// The image a study is analysed on: CT in HU (int16) or MR (float), patient LPS mm.
#include <string>

#include "spine/PixelTypes.h"

namespace spine {

enum class Modality { CT, MR };

inline const char* toString(Modality m) { return m == Modality::CT ? "CT" : "MR"; }

struct Volume {
  Modality modality = Modality::CT;
  CtImage::Pointer ct;  ///< set when modality == CT
  MrImage::Pointer mr;  ///< set when modality == MR

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
