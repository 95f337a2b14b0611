"""One lesion around a point, on the scanner's own voxels: its outline, size and kind.

The outline comes from the HU, not from the network: voxels denser than aerated lung (ground glass
included) connected to the point, with attached vessels and chest wall cut away:
1. the lesion's inscribed radius r0 from thin shells around the point (the lesion ends where a shell is
   less than half dense: a vessel or the pleura fills only a small part of each shell);
2. a morphological opening by a ball of about half that radius (exact, anisotropic, through distance
   transforms) removes vessels thinner than the lesion; the piece holding the point, dilated back by the
   same radius inside the dense voxels, is the lesion; it is kept inside the lungs (`lungs`, which
   includes nodules on the pleura), so the chest wall and mediastinum stay out;
3. the outline is measured again from its own centroid until it settles (a mass seen first from its edge).

Sizes follow the way radiologists measure (Lung-RADS v2022): on the axial slice where the lesion is
longest, the long axis and the longest perpendicular short axis; the mean diameter is their mean.
The kind comes from the lesion's interior (voxels at least a voxel from its edge, so that partial volume
at the rim does not turn a solid nodule into ground glass): calcified, solid, part-solid (with the mean
diameter of its solid component) or ground glass; a solid or part-solid lesion of 30 mm or more is a mass.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi

from ai_models.findings import MASS_MM

# Edges: half way from aerated lung (about -860 HU) to ground glass (-620) and to soft tissue (+40),
# the half-maximum edge a radiologist's caliper finds.
GGO_EDGE_HU, SOLID_EDGE_HU = -740.0, -410.0
SOLID_HU = -300.0          # interior voxels above this are the solid part
CALCIFIED_HU = 200.0       # interior median above this: calcified (benign pattern)
SOLID_FRACTION = 0.6       # interior at least this solid: a solid nodule
GGO_FRACTION = 0.08        # interior at most this solid: pure ground glass
MAX_HALF_MM = 45.0         # the largest lesion measured is about 90 mm across


@dataclass
class Lesion:
    centre_lps: np.ndarray
    box: tuple[slice, slice, slice]   # on the scanner grid
    mask: np.ndarray                  # bool, shape of the box
    long_axis_mm: float
    short_axis_mm: float
    volume_mm3: float
    kind: str
    solid_mean_mm: float = 0.0        # part-solid: mean diameter of the solid component

    @property
    def mean_diameter_mm(self) -> float:
        return 0.5 * (self.long_axis_mm + self.short_axis_mm)


def _box_around(native, centre_lps, half_mm: float):
    sp = np.asarray(native.spacing_zyx_mm, float)
    cv = native.voxel_of(centre_lps)
    lo = np.maximum(np.floor(cv - half_mm / sp).astype(int), 0)
    hi = np.minimum(np.ceil(cv + half_mm / sp).astype(int) + 1, native.shape_zyx)
    if np.any(hi - lo < 1):
        return None
    return tuple(slice(int(a), int(b)) for a, b in zip(lo, hi))


def _distances(native, box, centre_lps) -> np.ndarray:
    """Distance (mm) of each voxel of the box from centre_lps; the grid's axes are orthonormal, so the
    distance splits into one offset per axis."""
    c = native.voxel_of(np.asarray(centre_lps, float))
    sp = np.asarray(native.spacing_zyx_mm, float)
    dz, dy, dx = [((np.arange(b.start, b.stop) - c[a]) * sp[a]) ** 2 for a, b in enumerate(box)]
    return np.sqrt(dz[:, None, None] + dy[None, :, None] + dx[None, None, :])


def inscribed_radius(dense: np.ndarray, dist: np.ndarray, half_mm: float, step: float = 0.5) -> float | None:
    """Radius of the first shell around the point that is less than half dense; None if none is."""
    for r in np.arange(step, half_mm, step):
        shell = (dist > r - step) & (dist <= r)
        if shell.sum() < 4:
            continue  # thick slices: too few voxel centres this close to the centre
        if dense[shell].mean() < 0.5:
            return float(r)
    return None


def _open(mask: np.ndarray, radius_mm: float, sampling) -> np.ndarray:
    """Morphological opening by a ball of radius_mm on an anisotropic grid (exact, via distance maps)."""
    if radius_mm <= 0:
        return mask
    inner = ndi.distance_transform_edt(mask, sampling=sampling) > radius_mm
    if not inner.any():
        return inner
    return ndi.distance_transform_edt(~inner, sampling=sampling) <= radius_mm


def axial_axes(mask: np.ndarray, spacing_zyx) -> tuple[float, float]:
    """(long, short) axis in mm on the axial slice where the lesion is longest: the longest chord between
    voxels, and the widest extent perpendicular to it; each plus one pixel (voxel centres sit half a pixel
    inside the edge on each side)."""
    sy, sx = float(spacing_zyx[1]), float(spacing_zyx[2])
    best = (0.0, 0.0)
    for k in np.flatnonzero(mask.any(axis=(1, 2))):
        pts = np.argwhere(mask[k]).astype(float) * [sy, sx]
        if len(pts) == 1:
            cand = (max(sy, sx), min(sy, sx))
        else:
            edge = pts
            if len(pts) > 400:  # the extremes lie on the outline
                sl = mask[k]
                outline = sl & ~ndi.binary_erosion(sl)
                edge = np.argwhere(outline).astype(float) * [sy, sx]
            d2 = ((edge[:, None, :] - edge[None, :, :]) ** 2).sum(-1)
            i, j = np.unravel_index(int(np.argmax(d2)), d2.shape)
            axis = edge[j] - edge[i]
            length = float(np.sqrt(d2[i, j]))
            u = axis / max(length, 1e-9)
            perp = np.array([-u[1], u[0]])
            proj = pts @ perp
            pix_long = abs(u[0]) * sy + abs(u[1]) * sx
            pix_short = abs(perp[0]) * sy + abs(perp[1]) * sx
            cand = (length + pix_long, float(proj.max() - proj.min()) + pix_short)
        if cand[0] > best[0]:
            best = cand
    return best


def classify(hu_vals_interior: np.ndarray) -> str:
    if hu_vals_interior.size == 0:
        return "unknown"
    if float(np.median(hu_vals_interior)) > CALCIFIED_HU:
        return "calcified"
    solid = float(np.mean(hu_vals_interior > SOLID_HU))
    if solid >= SOLID_FRACTION or float(np.median(hu_vals_interior)) > -350.0:
        return "solid"
    return "ground_glass" if solid <= GGO_FRACTION else "part_solid"


def _outline(hu_box, dist, dense, lungs_box, sampling, half):
    """The lesion's voxels in the box (see the module docstring), or None."""
    if lungs_box is not None:
        dense = dense & lungs_box  # the chest wall and mediastinum go first; thin remnants fall to the opening
    near = dense & (dist <= max(3.0, 1.5 * float(min(sampling))))
    if not near.any():
        return None
    r0 = inscribed_radius(dense, dist, half)
    if r0 is None or r0 <= 1.0:
        return None
    ro = float(np.clip(0.5 * r0, 0.5 * float(max(sampling[1:])), 6.0))
    body = _open(dense, ro, sampling) & (dist <= max(3.0 * r0, r0 + 8.0))
    lab, n = ndi.label(body)
    if n == 0:
        return None
    seeds = np.unique(lab[near & (lab > 0)])
    if not len(seeds):
        return None
    piece = np.isin(lab, seeds) if len(seeds) > 1 else lab == seeds[0]
    mask = dense & (ndi.distance_transform_edt(~piece, sampling=sampling) <= float(max(sampling[1:])))
    lab, n = ndi.label(mask)
    if n > 1:  # the part holding the point
        near_lab = lab[near & (lab > 0)]
        if not len(near_lab):
            return None
        mask = lab == np.bincount(near_lab).argmax()
    return mask if mask.any() else None


