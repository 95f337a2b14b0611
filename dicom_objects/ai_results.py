"""The AI's result set for one CT series: the nodule SR, SEG and GSPS as new series of the study."""
from __future__ import annotations

from pydicom.dataset import Dataset

from ai_models.findings import FindingsReport
from dicom_objects.geometry import Grid, masks_per_finding
from dicom_objects.identity import Uids
from dicom_objects.measurement_report import build_sr, device_context
from dicom_objects.presentation_state import build_gsps
from dicom_objects.segmentation import build_seg


def write_results(report: FindingsReport, source: list[Dataset], masks=None, *,
                  uid_seed: str | None = None) -> list[Dataset]:
    """SR, SEG and GSPS for the findings on the source CT series (datasets; pixel data not needed).

    Returns [SR, SEG, GSPS]; with no findings only [SR] (an SR saying "no nodules" is still news;
    a SEG needs at least one segment). The objects are new series of the source study.
    `uid_seed` (e.g. study + series + model version) makes the series/instance/tracking UIDs
    reproducible, so a detection re-run after a crash stores duplicates, not a second result set.
    """
    grid = Grid.of(source)
    uid = Uids(uid_seed)
    tracking_uids = [f.tracking_uid or uid() for f in report.findings]
    sr = build_sr(report, grid, tracking_uids, device_context(report.model), uid=uid)
    if not report.findings:
        return [sr]
    per = masks_per_finding(report, grid, masks)
    out = [sr]
    seg = build_seg(report, grid, tracking_uids, per, uid=uid)
    if seg is not None:
        out.append(seg)
    out.append(build_gsps(report, grid, tracking_uids, uid=uid))
    return out
