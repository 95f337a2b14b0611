"""From a scanner-grid CT volume to what the network sees: a coarse isotropic grid, an HU window, and a
lung mask that bounds the search.

Training and inference use these same functions, so the network never sees data prepared differently
from how it will be fed in the clinic.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi

from ai_models.series import LpsGrid, Volume


@dataclass
class Grid(LpsGrid):
    """A regular grid in patient space: voxel (z, y, x) -> LPS mm."""

    origin_lps_mm: np.ndarray
    row_dir: np.ndarray   # +x index
    col_dir: np.ndarray   # +y index
    normal: np.ndarray    # +z index
    spacing_zyx_mm: np.ndarray
    shape_zyx: tuple[int, int, int]


def grid_of(vol: Volume) -> Grid:
    return Grid(np.asarray(vol.origin_lps_mm, float), np.asarray(vol.row_dir, float), np.asarray(vol.col_dir, float),
                np.asarray(vol.normal, float), np.asarray(vol.spacing_zyx_mm, float), tuple(vol.hu.shape))


def resample(hu: np.ndarray, grid: Grid, spacing_mm: float,
             box: tuple[slice, slice, slice] | None = None, crop: bool = False) -> tuple[np.ndarray, Grid]:
    """Linear resampling (SimpleITK) to an isotropic grid of `spacing_mm` covering the volume.

    Axes that shrink by 2x or more are first averaged over whole bins of voxels (BinShrink), a cheap
    anti-aliasing that makes thin-pixel noise look alike whatever the scanner's pixel size.
    box: compute only these voxels of the output grid (the rest is -1000 HU); the values inside are
    the same as those of the whole resampling. crop: return only the box (its first voxel's index is
    the box's start), not the whole grid.
    """
    import SimpleITK as sitk

    src_sp = np.asarray(grid.spacing_zyx_mm, float)
    img = sitk.GetImageFromArray(np.ascontiguousarray(hu, dtype=np.float32))
    img.SetSpacing(tuple(float(v) for v in src_sp[::-1]))
    img.SetOrigin(tuple(float(v) for v in grid.origin_lps_mm))
    direction = np.stack([grid.row_dir, grid.col_dir, grid.normal], axis=1)  # columns = axis directions
    img.SetDirection(tuple(float(v) for v in direction.ravel()))
    extent = (np.asarray(grid.shape_zyx) - 1) * src_sp
    dirs = img.GetDirection()
    shrink = [max(1, int(spacing_mm / s + 1e-6)) for s in src_sp[::-1]]
    if any(f > 1 for f in shrink):
        img = sitk.BinShrink(img, shrink)  # keeps physical placement (origin moves to the bin centre)
    new_shape = np.maximum(1, np.floor(extent / spacing_mm).astype(int) + 1)
    g = Grid(grid.origin_lps_mm.copy(), grid.row_dir, grid.col_dir, grid.normal,
             np.array([spacing_mm] * 3, float), tuple(int(v) for v in new_shape))
    lo, size = np.zeros(3, int), new_shape
    if box is not None:
        lo = np.array([b.indices(n)[0] for b, n in zip(box, new_shape)])
        size = np.array([b.indices(n)[1] for b, n in zip(box, new_shape)]) - lo
    out = sitk.Resample(img, [int(v) for v in size[::-1]], sitk.Transform(), sitk.sitkLinear,
                        tuple(float(v) for v in g.lps_of(lo[None].astype(float))[0]), (float(spacing_mm),) * 3,
                        dirs, -1000.0, sitk.sitkFloat32, True)
    arr = sitk.GetArrayFromImage(out)
    if box is not None and not crop:
        full = np.full(g.shape_zyx, -1000.0, np.float32)
        full[tuple(slice(a, a + n) for a, n in zip(lo, size))] = arr
        arr = full
    return arr, g


def window(hu: np.ndarray, lo: float, hi: float) -> np.ndarray:
    out = np.clip(hu, lo, hi)
    out -= lo  # in place: one new array instead of three (the 1 mm image is ~200 MB)
    out /= hi - lo
    return out.astype(np.float32, copy=False)


# Lung air versus gas. Aerated lung holds vessels (holes in the air, slice by slice) and its core (one voxel in
# from the edge) stays well above pure air even in emphysema at the 10th percentile; bowel, stomach and
# tracheal gas has no vessels and a core of nearly pure air (10th percentile below -960 HU).
GAS_CORE_P10_HU = -960.0
LUNG_HOLES_MIN = 0.002
MIN_LUNG_ML = 5.0        # smaller separate pockets of air are left out (noise, bowel with stool)
CLOSING_MM = 20.0        # slice-wise closing: a pleural or mediastinal nodule up to ~2x this wide stays in the lungs


def _disk(radius_vox: int) -> np.ndarray:
    r = max(1, int(radius_vox))
    y, x = np.ogrid[-r:r + 1, -r:r + 1]
    return (x * x + y * y) <= r * r


def body_mask(hu: np.ndarray) -> np.ndarray:
    """The patient, slice by slice: the largest soft-tissue region, holes filled. Blankets, cables and the
    table are thin or apart from the body and fall away with a small opening."""
    out = np.zeros(hu.shape, bool)
    tissue = hu > -500
    opener = _disk(1)
    for k in range(hu.shape[0]):
        t = ndi.binary_opening(tissue[k], opener)
        lab, n = ndi.label(t)
        if n == 0:
            continue
        sizes = np.bincount(lab.ravel())[1:]
        out[k] = ndi.binary_fill_holes(lab == (1 + int(np.argmax(sizes))))
    return out


def _lung_like(hu_box: np.ndarray, comp: np.ndarray) -> bool:
    core = ndi.binary_erosion(comp)
    vals = hu_box[core]
    if vals.size and float(np.percentile(vals, 10)) > GAS_CORE_P10_HU:
        return True
    filled = sum(int(ndi.binary_fill_holes(comp[k]).sum()) for k in range(comp.shape[0]))
    return 1.0 - comp.sum() / max(filled, 1) >= LUNG_HOLES_MIN


def lung_air(hu: np.ndarray, spacing_mm: float, body: np.ndarray | None = None) -> np.ndarray:
    """The aerated lungs (and the airways joined to them), whatever the field of view (chest only, whole
    body, abdomen with lung bases): air enclosed by the body, in 3D components that look like lung, not gas
    (`_lung_like`). The largest such component is the lungs; another counts when it is at least a tenth of
    that size and lies mostly beside it along the body axis (the other lung when the airways do not join
    the two). Bowel and stomach gas, air outside the body and between blankets, and the table never count."""
    body = body_mask(hu) if body is None else body
    air = (hu < -400) & body
    lab, n = ndi.label(air)
    if n == 0:
        return np.zeros(hu.shape, bool)
    sizes = np.bincount(lab.ravel())
    sizes[0] = 0
    objs = ndi.find_objects(lab)
    min_vox = MIN_LUNG_ML * 1000.0 / spacing_mm ** 3
    lungs = [int(i) for i in np.argsort(-sizes) if sizes[i] >= min_vox
             and _lung_like(hu[objs[i - 1]], lab[objs[i - 1]] == i)]
    keep = np.zeros(n + 1, bool)
    if not lungs:
        return keep[lab]
    main = lungs[0]
    z0, z1 = objs[main - 1][0].start, objs[main - 1][0].stop
    keep[main] = True
    for i in lungs[1:]:
        zs = objs[i - 1][0]
        beside = max(0, min(zs.stop, z1) - max(zs.start, z0)) / (zs.stop - zs.start)
        keep[i] = sizes[i] >= 0.1 * sizes[main] and beside >= 0.5
    return keep[lab]


def lung_mask(hu: np.ndarray, spacing_mm: float, closing_mm: float = CLOSING_MM) -> np.ndarray:
    """The lungs as a radiologist outlines them: aerated lung with everything it encloses slice by slice
    (vessels, nodules), closed so that a nodule or mass against the pleura or the mediastinum is inside.
    Each side of the body's midline is closed and filled on its own: the two lungs meet in front of and
    behind the mediastinum, and filling them together would take the heart and great vessels in."""
    body = body_mask(hu)
    air = lung_air(hu, spacing_mm, body)
    if not air.any():
        return air
    disk = _disk(int(round(closing_mm / spacing_mm)))
    pad = disk.shape[0]
    out = np.zeros_like(air)
    cols = np.arange(hu.shape[2])
    for k in np.flatnonzero(air.any(axis=(1, 2))):
        per_col = body[k].sum(axis=0)
        mid = int(round(float((per_col * cols).sum() / max(per_col.sum(), 1)))) if per_col.any() else hu.shape[2] // 2
        for side in (slice(0, mid), slice(mid, hu.shape[2])):
            half = air[k][:, side]
            if not half.any():
                continue
            sl = np.pad(half, pad)  # closing near the image edge or the midline must not glue to it
            sl = ndi.binary_closing(sl, disk)[pad:-pad, pad:-pad]
            out[k][:, side] = ndi.binary_fill_holes(sl)
    return out


def dilate(mask: np.ndarray, margin_mm: float, spacing_mm: float) -> np.ndarray:
    """Dilate by about margin_mm: alternating 6- and 26-neighbour steps approximate a ball cheaply."""
    r = max(0, int(round(margin_mm / spacing_mm)))
    faces, cube = ndi.generate_binary_structure(3, 1), ndi.generate_binary_structure(3, 3)
    for i in range(r):
        mask = ndi.binary_dilation(mask, structure=cube if i % 2 else faces)
    return mask


def bbox(mask: np.ndarray, pad: int = 0) -> tuple[slice, slice, slice] | None:
    if not mask.any():
        return None
    out = []
    for ax in range(3):
        idx = np.flatnonzero(mask.any(axis=tuple(a for a in range(3) if a != ax)))
        out.append(slice(max(0, int(idx[0]) - pad), min(mask.shape[ax], int(idx[-1]) + 1 + pad)))
    return tuple(out)


SEARCH_MARGIN_MM = 4.0  # candidates a little outside the lung outline still reach a pleural nodule's centre


@dataclass
class Prepared:
    image: np.ndarray        # windowed, model grid (z, y, x), float32 in [0, 1]
    hu: np.ndarray           # HU on the model grid
    mask: np.ndarray         # search region on the model grid (the lungs + SEARCH_MARGIN_MM)
    grid: Grid
    lungs: np.ndarray | None = None  # the lungs themselves (lung_mask); a finding's centre must lie inside


def prepare(hu: np.ndarray, grid: Grid, spacing_mm: float, hu_window: tuple[float, float]) -> Prepared:
    arr, g = resample(hu, grid, spacing_mm)
    lungs = lung_mask(arr, spacing_mm)
    mask = dilate(lungs, SEARCH_MARGIN_MM, spacing_mm)
    return Prepared(window(arr, *hu_window), arr, mask, g, lungs)
