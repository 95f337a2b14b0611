"""The township's reports: what came home from the county, whether pulled (dicom_node.report_pull) or pushed
by the county over C-STORE.

A report object is a TID 2000 SR (title 18748-4 "Diagnostic Imaging Report") or the Encapsulated PDF of the
printed report. The inbox
- refuses a report whose study this node does not hold (0x0124, not authorized): a township never takes in
  another township's reports, whoever sends them;
- stores it like any object (archive: fsync, atomic rename, index) but without restarting the study's quiet
  period (a report must not run the AI or forwarding again), and records it as held by the county so that
  forwarding never sends it back;
- keeps one row per object in `reports_received` (version state, author, verifier, critical result, when it
  arrived, where from, whether the user was told), which `tpacs reports` and the browser read.
"""
from __future__ import annotations

import datetime as _dt
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pydicom
from pydicom.dataset import Dataset

from dicom_objects.diagnostic_report import read_report_sr
from dicom_objects.encapsulated_pdf import ENCAPSULATED_PDF
from reports.state import REPORT_CONCEPT, is_report, is_verified, signed_order

log = logging.getLogger(__name__)

STATUS_NOT_AUTHORIZED = 0x0124  # PS3.7 C.4.2.1.4: "Refused: Not Authorized"
SR_PREFIX = "1.2.840.10008.5.1.4.1.1.88."


def report_kind(ds: Dataset) -> str | None:
    """"sr" for a report SR, "pdf" for a printed report (Encapsulated PDF titled as a report), else None."""
    sop_class = str(ds.get("SOPClassUID", ""))
    if sop_class.startswith(SR_PREFIX) and is_report(ds):
        return "sr"
    if sop_class == ENCAPSULATED_PDF:
        seq = ds.get("ConceptNameCodeSequence") or []
        if seq and (str(seq[0].get("CodeValue", "")), str(seq[0].get("CodingSchemeDesignator", ""))) == REPORT_CONCEPT[:2]:
            return "pdf"
    return None


@dataclass
class ReceivedReport:
    sop_instance_uid: str
    study_uid: str
    kind: str
    state: str
    author: str
    verifier: str
    critical: bool
    signed_at: str
    received_at: float
    source: str
    notified_at: float | None
    patient_name: str = ""
    has_pdf: bool = False

    def to_json_dict(self) -> dict:
        return {"study_uid": self.study_uid, "state": self.state, "author": self.author, "verifier": self.verifier,
                "received_at": _dt.datetime.fromtimestamp(self.received_at).astimezone().isoformat(timespec="seconds"),
                "critical": self.critical, "sop_instance_uid": self.sop_instance_uid, "signed_at": self.signed_at,
                "patient_name": self.patient_name, "pdf": self.has_pdf}


