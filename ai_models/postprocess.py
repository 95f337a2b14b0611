"""From the network's probability map to `Finding`s.

Candidates are connected components of the probability map (on the 2 mm grid, inside the lung search
region). Each one is then measured on the scanner's own grid: the probability is interpolated onto the
original voxels around it, and the voxels above the card's threshold are the nodule. From those come the
long-axis diameter (extent along the first principal axis), the volume, and the kind (from the HU inside).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi

from ai_models.findings import Finding
from ai_models.preprocess import Grid

# HU rules for the kind, on the voxels of the nodule on the scanner grid (see classify_kind).
SOLID_MEDIAN_HU = -350.0
PART_SOLID_CORE_HU = -200.0
PART_SOLID_CORE_FRACTION = 0.06
# Nodules are at most 30 mm; a component much larger than that is not reported as one.
MAX_EXTENT_MM = 60.0
# Edge thresholds when measuring: half way from aerated lung (about -860) to ground glass (-620) and to
# soft tissue (+40), i.e. the half-maximum edge a radiologist's caliper finds.
GGO_EDGE_HU, SOLID_EDGE_HU = -740.0, -410.0


@dataclass
class Candidate:
    finding: Finding
    native_mask: tuple[tuple[slice, slice, slice], np.ndarray] | None  # (box on the scanner grid, bool mask)
    source: int = -1  # findings_from_scores: index of the scored candidate it was measured from


def classify_kind(hu_values: np.ndarray) -> str:
    """solid: most of the nodule is soft-tissue dense; part-solid: mostly ground glass with a dense core;
    ground glass: no dense core. Partial volume lowers small solid nodules' HU, hence the lenient median."""
    if hu_values.size == 0:
        return "unknown"
    med = float(np.median(hu_values))
    if med > SOLID_MEDIAN_HU:
        return "solid"
    core = float(np.mean(hu_values > PART_SOLID_CORE_HU))
    return "part_solid" if core >= PART_SOLID_CORE_FRACTION else "ground_glass"


def long_axis_mm(points_mm: np.ndarray, voxel_mm: np.ndarray) -> float:
    """Extent along the first principal axis of a point cloud of voxel centres, plus one voxel's size
    along that axis (the centres of the outer voxels are half a voxel inside the edge on each side)."""
    if len(points_mm) == 1:
        return float(np.mean(voxel_mm))
    c = points_mm - points_mm.mean(axis=0)
    _, _, vt = np.linalg.svd(c, full_matrices=False)
    axis = vt[0]
    proj = c @ axis
    step = float(np.sqrt(np.sum((axis * voxel_mm) ** 2)))
    return float(proj.max() - proj.min()) + step


def refine_with_hu(hu: np.ndarray, native: Grid, centre_lps: np.ndarray, d_prob: float, thr: float = -750.0):
    """The nodule as the dense voxels around its centre, on the scanner grid: (box, mask) or None.

    The network's probability blob is narrower than a small nodule, so sizes come from the HU: voxels
    above a density threshold low enough for ground glass are counted in thin shells around the centre;
    the nodule ends where a shell is less than half dense (an attached vessel or pleura fills only a
    small part of each shell, so it does not move that edge). The mask is the dense voxels inside that
    radius plus half a voxel. None when the centre is not dense or no edge is found.
    """
    half = max(d_prob, 8.0) * 0.75 + 3.0
    sp = np.asarray(native.spacing_zyx_mm, float)
    cv = native.voxel_of(centre_lps)
    lo = np.maximum(np.floor(cv - half / sp).astype(int), 0)
    hi = np.minimum(np.ceil(cv + half / sp).astype(int) + 1, native.shape_zyx)
    if np.any(hi - lo < 1):
        return None
    box = tuple(slice(int(a), int(b)) for a, b in zip(lo, hi))
    dense = hu[box] > thr
    idx = np.indices(dense.shape).reshape(3, -1).T + lo
    dist = np.linalg.norm(native.lps_of(idx) - centre_lps, axis=1).reshape(dense.shape)
    step = 0.5
    edge = None
    for r in np.arange(step, half, step):
        shell = (dist > r - step) & (dist <= r)
        if shell.sum() < 4:
            continue  # thick slices: too few voxel centres this close to the centre
        if dense[shell].mean() < 0.5:
            edge = r
            break
    if edge is None or edge <= 1.0:
        return None
    mask = dense & (dist <= edge + 0.5 * float(sp.min()))
    lab, n = ndi.label(mask)
    if n == 0:
        return None
    keep = lab == lab[mask][np.argmin(dist[mask])]
    return box, keep


