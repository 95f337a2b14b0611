"""Findings as DICOM: SR (TID 1500), SEG and GSPS written with highdicom, checked with dciodvfy and read back.

The findings come from the phantom's ground truth, so every position can be checked against a known
place in the source images.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pydicom
import pytest

from ai_models.findings import Finding, FindingsReport, ModelInfo
from dicom_objects.ai_results import write_results
from dicom_objects.measurement_report import write_review_sr
from dicom_objects.measurement_report_reader import findings_from_sr, is_review_sr
from dicom_objects.segmentation import findings_from_seg
from tests.conftest import dciodvfy_errors, dicom_files, ground_truth

SR_3D = "1.2.840.10008.5.1.4.1.1.88.34"
SEG = "1.2.840.10008.5.1.4.1.1.66.4"
GSPS = "1.2.840.10008.5.1.4.1.1.11.1"
MODEL = ModelInfo(name="tpacs-lung-nodule", version="0.3.1", trained_on="synthetic tpacs phantoms (no patient data)")


@pytest.fixture(scope="module")
def phantom(ct_phantom_small):
    gt = ground_truth(ct_phantom_small)
    headers = [pydicom.dcmread(p, stop_before_pixels=True) for p in dicom_files(ct_phantom_small)]
    headers.sort(key=lambda d: float(d.ImagePositionPatient[2]))
    scores = [0.97, 0.81, 0.64, 0.55, 0.5, 0.5]
    findings = [Finding(center_lps_mm=n["center_lps_mm"], diameter_mm=n["diameter_mm"], volume_mm3=n["volume_mm3"],
                        score=scores[i], kind=n["kind"]) for i, n in enumerate(gt["nodules"])]
    report = FindingsReport(study_uid=gt["study_uid"], series_uid=gt["series_uid"], model=MODEL, findings=findings)
    return gt, headers, report


@pytest.fixture(scope="module")
def written(phantom, tmp_path_factory):
    _, headers, report = phantom
    out = tmp_path_factory.mktemp("ai_results")
    objs = write_results(report, headers)
    paths = []
    for name, ds in zip(("sr", "seg", "gsps"), objs):
        p = out / f"{name}.dcm"
        ds.save_as(p, enforce_file_format=True)
        paths.append(p)
    return objs, paths


def _pixel_of(headers, lps):
    """(slice index, row, column) of an LPS point on the phantom's axial grid (nearest voxel)."""
    z = np.array([float(h.ImagePositionPatient[2]) for h in headers])
    k = int(np.argmin(np.abs(z - lps[2])))
    ipp = [float(v) for v in headers[k].ImagePositionPatient]
    ps = [float(v) for v in headers[k].PixelSpacing]
    return k, (lps[1] - ipp[1]) / ps[0], (lps[0] - ipp[0]) / ps[1]


def test_sr_seg_gsps_are_valid_new_series_of_the_study(phantom, written):
    gt, headers, report = phantom
    objs, paths = written
    assert [str(ds.SOPClassUID) for ds in objs] == [SR_3D, SEG, GSPS]
    for p in paths:
        assert dciodvfy_errors(p) == [], p.name
    series = {str(ds.SeriesInstanceUID) for ds in objs}
    assert len(series) == 3 and gt["series_uid"] not in series
    for p in paths:
        ds = pydicom.dcmread(p)
        assert ds.StudyInstanceUID == gt["study_uid"]
        assert ds.Manufacturer == "township-pacs" and ds.SoftwareVersions
        assert ds.SpecificCharacterSet == "ISO_IR 192"
        # The GB18030 name of the source comes out as the same name in UTF-8.
        assert str(ds.PatientName) == gt["patient_name"] and ds.PatientID == gt["patient_id"]
        assert ds.file_meta.TransferSyntaxUID is not None and ds.preamble in (None, b"\0" * 128)


def test_sr_round_trip_gives_the_findings_back(phantom, written):
    gt, headers, report = phantom
    objs, paths = written
    back = findings_from_sr(paths[0])
    assert back.study_uid == gt["study_uid"] and back.series_uid == gt["series_uid"]
    assert back.model == MODEL
    assert len(back.findings) == len(report.findings)
    for a, b in zip(report.findings, back.findings):
        assert np.allclose(a.center_lps_mm, b.center_lps_mm, atol=1e-3)
        assert b.diameter_mm == pytest.approx(a.diameter_mm, abs=1e-3)
        assert b.volume_mm3 == pytest.approx(a.volume_mm3, abs=0.01)
        assert b.score == pytest.approx(a.score, abs=1e-4)
        assert (b.kind, b.lung_rads, b.accepted) == (a.kind, a.lung_rads, None)
        assert b.tracking_uid
    # The same nodule carries the same tracking UID in the SR, the SEG and the GSPS.
    seg_uids = [str(s.TrackingUID) for s in objs[1].SegmentSequence]
    gsps_uids = [str(g.GraphicObjectSequence[0].TrackingUID) for g in objs[2].GraphicAnnotationSequence]
    assert seg_uids == gsps_uids == [f.tracking_uid for f in back.findings]


