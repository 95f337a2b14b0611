"""Worklist rows, their due times and their order; filters and search. Pure functions, GUI-free.

Order (the station's default, and `tpacs worklist`):
1. Studies still to read (unread, claimed, preliminary) before those done (final, amended).
2. Urgency: the AI's highest category (`ai_models.findings.urgency_rank`: a mass above 4X, 4B, 4A, 3,
   2, 1; nothing found or no AI 0), raised by **ageing**: a study past its due time gains one rank per
   `[county] ageing_step_min` minutes overdue. Pure priority order is known to leave low-priority
   studies waiting longest; with ageing an overdue radiograph climbs past newer urgent work in time.
3. Due time (earliest first), then arrival.

Due time = arrival + the exam's turnaround target (`[county.turnaround_min]`, minutes): "urgent" when
the AI's category is one of `[county] urgent_categories`, else the study's modality (CT, DX, ...), else
"default". Arrival is the study's date and time (when the township examined the patient: the clock the
patient waits on; the county PACS offers no standard arrival time).
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from ai_models.findings import LUNG_RADS_ORDER, urgency_rank
from dicom_objects.values import age_years, display_name, image_modalities

STATES = ("unread", "claimed", "preliminary", "final", "amended")
DONE_STATES = ("final", "amended")
MAX_RANK = urgency_rank("mass", "")


@dataclass
class WorklistRow:
    study_uid: str
    source: str = ""
    township: str = ""          # what the column shows: institution, else station, else sending AE
    institution: str = ""
    station: str = ""
    sending_ae: str = ""
    patient_name: str = ""      # as people write it ("王小明")
    patient_pn: str = ""        # the DICOM PN ("王^小明")
    patient_id: str = ""
    sex: str = ""
    age: int | None = None
    modality: str = ""
    description: str = ""
    images: int = 0
    received: _dt.datetime | None = None
    due: _dt.datetime | None = None
    ai_findings: int | None = None  # None: no AI result for this study
    ai_category: str = ""           # highest: "mass", "4X", "4B", ... or ""
    ai_rank: int = 0
    ai_model: str = ""
    state: str = "unread"
    report_state: str = "unread"    # from the reports alone (preliminary / final / amended / unread)
    claimed_by: str = ""
    claimed_station: str = ""
    extra: dict = field(default_factory=dict)

    def waited(self, now: _dt.datetime) -> _dt.timedelta | None:
        return None if self.received is None else now - self.received

    def overdue(self, now: _dt.datetime) -> bool:
        return self.due is not None and now > self.due and self.state not in DONE_STATES

    def effective_rank(self, now: _dt.datetime, ageing_step_min: float) -> int:
        rank = self.ai_rank
        if self.overdue(now) and ageing_step_min > 0:
            rank += 1 + int((now - self.due).total_seconds() // (ageing_step_min * 60))
        return min(rank, MAX_RANK + 1)

    def to_state(self) -> dict:
        """Everything, for keeping the last worklist between runs (`from_state` reads it back)."""
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["received"], d["due"] = _iso(self.received), _iso(self.due)
        return d

    @classmethod
    def from_state(cls, d: dict) -> "WorklistRow":
        d = dict(d)
        for k in ("received", "due"):
            d[k] = _dt.datetime.fromisoformat(d[k]) if d.get(k) else None
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def to_json(self) -> dict:
        """The `tpacs worklist --json` record (DESIGN.md)."""
        return {"study_uid": self.study_uid, "township": self.township, "patient_name": self.patient_name,
                "patient_id": self.patient_id, "modality": self.modality,
                "received": _iso(self.received), "due": _iso(self.due),
                "ai": {"findings": self.ai_findings, "highest_category": self.ai_category},
                "state": self.state, "claimed_by": self.claimed_by}


def _iso(t: _dt.datetime | None) -> str | None:
    return None if t is None else t.isoformat(timespec="seconds")


def study_datetime(date: str, time: str, tz: _dt.tzinfo | None = None) -> _dt.datetime | None:
    """DICOM DA + TM (local time at the township) as an aware datetime in the station's time zone."""
    date = (date or "").strip()
    if len(date) < 8 or not date[:8].isdigit():
        return None
    t = re.sub(r"[^0-9.]", "", time or "")
    hh, mm, ss = int(t[0:2] or 0), int(t[2:4] or 0), int(float(t[4:] or 0)) if len(t) > 4 else 0
    try:
        naive = _dt.datetime(int(date[:4]), int(date[4:6]), int(date[6:8]), min(hh, 23), min(mm, 59), min(ss, 59))
    except ValueError:
        return None
    return naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()


