"""Reading DICOM folders into what the viewer shows: a CT volume with LPS geometry, or a 2D radiograph.

GUI-free (no Qt). The loader is a generator so the UI can show the first image and a progress bar
while the rest of the series is still being read; an unreadable file is reported, never fatal.
"""
from __future__ import annotations

import logging
import mmap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import pydicom
from pydicom.misc import is_dicom

log = logging.getLogger(__name__)

IMAGE_MODALITIES_3D = {"CT", "MR", "PT", "NM"}
SR_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.88.11",  # Basic Text SR
    "1.2.840.10008.5.1.4.1.1.88.22",  # Enhanced SR
    "1.2.840.10008.5.1.4.1.1.88.33",  # Comprehensive SR
    "1.2.840.10008.5.1.4.1.1.88.34",  # Comprehensive 3D SR
}
NON_IMAGE_MODALITIES = {"SR", "SEG", "PR", "KO", "RTSTRUCT", "DOC"}


class LoadError(RuntimeError):
    """PATH holds nothing the viewer can show; the message says why."""


# ------------------------------------------------------------------------------------------- files
def dicom_files_in(folder: Path | str) -> list[Path]:
    """Every DICOM Part 10 file below folder (recursive), sorted by path; other files are skipped."""
    folder = Path(folder)
    if folder.is_file():
        return [folder]
    out = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != "DICOMDIR" and p.suffix.lower() not in (".json", ".sqlite", ".txt"):
            try:
                if is_dicom(p):
                    out.append(p)
            except OSError:
                continue
    return out


@dataclass
class SeriesFiles:
    series_uid: str
    study_uid: str
    modality: str
    description: str
    sop_class_uid: str
    files: list[Path] = field(default_factory=list)


def group_series(files: list[Path]) -> tuple[list[SeriesFiles], list[tuple[Path, str]]]:
    """Group files by series from their headers. Returns (series, [(bad file, reason)])."""
    series: dict[str, SeriesFiles] = {}
    bad = []
    for p in files:
        try:
            ds = pydicom.dcmread(p, stop_before_pixels=True,
                                 specific_tags=["SeriesInstanceUID", "StudyInstanceUID", "Modality",
                                                "SeriesDescription", "SOPClassUID", "SpecificCharacterSet"])
            uid = str(ds.SeriesInstanceUID)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is listed, not fatal
            bad.append((p, f"{type(exc).__name__}: {exc}"))
            continue
        s = series.get(uid)
        if s is None:
            s = series[uid] = SeriesFiles(uid, str(ds.get("StudyInstanceUID", "")), str(ds.get("Modality", "")),
                                          str(ds.get("SeriesDescription", "")), str(ds.get("SOPClassUID", "")))
        s.files.append(p)
    return list(series.values()), bad


def pick_image_series(series: list[SeriesFiles]) -> SeriesFiles | None:
    """The series a reader wants first: the largest CT series, else the largest image series."""
    images = [s for s in series if s.modality not in NON_IMAGE_MODALITIES and s.sop_class_uid not in SR_SOP_CLASSES]
    if not images:
        return None
    return max(images, key=lambda s: (s.modality == "CT", len(s.files)))


def sr_files(series: list[SeriesFiles]) -> list[Path]:
    return [f for s in series if s.modality == "SR" or s.sop_class_uid in SR_SOP_CLASSES for f in s.files]


# ---------------------------------------------------------------------------------------- geometry
@dataclass
class VolumeGeometry:
    """Voxel (k, j, i) = (slice, row, column) <-> patient LPS millimetres."""

    origin: np.ndarray  # LPS of voxel (0, 0, 0)
    row_dir: np.ndarray  # direction of increasing column index i (IOP[0:3])
    col_dir: np.ndarray  # direction of increasing row index j (IOP[3:6])
    normal: np.ndarray  # direction of increasing slice index k
    spacing: tuple[float, float, float]  # (dk, dj, di) in mm

    def to_lps(self, kji) -> np.ndarray:
        k, j, i = (float(v) for v in kji)
        dk, dj, di = self.spacing
        return self.origin + i * di * self.row_dir + j * dj * self.col_dir + k * dk * self.normal

    def to_voxel(self, lps) -> np.ndarray:
        """Fractional (k, j, i) of a patient point."""
        d = np.asarray(lps, dtype=float) - self.origin
        dk, dj, di = self.spacing
        return np.array([d @ self.normal / dk, d @ self.col_dir / dj, d @ self.row_dir / di])


