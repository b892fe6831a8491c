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
# The DICOM outputs: segmentation, structured report and the modules under them.
add_library(spine_dcmtk_reports INTERFACE)
target_link_libraries(spine_dcmtk_reports INTERFACE spine_dcmtk DCMTK::dcmseg DCMTK::dcmfg DCMTK::dcmiod DCMTK::dcmsr DCMTK::cmr)
add_library(spine::dcmtk_reports ALIAS spine_dcmtk_reports)

find_package(PkgConfig REQUIRED)
pkg_check_modules(OPENJPEG REQUIRED IMPORTED_TARGET libopenjp2)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
# libharu (PDF reports): Debian ships no CMake or pkg-config file for it.
find_path(HPDF_INCLUDE_DIR hpdf.h REQUIRED)
find_library(HPDF_LIBRARY hpdf REQUIRED)
add_library(spine_hpdf INTERFACE)
target_include_directories(spine_hpdf SYSTEM INTERFACE ${HPDF_INCLUDE_DIR})
target_link_libraries(spine_hpdf INTERFACE ${HPDF_LIBRARY})
add_library(spine::hpdf ALIAS spine_hpdf)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)

# VTK 9.1 (the viewer): components listed explicitly; autoinit is applied to the viewer library.
set(SPINE_VTK_MODULES
  VTK::CommonCore VTK::CommonDataModel VTK::CommonExecutionModel VTK::FiltersCore VTK::FiltersGeneral
  VTK::FiltersSources VTK::ImagingCore VTK::ImagingGeneral VTK::IOImage VTK::InteractionStyle
  VTK::InteractionWidgets VTK::RenderingCore VTK::RenderingFreeType VTK::RenderingOpenGL2
  VTK::RenderingImage)
find_package(VTK 9.1 REQUIRED COMPONENTS
  CommonCore CommonDataModel CommonExecutionModel FiltersCore FiltersGeneral FiltersSources ImagingCore
  ImagingGeneral IOImage InteractionStyle InteractionWidgets RenderingCore RenderingFreeType
  RenderingOpenGL2 RenderingImage)
add_library(spine_vtk INTERFACE)
target_link_libraries(spine_vtk INTERFACE ${SPINE_VTK_MODULES})
add_library(spine::vtk ALIAS spine_vtk)
find_package(X11 REQUIRED)
