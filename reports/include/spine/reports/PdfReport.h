#pragma once
// The human report as PDF (A4, libharu): the same document as the HTML, key images included.
#include <string>

#include "spine/reports/ReportDocument.h"

namespace spine::reports {

/// Writes `path` atomically. Throws SpineError (CantCreate) naming the file.
void writePdf(const ReportDocument& document, const std::string& reportDir, const std::string& path);

}  // namespace spine::reports
