#include "spine/reports/DicomSegmentation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmiod/iodtypes.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmfg/fgseg.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>
#include <dcmtk/dcmseg/segutils.h>

#include "spine/Error.h"
#include "spine/Vec3.h"

namespace spine::reports {
namespace {

constexpr const char* kStage = "outputs";

void check(OFCondition status, const std::string& path, const std::string& what) {
  if (status.bad()) throw SpineError(ExitCode::Internal, kStage, path, what + ": " + status.text());
}

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

CodeSequenceMacro codeMacro(const Code& c) { return CodeSequenceMacro(c.value.c_str(), c.scheme.c_str(), c.meaning.c_str()); }

/// Pixel Measures and Plane Orientation (Patient), shared by every frame: the label map's grid.
void addSharedGeometry(DcmSegmentation& seg, const LabelImage& labels, const std::string& path) {
  FGPixelMeasures measures;
  const auto sp = labels.GetSpacing();
  // Pixel Spacing (0028,0030) is row spacing (along a column, image y) then column spacing (x).
  check(measures.setPixelSpacing((number(sp[1]) + "\\" + number(sp[0])).c_str()), path, "Pixel Spacing");
  check(measures.setSliceThickness(number(sp[2]).c_str()), path, "Slice Thickness");
  check(measures.setSpacingBetweenSlices(number(sp[2]).c_str()), path, "Spacing Between Slices");
  check(seg.addForAllFrames(measures), path, "Pixel Measures");
  const auto& d = labels.GetDirection();
  std::unique_ptr<FGPlaneOrientationPatient> orientation(FGPlaneOrientationPatient::createMinimal(
      number(d[0][0]).c_str(), number(d[1][0]).c_str(), number(d[2][0]).c_str(), number(d[0][1]).c_str(),
      number(d[1][1]).c_str(), number(d[2][1]).c_str()));
  check(seg.addForAllFrames(*orientation), path, "Plane Orientation");
}

void addDimensions(DcmSegmentation& seg, const std::string& path) {
  char uid[100];
  dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT);
  IODMultiframeDimensionModule& dims = seg.getDimensions();
  check(dims.addDimensionIndex(DCM_ReferencedSegmentNumber, uid, DCM_SegmentIdentificationSequence, "ReferencedSegmentNumber"),
        path, "dimension index");
  check(dims.addDimensionIndex(DCM_ImagePositionPatient, uid, DCM_PlanePositionSequence, "ImagePositionPatient"), path,
        "dimension index");
}

DcmSegment* makeSegment(const viewer::ReviewLevel& level, const std::string& trackingUid, const std::string& path) {
  DcmSegment* segment = nullptr;
  check(DcmSegment::create(segment, level.name.c_str(), codeMacro(anatomicalStructureCategory()),
                           codeMacro(anatomyCode(level.name, level.disc)), DcmSegTypes::SAT_AUTOMATIC, "SpineReview"),
        path, "segment " + level.name);
  // Tracking ID and UID (0062,0020)/(0062,0021): the TID 1500 report refers to the level by them.
  segment->setTrackingID(level.name.c_str());
  segment->setTrackingUID(trackingUid.c_str());
  segment->setSegmentDescription(((level.disc ? "disc, label " : "vertebra, label ") + std::to_string(level.label)).c_str());
  return segment;
}

std::vector<std::vector<std::uint32_t>> slicesOfLabels(const LabelImage& labels) {
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const std::size_t plane = size[0] * size[1];
  std::vector<std::vector<std::uint32_t>> out(65536);
  std::vector<std::uint32_t> lastSlice(65536, ~0u);
  const std::uint16_t* p = labels.GetBufferPointer();
  for (std::uint32_t z = 0; z < size[2]; ++z)
    for (std::size_t i = 0; i < plane; ++i, ++p)
      if (*p && lastSlice[*p] != z) lastSlice[*p] = z, out[*p].push_back(z);
  return out;
}

/// One frame per slice the level occupies; its position, dimension indices and source image.
struct SliceFrames {
  const LabelImage& labels;
  const DicomOutputContext& context;
  DcmSegmentation& seg;
  std::string path;
  std::size_t added = 0;

  /// The slices each label value occurs on, from one pass over the label map.
  std::vector<std::vector<std::uint32_t>> slicesOf = slicesOfLabels(labels);

