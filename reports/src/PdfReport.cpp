#include "spine/reports/PdfReport.h"

#include <algorithm>
#include <filesystem>

#include <hpdf.h>

#include "spine/AtomicFile.h"
#include "spine/Error.h"

namespace spine::reports {
namespace {

constexpr float kPageWidth = 595, kPageHeight = 842, kMargin = 48;  // A4 in points
constexpr float kBody = 9.5f, kLine = 12.5f;

void onError(HPDF_STATUS error, HPDF_STATUS detail, void* data) {
  auto* first = static_cast<std::string*>(data);
  if (first->empty()) *first = "libharu error " + std::to_string(error) + " (" + std::to_string(detail) + ")";
}

/// UTF-8 to the standard fonts' WinAnsi: Latin-1 kept, anything else '?'.
std::string latin1(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = utf8[i];
    if (c < 0x80) out += char(c);
    else if ((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) out += char((c == 0xC3 ? 0xC0 : 0x80) | (utf8[++i] & 0x3F));
    else if (c >= 0xC0) {
      while (i + 1 < utf8.size() && (utf8[i + 1] & 0xC0) == 0x80) ++i;
      out += '?';
    }
  }
  return out;
}

/// Flows text, headings, field rows, tables and images down A4 pages.
class PdfFlow {
public:
  PdfFlow(HPDF_Doc pdf) : m_pdf(pdf) {
    m_regular = HPDF_GetFont(pdf, "Helvetica", "WinAnsiEncoding");
    m_bold = HPDF_GetFont(pdf, "Helvetica-Bold", "WinAnsiEncoding");
    newPage();
  }

  void title(const std::string& text) {
    write(text, m_bold, 15, kMargin, 0, 0, 0);
    m_y -= 8;
  }

  /// `keepWith`: room the content after it needs, so a heading never ends a page alone.
  void heading(const std::string& text, bool alert, float keepWith = 2 * kLine) {
    need(kLine + keepWith);
    m_y -= 6;
    write(text, m_bold, 11.5f, kMargin, alert ? 0.8f : 0, 0, 0);
    HPDF_Page_SetRGBStroke(m_page, alert ? 0.8f : 0.6f, alert ? 0 : 0.6f, alert ? 0 : 0.6f);
    HPDF_Page_SetLineWidth(m_page, alert ? 2 : 0.5f);
    HPDF_Page_MoveTo(m_page, kMargin, m_y + 9);
    HPDF_Page_LineTo(m_page, kPageWidth - kMargin, m_y + 9);
    HPDF_Page_Stroke(m_page);
  }

  void paragraph(const std::string& text, bool alert = false) {
    for (const std::string& line : wrap(latin1(text), m_regular, kBody, kPageWidth - 2 * kMargin)) write(line, m_regular, kBody, kMargin, alert ? 0.8f : 0, 0, 0);
    m_y -= 3;
  }

  void field(const std::string& label, const std::string& value) {
    const float indent = 120;
    need(kLine);
    const float y = m_y;
    write(latin1(label), m_bold, kBody, kMargin, 0, 0, 0);
    m_y = y;
    std::vector<std::string> lines = wrap(latin1(value), m_regular, kBody, kPageWidth - 2 * kMargin - indent);
    if (lines.empty()) lines.push_back("");
    for (const std::string& line : lines) write(line, m_regular, kBody, kMargin + indent, 0, 0, 0);
  }

  void row(const std::vector<std::string>& cells, const std::vector<float>& widths, bool bold) {
    need(kLine);
    float x = kMargin;
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      drawAt(clip(latin1(cells[i]), bold ? m_bold : m_regular, widths[i] - 4), bold ? m_bold : m_regular, kBody, x, m_y);
      x += widths[i];
    }
    m_y -= kLine;
  }

