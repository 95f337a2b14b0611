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
             box: tuple[slice, slice, slice] | None = None) -> tuple[np.ndarray, Grid]:
    """Linear resampling (SimpleITK) to an isotropic grid of `spacing_mm` covering the volume.

    Axes that shrink by 2x or more are first averaged over whole bins of voxels (BinShrink), a cheap
    anti-aliasing that makes thin-pixel noise look alike whatever the scanner's pixel size.
    box: compute only these voxels of the output grid (the rest is -1000 HU); the values inside are
    the same as those of the whole resampling.
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
    if box is not None:
        full = np.full(g.shape_zyx, -1000.0, np.float32)
        full[tuple(slice(a, a + n) for a, n in zip(lo, size))] = arr
        arr = full
    return arr, g


def window(hu: np.ndarray, lo: float, hi: float) -> np.ndarray:
    out = np.clip(hu, lo, hi)
    out -= lo  # in place: one new array instead of three (the 1 mm image is ~200 MB)
    out /= hi - lo
    return out.astype(np.float32, copy=False)


def lung_mask(hu: np.ndarray, spacing_mm: float, margin_mm: float = 10.0) -> np.ndarray:
    """Air inside the body (lungs and airways), holes filled, dilated by margin_mm so that nodules on the
    pleura stay inside. Works on thin slabs too: only air touching the in-plane border counts as outside.
    """
    air = hu < -400
    lab, n = ndi.label(air)
    if n == 0:
        return np.zeros(hu.shape, bool)
    border = np.unique(np.concatenate([lab[:, 0, :].ravel(), lab[:, -1, :].ravel(),
                                       lab[:, :, 0].ravel(), lab[:, :, -1].ravel()]))
    sizes = ndi.sum_labels(np.ones_like(lab, dtype=np.float32), lab, index=np.arange(1, n + 1))
    min_vox = 2000.0 / spacing_mm**3  # ignore bowel gas pockets and noise
    keep = np.zeros(n + 1, bool)
    keep[1:] = sizes >= min_vox
    keep[border[border > 0]] = False
    keep[0] = False
    mask = keep[lab]
    if not mask.any():
        return mask
    # Fill nodules and vessels inside the lungs, slice by slice (thin slabs have no closed 3D holes).
    for k in range(mask.shape[0]):
        if mask[k].any():
            mask[k] = ndi.binary_fill_holes(mask[k])
    # Dilate by about margin_mm: alternating 6- and 26-neighbour steps approximate a ball cheaply.
    r = max(1, int(round(margin_mm / spacing_mm)))
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


@dataclass
class Prepared:
    image: np.ndarray        # windowed, model grid (z, y, x), float32 in [0, 1]
    hu: np.ndarray           # HU on the model grid
    mask: np.ndarray         # search region on the model grid
    grid: Grid


def prepare(hu: np.ndarray, grid: Grid, spacing_mm: float, hu_window: tuple[float, float]) -> Prepared:
    arr, g = resample(hu, grid, spacing_mm)
    mask = lung_mask(arr, spacing_mm)
    return Prepared(window(arr, *hu_window), arr, mask, g)
