"""Measurements on a displayed image (GUI-free): distance and ellipse ROI statistics."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def distance_mm(a_rc, b_rc, spacing_rc: tuple[float, float]) -> float:
    """Distance between two display points (row, col) of an image with the given pixel spacing."""
    dr = (float(b_rc[0]) - float(a_rc[0])) * spacing_rc[0]
    dc = (float(b_rc[1]) - float(a_rc[1])) * spacing_rc[1]
    return float(np.hypot(dr, dc))


def distance_lps(a, b) -> float:
    return float(np.linalg.norm(np.asarray(a, float) - np.asarray(b, float)))


@dataclass
class RoiStats:
    mean: float
    sd: float
    minimum: float
    maximum: float
    n_pixels: int
    area_mm2: float


def ellipse_mask(shape: tuple[int, int], center_rc, radii_rc) -> np.ndarray:
    rows, cols = np.ogrid[: shape[0], : shape[1]]
    rr, rc = max(float(radii_rc[0]), 0.5), max(float(radii_rc[1]), 0.5)
    return ((rows - float(center_rc[0])) / rr) ** 2 + ((cols - float(center_rc[1])) / rc) ** 2 <= 1.0


def ellipse_stats(image: np.ndarray, center_rc, radii_rc, spacing_rc: tuple[float, float]) -> RoiStats:
    """Mean/SD (in the image's units, HU for CT) inside an axis-aligned ellipse."""
    mask = ellipse_mask(image.shape, center_rc, radii_rc)
    vals = image[mask].astype(np.float64)
    if vals.size == 0:
        return RoiStats(float("nan"), float("nan"), float("nan"), float("nan"), 0, 0.0)
    return RoiStats(float(vals.mean()), float(vals.std(ddof=1)) if vals.size > 1 else 0.0,
                    float(vals.min()), float(vals.max()), int(vals.size),
                    float(vals.size * spacing_rc[0] * spacing_rc[1]))


def scale_bar_mm(mm_per_screen_px: float, target_px: float = 100.0) -> float:
    """A round length (1, 2, 5 x 10^n mm) close to target_px on screen."""
    raw = mm_per_screen_px * target_px
    if raw <= 0:
        return 10.0
    exp = 10 ** np.floor(np.log10(raw))
    for m in (1, 2, 5, 10):
        if m * exp >= raw * 0.7:
            return float(m * exp)
    return float(10 * exp)
