"""Lesion insertion: synthetic and real nodules placed into real CT backgrounds, for training and evaluation.

A synthetic nodule is a lobulated ellipsoid (optionally spiculated) of a chosen kind: solid, part-solid
(ground glass around a solid core), ground glass or calcified. It is drawn onto the scan's own voxels
with its exact partial volume: each voxel's occupancy is averaged over sub-samples of the pixel and over
the slice's thickness (the slice sensitivity profile of that scan), then blurred in plane by a
point-spread function of the order of the scanner's. It replaces the tissue it occupies without erasing
denser structures (a vessel through ground glass stays visible), and noise matched to the background's is
added where the nodule's smooth density took the place of noisy tissue. A real nodule (a HU patch with its
mask, e.g. the LIDC patch of the shared data or a nodule cut from a training scan) is inserted the same way,
resampled onto the target voxels with the same slice profile.

Places: inside lung parenchyma (away from the pleura and large vessels), against the pleura
(juxtapleural) or against a vessel (juxtavascular), never overlapping another nodule or an annotated one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi

KIND_WEIGHTS = {"solid": 0.45, "part_solid": 0.2, "ground_glass": 0.27, "calcified": 0.08}
PLACE_WEIGHTS = {"parenchyma": 0.55, "pleural": 0.25, "vascular": 0.2}


@dataclass
class NoduleSpec:
    diameter_mm: float             # mean diameter of the ellipsoid
    kind: str
    place: str = "parenchyma"
    axes: tuple[float, float, float] = (1.0, 1.0, 1.0)   # relative semi-axes (x, y, z)
    rotation: np.ndarray | None = None                  # 3x3
    lobulation: float = 0.0
    lobe_dirs: np.ndarray | None = None                 # (k, 3)
    spicules: np.ndarray | None = None                  # (k, 3) directions
    spicule_len_mm: float = 0.0
    hu: float = 30.0                                    # density of the (outer) nodule
    core_hu: float = 30.0                               # part-solid: density of the solid core
    core_fraction: float = 0.0                          # part-solid: core radius / nodule radius
    psf_sigma_mm: float = 0.5
    edge_blur_mm: float = 0.0       # ground glass fades out over a millimetre or two
    texture_hu: float = 10.0        # smooth density variation inside (ground glass is mottled)
    seed: int = 0
    centre_lps: tuple[float, float, float] = (0.0, 0.0, 0.0)


def random_spec(rng: np.random.Generator, kind: str | None = None, diameter_mm: float | None = None,
                place: str | None = None, min_mm: float = 4.0, max_mm: float = 30.0) -> NoduleSpec:
    kind = kind or str(rng.choice(list(KIND_WEIGHTS), p=list(KIND_WEIGHTS.values())))
    place = place or str(rng.choice(list(PLACE_WEIGHTS), p=list(PLACE_WEIGHTS.values())))
    if diameter_mm is None:  # log-uniform: as many 4-8 mm nodules as 15-30 mm ones
        diameter_mm = float(math.exp(rng.uniform(math.log(min_mm), math.log(max_mm))))
    if kind == "calcified":
        diameter_mm = min(diameter_mm, 12.0)
    axes = tuple(float(a) for a in rng.uniform(0.75, 1.0, 3))
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    a, b, c, d = q
    rot = np.array([[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                    [2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)],
                    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d]])
    lobe = rng.normal(size=(int(rng.integers(3, 7)), 3))
    lobe /= np.linalg.norm(lobe, axis=1, keepdims=True)
    spic = None
    spic_len = 0.0
    if kind in ("solid", "part_solid") and diameter_mm >= 8 and rng.random() < 0.35:
        spic = rng.normal(size=(int(rng.integers(4, 10)), 3))
        spic /= np.linalg.norm(spic, axis=1, keepdims=True)
        spic_len = float(rng.uniform(0.2, 0.6)) * diameter_mm
    hu = {"solid": rng.uniform(-60, 70), "part_solid": rng.uniform(-720, -420),
          "ground_glass": rng.uniform(-740, -420), "calcified": rng.uniform(250, 900)}[kind]
    return NoduleSpec(diameter_mm=diameter_mm, kind=kind, place=place, axes=axes, rotation=rot,
                      lobulation=float(rng.uniform(0.0, 0.18)), lobe_dirs=lobe, spicules=spic,
                      spicule_len_mm=spic_len, hu=float(hu), core_hu=float(rng.uniform(-60, 60)),
                      core_fraction=float(rng.uniform(0.3, 0.65)) if kind == "part_solid" else 0.0,
                      psf_sigma_mm=float(rng.uniform(0.3, 0.8)),
                      edge_blur_mm=float(rng.uniform(0.6, 1.8)) if kind in ("ground_glass", "part_solid") else 0.0,
                      texture_hu=float(rng.uniform(25, 70)) if kind in ("ground_glass", "part_solid")
                      else float(rng.uniform(5, 20)),
                      seed=int(rng.integers(2**31)))


def _radius_scale(spec: NoduleSpec, u: np.ndarray) -> np.ndarray:
    """Lobulation: 1 + lobulation * mean of a few bumps toward random directions."""
    if spec.lobulation <= 0 or spec.lobe_dirs is None:
        return np.ones(u.shape[0])
    bumps = np.clip(u @ spec.lobe_dirs.T, 0, None) ** 3
    return 1.0 + spec.lobulation * (bumps.mean(axis=1) * 4.0 - 0.5)


def _occupancy(spec: NoduleSpec, pts_mm: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """1 where points (relative to the centre, LPS mm) lie inside the nodule (or its core: scale < 1)."""
    rot = spec.rotation if spec.rotation is not None else np.eye(3)
    local = pts_mm @ rot
    r_nom = 0.5 * spec.diameter_mm * scale
    ax = np.asarray(spec.axes) / np.cbrt(np.prod(spec.axes))  # same volume as a sphere of the diameter
    q = local / (ax * r_nom)
    rho = np.linalg.norm(q, axis=1)
    u = local / np.maximum(np.linalg.norm(local, axis=1, keepdims=True), 1e-9)
    inside = rho <= _radius_scale(spec, u)
    if scale == 1.0 and spec.spicules is not None and spec.spicule_len_mm > 0:
        dist = np.linalg.norm(pts_mm, axis=1)
        along = pts_mm @ spec.spicules.T                                  # (n, k)
        perp = np.sqrt(np.maximum(dist[:, None] ** 2 - along ** 2, 0))
        reach = r_nom + spec.spicule_len_mm
        width = 0.6 * (1.0 - np.clip((along - r_nom) / spec.spicule_len_mm, 0, 1))  # tapering spokes
        inside |= ((along > 0) & (along < reach) & (perp < width)).any(axis=1)
    return inside.astype(np.float32)


def _subsample_offsets(spacing_zyx, thickness_mm: float, fine_mm: float = 0.35) -> np.ndarray:
    """Offsets (z, y, x in mm) over one voxel: the pixel in plane and the slice profile along z."""
    ny = max(2, int(math.ceil(spacing_zyx[1] / fine_mm)))
    nx = max(2, int(math.ceil(spacing_zyx[2] / fine_mm)))
    nz = max(2, int(math.ceil(thickness_mm / fine_mm)))
    oz = (np.arange(nz) + 0.5) / nz * thickness_mm - thickness_mm / 2
    oy = (np.arange(ny) + 0.5) / ny * spacing_zyx[1] - spacing_zyx[1] / 2
    ox = (np.arange(nx) + 0.5) / nx * spacing_zyx[2] - spacing_zyx[2] / 2
    return np.stack(np.meshgrid(oz, oy, ox, indexing="ij"), -1).reshape(-1, 3)


def noise_sigma(hu: np.ndarray) -> float:
    """The scan's noise: median local standard deviation (3x3 in plane) over soft tissue (-100..100 HU) on
    a few slices; soft tissue is smooth at this scale, so what varies is noise."""
    vals = []
    for k in np.linspace(0, hu.shape[0] - 1, min(8, hu.shape[0])).astype(int):
        sl = hu[k].astype(np.float32)
        m = ndi.uniform_filter(sl, 3)
        v = ndi.uniform_filter(sl * sl, 3) - m * m
        sel = (sl > -100) & (sl < 100) & (ndi.minimum_filter(sl, 5) > -150) & (ndi.maximum_filter(sl, 5) < 150)
        if sel.sum() > 200:
            vals.append(np.sqrt(np.maximum(v[sel], 0)))
    if not vals:
        return 15.0
    return float(np.median(np.concatenate(vals)) * 1.1)  # 3x3 windows underestimate slightly


def _box(grid, centre_lps, half_mm):
    sp = np.asarray(grid.spacing_zyx_mm, float)
    cv = grid.voxel_of(np.asarray(centre_lps, float))
    lo = np.maximum(np.floor(cv - half_mm / sp).astype(int), 0)
    hi = np.minimum(np.ceil(cv + half_mm / sp).astype(int) + 1, grid.shape_zyx)
    if np.any(hi <= lo):
        return None
    return tuple(slice(int(a), int(b)) for a, b in zip(lo, hi))


def _blend(hu: np.ndarray, box, frac: np.ndarray, density: np.ndarray, sigma: float, spacing_zyx,
           rng: np.random.Generator) -> None:
    """Replace tissue by the nodule where it is less dense, with matched noise where the smooth nodule
    took the place of noisy tissue (in place)."""
    region = hu[box]
    blended = region * (1 - frac) + density * frac
    blended = np.maximum(region, blended)
    white = rng.normal(size=region.shape).astype(np.float32)
    corr = ndi.gaussian_filter(white, (0, 0.6, 0.6))
    corr /= max(float(corr.std()), 1e-6)
    blended += sigma * np.sqrt(np.clip(1 - (1 - frac) ** 2, 0, 1)) * corr * (frac > 0.01)
    hu[box] = blended


def insert_synthetic(hu: np.ndarray, grid, spec: NoduleSpec, thickness_mm: float, sigma: float,
                     rng: np.random.Generator) -> None:
    """Draw `spec` (at spec.centre_lps) into `hu` on `grid` (in place)."""
    sp = np.asarray(grid.spacing_zyx_mm, float)
    reach = 0.5 * spec.diameter_mm * 1.4 + spec.spicule_len_mm + thickness_mm + 3 * spec.psf_sigma_mm + 2
    box = _box(grid, spec.centre_lps, reach)
    if box is None:
        return
    lo = np.array([s.start for s in box])
    shape = tuple(s.stop - s.start for s in box)
    idx = np.indices(shape).reshape(3, -1).T + lo
    rel = grid.lps_of(idx) - np.asarray(spec.centre_lps, float)               # (n, 3) LPS
    offs = _subsample_offsets(sp, thickness_mm)                               # (m, 3) z y x
    # Sub-sample offsets in LPS: z along the slice normal, y along columns, x along rows.
    offs_lps = offs[:, 0:1] * grid.normal + offs[:, 1:2] * grid.col_dir + offs[:, 2:3] * grid.row_dir
    frac = np.zeros(len(rel), np.float32)
    core = np.zeros(len(rel), np.float32)
    near = np.linalg.norm(rel, axis=1) < reach
    for o in offs_lps:  # average occupancy over the voxel and the slice profile
        p = rel[near] + o
        frac[near] += _occupancy(spec, p)
        if spec.core_fraction > 0:
            core[near] += _occupancy(spec, p, spec.core_fraction)
    frac = (frac / len(offs_lps)).reshape(shape)
    core = (core / len(offs_lps)).reshape(shape)
    psf = (0, spec.psf_sigma_mm / sp[1], spec.psf_sigma_mm / sp[2])
    if spec.edge_blur_mm > 0:  # a soft outer edge, in 3D (thin slices show it; thick ones average it anyway)
        e = spec.edge_blur_mm
        frac = ndi.gaussian_filter(frac, (e / sp[0] * min(1.0, sp[1] / sp[0]), e / sp[1], e / sp[2]))
    frac = ndi.gaussian_filter(frac, psf)
    tex_rng = np.random.default_rng(spec.seed)
    texture = ndi.gaussian_filter(tex_rng.normal(size=shape).astype(np.float32),
                                  (1.5 / sp[0], 1.5 / sp[1], 1.5 / sp[2]))
    texture *= spec.texture_hu / max(float(texture.std()), 1e-6)
    density = spec.hu + texture
    if spec.core_fraction > 0:
        core = ndi.gaussian_filter(core, psf)
        density = np.where(frac > 1e-3, (density * (frac - core) + spec.core_hu * core) / np.maximum(frac, 1e-3),
                           density).astype(np.float32)
    _blend(hu, box, frac, density, sigma, sp, rng)


def insert_patch(hu: np.ndarray, grid, patch_hu: np.ndarray, patch_mask: np.ndarray, patch_spacing_mm: float,
                 centre_lps, thickness_mm: float, sigma: float, rng: np.random.Generator) -> float:
    """Insert a real nodule (isotropic HU patch + its mask, centred) at centre_lps; returns its diameter
    (mm, from the mask's volume). The patch is resampled onto the target voxels with the slice profile."""
    sp = np.asarray(grid.spacing_zyx_mm, float)
    soft = ndi.gaussian_filter(ndi.binary_dilation(patch_mask, iterations=1).astype(np.float32), 0.7)
    half = np.asarray(patch_hu.shape) * patch_spacing_mm / 2
    box = _box(grid, centre_lps, float(half.max()))
    if box is None:
        return 0.0
    lo = np.array([s.start for s in box])
    shape = tuple(s.stop - s.start for s in box)
    idx = np.indices(shape).reshape(3, -1).T + lo
    rel = grid.lps_of(idx) - np.asarray(centre_lps, float)
    nz = max(1, int(math.ceil(thickness_mm / patch_spacing_mm)))
    oz = (np.arange(nz) + 0.5) / nz * thickness_mm - thickness_mm / 2
    frac = np.zeros(len(rel), np.float32)
    dens = np.zeros(len(rel), np.float32)
    centre_vox = (np.asarray(patch_hu.shape) - 1) / 2
    for o in oz:
        p = rel + o * grid.normal
        # patch axes: (z, y, x) along (S, P, L) of LPS
        v = np.stack([p[:, 2], p[:, 1], p[:, 0]], 0) / patch_spacing_mm + centre_vox[:, None]
        frac += ndi.map_coordinates(soft, v, order=1, cval=0.0)
        dens += ndi.map_coordinates(patch_hu.astype(np.float32), v, order=1, cval=-900.0) * \
            ndi.map_coordinates(soft, v, order=1, cval=0.0)
    frac /= len(oz)
    density = np.where(frac > 1e-3, dens / len(oz) / np.maximum(frac, 1e-3), -900.0).reshape(shape)
    frac = frac.reshape(shape)
    frac = np.clip(ndi.gaussian_filter(frac, (0, 0.5 / sp[1], 0.5 / sp[2])), 0, 1)
    _blend(hu, box, frac, density.astype(np.float32), sigma, sp, rng)
    vol = float(patch_mask.sum()) * patch_spacing_mm ** 3
    return 2 * (3 * vol / (4 * math.pi)) ** (1 / 3)


def choose_places(lungs: np.ndarray, hu_model: np.ndarray, grid, specs: list[NoduleSpec], avoid: list,
                  rng: np.random.Generator, margin_mm: float = 8.0) -> list[NoduleSpec]:
    """Centres for `specs` in the lungs of the model grid (2 mm): parenchyma (at least the radius + 3 mm from
    the pleura and off vessels), pleural (the nodule's edge on the pleura) or vascular (its edge on a vessel);
    each at least margin_mm from the others and from `avoid` [(centre_lps, diameter_mm)]. Specs that find
    no place are dropped."""
    s = float(grid.spacing_zyx_mm[0])
    if not lungs.any():
        return []
    to_pleura = ndi.distance_transform_edt(lungs) * s
    vessel = (hu_model > -400) & lungs & (to_pleura > 6)
    vessel = ndi.binary_opening(vessel)
    to_vessel = ndi.distance_transform_edt(~vessel) * s if vessel.any() else np.full(lungs.shape, 99.0)
    placed: list[tuple[np.ndarray, float]] = [(np.asarray(c, float), float(d)) for c, d in avoid]
    out = []
    for spec in sorted(specs, key=lambda x: -x.diameter_mm):
        r = spec.diameter_mm / 2
        if spec.place == "pleural":
            ok = (to_pleura >= max(0.5 * r, 1.0)) & (to_pleura <= r + s) & (hu_model < -500)
        elif spec.place == "vascular":
            ok = (to_vessel >= 0.6 * r) & (to_vessel <= r + s) & (to_pleura > r + 3) & (hu_model < -600)
        else:
            ok = (to_pleura > r + 3) & (to_vessel > r + 1) & (hu_model < -600)
        cand = np.argwhere(ok)
        if not len(cand):
            continue
        for _ in range(30):
            c = grid.lps_of(cand[int(rng.integers(len(cand)))] + rng.uniform(-0.5, 0.5, 3))
            if all(np.linalg.norm(c - pc) > r + pd / 2 + margin_mm for pc, pd in placed):
                spec.centre_lps = tuple(float(v) for v in c)
                placed.append((c, spec.diameter_mm))
                out.append(spec)
                break
    return out


def thicken(hu: np.ndarray, spacing_z: float, thickness_mm: float) -> tuple[np.ndarray, float]:
    """Reslice a thin series to slices of `thickness_mm` every `thickness_mm` (a slab average, as the
    scanner's own thick reconstruction): returns the new volume and its slice spacing."""
    n_in = hu.shape[0]
    extent = n_in * spacing_z
    n_out = max(1, int(extent // thickness_mm))
    out = np.empty((n_out,) + hu.shape[1:], np.float32)
    edges_in = np.arange(n_in + 1) * spacing_z
    for j in range(n_out):
        a, b = j * thickness_mm, (j + 1) * thickness_mm
        w = np.clip(np.minimum(edges_in[1:], b) - np.maximum(edges_in[:-1], a), 0, None)
        sel = np.flatnonzero(w)
        out[j] = np.tensordot(w[sel] / w[sel].sum(), hu[sel], axes=1)
    return out, float(thickness_mm)


def thicken_volume(vol, thickness_mm: float):
    """A `Volume` resliced to `thickness_mm` (see `thicken`), its origin at the first thick slice's centre."""
    from dataclasses import replace

    sp = np.asarray(vol.spacing_zyx_mm, float)
    hu, new_sz = thicken(vol.hu, float(sp[0]), thickness_mm)
    origin = np.asarray(vol.origin_lps_mm, float) + np.asarray(vol.normal, float) * (0.5 * thickness_mm - 0.5 * sp[0])
    return replace(vol, hu=hu, origin_lps_mm=origin, spacing_zyx_mm=np.array([new_sz, sp[1], sp[2]]),
                   slice_thickness_mm=float(thickness_mm), datasets=[])
