"""dicom_node.validate without a network: what a received file must look like to be accepted."""
from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

import pydicom
import pytest

from dicom_node.validate import (DEFAULT_MAX_DEPTH, STATUS_BAD_ENCODING, STATUS_PREAMBLE, STATUS_TOO_DEEP,
                                 Rejected, check_received)
from tests.conftest import dicom_files, pydicom_data
from tests.dicom_node import malformed_corpus as mc


def data_store_dir() -> Path:
    return pydicom_data("RG1_J2KR.dcm").parent


def as_received(tmp_path: Path, src: Path, name: str | None = None) -> tuple[Path, str, str]:
    """Rewrite a file on disk the way pynetdicom writes what a peer sent: zero preamble, own meta."""
    ds = pydicom.dcmread(src, stop_before_pixels=True)
    meta = ds.file_meta
    raw = src.read_bytes()
    from pynetdicom.dsutils import split_dataset

    _, offset = split_dataset(src)
    out = mc.write_received(tmp_path / (name or src.name), raw[offset:], str(meta.MediaStorageSOPClassUID),
                            str(meta.MediaStorageSOPInstanceUID), str(meta.TransferSyntaxUID))
    return out, str(meta.MediaStorageSOPClassUID), str(meta.TransferSyntaxUID)


def test_phantom_ct_slices_are_accepted_and_read_for_indexing(tmp_path, ct_phantom_small):
    for src in dicom_files(ct_phantom_small)[:3]:
        path, sop_class, ts = as_received(tmp_path, src)
        ds = check_received(path, sop_class, ts)
        assert ds.Modality == "CT"
        assert "PixelData" not in ds  # read up to the pixel data only
        assert str(ds.PatientName)  # decoded with GB18030
        assert ds.SpecificCharacterSet == "GB18030"


@pytest.mark.parametrize("name", ["RG1_J2KR.dcm", "RG3_J2KR.dcm", "MR2_J2KI.dcm", "JPEG-LL.dcm",
                                  "emri_small_RLE.dcm", "emri_small_big_endian.dcm", "liver.dcm",
                                  "explicit_VR-UN.dcm", "eCT_Supplemental.dcm"])
def test_real_world_objects_are_accepted(tmp_path, name):
    path, sop_class, ts = as_received(tmp_path, data_store_dir() / name)
    ds = check_received(path, sop_class, ts)
    assert ds.SOPInstanceUID


