"""The archive on real files and a real SQLite index (no network): atomic writes, zeroed preamble,
character sets, duplicates, start-up clean-up, state columns, deletion."""
from __future__ import annotations

import shutil
import sqlite3

import numpy as np
import pydicom
import pytest
from pydicom.dataset import FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from dicom_node.archive import Archive, split_file
from dicom_node.stability import StabilityMonitor

CT = "1.2.840.10008.5.1.4.1.1.2"


def make_ct(patient_name="王^小明", charset="GB18030", study_uid=None, series_uid=None, sop_uid=None,
            body_part="CHEST", modality="CT", study_date="20260102", fill=0) -> pydicom.Dataset:
    ds = pydicom.Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CT
    ds.SpecificCharacterSet = charset
    ds.SOPClassUID = CT
    ds.SOPInstanceUID = sop_uid or generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.StudyInstanceUID = study_uid or generate_uid()
    ds.SeriesInstanceUID = series_uid or generate_uid()
    ds.PatientName = patient_name
    ds.PatientID = "P1"
    ds.PatientSex = "M"
    ds.StudyDate = study_date
    ds.Modality = modality
    ds.BodyPartExamined = body_part
    ds.StudyDescription = "胸部CT"
    ds.InstanceNumber = 1
    ds.Rows = ds.Columns = 4
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.PixelData = np.full((4, 4), fill, np.int16).tobytes()
    return ds


@pytest.fixture
def archive(tmp_path) -> Archive:
    return Archive(tmp_path / "storage")


def test_add_file_writes_atomically_with_zeroed_preamble_and_indexes(archive, tmp_path):
    ds = make_ct()
    src = tmp_path / "in.dcm"
    ds.preamble = b"MZ" + b"\x90" * 126  # a PE-looking preamble must not reach the archive
    ds.save_as(src, enforce_file_format=True)
    rec = archive.add_file(src)
    data = rec.path.read_bytes()
    assert data[:128] == b"\x00" * 128 and data[128:132] == b"DICM"
    src_bytes = src.read_bytes()
    # The data set (everything after the file meta) is byte-identical.
    assert data[split_file(data)[1]:] == src_bytes[split_file(src_bytes)[1]:]
    assert rec.path.is_relative_to(archive.root / "files")
    assert list(archive.tmp_dir.iterdir()) == []
    st = archive.study(ds.StudyInstanceUID)
    assert st.num_instances == 1 and st.modalities == "CT" and st.body_part == "CHEST"
    assert pydicom.dcmread(rec.path).SOPInstanceUID == ds.SOPInstanceUID


@pytest.mark.parametrize("charset,raw", [("GB18030", "王^小明".encode("gb18030")), ("GBK", "王^小明".encode("gbk"))])
def test_names_decoded_with_their_character_set(archive, charset, raw):
    rec = archive.add_file(make_ct(patient_name="王^小明", charset=charset))
    assert raw in rec.path.read_bytes()  # really stored in that encoding, not UTF-8
    found = archive.studies(patient_name="王")
    assert [s.patient_name for s in found] == ["王^小明"]
    assert archive.studies(patient_name="王*")[0].study_description == "胸部CT"
    assert archive.studies(patient_name="李") == []


def test_duplicate_same_bytes_stores_nothing_new(archive):
    ds = make_ct()
    first = archive.add_file(ds)
    mtime = first.path.stat().st_mtime_ns
    again = archive.add_file(ds)
    assert again.path == first.path and first.path.stat().st_mtime_ns == mtime
    assert len(archive.instances()) == 1
    assert list(archive.tmp_dir.iterdir()) == []


def test_conflict_keeps_first_by_default_and_replace_when_configured(tmp_path, caplog):
    ds = make_ct(fill=1)
    other = make_ct(study_uid=ds.StudyInstanceUID, series_uid=ds.SeriesInstanceUID, sop_uid=ds.SOPInstanceUID, fill=2)
    keep = Archive(tmp_path / "keep")
    rec = keep.add_file(ds)
    keep.add_file(other)
    assert pydicom.dcmread(rec.path).pixel_array.max() == 1
    assert "kept the first" in caplog.text
    repl = Archive(tmp_path / "repl", on_conflict="replace")
    rec = repl.add_file(ds)
    repl.add_file(other)
    assert pydicom.dcmread(rec.path).pixel_array.max() == 2
    assert len(repl.instances()) == 1