def turnaround(ccfg: dict, modality: str, ai_category: str) -> float:
    """Minutes allowed for this exam by `[county.turnaround_min]`."""
    targets = ccfg.get("turnaround_min", {}) or {}
    urgent = {str(c).upper() for c in ccfg.get("urgent_categories", []) or []}
    if ai_category and ai_category.upper() in urgent and "urgent" in targets:
        return float(targets["urgent"])
    for m in (modality or "").split("/"):
        if m and m.upper() in targets:
            return float(targets[m.upper()])
    return float(targets.get("default", 240))


def make_row(study, *, ccfg: dict, report_state=None, ai: dict | None = None, claim=None, station: str = "",
             sending_ae: str = "", tz: _dt.tzinfo | None = None) -> WorklistRow:
    """One row from a RemoteStudy and what is known about it."""
    modality = image_modalities("\\".join(study.modalities))
    received = study_datetime(study.study_date, study.study_time, tz)
    row = WorklistRow(study_uid=study.study_uid, source=study.source, institution=study.institution_name,
                      station=station, sending_ae=sending_ae,
                      township=study.institution_name or station or sending_ae,
                      patient_name=display_name(study.patient_name), patient_pn=study.patient_name,
                      patient_id=study.patient_id, sex=(study.patient_sex or "").strip().upper()[:1],
                      age=age_years(study.patient_birth_date, study.study_date), modality=modality,
                      description=study.study_description, images=study.num_instances, received=received)
    if ai is not None:
        row.ai_findings = int(ai.get("findings", 0))
        row.ai_category = str(ai.get("highest_category", ""))
        row.ai_rank = int(ai.get("rank", 0))
        row.ai_model = str(ai.get("model", ""))
    if report_state is not None:
        row.report_state = report_state.state
        row.state = report_state.state
    if claim is not None and row.state not in DONE_STATES:
        row.state = "claimed"
        row.claimed_by = claim.reader
        row.claimed_station = claim.station
    if received is not None:
        row.due = received + _dt.timedelta(minutes=turnaround(ccfg, modality, row.ai_category))
    return row


def order(rows: list[WorklistRow], now: _dt.datetime, ageing_step_min: float) -> list[WorklistRow]:
    far = _dt.datetime.max.replace(tzinfo=now.tzinfo) if now.tzinfo else _dt.datetime.max

    def key(r: WorklistRow):
        return (r.state in DONE_STATES, -r.effective_rank(now, ageing_step_min), r.due or far, r.received or far,
                r.study_uid)

    return sorted(rows, key=key)


@dataclass
class WorklistFilter:
    text: str = ""        # part of the patient's name (any script, "^" ignored) or ID
    township: str = ""    # exact township column value; "" any
    state: str = ""       # one of STATES, "open" (not final/amended), or "" any
    modality: str = ""
    date_from: str = ""   # YYYYMMDD inclusive (the study date)
    date_to: str = ""

    def matches(self, row: WorklistRow) -> bool:
        text = _squash(self.text)
        if text and text not in _squash(row.patient_pn) and text not in _squash(row.patient_name) \
                and text not in _squash(row.patient_id):
            return False
        if self.township and row.township != self.township:
            return False
        if self.state == "open" and row.state in DONE_STATES:
            return False
        if self.state and self.state != "open" and row.state != self.state:
            return False
        if self.modality and self.modality.upper() not in row.modality.upper().split("/"):
            return False
        date = row.received.strftime("%Y%m%d") if row.received else ""
        if self.date_from and (not date or date < self.date_from):
            return False
        if self.date_to and (not date or date > self.date_to):
            return False
        return True


def _squash(s: str) -> str:
    return re.sub(r"[\^=\s]+", "", s or "").casefold()


def category_label(category: str) -> str:
    """"4B" -> "4B", "mass" -> "mass"; used by the GUI before translation."""
    return category if category in LUNG_RADS_ORDER or category == "mass" else ""
