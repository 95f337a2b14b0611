"""Low-score candidates stay out of the study's results; the masks of the kept findings follow them."""
import numpy as np

from ai_models.findings import Finding, FindingsReport, ModelInfo
from dicom_node.ai_step import keep_reportable


def _report(scores):
    findings = [Finding(center_lps_mm=(float(i), 0.0, 0.0), diameter_mm=8.0, volume_mm3=268.0, score=s,
                        kind="solid") for i, s in enumerate(scores)]
    return FindingsReport(study_uid="1.2.3", series_uid="1.2.3.4",
                          model=ModelInfo(name="m", version="1", trained_on="phantoms"), findings=findings)


def test_findings_below_the_cutoff_are_dropped_and_masks_relabelled():
    masks = np.zeros((3, 4, 4), np.uint8)
    masks[0, 0, 0] = 1  # finding 0, score 0.9
    masks[1, 1, 1] = 2  # finding 1, score 0.2: dropped
    masks[2, 2, 2] = 3  # finding 2, score 0.6
    report, out = keep_reportable(_report([0.9, 0.2, 0.6]), masks, 0.5)
    assert [f.score for f in report.findings] == [0.9, 0.6]
    assert out[0, 0, 0] == 1 and out[1, 1, 1] == 0 and out[2, 2, 2] == 2


def test_cutoff_zero_keeps_every_candidate():
    report, out = keep_reportable(_report([0.9, 0.01]), None, 0.0)
    assert len(report.findings) == 2 and out is None