def test_startup_cleanup_and_orphan_reindex(archive):
    (archive.tmp_dir / "dead.part").write_bytes(b"\x00" * 100)  # a write cut short by a crash
    rec = archive.add_file(make_ct())
    # A file renamed into files/ whose index commit never happened (killed in between):
    orphan = make_ct()
    dest = archive.destination(orphan.StudyInstanceUID, orphan.SeriesInstanceUID, orphan.SOPInstanceUID)
    dest.parent.mkdir(parents=True)
    orphan.save_as(dest, enforce_file_format=True)
    assert archive.clean_tmp() == 1
    assert list(archive.tmp_dir.iterdir()) == []
    assert archive.reindex_orphans() == 1
    assert {i.sop_instance_uid for i in archive.instances()} == {rec.sop_instance_uid, orphan.SOPInstanceUID}


def test_queries_states_and_delete(archive):
    a = make_ct(patient_name="Zhang^San", study_date="20260101")
    b = make_ct(patient_name="Li^Si", study_date="20260301", modality="DX", body_part="CHEST")
    archive.add_file(a)
    archive.add_file(b)
    sr = make_ct(study_uid=a.StudyInstanceUID, modality="SR")
    archive.add_file(sr)
    assert [s.patient_name for s in archive.studies(date_from="20260201")] == ["Li^Si"]
    assert [s.patient_name for s in archive.studies(modality="DX")] == ["Li^Si"]
    st = archive.study(a.StudyInstanceUID)
    assert st.modalities == "CT\\SR" and st.num_series == 2 and st.num_instances == 2
    archive.set_ai_state(a.StudyInstanceUID, "done", "3 findings")
    archive.set_forward_state(a.StudyInstanceUID, "queued")
    archive.set_pinned(a.StudyInstanceUID)
    st = archive.study(a.StudyInstanceUID)
    assert (st.ai_state, st.ai_detail, st.forward_state, st.pinned) == ("done", "3 findings", "queued", True)
    with pytest.raises(ValueError):
        archive.set_ai_state(a.StudyInstanceUID, "bogus")
    paths = [i.path for i in archive.instances(study_uid=a.StudyInstanceUID)]
    assert archive.delete_study(a.StudyInstanceUID) == 2
    assert not any(p.exists() for p in paths)
    assert archive.study(a.StudyInstanceUID) is None and len(archive.studies()) == 1


def test_locally_made_objects_do_not_restart_the_quiet_period(archive):
    ds = make_ct()
    archive.add_file(ds)  # locally made: counted, but not "received"
    conn = sqlite3.connect(archive.db_path)
    conn.execute("UPDATE studies SET last_received_at = 100, stable_at = 200")
    conn.commit()
    archive.add_file(make_ct(study_uid=ds.StudyInstanceUID, modality="SR"))
    st = archive.study(ds.StudyInstanceUID)
    assert st.stable_at == 200 and st.last_received_at == 100


def test_stability_with_per_ae_override(archive):
    ds1, ds2 = make_ct(), make_ct()
    archive.add_file(ds1)
    archive.add_file(ds2)
    conn = sqlite3.connect(archive.db_path)
    conn.execute("UPDATE studies SET stable_at = NULL, last_received_at = 1000, calling_ae = 'FAST' "
                 "WHERE study_uid = ?", (ds1.StudyInstanceUID,))
    conn.execute("UPDATE studies SET stable_at = NULL, last_received_at = 1000, calling_ae = 'SLOW' "
                 "WHERE study_uid = ?", (ds2.StudyInstanceUID,))
    conn.commit()
    now = [1000.0]
    seen = []
    cfg = {"stability": {"quiet_seconds": 10, "per_calling_ae": {"SLOW": 60}}}
    mon = StabilityMonitor(archive, cfg, seen.append, clock=lambda: now[0])
    now[0] = 1005
    assert mon.check_once() == []
    now[0] = 1011
    assert mon.check_once() == [ds1.StudyInstanceUID]
    assert archive.study(ds1.StudyInstanceUID).stable_at == 1011
    now[0] = 1059
    assert mon.check_once() == []
    now[0] = 1061
    assert mon.check_once() == [ds2.StudyInstanceUID] and seen == [ds1.StudyInstanceUID, ds2.StudyInstanceUID]
    assert mon.check_once() == []  # announced once
