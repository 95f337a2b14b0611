"""The classifier's training examples: synthetic phantoms and real CT backgrounds with inserted nodules.

Each example goes through exactly what the detector does: `prepare` (2 mm grid, lungs), `scan_images`
(1 mm and 2 mm windowed images) and `blob_candidates`. A candidate within a nodule's radius is a positive
(LUNA16's hit rule); one within 3 mm of a nodule's edge, or near anything a reader marked that is not in the
reference (`realdata.Annotations.ignore`), is left out; every other candidate is a negative - on a real scan
these are real anatomy: vessels and their bifurcations, fissures, scars, the diaphragm's partial volume.

Real examples: a training scan of `realdata.SCANS`, a copy of it with 6-9 nodules inserted (`insertion`: four
kinds, parenchymal, juxtapleural and juxtavascular, 4-30 mm, and sometimes a real nodule cut from a scan),
and its thicker reslicings (a 1 mm scan also trains as 2.5 mm and 5 mm). Real reference nodules of the scan
(LUNA16) are positives too.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ai_models.candidates import blob_candidates, scan_images
from ai_models.model import ModelCard
from ai_models.preprocess import grid_of, prepare

IGNORE_MARGIN_MM = 3.0
# Negatives kept per example: the strongest blobs (vessel roots and crossings, the hard ones) plus a random
# sample of the rest; keeps the pool and the mining passes affordable.
STRONGEST_NEGATIVES, RANDOM_NEGATIVES = 300, 400


@dataclass
class Example:
    images: list[np.ndarray]      # float16, one per patch spacing
    cand_vox: np.ndarray          # (n, 3) candidate voxels on the coarse grid
    labels: np.ndarray            # (n,) 1 nodule, 0 not, -1 ignored
    nodule_vox: np.ndarray        # (m, 3) true centres on the coarse grid
    nodule_radius_vox: np.ndarray  # (m,)
    seed: int
    group: str = "phantom"        # "phantom" or "real"
    source: str = ""
    nodule_kinds: list = field(default_factory=list)


def label_candidates(cand_vox: np.ndarray, grid, nodules, ignore, spacing: float, seed: int) -> np.ndarray:
    """nodules / ignore: [(centre_lps, diameter_mm)]."""
    labels = np.zeros(len(cand_vox), np.int8)
    if not len(cand_vox):
        return labels
    pts = grid.lps_of(cand_vox)
    for c, d in ignore:
        near = np.linalg.norm(pts - np.asarray(c, float), axis=1) < max(d / 2, 3.0) + IGNORE_MARGIN_MM
        labels[near] = -1
    for c, d in nodules:
        dist = np.linalg.norm(pts - np.asarray(c, float), axis=1) - d / 2
        labels[(dist < IGNORE_MARGIN_MM) & (labels == 0)] = -1
        labels[dist < 0] = 1
    neg = np.flatnonzero(labels == 0)  # strongest first: blob_candidates sorts by response
    rest = neg[STRONGEST_NEGATIVES:]
    if len(rest) > RANDOM_NEGATIVES:
        drop = np.random.default_rng(seed).choice(rest, len(rest) - RANDOM_NEGATIVES, replace=False)
        labels[drop] = -1
    return labels


def example_from_volume(hu, native, card: ModelCard, nodules, ignore, seed: int, group: str, source: str,
                        kinds=()) -> Example:
    prep = prepare(hu, native, card.input_spacing_mm, card.hu_window)
    images = [im.astype(np.float16) for im in
              scan_images(hu, native, prep, card.patch_spacings_mm, card.hu_window, card.patch_zyx)]
    blobs = blob_candidates(prep.hu, prep.mask, card.input_spacing_mm, card.candidate_scales_mm,
                            card.candidate_min_response, card.max_candidates, max_hu=card.candidate_max_hu)
    sp = card.input_spacing_mm
    labels = label_candidates(blobs.voxels, prep.grid, nodules, ignore, sp, seed)
    nod = np.array([prep.grid.voxel_of(np.asarray(c, float)) for c, _ in nodules]).reshape(-1, 3)
    rad = np.array([d / 2 for _, d in nodules], float) / sp
    return Example(images, blobs.voxels, labels, nod, rad, seed, group, source, list(kinds))


# --------------------------------------------------------------------------------------------- phantoms
def phantom_example(seed: int, card: ModelCard) -> Example:
    from ai_models.train import phantom_grid, random_phantom

    ph = random_phantom(seed)
    nodules = [(n.center_lps_mm, n.diameter_mm) for n in ph.nodules]
    return example_from_volume(ph.hu.astype(np.float32), phantom_grid(ph), card, nodules, [], seed, "phantom",
                               f"phantom {seed}", [n.kind for n in ph.nodules])


# ------------------------------------------------------------------------------------ real backgrounds
@dataclass
class Background:
    key: str
    vol: object                  # series.Volume
    thickness_mm: float
    sigma: float
    lungs: np.ndarray            # model grid
    hu_model: np.ndarray
    grid: object
    nodules: list                # [(centre, diameter)] real reference nodules
    ignore: list                 # [(centre, diameter)]
    thicken_to: tuple = ()


_BACKGROUNDS: dict[str, Background] = {}


def background(key: str, root: Path, card: ModelCard) -> Background:
    """A real scan of `realdata.SCANS`, loaded once per process."""
    if key in _BACKGROUNDS:
        return _BACKGROUNDS[key]
    from ai_models.insertion import noise_sigma
    from ai_models.realdata import SCANS, annotations_for
    from ai_models.series import load_volume

    scan = next(s for s in SCANS if s.key == key)
    vol = load_volume(root / scan.folder)
    vol.datasets = []
    prep = prepare(vol.hu, grid_of(vol), card.input_spacing_mm, card.hu_window)
    ann = annotations_for(vol.series_uid, vol, root)
    bg = Background(key, vol, vol.effective_thickness_mm, noise_sigma(vol.hu), prep.lungs, prep.hu, prep.grid,
                    [(les.centre_lps, les.diameter_mm) for les in ann.nodules],
                    [(les.centre_lps, les.diameter_mm) for les in ann.ignore], scan.thicken_to_mm)
    _BACKGROUNDS[key] = bg
    return bg


def real_nodule_patches(root: Path) -> list[tuple[np.ndarray, np.ndarray, float, str]]:
    """Real nodules to insert: (HU patch, mask, isotropic spacing mm, name). The LIDC nodule patch of the
    shared data (its own mask)."""
    import SimpleITK as sitk

    out = []
    folder = root / "nodule_patch_lidc"
    imgs = sorted(folder.glob("*_dcm_*.mha"))
    for img in imgs:
        seg = Path(str(img).replace("_dcm_", "_seg_"))
        if not seg.is_file():
            continue
        hu = sitk.GetArrayFromImage(sitk.ReadImage(str(img))).astype(np.float32)
        mask = sitk.GetArrayFromImage(sitk.ReadImage(str(seg))) > 0
        sp = float(sitk.ReadImage(str(img)).GetSpacing()[0])
        if mask.any():
            out.append((hu, mask, sp, img.name))
    return out


def insert_round(bg: Background, rng: np.random.Generator, root: Path, n_nodules: tuple[int, int] = (6, 10),
                 real_patch_p: float = 0.35):
    """A copy of the background's HU with 6-9 nodules inserted (and sometimes a real one): (hu, nodules
    [(centre_lps, diameter_mm)] including the scan's own reference nodules, kinds)."""
    from ai_models.insertion import choose_places, insert_patch, insert_synthetic, random_spec

    native = grid_of(bg.vol)
    specs = [random_spec(rng) for _ in range(int(rng.integers(*n_nodules)))]
    patches = real_nodule_patches(root) if rng.random() < real_patch_p else []
    for hu_p, m_p, sp_p, name in patches:  # a real nodule, flipped, as one more place to fill
        d = float(2 * (3 * m_p.sum() * sp_p ** 3 / (4 * math.pi)) ** (1 / 3))
        specs.append(random_spec(rng, kind="solid", diameter_mm=d))
        specs[-1].kind = "real:" + name
    placed = choose_places(bg.lungs, bg.hu_model, bg.grid, specs, bg.nodules + bg.ignore, rng)
    hu = bg.vol.hu.copy()
    nodules, kinds = list(bg.nodules), ["real"] * len(bg.nodules)
    for s in placed:
        if s.kind.startswith("real:"):
            hu_p, m_p, sp_p, _ = next(p for p in patches if "real:" + p[3] == s.kind)
            axes = [a for a in range(3) if rng.random() < 0.5]
            hu_p, m_p = (np.flip(hu_p, axes), np.flip(m_p, axes)) if axes else (hu_p, m_p)
            d = insert_patch(hu, native, hu_p, m_p, sp_p, s.centre_lps, bg.thickness_mm, bg.sigma, rng)
        else:
            insert_synthetic(hu, native, s, bg.thickness_mm, bg.sigma, rng)
            d = s.diameter_mm
        nodules.append((s.centre_lps, d))
        kinds.append(s.kind)
    return hu, nodules, kinds


def versions_of(bg: Background, hu: np.ndarray):
    """The background with `hu`, then its thicker reslicings (`realdata.RealScan.thicken_to_mm`)."""
    from dataclasses import replace

    from ai_models.insertion import thicken_volume

    base = replace(bg.vol, hu=hu)
    return [base] + [thicken_volume(base, t) for t in bg.thicken_to]


def real_examples(key: str, round_seed: int, card: ModelCard, root: Path) -> list[Example]:
    """One insertion round on a training background: the scan with nodules inserted, and its reslicings."""
    bg = background(key, root, card)
    hu, nodules, kinds = insert_round(bg, np.random.default_rng(round_seed), root)
    return [example_from_volume(v.hu, grid_of(v), card, nodules, bg.ignore, round_seed, "real",
                                f"{key} {v.effective_thickness_mm:g} mm round {round_seed}", kinds)
            for v in versions_of(bg, hu)]
