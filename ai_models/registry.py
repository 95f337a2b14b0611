"""Where models come from: the one shipped in the package (`ai_models/weights`) and any model folder
(a model_card.json plus its weights) under the config's `ai.user_models_dir`.

`resolve_model(None)` gives the config's `ai.model` when set, else the shipped model. A model can be
named by folder, by card file, or by the card's `name` (optionally `name@version`).
"""
from __future__ import annotations

from pathlib import Path

from ai_models.model import CARD_NAME, ModelCard

SHIPPED_DIR = Path(__file__).resolve().parent / "weights"


class ModelNotFound(LookupError):
    pass


def _ai_cfg(cfg: dict | None) -> dict:
    if cfg is None:
        return {}
    return dict(cfg.get("ai", {}))


def user_models_dir(cfg: dict | None) -> Path | None:
    d = _ai_cfg(cfg).get("user_models_dir") or ""
    return Path(d).expanduser() if d else None


def list_models(cfg: dict | None = None) -> list[ModelCard]:
    """The shipped model first, then user models (folders holding a model card), sorted by folder name."""
    cards = []
    if (SHIPPED_DIR / CARD_NAME).is_file():
        cards.append(ModelCard.load(SHIPPED_DIR))
    root = user_models_dir(cfg)
    if root and root.is_dir():
        folders = [root] + sorted(p for p in root.iterdir() if p.is_dir())
        for folder in folders:
            if (folder / CARD_NAME).is_file():
                try:
                    cards.append(ModelCard.load(folder))
                except (ValueError, TypeError, OSError):
                    continue  # a broken user card must not hide the others; resolve_model reports it
    return cards


def resolve_model(model: str | Path | None = None, cfg: dict | None = None) -> ModelCard:
    if not model:
        model = _ai_cfg(cfg).get("model") or None
    if not model:
        if not (SHIPPED_DIR / CARD_NAME).is_file():
            raise ModelNotFound(f"the shipped model is missing ({SHIPPED_DIR / CARD_NAME}); reinstall township-pacs")
        return ModelCard.load(SHIPPED_DIR)
    p = Path(str(model)).expanduser()
    if p.exists():
        return ModelCard.load(p)
    name, _, version = str(model).partition("@")
    for card in list_models(cfg):
        if card.name == name and (not version or card.version == version):
            return card
    known = ", ".join(f"{c.name}@{c.version}" for c in list_models(cfg)) or "none"
    raise ModelNotFound(f"no model {model!r}: not a folder or card file, and no card by that name (known: {known})")
