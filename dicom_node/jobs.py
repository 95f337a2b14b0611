"""The persistent forwarding Job queue, kept in the archive's index.sqlite.

A Job is "send study S to destination D". Its state is one of
  queued     waiting for its first (or a hand-requested) attempt
  sending    an attempt is running (left so by a crash: put back to queued at start-up)
  delivered  every instance of the study known when the attempt began reached D
  failed     the last attempt failed; the next one is due at next_try_at (exponential backoff)
  dead       gave up after forwarding.max_attempts attempts; `tpacs jobs retry ID` requeues it

Deliveries are recorded per (destination, SOP Instance UID) as each instance is acknowledged, so a
retry, a requeue or a later job for the same study sends only what the destination does not have yet.
Every attempt leaves a row in forward_attempts (the job's history) and every object that leaves the
clinic a row in forward_audit (what, where, when, result).

All times are unix seconds from an injectable clock, so that tests can drive the backoff schedule.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from dicom_node import schema

STATES = ("queued", "sending", "delivered", "failed", "dead")
ACTIVE = ("queued", "sending", "failed")

@dataclass
class Job:
    id: int
    study_uid: str
    destination: str
    state: str
    attempts: int
    last_error: str
    next_try_at: float
    created_at: float
    updated_at: float
    delivered_at: float | None
    n_instances: int
    n_delivered: int
    reason: str


@dataclass
class Attempt:
    id: int
    job_id: int
    attempt: int
    started_at: float
    ended_at: float | None
    result: str
    n_sent: int
    error: str


def backoff_delay(attempts: int, fwd_cfg: dict) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: initial * factor**(attempts-1), capped."""
    initial = float(fwd_cfg.get("backoff_initial_s", 30))
    factor = float(fwd_cfg.get("backoff_factor", 2.0))
    cap = float(fwd_cfg.get("backoff_cap_s", 3600))
    n = max(0, attempts - 1)
    try:
        delay = initial * (factor ** n)
    except OverflowError:
        delay = cap
    return min(cap, delay)


