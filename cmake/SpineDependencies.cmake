# Every third-party dependency, found once and wrapped in an interface target so that include
# paths and definitions never leak through the global scope. All come from Debian 12 packages
# (scripts/install-deps.sh).

find_package(ITK 5.2 REQUIRED COMPONENTS
  ITKCommon ITKIOImageBase ITKIONIFTI ITKIONRRD ITKIOPNG ITKIOGDCM ITKImageGrid ITKImageIntensity)
# ITK 5.2 exports no link targets: wrap ITK_LIBRARIES instead of include(${ITK_USE_FILE}).
add_library(spine_itk INTERFACE)
target_include_directories(spine_itk SYSTEM INTERFACE ${ITK_INCLUDE_DIRS})
target_link_libraries(spine_itk INTERFACE ${ITK_LIBRARIES})
# The IO factories (NIfTI, NRRD, GDCM) are registered explicitly in code (ImageIoRegistration.cpp).
add_library(spine::itk ALIAS spine_itk)

find_package(DCMTK REQUIRED CONFIG)
add_library(spine_dcmtk INTERFACE)
target_link_libraries(spine_dcmtk INTERFACE
  DCMTK::dcmdata DCMTK::dcmimgle DCMTK::dcmjpeg DCMTK::dcmjpls DCMTK::ofstd DCMTK::oflog)
add_library(spine::dcmtk ALIAS spine_dcmtk)

find_package(PkgConfig REQUIRED)
pkg_check_modules(OPENJPEG REQUIRED IMPORTED_TARGET libopenjp2)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)