@dataclass
class Volume:
    """A CT (or other cross-sectional) series: voxels (k, j, i) in modality units (HU for CT)."""

    voxels: np.ndarray
    geometry: VolumeGeometry
    meta: dict
    files: list[Path]  # in slice order
    bad_files: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.voxels.shape  # type: ignore[return-value]


@dataclass
class Radiograph:
    """A projection image (DR/CR/DX): pixels after the modality LUT, plus how to display them."""

    pixels: np.ndarray
    pixel_spacing: tuple[float, float]  # (row mm, column mm); (1, 1) when the header has none
    spacing_known: bool
    monochrome1: bool
    window: tuple[float, float]  # (center, width) after the VOI step
    voi_lut: object | None  # a function arr -> displayed values when the header has a VOI LUT
    meta: dict
    files: list[Path]
    bad_files: list[tuple[Path, str]] = field(default_factory=list)


def header_meta(ds) -> dict:
    """The plain-text facts the corner text and findings panel need (decoded with the file's charset)."""
    def s(tag, default=""):
        v = ds.get(tag, default)
        return str(v) if v is not None else default

    return {
        "patient_name": s("PatientName"), "patient_id": s("PatientID"), "patient_sex": s("PatientSex"),
        "patient_age": s("PatientAge"), "patient_birth_date": s("PatientBirthDate"),
        "study_date": s("StudyDate"), "study_time": s("StudyTime"), "study_description": s("StudyDescription"),
        "series_description": s("SeriesDescription"), "modality": s("Modality"),
        "institution": s("InstitutionName"), "study_uid": s("StudyInstanceUID"),
        "series_uid": s("SeriesInstanceUID"), "frame_uid": s("FrameOfReferenceUID"),
        "photometric": s("PhotometricInterpretation"), "window": _window_from_header(ds),
        "slice_thickness": float(ds.get("SliceThickness", 0) or 0), "transfer_syntax": str(ds.file_meta.TransferSyntaxUID)
        if hasattr(ds, "file_meta") and "TransferSyntaxUID" in ds.file_meta else "",
    }


def _window_from_header(ds) -> tuple[float, float] | None:
    wc, ww = ds.get("WindowCenter"), ds.get("WindowWidth")
    if wc is None or ww is None:
        return None
    wc = wc[0] if isinstance(wc, pydicom.multival.MultiValue) else wc
    ww = ww[0] if isinstance(ww, pydicom.multival.MultiValue) else ww
    if float(ww) <= 0:
        return None
    return float(wc), float(ww)


def _rescale(ds) -> tuple[float, float]:
    return float(ds.get("RescaleSlope", 1) or 1), float(ds.get("RescaleIntercept", 0) or 0)


# -------------------------------------------------------------------------------------------- loading
@dataclass
class LoadEvent:
    """What the loader reports: kind is "first" (a first slice to show), "progress", "bad", or "done"."""

    kind: str
    done: int = 0
    total: int = 0
    image: np.ndarray | None = None
    meta: dict | None = None
    path: Path | None = None
    reason: str = ""
    result: Volume | Radiograph | None = None
    partial: "PartialVolume | None" = None  # on the CT "first" event: the slices read so far, growing


class PartialVolume:
    """The slices of a CT series read so far, for looking through while the rest loads: slot s of
    `voxels` holds the slice at position `positions[s]` along the normal (file order, not sorted).
    Written by the loading thread, only ever appended to; readers take len(positions) first."""

    def __init__(self, voxels: np.ndarray, positions: list[float], meta: dict):
        self.voxels = voxels
        self.positions = positions
        self.meta = meta

    def count(self) -> int:
        return len(self.positions)

    def order(self) -> np.ndarray:
        """Slots of the slices read so far, sorted by position."""
        n = self.count()
        return np.argsort(np.asarray(self.positions[:n]), kind="stable")


_NATIVE_LE = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1"}


