"""The one definition of a `Finding` and of the findings JSON that `tpacs detect` prints."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

# calcified: dense throughout (benign pattern, Lung-RADS 1); mass: a lesion of 30 mm or more, which is not
# a nodule and gets no nodule category.
KINDS = ("solid", "part_solid", "ground_glass", "calcified", "mass", "unknown")
MASS_MM = 30.0
# What every place that shows AI output says about it (with the model's name, version and validation).
AI_LABEL = {"zh_CN": "AI 辅助检出，仅供参考", "en": "AI-detected, for reference only"}
# Lung-RADS categories from least to most suspicious; "" (no category: a mass, or not assessed) ranks apart.
LUNG_RADS_ORDER = ("1", "2", "3", "4A", "4B", "4X")


def lung_rads_category(mean_diameter_mm: float, kind: str, solid_mean_mm: float | None = None) -> str:
    """Lung-RADS v2022 baseline category of one nodule (ACR Lung-RADS v2022, baseline screening).

    Sizes are mean diameters (mean of long and short axis), rounded to one decimal as the specification
    asks. Part-solid nodules are graded by their solid component (`solid_mean_mm`; unknown: the whole
    mean diameter stands in, which never downgrades). 4X needs features this model does not assess
    (spiculation, lymphadenopathy), so it is never given here. A mass (>= 30 mm, kind "mass") is not a
    nodule: no category ("").
    """
    d = round(float(mean_diameter_mm), 1)
    if kind == "mass":
        return ""
    if kind == "calcified":
        return "1"
    if kind == "ground_glass":
        return "2" if d < 30 else "3"
    if kind == "part_solid":
        if d < 6:
            return "2"
        s = round(float(d if solid_mean_mm is None else solid_mean_mm), 1)
        if s < 6:
            return "3"
        return "4A" if s < 8 else "4B"
    if d < 6:
        return "2"
    if d < 8:
        return "3"
    if d < 15:
        return "4A"
    return "4B"


def urgency_rank(kind: str, lung_rads: str) -> int:
    """How urgent one finding makes a study, higher first: a mass above every nodule category, then
    4X, 4B, 4A, 3, 2, 1; 0 for nothing to rank. The worklist orders studies by their highest rank."""
    if kind == "mass":
        return len(LUNG_RADS_ORDER) + 1
    return LUNG_RADS_ORDER.index(lung_rads) + 1 if lung_rads in LUNG_RADS_ORDER else 0


@dataclass
class Finding:
    center_lps_mm: tuple[float, float, float]
    diameter_mm: float  # long axis
    volume_mm3: float
    score: float        # the model's calibrated probability that this is a nodule (or mass)
    kind: str = "unknown"
    lung_rads: str = ""
    # Review state, set by a reader in the viewer: None (not reviewed), True (accepted), False (rejected).
    accepted: bool | None = None
    tracking_uid: str = ""
    # Mean of long and short axis on the axial slice (Lung-RADS v2022 uses it); 0: not measured, the long
    # axis stands in.
    mean_diameter_mm: float = 0.0
    # Part-solid: mean diameter of the solid component; 0: not measured.
    solid_diameter_mm: float = 0.0
    # Where it lies, in the patient's terms: "R" / "L" and "upper" / "middle" / "lower" zone (thirds of
    # that lung's height); "" when unknown.
    lung_side: str = ""
    lung_zone: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown nodule kind {self.kind!r}; expected one of {KINDS}")
        self.center_lps_mm = tuple(float(c) for c in self.center_lps_mm)
        if not self.lung_rads:
            self.lung_rads = self.category()

    @property
    def mean_or_long_mm(self) -> float:
        return float(self.mean_diameter_mm or self.diameter_mm)

    def category(self) -> str:
        """Lung-RADS v2022 from this finding's own measurements."""
        return lung_rads_category(self.mean_or_long_mm, self.kind, self.solid_diameter_mm or None)

    def to_json_dict(self) -> dict[str, Any]:
        out = {
            "center_lps_mm": [round(c, 2) for c in self.center_lps_mm],
            "diameter_mm": round(float(self.diameter_mm), 2),
            "mean_diameter_mm": round(self.mean_or_long_mm, 2),
            "volume_mm3": round(float(self.volume_mm3), 1),
            "score": round(float(self.score), 4),
            "kind": self.kind,
            "lung_rads": self.lung_rads,
        }
        if self.solid_diameter_mm:
            out["solid_diameter_mm"] = round(float(self.solid_diameter_mm), 2)
        if self.lung_side:
            out["location"] = {"side": self.lung_side, "zone": self.lung_zone}
        return out

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> "Finding":
        loc = d.get("location") or {}
        return cls(
            center_lps_mm=tuple(d["center_lps_mm"]),
            diameter_mm=float(d["diameter_mm"]),
            volume_mm3=float(d.get("volume_mm3", 0.0)),
            score=float(d.get("score", 1.0)),
            kind=d.get("kind", "unknown"),
            lung_rads=d.get("lung_rads", ""),
            mean_diameter_mm=float(d.get("mean_diameter_mm", 0.0)),
            solid_diameter_mm=float(d.get("solid_diameter_mm", 0.0)),
            lung_side=loc.get("side", ""),
            lung_zone=loc.get("zone", ""),
        )


@dataclass
class ModelInfo:
    name: str
    version: str
    trained_on: str
    # How the model was validated, in one line (from its card), e.g. "not clinically validated; measured on ...".
    validation: str = ""


# FindingsReport.status: "ok" (the model ran; findings may be empty) or "not_supported" (the series is outside
# what the model handles, e.g. too-thick slices: no findings, `message` says why in words).
STATUSES = ("ok", "not_supported")


@dataclass
class FindingsReport:
    study_uid: str
    series_uid: str
    model: ModelInfo
    findings: list[Finding] = field(default_factory=list)
    status: str = "ok"
    message: str = ""
    # Why a series was not read, as a code the viewer translates ("too_thick"), and the thickness it saw.
    reason: str = ""
    slice_thickness_mm: float = 0.0
    # The model's operating point (its card's calibrated score): the node writes findings from it on.
    operating_score: float = 0.0

    def to_json_dict(self) -> dict[str, Any]:
        out = {
            "study_uid": self.study_uid,
            "series_uid": self.series_uid,
            "model": asdict(self.model),
            "findings": [f.to_json_dict() for f in self.findings],
        }
        out["status"] = self.status
        if self.status != "ok" or self.message:
            out["message"], out["reason"] = self.message, self.reason
        if self.slice_thickness_mm:
            out["slice_thickness_mm"] = self.slice_thickness_mm
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_json_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> "FindingsReport":
        return cls(
            study_uid=d["study_uid"],
            series_uid=d["series_uid"],
            model=ModelInfo(**{k: d["model"][k] for k in ("name", "version", "trained_on", "validation")
                               if k in d["model"]}),
            findings=[Finding.from_json_dict(f) for f in d.get("findings", [])],
            status=d.get("status", "ok"),
            message=d.get("message", ""),
            reason=d.get("reason", ""),
            slice_thickness_mm=float(d.get("slice_thickness_mm", 0.0)),
        )
