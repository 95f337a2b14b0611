"""From scored candidates to `Finding`s: one per lesion, measured on the scanner's own grid, inside the lungs.

The shipped pipeline scores blob candidates (`findings_from_scores`); the older segmentation pipeline's
probability map is first turned into candidates, one per connected component (`extract_findings`). Either
way every finding is measured from the HU around it (`ai_models.lesion`), fragments of a lesion already
reported are merged into it, and where it lies is said in words (`LungLookup.where`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi

from ai_models.findings import Finding
from ai_models.preprocess import Grid

# A probability-map component much larger than any lesion is a lung-wide false response, not a finding.
MAX_EXTENT_MM = 90.0


@dataclass
class Candidate:
    finding: Finding
    native_mask: tuple[tuple[slice, slice, slice], np.ndarray] | None  # (box on the scanner grid, bool mask)
    source: int = -1  # findings_from_scores: index of the scored candidate it was measured from


def extract_findings(prob: np.ndarray, grid: Grid, native_hu: np.ndarray, native: Grid, threshold: float,
                     candidate_threshold: float, max_findings: int, lungs=None) -> list[Candidate]:
    """Segmentation pipeline: each component of the probability map above candidate_threshold is a
    candidate at its probability-weighted core (voxels above min(threshold, half its peak)), scored by its
    peak; then as `findings_from_scores`."""
    lab, n = ndi.label(prob >= candidate_threshold)
    if n == 0:
        return []
    idx = np.arange(1, n + 1)
    peaks = ndi.maximum(prob, lab, idx)
    spacing = np.asarray(grid.spacing_zyx_mm)
    centres, scores, diameters = [], [], []
    for i, box in enumerate(ndi.find_objects(lab)):
        if max((s.stop - s.start) * sp for s, sp in zip(box, spacing)) > MAX_EXTENT_MM:
            continue
        p = np.where(lab[box] == i + 1, prob[box], 0.0)
        core = p >= min(threshold, 0.5 * float(peaks[i]))
        zyx = np.argwhere(core) + np.array([s.start for s in box])
        w = p[core]
        centres.append(grid.lps_of((zyx * w[:, None]).sum(axis=0) / w.sum()))
        scores.append(float(peaks[i]))
        diameters.append(2 * (3 * core.sum() * np.prod(spacing) / (4 * np.pi)) ** (1 / 3))
    if not centres:
        return []
    return findings_from_scores(np.array(centres), np.array(scores), np.array(diameters), native_hu, native,
                                max_findings, lungs=lungs)


class LungLookup:
    """The lungs of the model grid (`Prepared.lungs`) seen from the scanner grid and from LPS points, and
    where a point lies in words: side (patient's right / left) and zone (upper / middle / lower third of
    that lung's height)."""

    def __init__(self, lungs: np.ndarray | None, grid: Grid, native: Grid, margin_mm: float = 2.0):
        from ai_models.preprocess import dilate

        self.grid, self.native = grid, native
        self.lungs = lungs
        self.near = None if lungs is None else dilate(lungs, margin_mm, float(grid.spacing_zyx_mm[0]))
        self.sides: dict[str, tuple[float, float]] = {}
        self.midline_x = 0.0
        if lungs is not None and lungs.any():
            pts = grid.lps_of(np.argwhere(lungs[:, ::2, ::2]) * np.array([1, 2, 2]))
            self.midline_x = 0.5 * (float(pts[:, 0].min()) + float(pts[:, 0].max()))
            for side, sel in (("R", pts[:, 0] < self.midline_x), ("L", pts[:, 0] >= self.midline_x)):
                if sel.any():
                    self.sides[side] = (float(pts[sel, 2].min()), float(pts[sel, 2].max()))

    def _lookup(self, mask: np.ndarray, lps: np.ndarray) -> np.ndarray:
        v = np.rint(self.grid.voxel_of(lps)).astype(int)
        inside = np.all((v >= 0) & (v < np.asarray(mask.shape)), axis=-1)
        out = np.zeros(len(v), bool)
        out[inside] = mask[tuple(v[inside].T)]
        return out

    def contains(self, lps) -> bool:
        if self.near is None:
            return True
        return bool(self._lookup(self.near, np.asarray(lps, float)[None])[0])

    def box(self, box) -> np.ndarray | None:
        """The lungs on the scanner voxels of `box` (nearest model-grid voxel; both grids share their axes,
        so each axis maps on its own)."""
        if self.lungs is None:
            return None
        shape = tuple(s.stop - s.start for s in box)
        if not self._same_axes():
            lo = np.array([s.start for s in box])
            idx = np.indices(shape).reshape(3, -1).T + lo
            return self._lookup(self.lungs, self.native.lps_of(idx)).reshape(shape)
        o = self.grid.voxel_of(self.native.origin_lps_mm)
        ratio = np.asarray(self.native.spacing_zyx_mm, float) / np.asarray(self.grid.spacing_zyx_mm, float)
        axes, ok = [], []
        for a, b in enumerate(box):
            m = np.rint(o[a] + np.arange(b.start, b.stop) * ratio[a]).astype(int)
            ok.append((m >= 0) & (m < self.lungs.shape[a]))
            axes.append(np.clip(m, 0, self.lungs.shape[a] - 1))
        out = self.lungs[np.ix_(*axes)]
        return out & ok[0][:, None, None] & ok[1][None, :, None] & ok[2][None, None, :]

    def _same_axes(self) -> bool:
        return all(np.allclose(getattr(self.grid, k), getattr(self.native, k)) for k in ("row_dir", "col_dir", "normal"))

    def where(self, lps) -> tuple[str, str]:
        """LPS: +x is the patient's left, +z is the head."""
        if not self.sides:
            return "", ""
        side = "R" if float(lps[0]) < self.midline_x else "L"
        lo, hi = self.sides.get(side, next(iter(self.sides.values())))
        if hi - lo < 1e-6:
            return side, ""
        t = (float(lps[2]) - lo) / (hi - lo)
        return side, "upper" if t >= 2 / 3 else "middle" if t >= 1 / 3 else "lower"


def measure(native_hu: np.ndarray, native: Grid, centre: np.ndarray, diameter_guess_mm: float,
            lungs: LungLookup | None = None):
    """The lesion around `centre`, or (where no dense lesion is found: a faint or tiny blob) a ball of the
    guessed diameter; see `ai_models.lesion`."""
    from ai_models.lesion import ball, classify, segment, sphere_volume

    les = segment(native_hu, native, centre, diameter_guess_mm, lungs.box if lungs is not None else None)
    if les is not None:
        return les
    from ai_models.lesion import Lesion

    box, mask = ball(native, centre, diameter_guess_mm)
    kind = classify(native_hu[box][mask])
    if kind == "mass":
        kind = "solid"
    return Lesion(np.asarray(centre, float), box, mask, float(diameter_guess_mm), float(diameter_guess_mm),
                  sphere_volume(diameter_guess_mm), kind)


def findings_from_scores(centres_lps: np.ndarray, scores: np.ndarray, diameters_mm: np.ndarray,
                         native_hu: np.ndarray, native: Grid, max_findings: int,
                         min_separation_mm: float = 4.0, lungs: LungLookup | None = None,
                         measured: dict | None = None) -> list[Candidate]:
    """Scored candidates -> findings, best first, one per lesion.

    Each candidate is measured (its lesion outlined on the scanner grid); one whose point lies in a lesion
    already kept (or within min_separation_mm of its centre), or whose lesion overlaps one already kept, is
    a fragment of that lesion and adds nothing. A finding whose lesion lies outside the lungs is dropped.
    `measured` (optional) keeps lesions by candidate point across calls on the same scan."""
    out: list[Candidate] = []
    kept: list[tuple[np.ndarray, float, tuple, np.ndarray]] = []

    def inside_kept(p: np.ndarray) -> bool:
        for kc, kr, kbox, kmask in kept:
            if np.linalg.norm(p - kc) < max(min_separation_mm, 0.5 * kr):
                return True
            v = np.rint(native.voxel_of(p)).astype(int) - np.array([s.start for s in kbox])
            if np.all(v >= 0) and np.all(v < kmask.shape) and kmask[tuple(v)]:
                return True
        return False

    def overlaps_kept(box, mask) -> bool:
        for _, _, kbox, kmask in kept:
            lo = [max(a.start, b.start) for a, b in zip(box, kbox)]
            hi = [min(a.stop, b.stop) for a, b in zip(box, kbox)]
            if any(h <= l for l, h in zip(lo, hi)):
                continue
            a = mask[tuple(slice(l - s.start, h - s.start) for l, h, s in zip(lo, hi, box))]
            b = kmask[tuple(slice(l - s.start, h - s.start) for l, h, s in zip(lo, hi, kbox))]
            if (a & b).sum() >= 0.2 * min(mask.sum(), kmask.sum()):
                return True
        return False

    for i in np.argsort(-scores, kind="stable"):
        c = np.asarray(centres_lps[i], float)
        if inside_kept(c):
            continue
        key = (c.round(3).tobytes(), round(float(diameters_mm[i]), 3))
        les = measured.get(key) if measured is not None else None
        if les is None:
            les = measure(native_hu, native, c, float(diameters_mm[i]), lungs)
            if measured is not None:
                measured[key] = les
        if inside_kept(les.centre_lps) or overlaps_kept(les.box, les.mask):
            continue  # a fragment of a lesion already reported
        if lungs is not None and not lungs.contains(les.centre_lps):
            continue  # nothing is reported outside the lungs
        kept.append((les.centre_lps, les.long_axis_mm, les.box, les.mask))
        side, zone = lungs.where(les.centre_lps) if lungs is not None else ("", "")
        f = Finding(center_lps_mm=tuple(float(v) for v in les.centre_lps), diameter_mm=round(les.long_axis_mm, 2),
                    mean_diameter_mm=round(les.mean_diameter_mm, 2), solid_diameter_mm=round(les.solid_mean_mm, 2),
                    volume_mm3=round(les.volume_mm3, 1), score=float(scores[i]), kind=les.kind,
                    lung_side=side, lung_zone=zone)
        out.append(Candidate(f, (les.box, les.mask), int(i)))
        if len(out) >= max_findings:
            break
    return out
