"""Forwarding to a real Orthanc (the county PACS), from an archive filled directly (no SCP)."""
from __future__ import annotations

from pathlib import Path

import pydicom
import pytest

from dicom_node.archive import Archive
from dicom_node.forward.worker import Forwarder
from tests.conftest import dicom_files
from tests.dicom_node.forward_helpers import (dicom_dest, extra_instance, fill_archive, forward_cfg,
                                              orthanc_sop_uids)
from tests.orthanc_helpers import make_test_pki, running_orthanc

PYDICOM_FILES = Path(pydicom.__file__).parent / "data" / "test_files"


def _dataset_bytes(part10: bytes) -> bytes:
    """The data set of a Part 10 file, without preamble and File Meta (which each side writes itself)."""
    import struct

    assert part10[128:132] == b"DICM" and part10[132:138] == b"\x02\x00\x00\x00UL"
    return part10[144 + struct.unpack("<I", part10[140:144])[0]:]


class Clock:
    def __init__(self):
        import time

        self.t = time.time()

    def __call__(self):
        return self.t


def test_study_arrives_complete_and_later_instances_follow(tmp_path, ct_phantom_small):
    files = dicom_files(ct_phantom_small)
    with running_orthanc(tmp_path) as orthanc:
        cfg = forward_cfg(tmp_path, [dicom_dest(orthanc)])
        archive = Archive(cfg["storage"]["path"])
        study_uid = fill_archive(archive, files)
        fw = Forwarder(cfg, archive)
        [job] = fw.on_study_ready(study_uid)
        assert archive.study(study_uid).forward_state == "queued"
        job = fw.run_once()
        assert job.state == "delivered" and job.n_delivered == job.n_instances == len(files)
        ours = {i.sop_instance_uid for i in archive.instances(study_uid)}
        assert sorted(orthanc_sop_uids(orthanc)) == sorted(ours)
        assert archive.study(study_uid).forward_state == "sent"
        # bytes went as stored: Orthanc's copy of each of a few slices has our data set byte for byte
        for inst in archive.instances(study_uid)[::13]:
            oid = orthanc.rest("/tools/lookup", method="POST", data=inst.sop_instance_uid.encode())[0]["ID"]
            theirs = orthanc.rest(f"/instances/{oid}/file")
            ours_bytes = inst.path.read_bytes()
            assert _dataset_bytes(theirs) == _dataset_bytes(ours_bytes)
        # the audit log names what left, where to and the result
        audit = fw.queue.audit_rows(study_uid)
        assert len(audit) == len(files)
        assert {a["result"] for a in audit} == {"delivered"}
        assert {a["peer"] for a in audit} == {f"{orthanc.aet}@127.0.0.1:{orthanc.dicom_port}"}
        # nothing to do twice: a second "ready" for the same study makes no job
        assert fw.on_study_ready(study_uid) == []
        # an object added to the study afterwards (e.g. the reviewer's SR) is forwarded by itself
        extra = extra_instance(files[0], tmp_path / "extra.dcm")
        archive.add_file(tmp_path / "extra.dcm", source_ae="TPACS")
        [job2] = fw.rescan()
        assert job2.id != job.id and job2.reason == "new instances"
        job2 = fw.run_once()
        assert job2.state == "delivered"
        assert fw.queue.history(job2.id)[-1].n_sent == 1
        assert sorted(orthanc_sop_uids(orthanc)) == sorted(ours | {extra.SOPInstanceUID})


