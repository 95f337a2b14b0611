"""Receive memory is bounded (issue 15.5): data sets stream to disk as they arrive, the node announces a
PDU limit and cuts a peer that ignores it, and an object over node.max_instance_bytes is cut off while it
arrives. The figure with ten 500 MB objects is benchmarks/bench_ingest.py --memory; here ten 40 MB ones."""
from __future__ import annotations

import shutil
import struct
import subprocess
import time

import pydicom

from benchmarks.peak_memory import peak, reset_peak, rss, tree_pids
from dicom_node import pynetdicom_internals as internals
from tests.dicom_node.big_objects import CT_IMAGE, write_big_ct
from tests.node_helpers import echo, running_node

STORESCU = shutil.which("storescu") or "storescu"
MIB = 2 ** 20
# What the node may grow by while it receives: per association about three PDUs of node.max_pdu_bytes
# (pynetdicom's read buffer, its copy, the decoded PDV) plus thread stacks and buffers, and a fixed part
# for pydicom/SQLite caches. Whole data sets in memory (the old path) would be 10 x 40 MB on top.
BUDGET_PER_ASSOCIATION = 6 * MIB
BUDGET_FIXED = 40 * MIB


def _node_peak(node) -> int:
    return sum(peak(p) for p in tree_pids(node.proc.pid))


def test_ten_large_objects_at_once_stay_within_the_memory_budget(tmp_path):
    sources = [write_big_ct(tmp_path / f"big{k}.dcm", 40 * MIB) for k in range(10)]
    with running_node(tmp_path / "node", config={"stability": {"quiet_seconds": 300}}) as node:
        pids = tree_pids(node.proc.pid)
        base = sum(rss(p) for p in pids)
        assert all(reset_peak(p) for p in pids)
        senders = [subprocess.Popen([STORESCU, "-aet", f"CT{k}", "-aec", node.aet, "127.0.0.1", str(node.port), str(f)],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                   for k, f in enumerate(sources)]
        outs = [p.communicate(timeout=300)[0] for p in senders]
        assert all(p.returncode == 0 for p in senders), outs
        grown = _node_peak(node) - base
        archive = node.archive()
        assert len(archive.instances()) == 10
        for f in sources:
            rec = archive.instance(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID)
            assert rec.path.stat().st_size >= 40 * MIB - 2 * MIB
        budget = 10 * BUDGET_PER_ASSOCIATION + BUDGET_FIXED
        print(f"node peak above its idle RSS while receiving 10 x 40 MB at once: {grown / MIB:.0f} MiB "
              f"(budget {budget / MIB:.0f} MiB; idle RSS {base / MIB:.0f} MiB)")
        assert grown <= budget, f"node grew by {grown / MIB:.0f} MiB receiving 10 x 40 MB, budget {budget / MIB:.0f} MiB"


def test_a_peer_over_the_limits_is_cut_off_while_it_sends(tmp_path):
    over = {"node": {"max_instance_bytes": 8 * MIB, "network_timeout_s": 2.0, "dimse_timeout_s": 3.0},
            "stability": {"quiet_seconds": 300}}
    with running_node(tmp_path / "node", config=over) as node:
        # An object larger than node.max_instance_bytes: cut off while it arrives, nothing stored.
        big = write_big_ct(tmp_path / "big.dcm", 20 * MIB)
        res = subprocess.run([STORESCU, "-aec", node.aet, "127.0.0.1", str(node.port), str(big)],
                             capture_output=True, text=True, timeout=120)
        assert res.returncode != 0 or "Success" not in res.stdout + res.stderr
        assert "max_instance_bytes" in node.log_text()
        # A PDU longer than the node announced: a hand-made hostile peer writes one on the wire.
        from pynetdicom import AE

        ae = AE(ae_title="HOSTILE")
        ae.add_requested_context(CT_IMAGE)
        assoc = ae.associate("127.0.0.1", node.port, ae_title=node.aet)
        assert assoc.is_established and assoc.acceptor.maximum_length == 1048576
        try:
            internals.raw_socket(assoc).sendall(struct.pack(">BBL", 0x04, 0, 64 * MIB) + b"\0" * 65536)
        except OSError:
            pass
        deadline = time.monotonic() + 30
        while assoc.is_established and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not assoc.is_established and "PDU of 67108864 bytes" in node.log_text()
        # The node is fine, and an object within the limit still lands whole.
        assert echo("127.0.0.1", node.port, node.aet)
        ok = write_big_ct(tmp_path / "ok.dcm", 4 * MIB)
        subprocess.run([STORESCU, "-aec", node.aet, "127.0.0.1", str(node.port), str(ok)], check=True,
                       capture_output=True, timeout=120)
        archive = node.archive()
        assert [i.sop_instance_uid for i in archive.instances()] == [
            str(pydicom.dcmread(ok, stop_before_pixels=True).SOPInstanceUID)]
        # The partial file of the cut transfer goes (within twice the network + DIMSE timeouts).
        deadline = time.monotonic() + 40
        while list((node.storage / "tmp").iterdir()) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert list((node.storage / "tmp").iterdir()) == []
        files = [p for p in (node.storage / "files").rglob("*") if p.is_file()]
        assert files == [archive.instances()[0].path]
