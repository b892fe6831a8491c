#include "spine/reports/ReportDocument.h"

#include <cstdio>
#include <filesystem>

namespace spine::reports {
namespace {

using nlohmann::json;

std::string fixed(double v, const char* format = "%.1f") {
  char text[32];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

std::string point(const Vec3& p) { return "(" + fixed(p[0]) + ", " + fixed(p[1]) + ", " + fixed(p[2]) + ") mm"; }

std::string joined(const std::vector<std::string>& items, const std::string& none) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : "; ") + s;
  return out.empty() ? none : out;
}

std::string dicomDate(const std::string& da) {
  return da.size() == 8 ? da.substr(0, 4) + "-" + da.substr(4, 2) + "-" + da.substr(6, 2) : da;
}

std::vector<Field> identityOf(const DicomSourceHeader& h) {
  std::string name = h.patientName;
  for (char& c : name)
    if (c == '^') c = ' ';
  std::vector<Field> all = {{"Patient", name},          {"Patient ID", h.patientId},          {"Birth date", dicomDate(h.patientBirthDate)},
                            {"Sex", h.patientSex},      {"Study date", dicomDate(h.studyDate)}, {"Accession", h.accessionNumber},
                            {"Study", h.studyDescription}};
  std::vector<Field> present;
  for (const Field& f : all)
    if (!f.second.empty()) present.push_back(f);
  return present;
}

ReportSection verdictOf(const viewer::ReviewModel& m) {
  ReportSection s;
  s.alert = !m.numberingTrusted();
  s.heading = s.alert ? "Level numbering: " + m.numberingStatus + " - CHECK THE COUNT" : "Level numbering: confirmed by independent anchors";
  if (!m.anomaly.empty()) s.lines.push_back("Anomaly: " + m.anomaly + ".");
  s.lines.push_back(m.summary);
  s.fields.push_back({"Anchors", joined(m.anchors, "none found")});
  for (const std::string& c : m.candidates) s.fields.push_back({"Other possible numbering", c});
  s.lines.push_back(m.mustConfirm);
  return s;
}

ReportSection targetOf(const json& report, const viewer::ReviewModel& m) {
  ReportSection s;
  s.heading = "Surgical target";
  if (m.target.empty()) {
    s.lines.push_back("No target level was given for this analysis.");
    return s;
  }
  const json t = report.value("target", json::object());
  const int i = m.levelIndex(m.target);
  s.alert = i < 0 || !m.numberingTrusted();
  s.fields.push_back({"Requested", m.target});
  s.fields.push_back({"Located", i < 0 ? "NO - find it yourself on the images"
                                       : "at " + point(m.levels[size_t(i)].centroid) + " (LPS), confidence " +
                                             fixed(m.levels[size_t(i)].confidence, "%.2f")});
  if (i < 0 && t.contains("why") && t["why"].is_string()) s.lines.push_back(t["why"].get<std::string>());
  bool decided = false;
  for (const viewer::ReviewDecision& d : m.reviews)
    if (d.level == m.target) {
      decided = true;
      s.fields.push_back({"Review", d.decision + " by " + d.reviewer + " at " + d.timeUtc + (d.note.empty() ? "" : ": " + d.note)});
      s.alert = s.alert || d.decision != "confirmed";
    }
  if (!decided) {
    s.fields.push_back({"Review", "NOT YET CONFIRMED by a person (spinereview view, key c)"});
    s.alert = true;
  }
  return s;
}

ReportSection findingsOf(const viewer::ReviewModel& m) {
  ReportSection s;
  s.heading = "Findings";
  for (const viewer::ReviewFinding& f : m.findings) {
    const std::string text = f.describe(), where = f.levels.empty() ? "study" : joined(f.levels, "");
    const bool named = !f.levels.empty() && text.rfind(f.levels.front(), 0) == 0;  // the sentence names its level
    s.lines.push_back((named ? "" : where + ": ") + text + (f.certainty.empty() ? "" : " [" + f.certainty + "]"));
    s.alert = s.alert || f.kind == "detector-failure";
  }
  if (s.lines.empty()) s.lines.push_back("No finding was reported by the detectors that ran (see Limits).");
  return s;
}

/// The axial stacks as a section (empty when the study has none).
ReportSection axialOf(const json& report, bool deidentify) {
  ReportSection s;
  s.lines = axialSliceLines(report, deidentify);
  if (!s.lines.empty()) s.heading = "Axial slices by level";
  return s;
}

ReportTable levelsOf(const viewer::ReviewModel& m) {
  ReportTable t;
  t.header = {"Level", "Kind", "Label", "Centroid (LPS)", "Confidence", "Findings"};
  for (const viewer::ReviewLevel& l : m.levels) {
    int count = 0;
    for (const viewer::ReviewFinding& f : m.findings)
      for (const std::string& name : f.levels) count += name == l.name;
    std::string kind = l.disc ? "disc" : l.ribBearing ? "vertebra, rib-bearing" : "vertebra";
    t.rows.push_back({l.name, kind, std::to_string(l.label), point(l.centroid), fixed(l.confidence, "%.2f"), std::to_string(count)});
  }
  return t;
}

ReportSection limitsOf(const json& report, const viewer::ReviewModel& m) {
  ReportSection s;
  s.heading = "Limits of this analysis";
  if (m.levels.empty()) s.lines.push_back("No level was identified.");
  if (report.value("volume", json::object()).value("modality", std::string()) == "MR") {
    s.lines.push_back("MR: vertebral bodies and discs are segmented, not the posterior elements.");
    s.lines.push_back("Herniation on MR is read in the mid-sagittal plane of a T2-weighted series only: how far the front "
                      "of the canal's fluid behind each disc lies beyond the line of the bodies' posterior walls. A "
                      "paracentral or foraminal herniation that does not reach the midline is not seen, a broad bulge "
                      "and a focal protrusion look alike in that plane, and a T1-weighted series is not assessed (a NIfTI "
                      "or NRRD volume carries no weighting: it is read where its canal's fluid is brighter than the "
                      "marrow, as on T2).");
    s.lines.push_back("Not assessed on MR by this version: canal and foraminal stenosis, adjacent segment degeneration, "
                      "fusion status.");
    s.lines.push_back("Hardware on MR is read from susceptibility voids near the column: a void from the posterior elements "
                      "into a body is a screw, a posterior void beside screws a rod, a void in a disc space a cage; material, "
                      "screw length and loosening are not judged, and a series of fewer than three sagittal slices is not "
                      "searched.");
  } else {
    s.lines.push_back("Herniation on CT is disc-dense material measured beyond the posterior vertebral line; MR is the "
                      "reference for disc herniation, and discs next to metal or without contrast to the canal are listed "
                      "as not assessed. Stenosis: the central canal's midline depth at lumbar discs only. Not assessed by this "
                      "version: lateral recess and foraminal stenosis, a posterolateral fusion mass; fusion status is bone "
                      "across an instrumented disc space (interbody fusion) only; adjacent segment degeneration only as "
                      "disc height next to a fusion.");
  }
  for (const json& d : report.value("detectors", json::array()))
    if (d.value("outcome", "") != "ran")
      s.lines.push_back("Detector " + d.value("detector", std::string("?")) + " " + d.value("outcome", std::string("?")) + ": " +
                        d.value("why", std::string("")));
  for (const std::string& n : m.levelNotes) s.lines.push_back("Levels: " + n);
  for (const std::string& w : m.warnings) s.lines.push_back("Warning: " + w);
  return s;
}

ReportSection softwareOf(const json& report, bool deidentify) {
  ReportSection s;
  s.heading = "Software and parameters";
  const json g = report.value("generator", json::object()), v = report.value("volume", json::object());
  s.fields.push_back({"Software", "spinereview " + g.value("version", std::string("?")) + ", report schema " +
                                      report.value("schema_version", std::string("?"))});
  const json input = report.value("input", json::object());
  if (!deidentify) s.fields.push_back({"Input", input.value("path", std::string("")) + " (" + input.value("kind", std::string("")) + ")"});
  s.fields.push_back({"Series analysed", report.value("chosen_series", json::object()).value("why", std::string(""))});
  if (v.is_object() && v.contains("size"))
    s.fields.push_back({"Volume", v.value("modality", std::string("")) + " " + v["size"].dump() + " voxels at " + v["spacing_mm"].dump() + " mm"});
  std::string detectors;
  for (const json& d : report.value("detectors", json::array()))
    detectors += (detectors.empty() ? "" : ", ") + d.value("detector", std::string("?")) + " (" + d.value("outcome", std::string("?")) + ")";
  s.fields.push_back({"Detectors", detectors.empty() ? "none ran" : detectors});
  std::string parameters;
  const json given = report.value("parameters", json::object());
  for (const auto& [name, value] : given.items())
    if (!(deidentify && name == "plugins")) parameters += (parameters.empty() ? "" : ", ") + name + " " + (value.is_string() ? value.get<std::string>() : value.dump());
  if (!parameters.empty()) s.fields.push_back({"Parameters", parameters});
  return s;
}

}  // namespace

