"""Forwarding a 240-slice CT to a real Orthanc: tpacs (dicom_node.forward) vs DCMTK storescu.

    python benchmarks/bench_forward.py [--phantom DIR] [--repeat 3]

Both send the same stored files to a fresh Orthanc (started per run, same settings), on loopback,
in one run of this script; the median wall time of each is printed with the ratio tpacs / storescu
(target <= 1.0). The archive is filled before timing starts (not timed).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dicom_node.archive import Archive  # noqa: E402
from dicom_node.config import load_config  # noqa: E402
from dicom_node.forward.worker import Forwarder  # noqa: E402
from tests.orthanc_helpers import running_orthanc  # noqa: E402

STORESCU = next((p for p in ("/usr/bin/storescu", "/usr/local/bin/storescu") if Path(p).is_file()), "storescu")
STORESCP = next((p for p in ("/usr/bin/storescp", "/usr/local/bin/storescp") if Path(p).is_file()), "storescp")


class Storescp:
    """DCMTK storescp --ignore (receives, stores nothing): shows what the senders themselves cost."""

    def __init__(self, folder: Path):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        folder.mkdir(parents=True)
        self.proc = subprocess.Popen([STORESCP, "-aet", "COUNTY", "+xa", "--ignore", "-od", str(folder), str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        from pynetdicom import AE

        for _ in range(100):
            ae = AE()
            ae.add_requested_context("1.2.840.10008.1.1")
            a = ae.associate("127.0.0.1", self.port, ae_title="COUNTY")
            if a.is_established:
                a.release()
                return
            time.sleep(0.1)
        raise RuntimeError("storescp did not start")

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)


def tpacs_to_storescp(work: Path, archive: Archive, study_uid: str) -> float:
    scp = Storescp(work)
    try:
        cfg = load_config(ROOT / "resources" / "default_config.toml")
        cfg["forwarding"]["destinations"] = [{"name": f"scp{scp.port}", "kind": "dicom", "ae_title": "COUNTY",
                                              "host": "127.0.0.1", "port": scp.port}]
        fw = Forwarder(cfg, archive)
        fw.on_study_ready(study_uid)
        t0 = time.perf_counter()
        job = fw.run_once()
        dt = time.perf_counter() - t0
        assert job.state == "delivered", job.last_error
    finally:
        scp.close()
    return dt


def storescu_to_storescp(work: Path, files: list[Path]) -> float:
    scp = Storescp(work)
    try:
        t0 = time.perf_counter()
        subprocess.run([STORESCU, "-aet", "TPACS", "-aec", "COUNTY", "127.0.0.1", str(scp.port),
                        *map(str, files)], check=True, capture_output=True)
        return time.perf_counter() - t0
    finally:
        scp.close()


def tpacs_once(work: Path, archive: Archive, study_uid: str) -> float:
    with running_orthanc(work) as orthanc:
        cfg = load_config(ROOT / "resources" / "default_config.toml")
        cfg["storage"]["path"] = str(archive.root)
        cfg["forwarding"]["destinations"] = [{"name": f"bench{orthanc.dicom_port}", "kind": "dicom",
                                              "ae_title": orthanc.aet, "host": "127.0.0.1",
                                              "port": orthanc.dicom_port}]
        fw = Forwarder(cfg, archive)
        fw.on_study_ready(study_uid)
        t0 = time.perf_counter()
        job = fw.run_once()
        dt = time.perf_counter() - t0
        assert job.state == "delivered", job.last_error
        n = orthanc.rest("/statistics")["CountInstances"]
        assert n == job.n_instances, (n, job.n_instances)
    return dt


def storescu_once(work: Path, files: list[Path]) -> float:
    with running_orthanc(work) as orthanc:
        t0 = time.perf_counter()
        subprocess.run([STORESCU, "-aet", "TPACS", "-aec", orthanc.aet, "127.0.0.1", str(orthanc.dicom_port),
                        *map(str, files)], check=True, capture_output=True)
        dt = time.perf_counter() - t0
        n = orthanc.rest("/statistics")["CountInstances"]
        assert n == len(files), (n, len(files))
    return dt


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--phantom", type=Path, help="a folder with the 240-slice CT (made if absent)")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_forward_"))
    try:
        phantom = args.phantom or work / "ct240"
        if not (phantom / "ground_truth.json").is_file():
            from ai_models.phantom import write_phantom

            print(f"writing the 240-slice phantom to {phantom} ...", flush=True)
            write_phantom(phantom, seed=240, modality="CT", slices=240, thickness_mm=1.25)
        archive = Archive(work / "storage")
        stored = [archive.add_file(f) for f in sorted(phantom.glob("*.dcm"))]
        study_uid = stored[0].study_uid
        files = [r.path for r in stored]  # both send the very same stored files
        mb = sum(r.size for r in stored) / 1e6
        ours, theirs = [], []
        for i in range(args.repeat):
            # alternate who goes first, so a warm page cache favours neither
            if i % 2 == 0:
                ours.append(tpacs_once(work / f"o{i}", archive, study_uid))
                theirs.append(storescu_once(work / f"s{i}", files))
            else:
                theirs.append(storescu_once(work / f"s{i}", files))
                ours.append(tpacs_once(work / f"o{i}", archive, study_uid))
            print(f"run {i + 1}: tpacs {ours[-1]:.2f} s, storescu {theirs[-1]:.2f} s", flush=True)
        o, s = statistics.median(ours), statistics.median(theirs)
        # the same, to DCMTK storescp: what each sender costs when the receiver is fast
        ours2 = [tpacs_to_storescp(work / f"p{i}", archive, study_uid) for i in range(args.repeat)]
        theirs2 = [storescu_to_storescp(work / f"q{i}", files) for i in range(args.repeat)]
        o2, s2 = statistics.median(ours2), statistics.median(theirs2)
        print(f"forward {len(files)} CT slices ({mb:.0f} MB) to Orthanc: tpacs {o:.2f} s, "
              f"DCMTK storescu {s:.2f} s, ratio {o / s:.2f} (target <= 1.0)")
        print(f"  same files to DCMTK storescp --ignore (sender cost): tpacs {o2:.2f} s, storescu {s2:.2f} s, "
              f"ratio {o2 / s2:.2f}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