def _pixels_of(ds) -> np.ndarray:
    """The stored pixel values of a single-frame greyscale image (first frame of a multi-frame one).

    Native little-endian 16-bit data is read straight from the PixelData bytes (a view, no copy): for
    a 500-slice CT that skips pydicom's per-file decoder set-up, which costs as much as the file read.
    Everything else (JPEG, JPEG-LS, JPEG 2000, RLE, big endian, 8/32 bit) goes through pydicom.
    """
    ts = str(ds.file_meta.get("TransferSyntaxUID", "")) if hasattr(ds, "file_meta") else ""
    if (ts in _NATIVE_LE and int(ds.get("BitsAllocated", 0)) == 16 and int(ds.get("SamplesPerPixel", 1)) == 1
            and int(ds.get("NumberOfFrames", 1) or 1) == 1 and "PixelData" in ds):
        rows, cols = int(ds.Rows), int(ds.Columns)
        signed = int(ds.get("PixelRepresentation", 0)) == 1
        raw = ds.PixelData
        if len(raw) >= rows * cols * 2:
            arr = np.frombuffer(raw, dtype="<i2" if signed else "<u2", count=rows * cols).reshape(rows, cols)
            bits = int(ds.get("BitsStored", 16) or 16)
            if bits < 16:  # unused high bits may hold overlays or garbage: mask / sign-extend like pydicom
                if signed:
                    shift = np.int16(16 - bits)
                    arr = (arr << shift) >> shift
                elif int(arr.max()) >= (1 << bits):
                    arr = arr & np.uint16((1 << bits) - 1)
            return arr
    arr = ds.pixel_array
    if arr.ndim == 3 and int(ds.get("NumberOfFrames", 1) or 1) > 1 and int(ds.get("SamplesPerPixel", 1)) == 1:
        arr = arr[0]  # first frame of a multi-frame projection image
    if arr.ndim != 2:
        raise ValueError(f"not a greyscale image (shape {arr.shape}, "
                         f"{ds.get('PhotometricInterpretation', '?')}): colour images are not shown")
    return arr


def _alloc_volume(shape: tuple[int, int, int], dtype) -> np.ndarray:
    """An uninitialised array for a volume. Large ones come from a plain anonymous mmap: numpy asks
    the kernel for transparent huge pages on big arrays, and on a busy machine the kernel then stalls
    compacting memory for them (loading a 500-slice CT took up to 3x longer than with 4 KB pages)."""
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if nbytes < 64 * 2**20 or not hasattr(mmap, "MAP_ANONYMOUS"):
        return np.empty(shape, dtype=dtype)
    buf = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    return np.frombuffer(buf, dtype=dtype).reshape(shape)


def _is_image(ds) -> bool:
    return ("PixelData" in ds and str(ds.get("Modality", "")) not in NON_IMAGE_MODALITIES
            and str(ds.get("SOPClassUID", "")) not in SR_SOP_CLASSES)


def _is_localizer(ds) -> bool:
    return any(str(v).upper() == "LOCALIZER" for v in (ds.get("ImageType") or []))


def _store_slice(vox: np.ndarray, slot: int, arr: np.ndarray, slope: float, intercept: float) -> np.ndarray:
    """Write modality values of one slice into vox[slot] in a single pass; may widen vox to float32."""
    if vox.dtype == np.int16 and not (slope == 1 and intercept == int(intercept) and abs(intercept) < 16384):
        vox = vox.astype(np.float32)  # rare: a series that changes rescale mid-way
    if vox.dtype == np.int16:
        if arr.dtype == np.uint16 and int(arr.max()) < 32768:
            arr = arr.view(np.int16)
        if arr.dtype == np.int16 and intercept:
            np.add(arr, np.int16(intercept), out=vox[slot])
        else:
            np.copyto(vox[slot], arr, casting="unsafe")
            if intercept:
                vox[slot] += np.int16(intercept)
    else:
        np.multiply(arr, np.float32(slope), out=vox[slot], casting="unsafe")
        vox[slot] += np.float32(intercept)
    return vox


