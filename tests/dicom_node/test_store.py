"""Real DCMTK storescu/echoscu against a running `tpacs node`: what arrives is on disk byte for byte
(apart from the zeroed preamble and our File Meta) and in the index; duplicates, the allow-list and
the free-space floor behave as a sender would notice."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pydicom
import pytest

from dicom_node.archive import split_file
from tests.conftest import dicom_files, ground_truth, pydicom_data
from tests.node_helpers import PROJECT_ROOT, _free_port, echo, running_node, write_node_config

STORESCU = shutil.which("storescu") or "storescu"
ECHOSCU = shutil.which("echoscu") or "echoscu"


def storescu(node, files, aet="MOBILE_CT", extra=(), check=True, timeout=300) -> subprocess.CompletedProcess:
    cmd = [STORESCU, "-v", "-aet", aet, "-aec", node.aet, *extra, "127.0.0.1", str(node.port), *map(str, files)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check:
        assert res.returncode == 0 and "Store SCU Failed" not in res.stderr + res.stdout, res.stderr[-3000:]
    return res


def dataset_bytes(path: Path) -> bytes:
    data = Path(path).read_bytes()
    return data[split_file(data)[1]:]


def assert_stored_as_sent(archive, files, strict=True):
    """Each source file is indexed, and the archived copy has a zero preamble and the same data set bytes.

    strict=False for files whose sequences storescu itself re-encodes on the wire (undefined → explicit
    lengths): then every element must be equal and the (compressed) pixel data bytes identical."""
    for f in files:
        ds = pydicom.dcmread(f, stop_before_pixels=True)
        rec = archive.instance(ds.SOPInstanceUID)
        assert rec is not None, f"{f} not indexed"
        stored = rec.path.read_bytes()
        assert stored[:128] == b"\x00" * 128 and stored[128:132] == b"DICM"
        if strict:
            assert stored[split_file(stored)[1]:] == dataset_bytes(f), f"{f}: stored bytes differ"
        else:
            a, b = pydicom.dcmread(rec.path), pydicom.dcmread(f)
            assert a == b, f"{f}: stored elements differ"
            assert a.PixelData == b.PixelData  # raw (encapsulated) bytes: no transcoding
        assert rec.transfer_syntax_uid == ds.file_meta.TransferSyntaxUID
        assert rec.sop_class_uid == ds.SOPClassUID


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    with running_node(tmp_path_factory.mktemp("store_node"), config={"stability": {"quiet_seconds": 300}}) as n:
        yield n


def test_echo(node):
    res = subprocess.run([ECHOSCU, "-aet", "WS", "-aec", node.aet, "127.0.0.1", str(node.port)],
                         capture_output=True, text=True, timeout=30)
    assert res.returncode == 0, res.stderr


def test_ct_phantom_240_stored_and_indexed(node, ct_phantom_240):
    files = dicom_files(ct_phantom_240)
    assert len(files) == 240
    storescu(node, files)
    truth = ground_truth(ct_phantom_240)
    archive = node.archive()
    st = archive.study(truth["study_uid"])
    assert st.num_instances == 240 and st.num_series == 1 and st.modalities == "CT"
    assert st.patient_name == truth["patient_name"] and st.calling_ae == "MOBILE_CT"
    assert_stored_as_sent(archive, files)
    assert list((node.storage / "tmp").iterdir()) == []
    # readable as a whole: one slice decoded completely
    rec = archive.instances(series_uid=truth["series_uid"])[120]
    assert pydicom.dcmread(rec.path).pixel_array.shape == (512, 512)


def test_pydicom_data_cr_jpeg2000_kept_compressed(node):
    files = [pydicom_data(n) for n in ("RG1_J2KR.dcm", "RG3_J2KR.dcm")]
    # -xv: propose JPEG 2000 lossless, as a modality sending compressed images would
    storescu(node, files, extra=["-xv"])
    archive = node.archive()
    assert_stored_as_sent(archive, files, strict=False)
    for f in files:
        rec = archive.instance(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID)
        assert rec.transfer_syntax_uid == "1.2.840.10008.1.2.4.90"  # JPEG 2000 lossless, not transcoded
        assert rec.sop_class_uid == "1.2.840.10008.5.1.4.1.1.1"
        assert pydicom.dcmread(rec.path).pixel_array.ndim == 2  # still decodes


def test_sender_keeps_its_own_transfer_syntax(node, ct_phantom_small):
    """A sender that offers several syntaxes in one presentation context gets the one it lists first
    (its images' own encoding), whatever order the node's contexts have (Q/R puts lossless compressed
    first for C-GET): otherwise it would have to transcode, or fail. DCMTK's storescu proposes one
    syntax group per context, so this sender is pynetdicom's SCU, as in many modality stacks."""
    from pynetdicom import AE

    j2k = pydicom.dcmread(pydicom_data("RG3_J2KR.dcm"))
    plain = pydicom.dcmread(dicom_files(ct_phantom_small)[5])
    ae = AE(ae_title="MODALITY")
    ae.add_requested_context(plain.SOPClassUID, ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2.4.90"])
    ae.add_requested_context(j2k.SOPClassUID, ["1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.1"])
    assoc = ae.associate("127.0.0.1", node.port, ae_title=node.aet)
    assert assoc.is_established
    try:
        accepted = {str(cx.abstract_syntax): str(cx.transfer_syntax[0]) for cx in assoc.accepted_contexts}
        assert accepted[plain.SOPClassUID] == "1.2.840.10008.1.2.1"
        assert accepted[j2k.SOPClassUID] == "1.2.840.10008.1.2.4.90"
        assert assoc.send_c_store(plain).Status == 0
        assert assoc.send_c_store(j2k).Status == 0
    finally:
        assoc.release()
    archive = node.archive()
    assert archive.instance(plain.SOPInstanceUID).transfer_syntax_uid == "1.2.840.10008.1.2.1"
    assert archive.instance(j2k.SOPInstanceUID).transfer_syntax_uid == "1.2.840.10008.1.2.4.90"


@pytest.mark.real_data
def test_real_series(node, real_data):
    lidc = sorted((real_data / "lidc").glob("LIDC-IDRI-*/*.dcm"))
    cxr = sorted((real_data / "cxr_nih").glob("*.dcm"))
    assert lidc and cxr
    storescu(node, lidc + cxr)
    archive = node.archive()
    assert_stored_as_sent(archive, lidc + cxr, strict=False)
    studies = {pydicom.dcmread(f, stop_before_pixels=True).StudyInstanceUID for f in lidc}
    for uid in studies:
        assert archive.study(uid).modalities == "CT"


def test_duplicates(node, ct_phantom_small, tmp_path):
    files = dicom_files(ct_phantom_small)[:3]
    storescu(node, files)
    archive = node.archive()
    recs = [archive.instance(pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID) for f in files]
    before = [(r.path.stat().st_mtime_ns, r.path.read_bytes()) for r in recs]
    n_before = len(archive.instances())
    # the same bytes again: success, nothing new
    res = storescu(node, files)
    assert res.stdout.count("Received Store Response (Success)") + res.stderr.count(
        "Received Store Response (Success)") == 3
    assert len(archive.instances()) == n_before
    assert [(r.path.stat().st_mtime_ns, r.path.read_bytes()) for r in recs] == before
    # the same SOP Instance UID with different bytes: the first copy is kept, and logged
    ds = pydicom.dcmread(files[0])
    ds.SeriesDescription = "changed after sending"
    changed = tmp_path / "changed.dcm"
    ds.save_as(changed)
    storescu(node, [changed])
    assert recs[0].path.read_bytes() == before[0][1]
    assert "kept the first" in node.log_text()


def test_allow_list_rejects_unknown_peers(tmp_path):
    peers = [{"ae_title": "MOBILE_CT", "host": "127.0.0.1"}, {"ae_title": "FAR_AWAY", "host": "10.255.255.1"}]
    with running_node(tmp_path, config={"node": {"allowed_peers": peers}}) as node:
        def echo_as(aet):
            return subprocess.run([ECHOSCU, "-aet", aet, "-aec", node.aet, "127.0.0.1", str(node.port)],
                                  capture_output=True, text=True, timeout=30)
        assert echo_as("MOBILE_CT").returncode == 0
        for stranger in ("INTRUDER", "FAR_AWAY"):  # unknown AE; known AE from the wrong address
            res = echo_as(stranger)
            assert res.returncode != 0 and "Rejected" in res.stderr + res.stdout, res.stderr
        assert "INTRUDER" in node.log_text() and "not in node.allowed_peers" in node.log_text()
        assert "ANY peer" not in node.log_text()  # the empty-list warning only when empty


def test_low_disk_answers_out_of_resources(tmp_path, ct_phantom_small):
    files = dicom_files(ct_phantom_small)[:2]
    with running_node(tmp_path, config={"node": {"min_free_bytes": 10 ** 18}}) as node:
        res = storescu(node, files, check=False)
        out = res.stdout + res.stderr
        assert "outofresources" in out.lower() or "0xa700" in out.lower(), out[-2000:]
        assert node.archive().instances() == []
        assert list((node.storage / "tmp").iterdir()) == []
        assert list((node.storage / "files").iterdir()) == []
        assert "below node.min_free_bytes" in node.log_text()
        assert echo("127.0.0.1", node.port, node.aet)


def test_cli_flags_override_the_config(tmp_path):
    cfg_path, _ = write_node_config(tmp_path / "cfg")
    port = _free_port()
    storage = tmp_path / "elsewhere"
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "viewer", "node", "--config", str(cfg_path), "--storage",
                             str(storage), "--port", str(port), "--aet", "OTHER_AE"], cwd=PROJECT_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        import time
        deadline = time.monotonic() + 60
        while not echo("127.0.0.1", port, "OTHER_AE", timeout=2):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read() if proc.poll() else "timeout"
            time.sleep(0.3)
        assert (storage / "index.sqlite").is_file()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "node stopped" in out


def test_second_node_on_the_same_storage_refuses_to_start(node):
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    res = subprocess.run([sys.executable, "-m", "viewer", "node", "--config", str(node.config_path),
                          "--port", str(_free_port())], cwd=PROJECT_ROOT, env=env, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 2 and "another tpacs node is already using" in res.stderr
    assert (node.storage / "node.running").is_file()  # the running node's state untouched
    assert echo("127.0.0.1", node.port, node.aet)
    res = subprocess.run([sys.executable, "-m", "viewer", "node", "--config", str(node.config_path),
                          "--storage", str(node.folder / "other")], cwd=PROJECT_ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and f"cannot listen on 127.0.0.1:{node.port}" in res.stderr
