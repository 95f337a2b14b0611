"""The diagnostic Report: its sections, sign-off people, stage and critical-result record, and the REPORT.json
form that `tpacs report --from` reads (DESIGN.md).

Sections, as Chinese radiology reports have them: 检查方法 (procedure), 影像所见 (findings), 诊断意见
(impression), 建议 (recommendation). The 报告医生 (author) writes a preliminary report; the 审核医生
(verifier) makes it final. A 危急值 (critical result) record says what was critical, who was told, how and
when. GUI-free.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import asdict, dataclass, field
from typing import Any

SECTIONS = ("procedure", "findings", "impression", "recommendation")
SECTION_TITLES = {
    "procedure": {"zh_CN": "检查方法", "en": "Procedure"},
    "findings": {"zh_CN": "影像所见", "en": "Findings"},
    "impression": {"zh_CN": "诊断意见", "en": "Impression"},
    "recommendation": {"zh_CN": "建议", "en": "Recommendation"},
    "critical": {"zh_CN": "危急值", "en": "Critical result"},
}
STAGES = ("draft", "preliminary", "final")
FILED_STAGES = ("preliminary", "final")
TEMPLATES = ("chest_dr", "chest_ct", "ldct_screening", "free")
LANGUAGES = ("zh_CN", "en")


class ReportError(ValueError):
    """A report that cannot be filed as asked; the message says why (shown to the doctor, printed by the CLI)."""


def now_iso() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass
class CriticalResult:
    """危急值: the critical finding and how it was communicated (who was told, how, when)."""

    finding: str
    told: str = ""   # who was told: name (and department / role)
    how: str = ""    # by telephone, in person, ...
    at: str = ""     # when, ISO 8601

    def missing(self) -> list[str]:
        """The parts of the communication record not filled in yet."""
        return [k for k in ("told", "how", "at") if not str(getattr(self, k) or "").strip()]


@dataclass
class NoduleRow:
    """One line of the nodule table, from a finding as the reader left it."""

    number: int
    side: str                    # "R" / "L" / ""
    zone: str                    # "upper" / "middle" / "lower" / ""
    long_axis_mm: float
    mean_diameter_mm: float
    kind: str
    category: str                # in the report's category system
    solid_mm: float = 0.0
    reviewed: bool = False       # accepted by a reader (False: the AI's, not reviewed)
    ai: bool = True              # found by the AI (False: added by the reader)
    center_lps_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)
    tracking_uid: str = ""


@dataclass
class Report:
    study_uid: str
    template: str = "free"
    sections: dict[str, str] = field(default_factory=lambda: {k: "" for k in SECTIONS})
    stage: str = "draft"
    author: str = ""
    verifier: str = ""
    critical: CriticalResult | None = None
    category_system: str = "c_lung_rads"
    language: str = "zh_CN"
    nodules: list[NoduleRow] = field(default_factory=list)
    amendment_reason: str = ""
    # The AI model the draft came from ("name version"), for the label on AI output; "" when none.
    ai_model: str = ""

    def __post_init__(self) -> None:
        for key in SECTIONS:
            self.sections.setdefault(key, "")
        unknown = set(self.sections) - set(SECTIONS)
        if unknown:
            raise ReportError(f"unknown report section(s) {sorted(unknown)}; expected {list(SECTIONS)}")
        if self.template not in TEMPLATES:
            raise ReportError(f"unknown template {self.template!r}; expected one of {list(TEMPLATES)}")
        if self.stage not in STAGES:
            raise ReportError(f"unknown stage {self.stage!r}; expected one of {list(STAGES)}")
        if self.language not in LANGUAGES:
            raise ReportError(f"unknown language {self.language!r}; expected one of {list(LANGUAGES)}")

    def to_json_dict(self) -> dict[str, Any]:
        """The REPORT.json form (DESIGN.md) plus the fields only the editor sets."""
        out = {"template": self.template, "stage": self.stage, "author": self.author, "verifier": self.verifier,
               "sections": dict(self.sections), "critical": asdict(self.critical) if self.critical else None,
               "category_system": self.category_system, "language": self.language}
        if self.amendment_reason:
            out["amendment_reason"] = self.amendment_reason
        return out


def _text(d: dict, key: str, where: str) -> str:
    v = d.get(key, "")
    if v is None:
        return ""
    if not isinstance(v, str):
        raise ReportError(f"{where}{key} must be text, got {type(v).__name__}")
    return v


def report_from_json(data: dict | str, study_uid: str, draft: Report | None = None) -> Report:
    """A Report from REPORT.json (a dict or its text); sections left out come from `draft` (the AI draft).

    Raises ReportError naming the field when the document does not fit the contract."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise ReportError(f"REPORT.json is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ReportError("REPORT.json must be a JSON object")
    known = {"template", "stage", "author", "verifier", "sections", "critical", "category_system", "language",
             "amendment_reason"}
    extra = set(data) - known
    if extra:
        raise ReportError(f"REPORT.json: unknown field(s) {sorted(extra)}")
    stage = _text(data, "stage", "") or "preliminary"
    if stage not in FILED_STAGES:
        raise ReportError(f"stage must be 'preliminary' or 'final', got {stage!r}")
    sections_in = data.get("sections") or {}
    if not isinstance(sections_in, dict):
        raise ReportError("sections must be an object with procedure/findings/impression/recommendation")
    sections = dict(draft.sections) if draft else {k: "" for k in SECTIONS}
    for key in sections_in:
        if key not in SECTIONS:
            raise ReportError(f"unknown section {key!r}; expected one of {list(SECTIONS)}")
        sections[key] = _text(sections_in, key, "sections.")
    critical = None
    crit = data.get("critical")
    if crit is not None:
        if not isinstance(crit, dict) or not _text(crit, "finding", "critical.").strip():
            raise ReportError("critical must be null or an object with at least the critical finding "
                              "({\"finding\", \"told\", \"how\", \"at\"})")
        at = _text(crit, "at", "critical.").strip()
        if at:
            try:
                _dt.datetime.fromisoformat(at)
            except ValueError as exc:
                raise ReportError(f"critical.at must be an ISO 8601 date and time, got {at!r}") from exc
        critical = CriticalResult(finding=_text(crit, "finding", "critical.").strip(),
                                  told=_text(crit, "told", "critical.").strip(),
                                  how=_text(crit, "how", "critical.").strip(), at=at)
    base = draft or Report(study_uid=study_uid)
    return Report(study_uid=study_uid, template=_text(data, "template", "") or base.template, sections=sections,
                  stage=stage, author=_text(data, "author", "").strip(), verifier=_text(data, "verifier", "").strip(),
                  critical=critical, category_system=_text(data, "category_system", "") or base.category_system,
                  language=_text(data, "language", "") or base.language, nodules=list(base.nodules),
                  amendment_reason=_text(data, "amendment_reason", "").strip(), ai_model=base.ai_model)