def _native_box(native: Grid, lps_corners: np.ndarray, margin_mm: float):
    vox = native.voxel_of(lps_corners)
    m = margin_mm / np.asarray(native.spacing_zyx_mm)
    lo = np.floor(vox.min(axis=0) - m).astype(int)
    hi = np.ceil(vox.max(axis=0) + m).astype(int) + 1
    lo = np.maximum(lo, 0)
    hi = np.minimum(hi, native.shape_zyx)
    if np.any(hi <= lo):
        return None
    return tuple(slice(int(a), int(b)) for a, b in zip(lo, hi))


def extract_findings(prob: np.ndarray, grid: Grid, native_hu: np.ndarray, native: Grid, threshold: float,
                     candidate_threshold: float, max_findings: int) -> list[Candidate]:
    """Candidates, best score first (at most max_findings)."""
    lab, n = ndi.label(prob >= candidate_threshold)
    if n == 0:
        return []
    idx = np.arange(1, n + 1)
    peaks = ndi.maximum(prob, lab, idx)
    order = np.argsort(-peaks)[: max_findings * 2]
    objs = ndi.find_objects(lab)
    spacing = np.asarray(grid.spacing_zyx_mm)
    voxel_mm = np.asarray(native.spacing_zyx_mm)[::-1]  # x, y, z
    out: list[Candidate] = []
    for i in order:
        label = int(i) + 1
        box = objs[i]
        if max((s.stop - s.start) * sp for s, sp in zip(box, spacing)) > MAX_EXTENT_MM:
            continue  # far larger than any nodule (a mass or a lung-wide false response): not a finding
        box = tuple(slice(max(0, s.start - 1), min(prob.shape[a], s.stop + 1)) for a, s in enumerate(box))
        p = np.where(lab[box] == label, prob[box], 0.0)
        peak = float(peaks[i])
        core_thr = min(threshold, 0.5 * peak)
        core = p >= core_thr
        zyx = np.argwhere(core) + np.array([s.start for s in box])
        w = p[core]
        centre_vox = (zyx * w[:, None]).sum(axis=0) / w.sum()
        centre = grid.lps_of(centre_vox)
        # Measure on the scanner grid: interpolate this component's probability onto its voxels.
        corners = grid.lps_of(np.array([[s.start for s in box], [s.stop - 1 for s in box]], float))
        nbox = _native_box(native, corners, margin_mm=float(spacing.max()))
        mask = None
        if nbox is not None:
            zz, yy, xx = np.meshgrid(*[np.arange(s.start, s.stop) for s in nbox], indexing="ij")
            pts = np.stack([zz, yy, xx], axis=-1).reshape(-1, 3)
            gvox = grid.voxel_of(native.lps_of(pts)) - np.array([s.start for s in box])
            pv = ndi.map_coordinates(p, gvox.T, order=1, mode="constant", cval=0.0).reshape(zz.shape)
            mask = pv >= core_thr
        if mask is not None and mask.sum() >= 1:
            pts_mm = native.lps_of(np.argwhere(mask) + np.array([s.start for s in nbox]))
            diameter = long_axis_mm(pts_mm, voxel_mm)
            refined = refine_with_hu(native_hu, native, centre, diameter, GGO_EDGE_HU)
            if refined is not None:
                nbox, mask = refined
            kind = classify_kind(native_hu[nbox][mask])
            if refined is not None and kind == "solid":  # solid: measure at the solid half-maximum edge
                refined = refine_with_hu(native_hu, native, centre, diameter, SOLID_EDGE_HU) or refined
                nbox, mask = refined
            pts_mm = native.lps_of(np.argwhere(mask) + np.array([s.start for s in nbox]))
            diameter = long_axis_mm(pts_mm, voxel_mm)
            volume = float(mask.sum() * np.prod(native.spacing_zyx_mm))
        else:  # a speck smaller than a scanner voxel: size from the coarse component
            volume = float(core.sum() * np.prod(spacing))
            diameter = 2 * (3 * volume / (4 * math.pi)) ** (1 / 3)
            kind = "unknown"
            nbox, mask = None, None
        f = Finding(center_lps_mm=tuple(centre), diameter_mm=round(diameter, 2), volume_mm3=round(volume, 1),
                    score=round(peak, 4), kind=kind)
        out.append(Candidate(f, (nbox, mask) if mask is not None else None))
    out.sort(key=lambda c: -c.finding.score)
    return out[:max_findings]