def test_sr_holds_coded_tid1500_content(written):
    sr = pydicom.dcmread(written[1][0])
    assert sr.ContentTemplateSequence[0].TemplateIdentifier == "1500"
    assert sr.CompletionFlag == "COMPLETE" and sr.VerificationFlag == "UNVERIFIED"
    assert any(i.CodingSchemeDesignator == "99TPACS" for i in sr.CodingSchemeIdentificationSequence)
    groups = [i for i in sr.ContentSequence if i.ValueType == "CONTAINER"][0].ContentSequence
    first = groups[0].ContentSequence
    names = {(c.ConceptNameCodeSequence[0].CodingSchemeDesignator, c.ConceptNameCodeSequence[0].CodeValue): c
             for c in first}
    assert names[("SCT", "103339001")].MeasuredValueSequence[0].MeasurementUnitsCodeSequence[0].CodeValue == "mm"
    assert names[("SCT", "118565006")].MeasuredValueSequence[0].MeasurementUnitsCodeSequence[0].CodeValue == "mm3"
    assert names[("DCM", "121071")].ConceptCodeSequence[0].CodeValue == "27925004"  # finding: nodule
    algo = [c for c in first if c.ConceptNameCodeSequence[0].CodeValue == "111001"]
    assert algo and algo[0].TextValue == MODEL.name
    point = [c for c in first if c.ValueType == "SCOORD3D"]
    assert point and point[0].GraphicType == "POINT"


def test_seg_masks_sit_on_the_nodules(phantom, written):
    gt, headers, report = phantom
    seg = pydicom.dcmread(written[1][1])
    assert seg.SegmentationType == "BINARY"
    assert [s.SegmentAlgorithmType for s in seg.SegmentSequence] == ["AUTOMATIC"] * len(report.findings)
    frames = seg.pixel_array.reshape(-1, seg.Rows, seg.Columns)
    z_of = {round(float(h.ImagePositionPatient[2]), 2): k for k, h in enumerate(headers)}
    voxel_mm3 = float(headers[0].PixelSpacing[0]) ** 2 * float(headers[0].SliceThickness)
    for n, f in enumerate(report.findings, start=1):
        k, r, c = _pixel_of(headers, f.center_lps_mm)
        count, hit_centre = 0, False
        for j, fg in enumerate(seg.PerFrameFunctionalGroupsSequence):
            if int(fg.SegmentIdentificationSequence[0].ReferencedSegmentNumber) != n:
                continue
            count += int(frames[j].sum())
            if z_of[round(float(fg.PlanePositionSequence[0].ImagePositionPatient[2]), 2)] == k:
                hit_centre = bool(frames[j][int(round(r)), int(round(c))])
                far = int(round(c + 1.5 * f.diameter_mm / float(headers[0].PixelSpacing[1])))
                assert not frames[j][int(round(r)), min(far, seg.Columns - 1)]
        assert hit_centre, f"segment {n} does not cover its nodule's centre"
        sphere = math.pi / 6 * f.diameter_mm ** 3
        assert 0.5 * sphere < count * voxel_mm3 < 1.6 * sphere


def test_gsps_circles_each_nodule_on_its_central_slice(phantom, written):
    gt, headers, report = phantom
    gsps = pydicom.dcmread(written[1][2])
    anns = gsps.GraphicAnnotationSequence
    assert len(anns) == len(report.findings)
    for f, ann in zip(report.findings, anns):
        k, r, c = _pixel_of(headers, f.center_lps_mm)
        assert ann.ReferencedImageSequence[0].ReferencedSOPInstanceUID == headers[k].SOPInstanceUID
        g = ann.GraphicObjectSequence[0]
        assert g.GraphicType == "CIRCLE" and g.GraphicAnnotationUnits == "PIXEL"
        cx, cy, px, _ = (float(v) for v in g.GraphicData)
        assert abs(cx - (c + 0.5)) < 0.01 and abs(cy - (r + 0.5)) < 0.01
        assert (px - cx) * float(headers[0].PixelSpacing[1]) == pytest.approx(f.diameter_mm / 2, rel=0.05)
        text = ann.TextObjectSequence[0].UnformattedTextValue
        assert f"{f.diameter_mm:.1f} mm" in text and f.lung_rads in text