def segment(native_hu: np.ndarray, native, centre_lps, guess_mm: float, lungs=None) -> Lesion | None:
    """The lesion around `centre_lps` (LPS mm) on the scanner grid, or None where there is no dense
    lesion there (a blob of noise, a faint smudge). `lungs(box) -> bool array` (optional) gives the lung
    region on the scanner grid for a box."""
    sp = np.asarray(native.spacing_zyx_mm, float)
    centre = np.asarray(centre_lps, float)
    half = float(np.clip(guess_mm + 8.0, 12.0, MAX_HALF_MM))
    lesion = None
    for _ in range(3):
        box = _box_around(native, centre, half)
        if box is None:
            return lesion
        hu_box = native_hu[box]
        dist = _distances(native, box, centre)
        dense = hu_box > GGO_EDGE_HU
        lungs_box = lungs(box) if lungs is not None else None
        mask = _outline(hu_box, dist, dense, lungs_box, sp, half)
        if mask is None:
            return lesion
        lo = np.array([s.start for s in box])
        pts = native.lps_of(np.argwhere(mask) + lo)
        new_centre = pts.mean(axis=0)
        lesion = _measure(native_hu, native, box, mask, new_centre, lungs_box, sp)
        reach = float(np.max(np.linalg.norm(pts - new_centre, axis=1)))
        if np.linalg.norm(new_centre - centre) < 1.5 and reach < half - 2.0:
            break
        centre, half = new_centre, float(np.clip(reach + 10.0, 15.0, MAX_HALF_MM))
    return lesion


