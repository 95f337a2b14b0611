"""The way home, at the township: pull the reports of the studies this node forwarded from the county PACS.

The township asks; the county never has to reach in (works behind NAT). It asks the forwarding
destination that `[reports] from` names, through the same link, TLS and credentials as forwarding
(`dicom_node.sources.source_from_entry`: C-FIND + C-GET for a DICOM destination, QIDO-RS + WADO-RS for a
DICOMweb/STOW one), every `[reports] pull_interval_s`:

1. the studies it delivered to that destination within `pull_window_days` that have no final report yet;
   those with one are looked at again at most every `amendment_check_s` (an amendment comes late);
2. per study, the series at the county (C-FIND series level): an SR or DOC series holding more instances
   than this node has of it (and has set aside as not a report) is listed at instance level;
3. the instances it does not hold are fetched and handed to the ReportInbox, which stores the reports
   (the TID 2000 SR and the printed PDF) and refuses anything else; what is not a report is remembered in
   `report_pull_skipped` and not fetched again.

Like forwarding, the puller survives outages: its state, the failed attempts in a row and the next try are
in index.sqlite (`report_pull_sources`); after a failed look it waits backoff_initial_s *
backoff_factor^(n-1), at most backoff_cap_s (the [forwarding] values), and a restarted node picks up
the same schedule. A report already in the archive is never fetched or announced twice.

`attach(node)` (Node.start) gives the node its ReportInbox (which also takes reports the county pushes by
C-STORE) and, when `[reports] from` names a forwarding destination, starts the puller thread.
"""
from __future__ import annotations

import logging
import shutil
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from dicom_node.jobs import backoff_delay
from dicom_node.report_inbox import ReceivedReport, ReportInbox

log = logging.getLogger(__name__)

REPORT_MODALITIES = ("SR", "DOC")


@dataclass
class PullResult:
    ok: bool
    studies: int = 0                      # studies looked at
    received: list[ReceivedReport] = field(default_factory=list)
    error: str = ""