def _ball(native: Grid, centre_lps: np.ndarray, diameter_mm: float):
    """(box, mask) of the scanner voxels within diameter/2 of centre (at least the nearest voxel)."""
    sp = np.asarray(native.spacing_zyx_mm, float)
    half = diameter_mm / 2
    cv = native.voxel_of(centre_lps)
    lo = np.clip(np.floor(cv - half / sp).astype(int), 0, np.asarray(native.shape_zyx) - 1)
    hi = np.clip(np.ceil(cv + half / sp).astype(int) + 1, lo + 1, native.shape_zyx)
    box = tuple(slice(int(a), int(b)) for a, b in zip(lo, hi))
    idx = np.indices(tuple(b - a for a, b in zip(lo, hi))).reshape(3, -1).T + lo
    d = np.linalg.norm(native.lps_of(idx) - centre_lps, axis=1).reshape(tuple(hi - lo))
    mask = d <= half
    if not mask.any():
        mask[np.unravel_index(np.argmin(d), d.shape)] = True
    return box, mask


def measure(native_hu: np.ndarray, native: Grid, centre: np.ndarray, diameter_guess_mm: float):
    """(centre, diameter, volume, kind, (box, mask)) of the nodule around `centre` on the scanner grid.

    The nodule is found from the HU (see refine_with_hu) at the ground-glass edge, and again at the
    solid edge when it is solid; its centre is the centroid of those voxels. Where no edge is found
    (a faint or tiny blob), the nodule is taken as a ball of the guessed diameter."""
    voxel_mm = np.asarray(native.spacing_zyx_mm)[::-1]
    refined = refine_with_hu(native_hu, native, centre, diameter_guess_mm, GGO_EDGE_HU)
    if refined is None:
        box, mask = _ball(native, centre, diameter_guess_mm)
        return centre, float(diameter_guess_mm), float(math.pi / 6 * diameter_guess_mm ** 3), \
            classify_kind(native_hu[box][mask]), (box, mask)
    box, mask = refined
    kind = classify_kind(native_hu[box][mask])
    if kind == "solid":  # measured at the solid half-maximum edge
        box, mask = refine_with_hu(native_hu, native, centre, diameter_guess_mm, SOLID_EDGE_HU) or refined
    pts_mm = native.lps_of(np.argwhere(mask) + np.array([s.start for s in box]))
    return (pts_mm.mean(axis=0), long_axis_mm(pts_mm, voxel_mm), float(mask.sum() * np.prod(native.spacing_zyx_mm)),
            kind, (box, mask))


def findings_from_scores(centres_lps: np.ndarray, scores: np.ndarray, diameters_mm: np.ndarray,
                         native_hu: np.ndarray, native: Grid, max_findings: int,
                         min_separation_mm: float = 4.0) -> list[Candidate]:
    """Scored candidates -> findings, best first: each is measured; one that lies inside an already
    kept finding (or within min_separation_mm of its centre) is the same nodule and is dropped."""
    out: list[Candidate] = []
    kept: list[tuple[np.ndarray, float]] = []
    for i in np.argsort(-scores, kind="stable"):
        c = np.asarray(centres_lps[i], float)
        if any(np.linalg.norm(c - kc) < max(kr, min_separation_mm) for kc, kr in kept):
            continue
        centre, diameter, volume, kind, native_mask = measure(native_hu, native, c, float(diameters_mm[i]))
        if any(np.linalg.norm(centre - kc) < max(kr, min_separation_mm) for kc, kr in kept):
            continue  # its measured centre moved onto a nodule already reported
        kept.append((centre, diameter / 2))
        f = Finding(center_lps_mm=tuple(float(v) for v in centre), diameter_mm=round(diameter, 2),
                    volume_mm3=round(volume, 1), score=round(float(scores[i]), 4), kind=kind)
        out.append(Candidate(f, native_mask, int(i)))
        if len(out) >= max_findings:
            break
    return out
