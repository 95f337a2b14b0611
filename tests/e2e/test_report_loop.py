"""The report's way home, end to end: a real Orthanc as the county PACS, two real township nodes (`tpacs node`),
the county station's logic without a GUI (remote sources, report filing), and the township's link to the
county as a real TCP connection that goes down and comes back.

Township A sends two chest CTs with their AI SR, township B one; all three are forwarded to the county. At
the county: the studies are listed with their reading state, study A1 gets a draft holding the AI's nodules,
is filed preliminary by one doctor and final by another; A2 is critical and cannot be finalised without its
communication record. The reports reach Orthanc and township A (pulled, over C-FIND/C-GET), never township
B; A's list shows the critical one first. With A's uplink down an amendment of A1 is filed; it arrives
exactly once when the link returns and supersedes the final report.
"""
from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest

from county.worklist import Worklist
from reports.filing import ReportSession
from reports.model import CriticalResult
from reports.signoff import SignOffError
from reports.study import StudyContext
from reports.turnaround import records_from_township, records_from_worklist, turnaround_csv
from tests.conftest import free_port
from tests.county.helpers import county_pacs, station_cfg
from tests.dicom_objects.test_nodule_objects import dciodvfy_errors
from tests.node_helpers import copy_with_new_uids, running_node
from tests.reports.helpers import ct_study_files  # noqa: F401 - fixture
from tests.reports.helpers import wait_until as _wait

pytestmark = pytest.mark.slow