class ReportPuller:
    def __init__(self, archive, cfg: dict, inbox: ReportInbox, clock: Callable[[], float] = time.time,
                 source_factory: Callable | None = None):
        self.archive = archive
        self.cfg = cfg
        self.rcfg = cfg.get("reports", {})
        self.inbox = inbox
        self.clock = clock
        self.destination = str(self.rcfg.get("from", "") or "")
        entries = {d.get("name"): d for d in cfg.get("forwarding", {}).get("destinations", []) or []}
        if self.destination not in entries:
            raise ValueError(f"[reports] from = {self.destination!r} names no [[forwarding.destinations]] entry")
        self.entry = entries[self.destination]
        if source_factory is None:
            from dicom_node.sources import source_from_entry as source_factory
        self.source_factory = source_factory
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._ensure_row()

    # -- the persisted schedule
    def _conn(self):
        return self.inbox._conn()

    def _ensure_row(self) -> None:
        con = self._conn()
        con.execute("INSERT OR IGNORE INTO report_pull_sources (source, state, next_try_at, updated_at) "
                    "VALUES (?, 'ok', ?, ?)", (self.destination, self.clock(), self.clock()))
        con.commit()

    def status(self) -> dict:
        row = self._conn().execute("SELECT * FROM report_pull_sources WHERE source=?", (self.destination,)).fetchone()
        return dict(row)

    def _record(self, ok: bool, error: str = "") -> None:
        now = self.clock()
        con = self._conn()
        if ok:
            con.execute("UPDATE report_pull_sources SET state='ok', attempts=0, last_error='', last_ok_at=?, "
                        "next_try_at=?, updated_at=? WHERE source=?",
                        (now, now + float(self.rcfg.get("pull_interval_s", 15)), now, self.destination))
        else:
            attempts = self.status()["attempts"] + 1
            delay = backoff_delay(attempts, self.cfg.get("forwarding", {}))
            con.execute("UPDATE report_pull_sources SET state='failed', attempts=?, last_error=?, next_try_at=?, "
                        "updated_at=? WHERE source=?", (attempts, error[:2000], now + delay, now, self.destination))
        con.commit()

    # -- what to look at
    def studies_to_check(self) -> list[str]:
        """Studies delivered to the destination within the window: without a final report, every time; with
        one, when last looked at more than amendment_check_s ago."""
        now = self.clock()
        since = now - float(self.rcfg.get("pull_window_days", 30)) * 86400
        recheck = now - float(self.rcfg.get("amendment_check_s", 600))
        rows = self._conn().execute(
            "SELECT d.study_uid, MAX(d.delivered_at) AS at, "
            "  EXISTS (SELECT 1 FROM reports_received r WHERE r.study_uid=d.study_uid AND r.kind='sr' "
            "          AND r.state IN ('final','amended')) AS has_final, "
            "  (SELECT checked_at FROM report_pull_studies p WHERE p.source=? AND p.study_uid=d.study_uid) AS checked "
            "FROM forward_deliveries d WHERE d.destination=? AND d.job_id != 0 GROUP BY d.study_uid "
            "HAVING at >= ? ORDER BY at DESC", (self.destination, self.destination, since)).fetchall()
        return [r["study_uid"] for r in rows if not r["has_final"] or r["checked"] is None or r["checked"] < recheck]

    # -- one look
    def run_once(self) -> PullResult:
        """Look at the county once (whatever the schedule says); records the outcome in the schedule."""
        uids = self.studies_to_check()
        result = PullResult(ok=True, studies=len(uids))
        if not uids:
            self._record(True)
            return result
        source = None
        try:
            source = self.source_factory(self.entry, self.cfg)
            for uid in uids:
                result.received += self._pull_study(source, uid)
        except Exception as exc:  # an unreachable county is a failed look, never a dead puller
            result.ok, result.error = False, str(exc) or exc.__class__.__name__
            log.warning("pulling reports from %s failed: %s", self.destination, result.error)
        finally:
            if source is not None:
                try:
                    source.close()
                except Exception:
                    log.debug("closing the report source", exc_info=True)
        self._record(result.ok, result.error)
        return result

    def _local_counts(self, study_uid: str) -> tuple[set[str], dict[str, int]]:
        """(SOP Instance UIDs held or set aside, {series: how many of them}) for one study."""
        held = {i.sop_instance_uid: i.series_uid for i in self.archive.instances(study_uid=study_uid)}
        skipped = self._conn().execute("SELECT s.sop_instance_uid FROM report_pull_skipped s WHERE s.source=?",
                                       (self.destination,)).fetchall()
        known = set(held) | {r[0] for r in skipped}
        per: dict[str, int] = {}
        for series in held.values():
            per[series] = per.get(series, 0) + 1
        return known, per

    def _pull_study(self, source, study_uid: str) -> list[ReceivedReport]:
        known, per_series = self._local_counts(study_uid)
        todo = []
        for s in source.find_series(study_uid):
            if str(s.get("Modality", "")).upper() not in REPORT_MODALITIES:
                continue
            series_uid = str(s.SeriesInstanceUID)
            remote = s.get("NumberOfSeriesRelatedInstances")
            try:
                remote = int(remote) if remote not in (None, "") else None
            except (TypeError, ValueError):
                remote = None
            if remote is not None and remote <= per_series.get(series_uid, 0):
                continue  # nothing there that we lack (a set-aside object makes us look again, cheaply)
            for row in source.find_instances(study_uid, series_uid=series_uid):
                uid = str(row.get("SOPInstanceUID", ""))
                if uid and uid not in known:
                    todo.append(uid)
        received = []
        if todo:
            tmp = self.archive.tmp_dir / "report_pull" / study_uid
            try:
                fetched = source.fetch_study(study_uid, tmp, sop_uids=todo)
                for path in fetched.files:
                    row = None
                    try:
                        row = self.inbox.receive(path, f"pull:{self.destination}")
                        is_report = row is not None or self.archive.instance(path.stem) is not None
                    except PermissionError as exc:  # cannot happen for our own study; logged if it does
                        log.warning("report %s not taken in: %s", path.name, exc)
                        is_report = False
                    if not is_report:
                        self._conn().execute("INSERT OR IGNORE INTO report_pull_skipped VALUES (?,?)",
                                             (self.destination, path.stem))
                    if row is not None:
                        received.append(row)
                self._conn().commit()
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        con = self._conn()
        con.execute("INSERT INTO report_pull_studies (source, study_uid, checked_at) VALUES (?,?,?) "
                    "ON CONFLICT (source, study_uid) DO UPDATE SET checked_at=excluded.checked_at",
                    (self.destination, study_uid, self.clock()))
        con.commit()
        return received

    # -- the thread
    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="report-pull", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look now (e.g. the user asked), whatever the schedule says."""
        con = self._conn()
        con.execute("UPDATE report_pull_sources SET next_try_at=? WHERE source=?", (self.clock(), self.destination))
        con.commit()
        self._wake.set()

    def _run(self) -> None:
        interval = float(self.rcfg.get("pull_interval_s", 15))
        while not self._stop.is_set():
            try:
                due = float(self.status()["next_try_at"])
                if self.clock() >= due:
                    self.run_once()
                    continue
                wait = min(interval, max(0.05, due - self.clock()))
            except Exception:
                log.exception("report puller")
                wait = interval
            self._wake.wait(wait)
            self._wake.clear()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def attach(node) -> ReportInbox:
    """Called by Node.start(): the node's ReportInbox, and the puller when `[reports] from` names a
    forwarding destination."""
    node.report_inbox = ReportInbox(node.archive, node.cfg)
    node.report_puller = None
    name = str(node.cfg.get("reports", {}).get("from", "") or "")
    names = [d.get("name") for d in node.cfg.get("forwarding", {}).get("destinations", []) or []]
    if name and name in names:
        node.report_puller = ReportPuller(node.archive, node.cfg, node.report_inbox)
        node.report_puller.start()
        log.info("pulling reports from %s every %s s", name, node.cfg["reports"].get("pull_interval_s"))
    elif name and names:
        log.warning("[reports] from = %r names no forwarding destination; reports are not pulled", name)
    return node.report_inbox
