"""Nodule candidates and the patches the classifier scores.

Candidates are local maxima of a multi-scale, scale-normalised Laplacian-of-Gaussian ("blob") response
on the coarse model grid, inside the lung search region. A sphere of radius r answers most strongly at
sigma = r / sqrt(3). Vessels answer nearly as strongly, and so do their crossings and bifurcations:
telling those from nodules is the classifier's job. The threshold is set low, so that faint ground-glass nodules are candidates too.

Each candidate is shown to the classifier as two cubes centred on it, one fine (detail) and one coarse
(context), cut from isotropic resamplings of the scan; training and inference both use `patches`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi


@dataclass
class Candidates:
    voxels: np.ndarray     # (n, 3) float, z y x on the coarse grid
    response: np.ndarray   # (n,) blob strength
    diameter_mm: np.ndarray  # (n,) diameter of the best-answering scale (2 * sqrt(3) * sigma)


def blob_candidates(hu: np.ndarray, region: np.ndarray, spacing_mm: float, scales_mm, min_response: float,
                    max_n: int, merge_mm: float = 3.0, max_hu: float = 200.0) -> Candidates:
    """Local maxima of -sigma^2 * LoG(clipped HU) at each scale, inside `region`, strongest first.

    Maxima are taken per scale, not over the max across scales: a small nodule on a vessel is drowned
    by the vessel's larger-scale answer in the latter. Maxima of different scales closer than merge_mm
    are one candidate (the strongest)."""
    from scipy.spatial import cKDTree

    from ai_models.preprocess import bbox

    # Filter only the box around the region: the Gaussian kernels reach 4 sigma (scipy's truncate), so
    # inside the region the answers are those of the whole volume.
    box = bbox(region, pad=int(math.ceil(4 * max(scales_mm) / spacing_mm)) + 2)
    if box is None:
        return Candidates(np.zeros((0, 3)), np.zeros(0, np.float32), np.zeros(0))
    offset = np.array([b.start for b in box])
    # Clipped above: bone and contrast would otherwise dominate; clipped at max_hu below soft tissue, a
    # faint ground-glass nodule answers about as strongly as a vessel of its size.
    x = np.clip(hu[box], -1000.0, max_hu).astype(np.float32)
    region = region[box]
    vox, resp, sig = [], [], []
    for s_mm in scales_mm:
        s = s_mm / spacing_mm
        r = ndi.gaussian_laplace(x, s)
        r *= -(s * s)
        r[~region] = 0.0
        peak = (r == ndi.maximum_filter(r, size=3)) & (r > min_response)
        v = np.argwhere(peak) + offset
        vox.append(v)
        resp.append(r[peak])
        sig.append(np.full(len(v), s_mm))
    vox, resp, sig = np.concatenate(vox).astype(float), np.concatenate(resp), np.concatenate(sig)
    order = np.argsort(-resp, kind="stable")
    vox, resp, sig = vox[order], resp[order], sig[order]
    keep = np.ones(len(vox), bool)
    if len(vox):
        tree = cKDTree(vox)
        for i, j in sorted(tree.query_pairs(merge_mm / spacing_mm)):
            if keep[i]:  # i < j: i is the stronger; j merges into it
                keep[j] = False
    idx = np.flatnonzero(keep)[:max_n]
    return Candidates(vox[idx], resp[idx].astype(np.float32), 2 * math.sqrt(3) * sig[idx])


@dataclass
class CroppedImage:
    """Part of a resampled scan: `array` holds the voxels from index `offset` (z, y, x) of the full grid."""
    array: np.ndarray
    offset: np.ndarray

    def astype(self, dtype) -> "CroppedImage":
        return CroppedImage(self.array.astype(dtype), self.offset)

    @property
    def nbytes(self) -> int:
        return self.array.nbytes


def _array_offset(img) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(img, CroppedImage):
        return img.array, img.offset
    return img, np.zeros(3)


def crop(arr: np.ndarray, centre, size, fill) -> np.ndarray:
    """A size-shaped patch centred at `centre` (voxel coords), padded with `fill` ('edge' or a value)
    where it leaves arr."""
    out_lo = [int(round(c)) - s // 2 for c, s in zip(centre, size)]
    pads, sl = [], []
    for lo, s, n in zip(out_lo, size, arr.shape):
        a, b = max(0, lo), min(n, lo + s)
        if b <= a:  # entirely outside: clamp to the nearest edge
            a, b = (0, 1) if lo < 0 else (n - 1, n)
        sl.append(slice(a, b))
        pads.append((a - lo, s - (b - a) - (a - lo)))
    patch = arr[tuple(sl)]
    pads = [(max(0, p0), max(0, p1)) for p0, p1 in pads]
    if any(p0 or p1 for p0, p1 in pads):
        patch = np.pad(patch, pads, mode="edge") if fill == "edge" else np.pad(patch, pads, constant_values=fill)
    return patch[:size[0], :size[1], :size[2]]


def patches(images: list[np.ndarray], scales: list[float], centres_coarse: np.ndarray, coarse_spacing: float,
            size) -> np.ndarray:
    """(n, len(images), *size) float32: for each centre (voxels of the coarse grid), a cube cut from each
    image; images[i] is the scan resampled at `scales[i]` mm on a grid with the coarse grid's origin and axes
    (an array, or a `CroppedImage` of it)."""
    out = np.empty((len(centres_coarse), len(images)) + tuple(size), np.float32)
    arrs = [_array_offset(img) for img in images]
    for i, c in enumerate(centres_coarse):
        for ch, ((arr, off), sp) in enumerate(zip(arrs, scales)):
            out[i, ch] = crop(arr, np.asarray(c) * (coarse_spacing / sp) - off, size, "edge")
    return out


def scan_images(hu: np.ndarray, native_grid, prep, spacings_mm, hu_window,
                patch_zyx=(32, 32, 32)) -> list[np.ndarray]:
    """The windowed scan at each patch spacing (the coarse model grid's own image is reused).

    Finer images are resampled only where a patch around a candidate (inside the search region) can
    reach, and kept as that part alone (`CroppedImage`)."""
    from ai_models.preprocess import bbox, resample, window

    coarse = float(prep.grid.spacing_zyx_mm[0])
    box = bbox(prep.mask)
    out = []
    for sp in spacings_mm:
        if abs(float(sp) - coarse) < 1e-6:
            out.append(prep.image)
            continue
        sub = None
        if box is not None:
            f = coarse / float(sp)
            reach = [p // 2 + 4 for p in patch_zyx]  # + room for training's shifted cuts
            sub = tuple(slice(max(0, math.floor(b.start * f) - r), math.ceil((b.stop - 1) * f) + r + 1)
                        for b, r in zip(box, reach))
        if sub is None:
            out.append(window(resample(hu, native_grid, float(sp))[0], *hu_window))
            continue
        arr = window(resample(hu, native_grid, float(sp), sub, crop=True)[0], *hu_window)
        out.append(CroppedImage(arr, np.array([s.start for s in sub])))
    return out
