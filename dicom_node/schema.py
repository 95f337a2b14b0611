"""The schema of the archive's `index.sqlite`: one numbered migration per change, run once by the node.

The index keeps its schema version in `PRAGMA user_version`. This module owns every table of the index
(the archive's patients/studies/series/instances, forwarding's jobs, deliveries, attempts, audit and
storage commitments, and whatever comes next); no other module creates or alters a table.

Who does what
- The node (`tpacs node`, or the workstation's embedded node) calls `upgrade(path)` once at start-up,
  before anything else touches the index: each migration newer than the index's version runs in its own
  transaction that also sets `user_version`, so a crash leaves the index at the last finished version.
  Before the first migration of an index that holds data, a copy is written beside it
  (`index.sqlite.vN.bak`, N the version it had), so a rollback to the older release can get it back.
- Every other opener (the viewer, `tpacs jobs`, the AI step, the forwarding worker) calls `check(con)`:
  an index at the current version is used as is; an older one is refused with "start the node once to
  upgrade it" (never altered by a reader); a brand-new empty database is created at the current version.
- An index newer than this release knows (written by a newer release, e.g. after an installer rollback)
  is refused by everyone, the node included, with a message saying so. Nothing in it is changed.

Adding a migration (a one-function job)
    @migration(2)
    def _report_pulls(con: sqlite3.Connection) -> None:
        \"\"\"What this version adds, in one line.\"\"\"
        run_script(con, '''
            CREATE TABLE report_pull_sources (...);
            CREATE INDEX report_pulls_study ON report_pulls (study_uid);
        ''')
Put it at the end of this module with the next free number. Write plain CREATE/ALTER statements (no
"IF NOT EXISTS": a migration runs exactly once, on an index at the previous version); do not call
COMMIT or `executescript` (the transaction is the caller's, and `run_script` keeps it); never edit a
migration that has shipped - add a new one. `tests/dicom_node/test_schema.py` upgrades an index written
by release 0.1.0 (`tests/data/index_0_1_0`) through every migration.
"""
from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: dict[int, Migration] = {}


class SchemaError(RuntimeError):
    """The index cannot be used by this release (newer, or older and not upgraded); the message says why."""


def migration(version: int) -> Callable[[Migration], Migration]:
    """Register `fn(con)` as the migration that brings the index to `version` (1, 2, 3, ... no gaps)."""
    def register(fn: Migration) -> Migration:
        if version in MIGRATIONS:
            raise ValueError(f"schema migration {version} is defined twice ({MIGRATIONS[version].__name__}, "
                             f"{fn.__name__})")
        MIGRATIONS[version] = fn
        return fn
    return register


def latest() -> int:
    """The schema version this release writes."""
    versions = sorted(MIGRATIONS)
    if versions != list(range(1, len(versions) + 1)):
        raise SchemaError(f"schema migrations must be numbered 1..N without gaps, found {versions}")
    return versions[-1] if versions else 0


def run_script(con: sqlite3.Connection, script: str) -> None:
    """Execute several ';'-separated statements inside the caller's transaction (unlike executescript)."""
    stmt = ""
    for line in script.splitlines(keepends=True):
        stmt += line
        if sqlite3.complete_statement(stmt):
            con.execute(stmt)
            stmt = ""
    if stmt.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {stmt.strip()[:80]!r}")


def version(con: sqlite3.Connection) -> int:
    return int(con.execute("PRAGMA user_version").fetchone()[0])


def _is_empty(con: sqlite3.Connection) -> bool:
    return con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def _newer_message(found: int, where: str) -> str:
    return (f"{where} has schema version {found}, newer than this release of township-pacs knows "
            f"(up to {latest()}): it was written by a newer release. Install that release again; "
            "nothing in the archive was changed")


def _migrate(con: sqlite3.Connection, where: str) -> tuple[int, int]:
    """Run the pending migrations on an open connection (autocommit mode). Returns (from, to)."""
    target = latest()
    start = version(con)
    if start > target:
        raise SchemaError(_newer_message(start, where))
    for v in range(start + 1, target + 1):
        con.execute("BEGIN IMMEDIATE")  # one writer; another process migrating at once waits here
        try:
            current = version(con)
            if current >= v:  # someone else got there first
                con.execute("ROLLBACK")
                continue
            MIGRATIONS[v](con)
            con.execute(f"PRAGMA user_version = {int(v)}")
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        log.info("%s: schema migration %d (%s) done", where, v, MIGRATIONS[v].__name__.strip("_"))
    return start, target


