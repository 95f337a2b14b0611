"""Backends and the model registry: ONNX Runtime and Torch give the same findings; `auto` works without
a GPU; asking for CUDA without one fails clearly; user models are found and used, including a model of
the older segmentation pipeline (the version 0.1 U-Net, kept under tests/data/models)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from ai_models.backends import BackendError, make_backend
from ai_models.candidates import blob_candidates, scan_images
from ai_models.detect import detect_volume, score_candidates
from ai_models.evaluate import phantom_volume
from ai_models.model import predict_logits
from ai_models.phantom import make_ct_phantom
from ai_models.preprocess import grid_of, prepare
from ai_models.registry import SHIPPED_DIR, ModelNotFound, list_models, resolve_model
from ai_models.train import HELD_OUT_SEED_BASE

UNET_V01 = Path(__file__).resolve().parents[1] / "data" / "models" / "tpacs-nodule-unet-0.1"


def _gpu_present() -> bool:
    import onnxruntime as ort

    try:
        import torch

        if torch.cuda.is_available():
            return True
    except ImportError:
        pass
    return "CUDAExecutionProvider" in ort.get_available_providers()


@pytest.fixture(scope="module")
def volume():
    ph = make_ct_phantom(seed=HELD_OUT_SEED_BASE + 777, slices=40, thickness_mm=2.5, rows=256, pixel_mm=1.4,
                         n_nodules=4, size_range_mm=(8.0, 25.0), z_center_mm=-110.0)
    return phantom_volume(ph)


def _same_findings(r1, r2):
    assert len(r1.findings) == len(r2.findings) > 0
    for f, g in zip(r1.findings, r2.findings):
        assert np.allclose(f.center_lps_mm, g.center_lps_mm, atol=0.05)
        assert f.diameter_mm == pytest.approx(g.diameter_mm, abs=0.05)
        assert f.score == pytest.approx(g.score, abs=1e-3)
        assert f.kind == g.kind and f.lung_rads == g.lung_rads


def test_onnx_and_torch_give_the_same_findings(volume):
    card = resolve_model()
    assert card.pipeline == "candidates"
    onnx_be, torch_be = make_backend(card, "cpu", "onnx"), make_backend(card, "cpu", "torch")
    assert onnx_be.kind == "onnx" and torch_be.kind == "torch"
    native = grid_of(volume)
    prep = prepare(volume.hu, native, card.input_spacing_mm, tuple(card.hu_window))
    images = scan_images(volume.hu, native, prep, card.patch_spacings_mm, card.hu_window, card.patch_zyx)
    blobs = blob_candidates(prep.hu, prep.mask, card.input_spacing_mm, card.candidate_scales_mm,
                            card.candidate_min_response, card.max_candidates,
                            max_hu=card.candidate_max_hu)
    a = score_candidates(images, blobs.voxels, onnx_be, card)
    b = score_candidates(images, blobs.voxels, torch_be, card)
    assert len(a) > 20 and np.abs(a - b).max() < 1e-4
    _same_findings(detect_volume(volume, card, onnx_be), detect_volume(volume, card, torch_be))


def test_segmentation_pipeline_model_still_runs(volume):
    """A user's model of the older kind (a U-Net probability map over tiles) runs on both backends alike."""
    card = resolve_model(UNET_V01)
    assert card.pipeline == "segmentation" and card.version == "0.1.0"
    onnx_be, torch_be = make_backend(card, "cpu", "onnx"), make_backend(card, "cpu", "torch")
    prep = prepare(volume.hu, grid_of(volume), card.input_spacing_mm, tuple(card.hu_window))
    a = predict_logits(prep.image, onnx_be, card, region=prep.mask)
    b = predict_logits(prep.image, torch_be, card, region=prep.mask)
    assert np.abs(a - b).max() < 1e-3
    _same_findings(detect_volume(volume, card, onnx_be), detect_volume(volume, card, torch_be))


def test_auto_never_fails_without_gpu():
    card = resolve_model()
    be = make_backend(card, "auto")
    assert be.kind == "onnx"  # ONNX Runtime first
    if not _gpu_present():
        assert be.device == "cpu"
        with pytest.raises(BackendError, match="cuda"):
            make_backend(card, "cuda")
    with pytest.raises(BackendError, match="unknown device"):
        make_backend(card, "tpu")


def test_user_models_are_found_and_used(tmp_path):
    user = tmp_path / "models"
    mine = user / "clinic-model"
    shutil.copytree(SHIPPED_DIR, mine, ignore=shutil.ignore_patterns("__pycache__"))
    card = json.loads((mine / "model_card.json").read_text())
    card.update(name="clinic-model", version="2.0")
    (mine / "model_card.json").write_text(json.dumps(card))
    cfg = {"ai": {"user_models_dir": str(user), "model": ""}}
    names = [(c.name, c.version) for c in list_models(cfg)]
    assert names[0][0] == "tpacs-nodule-cnn" and ("clinic-model", "2.0") in names
    assert resolve_model("clinic-model@2.0", cfg).folder == str(mine)
    assert resolve_model(None, {"ai": {"model": str(mine)}}).name == "clinic-model"
    with pytest.raises(ModelNotFound, match="no model 'nope'"):
        resolve_model("nope", cfg)
    # A user model shipped without its ONNX export still runs, on Torch.
    (mine / "model.onnx").unlink()
    assert make_backend(resolve_model(mine), "auto").kind == "torch"
    (mine / "model_card.json").write_text("{not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        resolve_model(mine)
    assert [c.name for c in list_models(cfg)] == ["tpacs-nodule-cnn"]  # the broken one is skipped
