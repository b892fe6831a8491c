#pragma once
// The human report as one self-contained HTML file: no scripts, no external resources (key images
// are embedded as data: URIs), a print stylesheet, so it opens offline and prints as it shows.
#include <string>

#include "spine/reports/ReportDocument.h"

namespace spine::reports {

/// The page; key images are read from `reportDir` (a missing one is named in its place).
std::string renderHtml(const ReportDocument& document, const std::string& reportDir);

/// `text` with & < > " escaped.
std::string escapeHtml(const std::string& text);

}  // namespace spine::reports