class JobQueue:
    """Forwarding jobs in `db_path` (the archive's index.sqlite). One instance may be shared by threads."""

    def __init__(self, db_path: Path | str, fwd_cfg: dict | None = None, clock: Callable[[], float] = time.time):
        self.db_path = Path(db_path)
        self.cfg = fwd_cfg or {}
        self.clock = clock
        self._local = threading.local()
        schema.check(self._conn().con, str(self.db_path))  # its tables: dicom_node.schema

    # -- connection per thread: sqlite3 objects must not cross threads
    def _conn(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            con.row_factory = sqlite3.Row
            self._local.con = con
        return _Tx(con)

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    # -- creating and finding jobs
    def enqueue(self, study_uid: str, destination: str, reason: str = "ready") -> Job:
        """A job for (study, destination) that will send whatever the destination lacks.

        An existing queued/failed job is reused (its backoff is kept); a running or finished job
        gets a new queued job beside it, which sends only the instances not yet delivered.
        """
        now = self.clock()
        with self._conn() as con:
            row = con.execute("SELECT * FROM forward_jobs WHERE study_uid=? AND destination=? "
                              "AND state IN ('queued','failed') ORDER BY id DESC LIMIT 1",
                              (study_uid, destination)).fetchone()
            if row is not None:
                return _job(row)
            cur = con.execute("INSERT INTO forward_jobs (study_uid, destination, state, next_try_at, created_at, "
                              "updated_at, reason) VALUES (?,?,?,?,?,?,?)",
                              (study_uid, destination, "queued", now, now, now, reason))
            return _job(con.execute("SELECT * FROM forward_jobs WHERE id=?", (cur.lastrowid,)).fetchone())

    def get(self, job_id: int) -> Job | None:
        with self._conn() as con:
            row = con.execute("SELECT * FROM forward_jobs WHERE id=?", (job_id,)).fetchone()
        return _job(row) if row else None

    def jobs(self, study_uid: str | None = None, destination: str | None = None,
             states: Iterable[str] | None = None, limit: int = 1000) -> list[Job]:
        sql, args = "SELECT * FROM forward_jobs WHERE 1=1", []
        if study_uid is not None:
            sql += " AND study_uid=?"
            args.append(study_uid)
        if destination is not None:
            sql += " AND destination=?"
            args.append(destination)
        if states is not None:
            states = list(states)
            sql += f" AND state IN ({','.join('?' * len(states))})"
            args += states
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        with self._conn() as con:
            return [_job(r) for r in con.execute(sql, args).fetchall()]

    def history(self, job_id: int) -> list[Attempt]:
        with self._conn() as con:
            rows = con.execute("SELECT * FROM forward_attempts WHERE job_id=? ORDER BY id", (job_id,)).fetchall()
        return [Attempt(**dict(r)) for r in rows]

    def next_due_at(self, destination: str | None = None) -> float | None:
        sql = "SELECT MIN(next_try_at) FROM forward_jobs WHERE state IN ('queued','failed')"
        args: list = []
        if destination is not None:
            sql += " AND destination=?"
            args.append(destination)
        with self._conn() as con:
            return con.execute(sql, args).fetchone()[0]

    # -- the worker's side
    def recover(self) -> list[int]:
        """Jobs left "sending" by a crash go back to "queued"; their open attempt is marked interrupted."""
        now = self.clock()
        with self._conn() as con:
            ids = [r[0] for r in con.execute("SELECT id FROM forward_jobs WHERE state='sending'")]
            for jid in ids:
                con.execute("UPDATE forward_jobs SET state='queued', next_try_at=?, updated_at=?, "
                            "last_error=CASE WHEN last_error='' THEN 'interrupted (node stopped)' ELSE last_error END "
                            "WHERE id=?", (now, now, jid))
                con.execute("UPDATE forward_attempts SET result='interrupted', ended_at=? "
                            "WHERE job_id=? AND result='running'", (now, jid))
        return ids

    def claim(self, destination: str | None = None) -> tuple[Job, int] | None:
        """Atomically take the oldest due job (optionally for one destination): state -> sending.

        Returns (job, attempt_id) or None. The attempt is counted here so that a job that crashes the
        node every time still reaches max_attempts.
        """
        now = self.clock()
        with self._conn() as con:
            con.execute("BEGIN IMMEDIATE")
            sql = "SELECT * FROM forward_jobs WHERE state IN ('queued','failed') AND next_try_at<=?"
            args: list = [now]
            if destination is not None:
                sql += " AND destination=?"
                args.append(destination)
            row = con.execute(sql + " ORDER BY next_try_at, id LIMIT 1", args).fetchone()
            if row is None:
                con.execute("COMMIT")
                return None
            attempts = row["attempts"] + 1
            con.execute("UPDATE forward_jobs SET state='sending', attempts=?, updated_at=? WHERE id=?",
                        (attempts, now, row["id"]))
            cur = con.execute("INSERT INTO forward_attempts (job_id, attempt, started_at) VALUES (?,?,?)",
                              (row["id"], attempts, now))
            con.execute("COMMIT")
            job = _job(con.execute("SELECT * FROM forward_jobs WHERE id=?", (row["id"],)).fetchone())
        return job, cur.lastrowid

    def delivered_uids(self, destination: str, study_uid: str) -> set[str]:
        with self._conn() as con:
            return {r[0] for r in con.execute("SELECT sop_instance_uid FROM forward_deliveries "
                                              "WHERE destination=? AND study_uid=?", (destination, study_uid))}

    def record_delivery(self, job: Job, sop_instance_uid: str, status: int, audit: dict | None = None) -> None:
        """One instance acknowledged by the destination: committed at once, so a crash never resends it."""
        now = self.clock()
        with self._conn() as con:
            con.execute("BEGIN")
            con.execute("INSERT OR IGNORE INTO forward_deliveries (destination, sop_instance_uid, study_uid, job_id, "
                        "status, delivered_at) VALUES (?,?,?,?,?,?)",
                        (job.destination, sop_instance_uid, job.study_uid, job.id, status, now))
            con.execute("UPDATE forward_jobs SET n_delivered=n_delivered+1, updated_at=? WHERE id=?", (now, job.id))
            if audit is not None:
                self._audit(con, job, sop_instance_uid, status, audit, now)
            con.execute("COMMIT")

    def mark_held(self, destination: str, study_uid: str, sop_instance_uids: Iterable[str]) -> None:
        """Objects that came from `destination` (a report from the county): it holds them already, so
        forwarding never sends them back (recorded as delivered by no job, status 0)."""
        now = self.clock()
        with self._conn() as con:
            con.executemany("INSERT OR IGNORE INTO forward_deliveries (destination, sop_instance_uid, study_uid, "
                            "job_id, status, delivered_at) VALUES (?,?,?,0,0,?)",
                            [(destination, u, study_uid, now) for u in sop_instance_uids])

    def audit(self, job: Job, sop_instance_uid: str, status: int | None, audit: dict) -> None:
        with self._conn() as con:
            self._audit(con, job, sop_instance_uid, status, audit, self.clock())

    @staticmethod
    def _audit(con, job: Job, sop_instance_uid: str, status: int | None, a: dict, now: float) -> None:
        con.execute("INSERT INTO forward_audit (at, job_id, destination, peer, study_uid, series_uid, "
                    "sop_instance_uid, transfer_syntax, status, result) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (now, job.id, job.destination, a.get("peer", ""), job.study_uid, a.get("series_uid", ""),
                     sop_instance_uid, a.get("transfer_syntax", ""), status, a.get("result", "delivered")))

    def set_total(self, job: Job, n_instances: int, n_delivered: int) -> None:
        with self._conn() as con:
            con.execute("UPDATE forward_jobs SET n_instances=?, n_delivered=? WHERE id=?",
                        (n_instances, n_delivered, job.id))

    def finish(self, job: Job, attempt_id: int, n_sent: int) -> Job:
        now = self.clock()
        with self._conn() as con:
            con.execute("BEGIN")
            con.execute("UPDATE forward_jobs SET state='delivered', delivered_at=?, updated_at=?, last_error='' "
                        "WHERE id=?", (now, now, job.id))
            con.execute("UPDATE forward_attempts SET ended_at=?, result='delivered', n_sent=? WHERE id=?",
                        (now, n_sent, attempt_id))
            con.execute("COMMIT")
        return self.get(job.id)  # type: ignore[return-value]

    def fail(self, job: Job, attempt_id: int, error: str, n_sent: int = 0) -> Job:
        """The attempt failed: retry after the backoff delay, or "dead" once max_attempts is reached."""
        now = self.clock()
        with self._conn() as con:
            con.execute("BEGIN")
            attempts = con.execute("SELECT attempts FROM forward_jobs WHERE id=?", (job.id,)).fetchone()[0]
            max_attempts = int(self.cfg.get("max_attempts", 0) or 0)
            if max_attempts and attempts >= max_attempts:
                state, next_at = "dead", now
            else:
                state, next_at = "failed", now + backoff_delay(attempts, self.cfg)
            con.execute("UPDATE forward_jobs SET state=?, last_error=?, next_try_at=?, updated_at=? WHERE id=?",
                        (state, error[:2000], next_at, now, job.id))
            con.execute("UPDATE forward_attempts SET ended_at=?, result='failed', n_sent=?, error=? WHERE id=?",
                        (now, n_sent, error[:2000], attempt_id))
            con.execute("COMMIT")
        return self.get(job.id)  # type: ignore[return-value]

    def interrupt(self, job: Job, attempt_id: int, n_sent: int = 0) -> Job:
        """The node is stopping mid-attempt: back to queued, due at once on the next start."""
        now = self.clock()
        with self._conn() as con:
            con.execute("BEGIN")
            con.execute("UPDATE forward_jobs SET state='queued', next_try_at=?, updated_at=?, "
                        "last_error='interrupted (node stopped)' WHERE id=?", (now, now, job.id))
            con.execute("UPDATE forward_attempts SET ended_at=?, result='interrupted', n_sent=? WHERE id=?",
                        (now, n_sent, attempt_id))
            con.execute("COMMIT")
        return self.get(job.id)  # type: ignore[return-value]

    def retry(self, job_id: int) -> Job:
        """By hand: a failed or dead job goes back to queued, due now, with a fresh attempt count.

        Its history is kept. A delivered job is requeued too (it will send only what is missing).
        """
        now = self.clock()
        with self._conn() as con:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute("SELECT state FROM forward_jobs WHERE id=?", (job_id,)).fetchone()
            if row is None:
                con.execute("ROLLBACK")
                raise KeyError(f"no forwarding job with id {job_id}")
            if row[0] == "sending":
                con.execute("ROLLBACK")
                raise ValueError(f"job {job_id} is being sent right now")
            con.execute("UPDATE forward_jobs SET state='queued', attempts=0, next_try_at=?, updated_at=? WHERE id=?",
                        (now, now, job_id))
            con.execute("INSERT INTO forward_attempts (job_id, attempt, started_at, ended_at, result) "
                        "VALUES (?,0,?,?,'requeued')", (job_id, now, now))
            con.execute("COMMIT")
        return self.get(job_id)  # type: ignore[return-value]

    # -- storage commitment (push model)
    def uncommitted_uids(self, destination: str, study_uid: str) -> set[str]:
        """Delivered, but not yet committed and not in a pending commitment request."""
        with self._conn() as con:
            return {r[0] for r in con.execute(
                "SELECT d.sop_instance_uid FROM forward_deliveries d WHERE d.destination=? AND d.study_uid=? "
                "AND d.committed_at IS NULL AND NOT EXISTS (SELECT 1 FROM forward_commitment_items i "
                "JOIN forward_commitments c ON c.transaction_uid=i.transaction_uid WHERE c.state='pending' "
                "AND c.destination=d.destination AND i.sop_instance_uid=d.sop_instance_uid)",
                (destination, study_uid))}

    def committed_uids(self, destination: str, study_uid: str) -> set[str]:
        with self._conn() as con:
            return {r[0] for r in con.execute("SELECT sop_instance_uid FROM forward_deliveries WHERE destination=? "
                                              "AND study_uid=? AND committed_at IS NOT NULL",
                                              (destination, study_uid))}

    def add_commitment(self, job: Job, transaction_uid: str, sop_uids: Iterable[str]) -> None:
        now = self.clock()
        uids = list(sop_uids)
        with self._conn() as con:
            con.execute("BEGIN")
            con.execute("INSERT INTO forward_commitments (transaction_uid, job_id, destination, study_uid, "
                        "requested_at, n_requested) VALUES (?,?,?,?,?,?)",
                        (transaction_uid, job.id, job.destination, job.study_uid, now, len(uids)))
            con.executemany("INSERT OR IGNORE INTO forward_commitment_items VALUES (?,?)",
                            [(transaction_uid, u) for u in uids])
            con.execute("COMMIT")

    def commitment(self, transaction_uid: str) -> dict | None:
        """The storage commitment request with this transaction UID (None: never asked)."""
        with self._conn() as con:
            row = con.execute("SELECT * FROM forward_commitments WHERE transaction_uid=?",
                              (transaction_uid,)).fetchone()
        return dict(row) if row else None

    def commitment_report(self, transaction_uid: str, committed: Iterable[str],
                          failed: Iterable[str]) -> dict | None:
        """Record the county's N-EVENT-REPORT. Failed instances lose their delivery record, so that
        the next job sends them again. Returns the commitment row (None for an unknown transaction)."""
        now = self.clock()
        committed, failed = list(committed), list(failed)
        with self._conn() as con:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute("SELECT * FROM forward_commitments WHERE transaction_uid=?",
                              (transaction_uid,)).fetchone()
            if row is None:
                con.execute("ROLLBACK")
                return None
            dest = row["destination"]
            con.executemany("UPDATE forward_deliveries SET committed_at=? WHERE destination=? AND sop_instance_uid=?",
                            [(now, dest, u) for u in committed])
            con.executemany("DELETE FROM forward_deliveries WHERE destination=? AND sop_instance_uid=?",
                            [(dest, u) for u in failed])
            con.execute("UPDATE forward_commitments SET state=?, reported_at=?, n_committed=?, n_failed=? "
                        "WHERE transaction_uid=?", ("failed" if failed else "committed", now, len(committed),
                                                    len(failed), transaction_uid))
            con.execute("COMMIT")
            return dict(con.execute("SELECT * FROM forward_commitments WHERE transaction_uid=?",
                                    (transaction_uid,)).fetchone())

    def expire_commitments(self, older_than_s: float) -> list[dict]:
        """Pending requests the county never answered: expired, so that they are asked again."""
        now = self.clock()
        with self._conn() as con:
            rows = [dict(r) for r in con.execute("SELECT * FROM forward_commitments WHERE state='pending' "
                                                 "AND requested_at<?", (now - older_than_s,))]
            con.executemany("UPDATE forward_commitments SET state='expired' WHERE transaction_uid=?",
                            [(r["transaction_uid"],) for r in rows])
        return rows

    def commitments(self, study_uid: str) -> list[dict]:
        with self._conn() as con:
            return [dict(r) for r in con.execute("SELECT * FROM forward_commitments WHERE study_uid=? ORDER BY "
                                                 "requested_at", (study_uid,))]

    def audit_rows(self, study_uid: str | None = None) -> list[dict]:
        with self._conn() as con:
            if study_uid is None:
                rows = con.execute("SELECT * FROM forward_audit ORDER BY id").fetchall()
            else:
                rows = con.execute("SELECT * FROM forward_audit WHERE study_uid=? ORDER BY id", (study_uid,)).fetchall()
        return [dict(r) for r in rows]

    def study_summary(self, study_uid: str) -> tuple[str, str]:
        """The study's overall forward state for Archive.set_forward_state: (state, detail)."""
        jobs = self.jobs(study_uid=study_uid)
        latest: dict[str, Job] = {}
        for j in jobs:  # newest first: the newest job per destination speaks for it
            latest.setdefault(j.destination, j)
        if not latest:
            return "", ""
        states = {j.state for j in latest.values()}
        detail = "; ".join(f"{d}: {j.state} {j.n_delivered}/{j.n_instances}"
                           + (f" ({j.last_error})" if j.last_error and j.state in ("failed", "dead") else "")
                           for d, j in sorted(latest.items()))
        if "sending" in states:
            return "sending", detail
        if states & {"failed", "dead"}:
            return "failed", detail
        if "queued" in states:
            return "queued", detail
        return "sent", detail


class _Tx:
    """`with queue._conn() as con:` yields the thread's connection (autocommit; explicit BEGIN where needed)."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con

    def __enter__(self) -> sqlite3.Connection:
        return self.con

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None and self.con.in_transaction:
            self.con.execute("ROLLBACK")

    # JobQueue.__init__ uses it directly too
    def __getattr__(self, name):
        return getattr(self.con, name)


def _job(row: sqlite3.Row) -> Job:
    return Job(**dict(row))
