"""The report loop, timed: township → county draft, and county final → township.

    python benchmarks/bench_report_loop.py [--slices 300] [--quiet 30] [--finals 3] [--workdir DIR]

A real Orthanc is the county PACS, a real `tpacs node` (AI on, forwarding to the Orthanc, pulling its
reports with the default schedule) is the township, and the county station's logic (county.Worklist,
reports.ReportSession) reads and reports. Two timings, as issue 14 states them:

1. From the last slice of a chest CT acknowledged at the township (DCMTK storescu returns) to the AI draft
   ready at the county station, broken down: quiet period, AI, forwarding, worklist refresh (until the
   study shows its AI findings), fetch + draft. Target: at most 120 s with a 30 s quiet period. Peers in
   the same run: DCMTK storescu of the same slices straight to a second Orthanc (what forwarding costs at
   least), and DCMTK getscu of the study from the county (what the station's fetch costs at least).
2. From "final" at the county (the report stored on the PACS) to the report at the township (in its inbox,
   which the browser's next poll shows), with `[reports] pull_interval_s` as shipped; repeated --finals
   times at random moments of the schedule. Target: at most 60 s. Peer: the county pushing the same
   report by C-STORE (Orthanc's /modalities/{id}/store) to a second township node. Each report is the first
   final of its own study (a study with a final report is looked at again for amendments only every
   `amendment_check_s`).
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.county.helpers import county_pacs, station_cfg  # noqa: E402
from tests.node_helpers import running_node  # noqa: E402

STORESCU = next((p for p in ("/usr/bin/storescu", "/usr/local/bin/storescu") if Path(p).is_file()), "storescu")
GETSCU = next((p for p in ("/usr/bin/getscu", "/usr/local/bin/getscu") if Path(p).is_file()), "getscu")


def _wait(pred, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(every)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def _storescu(port: int, aec: str, files, aet: str = "MOBILE_CT") -> None:
    subprocess.run([STORESCU, "-R", "-aet", aet, "-aec", aec, "127.0.0.1", str(port), *map(str, files)],
                   check=True, capture_output=True, timeout=600)


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--slices", type=int, default=300)
    p.add_argument("--quiet", type=float, default=30.0, help="stability.quiet_seconds at the township")
    p.add_argument("--finals", type=int, default=3)
    p.add_argument("--workdir", type=Path)
    args = p.parse_args(argv)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench_report_loop_"))
    ct = work / f"ct{args.slices}"
    if not (ct / "ground_truth.json").is_file():
        from ai_models.phantom import write_phantom

        print(f"writing a {args.slices}-slice phantom CT to {ct} (not timed)")
        write_phantom(ct, seed=300, modality="CT", slices=args.slices, thickness_mm=1.0)
    files = sorted(ct.glob("*.dcm"))
    run = work / f"run-{int(time.time())}"

    from county.worklist import Worklist
    from dicom_node.config import load_config
    from dicom_node.report_inbox import ReportInbox
    from reports.filing import ReportSession
    from reports.study import StudyContext

    from tests.conftest import free_port

    stations = {"READING1": free_port(), "TOWN_A": free_port(), "TOWN_B": free_port()}
    with county_pacs(run, stations=stations) as orthanc, county_pacs(run / "peer") as peer_pacs:
        dest = {"name": "county", "kind": "dicom", "ae_title": orthanc.aet, "host": "127.0.0.1",
                "port": orthanc.dicom_port}
        town_cfg = {"node": {"ae_title": "TOWN_A", "port": stations["TOWN_A"]}, "ai": {"enabled": True},
                    "stability": {"quiet_seconds": args.quiet}, "forwarding": {"destinations": [dest]},
                    "reports": {"from": "county"}}
        with running_node(run / "town_a", config=town_cfg) as town, \
                running_node(run / "town_b", config={"node": {"ae_title": "TOWN_B", "port": stations["TOWN_B"]},
                                                      "reports": {"from": ""}}) as town_b:
            archive = town.archive()
            study_uid = StudyContext.from_files(files[:1]).study_uid

            # ---------------------------------------------------------------- 1. township → county draft
            _storescu(town.port, town.aet, files)
            t0 = time.time()
            marks = {}

            def state():
                s = archive.study(study_uid)
                if s is None:
                    return False
                if s.stable_at and "stable" not in marks:
                    marks["stable"] = time.time()
                if s.ai_state in ("done", "failed") and "ai" not in marks:
                    marks["ai"] = time.time()
                    marks["ai_state"] = f"{s.ai_state} ({s.ai_detail})"
                if s.forward_state == "sent" and "sent" not in marks:
                    marks["sent"] = time.time()
                return "sent" in marks

            _wait(state, 900, "the study forwarded", every=0.2)
            cfg = station_cfg(orthanc)
            cfg["county"].update(cache_dir=str(run / "station-cache"), worklist_days=0)
            worklist = Worklist(cfg)

            def listed_with_ai():
                row = next((r for r in worklist.refresh() if r.study_uid == study_uid), None)
                return row is not None and row.ai_findings is not None

            _wait(listed_with_ai, 300, "the study on the worklist with its AI findings", every=0.5)
            marks["listed"] = time.time()
            folder = worklist.fetch(study_uid)
            marks["fetched"] = time.time()
            session = ReportSession(StudyContext.from_folder(folder), cfg)
            draft = session.draft()
            marks["draft"] = time.time()
            total = marks["draft"] - t0

            # peers: storescu of the same slices to another Orthanc; getscu of the study from the county
            t = time.perf_counter()
            _storescu(peer_pacs.dicom_port, peer_pacs.aet, files)
            storescu_s = time.perf_counter() - t
            get_dir = run / "getscu"
            get_dir.mkdir()
            t = time.perf_counter()
            subprocess.run([GETSCU, "-S", "-aet", "READING1", "-aec", orthanc.aet, "-od", str(get_dir),
                            "-k", "QueryRetrieveLevel=STUDY", "-k", f"StudyInstanceUID={study_uid}",
                            "127.0.0.1", str(orthanc.dicom_port)], check=True, capture_output=True, timeout=600)
            getscu_s = time.perf_counter() - t

            print(f"\n1. last slice acknowledged at the township -> AI draft ready at the county ({args.slices} "
                  f"slices, quiet period {args.quiet:g} s, AI {marks['ai_state']}, {len(draft.nodules)} nodules in "
                  f"the draft)")
            steps = [("quiet period", t0, "stable"), ("AI", "stable", "ai"), ("forwarding", "ai", "sent"),
                     ("worklist refresh", "sent", "listed"), ("fetch", "listed", "fetched"), ("draft", "fetched", "draft")]
            for name, a, b in steps:
                start = a if isinstance(a, float) else marks[a]
                print(f"   {name:<17} {marks[b] - start:7.1f} s")
            print(f"   {'total':<17} {total:7.1f} s   (target <= 120 s: {'met' if total <= 120 else 'MISSED'})")
            fwd, fetch = marks["sent"] - marks["ai"], marks["fetched"] - marks["listed"]
            print(f"   peers, same run: storescu of the slices to Orthanc {storescu_s:.1f} s (forwarding / storescu "
                  f"{fwd / storescu_s:.2f}); getscu of the study {getscu_s:.1f} s (fetch / getscu {fetch / getscu_s:.2f})")

            # ---------------------------------------------------------------- 2. county final → township
            # Each report is the first final of its own study: small studies sent now (not timed).
            from tests.node_helpers import copy_with_new_uids

            small = [copy_with_new_uids(files[:10], run / f"small{i}", i + 1) for i in range(args.finals)]
            for f in small:
                _storescu(town.port, town.aet, f)
            inbox = ReportInbox(archive, {})
            interval = float(load_config(town.config_path)["reports"]["pull_interval_s"])
            pulls, pushes = [], []
            # The county also pushes (peer, to township B, which must hold the study to take its report).
            oid_b = f"town_b_{random.randint(0, 9999)}"
            orthanc.rest(f"/modalities/{oid_b}", method="PUT",
                         data=f'{{"AET": "TOWN_B", "Host": "127.0.0.1", "Port": {stations["TOWN_B"]}}}'.encode())
            inbox_b = ReportInbox(town_b.archive(), {})
            for i, sfiles in enumerate(small):
                suid = StudyContext.from_files(sfiles[:1]).study_uid
                _wait(lambda: (s := archive.study(suid)) is not None and s.forward_state == "sent", 600,
                      f"small study {i} forwarded")
                _storescu(town_b.port, town_b.aet, sfiles[:1])  # township B holds it too (for the push peer)
                s_i = ReportSession(StudyContext.from_folder(worklist.fetch(suid)), cfg)
                d = replace(s_i.draft(), author="张^明", verifier="李^审核")
                time.sleep(random.uniform(0, interval))  # a random moment of the pull schedule
                filed = s_i.file(d, "final")
                paths = filed.save(run / "filed" / str(i))
                t_final = time.time()
                assert worklist.sources[0].store(paths).ok
                uid = str(filed.sr.SOPInstanceUID)
                _wait(lambda: inbox.report(uid) is not None, 600, "the report at the township", every=0.1)
                pulls.append(time.time() - t_final)
                # peer: Orthanc pushes the same report SR to township B by C-STORE
                oid = orthanc.rest("/tools/lookup", method="POST", data=uid.encode())[0]["ID"]
                t = time.time()
                orthanc.rest(f"/modalities/{oid_b}/store", method="POST", data=oid.encode())
                _wait(lambda: inbox_b.report(uid) is not None, 120, "the pushed report at township B", every=0.05)
                pushes.append(time.time() - t)
            worklist.close()
            print(f"\n2. final at the county -> report at the township (pull every {interval:g} s, the default; "
                  f"{args.finals} reports at random moments)")
            print(f"   pull: median {statistics.median(pulls):.1f} s, max {max(pulls):.1f} s  "
                  f"(each: {', '.join(f'{x:.1f}' for x in pulls)}; target <= 60 s: "
                  f"{'met' if max(pulls) <= 60 else 'MISSED'})")
            print(f"   peer, same run: Orthanc pushing the report by C-STORE: median {statistics.median(pushes):.2f} s "
                  f"(pull / push {statistics.median(pulls) / statistics.median(pushes):.1f})")
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
