"""Key images of a report: the slice through each nodule in the table with the nodule circled and numbered
(CT, lung window), or the radiograph itself when there are no nodules. PNG bytes for the printed report.
GUI-free (numpy + Pillow).
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pydicom
from pydicom.dataset import Dataset

from reports.model import NoduleRow
from reports.study import StudyContext

LUNG_WINDOW = (-600.0, 1500.0)  # level, width (HU)


@dataclass
class KeyImage:
    header: Dataset                  # the image's header (for the SR's IMAGE reference)
    rows: list[NoduleRow]            # the nodules marked on it
    png: bytes = b""


def _plane(ds: Dataset):
    iop = np.array([float(v) for v in ds.ImageOrientationPatient])
    ipp = np.array([float(v) for v in ds.ImagePositionPatient])
    dr, dc = (float(v) for v in ds.PixelSpacing)
    return iop[:3], iop[3:], ipp, dr, dc


def pixel_of(ds: Dataset, lps) -> tuple[float, float, float]:
    """(column, row, distance from the plane in mm) of an LPS point on an image."""
    row_dir, col_dir, ipp, dr, dc = _plane(ds)
    d = np.asarray(lps, dtype=float) - ipp
    return float(d @ row_dir / dc), float(d @ col_dir / dr), float(abs(d @ np.cross(row_dir, col_dir)))


def pick_key_images(ctx: StudyContext, rows: list[NoduleRow], limit: int) -> list[KeyImage]:
    """One image per nodule (the slice nearest its centre; nodules on the same slice share it), in table
    order, at most `limit`; a study without nodules gets its middle image."""
    if not ctx.images or limit <= 0:
        return []
    picks: dict[str, KeyImage] = {}
    positioned = all("ImagePositionPatient" in d and "PixelSpacing" in d for d in ctx.images)
    if ctx.is_ct and positioned:
        for r in rows:
            best = min(ctx.images, key=lambda d: pixel_of(d, r.center_lps_mm)[2])
            uid = str(best.SOPInstanceUID)
            if uid not in picks and len(picks) >= limit:
                continue
            picks.setdefault(uid, KeyImage(best, [])).rows.append(r)
    if not picks:
        mid = ctx.images[len(ctx.images) // 2]
        picks[str(mid.SOPInstanceUID)] = KeyImage(mid, [])
    return list(picks.values())


def _display(ds: Dataset, ct: bool) -> np.ndarray:
    """8-bit grey image: CT in the lung window, a radiograph in its own window (or its 1-99 % range)."""
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    arr = ds.pixel_array
    if arr.ndim > 2:
        arr = arr[0] if arr.shape[-1] not in (3, 4) else arr[..., 0]
    if ct:
        hu = apply_modality_lut(arr, ds).astype(np.float32)
        level, width = LUNG_WINDOW
        lo, hi = level - width / 2, level + width / 2
        out = hu
    else:
        out = arr.astype(np.float32)
        if "WindowCenter" in ds or "VOILUTSequence" in ds:
            out = apply_voi_lut(apply_modality_lut(arr, ds), ds).astype(np.float32)
        lo, hi = np.percentile(out, (1, 99))
    img = np.clip((out - lo) / max(hi - lo, 1e-6), 0, 1) * 255
    if str(ds.get("PhotometricInterpretation", "")) == "MONOCHROME1":
        img = 255 - img
    return img.astype(np.uint8)


def render(key: KeyImage, path, ct: bool, size: int = 512) -> bytes:
    """The image as PNG (at most `size` pixels wide), each nodule circled in red with its table number."""
    from PIL import Image, ImageDraw

    ds = pydicom.dcmread(path)
    grey = _display(ds, ct)
    img = Image.fromarray(grey).convert("RGB")
    scale = min(1.0, size / max(img.size))
    if scale < 1.0:
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))), Image.LANCZOS)
    draw = ImageDraw.Draw(img)
    for r in key.rows:
        col, row, _ = pixel_of(ds, r.center_lps_mm)
        dc = float(ds.PixelSpacing[1])
        radius = (r.long_axis_mm / 2 / dc + 6) * scale
        cx, cy = (col + 0.5) * scale, (row + 0.5) * scale
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=(255, 40, 40), width=2)
        draw.text((cx + radius + 2, cy - radius - 12), str(r.number), fill=(255, 220, 0))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def key_images(ctx: StudyContext, rows: list[NoduleRow], limit: int, size: int = 512) -> list[KeyImage]:
    """Picked and rendered; an image whose file is not at hand is left out (its reference still is not)."""
    out = []
    for k in pick_key_images(ctx, rows, limit):
        path = ctx.image_paths.get(str(k.header.SOPInstanceUID))
        if path is None:
            continue
        k.png = render(k, path, ctx.is_ct, size)
        out.append(k)
    return out