def test_unreachable_county_backs_off_then_sends_only_the_rest(tmp_path, ct_phantom_small):
    files = dicom_files(ct_phantom_small)
    clock = Clock()
    with running_orthanc(tmp_path) as orthanc:
        cfg = forward_cfg(tmp_path, [dicom_dest(orthanc)], backoff_initial_s=30, backoff_cap_s=120)
        archive = Archive(cfg["storage"]["path"])
        study_uid = fill_archive(archive, files[:10])
        fw = Forwarder(cfg, archive, clock=clock)
        fw.on_study_ready(study_uid)
        assert fw.run_once().state == "delivered"
        # more slices arrive (same study); the county goes down before they are sent
        for f in files[10:]:
            archive.add_file(f, source_ae="MOBILE_CT")
        orthanc.stop(kill=True)  # the uplink drops
        [job] = fw.on_study_ready(study_uid)
        for n, delay in enumerate([30, 60, 120, 120], start=1):
            job = fw.run_once()
            assert job.state == "failed" and job.attempts == n
            assert "association" in job.last_error
            assert job.next_try_at == pytest.approx(clock.t + delay)
            assert fw.run_once() is None, "not retried before its time"
            clock.t = job.next_try_at
        assert archive.study(study_uid).forward_state == "failed"
        orthanc.start()
        job = fw.run_once()
        assert job.state == "delivered" and job.attempts == 5
        hist = fw.queue.history(job.id)
        assert [a.result for a in hist] == ["failed"] * 4 + ["delivered"]
        assert hist[-1].n_sent == len(files) - 10, "only the instances the county lacked were sent"
        assert sorted(orthanc_sop_uids(orthanc)) == sorted(i.sop_instance_uid for i in archive.instances(study_uid))
        # every instance left the clinic exactly once
        sent = [a["sop_instance_uid"] for a in fw.queue.audit_rows(study_uid) if a["result"] == "delivered"]
        assert len(sent) == len(set(sent)) == len(files)


def test_instance_the_county_refuses_does_not_stop_the_others_and_is_retried_alone(tmp_path, ct_phantom_small):
    files = dicom_files(ct_phantom_small)[:4]
    odd = pydicom.dcmread(files[0])
    odd.SOPClassUID = odd.file_meta.MediaStorageSOPClassUID = "1.2.826.0.1.3680043.8.498.4242"  # private class
    odd.SOPInstanceUID = odd.file_meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid()
    odd.save_as(tmp_path / "odd.dcm", enforce_file_format=True)
    with running_orthanc(tmp_path, extra={"UnknownSopClassAccepted": False}) as orthanc:
        cfg = forward_cfg(tmp_path, [dicom_dest(orthanc)])
        archive = Archive(cfg["storage"]["path"])
        study_uid = fill_archive(archive, files + [tmp_path / "odd.dcm"])
        fw = Forwarder(cfg, archive)
        fw.on_study_ready(study_uid)
        job = fw.run_once()
        assert job.state == "failed" and odd.SOPInstanceUID in job.last_error
        assert job.n_delivered == len(files) and orthanc.rest("/statistics")["CountInstances"] == len(files)
        refused = [a for a in fw.queue.audit_rows(study_uid) if a["result"] == "refused"]
        assert [a["sop_instance_uid"] for a in refused] == [odd.SOPInstanceUID]
        # the retry offers only the refused instance again
        fw.clock = fw.queue.clock = lambda: job.next_try_at
        job = fw.run_once()
        assert job.state == "failed" and fw.queue.history(job.id)[-1].n_sent == 0
        assert len([a for a in fw.queue.audit_rows(study_uid) if a["result"] == "delivered"]) == len(files)


def test_compressed_instance_goes_as_stored_or_decompressed_when_peer_insists(tmp_path):
    src = PYDICOM_FILES / "MR_small_jp2klossless.dcm"
    for accepted, expected_ts in ((True, "1.2.840.10008.1.2.4.90"), (False, "1.2.840.10008.1.2.1")):
        sub = tmp_path / str(accepted)
        sub.mkdir()
        with running_orthanc(sub, extra={"Jpeg2000TransferSyntaxAccepted": accepted}) as orthanc:
            cfg = forward_cfg(sub, [dicom_dest(orthanc)])
            archive = Archive(cfg["storage"]["path"])
            study_uid = fill_archive(archive, [src])
            fw = Forwarder(cfg, archive)
            fw.on_study_ready(study_uid)
            job = fw.run_once()
            assert job.state == "delivered", job.last_error
            [oid] = orthanc.rest("/instances")
            assert orthanc.rest(f"/instances/{oid}/metadata/TransferSyntax").decode() == expected_ts
            [row] = fw.queue.audit_rows(study_uid)
            assert row["transfer_syntax"] == expected_ts


