#pragma once
// What every DICOM output of an analysis shares: the source study's patient, study and frame of
// reference (de-identified when asked), the source instances behind each slice, and the one place
// that writes those attributes, the equipment and the references into a dataset.
#include <string>
#include <vector>

#include "spine/DicomSourceHeader.h"

class DcmItem;
class DcmDataset;

namespace spine::reports {

struct DicomOutputContext {
  DicomSourceHeader source;                       ///< already de-identified when `deidentified`
  std::vector<std::string> sliceSopInstanceUids;  ///< source instance behind each label slice; empty when resampled
  bool deidentified = false;
  std::string contentDate, contentTime;           ///< DA and TM of this analysis' outputs
};

/// The context of a study (`study.source` required). Generates a Study Instance UID when the source
/// has none (the real TotalSegmentator CT has empty UIDs) and says so in `warning`.
DicomOutputContext makeDicomContext(const DicomSourceHeader& source, const std::vector<std::string>& sliceSops,
                                    bool deidentify, std::string* warning);

/// Patient (0010,xxxx), General Study, Frame of Reference, Specific Character Set and, when
/// de-identified, Patient Identity Removed (0012,0062) with the PS3.15 method codes.
void writePatientAndStudy(DcmItem& dataset, const DicomOutputContext& context);

/// General Equipment: Manufacturer "SpineReview project", model "spinereview", software version.
void writeEquipment(DcmItem& dataset);

/// New series: Series Instance UID (fresh), Series Number, Series Description, Modality, dates.
void writeNewSeries(DcmItem& dataset, const DicomOutputContext& context, const std::string& modality, long number,
                    const std::string& description);

/// Writes `dataset` as a DICOM file (meta header, explicit VR little endian) to `finalPath`
/// atomically. Throws SpineError (CantCreate) naming the path.
void saveDicomAtomically(DcmDataset& dataset, const std::string& finalPath);

/// A new UID under DCMTK's site root.
std::string newUid();

}  // namespace spine::reports
