#!/usr/bin/python3
"""Reads an analysis folder's outputs with tools independent of SpineReview (pydicom, nibabel, numpy,
the Python standard library) and checks that they agree with labels.nii.gz and report.json.

Usage: check_outputs.py ANALYSIS_DIR   (exit 0 when all agree; one line per disagreement otherwise)
"""
import gzip
import json
import sys
from pathlib import Path

import nibabel
import numpy
import pydicom

problems = []


def check(condition, what):
    if not condition:
        problems.append(what)


def read_nrrd(path):
    """A plain NRRD reader: text header up to a blank line, then gzip or raw little-endian data."""
    raw = Path(path).read_bytes()
    head, _, body = raw.partition(b"\n\n")
    fields = {}
    for line in head.decode("latin-1").splitlines()[1:]:
        if line.startswith("#"):
            continue
        key, sep, value = line.partition(":=") if ":=" in line else line.partition(": ")
        fields[key.strip()] = value.strip()
    sizes = [int(s) for s in fields["sizes"].split()]
    data = gzip.decompress(body) if fields.get("encoding") == "gzip" else body
    dtype = {"unsigned short": "<u2", "ushort": "<u2", "uint16": "<u2"}[fields["type"]]
    return numpy.frombuffer(data, dtype=dtype).reshape(sizes[::-1]).transpose(), fields


def main(folder):
    folder = Path(folder)
    report = json.loads((folder / "report.json").read_text())
    labels_img = nibabel.load(str(folder / "labels.nii.gz"))
    labels = numpy.asarray(labels_img.dataobj)
    value_of = {l["name"]: l["label"] for l in report["vertebrae"] + report["discs"]}

    # Slicer segmentation: same voxels, one segment per level with its name and value.
    seg_nrrd, fields = read_nrrd(folder / "labels.seg.nrrd")
    check(numpy.array_equal(seg_nrrd, labels), "labels.seg.nrrd voxels differ from labels.nii.gz")
    names = {fields[k]: int(fields[k.replace("_Name", "_LabelValue")]) for k in fields if k.endswith("_Name")}
    check(names == {n: v for n, v in value_of.items() if (labels == v).any()}, "labels.seg.nrrd segment names/values differ")

    # Markups: one point per level at its centroid.
    markups = json.loads((folder / "levels.mrk.json").read_text())["markups"][0]
    check(markups["coordinateSystem"] == "LPS", "markups not in LPS")
    points = {p["label"]: p["position"] for p in markups["controlPoints"]}
    for level in report["vertebrae"] + report["discs"]:
        check(numpy.allclose(points.get(level["name"], [1e9] * 3), level["centroid_lps_mm"]), "markup of " + level["name"])

    # DICOM SEG: every frame equals its level's voxels on the slice at its position.
    seg_file = folder / "dicom" / "seg.dcm"
    if seg_file.exists():
        seg = pydicom.dcmread(str(seg_file))
        check(seg.SOPClassUID == "1.2.840.10008.5.1.4.1.1.66.4", "seg.dcm is not a Segmentation")
        frames = seg.pixel_array
        if frames.ndim == 2:
            frames = frames[numpy.newaxis]
        segment_names = {s.SegmentNumber: s.SegmentLabel for s in seg.SegmentSequence}
        ras_to_voxel = numpy.linalg.inv(labels_img.affine)
        covered = numpy.zeros(labels.shape, dtype=bool)
        for frame, groups in zip(frames, seg.PerFrameFunctionalGroupsSequence):
            number = groups.SegmentIdentificationSequence[0].ReferencedSegmentNumber
            x, y, z = [float(v) for v in groups.PlanePositionSequence[0].ImagePositionPatient]
            k = int(round((ras_to_voxel @ [-x, -y, z, 1])[2]))
            expected = (labels[:, :, k] == value_of[segment_names[number]]).T
            check(numpy.array_equal(frame.astype(bool), expected), "SEG frame of %s at slice %d differs" % (segment_names[number], k))
            covered[:, :, k] |= expected.T
        check(numpy.array_equal(covered, numpy.isin(labels, list(value_of.values()))), "SEG misses labelled voxels")
        source_studies = [u for u in report["study"]["study_instance_uids"] if u]
        check(not source_studies or seg.StudyInstanceUID == source_studies[0], "SEG not in the source study")

    # SR: one measurement group per segment of the SEG, each tracking its level by name.
    sr_file = folder / "dicom" / "sr.dcm"
    if sr_file.exists():
        sr = pydicom.dcmread(str(sr_file))
        groups = []

        def walk(items):
            for item in items:
                if item.ConceptNameCodeSequence[0].CodeMeaning == "Measurement Group":
                    groups.append(item)
                walk(getattr(item, "ContentSequence", []))

        walk(sr.ContentSequence)
        tracked = sorted(i.TextValue for g in groups for i in g.ContentSequence
                         if i.ConceptNameCodeSequence[0].CodeMeaning == "Tracking Identifier")
        check(tracked == sorted(segment_names.values()), "SR measurement groups do not track the SEG's segments")

    # Key images: RGB Secondary Capture.
    for sc in sorted((folder / "dicom").glob("key-image-*.dcm")) if (folder / "dicom").exists() else []:
        ds = pydicom.dcmread(str(sc))
        check(ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.7" and ds.pixel_array.shape[-1] == 3, sc.name + " is not an RGB SC")
        check(ds.pixel_array.std() > 5, sc.name + " is blank")

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
