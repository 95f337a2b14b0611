"""Multiplanar reformatting and thick-slab MIP of a Volume, and the mapping between what a view
shows (display rows/columns) and voxels / LPS millimetres. GUI-free.

Display conventions (radiological): axial seen from the feet, patient right on screen left,
anterior up; coronal and sagittal with the head up.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from viewer.logic.volume import Volume

ORIENTATIONS = ("axial", "coronal", "sagittal")
_AXIS = {"axial": 0, "coronal": 1, "sagittal": 2}


def slab_mip(vox: np.ndarray, axis: int, index: int, half: int) -> np.ndarray:
    """Maximum intensity over slices index-half..index+half along axis."""
    n = vox.shape[axis]
    lo, hi = max(0, index - half), min(n, index + half + 1)
    sl = [slice(None)] * 3
    sl[axis] = slice(lo, hi)
    return vox[tuple(sl)].max(axis=axis)


@dataclass
class ReadingState:
    """Where a reader is in a CT volume: the crosshair voxel, window, slab; and the view images."""

    volume: Volume
    cursor: list[int] = field(default_factory=list)  # (k, j, i)
    center: float = -600.0
    width: float = 1500.0
    slab_mm: float = 0.0  # 0: thin slices; >0: MIP over this thickness

    def __post_init__(self) -> None:
        nk, nj, ni = self.volume.shape
        if not self.cursor:
            self.cursor = [nk // 2, nj // 2, ni // 2]
        w = self.volume.meta.get("window")
        if w:
            self.center, self.width = w

    # -- geometry of the views
    def spacing(self, orientation: str) -> tuple[float, float]:
        """(row mm, column mm) of one display pixel."""
        dk, dj, di = self.volume.geometry.spacing
        return {"axial": (dj, di), "coronal": (dk, di), "sagittal": (dk, dj)}[orientation]

    def n_slices(self, orientation: str) -> int:
        return self.volume.shape[_AXIS[orientation]]

    def slice_index(self, orientation: str) -> int:
        return self.cursor[_AXIS[orientation]]

    def set_slice(self, orientation: str, index: int) -> int:
        axis = _AXIS[orientation]
        self.cursor[axis] = int(np.clip(index, 0, self.volume.shape[axis] - 1))
        return self.cursor[axis]

    def scroll(self, orientation: str, delta: int) -> int:
        return self.set_slice(orientation, self.slice_index(orientation) + delta)

    def _half(self, orientation: str) -> int:
        if self.slab_mm <= 0:
            return 0
        step = self.volume.geometry.spacing[_AXIS[orientation]]
        return max(0, int(round(self.slab_mm / step / 2)))

    def image(self, orientation: str) -> np.ndarray:
        """The 2D modality-value image a view shows (a MIP when slab_mm > 0)."""
        vox = self.volume.voxels
        axis = _AXIS[orientation]
        idx = self.cursor[axis]
        half = self._half(orientation)
        img = slab_mip(vox, axis, idx, half) if half else np.take(vox, idx, axis=axis)
        if orientation != "axial":
            img = img[::-1]  # head up
        return np.ascontiguousarray(img)

    def display_to_voxel(self, orientation: str, row: float, col: float) -> tuple[float, float, float]:
        """(k, j, i) of a display pixel in a view at its current slice."""
        nk = self.volume.shape[0]
        k, j, i = self.cursor
        if orientation == "axial":
            return (k, row, col)
        if orientation == "coronal":
            return (nk - 1 - row, j, col)
        return (nk - 1 - row, col, i)

    def voxel_to_display(self, orientation: str, kji) -> tuple[float, float]:
        """(row, col) of a voxel in a view."""
        nk = self.volume.shape[0]
        k, j, i = kji
        if orientation == "axial":
            return (j, i)
        if orientation == "coronal":
            return (nk - 1 - k, i)
        return (nk - 1 - k, j)

    def depth_mm(self, orientation: str, kji) -> float:
        """Distance (mm) of a voxel from the view's plane, along the view normal."""
        axis = _AXIS[orientation]
        return abs(float(kji[axis]) - self.cursor[axis]) * self.volume.geometry.spacing[axis]

    def click(self, orientation: str, row: float, col: float) -> None:
        """Move the crosshair to a display pixel: the other two views follow."""
        k, j, i = self.display_to_voxel(orientation, row, col)
        nk, nj, ni = self.volume.shape
        self.cursor = [int(np.clip(round(k), 0, nk - 1)), int(np.clip(round(j), 0, nj - 1)),
                       int(np.clip(round(i), 0, ni - 1))]

    def centre_on_lps(self, lps) -> tuple[int, int, int]:
        kji = self.volume.geometry.to_voxel(lps)
        nk, nj, ni = self.volume.shape
        self.cursor = [int(np.clip(round(kji[0]), 0, nk - 1)), int(np.clip(round(kji[1]), 0, nj - 1)),
                       int(np.clip(round(kji[2]), 0, ni - 1))]
        return tuple(self.cursor)  # type: ignore[return-value]

    def cursor_lps(self) -> np.ndarray:
        return self.volume.geometry.to_lps(self.cursor)

    def sphere_outline(self, orientation: str, lps, diameter_mm: float):
        """Where a spherical finding cuts the current plane of a view: ((row, col), radius_rows, radius_cols)
        in display pixels, or None when the plane misses it."""
        kji = self.volume.geometry.to_voxel(lps)
        r = diameter_mm / 2.0
        d = self.depth_mm(orientation, kji)
        if self._half(orientation):
            d = max(0.0, d - self._half(orientation) * self.volume.geometry.spacing[_AXIS[orientation]])
        if d > r:
            return None
        rr = max(np.sqrt(r * r - d * d), r * 0.35)  # keep a visible ring near the poles
        sr, sc = self.spacing(orientation)
        return self.voxel_to_display(orientation, kji), rr / sr, rr / sc


def direction_letter(v) -> str:
    """The patient direction (L/R, P/A, S/I) a vector mostly points to; LPS: +x left, +y posterior, +z head."""
    v = np.asarray(v, dtype=float)
    axis = int(np.argmax(np.abs(v)))
    return ("L", "P", "S")[axis] if v[axis] > 0 else ("R", "A", "I")[axis]


def edge_labels(geometry, orientation: str) -> tuple[str, str, str, str]:
    """(left, right, top, bottom) patient directions at a view's edges, from the series' own geometry:
    right along increasing columns, down along increasing display rows (slices run bottom-up)."""
    right, down = {"axial": (geometry.row_dir, geometry.col_dir),
                   "coronal": (geometry.row_dir, -geometry.normal),
                   "sagittal": (geometry.col_dir, -geometry.normal)}[orientation]
    r, d = direction_letter(right), direction_letter(down)
    opposite = {"L": "R", "R": "L", "P": "A", "A": "P", "S": "I", "I": "S"}
    return opposite[r], r, opposite[d], d
