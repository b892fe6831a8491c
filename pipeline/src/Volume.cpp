#include "spine/Volume.h"

namespace spine {

MrImage::Pointer toFloatImage(const Volume& v) {
  auto out = MrImage::New();
  out->CopyInformation(v.image());
  out->SetRegions(v.image()->GetLargestPossibleRegion());
  out->Allocate();
  const size_t n = out->GetPixelContainer()->Size();
  float* dst = out->GetBufferPointer();
  if (v.modality == Modality::CT)
    std::copy(v.ct->GetBufferPointer(), v.ct->GetBufferPointer() + n, dst);
  else
    std::copy(v.mr->GetBufferPointer(), v.mr->GetBufferPointer() + n, dst);
  return out;
}

}  // namespace spine
