"""Reading a CT series into a volume: sorted by geometry (not file order), validated, in HU.

The volume keeps the scanner's grid; `Volume` knows how to map voxel indices to LPS millimetres.
Tilted (gantry tilt), non-axial and irregularly spaced series are refused with a clear error because
the detector and the measurements assume a regular axial grid.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import pydicom

IMAGE_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.2",      # CT Image Storage
    "1.2.840.10008.5.1.4.1.1.2.1",    # Enhanced CT (not supported as multi-frame; refused below)
}


class SeriesError(ValueError):
    """The series cannot be used by the detector; the message says why in words a user understands."""


class LpsGrid:
    """Voxel index <-> LPS mm for a regular grid with origin_lps_mm, row_dir, col_dir, normal and
    spacing_zyx_mm attributes (the scanner's grid here, the model's grid in preprocess)."""

    def lps_of(self, zyx) -> np.ndarray:
        """LPS mm of (fractional) voxel indices; zyx may be (3,) or (n, 3)."""
        zyx = np.asarray(zyx, dtype=float)
        s = self.spacing_zyx_mm
        return (self.origin_lps_mm + zyx[..., 0:1] * s[0] * self.normal + zyx[..., 1:2] * s[1] * self.col_dir
                + zyx[..., 2:3] * s[2] * self.row_dir)

    def voxel_of(self, lps) -> np.ndarray:
        d = np.asarray(lps, dtype=float) - self.origin_lps_mm
        s = self.spacing_zyx_mm
        return np.stack([d @ self.normal / s[0], d @ self.col_dir / s[1], d @ self.row_dir / s[2]], axis=-1)


@dataclass
class Volume(LpsGrid):
    hu: np.ndarray                # float32 (z, y, x) in Hounsfield units
    origin_lps_mm: np.ndarray     # position of voxel (0, 0, 0)
    row_dir: np.ndarray           # direction of increasing column index (x)
    col_dir: np.ndarray           # direction of increasing row index (y)
    normal: np.ndarray            # direction of increasing slice index (z)
    spacing_zyx_mm: np.ndarray    # slice spacing, row spacing (between rows), column spacing
    study_uid: str
    series_uid: str
    datasets: list                # the sorted source datasets (pixel data dropped once decoded)
    slice_thickness_mm: float = 0.0  # as the scanner reconstructed it (Slice Thickness); 0: unknown

    @property
    def effective_thickness_mm(self) -> float:
        """What a nodule is blurred over along the body axis: the reconstructed thickness, or the slice
        spacing where that is larger (gaps between slices) or the thickness is unknown."""
        return float(max(self.slice_thickness_mm, float(self.spacing_zyx_mm[0])))


def _iter_files(path_or_files) -> list[Path]:
    if isinstance(path_or_files, (str, Path)):
        p = Path(path_or_files)
        if p.is_file():
            return [p]
        if not p.is_dir():
            raise FileNotFoundError(f"no such file or folder: {p}")
        return sorted(q for q in p.rglob("*") if q.is_file())
    return [Path(q) for q in path_or_files]


def read_datasets(path_or_files, stop_before_pixels: bool = False) -> list[pydicom.Dataset]:
    """Every readable DICOM dataset in a folder / file list (non-DICOM files are skipped)."""
    if not isinstance(path_or_files, (str, Path)) and path_or_files and isinstance(
            next(iter(path_or_files)), pydicom.Dataset):
        return list(path_or_files)
    out = []
    for f in _iter_files(path_or_files):
        try:
            out.append(pydicom.dcmread(f, stop_before_pixels=stop_before_pixels))
        except (pydicom.errors.InvalidDicomError, OSError, EOFError, ValueError):
            continue
    return out


def pick_ct_series(datasets: Iterable[pydicom.Dataset]) -> list[pydicom.Dataset]:
    """The CT image series with the most slices."""
    by_series: dict[str, list] = {}
    for ds in datasets:
        if "LOCALIZER" in [str(v).upper() for v in (ds.get("ImageType") or [])]:
            continue  # scout views share the series with the axial slices on some scanners
        if "PixelData" in ds and (str(ds.get("SOPClassUID", "")) in IMAGE_SOP_CLASSES or ds.get("Modality") == "CT"):
            by_series.setdefault(str(ds.get("SeriesInstanceUID", "")), []).append(ds)
    if not by_series:
        raise SeriesError("no CT image series found")
    return max(by_series.values(), key=len)


def sort_and_check(datasets: list[pydicom.Dataset], tol_deg: float = 1.0,
                   spacing_tol: float = 0.05) -> tuple[list[pydicom.Dataset], dict]:
    """Sort slices along the slice normal and check the grid is regular and axial.

    Returns the sorted datasets and the geometry (origin, directions, spacing) of the volume.
    """
    if len(datasets) < 2:
        raise SeriesError(f"a CT volume needs at least 2 slices, got {len(datasets)}")
    for ds in datasets:
        if int(ds.get("NumberOfFrames", 1) or 1) > 1:
            raise SeriesError("multi-frame (enhanced) CT is not supported; send the series as single-frame images")
        if "ImagePositionPatient" not in ds or "ImageOrientationPatient" not in ds or "PixelSpacing" not in ds:
            raise SeriesError("slices without ImagePositionPatient/ImageOrientationPatient/PixelSpacing cannot be placed")
    iop = np.array([float(v) for v in datasets[0].ImageOrientationPatient])
    for ds in datasets[1:]:
        if not np.allclose([float(v) for v in ds.ImageOrientationPatient], iop, atol=1e-3):
            raise SeriesError("slices have different orientations (ImageOrientationPatient); not one volume")
    row_dir, col_dir = iop[:3] / np.linalg.norm(iop[:3]), iop[3:] / np.linalg.norm(iop[3:])
    normal = np.cross(row_dir, col_dir)
    if abs(normal[2]) < np.cos(np.radians(tol_deg)):
        tilt = np.degrees(np.arccos(min(1.0, abs(normal[2]))))
        raise SeriesError(f"the series is not axial (slice normal {tilt:.1f} degrees off the patient axis); "
                          "the lung-nodule model needs axial slices")
    pos = np.array([[float(v) for v in ds.ImagePositionPatient] for ds in datasets])
    dist = pos @ normal
    order = np.argsort(dist, kind="stable")
    pos, dist = pos[order], dist[order]
    sorted_ds = [datasets[i] for i in order]
    steps = np.diff(dist)
    if np.any(steps < 1e-3):
        raise SeriesError("two slices share the same position; the series has duplicates or several volumes")
    # Gantry tilt: successive origins move sideways, not along the normal.
    along = np.outer(steps, normal)
    sideways = np.linalg.norm(np.diff(pos, axis=0) - along, axis=1)
    if np.max(sideways / steps) > np.tan(np.radians(tol_deg)):
        ang = np.degrees(np.arctan(np.max(sideways / steps)))
        raise SeriesError(f"gantry tilt of about {ang:.1f} degrees: slices are sheared; reconstruct without "
                          "tilt (or resample) before running the model")
    med = float(np.median(steps))
    if np.max(np.abs(steps - med)) > spacing_tol * med + 0.01:
        raise SeriesError(f"irregular slice spacing ({steps.min():.3g}-{steps.max():.3g} mm): missing or extra "
                          "slices; the model needs evenly spaced slices")
    ps = [float(v) for v in datasets[0].PixelSpacing]  # (between rows, between columns)
    shape = {(int(ds.Rows), int(ds.Columns)) for ds in datasets}
    if len(shape) != 1:
        raise SeriesError("slices have different sizes (Rows/Columns)")
    geo = dict(origin=pos[0], row_dir=row_dir, col_dir=col_dir, normal=normal,
               spacing_zyx=np.array([med, ps[0], ps[1]]))
    return sorted_ds, geo


def load_volume(path_or_files, keep_pixels: bool = False) -> Volume:
    """Read, pick the CT series, sort, check and convert to HU."""
    datasets = pick_ct_series(read_datasets(path_or_files))
    sorted_ds, geo = sort_and_check(datasets)
    first = sorted_ds[0]
    hu = np.empty((len(sorted_ds), int(first.Rows), int(first.Columns)), dtype=np.float32)
    for k, ds in enumerate(sorted_ds):
        try:
            arr = ds.pixel_array
        except Exception as exc:  # an undecodable transfer syntax: say which
            raise SeriesError(f"cannot decode slice {ds.get('SOPInstanceUID', k)} "
                              f"(transfer syntax {ds.file_meta.get('TransferSyntaxUID', '?')}): {exc}") from exc
        slope, inter = float(ds.get("RescaleSlope", 1) or 1), float(ds.get("RescaleIntercept", 0) or 0)
        hu[k] = arr.astype(np.float32) * slope + inter
        if not keep_pixels:
            del ds.PixelData
            ds._pixel_array = None
    return Volume(hu=hu, origin_lps_mm=geo["origin"], row_dir=geo["row_dir"], col_dir=geo["col_dir"],
                  normal=geo["normal"], spacing_zyx_mm=geo["spacing_zyx"], study_uid=str(first.StudyInstanceUID),
                  series_uid=str(first.SeriesInstanceUID), datasets=sorted_ds,
                  slice_thickness_mm=_thickness(first))


def _thickness(ds) -> float:
    try:
        return float(ds.get("SliceThickness") or 0.0)
    except (TypeError, ValueError):
        return 0.0
