"""The one definition of a `Finding` and of the findings JSON that `tpacs detect` prints."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("solid", "part_solid", "ground_glass", "unknown")


def lung_rads_category(diameter_mm: float, kind: str) -> str:
    """Lung-RADS v2022 baseline size category from the long-axis diameter.

    For part-solid nodules the solid component is not measured separately, so the whole
    diameter is used with the solid thresholds above 6 mm (conservative: never downgrades).
    """
    d = float(diameter_mm)
    if kind == "ground_glass":
        return "2" if d < 30 else "3"
    if kind == "part_solid":
        if d < 6:
            return "2"
        return "3" if d < 8 else "4A"
    if d < 6:
        return "2"
    if d < 8:
        return "3"
    if d < 15:
        return "4A"
    return "4B"


@dataclass
class Finding:
    center_lps_mm: tuple[float, float, float]
    diameter_mm: float
    volume_mm3: float
    score: float
    kind: str = "unknown"
    lung_rads: str = ""
    # Review state, set by a reader in the viewer: None (not reviewed), True (accepted), False (rejected).
    accepted: bool | None = None
    tracking_uid: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown nodule kind {self.kind!r}; expected one of {KINDS}")
        self.center_lps_mm = tuple(float(c) for c in self.center_lps_mm)
        if not self.lung_rads:
            self.lung_rads = lung_rads_category(self.diameter_mm, self.kind)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "center_lps_mm": [round(c, 2) for c in self.center_lps_mm],
            "diameter_mm": round(float(self.diameter_mm), 2),
            "volume_mm3": round(float(self.volume_mm3), 1),
            "score": round(float(self.score), 4),
            "kind": self.kind,
            "lung_rads": self.lung_rads,
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> "Finding":
        return cls(
            center_lps_mm=tuple(d["center_lps_mm"]),
            diameter_mm=float(d["diameter_mm"]),
            volume_mm3=float(d.get("volume_mm3", 0.0)),
            score=float(d.get("score", 1.0)),
            kind=d.get("kind", "unknown"),
            lung_rads=d.get("lung_rads", ""),
        )


@dataclass
class ModelInfo:
    name: str
    version: str
    trained_on: str


@dataclass
class FindingsReport:
    study_uid: str
    series_uid: str
    model: ModelInfo
    findings: list[Finding] = field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "study_uid": self.study_uid,
            "series_uid": self.series_uid,
            "model": asdict(self.model),
            "findings": [f.to_json_dict() for f in self.findings],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_json_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> "FindingsReport":
        return cls(
            study_uid=d["study_uid"],
            series_uid=d["series_uid"],
            model=ModelInfo(**d["model"]),
            findings=[Finding.from_json_dict(f) for f in d.get("findings", [])],
        )