class ReportInbox:
    def __init__(self, archive, cfg: dict, clock: Callable[[], float] = time.time):
        self.archive = archive
        self.cfg = cfg
        self.clock = clock
        self._local = threading.local()
        self.listeners: list[Callable[[list[ReceivedReport]], None]] = []  # told of each new report SR

    def _conn(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self.archive.connect()
        return con

    # -- taking reports in
    def refusal(self, ds: Dataset) -> str | None:
        """Why this report object may not come in (None: it may): its study must be one of ours."""
        study_uid = str(ds.get("StudyInstanceUID", ""))
        if self.archive.study(study_uid) is None:
            return f"a report of study {study_uid}, which this node does not hold (another township's?)"
        return None

    def held_by(self) -> list[str]:
        """The destinations a report came from: the one `[reports] from` names, else every destination."""
        name = str(self.cfg.get("reports", {}).get("from", "") or "")
        names = [d.get("name") for d in self.cfg.get("forwarding", {}).get("destinations", []) or []]
        return [name] if name in names else [n for n in names if n]

    def receive(self, src: Path | Dataset, source: str) -> ReceivedReport | None:
        """Store a pulled report object (a file or dataset) and record it; None when it is no report."""
        ds = src if isinstance(src, Dataset) else pydicom.dcmread(src, stop_before_pixels=True)
        if not ds.get("SOPClassUID") or not ds.get("SOPInstanceUID"):
            # a broken transfer, not an object to set aside for good: the caller fails and looks again
            raise ValueError(f"{getattr(src, 'name', 'data set')} holds no SOP Class/Instance UID")
        kind = report_kind(ds)
        if kind is None:
            return None
        why = self.refusal(ds)
        if why:
            raise PermissionError(why)
        self.archive.add_file(src if isinstance(src, Dataset) else Path(src), source_ae=source.split(":", 1)[-1][:16])
        return self.record(ds, source)

    def record(self, ds: Dataset, source: str) -> ReceivedReport | None:
        """Record a report object already in the archive; returns the new SR row (None for a PDF or a repeat)."""
        kind = report_kind(ds)
        if kind is None:
            return None
        uid, study_uid = str(ds.SOPInstanceUID), str(ds.StudyInstanceUID)
        now = self.clock()
        author = verifier = signed = ""
        critical = False
        if kind == "sr":
            full = ds if "ContentSequence" in ds else self._read(uid)
            doc = read_report_sr(full)
            author, verifier, critical = doc.author, doc.verifier, bool(doc.critical)
            signed = doc.verified_at or doc.content_datetime
        con = self._conn()
        cur = con.execute("INSERT OR IGNORE INTO reports_received (sop_instance_uid, study_uid, kind, author, verifier, "
                          "critical, signed_at, received_at, source) VALUES (?,?,?,?,?,?,?,?,?)",
                          (uid, study_uid, kind, author, verifier, int(critical), signed, now, source))
        con.commit()
        new = cur.rowcount == 1
        self._refresh_states(study_uid)
        try:
            from dicom_node.jobs import JobQueue

            queue = JobQueue(self.archive.db_path, self.cfg.get("forwarding", {}))
            for dest in self.held_by():
                queue.mark_held(dest, study_uid, [uid])
            queue.close()
        except Exception:  # forwarding would send it back once: harmless, but worth a line
            log.exception("could not mark report %s as held by the county", uid)
        if not new or kind != "sr":
            return None
        log.info("report %s of study %s received (%s)", uid, study_uid, source)
        row = self.report(uid)
        for fn in list(self.listeners):
            try:
                fn([row])
            except Exception:
                log.exception("report listener failed")
        return row

    def _read(self, sop_uid: str) -> Dataset:
        inst = self.archive.instance(sop_uid)
        if inst is None:
            raise FileNotFoundError(f"report {sop_uid} is not in the archive")
        return pydicom.dcmread(inst.path)

    def _refresh_states(self, study_uid: str) -> None:
        """Each SR version's state from the study's report SRs (the order they were signed in, whatever the
        order they arrived in): preliminary, final (the first verified) or amended (a later verified)."""
        con = self._conn()
        rows = con.execute("SELECT sop_instance_uid FROM reports_received WHERE study_uid=? AND kind='sr'",
                           (study_uid,)).fetchall()
        headers = []
        for (uid,) in rows:
            inst = self.archive.instance(uid)
            if inst is not None:
                headers.append(pydicom.dcmread(inst.path, stop_before_pixels=True,
                                               specific_tags=["SOPInstanceUID", "ContentDate", "ContentTime",
                                                              "InstanceNumber", "CompletionFlag", "VerificationFlag"]))
        verified_before = False
        for ds in sorted(headers, key=signed_order):
            state = ("amended" if verified_before else "final") if is_verified(ds) else "preliminary"
            verified_before = verified_before or is_verified(ds)
            con.execute("UPDATE reports_received SET state=? WHERE sop_instance_uid=?", (state, str(ds.SOPInstanceUID)))
        con.commit()

    # -- reading
    _SELECT = ("SELECT r.*, p.patient_name AS patient_name, EXISTS (SELECT 1 FROM reports_received x WHERE "
               "x.study_uid=r.study_uid AND x.kind='pdf') AS has_pdf FROM reports_received r "
               "LEFT JOIN studies s ON s.study_uid=r.study_uid LEFT JOIN patients p ON p.id=s.patient_ref ")

    def _row(self, r) -> ReceivedReport:
        return ReceivedReport(sop_instance_uid=r["sop_instance_uid"], study_uid=r["study_uid"], kind=r["kind"],
                              state=r["state"], author=r["author"], verifier=r["verifier"], critical=bool(r["critical"]),
                              signed_at=r["signed_at"], received_at=r["received_at"], source=r["source"],
                              notified_at=r["notified_at"], patient_name=r["patient_name"] or "",
                              has_pdf=bool(r["has_pdf"]))

    def report(self, sop_uid: str) -> ReceivedReport | None:
        r = self._conn().execute(self._SELECT + "WHERE r.sop_instance_uid=?", (sop_uid,)).fetchone()
        return self._row(r) if r else None

    def reports(self, study_uid: str | None = None, limit: int = 1000) -> list[ReceivedReport]:
        """Report SRs received, critical ones first, then newest first."""
        sql, args = self._SELECT + "WHERE r.kind='sr'", []
        if study_uid:
            sql += " AND r.study_uid=?"
            args.append(study_uid)
        sql += " ORDER BY r.critical DESC, r.signed_at DESC, r.received_at DESC LIMIT ?"
        return [self._row(r) for r in self._conn().execute(sql, args + [int(limit)]).fetchall()]

    def study_states(self) -> dict[str, tuple[str, bool]]:
        """{study UID: (state of its newest report, whether that report holds a critical result)}."""
        out: dict[str, tuple[str, bool, str]] = {}
        for r in self._conn().execute("SELECT study_uid, state, critical, signed_at FROM reports_received "
                                      "WHERE kind='sr'"):
            if r["study_uid"] not in out or r["signed_at"] >= out[r["study_uid"]][2]:
                out[r["study_uid"]] = (r["state"], bool(r["critical"]), r["signed_at"])
        return {k: (v[0], v[1]) for k, v in out.items()}

    def unnotified(self) -> list[ReceivedReport]:
        """Reports the user has not been told of yet, critical first."""
        return [r for r in self.reports() if r.notified_at is None]

    def mark_notified(self, sop_uids) -> None:
        con = self._conn()
        con.executemany("UPDATE reports_received SET notified_at=? WHERE sop_instance_uid=?",
                        [(self.clock(), u) for u in sop_uids])
        con.commit()

    def pdf_path(self, study_uid: str) -> Path | None:
        """The newest printed report of the study in the archive."""
        r = self._conn().execute("SELECT sop_instance_uid FROM reports_received WHERE study_uid=? AND kind='pdf' "
                                 "ORDER BY received_at DESC LIMIT 1", (study_uid,)).fetchone()
        inst = self.archive.instance(r[0]) if r else None
        return Path(inst.path) if inst else None