def test_deflated_dataset_is_accepted_and_a_deflate_bomb_refused(tmp_path):
    u = mc.Uids()
    raw = mc.good_dataset(u)
    comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = comp.compress(raw) + comp.flush()
    ts = "1.2.840.10008.1.2.1.99"
    path = mc.write_received(tmp_path / "dfl.dcm", deflated, mc.CT_IMAGE, u.instance, ts)
    assert check_received(path, mc.CT_IMAGE, ts).SOPInstanceUID == u.instance
    with pytest.raises(Rejected) as exc:
        check_received(path, mc.CT_IMAGE, ts, max_inflated=len(raw) // 2)
    assert exc.value.status == STATUS_BAD_ENCODING and "inflates beyond" in exc.value.reason


@pytest.mark.parametrize("case", mc.corpus(), ids=lambda c: c.name)
def test_each_malformed_kind_is_refused_with_its_status(tmp_path, case):
    path = mc.write_received(tmp_path / f"{case.name}.dcm", case.data, case.sop_class, case.sop_instance,
                             case.transfer_syntax)
    with pytest.raises(Rejected) as exc:
        check_received(path, case.sop_class, case.transfer_syntax)
    assert exc.value.status in case.statuses, exc.value.reason
    assert exc.value.reason  # a reason the node can log
    if case.name == "meta_group_in_dataset":
        assert "inside the data set" in exc.value.reason


def test_the_same_good_object_is_accepted(tmp_path):
    """The corpus's base object is itself valid: each refusal above is due to its one fault."""
    u = mc.Uids()
    path = mc.write_received(tmp_path / "good.dcm", mc.good_dataset(u), mc.CT_IMAGE, u.instance)
    ds = check_received(path, mc.CT_IMAGE, mc.EXPLICIT_LE)
    assert ds.PatientName == "张^伟"  # collected during the walk, decoded with the object's character set
    assert pydicom.dcmread(path).ProcedureCodeSequence[0].CodeValue == "CT-CHEST"  # and the object reads whole


def test_nesting_far_beyond_the_recursion_limit_is_refused_not_crashing(tmp_path):
    u = mc.Uids()
    els = mc.base_elements(u)
    els[0x0040A730] = mc.nested(sys.getrecursionlimit() * 20, defined=False)
    path = mc.write_received(tmp_path / "deep.dcm", mc.encode(els), mc.CT_IMAGE, u.instance)
    with pytest.raises(Rejected) as exc:
        check_received(path, mc.CT_IMAGE, mc.EXPLICIT_LE)
    assert exc.value.status == STATUS_TOO_DEEP


def test_moderate_nesting_within_the_limit_is_accepted(tmp_path):
    u = mc.Uids()
    els = mc.base_elements(u)
    els[0x0040A730] = mc.nested(DEFAULT_MAX_DEPTH - 1, defined=True)
    path = mc.write_received(tmp_path / "nest.dcm", mc.encode(els), mc.CT_IMAGE, u.instance)
    check_received(path, mc.CT_IMAGE, mc.EXPLICIT_LE)
    depth, seq = 0, pydicom.dcmread(path).get("ContentSequence")
    while seq:
        depth += 1
        seq = seq[0].get("ContentSequence")
    assert depth == DEFAULT_MAX_DEPTH - 1


def test_a_file_with_a_non_zero_preamble_is_refused(tmp_path):
    """pynetdicom writes zeros; any other file carrying an executable preamble must not be archived."""
    u = mc.Uids()
    pe = b"MZ" + b"\x90" * 126
    path = tmp_path / "pe.dcm"
    path.write_bytes(mc.part10_file(mc.good_dataset(u), mc.CT_IMAGE, u.instance, mc.EXPLICIT_LE, pe))
    with pytest.raises(Rejected) as exc:
        check_received(path, mc.CT_IMAGE, mc.EXPLICIT_LE)
    assert exc.value.status == STATUS_PREAMBLE


def test_transfer_syntax_other_than_the_context_is_refused(tmp_path):
    u = mc.Uids()
    path = mc.write_received(tmp_path / "ts.dcm", mc.good_dataset(u), mc.CT_IMAGE, u.instance)
    with pytest.raises(Rejected) as exc:
        check_received(path, mc.CT_IMAGE, mc.IMPLICIT_LE)
    assert exc.value.status == STATUS_BAD_ENCODING


def test_random_corruption_never_raises_anything_but_rejected(tmp_path):
    """Flip bytes all over a valid object: every outcome is acceptance or Rejected, never a crash."""
    import random

    rng = random.Random(1234)
    u = mc.Uids()
    good = bytearray(mc.good_dataset(u))
    outcomes = {"accepted": 0, "rejected": 0}
    for i in range(300):
        data = bytearray(good)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[:rng.randrange(len(data))]
        path = mc.write_received(tmp_path / "fuzz.dcm", bytes(data), mc.CT_IMAGE, u.instance)
        try:
            check_received(path, mc.CT_IMAGE, mc.EXPLICIT_LE)
            outcomes["accepted"] += 1
        except Rejected as exc:
            assert exc.status == 0xA900 or 0xC000 <= exc.status <= 0xCFFF
            outcomes["rejected"] += 1
    assert outcomes["rejected"] > 100
    os.remove(path)


def test_elements_out_of_order_are_tolerated(tmp_path):
    """Old modalities write tags out of order; readers sort them, so that alone is no reason to refuse."""
    u = mc.Uids()
    els = mc.base_elements(u)
    order = sorted(els)
    order[1], order[2] = order[2], order[1]
    path = mc.write_received(tmp_path / "order.dcm", b"".join(els[t] for t in order), mc.CT_IMAGE, u.instance)
    assert check_received(path, mc.CT_IMAGE, mc.EXPLICIT_LE).SOPInstanceUID == u.instance


def test_our_own_ai_results_and_review_sr_are_accepted(tmp_path, ct_phantom_small):
    """SR, SEG (1-bit frames), GSPS and the reader's review SR, as another tpacs node would forward them."""
    import io

    from pynetdicom.dsutils import split_dataset

    from ai_models.findings import Finding, FindingsReport, ModelInfo
    from dicom_objects.ai_results import write_results
    from dicom_objects.measurement_report import write_review_sr
    from tests.conftest import ground_truth

    truth = ground_truth(ct_phantom_small)
    source = [pydicom.dcmread(f) for f in dicom_files(ct_phantom_small)]
    nod = truth["nodules"][0]
    finding = Finding(center_lps_mm=tuple(nod["center_lps_mm"]), diameter_mm=nod["diameter_mm"],
                      volume_mm3=nod["volume_mm3"], score=0.9, kind="solid")
    report = FindingsReport(truth["study_uid"], truth["series_uid"], ModelInfo("test", "0", "phantom"), [finding])
    objects = write_results(report, source) + [write_review_sr(report, source, "李^医生", [True])]
    assert len(objects) == 4
    for i, ds in enumerate(objects):
        buf = io.BytesIO()
        ds.save_as(buf, enforce_file_format=True)
        whole = tmp_path / f"obj{i}.dcm"
        whole.write_bytes(buf.getvalue())
        meta, offset = split_dataset(whole)
        path = mc.write_received(tmp_path / f"rcv{i}.dcm", buf.getvalue()[offset:], str(ds.SOPClassUID),
                                 str(ds.SOPInstanceUID), str(meta.TransferSyntaxUID))
        assert check_received(path, str(ds.SOPClassUID), str(meta.TransferSyntaxUID)).SOPInstanceUID == ds.SOPInstanceUID