def test_tls_with_client_certificate_and_a_wrong_one_refused(tmp_path, ct_phantom_small):
    files = dicom_files(ct_phantom_small)[:5]
    pki = make_test_pki(tmp_path / "pki")
    tls_orthanc = {"cert": pki["server_cert"], "key": pki["server_key"], "trusted": pki["ca"]}
    with running_orthanc(tmp_path, tls=tls_orthanc) as orthanc:
        good = dicom_dest(orthanc, "county", tls={"ca": str(pki["ca"]), "cert": str(pki["client_cert"]),
                                                  "key": str(pki["client_key"])})
        bad = dicom_dest(orthanc, "impostor", tls={"ca": str(pki["ca"]), "cert": str(pki["wrong_cert"]),
                                                   "key": str(pki["wrong_key"])})
        plain = dicom_dest(orthanc, "plain")
        cfg = forward_cfg(tmp_path, [bad, plain, good])
        archive = Archive(cfg["storage"]["path"])
        study_uid = fill_archive(archive, files)
        fw = Forwarder(cfg, archive)
        assert len(fw.on_study_ready(study_uid)) == 3
        for name in ("impostor", "plain"):
            job = fw.run_once(name)
            assert job.state == "failed" and job.attempts == 1, f"{name}: {job.state}"
            assert job.n_delivered == 0 and fw.queue.delivered_uids(name, study_uid) == set()
        assert orthanc.rest("/statistics")["CountInstances"] == 0
        job = fw.run_once("county")
        assert job.state == "delivered", job.last_error
        assert sorted(orthanc_sop_uids(orthanc)) == sorted(i.sop_instance_uid for i in archive.instances(study_uid))
        # the audit log says it left over TLS 1.2 or newer
        peers = {a["peer"] for a in fw.queue.audit_rows(study_uid) if a["result"] == "delivered"}
        assert peers & {f"{orthanc.aet}@127.0.0.1:{orthanc.dicom_port} (TLSv1.{v})" for v in (2, 3)}, peers
        # the refused ones stay in the queue, waiting for their next try
        assert {j.state for j in fw.queue.jobs(study_uid, destination="impostor")} == {"failed"}


def test_stow_rs_to_orthanc_dicomweb(tmp_path, ct_phantom_small):
    files = dicom_files(ct_phantom_small)
    with running_orthanc(tmp_path, dicomweb=True) as orthanc:
        dest = {"name": "county-web", "kind": "stow", "url": f"{orthanc.base_url}/dicom-web"}
        cfg = forward_cfg(tmp_path, [dest], stow_batch_mb=8)  # several POSTs
        archive = Archive(cfg["storage"]["path"])
        study_uid = fill_archive(archive, files)
        fw = Forwarder(cfg, archive)
        fw.on_study_ready(study_uid)
        job = fw.run_once()
        assert job.state == "delivered", job.last_error
        assert sorted(orthanc_sop_uids(orthanc)) == sorted(i.sop_instance_uid for i in archive.instances(study_uid))
        assert {a["peer"] for a in fw.queue.audit_rows(study_uid)} == {f"{orthanc.base_url}/dicom-web"}
        # unreachable web server: a failed attempt, nothing marked delivered
        extra = extra_instance(files[0], tmp_path / "extra.dcm")
        archive.add_file(tmp_path / "extra.dcm")
        orthanc.stop(kill=True)  # the uplink drops
        [job2] = fw.rescan()
        job2 = fw.run_once()
        assert job2.state == "failed" and "STOW-RS" in job2.last_error
        assert extra.SOPInstanceUID not in fw.queue.delivered_uids("county-web", study_uid)


def test_stow_rs_with_basic_auth(tmp_path, ct_phantom_small):
    files = dicom_files(ct_phantom_small)[:3]
    users = {"AuthenticationEnabled": True, "RegisteredUsers": {"county": "s3cret"}}
    pki = make_test_pki(tmp_path / "pki")  # credentials only over https (plain http is refused by the config)
    https = {"cert": pki["server_cert"], "key": pki["server_key"], "ca": pki["ca"]}
    with running_orthanc(tmp_path, dicomweb=True, extra=users, https=https) as orthanc:
        url = f"{orthanc.base_url}/dicom-web"
        assert url.startswith("https://")
        cfg = forward_cfg(tmp_path, [{"name": "wrong", "kind": "stow", "url": url, "username": "county",
                                      "password": "guess", "ca": str(pki["ca"])},
                                     {"name": "right", "kind": "stow", "url": url, "username": "county",
                                      "password": "s3cret", "ca": str(pki["ca"])}])
        archive = Archive(cfg["storage"]["path"])
        study_uid = fill_archive(archive, files)
        fw = Forwarder(cfg, archive)
        fw.on_study_ready(study_uid)
        job = fw.run_once("wrong")
        assert job.state == "failed" and "401" in job.last_error
        assert orthanc.rest("/statistics")["CountInstances"] == 0
        job = fw.run_once("right")
        assert job.state == "delivered", job.last_error
        assert sorted(orthanc_sop_uids(orthanc)) == sorted(i.sop_instance_uid for i in archive.instances(study_uid))