  void add(std::uint16_t label, Uint16 segmentNumber) {
    const auto size = labels.GetLargestPossibleRegion().GetSize();
    const std::size_t plane = size[0] * size[1];
    std::vector<Uint8> mask(plane);
    for (std::uint32_t z : slicesOf[label]) {
      const std::uint16_t* slice = labels.GetBufferPointer() + z * plane;
      for (std::size_t i = 0; i < plane; ++i) mask[i] = slice[i] == label;
      addFrame(mask, segmentNumber, z);
    }
  }

  void addFrame(std::vector<Uint8>& mask, Uint16 segmentNumber, std::size_t z) {
    LabelImage::IndexType index{{0, 0, long(z)}};
    LabelImage::PointType p;
    labels.TransformIndexToPhysicalPoint(index, p);
    std::unique_ptr<FGPlanePosPatient> position(
        FGPlanePosPatient::createMinimal(number(p[0]).c_str(), number(p[1]).c_str(), number(p[2]).c_str()));
    FGFrameContent content;
    content.setDimensionIndexValues(segmentNumber, 0);
    content.setDimensionIndexValues(Uint32(z + 1), 1);
    OFVector<FGBase*> groups{position.get(), &content};
    std::unique_ptr<FGDerivationImage> derivation;
    if (z < context.sliceSopInstanceUids.size()) {
      ImageSOPInstanceReferenceMacro ref;
      ref.setReferencedSOPClassUID(context.source.sopClassUid.c_str());
      ref.setReferencedSOPInstanceUID(context.sliceSopInstanceUids[z].c_str());
      derivation.reset(DcmSegmentation::createDerivationImageFG({ref}, "SpineReview vertebra and disc segmentation"));
      if (derivation) groups.push_back(derivation.get());
    }
    check(seg.addFrame(mask.data(), segmentNumber, groups), path, "frame");
    ++added;
  }
};

/// Referenced Series Sequence (0008,1115) of the Common Instance Reference module: the source images.
void addSourceReferences(DcmItem& dataset, const DicomOutputContext& context) {
  if (context.sliceSopInstanceUids.empty() || context.source.seriesInstanceUid.empty()) return;
  DcmItem* series = nullptr;
  dataset.findOrCreateSequenceItem(DCM_ReferencedSeriesSequence, series, 0);
  series->putAndInsertString(DCM_SeriesInstanceUID, context.source.seriesInstanceUid.c_str());
  for (const std::string& sop : context.sliceSopInstanceUids) {
    DcmItem* instance = nullptr;
    series->findOrCreateSequenceItem(DCM_ReferencedInstanceSequence, instance, -2);
    instance->putAndInsertString(DCM_ReferencedSOPClassUID, context.source.sopClassUid.c_str());
    instance->putAndInsertString(DCM_ReferencedSOPInstanceUID, sop.c_str());
  }
}

}  // namespace

