"""Lung-nodule detection on a CT series: read -> 2 mm grid + lung mask -> network -> findings.

The shipped model (card pipeline "candidates") scores blob candidates with a patch classifier, then scores
its best findings again over the cube's symmetries (card `rescore_findings`); cards of
the older "segmentation" pipeline run a U-Net over tiles and report components of its probability map.

`detect_series(path_or_files)` returns a `FindingsReport` (LPS mm); `detect_main` is `tpacs detect`.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from ai_models.candidates import blob_candidates, patches, scan_images
from ai_models.findings import FindingsReport, ModelInfo
from ai_models.model import ModelCard, predict_logits
from ai_models.postprocess import LungLookup, extract_findings, findings_from_scores
from ai_models.preprocess import grid_of, prepare
from ai_models.series import SeriesError, Volume, load_volume


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return (1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))).astype(np.float32)


def candidate_logits(images: list[np.ndarray], voxels: np.ndarray, backend, card: ModelCard,
                     batch: int = 128) -> np.ndarray:
    """The network's logit for each candidate (voxels on the coarse model grid), in batches."""
    out = np.zeros(len(voxels), np.float32)
    for a in range(0, len(voxels), batch):
        x = patches(images, card.patch_spacings_mm, voxels[a:a + batch], card.input_spacing_mm, card.patch_zyx)
        out[a:a + batch] = np.asarray(backend(x), np.float32).reshape(-1)
    return out


def score_candidates(images: list[np.ndarray], voxels: np.ndarray, backend, card: ModelCard,
                     batch: int = 128) -> np.ndarray:
    """Calibrated nodule probability of each candidate."""
    return card.probability(candidate_logits(images, voxels, backend, card, batch))


def cube_symmetries(x: np.ndarray) -> list[np.ndarray]:
    """The 16 views of a batch of patches (n, ch, z, y, x) that training treats as the same candidate:
    each axis flipped or not, and y and x swapped or not (`train_classifier.augment_patch`)."""
    out = []
    for fz in (False, True):
        for fy in (False, True):
            for fx in (False, True):
                for swap in (False, True):
                    y = x
                    axes = [a for a, f in ((2, fz), (3, fy), (4, fx)) if f]
                    if axes:
                        y = np.flip(y, axes)
                    if swap:
                        y = np.swapaxes(y, 3, 4)
                    out.append(np.ascontiguousarray(y))
    return out