class Link:
    """A township's uplink: a TCP relay to the county PACS that can be cut and restored (same port)."""

    def __init__(self, target_port: int):
        self.target = target_port
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._server = None
        self.up()

    def up(self) -> None:
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", self.port))
        srv.listen(16)
        self._server = srv
        threading.Thread(target=self._accept, args=(srv,), daemon=True).start()

    def down(self) -> None:
        srv, self._server = self._server, None
        if srv is not None:
            srv.close()
        for c in self._conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
        self._conns.clear()

    def _accept(self, srv: socket.socket) -> None:
        while True:
            try:
                a, _ = srv.accept()
            except OSError:
                return
            try:
                b = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                a.close()
                continue
            self._conns += [a, b]
            for x, y in ((a, b), (b, a)):
                threading.Thread(target=self._pipe, args=(x, y), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def _township(tmp_path, name, aet, orthanc_aet, port):
    return running_node(tmp_path / name, config={
        "node": {"ae_title": aet},
        "forwarding": {"destinations": [{"name": "county", "kind": "dicom", "ae_title": orthanc_aet,
                                         "host": "127.0.0.1", "port": port}],
                       "backoff_initial_s": 0.5, "backoff_cap_s": 1.0, "poll_s": 0.2, "rescan_s": 1.0},
        "reports": {"from": "county", "pull_interval_s": 1, "amendment_check_s": 1}})


def _send(node, files, aet="MOBILE_CT"):
    r = subprocess.run(["storescu", "-R", "-aet", aet, "-aec", node.aet, "127.0.0.1", str(node.port),
                        *map(str, files)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def _inbox(node):
    from dicom_node.report_inbox import ReportInbox

    return ReportInbox(node.archive(), {})


def _states(worklist) -> dict[str, str]:
    """The county worklist's reading state of each study (from the report SRs in the PACS)."""
    return {r.study_uid: r.state for r in worklist.refresh()}


def test_report_goes_home_to_its_township_only_and_survives_an_outage(ct_study_files, tmp_path):
    a2_files = copy_with_new_uids(ct_study_files, tmp_path / "a2", 2)
    b1_files = copy_with_new_uids(ct_study_files, tmp_path / "b1", 5)
    uid = {k: StudyContext.from_files(f[:1]).study_uid for k, f in
           (("A1", ct_study_files), ("A2", a2_files), ("B1", b1_files))}
    with county_pacs(tmp_path, stations={"READING1": free_port(), "TOWN_A": free_port(), "TOWN_B": free_port()}) as orthanc:
        link_a = Link(orthanc.dicom_port)
        with _township(tmp_path, "a", "TOWN_A", orthanc.aet, link_a.port) as town_a, \
                _township(tmp_path, "b", "TOWN_B", orthanc.aet, orthanc.dicom_port) as town_b:
            _send(town_a, ct_study_files)
            _send(town_a, a2_files)
            _send(town_b, b1_files)
            arch_a, arch_b = town_a.archive(), town_b.archive()
            for arch, keys in ((arch_a, ("A1", "A2")), (arch_b, ("B1",))):
                for k in keys:
                    _wait(lambda: (s := arch.study(uid[k])) is not None and s.forward_state == "sent", 90,
                          f"{k} forwarded")

            # --- the county station (logic, no GUI): the worklist's states, a draft, two doctors
            cfg = station_cfg(orthanc)
            cfg["county"].update(cache_dir=str(tmp_path / "station-cache"), worklist_days=0)  # phantoms are dated 2026-01-01
            worklist = Worklist(cfg)
            source = worklist.sources[0]
            rows = {r.study_uid: r for r in worklist.refresh()}
            assert {rows[u].state for u in uid.values()} == {"unread"}
            session = ReportSession(StudyContext.from_folder(worklist.fetch(uid["A1"])), cfg)
            draft = session.draft()
            assert len(draft.nodules) == 4 and "C-Lung-RADS" in draft.sections["findings"]
            assert "AI 辅助检出，仅供参考" in draft.sections["findings"]
            pre = session.file(replace(draft, author="张^明"), "preliminary")
            assert source.store(pre.save(tmp_path / "filed" / "pre")).ok
            assert _states(worklist)[uid["A1"]] == "preliminary"
            final = session.file(replace(draft, author="张^明", verifier="李^审核"), "final")
            final_paths = final.save(tmp_path / "filed" / "final")
            for p in final_paths:
                assert dciodvfy_errors(p) == [], p
            assert source.store(final_paths).ok
            assert _states(worklist)[uid["A1"]] == "final"
            at_county = set(orthanc.instance_uids())
            assert {str(pre.sr.SOPInstanceUID), str(final.sr.SOPInstanceUID), str(final.pdf.SOPInstanceUID)} <= at_county

            # --- A2 is critical: no final without who/how/when; preliminary goes out at once
            s2 = ReportSession(StudyContext.from_folder(worklist.fetch(uid["A2"])), cfg)
            crit = replace(s2.draft(), author="张^明", verifier="李^审核", critical=CriticalResult("右侧张力性气胸"))
            with pytest.raises(SignOffError, match="who was told"):
                s2.file(crit, "final")
            told = replace(crit, critical=CriticalResult("右侧张力性气胸", "清水镇卫生院 王医生", "电话",
                                                         "2026-12-01T09:30:00+08:00"))
            assert source.store(s2.file(told, "final").save(tmp_path / "filed" / "a2")).ok

            # --- home: township A has them (pulled), critical first; township B never
            inbox_a = _inbox(town_a)
            _wait(lambda: inbox_a.study_states().get(uid["A1"], ("",))[0] == "final"
                  and uid["A2"] in inbox_a.study_states(), 60, "reports at township A")
            assert inbox_a.study_states()[uid["A2"]] == ("final", True)
            listed = inbox_a.reports()
            assert listed[0].study_uid == uid["A2"] and listed[0].critical
            assert arch_a.instance(str(final.pdf.SOPInstanceUID)) is not None
            for u in (pre.sr, final.sr, final.pdf):
                assert arch_b.instance(str(u.SOPInstanceUID)) is None
            assert _inbox(town_b).reports() == []
            cli = subprocess.run([sys.executable, "-m", "viewer", "reports", "--config", str(town_a.config_path),
                                  "--json"], capture_output=True, text=True, check=True, timeout=60)
            assert {(r["study_uid"], r["state"]) for r in json.loads(cli.stdout)["reports"]} >= {
                (uid["A1"], "final"), (uid["A2"], "final")}
            n_a = arch_a.study(uid["A1"]).num_instances

            # --- turnaround: the county's figures over both townships, and township A's own
            county_recs = {r.study_uid: r for r in records_from_worklist(worklist)}
            assert county_recs[uid["A1"]].final_at and county_recs[uid["A2"]].final_at
            assert county_recs[uid["B1"]].final_at is None
            town_recs = {r.study_uid: r for r in records_from_township(arch_a, "TOWN_A")}
            assert town_recs[uid["A1"]].final_at >= town_recs[uid["A1"]].arrived_at
            csv_text = turnaround_csv(cfg)
            assert csv_text.startswith("township,exam,studies,final,median_min,p90_min") and uid["B1"] in csv_text

            # --- the uplink goes down while an amendment waits; it arrives exactly once when it returns
            link_a.down()
            amended = session.file(replace(draft, author="张^明", verifier="李^审核",
                                           amendment_reason="右肺上野结节大小更正"), "final")
            assert amended.state == "amended"
            assert source.store(amended.save(tmp_path / "filed" / "amended")).ok
            puller_failed = lambda: _pull_row(town_a)["attempts"] >= 2  # noqa: E731
            _wait(puller_failed, 30, "failed pulls while the link is down")
            assert inbox_a.study_states()[uid["A1"]] == ("final", False)
            link_a.up()
            _wait(lambda: inbox_a.study_states()[uid["A1"]][0] == "amended", 60, "the amendment at township A")
            time.sleep(2.5)  # more looks at the county: nothing comes twice
            amd_uid = str(amended.sr.SOPInstanceUID)
            rows = [r for r in inbox_a.reports(uid["A1"]) if r.sop_instance_uid == amd_uid]
            assert len(rows) == 1 and rows[0].state == "amended"
            assert arch_a.study(uid["A1"]).num_instances == n_a + 2  # the amended SR and its PDF, once
            assert [r.state for r in inbox_a.reports(uid["A1"])] == ["amended", "final", "preliminary"]
            assert _pull_row(town_a)["state"] == "ok"
            assert arch_b.instance(amd_uid) is None
            assert _states(worklist)[uid["A1"]] == "amended"
            worklist.close()
            link_a.down()


def _pull_row(node) -> dict:
    con = node.archive().connect()
    try:
        return dict(con.execute("SELECT * FROM report_pull_sources").fetchone())
    finally:
        con.close()
