"""Ingest benchmark: the same 240-slice 512x512 CT sent by DCMTK storescu to `tpacs node`, to DCMTK
`storescp` (writing to disk) and to Orthanc, beside the disk's own durable-write floor, in one run; then
four senders at once vs one for tpacs; then (--memory) ten senders of a 500 MB object each.

    .venv/bin/python benchmarks/bench_ingest.py [--repeat 3] [--series DIR] [--memory] [--as-installed]

Every peer starts fresh (empty storage) before each timed send; the time is storescu's wall time,
association included. tpacs's figure includes validation, fsync of each file and its folder, and the
SQLite index; storescp only writes files (no fsync, no index); Orthanc writes files and indexes them in
its own SQLite. The floor writes the same bytes as files, one after another, each with write, fsync,
rename and an fsync of its folder: what the disk allows for durable one-by-one storage. "pynetdicom" is
pynetdicom's receive path alone (data sets streamed to temp files, a handler that stores nothing): what
tpacs pays for being built on it. Absolute times
are noisy on shared machines; the ratios from one run (peers interleaved) are what we track.

Every process runs with TCP_NODELAY=1 (the peers at their best: Debian's DCMTK leaves Nagle's algorithm
on otherwise, and each C-STORE response then waits ~40 ms for a delayed ACK); --as-installed adds the
measurement without it.

Targets (issue 16): one sender, tpacs <= 1.5x the floor and >= 2x faster than Orthanc; four senders at
once >= 1.6x the throughput of one; memory bounded (peak RSS of the node's processes printed).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.peak_memory import peak, reset_peak, rss, tree_pids  # noqa: E402
from tests.node_helpers import _free_port, copy_with_new_uids, running_node  # noqa: E402
from tests.orthanc_helpers import running_orthanc  # noqa: E402

STORESCU = next((p for p in ("/usr/bin/storescu", "/usr/local/bin/storescu") if Path(p).is_file()), "storescu")
STORESCP = next((p for p in ("/usr/bin/storescp", "/usr/local/bin/storescp") if Path(p).is_file()), "storescp")
MIB = 2 ** 20


def send(port: int, aec: str, files: list[Path], aet: str = "BENCH") -> float:
    t0 = time.perf_counter()
    res = subprocess.run([STORESCU, "-aet", aet, "-aec", aec, "127.0.0.1", str(port), *map(str, files)],
                         capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if res.returncode != 0 or "Failed" in res.stderr:
        raise RuntimeError(f"storescu to {aec} failed:\n{res.stderr[-2000:]}")
    return dt


def send_parallel(port: int, aec: str, groups: list[list[Path]]) -> float:
    t0 = time.perf_counter()
    procs = [subprocess.Popen([STORESCU, "-aet", f"BENCH{k}", "-aec", aec, "127.0.0.1", str(port), *map(str, g)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for k, g in enumerate(groups)]
    errs = [p.communicate()[1] for p in procs]
    dt = time.perf_counter() - t0
    for p, e in zip(procs, errs):
        if p.returncode != 0 or "Failed" in e:
            raise RuntimeError(f"a parallel storescu failed:\n{e[-2000:]}")
    return dt


def wait_port(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def bench_floor(work: Path, files: list[Path]) -> float:
    """The same bytes written durably one after another: write, fsync, rename, fsync of the folder."""
    datas = [f.read_bytes() for f in files]
    out = work / "floor"
    out.mkdir(parents=True)
    t0 = time.perf_counter()
    for i, data in enumerate(datas):
        tmp = out / f"{i}.part"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, out / f"{i}.dcm")
        _fsync_dir(out)
    return time.perf_counter() - t0


class NodePeak:
    """Peak RSS of a running node (all its processes) from now on."""

    def __init__(self, pid: int):
        self.pids = tree_pids(pid)
        self.base = sum(rss(p) for p in self.pids)
        self.ok = all(reset_peak(p) for p in self.pids)

    def grown(self) -> int:
        return sum(peak(p) for p in self.pids) - self.base


def bench_tpacs(work: Path, files: list[Path], mem: list | None = None) -> float:
    with running_node(work, config={"stability": {"quiet_seconds": 600}}) as node:
        watch = NodePeak(node.proc.pid)
        dt = send(node.port, node.aet, files)
        if mem is not None:
            mem.append((watch.base, watch.grown()))
        n = len(node.archive().instances())
        assert n == len(files), f"tpacs indexed {n} of {len(files)}"
        return dt


def bench_storescp(work: Path, files: list[Path]) -> float:
    out = work / "storescp_out"
    out.mkdir(parents=True)
    port = _free_port()
    proc = subprocess.Popen([STORESCP, "-aet", "STORESCP", "-od", str(out), str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        dt = send(port, "STORESCP", files)
        n = len(list(out.iterdir()))
        assert n == len(files), f"storescp wrote {n} of {len(files)}"
        return dt
    finally:
        proc.terminate()
        proc.wait(10)


PYNETDICOM_NOOP = r"""
import sys, tempfile
from pynetdicom import AE, _config, evt
from pynetdicom.sop_class import CTImageStorage
_config.STORE_RECV_CHUNKED_DATASET = True
tempfile.tempdir = sys.argv[2]
ae = AE(ae_title="NOOP")
ae.maximum_pdu_size = 1048576
ae.add_supported_context(CTImageStorage, ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"])
ae.start_server(("127.0.0.1", int(sys.argv[1])), block=True, evt_handlers=[(evt.EVT_C_STORE, lambda e: 0)])
"""


def bench_pynetdicom(work: Path, files: list[Path]) -> float:
    """pynetdicom's own receive path with a handler that stores nothing (the data sets stream to temp
    files, as in tpacs): what any receiver built on pynetdicom pays before it does its own work."""
    work.mkdir(parents=True)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-c", PYNETDICOM_NOOP, str(port), str(work)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        return send(port, "NOOP", files)
    finally:
        proc.kill()
        proc.wait(10)


def bench_orthanc(work: Path, files: list[Path]) -> float:
    with running_orthanc(work, aet="ORTHANC") as orth:  # inherits the environment (TCP_NODELAY)
        dt = send(orth.dicom_port, "ORTHANC", files)
        n = orth.rest("/statistics")["CountInstances"]
        assert n == len(files), f"Orthanc indexed {n} of {len(files)}"
        return dt


def bench_memory(work: Path, n: int = 10, size: int = 500 * MIB) -> None:
    """Ten senders of one 500 MB object each, at once (pynetdicom senders streaming from sparse files,
    so that the senders' memory is not the question); the node's peak RSS above its idle RSS."""
    from pynetdicom import AE, _config

    from tests.dicom_node.big_objects import CT_IMAGE, write_big_ct

    sources = [write_big_ct(work / f"big{k}.dcm", size) for k in range(n)]
    _config.STORE_SEND_CHUNKED_DATASET = True
    # Ten 500 MB fsyncs at once take a while on a shared disk: nobody may give up waiting.
    slow = {"max_associations": n + 2, "network_timeout_s": 1800.0, "dimse_timeout_s": 1800.0}
    with running_node(work / "memnode", config={"stability": {"quiet_seconds": 600}, "node": slow}) as node:
        watch = NodePeak(node.proc.pid)
        statuses: list = []

        def one(path: Path, k: int) -> None:
            ae = AE(ae_title=f"BIG{k}")
            ae.dimse_timeout = ae.network_timeout = 1800
            ae.add_requested_context(CT_IMAGE, "1.2.840.10008.1.2.1")
            assoc = ae.associate("127.0.0.1", node.port, ae_title=node.aet)
            try:
                rsp = assoc.send_c_store(path)
                statuses.append(int(rsp.Status) if "Status" in rsp else None)
            finally:
                assoc.release()

        t0 = time.perf_counter()
        threads = [threading.Thread(target=one, args=(p, k)) for k, p in enumerate(sources)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        dt = time.perf_counter() - t0
        grown = watch.grown()
        stored = len(node.archive().instances())
    budget = n * 6 * MIB + 40 * MIB  # the figure tests/dicom_node/test_receive_limits.py holds the node to
    print(f"\nmemory: {n} senders x {size / 1e6:.0f} MB at once: {stored} stored in {dt:.1f} s "
          f"(statuses {sorted(set(statuses))}); node idle RSS {watch.base / MIB:.0f} MiB, peak above it "
          f"{grown / MIB:.0f} MiB (budget {budget / MIB:.0f} MiB: {'met' if grown <= budget else 'MISSED'}); "
          f"whole data sets in memory would be {n * size / MIB:.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed sends per peer (the median is reported)")
    ap.add_argument("--series", type=Path, help="a folder with the CT series (default: a new 240-slice phantom)")
    ap.add_argument("--as-installed", action="store_true", help="also measure every peer without TCP_NODELAY")
    ap.add_argument("--memory", action="store_true", help="also: ten senders of a 500 MB object each")
    ap.add_argument("--skip-peers", action="store_true", help="only tpacs, the floor and the four-sender line")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    try:
        if args.series:
            files = sorted(p for p in args.series.iterdir() if p.suffix == ".dcm")
        else:
            from ai_models.phantom import write_phantom

            print("writing a 240-slice 512x512 CT phantom ...", flush=True)
            write_phantom(work / "ct", seed=240, modality="CT", slices=240, thickness_mm=1.25)
            files = sorted((work / "ct").glob("*.dcm"))
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"series: {len(files)} files, {mb:.0f} MB", flush=True)

        runners = {"floor": bench_floor, "tpacs": bench_tpacs, "pynetdicom": bench_pynetdicom}
        if not args.skip_peers:
            runners.update(storescp=bench_storescp, orthanc=bench_orthanc)
        modes = {"TCP_NODELAY=1": {"TCP_NODELAY": "1"}}
        if args.as_installed:
            modes["as installed"] = {}
        times: dict[tuple[str, str], list[float]] = {(m, k): [] for m in modes for k in runners}
        mem: list = []
        for r in range(args.repeat):
            for mode, env in modes.items():
                os.environ.pop("TCP_NODELAY", None)
                os.environ.update(env)
                for name, fn in runners.items():  # interleaved, so machine load hits all peers alike
                    d = work / f"{name}_{r}"
                    os.sync()  # the previous peer's unflushed writes must not land on this peer's time
                    t = fn(d, files, mem) if name == "tpacs" else fn(d, files)
                    times[(mode, name)].append(t)
                    shutil.rmtree(d, ignore_errors=True)
                    print(f"  run {r + 1} [{mode}] {name:9s} {t:6.2f} s", flush=True)
        os.environ["TCP_NODELAY"] = "1"
        print()
        for mode in modes:
            med = {k: statistics.median(times[(mode, k)]) for k in runners}
            line = f"ingest {len(files)} CT slices [{mode}] (median of {args.repeat}): durable writes of the same " \
                   f"bytes {med['floor']:.2f} s, tpacs {med['tpacs']:.2f} s"
            if "orthanc" in med:
                line += f", DCMTK storescp {med['storescp']:.2f} s (no fsync, no index), Orthanc {med['orthanc']:.2f} s"
            print(line)
            ratio = med["tpacs"] / med["floor"]
            print(f"  tpacs / floor    = {ratio:.2f}   (target <= 1.5: {'met' if ratio <= 1.5 else 'missed'})")
            print(f"  pynetdicom alone (a handler that stores nothing) {med['pynetdicom']:.2f} s = "
                  f"{med['pynetdicom'] / med['floor']:.2f}x the floor, {med['pynetdicom'] / med['tpacs']:.2f} of tpacs")
            if "orthanc" in med:
                o = med["orthanc"] / med["tpacs"]
                print(f"  Orthanc / tpacs  = {o:.2f}   (target >= 2.0 with TCP_NODELAY=1: {'met' if o >= 2 else 'missed'})")
                print(f"  storescp / tpacs = {med['storescp'] / med['tpacs']:.2f}")
        if mem:
            base = statistics.median(b for b, _ in mem)
            grown = max(g for _, g in mem)
            print(f"  tpacs node: idle RSS {base / MIB:.0f} MiB, peak above it while receiving {grown / MIB:.0f} MiB")

        # Four senders at once vs one, tpacs only.
        groups = [copy_with_new_uids(files, work / f"copy{k}", k) for k in (1, 2, 3, 4)]
        one, four = [], []
        for r in range(args.repeat):
            os.sync()
            with running_node(work / f"par_{r}", config={"stability": {"quiet_seconds": 600}}) as node:
                one.append(send(node.port, node.aet, groups[0]))
            shutil.rmtree(work / f"par_{r}", ignore_errors=True)
            os.sync()
            with running_node(work / f"par4_{r}", config={"stability": {"quiet_seconds": 600}}) as node:
                four.append(send_parallel(node.port, node.aet, groups))
                n = len(node.archive().instances())
                assert n == 4 * len(files), f"tpacs indexed {n} of {4 * len(files)}"
            shutil.rmtree(work / f"par4_{r}", ignore_errors=True)
            print(f"  run {r + 1} tpacs 1 sender {one[-1]:6.2f} s, 4 senders {four[-1]:6.2f} s", flush=True)
        t1, t4 = statistics.median(one), statistics.median(four)
        n = len(files)
        ratio = (4 * n / t4) / (n / t1)
        print(f"tpacs, 1 sender: {n} in {t1:.2f} s ({n / t1:.0f}/s); 4 senders at once: {4 * n} in {t4:.2f} s "
              f"({4 * n / t4:.0f}/s); throughput 4:1 = {ratio:.2f} (target >= 1.6: {'met' if ratio >= 1.6 else 'missed'})")
        if args.memory:
            bench_memory(work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
