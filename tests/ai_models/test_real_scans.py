"""The shipped model on real anatomy (skipped when ../shared/data/real is absent).

- Every annotated real lesion of the shared data (LUNA16's reference nodules inside the scan) comes out as
  exactly one finding, ranked first in its scan, at or above the model's operating point.
- The whole-body PET/CT gives no finding outside the lungs (judged by the HU around each finding, not by
  the detector's own lung mask); the 8 mm series answers with the thickness state and no findings.
- Nodules inserted into a held-out real background (never trained on) are found within their radius,
  each as one finding; the 14 mm one at the operating point.
- On held-out insertion rounds a higher calibrated score means a higher observed hit rate.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest

from ai_models.backends import make_backend
from ai_models.detect import detect_series, detect_volume
from ai_models.evaluate_real import outside_lungs
from ai_models.realdata import luna16
from ai_models.registry import resolve_model
from ai_models.series import load_volume

pytestmark = [pytest.mark.real_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def card():
    return resolve_model(None)


@pytest.fixture(scope="module")
def backend(card):
    return make_backend(card, "cpu", "onnx")


@pytest.mark.parametrize("folder", ["ct_lidc_0001_whole", "ct_lidc_0314", "lidc/LIDC-IDRI-0001",
                                    "lidc/LIDC-IDRI-0003"])
def test_every_annotated_lesion_is_one_finding_ranked_first(real_data, card, backend, folder):
    vol = load_volume(real_data / folder)
    refs = [les for les in luna16(real_data / "luna16_annotations" / "annotations.csv", vol.series_uid)
            if np.all(np.abs(vol.voxel_of(np.asarray(les.centre_lps)) - (np.asarray(vol.hu.shape) - 1) / 2)
                      <= (np.asarray(vol.hu.shape) - 1) / 2)]
    assert refs, f"{folder}: the LUNA16 reference lesion should lie inside the scan"
    report = detect_volume(vol, card, backend)
    findings = report.findings
    assert findings, f"{folder}: nothing found"
    for les in refs:
        on = [i for i, f in enumerate(findings) if math.dist(f.center_lps_mm, les.centre_lps) < les.diameter_mm / 2]
        assert len(on) == 1, (f"{folder}: the {les.diameter_mm:.1f} mm lesion came out as {len(on)} findings: "
                              f"{[findings[i].to_json_dict() for i in on]}")
        assert on[0] == 0, (f"{folder}: the {les.diameter_mm:.1f} mm lesion is ranked {on[0] + 1}, behind "
                            f"{[f.to_json_dict() for f in findings[:on[0]]]}")
        assert findings[0].score >= card.operating_score


def test_whole_body_petct_gives_no_finding_outside_the_lungs(real_data, card, backend):
    vol = load_volume(real_data / "ct_petct_tcga_thca")
    report = detect_volume(vol, card, backend)
    outside = [f.to_json_dict() for f in report.findings if outside_lungs(vol, f.center_lps_mm, f.diameter_mm)]
    assert not outside, f"findings outside the lungs: {outside}"
    # The lung bases of this scan lie at about z = -1090 mm; the abdomen and pelvis below hold no finding.
    assert all(f.center_lps_mm[2] > -1110 for f in report.findings), [f.to_json_dict() for f in report.findings]


def test_8mm_series_answers_with_the_thickness_state(real_data, tmp_path):
    out = tmp_path / "a0002.json"
    proc = subprocess.run([sys.executable, "-m", "viewer", "detect", str(real_data / "ct_lung_pet_ct_dx_A0002" /
                                                                         "series_B40f"), "--json", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["status"] == "not_supported" and data["reason"] == "too_thick"
    assert data["message"].startswith("8 mm slices: too thick for nodule detection")
    assert data["findings"] == []


def test_inserted_nodule_in_a_heldout_background_is_found(real_data, card, backend):
    from ai_models.insertion import choose_places, insert_synthetic, noise_sigma, random_spec
    from ai_models.preprocess import grid_of, prepare
    from ai_models.realdata import SCANS

    assert next(s for s in SCANS if s.folder == "ct_lidc_0001_whole").role == "heldout"
    vol = load_volume(real_data / "ct_lidc_0001_whole")
    native = grid_of(vol)
    prep = prepare(vol.hu, native, card.input_spacing_mm, card.hu_window)
    rng = np.random.default_rng(20261203)
    specs = [random_spec(rng, kind="solid", diameter_mm=8.0, place="parenchyma"),
             random_spec(rng, kind="part_solid", diameter_mm=14.0, place="parenchyma"),
             random_spec(rng, kind="solid", diameter_mm=7.0, place="pleural")]
    known = [((56.2, 86.3, -115.9), 35.0)]  # the scan's own large nodule
    specs = choose_places(prep.lungs, prep.hu, prep.grid, specs, known, rng)
    assert len(specs) == 3
    sigma = noise_sigma(vol.hu)
    for s in specs:
        insert_synthetic(vol.hu, native, s, vol.effective_thickness_mm, sigma, rng)
    report = detect_volume(vol, card, backend)
    for s in specs:  # each one finding (not two fragments), wherever its score puts it
        hits = [f for f in report.findings if math.dist(f.center_lps_mm, s.centre_lps) < s.diameter_mm / 2]
        assert len(hits) == 1, f"inserted {s.kind} {s.diameter_mm} mm ({s.place}) at {s.centre_lps}: {len(hits)} hits"
    # The 14 mm part-solid nodule is shown by default (a 7-8 mm one may fall below the operating point:
    # the model finds about two thirds of all inserted nodules there, see the card's metrics).
    big = next(s for s in specs if s.diameter_mm == 14.0)
    assert any(math.dist(f.center_lps_mm, big.centre_lps) < 7.0 and f.score >= card.operating_score
               for f in report.findings)


def test_higher_calibrated_score_means_higher_hit_rate(real_data, card, backend):
    from ai_models.calibrate import run_heldout

    results = run_heldout(card, backend, real_data, rounds=[2000, 2001], with_clean=False, log=lambda m: None)
    probs = np.array([1 / (1 + math.exp(-lg)) for r in results for lg in r.logits])  # the findings' own scores
    hits = np.array([h for r in results for h in r.hits])
    assert hits.sum() >= 5 and (1 - hits).sum() >= 5
    bins = [(0.0, 0.2), (0.2, 0.6), (0.6, 1.01)]
    rates = [hits[(probs >= a) & (probs < b)].mean() for a, b in bins if ((probs >= a) & (probs < b)).sum() >= 3]
    assert len(rates) >= 2 and all(x <= y for x, y in zip(rates, rates[1:])), rates
