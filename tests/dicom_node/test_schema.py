"""index.sqlite has a schema version: the node upgrades an index written by release 0.1.0 (once, keeping a
copy), readers never alter it, and an index newer than this release is refused by everyone.

tests/data/index_0_1_0 was written by release 0.1.0's own code (commit 7ebc245: dicom_node/archive.py and
dicom_node/jobs.py) - two small studies, a delivered job with a pending storage commitment, a failed job,
a pinned study - and is committed as that release left it (no user_version)."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from dicom_node import schema
from dicom_node.archive import Archive
from dicom_node.jobs import JobQueue
from tests.node_helpers import PROJECT_ROOT, running_node, write_node_config

RELEASE_0_1_0 = PROJECT_ROOT / "tests" / "data" / "index_0_1_0"
STUDY_1, STUDY_2 = "1.2.826.0.1.3680043.10.1000.1", "1.2.826.0.1.3680043.10.1000.2"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _user_version(db: Path) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


def _tpacs(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viewer", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def old_storage(tmp_path) -> Path:
    storage = tmp_path / "node" / "storage"
    shutil.copytree(RELEASE_0_1_0, storage)
    assert _user_version(storage / "index.sqlite") == 0
    return storage


def test_release_0_1_0_index_is_upgraded_by_the_node_and_only_by_it(tmp_path, old_storage):
    db = old_storage / "index.sqlite"
    before = _digest(db)
    # A reader (the read-only `tpacs jobs list`) neither upgrades nor alters it: it says what to do.
    res = _tpacs("jobs", "--storage", str(old_storage))
    assert res.returncode == 2 and "schema version 0" in res.stderr and "tpacs node" in res.stderr, res.stderr
    with pytest.raises(schema.SchemaError):
        Archive(old_storage)
    with pytest.raises(schema.SchemaError):
        JobQueue(db)
    assert _digest(db) == before and not list(old_storage.glob("index.sqlite.v*.bak"))

    # The node upgrades it at start-up; everything 0.1.0 recorded is still there and usable.
    with running_node(tmp_path / "node") as node:
        assert node.storage == old_storage
        assert _user_version(db) == schema.latest() >= 1
        archive = node.archive()
        assert {s.study_uid for s in archive.studies()} == {STUDY_1, STUDY_2}
        assert archive.study(STUDY_1).patient_name == "王^小明" and archive.study(STUDY_2).pinned
        assert len(archive.instances()) == 6 and all(i.path.is_file() for i in archive.instances())
        q = JobQueue(db)
        assert {j.state for j in q.jobs()} == {"delivered", "failed"}
        assert len(q.delivered_uids("county", STUDY_1)) == 3
        assert [c["state"] for c in q.commitments(STUDY_1)] == ["pending"]
        assert q.committed_uids("county", STUDY_1) == set()  # the column 0.1.0 added late is there
        res = _tpacs("jobs", "--storage", str(old_storage))
        assert res.returncode == 0 and "delivered" in res.stdout and "failed" in res.stdout, res.stderr
    # A copy of the index as 0.1.0 left it, for a rollback to that release.
    backup = old_storage / "index.sqlite.v0.bak"
    assert backup.is_file() and _user_version(backup) == 0
    # Started again: nothing left to migrate, no second copy.
    with running_node(tmp_path / "node"):
        pass
    assert list(old_storage.glob("index.sqlite.v*.bak")) == [backup]
    assert "schema migration" not in (tmp_path / "node" / "node.log").read_text().split("node stopped")[-1]


def test_an_index_newer_than_this_release_is_refused_by_everyone(tmp_path, old_storage):
    db = old_storage / "index.sqlite"
    schema.upgrade(db)
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {schema.latest() + 1}")
    con.close()
    before = _digest(db)
    config_path, _ = write_node_config(tmp_path / "node")
    res = _tpacs("node", "--config", str(config_path))
    assert res.returncode == 2, res.stderr
    assert f"schema version {schema.latest() + 1}" in res.stderr and "newer" in res.stderr
    res = _tpacs("jobs", "--storage", str(old_storage))
    assert res.returncode == 2 and "newer" in res.stderr
    for opener in (lambda: Archive(old_storage), lambda: JobQueue(db), lambda: schema.upgrade(db)):
        with pytest.raises(schema.SchemaError, match="newer"):
            opener()
    assert _digest(db) == before


def test_a_migration_runs_once_in_its_own_transaction(tmp_path, monkeypatch):
    """The mechanism another package adds its table with: one function, one number."""
    db = tmp_path / "index.sqlite"
    schema.upgrade(db)
    runs = []
    nxt = schema.latest() + 1
    monkeypatch.setitem(schema.MIGRATIONS, nxt, lambda con: (runs.append(1), schema.run_script(
        con, "CREATE TABLE report_pulls (study_uid TEXT PRIMARY KEY);\nCREATE INDEX rp ON report_pulls (study_uid);")))
    assert schema.upgrade(db) == (nxt - 1, nxt)
    assert schema.upgrade(db) == (nxt, nxt) and runs == [1]
    # A migration that fails half-way leaves nothing behind and the version where it was.
    def broken(con):
        schema.run_script(con, "CREATE TABLE half_done (x);")
        raise RuntimeError("disk unplugged")
    monkeypatch.setitem(schema.MIGRATIONS, nxt + 1, broken)
    with pytest.raises(RuntimeError):
        schema.upgrade(db)
    assert _user_version(db) == nxt
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name='half_done'").fetchone()[0] == 0
    con.close()
    with pytest.raises(ValueError, match="defined twice"):
        schema.migration(nxt)(lambda con: None)
