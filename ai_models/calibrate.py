"""Scores that mean something: calibration on held-out real backgrounds, and the operating point.

The held-out real scans (`realdata.SCANS`, role "heldout") are never trained on. Insertion rounds on them
(seeded apart from training) are run through the whole detector; every finding it reports is a hit (its
centre within an inserted or reference nodule's radius, LUNA16's rule), a false finding, or neither (it lies
on something a reader marked that is not in the reference). Platt scaling - a logistic fit of hit on the
network's logit - turns logits into probabilities; it is fitted on one half of the rounds and judged on the
other half (reliability curve, expected calibration error). The operating point is the lowest calibrated
score at which the held-out real scans show at most `target_fp` false findings per scan on average.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CALIBRATION_SEED_BASE = 800_000_000  # insertion rounds on held-out scans; training rounds stay below


@dataclass
class ScanResult:
    name: str
    thickness_mm: float
    logits: list[float] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)        # 1 hit, 0 false finding (ignored ones left out)
    truth_best: list[float | None] = field(default_factory=list)  # best logit per nodule (None: missed)
    truth_diam: list[float] = field(default_factory=list)
    truth_kind: list[str] = field(default_factory=list)
    fragments: list[int] = field(default_factory=list)   # findings per hit nodule
    outside_lungs: int = 0


def _logit(p: float) -> float:
    p = min(max(float(p), 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def score_scan(findings, nodules, ignore, name: str, thickness: float, kinds=None) -> ScanResult:
    """nodules / ignore: [(centre_lps, diameter_mm)]; findings: `Finding`s whose score is the plain
    sigmoid of the logit (an uncalibrated card) or already calibrated (then logits are of those)."""
    res = ScanResult(name, thickness)
    per_truth: list[list[float]] = [[] for _ in nodules]
    for f in findings:
        c = np.asarray(f.center_lps_mm, float)
        lg = _logit(f.score)
        hit = [i for i, (tc, d) in enumerate(nodules) if np.linalg.norm(c - np.asarray(tc, float)) < d / 2]
        if hit:
            for i in hit:
                per_truth[i].append(lg)
            res.logits.append(lg)
            res.hits.append(1)
        elif any(np.linalg.norm(c - np.asarray(tc, float)) < max(d / 2, 3.0) for tc, d in ignore):
            continue
        else:
            res.logits.append(lg)
            res.hits.append(0)
    for i, (tc, d) in enumerate(nodules):
        res.truth_best.append(max(per_truth[i]) if per_truth[i] else None)
        res.truth_diam.append(float(d))
        res.truth_kind.append(kinds[i] if kinds else "")
        if per_truth[i]:
            res.fragments.append(len(per_truth[i]))
    return res


def fit_platt(logits: np.ndarray, hits: np.ndarray, l2: float = 1e-2) -> tuple[float, float]:
    """(a, b) maximising the likelihood of hits under sigmoid(a * logit + b) (a logistic regression on
    one feature, L-BFGS), with Platt's target smoothing so that a separable set does not push a to
    infinity, and logits clipped to +-15 (scores of 1e-7 and 1 - 1e-7 say no more than that)."""
    from scipy.optimize import minimize

    x = np.clip(np.asarray(logits, float), -15, 15)
    y = np.asarray(hits, float)
    n_pos, n_neg = y.sum(), len(y) - y.sum()
    t = np.where(y > 0, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))

    def nll(w):
        z = w[0] * x + w[1]
        # log(1 + e^z) - t z, written to stay finite for large |z|
        return float(np.sum(np.logaddexp(0, z) - t * z) + l2 * w[0] ** 2), \
            np.array([np.sum((1 / (1 + np.exp(-z)) - t) * x) + 2 * l2 * w[0], np.sum(1 / (1 + np.exp(-z)) - t)])

    res = minimize(nll, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    return float(res.x[0]), float(res.x[1])


def reliability(probs: np.ndarray, hits: np.ndarray, bins: int = 10) -> tuple[list[dict], float]:
    """Reliability curve (equal-width bins) and the expected calibration error."""
    probs, hits = np.asarray(probs, float), np.asarray(hits, float)
    edges = np.linspace(0, 1, bins + 1)
    curve, ece = [], 0.0
    for k in range(bins):
        sel = (probs >= edges[k]) & ((probs < edges[k + 1]) if k < bins - 1 else (probs <= 1))
        if not sel.any():
            continue
        conf, acc = float(probs[sel].mean()), float(hits[sel].mean())
        curve.append({"bin": [round(edges[k], 2), round(edges[k + 1], 2)], "n": int(sel.sum()),
                      "mean_score": round(conf, 3), "hit_rate": round(acc, 3)})
        ece += sel.sum() / len(probs) * abs(acc - conf)
    return curve, float(ece)


def operating_score(results: list[ScanResult], a: float, b: float, target_fp: float) -> float:
    """The lowest calibrated score with at most target_fp false findings per scan (mean over results)."""
    fps = np.array([1 / (1 + math.exp(-(a * lg + b))) for r in results for lg, h in zip(r.logits, r.hits) if not h])
    n = max(len(results), 1)
    if len(fps) <= target_fp * n:
        return 0.05  # hardly any false findings at all: still hide the faintest candidates
    k = int(math.floor(target_fp * n))  # keep the k highest-scored false findings
    ordered = np.sort(fps)[::-1]
    return float(min(0.99, ordered[k] + 1e-4))


def heldout_scans(card, root: Path, rounds: list[int], with_clean: bool = True):
    """(name, volume, nodules, ignore, kinds) of the held-out whole-chest backgrounds: the real scan itself
    (with_clean) and insertion rounds seeded CALIBRATION_SEED_BASE + r, each at its own and thicker slices."""
    from ai_models.realdata import SCANS
    from ai_models.train_pool import background, insert_round, versions_of

    for scan in SCANS:
        if scan.role != "heldout" or "slab" in scan.key:
            continue
        bg = background(scan.key, root, card)
        if with_clean:
            for v in versions_of(bg, bg.vol.hu):
                yield (f"{scan.key} {v.effective_thickness_mm:g} mm (no insertion)", v, bg.nodules, bg.ignore,
                       ["real"] * len(bg.nodules))
        for r in rounds:
            hu, nodules, kinds = insert_round(bg, np.random.default_rng(CALIBRATION_SEED_BASE + r), root)
            for v in versions_of(bg, hu):
                yield (f"{scan.key} {v.effective_thickness_mm:g} mm round {r}", v, nodules, bg.ignore, kinds)


def run_heldout(card, backend, root: Path, rounds: list[int], with_clean: bool = True, log=print) -> list[ScanResult]:
    from ai_models.detect import detect_volume

    out = []
    for name, vol, nodules, ignore, kinds in heldout_scans(card, root, rounds, with_clean):
        rep = detect_volume(vol, card, backend)
        out.append(score_scan(rep.findings, nodules, ignore, name, vol.effective_thickness_mm, kinds))
        r = out[-1]
        log(f"{name}: {sum(b is not None for b in r.truth_best)}/{len(r.truth_best)} nodules found, "
            f"{len(r.hits) - sum(r.hits)} other findings")
    return out


def calibrate(card, backend, root: Path, rounds: int = 6, target_fp: float = 0.5, log=print) -> dict:
    """Fit the card's calibration and operating point on held-out real backgrounds (the card must hold no
    calibration yet: its scores are the plain sigmoid). Returns what goes into the card's metrics."""
    assert not card.calibration, "calibrate an uncalibrated card"
    results = run_heldout(card, backend, root, list(range(rounds)), with_clean=True, log=log)
    fit = [r for r in results if "round" in r.name and int(r.name.rsplit(" ", 1)[1]) % 2 == 0]
    judge = [r for r in results if r not in fit]
    x = np.concatenate([r.logits for r in fit]) if fit else np.zeros(0)
    y = np.concatenate([r.hits for r in fit]) if fit else np.zeros(0)
    a, b = fit_platt(x, y)
    xj = np.concatenate([r.logits for r in judge])
    yj = np.concatenate([r.hits for r in judge])
    pj = 1 / (1 + np.exp(-(a * xj + b)))
    curve, ece = reliability(pj, yj)
    op = operating_score(results, a, b, target_fp)
    card.calibration = {"method": "platt", "a": round(a, 5), "b": round(b, 5)}
    card.operating_score = round(op, 4)
    return {"method": "Platt scaling of the network's logit (fitted on even insertion rounds)",
            "fitted_on": f"{len(fit)} held-out scans, {len(x)} findings ({int(y.sum())} hits)",
            "judged_on": f"{len(judge)} held-out scans, {len(xj)} findings ({int(yj.sum())} hits)",
            "expected_calibration_error": round(ece, 4), "reliability": curve,
            "operating_point": {"score": round(op, 4), "target_false_findings_per_scan": target_fp,
                                "chosen_on": f"all {len(results)} held-out scans"}}
