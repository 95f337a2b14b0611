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