def _raw(db_path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    return con


def upgrade(db_path: Path | str) -> tuple[int, int]:
    """The node's start-up step: bring `db_path` to the current version (creating it if needed).

    Returns (version found, version now). Raises SchemaError for an index newer than this release."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = _raw(db_path)
    try:
        found = version(con)
        if found > latest():
            raise SchemaError(_newer_message(found, str(db_path)))
        if found < latest() and not _is_empty(con):
            backup = db_path.with_name(f"{db_path.name}.v{found}.bak")
            if not backup.exists():
                dst = sqlite3.connect(backup)
                try:
                    con.backup(dst)
                finally:
                    dst.close()
            log.warning("upgrading %s from schema version %d to %d (a copy of the old index: %s)",
                        db_path, found, latest(), backup.name)
        return _migrate(con, str(db_path))
    finally:
        con.close()


def check(con: sqlite3.Connection, where: str = "index.sqlite") -> None:
    """For every opener but the node: the index must be at the current version (a new empty one is created)."""
    found = version(con)
    if found == latest():
        return
    if found > latest():
        raise SchemaError(_newer_message(found, where))
    if found == 0 and _is_empty(con):
        autocommit = con.isolation_level
        con.isolation_level = None
        try:
            _migrate(con, where)
        finally:
            con.isolation_level = autocommit
        return
    raise SchemaError(f"{where} has schema version {found}; this release uses {latest()}. Start the node "
                      "(`tpacs node`, or the workstation with its embedded node) once to upgrade it")


# ----------------------------------------------------------------------------------------- migrations
@migration(1)
def _release_0_1_0(con: sqlite3.Connection) -> None:
    """The schema of release 0.1.0, which wrote no version: archive index, forwarding queue, commitments.

    The only migration written with IF NOT EXISTS, because it also adopts indexes that 0.1.0 made
    (version 0 with these tables); the storage-commitment column came late in 0.1.0, hence the check."""
    run_script(con, """
    CREATE TABLE IF NOT EXISTS patients (
        id INTEGER PRIMARY KEY,
        patient_id TEXT NOT NULL DEFAULT '',
        patient_name TEXT NOT NULL DEFAULT '',
        patient_birth_date TEXT NOT NULL DEFAULT '',
        patient_sex TEXT NOT NULL DEFAULT '',
        UNIQUE (patient_id, patient_name)
    );
    CREATE TABLE IF NOT EXISTS studies (
        study_uid TEXT PRIMARY KEY,
        patient_ref INTEGER NOT NULL REFERENCES patients(id),
        study_date TEXT NOT NULL DEFAULT '',
        study_time TEXT NOT NULL DEFAULT '',
        accession_number TEXT NOT NULL DEFAULT '',
        study_id TEXT NOT NULL DEFAULT '',
        study_description TEXT NOT NULL DEFAULT '',
        referring_physician TEXT NOT NULL DEFAULT '',
        body_part TEXT NOT NULL DEFAULT '',
        first_received_at REAL NOT NULL,
        last_received_at REAL NOT NULL,
        calling_ae TEXT NOT NULL DEFAULT '',
        stable_at REAL,
        ai_state TEXT NOT NULL DEFAULT '',
        ai_detail TEXT NOT NULL DEFAULT '',
        forward_state TEXT NOT NULL DEFAULT '',
        forward_detail TEXT NOT NULL DEFAULT '',
        pinned INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS studies_patient ON studies(patient_ref);
    CREATE INDEX IF NOT EXISTS studies_date ON studies(study_date);
    CREATE INDEX IF NOT EXISTS studies_unstable ON studies(stable_at) WHERE stable_at IS NULL;
    CREATE TABLE IF NOT EXISTS series (
        series_uid TEXT PRIMARY KEY,
        study_uid TEXT NOT NULL REFERENCES studies(study_uid),
        modality TEXT NOT NULL DEFAULT '',
        series_number TEXT NOT NULL DEFAULT '',
        series_description TEXT NOT NULL DEFAULT '',
        body_part TEXT NOT NULL DEFAULT '',
        series_date TEXT NOT NULL DEFAULT '',
        series_time TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX IF NOT EXISTS series_study ON series(study_uid);
    CREATE TABLE IF NOT EXISTS instances (
        sop_instance_uid TEXT PRIMARY KEY,
        sop_class_uid TEXT NOT NULL,
        transfer_syntax_uid TEXT NOT NULL,
        series_uid TEXT NOT NULL REFERENCES series(series_uid),
        study_uid TEXT NOT NULL REFERENCES studies(study_uid),
        instance_number TEXT NOT NULL DEFAULT '',
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        digest TEXT NOT NULL DEFAULT '',  -- reserved; duplicates are compared byte for byte
        received_at REAL NOT NULL,
        calling_ae TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX IF NOT EXISTS instances_series ON instances(series_uid);
    CREATE INDEX IF NOT EXISTS instances_study ON instances(study_uid);

    CREATE TABLE IF NOT EXISTS forward_jobs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        study_uid     TEXT NOT NULL,
        destination   TEXT NOT NULL,
        state         TEXT NOT NULL CHECK (state IN ('queued','sending','delivered','failed','dead')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT NOT NULL DEFAULT '',
        next_try_at   REAL NOT NULL,
        created_at    REAL NOT NULL,
        updated_at    REAL NOT NULL,
        delivered_at  REAL,
        n_instances   INTEGER NOT NULL DEFAULT 0,
        n_delivered   INTEGER NOT NULL DEFAULT 0,
        reason        TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX IF NOT EXISTS forward_jobs_due ON forward_jobs (destination, state, next_try_at);
    CREATE INDEX IF NOT EXISTS forward_jobs_study ON forward_jobs (study_uid, destination);
    CREATE TABLE IF NOT EXISTS forward_deliveries (
        destination       TEXT NOT NULL,
        sop_instance_uid  TEXT NOT NULL,
        study_uid         TEXT NOT NULL,
        job_id            INTEGER NOT NULL,
        status            INTEGER NOT NULL,
        delivered_at      REAL NOT NULL,
        PRIMARY KEY (destination, sop_instance_uid)
    );
    CREATE INDEX IF NOT EXISTS forward_deliveries_study ON forward_deliveries (study_uid, destination);
    CREATE TABLE IF NOT EXISTS forward_attempts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id      INTEGER NOT NULL,
        attempt     INTEGER NOT NULL,
        started_at  REAL NOT NULL,
        ended_at    REAL,
        result      TEXT NOT NULL DEFAULT 'running',   -- running|delivered|failed|interrupted|requeued
        n_sent      INTEGER NOT NULL DEFAULT 0,
        error       TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX IF NOT EXISTS forward_attempts_job ON forward_attempts (job_id);
    CREATE TABLE IF NOT EXISTS forward_audit (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        at                REAL NOT NULL,
        job_id            INTEGER,
        destination       TEXT NOT NULL,
        peer              TEXT NOT NULL,          -- AE@host:port or the STOW-RS URL
        study_uid         TEXT NOT NULL,
        series_uid        TEXT NOT NULL DEFAULT '',
        sop_instance_uid  TEXT NOT NULL DEFAULT '',
        transfer_syntax   TEXT NOT NULL DEFAULT '',
        status            INTEGER,                -- DIMSE status or HTTP status
        result            TEXT NOT NULL           -- delivered|warning|duplicate|refused|error
    );
    CREATE INDEX IF NOT EXISTS forward_audit_study ON forward_audit (study_uid);
    CREATE TABLE IF NOT EXISTS forward_commitments (
        transaction_uid  TEXT PRIMARY KEY,
        job_id           INTEGER NOT NULL,
        destination      TEXT NOT NULL,
        study_uid        TEXT NOT NULL,
        requested_at     REAL NOT NULL,
        state            TEXT NOT NULL DEFAULT 'pending',   -- pending|committed|failed|expired
        reported_at      REAL,
        n_requested      INTEGER NOT NULL DEFAULT 0,
        n_committed      INTEGER NOT NULL DEFAULT 0,
        n_failed         INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE IF NOT EXISTS forward_commitment_items (
        transaction_uid   TEXT NOT NULL,
        sop_instance_uid  TEXT NOT NULL,
        PRIMARY KEY (transaction_uid, sop_instance_uid)
    );
    """)
    cols = {r[1] for r in con.execute("PRAGMA table_info(forward_deliveries)")}
    if "committed_at" not in cols:
        con.execute("ALTER TABLE forward_deliveries ADD COLUMN committed_at REAL")


@migration(2)
def _reports_at_the_township(con: sqlite3.Connection) -> None:
    """Reports that came home (dicom_node.report_inbox) and the state of pulling them (dicom_node.report_pull)."""
    run_script(con, """
    CREATE TABLE reports_received (
        sop_instance_uid  TEXT PRIMARY KEY,
        study_uid         TEXT NOT NULL,
        kind              TEXT NOT NULL,                -- sr (the report) | pdf (its printed form)
        state             TEXT NOT NULL DEFAULT '',     -- this version: preliminary | final | amended
        author            TEXT NOT NULL DEFAULT '',
        verifier          TEXT NOT NULL DEFAULT '',
        critical          INTEGER NOT NULL DEFAULT 0,
        signed_at         TEXT NOT NULL DEFAULT '',     -- the report's content date/time, ISO 8601
        received_at       REAL NOT NULL,
        source            TEXT NOT NULL,                -- pull:<destination> | push:<calling AE>
        notified_at       REAL
    );
    CREATE INDEX reports_received_study ON reports_received (study_uid);
    CREATE TABLE report_pull_sources (
        source       TEXT PRIMARY KEY,                  -- the forwarding destination pulled from
        state        TEXT NOT NULL,                     -- ok | failed
        attempts     INTEGER NOT NULL DEFAULT 0,        -- failed looks in a row
        next_try_at  REAL NOT NULL,
        last_error   TEXT NOT NULL DEFAULT '',
        last_ok_at   REAL,
        updated_at   REAL NOT NULL
    );
    CREATE TABLE report_pull_studies (
        source            TEXT NOT NULL,
        study_uid         TEXT NOT NULL,
        remote_instances  INTEGER NOT NULL DEFAULT -1,  -- the study's instances at the county when last looked
        checked_at        REAL NOT NULL,
        PRIMARY KEY (source, study_uid)
    );
    CREATE TABLE report_pull_skipped (                  -- objects at the county that are not reports to fetch
        source            TEXT NOT NULL,
        sop_instance_uid  TEXT NOT NULL,
        PRIMARY KEY (source, sop_instance_uid)
    );
    """)