  /// Up to two key images side by side, at most 300 pt tall, each captioned; a missing file is
  /// named in its place (not fatal).
  void imageRow(const std::vector<const KeyImage*>& row, const std::string& reportDir, std::string& error) {
    const float cell = (kPageWidth - 2 * kMargin - 12) / 2, maxHeight = 300;
    std::vector<HPDF_Image> images;
    float rowHeight = kLine;
    for (const KeyImage* k : row) {
      images.push_back(HPDF_LoadPngImageFromFile(m_pdf, (std::filesystem::path(reportDir) / k->path).string().c_str()));
      if (!images.back()) error.clear();
      else rowHeight = std::max(rowHeight, std::min(maxHeight, cell * aspect(images.back())));
    }
    need(rowHeight + 2 * kLine);
    for (std::size_t i = 0; i < row.size(); ++i) {
      const float x = kMargin + float(i) * (cell + 12);
      float h = kLine;
      if (images[i]) {
        h = std::min(maxHeight, cell * aspect(images[i]));
        HPDF_Page_DrawImage(m_page, images[i], x, m_y - h, h / aspect(images[i]), h);
      }
      drawAt(latin1(images[i] ? row[i]->caption : "(key image missing: " + row[i]->caption + ")"), m_regular, kBody, x, m_y - h - kLine);
    }
    m_y -= rowHeight + 2 * kLine;
  }

private:
  void newPage() {
    m_page = HPDF_AddPage(m_pdf);
    HPDF_Page_SetSize(m_page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    m_y = kPageHeight - kMargin;
  }
  void need(float height) {
    if (m_y - height < kMargin) newPage();
  }
  void write(const std::string& text, HPDF_Font font, float size, float x, float r, float g, float b) {
    need(kLine);
    HPDF_Page_SetRGBFill(m_page, r, g, b);
    drawAt(text, font, size, x, m_y);
    HPDF_Page_SetRGBFill(m_page, 0, 0, 0);
    m_y -= size > kBody ? size + 5 : kLine;
  }
  void drawAt(const std::string& text, HPDF_Font font, float size, float x, float y) {
    HPDF_Page_BeginText(m_page);
    HPDF_Page_SetFontAndSize(m_page, font, size);
    HPDF_Page_TextOut(m_page, x, y, text.c_str());
    HPDF_Page_EndText(m_page);
  }
  static float aspect(HPDF_Image image) { return float(HPDF_Image_GetHeight(image)) / float(HPDF_Image_GetWidth(image)); }
  float width(const std::string& text, HPDF_Font font, float size) {
    HPDF_Page_SetFontAndSize(m_page, font, size);
    return HPDF_Page_TextWidth(m_page, text.c_str());
  }
  std::string clip(std::string text, HPDF_Font font, float maxWidth) {
    while (!text.empty() && width(text, font, kBody) > maxWidth) text.pop_back();
    return text;
  }
  std::vector<std::string> wrap(const std::string& text, HPDF_Font font, float size, float maxWidth) {
    std::vector<std::string> lines;
    std::string line, word;
    auto flush = [&] {
      std::string candidate = line.empty() ? word : line + " " + word;
      if (!line.empty() && width(candidate, font, size) > maxWidth) lines.push_back(line), candidate = word;
      line = candidate, word.clear();
    };
    for (char c : text) c == ' ' ? flush() : void(word += c);
    flush();
    if (!line.empty()) lines.push_back(line);
    return lines;
  }

  HPDF_Doc m_pdf;
  HPDF_Page m_page = nullptr;
  HPDF_Font m_regular = nullptr, m_bold = nullptr;
  float m_y = 0;
};

void section(PdfFlow& flow, const ReportSection& s) {
  flow.heading(s.heading, s.alert);
  for (const std::string& line : s.lines) flow.paragraph(line, s.alert && &line == &s.lines.front());
  for (const Field& f : s.fields) flow.field(f.first, f.second);
}

void levelTable(PdfFlow& flow, const ReportTable& t) {
  flow.heading("Levels", false);
  const std::vector<float> widths{100, 92, 35, 165, 62, 44};  // "vertebra 12 (unnamed)" fits the first
  flow.row(t.header, widths, true);
  for (const auto& r : t.rows) flow.row(r, widths, false);
}

}  // namespace

void writePdf(const ReportDocument& d, const std::string& reportDir, const std::string& path) {
  std::string error;
  HPDF_Doc pdf = HPDF_New(onError, &error);
  if (!pdf) throw SpineError(ExitCode::CantCreate, "outputs", path, "cannot start a PDF document");
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, latin1(d.title).c_str());
  HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, "spinereview " SPINE_VERSION);
  {
    PdfFlow flow(pdf);
    flow.title(d.title);
    for (const Field& f : d.identity) flow.field(f.first, f.second);
    for (const ReportSection* s : {&d.verdict, &d.target, &d.findings}) section(flow, *s);
    if (!d.axial.lines.empty()) section(flow, d.axial);
    levelTable(flow, d.levels);
    if (!d.keyImages.empty()) flow.heading("Key images", false, 240);
    for (std::size_t i = 0; i < d.keyImages.size(); i += 2) {
      std::vector<const KeyImage*> row{&d.keyImages[i]};
      if (i + 1 < d.keyImages.size()) row.push_back(&d.keyImages[i + 1]);
      flow.imageRow(row, reportDir, error);
    }
    for (const ReportSection* s : {&d.limits, &d.software}) section(flow, *s);
    flow.paragraph(d.disclaimer);
  }
  const std::string temp = temporaryPathFor(path);
  if (error.empty()) HPDF_SaveToFile(pdf, temp.c_str());
  HPDF_Free(pdf);
  if (!error.empty()) {
    std::filesystem::remove(temp);
    throw SpineError(ExitCode::CantCreate, "outputs", path, "cannot write the PDF: " + error);
  }
  moveIntoPlace(temp, path, "outputs");
}

}  // namespace spine::reports