def test_review_sr_records_decisions_corrections_and_the_verifying_reader(phantom, written, tmp_path):
    gt, headers, report = phantom
    ai = findings_from_sr(written[1][0])
    ai.findings[1].diameter_mm = 11.0  # the reader corrected it
    added = Finding(center_lps_mm=(-40.0, 10.0, -120.0), diameter_mm=6.5, volume_mm3=140.0, score=1.0, kind="solid")
    ai.findings.append(added)
    decisions = [True, False, None] + [True] * (len(ai.findings) - 3)
    sr = write_review_sr(ai, headers, "王^医生", decisions)
    path = tmp_path / "review.dcm"
    sr.save_as(path, enforce_file_format=True)
    assert dciodvfy_errors(path) == []
    ds = pydicom.dcmread(path)
    assert ds.SpecificCharacterSet == "ISO_IR 192"
    assert ds.VerificationFlag == "VERIFIED" and ds.CompletionFlag == "COMPLETE"
    assert str(ds.VerifyingObserverSequence[0].VerifyingObserverName) == "王^医生"
    assert ds.StudyInstanceUID == gt["study_uid"] and ds.SeriesInstanceUID != written[0][0].SeriesInstanceUID
    back = findings_from_sr(path)
    assert [f.accepted for f in back.findings] == decisions
    assert back.findings[1].diameter_mm == pytest.approx(11.0)
    assert [f.tracking_uid for f in back.findings[:-1]] == [f.tracking_uid for f in ai.findings[:-1]]
    assert np.allclose(back.findings[-1].center_lps_mm, added.center_lps_mm, atol=1e-3)
    assert back.model.name == MODEL.name
    assert is_review_sr(ds) and not is_review_sr(pydicom.dcmread(written[1][0]))


def test_review_sr_unverified_and_bad_arguments(phantom):
    gt, headers, report = phantom
    sr = write_review_sr(report, headers, "Li^Lei", [None] * len(report.findings), verified=False)
    assert sr.VerificationFlag == "UNVERIFIED" and "VerifyingObserverSequence" not in sr
    assert not is_review_sr(sr)  # nothing decided, nothing verified: no different from the AI's SR
    with pytest.raises(ValueError, match="decisions"):
        write_review_sr(report, headers, "Li^Lei", [True])
    with pytest.raises(ValueError, match="name"):
        write_review_sr(report, headers, "  ", [True] * len(report.findings))


def test_no_findings_gives_a_valid_sr_only(phantom, tmp_path):
    gt, headers, report = phantom
    empty = FindingsReport(report.study_uid, report.series_uid, MODEL, [])
    objs = write_results(empty, headers)
    assert [str(o.SOPClassUID) for o in objs] == [SR_3D]
    objs[0].save_as(tmp_path / "sr.dcm", enforce_file_format=True)
    assert dciodvfy_errors(tmp_path / "sr.dcm") == []
    back = findings_from_sr(tmp_path / "sr.dcm")
    assert back.findings == [] and back.series_uid == gt["series_uid"] and back.model == MODEL


def test_uid_seed_makes_a_rerun_reproduce_the_same_uids(phantom, written):
    _, headers, report = phantom
    a = write_results(report, headers, uid_seed="study|series|model 1")
    b = write_results(report, headers, uid_seed="study|series|model 1")
    assert [x.SOPInstanceUID for x in a] == [x.SOPInstanceUID for x in b]
    assert [x.SeriesInstanceUID for x in a] == [x.SeriesInstanceUID for x in b]
    # Without a seed every call makes new UIDs (the fixture's objects were made without one).
    assert not {x.SOPInstanceUID for x in a} & {x.SOPInstanceUID for x in written[0]}


def test_masks_from_the_model_are_encoded_as_given(phantom):
    _, headers, report = phantom
    shape = (len(headers), int(headers[0].Rows), int(headers[0].Columns))
    labels = np.zeros(shape, dtype=np.uint8)
    k, r, c = _pixel_of(headers, report.findings[0].center_lps_mm)
    labels[k, int(r) - 2:int(r) + 3, int(c) - 2:int(c) + 3] = 1  # 25 voxels for finding 1 only
    objs = write_results(report, headers, masks=labels)
    seg = objs[1]
    # Finding 1 keeps the model's 25 voxels; the others (no mask given) get spheres.
    assert len(seg.SegmentSequence) == len(report.findings)
    first = [j for j, fg in enumerate(seg.PerFrameFunctionalGroupsSequence)
             if int(fg.SegmentIdentificationSequence[0].ReferencedSegmentNumber) == 1]
    assert len(first) == 1 and int(seg.pixel_array.reshape(-1, seg.Rows, seg.Columns)[first[0]].sum()) == 25
    with pytest.raises(ValueError, match="shape"):
        write_results(report, headers, masks=labels[:-1])