WrittenSegmentation writeDicomSegmentation(const viewer::ReviewModel& model, const LabelImage& labels,
                                           const DicomOutputContext& context, const std::string& path) {
  // dcmiod warns "Will not check dimension consistency" on every SEG it writes before per-frame
  // groups exist; the object is checked by dciodvfy in the tests instead (docs/outputs.md).
  DCM_dcmiodLogger.setLogLevel(OFLogger::ERROR_LOG_LEVEL);
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  if (size[0] > 65535 || size[1] > 65535) throw SpineError(ExitCode::CantCreate, kStage, path, "label map too large for DICOM");
  IODGeneralEquipmentModule::EquipmentInfo equipment("SpineReview project", "spinereview", "0", SPINE_VERSION);
  ContentIdentificationMacro identification("1", "SPINE_LEVELS", "Vertebrae and discs named by SpineReview", "SpineReview^");
  DcmSegmentation* raw = nullptr;
  check(DcmSegmentation::createBinarySegmentation(raw, Uint16(size[1]), Uint16(size[0]), equipment, identification), path,
        "cannot create the segmentation");
  std::unique_ptr<DcmSegmentation> seg(raw);
  if (!context.source.frameOfReferenceUid.empty())
    seg->getFrameOfReference().setFrameOfReferenceUID(context.source.frameOfReferenceUid.c_str());
  if (context.source.lossyCompressed) seg->setLossyImageCompressionFlag("", "");
  addSharedGeometry(*seg, labels, path);
  addDimensions(*seg, path);

  WrittenSegmentation out;
  SliceFrames frames{labels, context, *seg, path};
  for (const viewer::ReviewLevel& level : model.levels) {
    if (frames.slicesOf[level.label].empty()) continue;
    Uint16 segmentNumber = 0;
    out.trackingUids.push_back(newUid());
    check(seg->addSegment(makeSegment(level, out.trackingUids.back(), path), segmentNumber), path, "segment " + level.name);
    out.segmentNames.push_back(level.name);
    frames.add(level.label, segmentNumber);
  }
  if (frames.added == 0) throw SpineError(ExitCode::Internal, kStage, path, "no level has voxels in the label map");
  out.frames = frames.added;

  seg->getSeries().setSeriesNumber("9901");  // DCMTK checks the type 1 attribute; writeNewSeries sets it again
  DcmDataset dataset;
  check(seg->writeDataset(dataset), path, "cannot build the segmentation");
  writePatientAndStudy(dataset, context);
  writeNewSeries(dataset, context, "SEG", 9901, "SpineReview levels");
  addSourceReferences(dataset, context);
  dataset.putAndInsertString(DCM_ContentDate, context.contentDate.c_str());
  dataset.putAndInsertString(DCM_ContentTime, context.contentTime.c_str());
  OFString sop, series;
  dataset.findAndGetOFString(DCM_SOPInstanceUID, sop);
  dataset.findAndGetOFString(DCM_SeriesInstanceUID, series);
  out.sopInstanceUid = sop.c_str(), out.seriesInstanceUid = series.c_str();
  saveDicomAtomically(dataset, path);
  return out;
}

namespace {

[[noreturn]] void notReadable(const std::string& path, const std::string& why) { throwDataError("import", path, why); }

double shared(DcmSegmentation& seg, const std::string& path, bool spacingBetween, unsigned pos) {
  auto* m = dynamic_cast<FGPixelMeasures*>(seg.getFunctionalGroups().get(0, DcmFGTypes::EFG_PIXELMEASURES));
  Float64 v = 0;
  if (!m || (spacingBetween ? m->getSpacingBetweenSlices(v) : m->getPixelSpacing(v, pos)).bad() || v <= 0)
    notReadable(path, "no usable Pixel Measures (shared functional group)");
  return v;
}

Vec3 framePosition(DcmSegmentation& seg, Uint32 frame, const std::string& path) {
  auto* p = dynamic_cast<FGPlanePosPatient*>(seg.getFunctionalGroups().get(frame, DcmFGTypes::EFG_PLANEPOSPATIENT));
  Float64 x = 0, y = 0, z = 0;
  if (!p || p->getImagePositionPatient(x, y, z).bad()) notReadable(path, "frame " + std::to_string(frame + 1) + " has no Plane Position");
  return {x, y, z};
}

Uint16 frameSegment(DcmSegmentation& seg, Uint32 frame, const std::string& path) {
  auto* s = dynamic_cast<FGSegmentation*>(seg.getFunctionalGroups().get(frame, DcmFGTypes::EFG_SEGMENTATION));
  Uint16 n = 0;
  if (!s || s->getReferencedSegmentNumber(n).bad() || n == 0 || n > seg.getNumberOfSegments())
    notReadable(path, "frame " + std::to_string(frame + 1) + " names no valid segment");
  return n;
}

LabelImage::Pointer emptyGrid(DcmSegmentation& seg, Uint16 rows, Uint16 columns, const std::vector<Vec3>& positions,
                               const std::string& path) {
  auto* o = dynamic_cast<FGPlaneOrientationPatient*>(seg.getFunctionalGroups().get(0, DcmFGTypes::EFG_PLANEORIENTPATIENT));
  Float64 r[3], c[3];
  if (!o || o->getImageOrientationPatient(r[0], r[1], r[2], c[0], c[1], c[2]).bad())
    notReadable(path, "no shared Plane Orientation (Patient)");
  const Vec3 row{r[0], r[1], r[2]}, col{c[0], c[1], c[2]}, normal = cross(row, col);
  const double dz = shared(seg, path, true, 0);
  auto byNormal = [&](const Vec3& a, const Vec3& b) { return dot(a, normal) < dot(b, normal); };
  const Vec3 first = *std::min_element(positions.begin(), positions.end(), byNormal);
  const Vec3 last = *std::max_element(positions.begin(), positions.end(), byNormal);
  LabelImage::Pointer image = LabelImage::New();
  LabelImage::SizeType size{{columns, rows, std::size_t(std::lround(dot(sub(last, first), normal) / dz)) + 1}};
  image->SetRegions(size);
  LabelImage::SpacingType spacing;
  spacing[0] = shared(seg, path, false, 1), spacing[1] = shared(seg, path, false, 0), spacing[2] = dz;
  image->SetSpacing(spacing);
  image->SetOrigin(first.data());
  LabelImage::DirectionType d;
  for (int k = 0; k < 3; ++k) d[k][0] = row[k], d[k][1] = col[k], d[k][2] = normal[k];
  image->SetDirection(d);
  image->Allocate(true);
  return image;
}

}  // namespace

