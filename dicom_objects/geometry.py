"""Where findings lie on the source series: its regular grid, voxel <-> LPS, spheres and masks per finding,
and the extents of drawn regions (SR graphics, SEG masks)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pydicom.dataset import Dataset

from ai_models.findings import FindingsReport


@dataclass
class Grid:
    """The source series on a regular axial grid (sorted along the slice normal)."""

    datasets: list
    origin: np.ndarray
    row_dir: np.ndarray
    col_dir: np.ndarray
    normal: np.ndarray
    spacing_zyx: np.ndarray
    rows: int
    cols: int

    @classmethod
    def of(cls, source: list[Dataset]) -> "Grid":
        from ai_models.series import sort_and_check

        images = [ds for ds in source if "ImagePositionPatient" in ds and "Rows" in ds]
        if not images:
            raise ValueError("the source datasets hold no images with a position (ImagePositionPatient)")
        sorted_ds, geo = sort_and_check(images)
        return cls(sorted_ds, geo["origin"], geo["row_dir"], geo["col_dir"], geo["normal"], geo["spacing_zyx"],
                   int(sorted_ds[0].Rows), int(sorted_ds[0].Columns))

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.datasets), self.rows, self.cols

    def voxel_of(self, lps) -> np.ndarray:
        d = np.asarray(lps, dtype=float) - self.origin
        s = self.spacing_zyx
        return np.array([d @ self.normal / s[0], d @ self.col_dir / s[1], d @ self.row_dir / s[2]])

    def sphere(self, center_lps, diameter_mm: float) -> dict[int, np.ndarray]:
        """{slice index: boolean 2D mask} of a ball of the given diameter (at least the centre voxel)."""
        r = max(float(diameter_mm) / 2.0, 0.0)
        kz, ky, kx = self.voxel_of(center_lps)
        s = self.spacing_zyx
        nz, ny, nx = self.shape
        out: dict[int, np.ndarray] = {}
        k0, k1 = max(0, math.floor(kz - r / s[0])), min(nz - 1, math.ceil(kz + r / s[0]))
        y0, y1 = max(0, math.floor(ky - r / s[1])), min(ny - 1, math.ceil(ky + r / s[1]))
        x0, x1 = max(0, math.floor(kx - r / s[2])), min(nx - 1, math.ceil(kx + r / s[2]))
        if k0 <= k1 and y0 <= y1 and x0 <= x1:
            yy = ((np.arange(y0, y1 + 1) - ky) * s[1])[:, None]
            xx = ((np.arange(x0, x1 + 1) - kx) * s[2])[None, :]
            for k in range(k0, k1 + 1):
                dz = (k - kz) * s[0]
                inside = dz * dz + yy * yy + xx * xx <= r * r
                if inside.any():
                    m = np.zeros((ny, nx), dtype=bool)
                    m[y0:y1 + 1, x0:x1 + 1] = inside
                    out[k] = m
        ck, cy, cx = (int(round(v)) for v in (kz, ky, kx))
        if not out and 0 <= ck < nz and 0 <= cy < ny and 0 <= cx < nx:
            m = np.zeros((ny, nx), dtype=bool)
            m[cy, cx] = True
            out[ck] = m
        return out


def masks_per_finding(report: FindingsReport, grid: Grid, masks) -> list[dict[int, np.ndarray]]:
    """Normalise the `masks` argument to one {slice: 2D mask} per finding.

    Accepted: None (spheres from the findings' geometry); a label volume (z, y, x) on the sorted source
    grid with value i+1 for finding i; a list of boolean volumes (z, y, x), one per finding.
    A finding whose given mask is empty gets the sphere, so every finding has a segment.
    """
    per = _given_masks(report, grid, masks)
    return [p or grid.sphere(f.center_lps_mm, f.diameter_mm) for p, f in zip(per, report.findings)]


def _given_masks(report: FindingsReport, grid: Grid, masks) -> list[dict[int, np.ndarray]]:
    n = len(report.findings)
    if masks is None:
        return [{} for _ in range(n)]
    if isinstance(masks, np.ndarray) and masks.ndim == 3:
        if masks.shape != grid.shape:
            raise ValueError(f"label mask shape {masks.shape} does not match the source grid {grid.shape}")
        per = []
        for i in range(n):
            sel = masks == (i + 1)
            per.append({int(k): sel[k] for k in np.flatnonzero(sel.any(axis=(1, 2)))})
        return per
    masks = list(masks)
    if len(masks) != n:
        raise ValueError(f"got {len(masks)} masks for {n} findings")
    per = []
    for m in masks:
        m = np.asarray(m, dtype=bool)
        if m.shape != grid.shape:
            raise ValueError(f"mask shape {m.shape} does not match the source grid {grid.shape}")
        per.append({int(k): m[k] for k in np.flatnonzero(m.any(axis=(1, 2)))})
    return per



def graphic_extent(graphic_type: str, pts: np.ndarray) -> tuple[np.ndarray, float]:
    """Centre and largest extent (mm) of an SR graphic, 2D-in-LPS or 3D."""
    if graphic_type == "CIRCLE" and len(pts) >= 2:  # centre, then a point on the circle
        return pts[0], 2.0 * float(np.linalg.norm(pts[1] - pts[0]))
    if graphic_type in ("ELLIPSE", "ELLIPSOID") and len(pts) >= 4:  # axis end points, major axis first
        return pts.mean(axis=0), float(np.linalg.norm(pts[0] - pts[1]))
    if len(pts) > 2 and np.allclose(pts[0], pts[-1]):
        pts = pts[:-1]  # a closed polygon repeats its first vertex
    extent = float(np.max(np.linalg.norm(pts[:, None] - pts[None], axis=-1))) if len(pts) > 1 else 0.0
    return pts.mean(axis=0), extent


def pixel_to_lps(img: Dataset, pts_col_row: np.ndarray) -> np.ndarray:
    iop = np.array([float(v) for v in img.ImageOrientationPatient])
    ipp = np.array([float(v) for v in img.ImagePositionPatient])
    dr, dc = (float(v) for v in img.PixelSpacing)  # between rows, between columns
    # SR SCOORD: (column, row) with (0, 0) the top-left corner of the top-left pixel.
    c, r = pts_col_row[:, 0:1] - 0.5, pts_col_row[:, 1:2] - 0.5
    return ipp + c * dc * iop[:3] + r * dr * iop[3:]



def longest_extent(p: np.ndarray) -> float:
    """Largest distance between two of the points (on their convex hull, so big masks stay cheap)."""
    if len(p) < 2:
        return 0.0
    if len(p) > 50:
        from scipy.spatial import ConvexHull, QhullError

        centred = p - p.mean(axis=0)
        try:
            p = p[ConvexHull(centred).vertices]
        except QhullError:  # flat (one slice): the hull in the plane of the points
            axes = np.linalg.svd(centred, full_matrices=False)[2][:2]
            try:
                p = p[ConvexHull(centred @ axes.T).vertices]
            except QhullError:  # a line
                t = centred @ axes[0]
                p = p[[int(np.argmin(t)), int(np.argmax(t))]]
    d = np.linalg.norm(p[:, None, :] - p[None, :, :], axis=-1)
    return float(d.max())
