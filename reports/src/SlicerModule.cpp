#include "spine/reports/SlicerModule.h"

namespace spine::reports {

std::string slicerModuleXml() {
  return R"(<?xml version="1.0" encoding="utf-8"?>
<executable>
  <category>Spine</category>
  <title>SpineReview</title>
  <description><![CDATA[Segments every vertebra and disc of a CT, names the levels from independent anchors (sacrum, last rib-bearing vertebra, C2) and says when the count cannot be trusted. Writes the label map (VerSe codes, docs/labels.md) and, in the output folder, report.json, report.html and report.pdf.]]></description>
  <version>)" SPINE_VERSION R"(</version>
  <documentation-url>docs/outputs.md</documentation-url>
  <license>see the project's README</license>
  <contributor>SpineReview project</contributor>
  <parameters>
    <label>Input and output</label>
    <description><![CDATA[The volume to analyse and what comes back.]]></description>
    <image>
      <name>inputVolume</name>
      <longflag>inputVolume</longflag>
      <label>Input CT</label>
      <description><![CDATA[CT volume in Hounsfield units.]]></description>
      <channel>input</channel>
    </image>
    <image type="label">
      <name>outputLabelMap</name>
      <longflag>outputLabelMap</longflag>
      <label>Vertebrae and discs</label>
      <description><![CDATA[Label map: 1-7 C1-C7, 8-19 T1-T12, 20-25 L1-L6, 26 sacrum, 28 T13, discs 100 + the vertebra above.]]></description>
      <channel>output</channel>
    </image>
    <string>
      <name>target</name>
      <longflag>target</longflag>
      <label>Target level</label>
      <description><![CDATA[Surgical target to locate, e.g. L4-L5 (optional).]]></description>
      <default></default>
    </string>
    <directory>
      <name>outputDirectory</name>
      <longflag>outputDirectory</longflag>
      <label>Report folder</label>
      <description><![CDATA[Where report.json, report.html and report.pdf go (optional; a temporary folder otherwise).]]></description>
      <channel>output</channel>
    </directory>
  </parameters>
</executable>
)";
}

}  // namespace spine::reports
