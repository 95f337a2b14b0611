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
