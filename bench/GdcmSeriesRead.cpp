// Reads a DICOM folder with ITK's GDCM series reader, the baseline the loader is compared with in
// bench/ingest_bench.sh. Prints the volume size; timing and memory are measured outside.
#include <cstdio>

#include <itkGDCMImageIO.h>
#include <itkGDCMSeriesFileNames.h>
#include <itkImageSeriesReader.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bench_gdcm_read DICOM_DIR\n");
    return 64;
  }
  using Image = itk::Image<short, 3>;
  auto names = itk::GDCMSeriesFileNames::New();
  names->SetDirectory(argv[1]);
  auto reader = itk::ImageSeriesReader<Image>::New();
  reader->SetImageIO(itk::GDCMImageIO::New());
  reader->SetFileNames(names->GetInputFileNames());
  try {
    reader->Update();
  } catch (const itk::ExceptionObject& e) {
    std::fprintf(stderr, "%s\n", e.GetDescription());
    return 65;
  }
  auto size = reader->GetOutput()->GetLargestPossibleRegion().GetSize();
  std::printf("%zux%zux%zu\n", size[0], size[1], size[2]);
  return 0;
}