def test_findings_from_a_foreign_tid1500_sr(phantom, tmp_path):
    """An SR from another tool: planar ROIs, 2D circle on an image or a 3D polygon, diameter in cm."""
    import highdicom as hd
    from pydicom.sr.codedict import codes

    gt, headers, report = phantom
    f0, f1 = report.findings[0], report.findings[1]
    k, r, c = _pixel_of(headers, f0.center_lps_mm)
    rad_px = f0.diameter_mm / 2 / float(headers[0].PixelSpacing[1])
    region2d = hd.sr.ImageRegion(graphic_type="CIRCLE",
                                 graphic_data=np.array([[c + 0.5, r + 0.5], [c + 0.5 + rad_px, r + 0.5]]),
                                 source_image=hd.sr.SourceImageForRegion.from_source_image(headers[k]))
    g0 = hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
        tracking_identifier=hd.sr.TrackingIdentifier(uid=hd.UID(), identifier="lesion A"),
        referenced_region=region2d,
        measurements=[hd.sr.Measurement(name=codes.SCT.Diameter, value=f0.diameter_mm / 10,
                                        unit=codes.UCUM.Centimeter)])
    x, y, z = f1.center_lps_mm
    h = f1.diameter_mm / 2
    square = np.array([[x - h, y - h, z], [x + h, y - h, z], [x + h, y + h, z], [x - h, y + h, z], [x - h, y - h, z]])
    g1 = hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
        tracking_identifier=hd.sr.TrackingIdentifier(uid=hd.UID(), identifier="lesion B"),
        referenced_region=hd.sr.ImageRegion3D(graphic_type="POLYGON", graphic_data=square,
                                              frame_of_reference_uid=headers[0].FrameOfReferenceUID))
    content = hd.sr.MeasurementReport(
        observation_context=hd.sr.ObservationContext(observer_person_context=hd.sr.ObserverContext(
            observer_type=codes.DCM.Person,
            observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(name="Other^Reader"))),
        procedure_reported=codes.cid100.CTUnspecifiedBodyRegion, imaging_measurements=[g0, g1])
    sr = hd.sr.Comprehensive3DSR(evidence=headers, content=content[0], series_instance_uid=hd.UID(),
                                 series_number=50, sop_instance_uid=hd.UID(), instance_number=1,
                                 manufacturer="Elsewhere Inc.")
    back = findings_from_sr(sr, images=headers)
    assert len(back.findings) == 2
    a, b = back.findings
    assert np.linalg.norm(np.subtract(a.center_lps_mm, f0.center_lps_mm)) < 0.5
    assert a.diameter_mm == pytest.approx(f0.diameter_mm, rel=1e-3) and a.score == 1.0 and a.kind == "unknown"
    assert np.linalg.norm(np.subtract(b.center_lps_mm, f1.center_lps_mm)) < 0.5
    assert b.diameter_mm == pytest.approx(f1.diameter_mm * math.sqrt(2), rel=1e-3)  # the square's diagonal
    assert back.model.name == "Elsewhere Inc."


def test_findings_from_seg_measure_the_masks(phantom, written):
    """A SEG alone (e.g. pre-annotated elsewhere) gives the nodules back: centroid, extent, volume."""
    gt, headers, report = phantom
    back = findings_from_seg(written[1][1])
    assert back.study_uid == gt["study_uid"] and back.series_uid == gt["series_uid"]
    assert back.model.name == MODEL.name and back.model.version == MODEL.version
    assert len(back.findings) == len(report.findings)
    slice_mm = float(headers[0].SliceThickness)
    for a, b in zip(report.findings, back.findings):
        assert np.linalg.norm(np.subtract(a.center_lps_mm, b.center_lps_mm)) < slice_mm / 2
        assert b.diameter_mm == pytest.approx(a.diameter_mm, abs=slice_mm)
        assert b.kind == a.kind and b.tracking_uid


