"""Report turnaround: from the study's arrival at the township to its final report.

Per township and exam type: how many studies, how many final, the median and the 90th percentile
(nearest rank) of the turnaround of the final ones; the overdue list (studies without a final report past
their due time, the longest waiting first); CSV export of both. Times are unix seconds; the records come
from the county worklist or a township's archive. GUI-free.
"""
from __future__ import annotations

import csv
import io
import math
import statistics
from dataclasses import dataclass


@dataclass
class TurnaroundRecord:
    study_uid: str
    township: str
    exam: str                     # exam type as the targets name it ("CT", "DX", "胸部CT", ...)
    arrived_at: float             # at the township
    final_at: float | None = None  # the first final report (an amendment does not restart the clock)
    patient: str = ""

    def turnaround_s(self) -> float | None:
        return None if self.final_at is None else max(0.0, self.final_at - self.arrived_at)


@dataclass
class TurnaroundRow:
    township: str
    exam: str
    studies: int
    final: int
    median_s: float | None
    p90_s: float | None


@dataclass
class Overdue:
    record: TurnaroundRecord
    due_at: float
    waited_s: float


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of the values; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100.0 * len(ordered)) - 1)]


def summarize(records: list[TurnaroundRecord]) -> list[TurnaroundRow]:
    """One row per (township, exam type), sorted by township then exam."""
    groups: dict[tuple[str, str], list[TurnaroundRecord]] = {}
    for r in records:
        groups.setdefault((r.township, r.exam), []).append(r)
    rows = []
    for (township, exam), recs in sorted(groups.items()):
        times = [t for t in (r.turnaround_s() for r in recs) if t is not None]
        rows.append(TurnaroundRow(township, exam, len(recs), len(times),
                                  statistics.median(times) if times else None, percentile(times, 90)))
    return rows


def due_at(record: TurnaroundRecord, targets_s: dict[str, float], default_s: float | None = None) -> float | None:
    """When the report is due: arrival + the exam type's target (None: no target for it)."""
    target = targets_s.get(record.exam, default_s)
    return None if target is None else record.arrived_at + float(target)


def overdue(records: list[TurnaroundRecord], now: float, targets_s: dict[str, float],
            default_s: float | None = None) -> list[Overdue]:
    """Studies without a final report whose due time has passed, the longest waiting first."""
    out = []
    for r in records:
        due = due_at(r, targets_s, default_s)
        if r.final_at is None and due is not None and now > due:
            out.append(Overdue(r, due, now - r.arrived_at))
    return sorted(out, key=lambda o: -o.waited_s)


def _minutes(s: float | None) -> str:
    return "" if s is None else f"{s / 60.0:.1f}"