def iter_load_series(files: list[Path]) -> Iterator[LoadEvent]:
    """Decode a series file by file, reading every file once, and report as it goes.

    files may be one series or a whole study folder: objects without pixels (SR, SEG, KO, PR) are
    skipped, the image series of the first non-localizer image is decoded and files of other series
    are put aside (if one of those turns out larger, it is loaded instead at the end). A single
    projection image gives a Radiograph, a cross-sectional series a Volume sorted along the slice
    normal. The volume is written into one preallocated array and sorted in place at the end, so
    memory stays near the voxel bytes (no list of slices plus a stacked copy).
    """
    files = list(files)
    total = len(files)
    if total == 0:
        raise LoadError("no DICOM image files to load")
    bad: list[tuple[Path, str]] = []
    vox = None
    positions: list[float] = []
    kept_files: list[Path] = []
    first_ds = None
    partial = None
    target = None  # series UID being decoded
    pending: list[tuple[Path, object]] = []  # image files read before the target was chosen
    others: dict[str, list[Path]] = {}
    normal = None
    for n, p in enumerate(files):
        try:
            ds = pydicom.dcmread(p)
        except Exception as exc:  # noqa: BLE001 - a bad file is listed, not fatal
            log.warning("cannot read %s: %s", p, exc)
            bad.append((p, f"{type(exc).__name__}: {exc}"))
            yield LoadEvent("bad", n + 1, total, path=p, reason=bad[-1][1])
            continue
        if not _is_image(ds):
            yield LoadEvent("progress", n + 1, total)
            continue
        uid = str(ds.get("SeriesInstanceUID", ""))
        if target is None:
            if _is_localizer(ds) and n + 1 < total:
                others.setdefault(uid, []).append(p)
                yield LoadEvent("progress", n + 1, total)
                continue
            target = uid
        elif uid != target:
            others.setdefault(uid, []).append(p)
            yield LoadEvent("progress", n + 1, total)
            continue
        try:
            if first_ds is not None and (ds.Rows, ds.Columns) != (first_ds.Rows, first_ds.Columns):
                raise ValueError(f"{ds.Rows}x{ds.Columns} differs from the series' {first_ds.Rows}x{first_ds.Columns}")
            arr = _pixels_of(ds)
            if first_ds is None:
                modality = str(ds.get("Modality", ""))
                projection = (total == 1 or modality not in IMAGE_MODALITIES_3D or "ImagePositionPatient" not in ds
                              or "ImageOrientationPatient" not in ds)
                if projection:
                    yield LoadEvent("first", n + 1, total, image=arr, meta=header_meta(ds))
                    rad = _radiograph(ds, arr, [p], bad)
                    yield LoadEvent("done", total, total, result=rad)
                    return
                iop = np.array([float(v) for v in ds.ImageOrientationPatient])
                normal = np.cross(iop[:3], iop[3:])
                slope, intercept = _rescale(ds)
                int_ok = (slope == 1 and intercept == int(intercept) and abs(intercept) < 16384
                          and (int(ds.get("BitsStored", 16)) <= 14 or int(ds.get("PixelRepresentation", 0)) == 1))
                # pages are only committed when written, so slots left for other files cost nothing
                vox = _alloc_volume((total - n, int(ds.Rows), int(ds.Columns)), np.int16 if int_ok else np.float32)
            position = float(np.dot([float(v) for v in ds.ImagePositionPatient], normal))
            slope, intercept = _rescale(ds)
            vox = _store_slice(vox, len(positions), arr, slope, intercept)
            if partial is not None:
                partial.voxels = vox  # _store_slice may have widened it to float32
        except Exception as exc:  # noqa: BLE001 - a bad file is listed, not fatal
            log.warning("cannot decode %s: %s", p, exc)
            bad.append((p, f"{type(exc).__name__}: {exc}"))
            yield LoadEvent("bad", n + 1, total, path=p, reason=bad[-1][1])
            continue
        if first_ds is None:
            first_ds = ds
            meta = header_meta(ds)
            partial = PartialVolume(vox, positions, meta)
            positions.append(position)
            yield LoadEvent("first", n + 1, total, image=vox[0].copy(), meta=meta, partial=partial)
        else:
            positions.append(position)
        kept_files.append(p)
        yield LoadEvent("progress", n + 1, total)
    bigger = max(others.values(), key=len, default=[])
    if len(bigger) > len(kept_files):
        log.info("loading the larger series (%d files) instead of %d files", len(bigger), len(kept_files))
        del vox
        for ev in iter_load_series(bigger):
            if ev.kind == "done":
                ev.result.bad_files[:0] = bad
            yield ev
        return
    if first_ds is None:
        if bad:
            raise LoadError(f"none of the {total} files could be read: {bad[0][1]}")
        raise LoadError(f"none of the {total} files holds an image")
    vol = _finish_volume(first_ds, vox, positions, kept_files, bad)
    yield LoadEvent("done", total, total, result=vol)


def _permute_in_place(vox: np.ndarray, order: list[int]) -> None:
    """vox[:] = vox[order] without a second full-size array (cycle walk, one slice of scratch)."""
    n = len(order)
    seen = [False] * n
    tmp = np.empty_like(vox[0])
    for start in range(n):
        if seen[start] or order[start] == start:
            seen[start] = True
            continue
        tmp[...] = vox[start]
        cur = start
        while True:
            seen[cur] = True
            src = order[cur]
            if src == start:
                vox[cur] = tmp
                break
            vox[cur] = vox[src]
            cur = src