ReadSegmentation readDicomSegmentation(const std::string& path, const LabelImage* grid) {
  DcmFileFormat file;
  OFCondition status = file.loadFile(path.c_str());
  Uint16 rows = 0, columns = 0;
  file.getDataset()->findAndGetUint16(DCM_Rows, rows);
  file.getDataset()->findAndGetUint16(DCM_Columns, columns);
  DcmSegmentation* raw = nullptr;
  if (status.good()) status = DcmSegmentation::loadDataset(*file.getDataset(), raw);
  if (status.bad() || !raw || rows == 0 || columns == 0)
    notReadable(path, std::string("not a readable DICOM Segmentation: ") + status.text());
  std::unique_ptr<DcmSegmentation> seg(raw);
  ReadSegmentation out;
  for (size_t n = 1; n <= seg->getNumberOfSegments(); ++n) {
    DcmSegment* s = seg->getSegment(n);
    OFString label, value, scheme, meaning;
    s->getSegmentLabel(label);
    s->getSegmentedPropertyTypeCode().getCodeValue(value);
    s->getSegmentedPropertyTypeCode().getCodingSchemeDesignator(scheme);
    s->getSegmentedPropertyTypeCode().getCodeMeaning(meaning);
    out.segmentNames.push_back(label.c_str());
    out.types.push_back({value.c_str(), scheme.c_str(), meaning.c_str()});
  }
  OFString study, frameOfReference;
  seg->getStudy().getStudyInstanceUID(study);
  seg->getFrameOfReference().getFrameOfReferenceUID(frameOfReference);
  out.referencedStudyUid = study.c_str(), out.frameOfReferenceUid = frameOfReference.c_str();
  const Uint32 frames = Uint32(seg->getNumberOfFrames());
  if (frames == 0) notReadable(path, "the segmentation has no frames");
  std::vector<Vec3> positions;
  for (Uint32 f = 0; f < frames; ++f) positions.push_back(framePosition(*seg, f, path));
  if (grid) {
    const auto size = grid->GetLargestPossibleRegion().GetSize();
    if (size[0] != columns || size[1] != rows) notReadable(path, "its frames do not have the size of the image it is read onto");
    out.segments = LabelImage::New();
    out.segments->CopyInformation(grid);
    out.segments->SetRegions(grid->GetLargestPossibleRegion());
    out.segments->Allocate(true);
  } else {
    out.segments = emptyGrid(*seg, rows, columns, positions, path);
  }
  LabelImage& image = *out.segments;
  const auto size = image.GetLargestPossibleRegion().GetSize();
  for (Uint32 f = 0; f < frames; ++f) {
    const Uint16 segment = frameSegment(*seg, f, path);
    LabelImage::PointType p(positions[f].data());
    LabelImage::IndexType index;
    image.TransformPhysicalPointToIndex(p, index);
    if (index[2] < 0 || index[2] >= long(size[2])) notReadable(path, "frame " + std::to_string(f + 1) + " lies off the grid");
    std::unique_ptr<DcmIODTypes::Frame> bits(DcmSegUtils::unpackBinaryFrame(seg->getFrame(f), Uint16(size[1]), Uint16(size[0])));
    if (!bits) notReadable(path, "frame " + std::to_string(f + 1) + " cannot be unpacked");
    std::uint16_t* slice = image.GetBufferPointer() + std::size_t(index[2]) * size[0] * size[1];
    for (std::size_t i = 0; i < size[0] * size[1]; ++i)
      if (bits->pixData[i]) slice[i] = segment;
  }
  return out;
}

}  // namespace spine::reports
