"""The station's local cache of fetched studies, and of what it learnt from small SR headers.

* Studies: `<root>/studies/<Study Instance UID>/<SOP Instance UID>.dcm`, fetched through a
  `RemoteSource` (which writes each instance as it arrives and never fetches one twice, so a dropped
  link resumes where it stopped). The cache keeps to `[county] cache_max_gb`: the least recently used
  studies go first, never one that is pinned (unsaved work: a review or report being written) or in use.
* SR facts: per SOP Instance UID, the report-state header keys and the AI summary read from that SR
  (instances never change, so this is kept for good; it is what makes a worklist refresh cheap).
* Prefetch: `prefetch(source, uids)` fetches the next studies of the worklist in a background thread.

Index: `<root>/cache.sqlite` (SQLite, one connection per thread). GUI-free.
"""
from __future__ import annotations

import json
import logging
import queue
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS studies (
    study_uid TEXT PRIMARY KEY, source TEXT, last_used REAL, bytes INTEGER DEFAULT 0,
    complete INTEGER DEFAULT 0, pinned INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS sr_facts (
    sop_uid TEXT PRIMARY KEY, study_uid TEXT, facts TEXT);
CREATE TABLE IF NOT EXISTS study_facts (
    study_uid TEXT PRIMARY KEY, facts TEXT);
"""


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("*.dcm")) if folder.is_dir() else 0


class FetchCache:
    def __init__(self, root: Path | str, max_bytes: int, clock: Callable[[], float] = time.time):
        self.root = Path(root)
        (self.root / "studies").mkdir(parents=True, exist_ok=True)
        self.max_bytes = int(max_bytes)
        self.clock = clock
        self._local = threading.local()
        self._in_use: dict[str, int] = {}
        self._lock = threading.Lock()
        self._prefetch_q: queue.Queue = queue.Queue()
        self._prefetch_thread: threading.Thread | None = None
        self.prefetched: list[str] = []  # study UIDs the prefetcher finished (for the status line, tests)
        with self._db() as db:
            db.executescript(SCHEMA)

    @classmethod
    def from_config(cls, cfg: dict, clock: Callable[[], float] = time.time) -> "FetchCache":
        from dicom_node.config import user_data_dir

        ccfg = cfg.get("county", {})
        root = Path(ccfg.get("cache_dir") or user_data_dir() / "county-cache")
        return cls(root, int(float(ccfg.get("cache_max_gb", 20)) * 1024 ** 3), clock)

    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.root / "cache.sqlite", timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    # ------------------------------------------------------------------------------------ studies
    def folder(self, study_uid: str) -> Path:
        return self.root / "studies" / study_uid

    def fetch(self, source, study_uid: str, progress=None, **kwargs):
        """Fetch (or complete) one study into the cache; returns the source's FetchResult.

        The study is marked in use while it is fetched, so making room never removes it."""
        with self._lock:
            self._in_use[study_uid] = self._in_use.get(study_uid, 0) + 1
        try:
            self._db().execute("INSERT INTO studies(study_uid, source, last_used) VALUES (?,?,?) "
                               "ON CONFLICT(study_uid) DO UPDATE SET last_used=excluded.last_used",
                               (study_uid, source.name, self.clock()))
            try:
                result = source.fetch_study(study_uid, self.folder(study_uid), progress=progress, **kwargs)
            finally:
                self._db().execute("UPDATE studies SET bytes=? WHERE study_uid=?",
                                   (_size(self.folder(study_uid)), study_uid))
            if not kwargs:
                self._db().execute("UPDATE studies SET complete=1 WHERE study_uid=?", (study_uid,))
            self.make_room(keep={study_uid})
            return result
        finally:
            with self._lock:
                self._in_use[study_uid] -= 1
                if not self._in_use[study_uid]:
                    del self._in_use[study_uid]

    def is_complete(self, study_uid: str) -> bool:
        row = self._db().execute("SELECT complete FROM studies WHERE study_uid=?", (study_uid,)).fetchone()
        return bool(row and row[0]) and self.folder(study_uid).is_dir()

    def touch(self, study_uid: str) -> None:
        self._db().execute("UPDATE studies SET last_used=? WHERE study_uid=?", (self.clock(), study_uid))

    def pin(self, study_uid: str, pinned: bool = True) -> None:
        """Unsaved work on this study (a review, a report): never evicted while pinned."""
        self._db().execute("INSERT INTO studies(study_uid, last_used, pinned) VALUES (?,?,?) "
                           "ON CONFLICT(study_uid) DO UPDATE SET pinned=excluded.pinned",
                           (study_uid, self.clock(), int(pinned)))

    def total_bytes(self) -> int:
        return int(self._db().execute("SELECT COALESCE(SUM(bytes), 0) FROM studies").fetchone()[0])

    def studies(self) -> list[str]:
        return [r[0] for r in self._db().execute("SELECT study_uid FROM studies ORDER BY last_used DESC")]

    def make_room(self, keep: set[str] = frozenset()) -> list[str]:
        """Evict least recently used studies until the cache fits its bound; returns those removed."""
        evicted = []
        total = self.total_bytes()
        if total <= self.max_bytes:
            return evicted
        rows = self._db().execute("SELECT study_uid, bytes FROM studies WHERE pinned=0 ORDER BY last_used").fetchall()
        for uid, size in rows:
            if total <= self.max_bytes:
                break
            with self._lock:
                busy = uid in self._in_use
            if busy or uid in keep:
                continue
            shutil.rmtree(self.folder(uid), ignore_errors=True)
            self._db().execute("DELETE FROM studies WHERE study_uid=?", (uid,))
            total -= int(size or 0)
            evicted.append(uid)
            log.info("cache: evicted study %s (%d bytes) to stay within %d bytes", uid, size or 0, self.max_bytes)
        return evicted

    # ------------------------------------------------------------------------------------ prefetch
    def prefetch(self, source, study_uids: list[str]) -> None:
        """Fetch these studies in the background, one after the other (newest request first)."""
        for uid in study_uids:
            self._prefetch_q.put((source, uid))
        if self._prefetch_thread is None or not self._prefetch_thread.is_alive():
            self._prefetch_thread = threading.Thread(target=self._prefetcher, name="county-prefetch", daemon=True)
            self._prefetch_thread.start()

    def _prefetcher(self) -> None:
        while True:
            try:
                source, uid = self._prefetch_q.get(timeout=1.0)
            except queue.Empty:
                return
            try:
                if not self.is_complete(uid):
                    self.fetch(source, uid)
                self.prefetched.append(uid)
            except Exception as exc:  # noqa: BLE001 - prefetch is best effort; opening fetches again
                log.info("prefetch of %s from %s failed: %s", uid, getattr(source, "name", "?"), exc)
            finally:
                self._prefetch_q.task_done()

    def wait_prefetch(self, timeout: float | None = None) -> bool:
        """For tests and clean shutdown: wait until the prefetch queue is empty."""
        end = None if timeout is None else time.monotonic() + timeout
        while self._prefetch_q.unfinished_tasks:
            if end is not None and time.monotonic() > end:
                return False
            time.sleep(0.05)
        return True

    # ------------------------------------------------------------------------------------ facts
    def sr_facts(self, sop_uids: list[str]) -> dict[str, dict]:
        out = {}
        db = self._db()
        for i in range(0, len(sop_uids), 500):
            batch = sop_uids[i:i + 500]
            q = f"SELECT sop_uid, facts FROM sr_facts WHERE sop_uid IN ({','.join('?' * len(batch))})"
            for uid, facts in db.execute(q, batch):
                out[uid] = json.loads(facts)
        return out

    def put_sr_facts(self, items: dict[str, tuple[str, dict]]) -> None:
        """{sop_uid: (study_uid, facts)}."""
        db = self._db()
        db.execute("BEGIN")
        db.executemany("INSERT OR REPLACE INTO sr_facts VALUES (?,?,?)",
                       [(sop, study, json.dumps(f, ensure_ascii=False)) for sop, (study, f) in items.items()])
        db.execute("COMMIT")

    def study_facts(self, study_uid: str) -> dict | None:
        row = self._db().execute("SELECT facts FROM study_facts WHERE study_uid=?", (study_uid,)).fetchone()
        return json.loads(row[0]) if row else None

    def put_study_facts(self, study_uid: str, facts: dict) -> None:
        self._db().execute("INSERT OR REPLACE INTO study_facts VALUES (?,?)",
                           (study_uid, json.dumps(facts, ensure_ascii=False)))