def _finish_volume(ds, vox, positions, files, bad) -> Volume:
    n = len(positions)
    vox = vox[:n]  # a view: bad files leave unused slots at the end
    order = sorted(range(n), key=lambda s: positions[s])
    _permute_in_place(vox, order)
    pos = [positions[s] for s in order]
    positions[:] = pos  # a PartialVolume still being looked at sees slot s at positions[s] again
    files = [files[s] for s in order]
    iop = np.array([float(v) for v in ds.ImageOrientationPatient])
    row_dir, col_dir = iop[:3], iop[3:]
    normal = np.cross(row_dir, col_dir)
    ps = [float(v) for v in ds.PixelSpacing] if "PixelSpacing" in ds else [1.0, 1.0]
    gaps = np.diff(pos)
    dk = float(np.median(gaps)) if len(gaps) else float(ds.get("SliceThickness", 1) or 1)
    if dk <= 0:
        dk = float(ds.get("SliceThickness", 1) or 1)
    # origin: the first slice in sorted order, in the plane of the first-read file
    first_ipp = np.array([float(v) for v in ds.ImagePositionPatient])
    origin = first_ipp + (pos[0] - float(first_ipp @ normal)) * normal
    geo = VolumeGeometry(origin=origin, row_dir=row_dir, col_dir=col_dir, normal=normal,
                         spacing=(dk, ps[0], ps[1]))
    meta = header_meta(ds)
    meta["window"] = _window_from_header(ds)
    meta["slice_thickness"] = float(ds.get("SliceThickness", dk) or dk)
    return Volume(voxels=vox, geometry=geo, meta=meta, files=files, bad_files=bad)


def _compact(values: np.ndarray) -> np.ndarray:
    """Integer-valued pixels as uint16/int16 (display goes through a 64 K lookup table then)."""
    if values.dtype in (np.uint16, np.int16):
        return values
    if values.dtype.kind == "f" and not np.all(np.isfinite(values[::7, ::7])):
        return values.astype(np.float32)
    lo, hi = float(values.min()), float(values.max())
    if values.dtype.kind in "iu" or np.array_equal(values[::7, ::7], np.round(values[::7, ::7])):
        if lo >= 0 and hi < 65536:
            return values.astype(np.uint16)
        if lo >= -32768 and hi < 32768:
            return values.astype(np.int16)
    return values.astype(np.float32)


def _radiograph(ds, arr, files, bad) -> Radiograph:
    """Modality LUT, then the header's VOI LUT (applied once, here) or its window."""
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    slope, intercept = _rescale(ds)
    if "ModalityLUTSequence" in ds or slope != 1 or intercept != 0:
        pixels = apply_modality_lut(arr, ds)
    else:
        pixels = arr
    spacing = None
    for tag in ("PixelSpacing", "ImagerPixelSpacing"):
        if tag in ds and ds[tag].value and all(float(v) > 0 for v in ds[tag].value):
            spacing = (float(ds[tag].value[0]), float(ds[tag].value[1]))
            break
    window = _window_from_header(ds)
    voi_applied = False
    if "VOILUTSequence" in ds and len(ds.VOILUTSequence):
        # the header's LUT maps stored values to display values: apply it once; the window then
        # spans the LUT's output range and right-drag adjusts from there
        pixels = apply_voi_lut(pixels, ds, prefer_lut=True)
        lo, hi = float(pixels.min()), float(pixels.max())
        window = ((lo + hi) / 2, max(hi - lo, 1.0))
        voi_applied = True
    pixels = _compact(np.asarray(pixels))
    if window is None:
        lo, hi = np.percentile(pixels[::4, ::4], [0.5, 99.5])
        window = (float(lo + hi) / 2, float(max(hi - lo, 1)))
    meta = header_meta(ds)
    meta["voi_lut_applied"] = voi_applied
    return Radiograph(pixels=pixels, pixel_spacing=spacing or (1.0, 1.0), spacing_known=spacing is not None,
                      monochrome1=str(ds.get("PhotometricInterpretation", "")) == "MONOCHROME1",
                      window=window, voi_lut=None, meta=meta, files=files, bad_files=bad)


def load_series(files: list[Path]) -> Volume | Radiograph:
    """The blocking form of iter_load_series (tests, benchmarks, screenshot mode)."""
    result = None
    for ev in iter_load_series(files):
        if ev.kind == "done":
            result = ev.result
    assert result is not None
    return result
