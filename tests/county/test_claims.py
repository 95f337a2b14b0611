"""Claims without a PACS: the shared-folder store between two stations, and the Orthanc label encoding."""
from __future__ import annotations

import pytest

from county.claims import Claim, ClaimConflict, FolderClaims, _label, _parse_label, claim_store

UID = "1.2.826.0.1.3680043.8.498.1"


def test_folder_claims_between_two_stations_and_expiry(tmp_path):
    now = [1000.0]
    one = FolderClaims(tmp_path, 600, clock=lambda: now[0])
    two = FolderClaims(tmp_path, 600, clock=lambda: now[0])
    c = one.claim(UID, "王^医生", "READING1")
    assert two.claims()[UID] == c
    with pytest.raises(ClaimConflict):
        two.claim(UID, "张^医生", "READING2")
    assert not two.release(UID, "张^医生", "READING2")  # not theirs to release
    now[0] += 601
    assert two.claims() == {}
    assert two.claim(UID, "张^医生", "READING2").reader == "张^医生"
    with pytest.raises(ClaimConflict):
        one.claim(UID, "王^医生", "READING1")
    assert two.release(UID, "张^医生", "READING2") and one.claims() == {}


def test_a_claim_file_is_refused_for_anything_but_a_uid(tmp_path):
    with pytest.raises(ValueError):
        FolderClaims(tmp_path, 600).claim("../../etc/passwd", "x", "S")


def test_orthanc_label_round_trip_keeps_a_chinese_reader():
    c = Claim(UID, "欧阳^䶮", "READING-1", 1700000000.0, 1700000600.0)
    label = _label(c)
    assert all(ch.isalnum() or ch in "-_" for ch in label)
    back = _parse_label(label, UID)
    assert (back.reader, back.station, back.claimed_at, back.expires_at) == (c.reader, "READING_1", c.claimed_at,
                                                                             c.expires_at)
    assert _parse_label("tpacs-claim-x", UID) is None and _parse_label("urgent", UID) is None


def test_without_labels_the_store_is_the_configured_folder(tmp_path):
    cfg = {"county": {"claims": "auto", "claims_dir": str(tmp_path / "shared"), "claim_ttl_s": 60}}
    store = claim_store(cfg, {"name": "county", "kind": "dicom"}, source=None)
    assert isinstance(store, FolderClaims) and store.folder == tmp_path / "shared" and store.ttl_s == 60
