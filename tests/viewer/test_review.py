"""The reader's review (viewer.logic.review, no Qt): decisions, corrections, added nodules, the saved SR."""
from __future__ import annotations

import math

import numpy as np
import pydicom
import pytest

from dicom_objects.measurement_report_reader import findings_from_sr
from tests.conftest import dciodvfy_errors
from tests.viewer.shell_helpers import (gb18030_study, report_from_truth,  # noqa: F401
                                        shell_archive, shell_archive_root)
from viewer.logic.review import Review, ReviewError, check_reviewer, slice_number
from viewer.logic.worklist import newest_findings, study_content_from_archive, study_content_from_folder

SR_CLASSES_PREFIX = "1.2.840.10008.5.1.4.1.1.88."


def test_decisions_corrections_and_added_nodules(ct_phantom_small):
    report = report_from_truth(ct_phantom_small)
    rv = Review(report)
    assert rv.decisions == [None] * len(report.findings)
    rv.accept(0)
    rv.reject(1)
    f = rv.correct_diameter(2, 9.0)
    assert f.diameter_mm == 9.0 and f.lung_rads == "4A" and rv.decisions[2] is True
    assert rv.items[2].corrected and rv.items[2].original_diameter_mm == report.findings[2].diameter_mm
    i = rv.add_finding((12.0, -30.0, -100.0), 5.0)
    assert rv.items[i].added and rv.decisions[i] is True and rv.items[i].finding.lung_rads == "2"
    assert math.isclose(rv.items[i].finding.volume_mm3, math.pi / 6 * 125)
    assert rv.counts() == {"accepted": 3, "rejected": 1, "undecided": len(report.findings) - 3, "added": 1}
    # the AI's report is never changed in place
    assert report.findings[2].diameter_mm != 9.0 and all(f.accepted is None for f in report.findings)


@pytest.mark.parametrize("bad", ["", "   ", "abc", "0", "-3", "1000", "nan"])
def test_bad_diameter_is_refused_and_changes_nothing(ct_phantom_small, bad):
    rv = Review(report_from_truth(ct_phantom_small))
    before = rv.items[0].finding.diameter_mm
    with pytest.raises(ReviewError):
        rv.correct_diameter(0, bad)
    assert rv.items[0].finding.diameter_mm == before and rv.decisions[0] is None and not rv.dirty


def test_reviewer_name_checked():
    assert check_reviewer("  张^医生 ") == "张^医生"
    for bad in ("", "  ", "a\\b", "x" * 65):
        with pytest.raises(ReviewError):
            check_reviewer(bad)


def test_only_added_nodules_can_be_removed(ct_phantom_small):
    rv = Review(report_from_truth(ct_phantom_small))
    with pytest.raises(ReviewError):
        rv.remove_added(0)
    i = rv.add_finding((0, 0, -100), 6)
    rv.remove_added(i)
    assert len(rv) == len(rv.source_report.findings)


def test_slice_number():
    assert slice_number((0, 0, -97.4), [-100.0, -95.0, -90.0]) == 2
    assert slice_number((0, 0, 0), []) is None


def test_saved_review_is_in_archive_valid_and_holds_decisions(shell_archive, ct_phantom_small):
    """Accept/reject then save: the new SR is in the archive, passes dciodvfy, and holds the decisions."""
    study_uid = report_from_truth(ct_phantom_small).study_uid
    content = study_content_from_archive(shell_archive, study_uid)
    report, sr_path = newest_findings(content.sr_files)
    assert report is not None and len(report.findings) == 4  # the AI SR's findings
    before = {i.sop_instance_uid for i in shell_archive.instances(study_uid=study_uid)}

    rv = Review(report)
    rv.accept(0)
    rv.reject(1)
    rv.correct_diameter(2, 11.5)
    rv.add_finding(report.findings[0].center_lps_mm[:2] + (report.findings[0].center_lps_mm[2] + 10,), 4.5)
    series = content.series(report.series_uid)
    src = [pydicom.dcmread(p, stop_before_pixels=True) for p in series.files]
    with pytest.raises(ReviewError):
        rv.save(src, "", archive=shell_archive)  # no reviewer: nothing written
    assert {i.sop_instance_uid for i in shell_archive.instances(study_uid=study_uid)} == before

    ds, rec = rv.save(src, "李^医生", archive=shell_archive)
    new = [i for i in shell_archive.instances(study_uid=study_uid) if i.sop_instance_uid not in before]
    assert [i.sop_instance_uid for i in new] == [ds.SOPInstanceUID]
    assert new[0].sop_class_uid.startswith(SR_CLASSES_PREFIX) and new[0].path.is_file()
    assert dciodvfy_errors(new[0].path) == []

    stored = pydicom.dcmread(new[0].path)
    assert stored.VerificationFlag == "VERIFIED"
    assert "李" in str(stored.VerifyingObserverSequence[0].VerifyingObserverName)
    back = findings_from_sr(new[0].path)
    assert [f.accepted for f in back.findings] == [True, False, True, None, True]
    assert math.isclose(back.findings[2].diameter_mm, 11.5, abs_tol=0.05)
    assert math.isclose(back.findings[4].diameter_mm, 4.5, abs_tol=0.05)

    # the review is now the newest SR of the study: reopening shows the reader's version
    again, path = newest_findings(study_content_from_archive(shell_archive, study_uid).sr_files)
    assert path == new[0].path and [f.accepted for f in again.findings] == [True, False, True, None, True]


@pytest.mark.real_data
def test_reader_adds_the_nodule_on_a_real_ct(real_data, tmp_path):
    """Real GE headers (LIDC-IDRI-0001): a reader marks the LUNA16 nodule the AI did not report; the
    review SR written next to the images is valid and puts the nodule back where it was marked."""
    import csv
    import shutil

    src_dir = real_data / "lidc" / "LIDC-IDRI-0001"
    folder = tmp_path / "lidc1"
    shutil.copytree(src_dir, folder)
    content = study_content_from_folder(folder)
    series = content.series()
    assert series is not None and len(series.files) == 16 and content.sr_files == []
    src = [pydicom.dcmread(p, stop_before_pixels=True) for p in series.files]
    rows = [r for r in csv.reader((real_data / "luna16_annotations" / "annotations.csv").open())
            if r[0] == series.series_uid]
    x, y, z, d = (float(v) for v in rows[0][1:5])

    rv = Review(None, study_uid=content.study_uid, series_uid=series.series_uid)
    rv.add_finding((x, y, z), round(d, 1))
    ds, path = rv.save(src, "Reader^One", folder=folder)
    assert path.parent == folder and dciodvfy_errors(path) == []
    back, where = newest_findings(study_content_from_folder(folder).sr_files)
    assert where == path and len(back.findings) == 1 and back.findings[0].accepted is True
    assert np.allclose(back.findings[0].center_lps_mm, (x, y, z), atol=1.0)
    assert math.isclose(back.findings[0].diameter_mm, round(d, 1), abs_tol=0.05)
