"""The networks and their model card.

Two pipelines, named by the card's `pipeline`:
- "candidates" (the shipped model): blob candidates on a 2 mm grid (`ai_models.candidates`), each scored
  by a small 3D CNN classifier (MONAI `Classifier`) that sees a fine 1 mm cube and a coarse 2 mm cube
  around it. One logit per candidate.
- "segmentation" (version 0.1 and cards without `pipeline`): a small 3D U-Net that turns a windowed CT
  patch on a 2 mm grid into a nodule-probability map (one logit per voxel), run by overlapping tiles.
Batch norm, not instance norm: at inference a result must not depend on what else is in the batch or
tile, or the ONNX and Torch runs would differ.

A model card is a JSON file next to the weights that says what the weights expect and how well they did.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CARD_NAME = "model_card.json"


@dataclass
class ModelCard:
    name: str = "tpacs-nodule-unet"
    version: str = "0.1.0"
    description: str = ("Small 3D U-Net (MONAI) giving a per-voxel lung-nodule probability on a 2 mm grid; "
                        "findings are connected components of that map inside the lungs.")
    architecture: dict = field(default_factory=lambda: {
        "kind": "monai.networks.nets.UNet", "spatial_dims": 3, "in_channels": 1, "out_channels": 1,
        "channels": [8, 16, 32, 64], "strides": [2, 2, 2], "num_res_units": 1, "norm": "batch"})
    input_spacing_mm: float = 2.0
    hu_window: tuple[float, float] = (-1000.0, 400.0)
    train_patch_zyx: tuple[int, int, int] = (40, 40, 40)
    infer_tile_zyx: tuple[int, int, int] = (64, 96, 96)
    tile_overlap: float = 0.25
    output_kind: str = "sigmoid logit per voxel (nodule probability map)"
    threshold: float = 0.5          # a voxel belongs to a nodule above this probability
    candidate_threshold: float = 0.05  # components whose peak probability reaches this are reported
    max_findings: int = 20
    # "segmentation" (U-Net probability map) or "candidates" (blob candidates + classifier); see above.
    pipeline: str = "segmentation"
    candidate_scales_mm: tuple[float, ...] = (1.5, 2.5, 4.0, 6.5)  # LoG sigmas: nodules 5-23 mm answer best
    candidate_min_response: float = 150.0  # low, so that faint ground glass becomes a candidate too
    candidate_max_hu: float = 200.0  # the blob filter sees HU clipped here (-500: ground glass ~ vessels)
    max_candidates: int = 3500
    patch_zyx: tuple[int, int, int] = (32, 32, 32)
    patch_spacings_mm: tuple[float, ...] = (1.0, 2.0)  # one input channel per spacing: detail, context
    # >0: a second pass. The first pass's best `rescore_findings` distinct findings are scored again as
    # the mean over the cube's 16 flips/transposes, and findings come from those (detect.detect_volume,
    # detect.rescore_symmetric). 0: one pass.
    rescore_findings: int = 0
    # Slices thicker than this (mm; the larger of Slice Thickness and spacing) are refused in words, with no
    # findings: a small nodule is averaged away. 0: no limit (older cards).
    max_slice_thickness_mm: float = 0.0
    # Maps the network's logit to a probability calibrated on held-out data: {"method": "platt", "a": A,
    # "b": B} gives sigmoid(A * logit + B). Empty: the plain sigmoid (older cards).
    calibration: dict = field(default_factory=dict)
    # Calibrated score from which a finding is shown and written into SR/SEG/GSPS by default (the model's
    # operating point, chosen for the false findings per scan the card records).
    operating_score: float = 0.5
    # One line on how the model was validated, shown beside its output.
    validation: str = "not clinically validated"
    torch_weights: str = "model.pt"
    onnx_weights: str = "model.onnx"
    trained_on: str = ("synthetic chest CT phantoms only (township-pacs ai_models.phantom): no real patient data; "
                       "performance on real scans is unknown")
    training: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    # Filled when loaded: the folder the card was read from.
    folder: str = ""

    @classmethod
    def load(cls, path: str | Path) -> "ModelCard":
        path = Path(path)
        if path.is_dir():
            path = path / CARD_NAME
        if not path.is_file():
            raise FileNotFoundError(f"no model card at {path} (a model folder holds {CARD_NAME} and its weights)")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: model card is not valid JSON: {exc}") from exc
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        card = cls(**{k: v for k, v in data.items() if k in known})
        card.hu_window = tuple(card.hu_window)
        card.train_patch_zyx = tuple(card.train_patch_zyx)
        card.infer_tile_zyx = tuple(card.infer_tile_zyx)
        card.patch_zyx = tuple(card.patch_zyx)
        card.candidate_scales_mm = tuple(card.candidate_scales_mm)
        card.patch_spacings_mm = tuple(card.patch_spacings_mm)
        card.folder = str(path.parent)
        if unknown:
            card.training = dict(card.training, ignored_card_keys=sorted(unknown))
        return card

    def save(self, folder: str | Path) -> Path:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        d = asdict(self)
        d.pop("folder")
        out = folder / CARD_NAME
        out.write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return out

    def path_of(self, which: str) -> Path:
        return Path(self.folder) / (self.onnx_weights if which == "onnx" else self.torch_weights)

    def info(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "trained_on": self.trained_on,
                "validation": self.validation}

    def probability(self, logits):
        """Calibrated probabilities of the network's logits (see `calibration`)."""
        import numpy as np

        x = np.asarray(logits, np.float64)
        if self.calibration.get("method") == "platt":
            x = float(self.calibration["a"]) * x + float(self.calibration["b"])
        return (1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))).astype(np.float32)