def rescore_symmetric(images: list[np.ndarray], voxels: np.ndarray, backend, card: ModelCard,
                      batch: int = 128) -> np.ndarray:
    """Calibrated nodule probability of each candidate from the mean logit over its 16 symmetric views.

    One view scores a blunt vessel end or a nodule near the cube's edge unevenly depending on how it
    happens to sit; averaging the views the network was trained to treat alike steadies the ranking
    at the top, where the false positives per scan are decided."""
    out = np.zeros(len(voxels), np.float32)
    per_call = max(1, batch // 16)
    for a in range(0, len(voxels), per_call):
        x = patches(images, card.patch_spacings_mm, voxels[a:a + per_call], card.input_spacing_mm, card.patch_zyx)
        views = cube_symmetries(x)
        logits = np.asarray(backend(np.concatenate(views)), np.float32).reshape(len(views), len(x))
        out[a:a + len(x)] = logits.mean(axis=0)
    return card.probability(out)


def too_thick(vol: Volume, card: ModelCard) -> str:
    """The words the AI state shows when the slices are thicker than the model supports, else ""."""
    t = vol.effective_thickness_mm
    if card.max_slice_thickness_mm and t > card.max_slice_thickness_mm + 0.25:
        return (f"{t:g} mm slices: too thick for nodule detection "
                f"(the model reads slices up to {card.max_slice_thickness_mm:g} mm)")
    return ""


def detect_volume(vol: Volume, card: ModelCard, backend, with_masks: bool = False, timings: dict | None = None):
    """Findings on a loaded volume; with_masks also returns a label volume on the scanner grid
    (uint8 or uint16; value i+1 marks finding i), the form `dicom_objects.ai_results.write_results` accepts."""
    t = time.perf_counter()
    info = ModelInfo(**card.info())
    refused = too_thick(vol, card)
    if refused:
        report = FindingsReport(study_uid=vol.study_uid, series_uid=vol.series_uid, model=info, findings=[],
                                status="not_supported", message=refused,
                                reason="too_thick", slice_thickness_mm=round(vol.effective_thickness_mm, 2),
                                operating_score=card.operating_score)
        if timings is not None:
            timings.update(preprocess_s=0.0, network_s=0.0, postprocess_s=0.0, backend=backend.describe())
        return (report, np.zeros(vol.hu.shape, np.uint8)) if with_masks else report
    native = grid_of(vol)
    prep = prepare(vol.hu, native, card.input_spacing_mm, tuple(card.hu_window))
    lungs = LungLookup(prep.lungs, prep.grid, native)
    if card.pipeline == "candidates":
        images = scan_images(vol.hu, native, prep, card.patch_spacings_mm, card.hu_window, card.patch_zyx)
        blobs = blob_candidates(prep.hu, prep.mask, card.input_spacing_mm, card.candidate_scales_mm,
                                card.candidate_min_response, card.max_candidates,
                                max_hu=card.candidate_max_hu)
        t_prep = time.perf_counter()
        scores = score_candidates(images, blobs.voxels, backend, card)
        centres = prep.grid.lps_of(blobs.voxels)
        keep = np.arange(len(scores))
        measured: dict = {}
        if card.rescore_findings > 0:
            # The first pass's best distinct findings (a large nodule holds dozens of blob maxima; grouping
            # them keeps it from crowding out a small one) are scored again from the candidate each was
            # measured from; the final findings come from those.
            first = findings_from_scores(centres, scores, blobs.diameter_mm, vol.hu, native, card.rescore_findings,
                                         lungs=lungs, measured=measured)
            keep = np.array([c.source for c in first], int)
            scores = rescore_symmetric(images, blobs.voxels[keep], backend, card)
        t_net = time.perf_counter()
        cands = findings_from_scores(centres[keep], scores, blobs.diameter_mm[keep], vol.hu, native,
                                     card.max_findings, lungs=lungs, measured=measured)
    else:
        t_prep = time.perf_counter()
        logits = predict_logits(prep.image, backend, card, region=prep.mask)
        prob = _sigmoid(logits)
        prob[~prep.mask] = 0.0  # outside the lungs (+ margin) nothing is reported
        t_net = time.perf_counter()
        cands = extract_findings(prob, prep.grid, vol.hu, native, card.threshold, card.candidate_threshold,
                                 card.max_findings, lungs=lungs)
    report = FindingsReport(study_uid=vol.study_uid, series_uid=vol.series_uid, model=info,
                            findings=[c.finding for c in cands], slice_thickness_mm=round(vol.effective_thickness_mm, 2),
                            operating_score=card.operating_score)
    if timings is not None:
        timings.update(preprocess_s=t_prep - t, network_s=t_net - t_prep, postprocess_s=time.perf_counter() - t_net,
                       backend=backend.describe())
    if not with_masks:
        return report
    labels = np.zeros(vol.hu.shape, np.uint8 if len(cands) < 255 else np.uint16)
    for i, c in enumerate(cands):
        if c.native_mask is not None:
            box, m = c.native_mask
            view = labels[box]
            view[m & (view == 0)] = i + 1
    return report, labels


def detect_series(path_or_files, device: str = "auto", model=None, *, backend: str | None = None,
                  with_masks: bool = False, cfg: dict | None = None, timings: dict | None = None):
    """Run the model on the CT series in a folder / file list / dataset list.

    model: None (config's ai.model, else the shipped model), a model folder, a card file or a card name.
    backend: None (ONNX Runtime, else Torch), "onnx" or "torch".
    """
    from ai_models.backends import make_backend
    from ai_models.registry import resolve_model

    t0 = time.perf_counter()
    vol = load_volume(path_or_files)  # bad input first: the commoner mistake, and it is cheap to find
    t1 = time.perf_counter()
    card = resolve_model(model, cfg)
    be = make_backend(card, device, backend)
    t2 = time.perf_counter()
    out = detect_volume(vol, card, be, with_masks=with_masks, timings=timings)
    if timings is not None:
        timings.update(read_series_s=t1 - t0, load_model_s=t2 - t1, total_s=time.perf_counter() - t0)
    return out


def detect_main(path, json_out=None, device: str = "auto", model=None) -> int:
    """`tpacs detect PATH [--json OUT] [--device ...] [--model DIR]`: findings JSON on stdout or to OUT."""
    from ai_models.backends import BackendError
    from ai_models.registry import ModelNotFound

    cfg = None
    try:
        from dicom_node.config import load_config

        cfg = load_config()
    except Exception as exc:  # a broken user config must not stop a one-off detection; say so
        print(f"tpacs detect: ignoring the user config: {exc}", file=sys.stderr)
    timings: dict = {}
    try:
        report = detect_series(path, device=device, model=model, cfg=cfg, timings=timings)
    except (SeriesError, FileNotFoundError) as exc:
        print(f"tpacs detect: cannot use {path}: {exc}", file=sys.stderr)
        return 2
    except (BackendError, ModelNotFound, ValueError) as exc:
        print(f"tpacs detect: model problem: {exc}", file=sys.stderr)
        return 3
    text = report.to_json()
    if json_out:
        out = Path(json_out)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(out)
        print(f"{len(report.findings)} findings written to {out} ({timings.get('total_s', 0):.1f} s, "
              f"{timings.get('backend', '')})", file=sys.stderr)
    else:
        print(text)
    return 0
