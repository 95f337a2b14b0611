"""The node killed with SIGKILL in the middle of a storescu transfer, then restarted: every instance
storescu saw acknowledged is in the index and readable; no temp or partial file is indexed."""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pydicom

from dicom_node.archive import split_file
from tests.conftest import dicom_files
from tests.node_helpers import running_node

STORESCU = shutil.which("storescu") or "storescu"


def acknowledged_files(storescu_output: str) -> list[Path]:
    """Files whose C-STORE response storescu logged as Success (`-v`: "Sending file: X" ... response)."""
    acked, current = [], None
    for line in storescu_output.splitlines():
        m = re.search(r"Sending file: (.+)$", line)
        if m:
            current = Path(m.group(1).strip())
        elif "Received Store Response" in line:
            if "(Success)" in line and current is not None:
                acked.append(current)
            current = None
    return acked


def indexed_count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM instances").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_sigkill_mid_transfer_loses_no_acknowledged_instance(tmp_path, ct_phantom_240):
    files = dicom_files(ct_phantom_240)
    with running_node(tmp_path, config={"stability": {"quiet_seconds": 300}}) as node:
        proc = subprocess.Popen([STORESCU, "-v", "-aet", "MOBILE_CT", "-aec", node.aet, "127.0.0.1", str(node.port),
                                 *map(str, files)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        db = node.storage / "index.sqlite"
        deadline = time.monotonic() + 120
        while indexed_count(db) < 60 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "storescu finished before the node could be killed"
        node.kill()  # SIGKILL, in the middle of the transfer
        out = proc.communicate(timeout=60)[0]
        assert proc.returncode != 0 or "Failed" in out  # the sender noticed
        acked = acknowledged_files(out)
        assert 60 <= len(acked) < 240

        node.start()  # same storage, same port
        archive = node.archive()
        assert list((node.storage / "tmp").iterdir()) == []  # leftovers removed, never indexed
        indexed = {i.sop_instance_uid: i for i in archive.instances()}
        for f in acked:
            uid = pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID
            assert uid in indexed, f"acknowledged {f.name} lost"
        # Everything in the index is whole (never a partial file) and everything on disk is indexed.
        for rec in indexed.values():
            stored = rec.path.read_bytes()
            assert rec.size == len(stored)
            ds = pydicom.dcmread(rec.path)
            assert ds.pixel_array.shape == (512, 512)
        on_disk = {p for p in (node.storage / "files").rglob("*") if p.is_file()}
        assert on_disk == {r.path for r in indexed.values()}
        assert "did not stop cleanly" in node.log_text()

        # The modality sends the study again: it completes, and what was there is not duplicated.
        res = subprocess.run([STORESCU, "-aet", "MOBILE_CT", "-aec", node.aet, "127.0.0.1", str(node.port),
                              *map(str, files)], capture_output=True, text=True, timeout=300)
        assert res.returncode == 0, res.stderr[-2000:]
        assert len(archive.instances()) == 240
        sample = files[len(files) // 2]
        data = sample.read_bytes()
        rec = archive.instance(pydicom.dcmread(sample, stop_before_pixels=True).SOPInstanceUID)
        stored = rec.path.read_bytes()
        assert stored[split_file(stored)[1]:] == data[split_file(data)[1]:]


def test_twenty_kills_in_a_row_lose_no_acknowledged_instance(tmp_path, ct_phantom_small):
    """Issue 15: the node SIGKILLed at a seeded random moment of a transfer, 20 times in a row, restarted
    each time: every instance storescu saw acknowledged, in any round, is indexed and whole at the end;
    no temp file survives a start; no row lacks its file and no file its row."""
    import random

    from tests.node_helpers import copy_with_new_uids

    rng = random.Random(int(__import__("os").environ.get("TPACS_KILL_SEED", "20")))
    series = [copy_with_new_uids(dicom_files(ct_phantom_small), tmp_path / f"copy{k}", k) for k in range(1, 5)]
    acked: dict[str, Path] = {}
    kills = 0
    with running_node(tmp_path / "node", config={"stability": {"quiet_seconds": 300}}) as node:
        for round_ in range(20):
            files = series[round_ % len(series)]
            proc = subprocess.Popen([STORESCU, "-v", "-aet", "MOBILE_CT", "-aec", node.aet, "127.0.0.1", str(node.port),
                                     *map(str, files)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(rng.uniform(0.05, 0.8))  # somewhere in the association: before, between or inside instances
            node.kill()
            kills += 1
            out = proc.communicate(timeout=60)[0]
            for f in acknowledged_files(out):
                acked[str(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID)] = f
            node.start()
            assert list((node.storage / "tmp").iterdir()) == [], f"round {round_}: a temp file survived the start"
        archive = node.archive()
        indexed = {i.sop_instance_uid: i for i in archive.instances()}
        lost = sorted(set(acked) - set(indexed))
        assert not lost, f"{len(lost)} acknowledged instance(s) lost after {kills} kills"
        for uid, src in acked.items():
            stored = indexed[uid].path.read_bytes()
            data = src.read_bytes()
            assert stored[split_file(stored)[1]:] == data[split_file(data)[1]:], f"{uid} not stored as sent"
        for rec in indexed.values():  # whatever else got in (renamed, then killed before the ack) is whole too
            assert rec.size == rec.path.stat().st_size and pydicom.dcmread(rec.path).pixel_array.size > 0
        on_disk = {p for p in (node.storage / "files").rglob("*") if p.is_file()}
        assert on_disk == {r.path for r in indexed.values()}
    print(f"{kills} kills, {len(acked)} acknowledged instances, all kept")
    assert kills == 20 and len(acked) > 20, f"only {len(acked)} instances were acknowledged over 20 rounds"