def _measure(native_hu, native, box, mask, centre, lungs_box, sp) -> Lesion:
    hu_box = native_hu[box]
    interior = ndi.distance_transform_edt(mask, sampling=sp) > float(max(sp[1:]))
    vals = hu_box[interior] if interior.sum() >= 3 else hu_box[mask]
    kind = classify(vals)
    solid_mean = 0.0
    measured = mask
    if kind in ("solid", "calcified"):
        # Solid edge: the half-maximum between lung and soft tissue, inside the lesion found above.
        solid = mask & (hu_box > SOLID_EDGE_HU)
        if solid.any():
            lab, n = ndi.label(solid)
            measured = lab == np.bincount(lab[solid]).argmax() if n > 1 else solid
    elif kind == "part_solid":
        solid = mask & (hu_box > SOLID_HU)
        if solid.any():
            lab, n = ndi.label(solid)
            core = lab == np.bincount(lab[solid]).argmax() if n > 1 else solid
            solid_mean = 0.5 * sum(axial_axes(core, sp))
    long_ax, short_ax = axial_axes(measured, sp)
    if kind in ("solid", "part_solid") and long_ax >= MASS_MM:
        kind = "mass"
    volume = float(measured.sum() * np.prod(sp))
    return Lesion(np.asarray(centre, float), box, measured, long_ax, short_ax, volume, kind, solid_mean)


def ball(native, centre_lps, diameter_mm: float):
    """(box, mask) of the scanner voxels within diameter/2 of centre (at least the nearest voxel)."""
    half = max(diameter_mm / 2, 0.01)
    sp = np.asarray(native.spacing_zyx_mm, float)
    cv = native.voxel_of(centre_lps)
    lo = np.clip(np.floor(cv - half / sp).astype(int), 0, np.asarray(native.shape_zyx) - 1)
    hi = np.clip(np.ceil(cv + half / sp).astype(int) + 1, lo + 1, native.shape_zyx)
    box = tuple(slice(int(a), int(b)) for a, b in zip(lo, hi))
    d = _distances(native, box, np.asarray(centre_lps, float))
    mask = d <= half
    if not mask.any():
        mask[np.unravel_index(np.argmin(d), d.shape)] = True
    return box, mask


def sphere_volume(d_mm: float) -> float:
    return math.pi / 6 * d_mm ** 3