def test_ready_study_that_never_got_a_job_is_caught_up(tmp_path, ct_phantom_small):
    import time

    cfg = forward_cfg(tmp_path, [{"name": "county", "kind": "dicom", "ae_title": "C", "host": "127.0.0.1",
                                  "port": 1}])
    archive = Archive(cfg["storage"]["path"])
    study_uid = fill_archive(archive, dicom_files(ct_phantom_small)[:2])
    fw = Forwarder(cfg, archive)
    assert fw.catch_up() == [], "not stable yet"
    archive.mark_stable(study_uid)
    archive.set_ai_state(study_uid, "running")
    assert fw.catch_up() == [], "its AI is still running"
    archive.set_ai_state(study_uid, "failed", "model crashed")  # a failed AI never holds a study back
    [job] = fw.catch_up()
    assert job.study_uid == study_uid and job.reason == "catch-up"
    assert fw.catch_up() == [], "queued once"
    # a study that became ready long ago (before forwarding was set up) is left alone
    other = Archive(tmp_path / "other")
    sid = fill_archive(other, dicom_files(ct_phantom_small)[:1])
    other.mark_stable(sid, when=time.time() - 30 * 86400)
    other.set_ai_state(sid, "skipped")
    assert Forwarder(cfg, other).catch_up() == [], "older than catch_up_days"


def test_routing_rules_pick_destinations(tmp_path, ct_phantom_small, dx_phantom):
    cfg = forward_cfg(tmp_path, [{"name": "ct-reader", "kind": "dicom", "ae_title": "A", "host": "127.0.0.1",
                                  "port": 1},
                                 {"name": "dx-reader", "kind": "stow", "url": "http://127.0.0.1:1/dicom-web"}],
                      rules=[{"destination": "ct-reader", "modalities": ["CT"], "calling_ae": ["MOBILE_CT"]},
                             {"destination": "dx-reader", "modalities": ["DX", "CR"]}])
    archive = Archive(cfg["storage"]["path"])
    ct = fill_archive(archive, dicom_files(ct_phantom_small)[:2], source_ae="MOBILE_CT")
    dx = fill_archive(archive, dicom_files(dx_phantom), source_ae="MOBILE_DR")
    fw = Forwarder(cfg, archive)
    assert fw.route(archive.study(ct)) == ["ct-reader"]
    assert fw.route(archive.study(dx)) == ["dx-reader"]
    assert [j.destination for j in fw.on_study_ready(ct)] == ["ct-reader"]


def test_bad_destination_config_is_a_clear_error(tmp_path):
    from dicom_node.config import ConfigError

    with pytest.raises(ConfigError, match=r"destinations\[0\]\.ae_title \(x\): a DICOM destination needs ae_title"):
        Forwarder(forward_cfg(tmp_path, [{"name": "x", "kind": "dicom", "host": "h"}]), Archive(tmp_path / "s"))
    with pytest.raises(ConfigError, match="unknown destination"):
        Forwarder(forward_cfg(tmp_path, [], rules=[{"destination": "nowhere"}]), Archive(tmp_path / "s"))


def test_which_c_store_statuses_count_as_delivered():
    # No peer at hand answers 0x0111 or a warning on demand, so the rule itself is checked here.
    from dicom_node.forward.dimse import status_result as _status_result

    assert _status_result(0x0000) == "delivered"
    assert _status_result(0x0111) == "duplicate"
    assert _status_result(0xB000) == _status_result(0xB007) == _status_result(0x0107) == "warning"
    for failure in (0xA700, 0xA900, 0xC000, 0x0110, 0x0122, 0x0124, 0x0211):
        assert _status_result(failure) is None