std::vector<std::string> axialSliceLines(const json& report, bool deidentify) {
  std::vector<std::string> lines;
  for (const json& a : report.value("axial_series", json::array())) {
    const std::string description = deidentify ? "" : a.value("description", std::string());  // descriptions can hold names
    const std::string name = a.value("series", std::string("?")) + (description.empty() ? "" : " (" + description + ")");
    if (!a.value("assigned", false)) {
      lines.push_back(name + ": not assigned to levels: " + a.value("why", std::string("")));
      continue;
    }
    const json byLevel = a.value("slices_by_level", json::object());
    std::string line;
    for (const json& disc : report.value("discs", json::array())) {  // cranial to caudal
      const std::string level = disc.value("name", std::string());
      if (!byLevel.contains(level) || byLevel[level].empty()) continue;
      line += (line.empty() ? "" : "; ") + level + " slices " + std::to_string(byLevel[level].front().get<int>() + 1) + "-" +
              std::to_string(byLevel[level].back().get<int>() + 1);
    }
    lines.push_back(name + ": " + (line.empty() ? "no slice cuts a disc" : line));
  }
  return lines;
}

ReportDocument buildReportDocument(const json& report, const viewer::ReviewModel& model, const DicomSourceHeader* header,
                                   bool deidentify) {
  ReportDocument d;
  if (header && !deidentify) d.identity = identityOf(*header);
  if (deidentify) d.identity = {{"Patient", "de-identified"}};
  d.verdict = verdictOf(model);
  d.target = targetOf(report, model);
  d.findings = findingsOf(model);
  d.axial = axialOf(report, deidentify);
  d.levels = levelsOf(model);
  for (const json& k : report.value("key_images", json::array()))
    if (k.is_string()) d.keyImages.push_back({std::filesystem::path(k.get<std::string>()).stem().string() + " view", k.get<std::string>()});
  d.limits = limitsOf(report, model);
  d.software = softwareOf(report, deidentify);
  d.disclaimer = "Automated analysis for review by a qualified reader. It is not a diagnosis: confirm every level name and "
                 "finding on the images before any decision.";
  return d;
}

}  // namespace spine::reports
