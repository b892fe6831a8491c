#include "spine/reports/HtmlReport.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace spine::reports {
namespace {

constexpr const char* kStyle = R"(
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; margin: 2em auto; max-width: 60em; color: #111; }
h1 { font-size: 16pt; margin-bottom: 0.2em; }
h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.4em; }
section.alert { border: 3px solid #c00; padding: 0.2em 1em 0.6em; }
section.alert h2 { color: #c00; border: none; }
section.ok { border: 3px solid #080; padding: 0.2em 1em 0.6em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.2em 1em; }
dt { font-weight: bold; }
dd { margin: 0; }
figure { display: inline-block; width: 47%; margin: 0.5em 1%; vertical-align: top; page-break-inside: avoid; }
figure img { display: block; max-width: 100%; max-height: 30em; margin: 0 auto; }
.disclaimer { font-size: 9pt; color: #444; border-top: 1px solid #999; margin-top: 2em; padding-top: 0.5em; }
@media print { body { margin: 0; max-width: none; } section, table, figure { page-break-inside: avoid; } }
)";

std::string base64(const std::string& bytes) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    unsigned n = unsigned(std::uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) n |= unsigned(std::uint8_t(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) n |= unsigned(std::uint8_t(bytes[i + 2]));
    out += digits[(n >> 18) & 63];
    out += digits[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? digits[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? digits[n & 63] : '=';
  }
  return out;
}

void fields(std::ostringstream& h, const std::vector<Field>& rows) {
  if (rows.empty()) return;
  h << "<dl>\n";
  for (const Field& f : rows) h << "<dt>" << escapeHtml(f.first) << "</dt><dd>" << escapeHtml(f.second) << "</dd>\n";
  h << "</dl>\n";
}

void section(std::ostringstream& h, const ReportSection& s, const std::string& id, bool framed) {
  h << "<section id=\"" << id << "\"" << (s.alert ? " class=\"alert\"" : framed ? " class=\"ok\"" : "") << ">\n<h2>"
    << escapeHtml(s.heading) << "</h2>\n";
  for (const std::string& line : s.lines) h << "<p>" << escapeHtml(line) << "</p>\n";
  fields(h, s.fields);
  h << "</section>\n";
}

void table(std::ostringstream& h, const ReportTable& t) {
  h << "<section id=\"levels\">\n<h2>Levels</h2>\n<table>\n<tr>";
  for (const std::string& c : t.header) h << "<th>" << escapeHtml(c) << "</th>";
  h << "</tr>\n";
  for (const auto& row : t.rows) {
    h << "<tr>";
    for (const std::string& c : row) h << "<td>" << escapeHtml(c) << "</td>";
    h << "</tr>\n";
  }
  h << "</table>\n</section>\n";
}

void images(std::ostringstream& h, const std::vector<KeyImage>& keyImages, const std::string& reportDir) {
  if (keyImages.empty()) return;
  h << "<section id=\"key-images\">\n<h2>Key images</h2>\n";
  for (const KeyImage& k : keyImages) {
    std::ifstream in(std::filesystem::path(reportDir) / k.path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    h << "<figure>";
    if (bytes.empty()) h << "<p>(missing: " << escapeHtml(k.path) << ")</p>";
    else h << "<img alt=\"" << escapeHtml(k.caption) << "\" src=\"data:image/png;base64," << base64(bytes) << "\">";
    h << "<figcaption>" << escapeHtml(k.caption) << "</figcaption></figure>\n";
  }
  h << "</section>\n";
}

}  // namespace

std::string escapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string renderHtml(const ReportDocument& d, const std::string& reportDir) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << escapeHtml(d.title)
    << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<h1>" << escapeHtml(d.title) << "</h1>\n";
  fields(h, d.identity);
  section(h, d.verdict, "numbering", true);
  section(h, d.target, "target", false);
  section(h, d.findings, "findings", false);
  if (!d.axial.lines.empty()) section(h, d.axial, "axial", false);
  table(h, d.levels);
  images(h, d.keyImages, reportDir);
  section(h, d.limits, "limits", false);
  section(h, d.software, "software", false);
  h << "<p class=\"disclaimer\">" << escapeHtml(d.disclaimer) << "</p>\n</body>\n</html>\n";
  return h.str();
}

}  // namespace spine::reports
