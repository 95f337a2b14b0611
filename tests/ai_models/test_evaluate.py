"""FROC/CPM maths with LUNA16's rules on a hand-made case whose answer is worked out by hand."""
from __future__ import annotations

import math

import pytest

from ai_models.evaluate import Cand, Scan, Truth, froc, match_scan, summarize
from ai_models.realdata import luna16


def _scans():
    a = Scan([Truth((0, 0, 0), 10.0, "solid"), Truth((50, 0, 0), 6.0, "solid")],
             [Cand((1, 1, 0), 0.9),       # hits N1
              Cand((0, 2, 0), 0.5),       # second hit on N1: neither TP nor FP
              Cand((100, 0, 0), 0.8),     # FP
              Cand((52, 0, 0), 0.3)])     # hits N2 (2 mm < radius 3 mm)
    b = Scan([Truth((0, 0, 0), 20.0, "ground_glass")],
             [Cand((30, 0, 0), 0.7),      # FP
              Cand((10, 0, 0), 0.95),     # exactly on the radius: LUNA16 counts only < radius -> FP
              Cand((5, 0, 0), 0.2)])      # hits N3
    return [a, b]


def test_match_rules():
    best, fps, pairs = match_scan(_scans()[0])
    assert best == [0.9, 0.3]
    assert sorted(fps) == [0.8]
    assert len(pairs) == 2
    best, fps, _ = match_scan(_scans()[1])
    assert best == [0.2] and sorted(fps) == [0.7, 0.95]


def test_froc_and_cpm_by_hand():
    r = froc(_scans())
    # hits 0.9, 0.3, 0.2 of 3 nodules; FPs 0.95, 0.8, 0.7 over 2 scans
    s = r["sensitivity"]
    assert s["0.125"] == 0 and s["0.25"] == 0
    assert s["0.5"] == pytest.approx(1 / 3) and s["1.0"] == pytest.approx(1 / 3)
    assert s["2.0"] == s["4.0"] == s["8.0"] == pytest.approx(1.0)
    assert r["cpm"] == pytest.approx(11 / 21)
    assert r["n_nodules"] == 3 and r["n_scans"] == 2
    assert r["fp_per_scan_all"] == pytest.approx(1.5)


def test_subgroup_ignores_hits_on_other_nodules():
    r = froc(_scans(), include=lambda t: t.group == "ground_glass")
    # only N3 counts; hits on N1/N2 are not false positives; FPs stay 0.95, 0.8, 0.7
    assert r["n_nodules"] == 1
    assert r["sensitivity"]["1.0"] == 0.0          # N3's hit (0.2) comes only after 3 FPs = 1.5/scan
    assert r["sensitivity"]["2.0"] == 1.0
    summ = summarize(_scans())
    assert summ["kind=solid"]["n_nodules"] == 2 and summ["size=10-20mm"]["n_nodules"] == 1 and summ["size=>=20mm"]["n_nodules"] == 1
    assert summ["measurement"]["n"] == 3
    assert summ["measurement"]["centre_err_over_radius_median"] == pytest.approx(0.5, abs=1e-3)  # 0.28, 0.67, 0.5


def test_missed_nodule_caps_sensitivity(tmp_path):
    scans = [Scan([Truth((0, 0, 0), 8.0), Truth((40, 40, 40), 8.0)], [Cand((0, 0, 1), 0.6)])]
    r = froc(scans)
    assert r["max_sensitivity"] == 0.5 and r["cpm"] == pytest.approx(0.5)
    csv = tmp_path / "annotations.csv"
    csv.write_text("seriesuid,coordX,coordY,coordZ,diameter_mm\n1.2.3,56.2,86.3,-115.9,23.35\n1.2.3,1,2,3,4\n")
    ann = luna16(csv, "1.2.3")
    assert len(ann) == 2 and math.isclose(ann[0].diameter_mm, 23.35) and ann[0].centre_lps == (56.2, 86.3, -115.9)
