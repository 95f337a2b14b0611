"""Disk full, for real: the node's storage on a 40 MiB filesystem (a tmpfs mounted for the test).

With node.min_free_bytes (the shipped way) the node answers 0xA700 to everything once the floor is
reached and stays up; with no floor at all the disk really fills (the temp file of an instance, or the
index, cannot be written): the node still stays up, refuses or drops what it cannot store, and keeps
every instance it acknowledged readable. Space freed, it stores again."""
from __future__ import annotations

import os
import shutil
import subprocess

import pydicom
import pytest

from tests.conftest import dicom_files, missing
from tests.dicom_node.test_kill import acknowledged_files
from tests.node_helpers import copy_with_new_uids, echo, running_node

STORESCU = shutil.which("storescu") or "storescu"
MIB = 2 ** 20


@pytest.fixture
def small_fs(tmp_path):
    """A 40 MiB tmpfs at tmp_path/small (needs root, as CI and the dev containers have)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0:
        missing("root, to mount a small tmpfs for the disk-full test")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m,mode=0700", "tmpfs", str(mnt)], check=True)
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _send(node, files) -> tuple[str, list]:
    res = subprocess.run([STORESCU, "-v", "-nh", "-aet", "MOBILE_CT", "-aec", node.aet, "127.0.0.1", str(node.port),
                          *map(str, files)], capture_output=True, text=True, timeout=300)
    out = res.stdout + res.stderr
    return out, acknowledged_files(out)


def _readable(archive, acked) -> None:
    for f in acked:
        rec = archive.instance(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID)
        assert rec is not None and pydicom.dcmread(rec.path).pixel_array.shape == (512, 512), f


def test_disk_full_answers_out_of_resources_and_keeps_what_it_acknowledged(tmp_path, small_fs, ct_phantom_small):
    copies = [copy_with_new_uids(dicom_files(ct_phantom_small), tmp_path / f"c{k}", k) for k in (1, 2, 3)]
    storage = small_fs / "storage"
    node_cfg = {"storage": {"path": str(storage)}, "stability": {"quiet_seconds": 300},
                "node": {"min_free_bytes": 6 * MIB}}
    acked = []
    with running_node(tmp_path / "node", config=node_cfg) as node:
        out, ok = _send(node, copies[0] + copies[1])  # ~42 MB into 40 MiB, 6 MiB kept free
        acked += ok
        refusals = out.count("Received Store Response (Refused: OutOfResources)")  # 0xA700
        assert 10 < len(ok) < 80 and refusals >= 80 - len(ok) - 2, (len(ok), refusals, out[-1500:])
        assert "below node.min_free_bytes" in node.log_text()
        assert echo("127.0.0.1", node.port, node.aet)
        _readable(node.archive(), acked)
        assert list((storage / "tmp").iterdir()) == []  # every refused object left nothing behind

    # No floor: the filesystem really fills; the node cuts a transfer it has no room for (the sender sees
    # an abort at once, never a hang), stays up and keeps everything it acknowledged.
    node_cfg["node"]["min_free_bytes"] = 0
    with running_node(tmp_path / "node", config=node_cfg) as node:
        out, ok = _send(node, copies[1] + copies[2])
        acked += ok
        assert shutil.disk_usage(storage).free < 3 * MIB, "the filesystem never filled"
        assert "the storage volume is full" in node.log_text()
        assert node.proc.poll() is None and echo("127.0.0.1", node.port, node.aet)
        archive = node.archive()
        _readable(archive, acked)
        assert {p for p in (storage / "files").rglob("*") if p.is_file()} == {i.path for i in archive.instances()}
        # room again (the volume grown): the next instances land
        subprocess.run(["mount", "-o", "remount,size=80m", str(small_fs)], check=True)
        out, ok = _send(node, copies[2][-3:])
        assert len(ok) == 3, out[-2000:]
        _readable(node.archive(), acked + ok)
