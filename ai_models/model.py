"""The network and its model card.

The network is a small 3D U-Net from MONAI parts that turns a windowed CT patch on a 2 mm grid into a
nodule-probability map (one logit per voxel). Batch norm, not instance norm: at inference the output of
a voxel must not depend on which tile it was computed in, or the ONNX and Torch tilings would differ.

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
        "channels": [16, 32, 64, 128], "strides": [2, 2, 2], "num_res_units": 1, "norm": "batch"})
    input_spacing_mm: float = 2.0
    hu_window: tuple[float, float] = (-1000.0, 400.0)
    train_patch_zyx: tuple[int, int, int] = (48, 48, 48)
    infer_tile_zyx: tuple[int, int, int] = (64, 96, 96)
    tile_overlap: float = 0.25
    output_kind: str = "sigmoid logit per voxel (nodule probability map)"
    threshold: float = 0.5          # a voxel belongs to a nodule above this probability
    candidate_threshold: float = 0.15  # components above this peak probability are reported
    max_findings: int = 20
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
        return {"name": self.name, "version": self.version, "trained_on": self.trained_on}


def build_network(card: ModelCard | None = None):
    """The torch module described by the card (imports torch + MONAI only when called)."""
    from monai.networks.nets import UNet

    arch = dict((card or ModelCard()).architecture)
    kind = arch.pop("kind", "monai.networks.nets.UNet")
    if kind != "monai.networks.nets.UNet":
        raise ValueError(f"unsupported architecture {kind!r} in the model card")
    return UNet(spatial_dims=arch["spatial_dims"], in_channels=arch["in_channels"], out_channels=arch["out_channels"],
                channels=tuple(arch["channels"]), strides=tuple(arch["strides"]),
                num_res_units=arch.get("num_res_units", 1), norm=arch.get("norm", "batch"))
