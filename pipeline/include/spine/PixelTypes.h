#pragma once
// The project's fixed pixel types, in one place (no runtime pixel-type dispatch elsewhere).
#include <cstdint>

#include <itkImage.h>

namespace spine {

/// CT intensities in Hounsfield units after Rescale Slope/Intercept (0028,1053)/(0028,1052).
using CtPixel = std::int16_t;
/// MR intensities in scanner units (no physical scale), after any rescale.
using MrPixel = float;
/// Label maps: VerSe vertebra codes and the project's disc codes (see report schema).
using LabelPixel = std::uint16_t;

using CtImage = itk::Image<CtPixel, 3>;
using MrImage = itk::Image<MrPixel, 3>;
using LabelImage = itk::Image<LabelPixel, 3>;

}  // namespace spine
