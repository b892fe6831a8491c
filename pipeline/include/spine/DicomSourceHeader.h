#pragma once
// The patient, study and frame-of-reference attributes of the analysed series, kept so that the
// DICOM outputs (SEG, SR, key images) can sit next to the source study in a PACS. Held in memory
// only: report.json, logs and de-identified outputs never carry the patient attributes.
#include <string>

namespace spine {

struct DicomSourceHeader {
  std::string file;                 ///< the file they were read from
  std::string specificCharacterSet; ///< (0008,0005)
  // Patient module
  std::string patientName;          ///< (0010,0010)
  std::string patientId;            ///< (0010,0020)
  std::string patientBirthDate;     ///< (0010,0030)
  std::string patientSex;           ///< (0010,0040)
  // General Study module
  std::string studyInstanceUid;     ///< (0020,000D)
  std::string studyDate;            ///< (0008,0020)
  std::string studyTime;            ///< (0008,0030)
  std::string studyId;              ///< (0020,0010)
  std::string accessionNumber;      ///< (0008,0050)
  std::string referringPhysicianName; ///< (0008,0090)
  std::string studyDescription;     ///< (0008,1030)
  // Frame of Reference and the analysed series
  std::string frameOfReferenceUid;  ///< (0020,0052)
  std::string seriesInstanceUid;    ///< (0020,000E)
  std::string sopClassUid;          ///< (0008,0016) of the analysed images
  std::string bodyPartExamined;     ///< (0018,0015)
  bool lossyCompressed = false;     ///< Lossy Image Compression (0028,2110) is "01": derived objects must say so
  bool burnedInAnnotation = false;  ///< Burned In Annotation (0028,0301) is "YES": the pixels may show identity
};

/// Reads the header of one DICOM file of the analysed series (pixel data is not loaded). Throws
/// SpineError (DataError) naming the file when DCMTK cannot parse it.
DicomSourceHeader readSourceHeader(const std::string& file);

/// The same header as the PS3.15 Basic Application Level Confidentiality Profile would leave its
/// patient and study attributes: names, identifiers, dates and descriptions emptied or replaced
/// (the UIDs are remapped where the outputs are made: reports/DicomOutputs.cpp).
DicomSourceHeader deidentified(const DicomSourceHeader& header);

}  // namespace spine