def to_csv(rows: list[TurnaroundRow], late: list[Overdue] = ()) -> str:
    """The summary (minutes) and, below it, the overdue list; UTF-8 text with a header line each."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["township", "exam", "studies", "final", "median_min", "p90_min"])
    for r in rows:
        w.writerow([r.township, r.exam, r.studies, r.final, _minutes(r.median_s), _minutes(r.p90_s)])
    if late:
        import datetime as _dt

        w.writerow([])
        w.writerow(["overdue_study_uid", "township", "exam", "patient", "arrived", "due", "waited_min"])
        for o in late:
            stamp = (lambda t: _dt.datetime.fromtimestamp(t).astimezone().isoformat(timespec="seconds"))
            w.writerow([o.record.study_uid, o.record.township, o.record.exam, o.record.patient,
                        stamp(o.record.arrived_at), stamp(o.due_at), _minutes(o.waited_s)])
    return buf.getvalue()


# ------------------------------------------------------------------------------------ where the records come from
def _timestamp(iso_or_dt: str) -> float | None:
    """ISO 8601 or DICOM DT ("20261201093000+0800") as unix seconds; None when unreadable."""
    import datetime as _dt

    from pydicom.valuerep import DT

    s = (iso_or_dt or "").strip()
    if not s:
        return None
    try:
        t = _dt.datetime.fromisoformat(s) if "-" in s[:8] or "T" in s else DT(s)
    except (ValueError, TypeError):
        return None
    return (t if t.tzinfo else t.astimezone()).timestamp()


def targets_s(cfg: dict) -> tuple[dict[str, float], float | None]:
    """The per-exam turnaround targets of `[county.turnaround_min]` in seconds, and the default."""
    minutes = dict(cfg.get("county", {}).get("turnaround_min", {}) or {})
    default = minutes.pop("default", None)
    minutes.pop("urgent", None)
    return {k: float(v) * 60 for k, v in minutes.items()}, (float(default) * 60 if default else None)


NON_IMAGE = {"SR", "SEG", "PR", "KO", "DOC", "RTSTRUCT"}


def _exam(modalities: str) -> str:
    mods = [m for m in (modalities or "").replace("/", "\\").split("\\") if m]
    return next((m for m in mods if m not in NON_IMAGE), mods[0] if mods else "")


def records_from_township(archive, township: str, limit: int = 100_000) -> list[TurnaroundRecord]:
    """A township's own figures: arrival = its first image received, final = the first verified report that
    came home (its verification time)."""
    from dicom_node.report_inbox import ReportInbox
    from reports.study import person_name

    finals: dict[str, float] = {}
    for r in ReportInbox(archive, {}).reports(limit=limit):
        at = _timestamp(r.signed_at) if r.state in ("final", "amended") else None
        if at is not None and (r.study_uid not in finals or at < finals[r.study_uid]):
            finals[r.study_uid] = at
    return [TurnaroundRecord(s.study_uid, township, _exam(s.modalities), float(s.first_received_at),
                             finals.get(s.study_uid), person_name(s.patient_name))
            for s in archive.studies(limit=limit)]


def records_from_worklist(worklist) -> list[TurnaroundRecord]:
    """The county's figures over every township: arrival = the study's acquisition time (when the township
    examined the patient), final = the first verified report SR in the PACS (its verification time)."""
    from pydicom import Dataset

    from county.srfacts import SR_QUERY_KEYS
    from reports.state import is_report, is_verified, signed_order

    rows = worklist.refresh()
    finals: dict[str, float] = {}
    for src in worklist.sources:
        done = [r.study_uid for r in rows if r.source == src.name and r.report_state in ("final", "amended")]
        if not done:
            continue
        srs = src.find_instances_of_studies(done, modality="SR", keys=SR_QUERY_KEYS)
        facts = worklist.cache.sr_facts([str(r.SOPInstanceUID) for v in srs.values() for r in v])
        for study_uid, found in srs.items():
            headers = [Dataset.from_json(facts[u]["header"]) for u in (str(r.SOPInstanceUID) for r in found)
                       if u in facts and facts[u].get("header")]
            verified = sorted((h for h in headers if is_report(h) and is_verified(h)), key=signed_order)
            obs = (verified[0].get("VerifyingObserverSequence") or [None])[0] if verified else None
            at = _timestamp(str(obs.get("VerificationDateTime", ""))) if obs is not None else None
            if at is not None:
                finals[study_uid] = at
    return [TurnaroundRecord(r.study_uid, r.township, r.modality, r.received.timestamp(), finals.get(r.study_uid),
                             r.patient_name) for r in rows if r.received is not None]


def turnaround_csv(cfg: dict, archive=None, now: float | None = None) -> str:
    """The CSV a station exports: the county's figures over every township (viewer.role = "county"), or this
    township's own (from its archive), with the overdue list by `[county.turnaround_min]`."""
    import time

    if cfg.get("viewer", {}).get("role", "township") == "county":
        from county.worklist import Worklist

        worklist = Worklist(cfg)
        try:
            records = records_from_worklist(worklist)
        finally:
            worklist.close()
    else:
        if archive is None:
            raise ValueError("a township's turnaround needs its archive")
        records = records_from_township(archive, str(cfg.get("node", {}).get("ae_title", "")))
    targets, default = targets_s(cfg)
    return to_csv(summarize(records), overdue(records, time.time() if now is None else now, targets, default))