def build_network(card: ModelCard | None = None):
    """The torch module described by the card (imports torch + MONAI only when called)."""
    from monai.networks.nets import UNet

    arch = dict((card or ModelCard()).architecture)
    kind = arch.pop("kind", "monai.networks.nets.UNet")
    if kind == "monai.networks.nets.Classifier":
        from monai.networks.nets import Classifier

        return Classifier(in_shape=tuple(arch["in_shape"]), classes=arch.get("classes", 1),
                          channels=tuple(arch["channels"]), strides=tuple(arch["strides"]),
                          num_res_units=arch.get("num_res_units", 1), norm=arch.get("norm", "batch"))
    if kind != "monai.networks.nets.UNet":
        raise ValueError(f"unsupported architecture {kind!r} in the model card")
    return UNet(spatial_dims=arch["spatial_dims"], in_channels=arch["in_channels"], out_channels=arch["out_channels"],
                channels=tuple(arch["channels"]), strides=tuple(arch["strides"]),
                num_res_units=arch.get("num_res_units", 1), norm=arch.get("norm", "batch"))


def classifier_card() -> ModelCard:
    """The shipped recipe's card (version 0.4): blob candidates scored by a 3D CNN classifier trained on
    real CT backgrounds with inserted nodules, calibrated on held-out real scans."""
    return ModelCard(
        name="tpacs-nodule-cnn", version="0.4.0",
        description=("Lung-nodule candidates from a multi-scale blob filter inside the lungs (2 mm grid, HU clipped "
                     "at -500 so that ground glass answers like vessels), each scored by a small 3D CNN (MONAI "
                     "Classifier) on a 32 mm cube at 1 mm and a 64 mm cube at 2 mm; the best 32 are scored again "
                     "as the mean over the cube's 16 flips and transposes. Each finding is one lesion outlined "
                     "from the HU on the scanner's own voxels (fragments merged), measured as radiologists do "
                     "(axial long and short axis, mean diameter) and typed from its interior; scores are "
                     "probabilities calibrated on held-out real scans."),
        architecture={"kind": "monai.networks.nets.Classifier", "in_shape": [2, 32, 32, 32], "classes": 1,
                      "channels": [16, 32, 64, 128], "strides": [2, 2, 2, 2], "num_res_units": 1, "norm": "batch"},
        pipeline="candidates", output_kind="one logit per candidate (calibrated probability after Platt scaling)",
        threshold=0.5, candidate_threshold=0.0, max_findings=20, rescore_findings=32,
        candidate_max_hu=-500.0, candidate_min_response=50.0, max_slice_thickness_mm=5.0,
        trained_on=("real chest CT backgrounds with inserted synthetic and real nodules (LIDC-IDRI-0314, "
                    "TCGA-THCA PET/CT, LIDC-IDRI-0002/0003 slabs) and synthetic phantoms; not the held-out "
                    "LIDC-IDRI-0001"),
        validation="not clinically validated")


def _starts(n: int, tile: int, step: int) -> list[int]:
    if n <= tile:
        return [0]
    s = list(range(0, n - tile, step)) + [n - tile]
    return sorted(set(s))


def _gaussian_weight(tile) -> "np.ndarray":
    import numpy as np

    w = np.ones(tile, np.float32)
    for ax, n in enumerate(tile):
        x = (np.arange(n) - (n - 1) / 2) / (n / 8)  # sigma = tile/8, as MONAI's gaussian blending
        shape = [1, 1, 1]
        shape[ax] = n
        w = w * np.exp(-0.5 * x * x).reshape(shape)
    return np.maximum(w, 1e-3 * w.max())


def predict_logits(image, backend, card: ModelCard, region=None):
    """Logits over `image` (z, y, x) by overlapping tiles with Gaussian blending.

    The same tiling serves every backend, so ONNX and Torch see identical inputs. Tiles that hold no
    voxel of `region` (the lung search mask) are skipped: their logits stay very negative.
    """
    import numpy as np

    tile = [int(t) for t in card.infer_tile_zyx]
    shape = image.shape
    pad = [(0, max(0, t - n)) for t, n in zip(tile, shape)]
    if any(p[1] for p in pad):  # thin slabs: repeat the edge slices rather than invent air
        image = np.pad(image, pad, mode="edge")
        if region is not None:
            region = np.pad(region, pad, mode="constant")
    full = image.shape
    steps = [max(1, int(round(t * (1 - card.tile_overlap)))) for t in tile]
    w = _gaussian_weight(tuple(tile))
    acc = np.zeros(full, np.float32)
    norm = np.zeros(full, np.float32)
    for z in _starts(full[0], tile[0], steps[0]):
        for y in _starts(full[1], tile[1], steps[1]):
            for x in _starts(full[2], tile[2], steps[2]):
                sl = (slice(z, z + tile[0]), slice(y, y + tile[1]), slice(x, x + tile[2]))
                if region is not None and not region[sl].any():
                    continue
                out = backend(image[sl][None, None])[0, 0]
                acc[sl] += out * w
                norm[sl] += w
    logits = np.full(full, -20.0, np.float32)
    done = norm > 0
    logits[done] = acc[done] / norm[done]
    return logits[:shape[0], :shape[1], :shape[2]]
