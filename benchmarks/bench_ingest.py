"""Ingest benchmark: the same 240-slice 512x512 CT sent by DCMTK storescu to `tpacs node`, to DCMTK
`storescp` (writing to disk) and to Orthanc, in one run; then four concurrent senders vs one for tpacs.

    .venv/bin/python benchmarks/bench_ingest.py [--repeat 3] [--series DIR]

Every peer starts fresh (empty storage) before each timed send; the time is storescu's wall time,
association included. tpacs's figure includes validation, fsync of each file and its folder, and
the SQLite index; storescp only writes files (no fsync, no index); Orthanc writes files and indexes
them in its own SQLite. Absolute times are noisy on shared machines: the ratios are what we track.

Debian's DCMTK (storescp, and Orthanc's DICOM layer) leaves Nagle's algorithm on unless the
environment says TCP_NODELAY=1; each C-STORE response then waits ~40 ms for a delayed ACK on
loopback. Every peer is measured as installed and with TCP_NODELAY=1 for all processes (their best case).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.node_helpers import RunningNode, _free_port, copy_with_new_uids, running_node  # noqa: E402
from tests.orthanc_helpers import running_orthanc  # noqa: E402

STORESCU = next((p for p in ("/usr/bin/storescu", "/usr/local/bin/storescu") if Path(p).is_file()), "storescu")
STORESCP = next((p for p in ("/usr/bin/storescp", "/usr/local/bin/storescp") if Path(p).is_file()), "storescp")


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


def bench_tpacs(work: Path, files: list[Path]) -> float:
    with running_node(work, config={"stability": {"quiet_seconds": 600}}) as node:
        dt = send(node.port, node.aet, files)
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


def bench_orthanc(work: Path, files: list[Path]) -> float:
    with running_orthanc(work, aet="ORTHANC") as orth:  # inherits the environment (TCP_NODELAY)
        dt = send(orth.dicom_port, "ORTHANC", files)
        n = orth.rest("/statistics")["CountInstances"]
        assert n == len(files), f"Orthanc indexed {n} of {len(files)}"
        return dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed sends per peer (the median is reported)")
    ap.add_argument("--series", type=Path, help="a folder with the CT series (default: a new 240-slice phantom)")
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

        runners = {"tpacs": bench_tpacs, "storescp": bench_storescp, "orthanc": bench_orthanc}
        # Mode "nodelay": TCP_NODELAY=1 for every process (storescu, storescp, Orthanc, the node): the
        # DCMTK peers at their best. Mode "as installed": no such variable (a modality's usual setting).
        modes = {"as installed": {}, "TCP_NODELAY=1": {"TCP_NODELAY": "1"}}
        times: dict[tuple[str, str], list[float]] = {(m, k): [] for m in modes for k in runners}
        for r in range(args.repeat):
            for mode, env in modes.items():
                os.environ.pop("TCP_NODELAY", None)
                os.environ.update(env)
                for name, fn in runners.items():  # interleaved, so machine load hits all peers alike
                    d = work / f"{name}_{r}"
                    os.sync()  # the previous peer's unflushed writes must not land on this peer's time
                    times[(mode, name)].append(fn(d, files))
                    shutil.rmtree(d, ignore_errors=True)
                    print(f"  run {r + 1} [{mode}] {name:9s} {times[(mode, name)][-1]:6.2f} s", flush=True)
        os.environ.pop("TCP_NODELAY", None)
        print()
        for mode in modes:
            med = {k: statistics.median(times[(mode, k)]) for k in runners}
            print(f"ingest {len(files)} CT slices [{mode}] (median of {args.repeat}): tpacs {med['tpacs']:.2f} s, "
                  f"DCMTK storescp {med['storescp']:.2f} s, Orthanc {med['orthanc']:.2f} s")
            print(f"  storescp / tpacs = {med['storescp'] / med['tpacs']:.2f}   (target >= 1.0: tpacs no slower)")
            print(f"  Orthanc / tpacs  = {med['orthanc'] / med['tpacs']:.2f}   (target >= 3.0)")

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
        print(f"tpacs, 1 sender: {n} in {t1:.2f} s ({n / t1:.0f}/s); 4 senders at once: {4 * n} in {t4:.2f} s "
              f"({4 * n / t4:.0f}/s); throughput ratio 4:1 = {(4 * n / t4) / (n / t1):.2f} (target >= 1.0)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
