"""Retention deletes old studies only once the county has all of them; never undelivered or pinned ones."""
from __future__ import annotations

import time

import pydicom
from pydicom.uid import generate_uid

from dicom_node.archive import Archive
from dicom_node.forward.worker import Forwarder
from dicom_node.retention import apply_retention
from tests.conftest import dicom_files
from tests.dicom_node.forward_helpers import dicom_dest, forward_cfg
from tests.orthanc_helpers import running_orthanc

DAY = 86400


def _study_copy(files, out_dir, n=3) -> list:
    """n slices of the phantom re-labelled as a new study (new Study/Series/SOP UIDs)."""
    out_dir.mkdir(parents=True)
    study, series, out = generate_uid(), generate_uid(), []
    for i, f in enumerate(files[:n]):
        ds = pydicom.dcmread(f)
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
        p = out_dir / f"{i}.dcm"
        ds.save_as(p, enforce_file_format=True)
        out.append(p)
    return out


def test_retention_never_deletes_undelivered_or_pinned(tmp_path, ct_phantom_small):
    src = dicom_files(ct_phantom_small)
    with running_orthanc(tmp_path) as orthanc:
        cfg = forward_cfg(tmp_path, [dicom_dest(orthanc)])
        cfg["retention"].update(enabled=True, keep_days=30)
        archive = Archive(cfg["storage"]["path"])
        fw = Forwarder(cfg, archive)
        uids = {}
        for name in ("delivered", "pinned", "undelivered", "partly", "never_sent"):
            files = _study_copy(src, tmp_path / name)
            for f in files:
                archive.add_file(f, source_ae="MOBILE_CT")
            uids[name] = str(pydicom.dcmread(files[0], stop_before_pixels=True).StudyInstanceUID)
        for name in ("delivered", "pinned", "partly"):
            fw.on_study_ready(uids[name])
            assert fw.run_once().state == "delivered"
        archive.set_pinned(uids["pinned"])
        # "partly": one more instance arrived after delivery and has not reached the county yet
        more = _study_copy(src[5:], tmp_path / "more", n=1)
        ds = pydicom.dcmread(more[0])
        ds.StudyInstanceUID = uids["partly"]
        ds.save_as(more[0], enforce_file_format=True)
        archive.add_file(more[0])
        # "undelivered": its job keeps failing (the county is down for it)
        orthanc.stop(kill=True)
        fw.on_study_ready(uids["undelivered"])
        assert fw.run_once().state == "failed"
        before = {n: len(archive.instances(u)) for n, u in uids.items()}
        delivered_paths = [i.path for i in archive.instances(uids["delivered"])]
        assert delivered_paths and all(p.is_file() for p in delivered_paths)

        # young studies are kept whatever their state
        assert apply_retention(archive, cfg, fw, now=time.time() + 10 * DAY) == []
        # old: only the delivered, unpinned one goes
        deleted = apply_retention(archive, cfg, fw, now=time.time() + 100 * DAY)
        assert deleted == [uids["delivered"]]
        assert archive.study(uids["delivered"]) is None
        assert not any(p.exists() for p in delivered_paths)
        for name in ("pinned", "undelivered", "partly", "never_sent"):
            assert len(archive.instances(uids[name])) == before[name], name
            assert all(i.path.is_file() for i in archive.instances(uids[name])), name

        # without any destination nothing counts as delivered: nothing is deleted
        cfg_none = forward_cfg(tmp_path / "x" if (tmp_path / "x").mkdir() is None else None, [])
        cfg_none["retention"].update(enabled=True, keep_days=1)
        assert apply_retention(archive, cfg_none, Forwarder(cfg_none, archive), now=time.time() + 1000 * DAY) == []
        # retention switched off: nothing at all
        cfg["retention"]["enabled"] = False
        assert apply_retention(archive, cfg, fw, now=time.time() + 1000 * DAY) == []


def test_a_store_racing_retention_loses_nothing(tmp_path, ct_phantom_small):
    """Issue 15.3: retention decides to delete an old, delivered study; an instance of that same study
    arrives (real storescu to a real node) and is renamed into the study's folder while the deletion
    runs. Held at that moment - the node waiting to index it, retention waiting to delete - both go on
    in either order: the new instance keeps its row and its file, and storescu's success is true."""
    import sqlite3
    import subprocess
    import threading

    from dicom_node.jobs import JobQueue
    from tests.node_helpers import running_node

    files = dicom_files(ct_phantom_small)
    county = {"name": "county", "kind": "dicom", "ae_title": "COUNTY", "host": "127.0.0.1", "port": 9}
    over = {"forwarding": {"enabled": False, "destinations": [county]}, "stability": {"quiet_seconds": 300}}
    with running_node(tmp_path / "node", config=over) as node:
        subprocess.run(["storescu", "-aec", node.aet, "127.0.0.1", str(node.port), *map(str, files[:3])],
                       check=True, capture_output=True, timeout=60)
        db = node.storage / "index.sqlite"
        archive = Archive(node.storage)
        study_uid = archive.studies()[0].study_uid
        old = {i.sop_instance_uid for i in archive.instances(study_uid)}
        q = JobQueue(db, {})  # the county has the three, and says so
        q.enqueue(study_uid, "county")
        job, attempt = q.claim("county")
        for uid in old:
            q.record_delivery(job, uid, 0)
        q.finish(job, attempt, 3)
        (tmp_path / "retention").mkdir()
        cfg = forward_cfg(tmp_path / "retention", [county])
        cfg["storage"]["path"] = str(node.storage)
        cfg["retention"].update(enabled=True, keep_days=1)
        fw = Forwarder(cfg, archive)

        new_uid = str(pydicom.dcmread(files[3], stop_before_pixels=True).SOPInstanceUID)
        hold = sqlite3.connect(db, isolation_level=None, timeout=30)
        hold.execute("BEGIN IMMEDIATE")  # nobody writes the index until we let go
        try:
            sender = subprocess.Popen(["storescu", "-v", "-aec", node.aet, "127.0.0.1", str(node.port), str(files[3])],
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            deadline = time.monotonic() + 30
            while not any(p.name.startswith(new_uid) for p in (node.storage / "files").rglob("*.dcm")):
                assert time.monotonic() < deadline and sender.poll() is None, "the new instance never reached files/"
                time.sleep(0.01)
            deleted = []
            retention = threading.Thread(target=lambda: deleted.extend(
                apply_retention(Archive(node.storage), cfg, fw, now=time.time() + 10 * DAY)))
            retention.start()
            time.sleep(0.5)  # retention has decided and waits for the index, as the node does
        finally:
            hold.execute("COMMIT")
            hold.close()
        retention.join(60)
        out = sender.communicate(timeout=60)[0]
        assert sender.returncode == 0 and "(Success)" in out, out[-2000:]

        rec = archive.instance(new_uid)
        assert rec is not None and rec.path.is_file(), f"the acknowledged instance was lost (retention: {deleted})"
        indexed = {i.path for i in archive.instances()}
        on_disk = {p for p in (node.storage / "files").rglob("*") if p.is_file()}
        assert indexed == on_disk  # no row without its file, no file without its row
        left = {i.sop_instance_uid for i in archive.instances(study_uid)}
        assert left in (old | {new_uid}, {new_uid})  # retention went either before or after the store