def test_an_sr_that_is_no_measurement_report_is_refused(phantom):
    """A CT dose report (or any non-TID 1500 SR) holds no findings; saying so lets a viewer skip it."""
    import highdicom as hd
    from pydicom.sr.codedict import codes

    _, headers, _ = phantom
    root = hd.sr.ContainerContentItem(name=codes.DCM.XRayRadiationDoseReport if hasattr(codes.DCM, "XRayRadiationDoseReport")
                                      else hd.sr.CodedConcept("113701", "DCM", "X-Ray Radiation Dose Report"))
    root.ContentSequence = [hd.sr.TextContentItem(name=hd.sr.CodedConcept("121106", "DCM", "Comment"),
                                                  value="CTDIvol 8 mGy",
                                                  relationship_type=hd.sr.RelationshipTypeValues.CONTAINS)]
    sr = hd.sr.ComprehensiveSR(evidence=headers[:1], content=root, series_instance_uid=hd.UID(), series_number=99,
                               sop_instance_uid=hd.UID(), instance_number=1, manufacturer="Scanner Co")
    with pytest.raises(ValueError, match="measurement report"):
        findings_from_sr(sr)


def test_overlapping_nodules_each_keep_their_whole_mask(phantom, tmp_path):
    """A small finding inside a larger one: both segments cover the shared centre."""
    _, headers, report = phantom
    big = report.findings[0]
    small = Finding(center_lps_mm=big.center_lps_mm, diameter_mm=6.0, volume_mm3=113.0, score=0.4, kind="solid")
    two = FindingsReport(report.study_uid, report.series_uid, MODEL, [big, small])
    seg = write_results(two, headers)[1]
    seg.save_as(tmp_path / "seg.dcm", enforce_file_format=True)
    assert dciodvfy_errors(tmp_path / "seg.dcm") == []
    frames = seg.pixel_array.reshape(-1, seg.Rows, seg.Columns)
    k, r, c = _pixel_of(headers, big.center_lps_mm)
    covered = set()
    for j, fg in enumerate(seg.PerFrameFunctionalGroupsSequence):
        z = float(fg.PlanePositionSequence[0].ImagePositionPatient[2])
        if abs(z - float(headers[k].ImagePositionPatient[2])) < 1e-3 and frames[j][int(round(r)), int(round(c))]:
            covered.add(int(fg.SegmentIdentificationSequence[0].ReferencedSegmentNumber))
    assert covered == {1, 2}


def test_location_sizes_kinds_and_the_ai_label_travel_in_the_sr_and_gsps(phantom, tmp_path):
    """What a report draft needs from the AI's SR (side and zone, long and short axis, the solid part, a mass
    or a calcified nodule) comes back from the file, and the SR and GSPS say the marks are AI output."""
    gt, headers, _ = phantom
    n = gt["nodules"]
    model = ModelInfo("tpacs-nodule-cnn", "0.4.0", "real CT", "not clinically validated")
    findings = [
        Finding(n[0]["center_lps_mm"], diameter_mm=14.0, mean_diameter_mm=12.0, solid_diameter_mm=6.5,
                volume_mm3=900.0, score=0.81, kind="part_solid", lung_side="R", lung_zone="upper"),
        Finding(n[1]["center_lps_mm"], diameter_mm=34.0, mean_diameter_mm=31.0, volume_mm3=15000.0, score=0.97,
                kind="mass", lung_side="L", lung_zone="lower"),
        Finding(n[2]["center_lps_mm"], diameter_mm=5.0, mean_diameter_mm=4.6, volume_mm3=60.0, score=0.55,
                kind="calcified", lung_side="L", lung_zone="middle"),
    ]
    report = FindingsReport(gt["study_uid"], gt["series_uid"], model, findings)
    objs = write_results(report, headers)
    for ds, name in zip(objs, ("sr", "seg", "gsps")):
        ds.save_as(tmp_path / f"{name}.dcm", enforce_file_format=True)
        assert dciodvfy_errors(tmp_path / f"{name}.dcm") == []
    back = findings_from_sr(tmp_path / "sr.dcm")
    assert back.model.validation == "not clinically validated"
    got = [(f.kind, f.lung_side, f.lung_zone, round(f.mean_diameter_mm, 2), round(f.solid_diameter_mm, 2),
            f.lung_rads) for f in back.findings]
    assert got == [("part_solid", "R", "upper", 12.0, 6.5, "4A"), ("mass", "L", "lower", 31.0, 0.0, ""),
                   ("calcified", "L", "middle", 4.6, 0.0, "1")]
    texts = [str(i.TextValue) for i in pydicom.dcmread(tmp_path / "sr.dcm").ContentSequence if i.ValueType == "TEXT"]
    assert any("AI 辅助检出，仅供参考" in t and "AI-detected, for reference only" in t and "0.4.0" in t for t in texts)
    notes = [str(t.UnformattedTextValue) for g in pydicom.dcmread(tmp_path / "gsps.dcm").GraphicAnnotationSequence
             for t in g.TextObjectSequence]
    assert sum("AI 辅助检出，仅供参考" in t for t in notes) == len(findings)
