"""Synthetic chest studies with known nodules: a CT series (body, lungs, heart, vessels, ribs, spine,
nodules of four kinds) or a DX chest radiograph, written as DICOM plus a ground-truth JSON.

Tests and training both use it. Shapes are analytic in patient millimetres (LPS); small structures
(vessels, ribs, nodules) are averaged over sub-planes of each slice so that thick slices show the
partial-volume blur a real scanner gives.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
DX_PRESENTATION_STORAGE = "1.2.840.10008.5.1.4.1.1.1.1"

HU_AIR, HU_LUNG, HU_FAT, HU_SOFT, HU_BLOOD, HU_BONE = -1000.0, -860.0, -100.0, 40.0, 40.0, 650.0
NODULE_HU = {"solid": 35.0, "part_solid": -520.0, "ground_glass": -620.0}
KIND_WEIGHTS = {"solid": 0.5, "part_solid": 0.2, "ground_glass": 0.15, "juxtapleural": 0.15}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平"]


@dataclass
class PhantomNodule:
    center_lps_mm: tuple[float, float, float]
    diameter_mm: float  # long axis
    kind: str  # solid | part_solid | ground_glass (juxtapleural ones are solid and flagged)
    juxtapleural: bool = False
    semi_axes_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    volume_mm3: float = 0.0


@dataclass
class Geometry:
    """Axial slices: row direction +x, column direction +y, slices along +z."""

    origin_lps_mm: tuple[float, float, float]
    pixel_mm: float
    slice_spacing_mm: float
    slice_thickness_mm: float
    shape_zyx: tuple[int, int, int]

    def slice_z(self, k: int) -> float:
        return self.origin_lps_mm[2] + k * self.slice_spacing_mm

    def voxel_of(self, lps: tuple[float, float, float]) -> tuple[float, float, float]:
        """(z, y, x) fractional voxel index of a patient point."""
        x0, y0, z0 = self.origin_lps_mm
        return ((lps[2] - z0) / self.slice_spacing_mm, (lps[1] - y0) / self.pixel_mm, (lps[0] - x0) / self.pixel_mm)


@dataclass
class CTPhantom:
    hu: np.ndarray  # int16 (z, y, x)
    geometry: Geometry
    nodules: list[PhantomNodule]
    seed: int
    params: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------- anatomy
class _Anatomy:
    """Analytic chest: evaluates tissue masks on an axial plane at height z (mm)."""

    def __init__(self, rng: np.random.Generator, body_scale: float, z_mid: float):
        s = body_scale
        self.s = s
        self.body = (0.0, 8.0 * s, 165.0 * s, 118.0 * s)  # cx, cy, ax, ay
        self.fat_mm = float(rng.uniform(8, 22)) * s
        self.lung_zc = z_mid + 10.0
        self.lung_h = 135.0
        jitter = lambda: float(rng.uniform(0.93, 1.07))
        # patient right lung at -x, left at +x (LPS)
        self.lungs = [(-72.0 * s, 2.0 * s, 58.0 * s * jitter(), 86.0 * s * jitter()),
                      (72.0 * s, 2.0 * s, 54.0 * s * jitter(), 86.0 * s * jitter())]
        self.heart = (22.0 * s, -22.0 * s, 58.0 * s, 50.0 * s)
        self.spine = (0.0, 82.0 * s, 17.0 * s)
        self.aorta = (16.0 * s, 42.0 * s, 13.0 * s)

    def lung_profile(self, z: float) -> float:
        """Lung cross-section scale at height z: 0 outside the lungs, dome-shaped apex and base."""
        t = (z - self.lung_zc) / self.lung_h
        if abs(t) >= 1:
            return 0.0
        if t < 0:  # towards the diaphragm: flatter, wider base
            return math.sqrt(max(0.0, 1 - t**4))
        return math.sqrt(max(0.0, 1 - t**2))

    def heart_profile(self, z: float) -> float:
        t = (z - (self.lung_zc - 55.0)) / 60.0
        return math.sqrt(max(0.0, 1 - t * t))

    def lung_mask_points(self, x: np.ndarray, y: np.ndarray, z: float) -> np.ndarray:
        p = self.lung_profile(z)
        if p <= 0:
            return np.zeros(np.broadcast(x, y).shape, dtype=bool)
        m = np.zeros(np.broadcast(x, y).shape, dtype=bool)
        for cx, cy, ax, ay in self.lungs:
            m |= ((x - cx) / (ax * p)) ** 2 + ((y - cy) / (ay * max(p, 0.6))) ** 2 < 1.0
        hp = self.heart_profile(z)
        if hp > 0:
            hx, hy, hax, hay = self.heart
            m &= ~(((x - hx) / (hax * hp)) ** 2 + ((y - hy) / (hay * hp)) ** 2 < 1.0)
        sx, sy, sr = self.spine
        m &= ~((x - sx) ** 2 + (y - sy) ** 2 < (sr + 12) ** 2)
        return m

    def lung_depth_mm(self, p: tuple[float, float, float], probe_mm: float) -> bool:
        """True when a ball of radius probe_mm around p lies inside the lungs (checked on 26 points)."""
        x, y, z = p
        pts = [(0, 0, 0)] + [(dx, dy, dz) for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1) if (dx, dy, dz) != (0, 0, 0)]
        for dx, dy, dz in pts:
            n = math.sqrt(dx * dx + dy * dy + dz * dz) or 1.0
            q = (x + dx / n * probe_mm, y + dy / n * probe_mm, z + dz / n * probe_mm)
            if not self.lung_mask_points(np.array(q[0]), np.array(q[1]), q[2]):
                return False
        return True

    def render_plane(self, X: np.ndarray, Y: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
        """HU image and lung mask of the plane at height z."""
        img = np.full(X.shape, HU_AIR, dtype=np.float32)
        cx, cy, ax, ay = self.body
        r_body = ((X - cx) / ax) ** 2 + ((Y - cy) / ay) ** 2
        img[r_body < 1.0] = HU_FAT
        f = self.fat_mm
        img[((X - cx) / (ax - f)) ** 2 + ((Y - cy) / (ay - f)) ** 2 < 1.0] = HU_SOFT
        lung = self.lung_mask_points(X, Y, z)
        img[lung] = HU_LUNG
        ax_, ay_, ar = self.aorta
        img[(X - ax_) ** 2 + (Y - ay_) ** 2 < ar**2] = HU_BLOOD + 5
        sx, sy, sr = self.spine
        d2 = (X - sx) ** 2 + (Y - sy) ** 2
        img[d2 < sr**2] = 260.0
        img[(d2 < sr**2) & (d2 > (sr - 2.5) ** 2)] = HU_BONE + 150
        img[(X - sx) ** 2 + (Y - (sy + sr + 9)) ** 2 < 7.0**2] = 15.0  # spinal canal
        return img, lung


# --------------------------------------------------------------------------------- small structures
def _segment_distance(px, py, pz, a, b):
    ab = b - a
    L2 = float(ab @ ab) or 1e-9
    t = ((px - a[0]) * ab[0] + (py - a[1]) * ab[1] + (pz - a[2]) * ab[2]) / L2
    t = np.clip(t, 0.0, 1.0)
    dx, dy, dz = px - (a[0] + t * ab[0]), py - (a[1] + t * ab[1]), pz - (a[2] + t * ab[2])
    return np.sqrt(dx * dx + dy * dy + dz * dz)


class _Painter:
    """Paints tubes and ellipsoids into the HU volume, averaging over sub-planes of each slice."""

    def __init__(self, vol: np.ndarray, lung: np.ndarray, geo: Geometry):
        self.vol, self.lung, self.geo = vol, lung, geo
        self.nsub = max(1, int(math.ceil(geo.slice_thickness_mm / 0.6)))
        self.sub = (np.arange(self.nsub) + 0.5) / self.nsub - 0.5  # fractions of the thickness

    def _bbox(self, lo, hi):
        g = self.geo
        (z0, y0, x0), (z1, y1, x1) = g.voxel_of(tuple(lo)), g.voxel_of(tuple(hi))
        nz, ny, nx = g.shape_zyx
        pad_z = g.slice_thickness_mm / g.slice_spacing_mm
        zs = slice(max(0, int(math.floor(min(z0, z1) - pad_z))), min(nz, int(math.ceil(max(z0, z1) + pad_z)) + 1))
        ys = slice(max(0, int(math.floor(min(y0, y1))) - 1), min(ny, int(math.ceil(max(y0, y1))) + 2))
        xs = slice(max(0, int(math.floor(min(x0, x1))) - 1), min(nx, int(math.ceil(max(x0, x1))) + 2))
        if zs.start >= zs.stop or ys.start >= ys.stop or xs.start >= xs.stop:
            return None
        return zs, ys, xs

    def _grids(self, zs, ys, xs):
        g = self.geo
        x = g.origin_lps_mm[0] + np.arange(xs.start, xs.stop) * g.pixel_mm
        y = g.origin_lps_mm[1] + np.arange(ys.start, ys.stop) * g.pixel_mm
        zc = g.origin_lps_mm[2] + np.arange(zs.start, zs.stop) * g.slice_spacing_mm
        z = zc[:, None] + self.sub[None, :] * g.slice_thickness_mm  # (nz, nsub)
        return (x[None, None, None, :], y[None, None, :, None], z[:, :, None, None])

    def _blend(self, sl, weight, value, lung_only, mode):
        cur = self.vol[sl]
        if lung_only:
            weight = weight * self.lung[sl]
        new = cur + weight * (value - cur)
        self.vol[sl] = np.maximum(cur, new) if mode == "max" else new

    def tube(self, a, b, radius, value, lung_only=True, mode="lerp"):
        a, b = np.asarray(a, float), np.asarray(b, float)
        pad = radius + 2 * self.geo.pixel_mm
        box = self._bbox(np.minimum(a, b) - pad, np.maximum(a, b) + pad)
        if box is None:
            return
        X, Y, Z = self._grids(*box)
        d = _segment_distance(X, Y, Z, a, b)
        w = np.clip((radius - d) / self.geo.pixel_mm + 0.5, 0.0, 1.0).mean(axis=1)
        self._blend(box, w, value, lung_only, mode)

    def ellipsoid(self, c, semi, value, mode="max", lobulation=0.0, phase=0.0):
        c, semi = np.asarray(c, float), np.asarray(semi, float)
        pad = semi.max() * (1 + lobulation) + 2 * self.geo.pixel_mm
        box = self._bbox(c - pad, c + pad)
        if box is None:
            return
        X, Y, Z = self._grids(*box)
        dx, dy, dz = (X - c[0]) / semi[0], (Y - c[1]) / semi[1], (Z - c[2]) / semi[2]
        r = np.sqrt(dx * dx + dy * dy + dz * dz)
        if lobulation:
            ang = np.arctan2(dy, dx)
            r = r / (1 + lobulation * np.sin(3 * ang + phase) * np.cos(2 * np.arctan2(dz, np.hypot(dx, dy))))
        edge_mm = semi.mean()
        w = np.clip((1.0 - r) * edge_mm / self.geo.pixel_mm + 0.5, 0.0, 1.0).mean(axis=1)
        self._blend(box, w, value, False, mode)


def _vessel_tree(rng, anatomy: _Anatomy, painter: _Painter, root, direction, radius, depth):
    if depth == 0 or radius < 0.6:
        return
    length = float(rng.uniform(18, 34)) * (0.6 + 0.4 * radius / 5.0)
    d = np.asarray(direction, float) + rng.normal(0, 0.35, 3)
    d /= np.linalg.norm(d)
    end = np.asarray(root, float) + d * length
    if not anatomy.lung_mask_points(np.array(end[0]), np.array(end[1]), float(end[2])):
        end = np.asarray(root, float) + d * length * 0.5
    painter.tube(root, end, radius, HU_BLOOD)
    for sign in (-1, 1):
        child = d + sign * rng.normal(0, 0.5, 3)
        _vessel_tree(rng, anatomy, painter, end, child, radius * float(rng.uniform(0.68, 0.8)), depth - 1)


def _ribs(anatomy: _Anatomy, painter: _Painter, z_top: float, z_bottom: float):
    cx, cy, ax, ay = anatomy.body
    f = anatomy.fat_mm
    rib_ax, rib_ay = ax - f - 9.0, ay - f - 9.0
    z = z_top
    while z > z_bottom:
        for side in (-1, 1):
            pts = []
            for th in np.linspace(math.pi / 2 * 0.82, -math.pi / 2 * 0.7, 14):  # posterior -> lateral -> anterior
                x = cx + side * rib_ax * math.cos(th) * 0.98
                y = cy + rib_ay * math.sin(th)
                pts.append((x, y, z - 45.0 * (1 - math.sin(th)) / 2))
            for a, b in zip(pts[:-1], pts[1:]):
                painter.tube(a, b, 4.2, HU_BONE, lung_only=False, mode="max")
        z -= 24.0


def _place_nodules(rng, anatomy: _Anatomy, geo: Geometry, n: int, kinds, size_range) -> list[PhantomNodule]:
    z_lo = geo.origin_lps_mm[2] + 0.5 * geo.slice_spacing_mm
    z_hi = geo.slice_z(geo.shape_zyx[0] - 1)
    nodules: list[PhantomNodule] = []
    tries = 0
    while len(nodules) < n and tries < 4000:
        tries += 1
        kind = kinds[len(nodules) % len(kinds)] if kinds else str(
            rng.choice(list(KIND_WEIGHTS), p=list(KIND_WEIGHTS.values())))
        d = float(np.exp(rng.uniform(np.log(size_range[0]), np.log(size_range[1]))))
        r = d / 2
        lung = anatomy.lungs[int(rng.integers(2))]
        p = (lung[0] + rng.uniform(-1, 1) * lung[2], lung[1] + rng.uniform(-1, 1) * lung[3],
             rng.uniform(z_lo + min(r, 0.3 * (z_hi - z_lo)), z_hi - min(r, 0.3 * (z_hi - z_lo))) if z_hi > z_lo else z_lo)
        p = tuple(float(v) for v in p)
        if kind == "juxtapleural":
            # Inside the lung, but with the wall within 0.3 radius of the nodule's edge.
            if not anatomy.lung_depth_mm(p, 0.5 * r) or anatomy.lung_depth_mm(p, 1.3 * r + 1.0):
                continue
        elif not anatomy.lung_depth_mm(p, r + 4.0):
            continue
        if any(np.linalg.norm(np.subtract(p, o.center_lps_mm)) < (r + o.diameter_mm / 2 + 8) for o in nodules):
            continue
        elong = rng.uniform(1.0, 1.25, 3)
        semi = tuple(float(r * e / elong.max()) for e in elong)
        long_axis = 2 * max(semi)
        nodules.append(PhantomNodule(center_lps_mm=p, diameter_mm=round(long_axis, 2),
                                     kind="solid" if kind == "juxtapleural" else kind,
                                     juxtapleural=kind == "juxtapleural", semi_axes_mm=semi,
                                     volume_mm3=round(4 / 3 * math.pi * semi[0] * semi[1] * semi[2], 1)))
    return nodules


def make_ct_phantom(seed: int = 0, slices: int = 240, thickness_mm: float = 1.25, spacing_mm: float | None = None,
                    rows: int = 512, pixel_mm: float = 0.7, noise_hu: float | None = None, body_scale: float | None = None,
                    n_nodules: int | None = None, kinds: list[str] | None = None,
                    size_range_mm: tuple[float, float] = (3.0, 30.0), z_center_mm: float = -125.0) -> CTPhantom:
    """A chest CT volume in HU (int16, z-y-x) with its geometry and ground-truth nodules."""
    rng = np.random.default_rng(seed)
    spacing = float(spacing_mm or thickness_mm)
    noise = float(noise_hu if noise_hu is not None else rng.uniform(12, 35))
    scale = float(body_scale if body_scale is not None else rng.uniform(0.85, 1.1))
    extent = (slices - 1) * spacing
    geo = Geometry(origin_lps_mm=(-(rows / 2) * pixel_mm, -(rows / 2) * pixel_mm, z_center_mm - extent / 2),
                   pixel_mm=pixel_mm, slice_spacing_mm=spacing, slice_thickness_mm=float(thickness_mm),
                   shape_zyx=(slices, rows, rows))
    anatomy = _Anatomy(rng, scale, z_center_mm)
    coords = geo.origin_lps_mm[0] + np.arange(rows, dtype=np.float32) * pixel_mm
    X, Y = np.meshgrid(coords, coords)  # X varies along columns, Y along rows
    vol = np.empty((slices, rows, rows), dtype=np.float32)
    lung = np.empty((slices, rows, rows), dtype=bool)
    for k in range(slices):
        vol[k], lung[k] = anatomy.render_plane(X, Y, geo.slice_z(k))

    painter = _Painter(vol, lung, geo)
    for lx, ly, _, _ in anatomy.lungs:
        hilum_x = lx * 0.55
        for dz, dirz in ((35.0, 0.9), (20.0, 0.4), (0.0, 0.0), (-20.0, -0.4), (-40.0, -0.9)):
            for diry in (-0.7, 0.7):
                root = (hilum_x, ly - 5.0, anatomy.lung_zc - 40.0 + dz)
                _vessel_tree(rng, anatomy, painter, root, (np.sign(lx), diry + rng.uniform(-0.3, 0.3), dirz), 4.5, 6)
    if n_nodules is None:
        n_nodules = int(rng.integers(3, 7))
    nodules = _place_nodules(rng, anatomy, geo, n_nodules, kinds, size_range_mm)
    for nod in nodules:
        semi = nod.semi_axes_mm
        lob = float(rng.uniform(0.0, 0.12)) if nod.kind == "solid" else 0.0
        if nod.kind == "part_solid":
            painter.ellipsoid(nod.center_lps_mm, semi, NODULE_HU["part_solid"] + rng.normal(0, 40))
            painter.ellipsoid(nod.center_lps_mm, tuple(s * 0.5 for s in semi), NODULE_HU["solid"])
        else:
            value = NODULE_HU[nod.kind] + rng.normal(0, 20 if nod.kind == "solid" else 40)
            painter.ellipsoid(nod.center_lps_mm, semi, value, lobulation=lob, phase=float(rng.uniform(0, 6)))
    _ribs(anatomy, painter, geo.slice_z(slices - 1) + 40, geo.origin_lps_mm[2] - 40)

    # CT noise is correlated over a few pixels: filter white noise, then restore its SD.
    from scipy.ndimage import gaussian_filter

    nrng = np.random.default_rng(seed + 7919)
    for k in range(slices):
        n = gaussian_filter(nrng.standard_normal((rows, rows)).astype(np.float32), 0.7)
        vol[k] += n * (noise / 0.40)
    outside = vol < -990
    vol[outside] = HU_AIR + nrng.normal(0, 3, int(outside.sum()))
    hu = np.clip(np.rint(vol), -1024, 3071).astype(np.int16)
    params = dict(slices=slices, thickness_mm=thickness_mm, spacing_mm=spacing, rows=rows, pixel_mm=pixel_mm,
                  noise_hu=round(noise, 2), body_scale=round(scale, 3))
    return CTPhantom(hu=hu, geometry=geo, nodules=nodules, seed=seed, params=params)


# ------------------------------------------------------------------------------------------ DICOM out
def phantom_patient(seed: int) -> tuple[str, str]:
    """A reproducible Chinese patient name (GB18030) and ID for a seed."""
    rng = np.random.default_rng(seed + 104729)
    name = SURNAMES[int(rng.integers(len(SURNAMES)))] + "^" + GIVEN[int(rng.integers(len(GIVEN)))]
    return name, f"PH{seed:06d}"


def _base_dataset(sop_class: str, modality: str, study_uid: str, series_uid: str, patient_name: str,
                  patient_id: str, charset: str, when: _dt.datetime):
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, PYDICOM_IMPLEMENTATION_UID

    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds.SpecificCharacterSet = charset
    ds.SOPClassUID = sop_class
    ds.PatientName = patient_name
    ds.PatientID = patient_id
    ds.PatientBirthDate = "19650101"
    ds.PatientSex = "M"
    ds.PatientAge = f"{when.year - 1965:03d}Y"
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.StudyDate = ds.SeriesDate = ds.ContentDate = when.strftime("%Y%m%d")
    ds.StudyTime = ds.SeriesTime = ds.ContentTime = when.strftime("%H%M%S")
    ds.AccessionNumber = f"A{patient_id[2:]}"
    ds.ReferringPhysicianName = ""
    ds.StudyID = "1"
    ds.StudyDescription = "胸部CT平扫 (phantom)" if modality == "CT" else "胸部正位 (phantom)"
    ds.Modality = modality
    ds.SeriesNumber = 1
    ds.Manufacturer = "township-pacs phantom"
    ds.InstitutionName = "乡镇卫生院"
    ds.BodyPartExamined = "CHEST"
    ds.PatientPosition = "HFS" if modality == "CT" else ""
    return ds


def write_ct_series(ph: CTPhantom, outdir: Path, patient_name: str, patient_id: str, charset: str = "GB18030",
                    study_uid: str | None = None, series_uid: str | None = None) -> tuple[str, str, list[Path]]:
    from pydicom.uid import generate_uid

    outdir.mkdir(parents=True, exist_ok=True)
    study_uid = study_uid or generate_uid()
    series_uid = series_uid or generate_uid()
    frame_uid = generate_uid()
    when = _dt.datetime(2026, 1, 1, 9, 0, 0) + _dt.timedelta(minutes=ph.seed % 100000)
    geo = ph.geometry
    paths = []
    stored = (ph.hu.astype(np.int32) + 1024).clip(0, 4095).astype(np.uint16)
    for k in range(geo.shape_zyx[0]):
        ds = _base_dataset(CT_IMAGE_STORAGE, "CT", study_uid, series_uid, patient_name, patient_id, charset, when)
        ds.SeriesDescription = f"Chest {geo.slice_thickness_mm:g}mm phantom"
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
        ds.FrameOfReferenceUID = frame_uid
        ds.PositionReferenceIndicator = ""
        ds.InstanceNumber = k + 1
        ds.AcquisitionNumber = 1
        ds.ImagePositionPatient = [f"{v:.4f}" for v in (geo.origin_lps_mm[0], geo.origin_lps_mm[1], geo.slice_z(k))]
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.SliceLocation = f"{geo.slice_z(k):.4f}"
        ds.PixelSpacing = [geo.pixel_mm, geo.pixel_mm]
        ds.SliceThickness = geo.slice_thickness_mm
        ds.KVP = 120
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.Rows, ds.Columns = geo.shape_zyx[1], geo.shape_zyx[2]
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = -1024, 1, "HU"
        ds.WindowCenter, ds.WindowWidth = -600, 1500
        ds.PixelData = stored[k].tobytes()
        path = outdir / f"CT{k + 1:04d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return study_uid, series_uid, paths


def make_dx_image(seed: int = 0, size: int = 2048, pixel_mm: float = 0.2, n_nodules: int | None = None):
    """A PA chest radiograph (12-bit, MONOCHROME2: bone bright, lungs dark) and its nodules in pixels."""
    from scipy.ndimage import gaussian_filter

    rng = np.random.default_rng(seed)
    half = size * pixel_mm / 2
    c = (np.arange(size, dtype=np.float32) + 0.5) * pixel_mm - half
    X, Y = np.meshgrid(c, c)  # X: patient right->left on screen is image left->right; Y: head->feet
    att = np.zeros((size, size), np.float32)
    body = (X / 170) ** 2 + ((Y - 20) / 260) ** 2 < 1
    att[body] += 1.0
    att += np.where(body, 0.6 * np.sqrt(np.clip(1 - (X / 170) ** 2, 0, 1)), 0)
    lungs = np.zeros_like(body)
    for sx in (-1, 1):
        lungs |= ((X - sx * 75) / 62) ** 2 + ((Y + 10) / 125) ** 2 < 1
    att[lungs] -= 0.85
    att[((X - 18) / 70) ** 2 + ((Y - 60) / 65) ** 2 < 1] += 0.5  # heart
    att[(np.abs(X) < 22) & body] += 0.55  # mediastinum/spine
    for i in range(10):
        yr = -110 + i * 24
        for sx in (-1, 1):
            arc = (((X - sx * 10) / 150) ** 2 + ((Y - yr - 80) / 90) ** 2)
            att[(np.abs(arc - 1) < 0.05) & (Y < yr + 40) & (sx * X > 10) & body] += 0.45
    for sx in (-1, 1):  # clavicles
        att[(np.abs(Y + 130 + 0.25 * sx * X) < 6) & (sx * X > 15) & (sx * X < 140)] += 0.6
    nodules = []
    n = int(rng.integers(1, 4)) if n_nodules is None else n_nodules
    while len(nodules) < n:
        d = float(rng.uniform(8, 30))
        px, py = float(rng.uniform(-120, 120)), float(rng.uniform(-110, 90))
        if not lungs[int((py + half) / pixel_mm), int((px + half) / pixel_mm)]:
            continue
        att += 0.55 * np.clip(1 - ((X - px) ** 2 + (Y - py) ** 2) / (d / 2) ** 2, 0, 1) ** 0.5
        nodules.append({"center_px": [round((px + half) / pixel_mm, 1), round((py + half) / pixel_mm, 1)],
                        "diameter_mm": round(d, 1), "kind": "solid"})
    att = gaussian_filter(att, 1.2)
    img = 300 + 2900 * (att / max(float(att.max()), 1e-6))
    img += rng.normal(0, 25, img.shape)
    return np.clip(img, 0, 4095).astype(np.uint16), nodules


def write_dx_image(img: np.ndarray, pixel_mm: float, outdir: Path, patient_name: str, patient_id: str, seed: int,
                   charset: str = "GB18030") -> tuple[str, str, list[Path]]:
    from pydicom.uid import generate_uid

    outdir.mkdir(parents=True, exist_ok=True)
    when = _dt.datetime(2026, 1, 1, 9, 0, 0) + _dt.timedelta(minutes=seed % 100000)
    study_uid, series_uid = generate_uid(), generate_uid()
    ds = _base_dataset(DX_PRESENTATION_STORAGE, "DX", study_uid, series_uid, patient_name, patient_id, charset, when)
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.SeriesDescription = "PA chest phantom"
    ds.ImageType = ["ORIGINAL", "PRIMARY"]
    ds.InstanceNumber = 1
    ds.PresentationIntentType = "FOR PRESENTATION"
    ds.ViewPosition = "PA"
    ds.PatientOrientation = ["L", "F"]
    ds.BurnedInAnnotation = "NO"
    ds.LossyImageCompression = "00"
    ds.ImagerPixelSpacing = [pixel_mm, pixel_mm]
    ds.PixelSpacing = [pixel_mm, pixel_mm]
    ds.DetectorType = "SCINTILLATOR"
    ds.KVP = 120
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelIntensityRelationship = "LIN"
    ds.PixelIntensityRelationshipSign = 1
    ds.Rows, ds.Columns = img.shape
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, 1, "US"
    ds.WindowCenter, ds.WindowWidth = 2048, 4096
    ds.PixelData = img.tobytes()
    path = outdir / "DX0001.dcm"
    ds.save_as(path, enforce_file_format=True)
    return study_uid, series_uid, [path]


def write_phantom(outdir: str | Path, seed: int = 0, modality: str = "CT", patient_name: str | None = None,
                  patient_id: str | None = None, charset: str = "GB18030", **ct_kwargs) -> dict:
    """Write a phantom study to outdir (DICOM files + ground_truth.json) and return the ground truth."""
    outdir = Path(outdir)
    default_name, default_id = phantom_patient(seed)
    name, pid = patient_name or default_name, patient_id or default_id
    modality = modality.upper()
    if modality == "CT":
        ph = make_ct_phantom(seed=seed, **ct_kwargs)
        study_uid, series_uid, paths = write_ct_series(ph, outdir, name, pid, charset)
        truth = {"modality": "CT", "seed": seed, "study_uid": study_uid, "series_uid": series_uid,
                 "patient_name": name, "patient_id": pid, "params": ph.params,
                 "nodules": [asdict(n) for n in ph.nodules]}
    elif modality == "DX":
        img, nods = make_dx_image(seed=seed)
        study_uid, series_uid, paths = write_dx_image(img, 0.2, outdir, name, pid, seed, charset)
        truth = {"modality": "DX", "seed": seed, "study_uid": study_uid, "series_uid": series_uid,
                 "patient_name": name, "patient_id": pid, "nodules": nods}
    else:
        raise ValueError(f"unknown phantom modality {modality!r}; use CT or DX")
    truth["files"] = [p.name for p in paths]
    (outdir / "ground_truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False), encoding="utf-8")
    return truth
