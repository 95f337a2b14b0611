"""A running `tpacs node` against a corpus of malformed and hostile objects sent over the network.

A hostile peer is played by pynetdicom sending each object's bytes verbatim (chunked sending: no
parsing or re-encoding on the way), since DCMTK's storescu refuses to read most of these files
itself. Each object must be refused with its failure status and a log line naming the calling AE,
the node must keep serving (on the same association and afterwards), the next good study sent with
storescu must land, and nothing of the bad objects may be left in the archive.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pydicom
import pytest

from tests.conftest import dicom_files
from tests.dicom_node import malformed_corpus as mc
from tests.node_helpers import echo, running_node

pytestmark = pytest.mark.slow


def test_malformed_corpus_is_refused_and_the_node_keeps_serving(tmp_path, ct_phantom_small):
    corpus = [c for c in mc.corpus() if c.wire]
    assert len(corpus) >= 10
    files = [mc.write_received(tmp_path / f"{i:02d}_{c.name}.dcm", c.data, c.sop_class, c.sop_instance,
                               c.transfer_syntax) for i, c in enumerate(corpus)]
    good_uids = mc.Uids()
    files.append(mc.write_received(tmp_path / "zz_good.dcm", mc.good_dataset(good_uids), mc.CT_IMAGE,
                                   good_uids.instance))
    with running_node(tmp_path / "node") as node:
        statuses = mc.send_raw("127.0.0.1", node.port, node.aet, files, calling_aet="HOSTILE_CT")
        for case, status in zip(corpus, statuses):
            assert status in case.statuses, f"{case.name}: status {status!r}, expected one of " \
                                            f"{[hex(s) for s in case.statuses]}"
        # the same association went on: the good object sent last on it was stored
        assert statuses[-1] == 0x0000
        assert node.proc.poll() is None
        assert echo("127.0.0.1", node.port, node.aet)

        # the next good study, from a real modality, still lands whole
        ct = dicom_files(ct_phantom_small)
        subprocess.run(["storescu", "-aec", node.aet, "127.0.0.1", str(node.port), *map(str, ct)],
                       check=True, timeout=120, capture_output=True)

        archive = node.archive()
        stored = {i.sop_instance_uid for i in archive.instances()}
        sent = {pydicom.dcmread(f, stop_before_pixels=True).SOPInstanceUID for f in ct}
        assert stored == sent | {good_uids.instance}
        assert not stored & {c.sop_instance for c in corpus}
        on_disk = sorted((node.storage / "files").rglob("*"))
        assert len([p for p in on_disk if p.is_file()]) == len(stored)  # no file of the bad ones
        assert list((node.storage / "tmp").iterdir()) == []  # nor a half-written one
        assert {s.study_uid for s in archive.studies()} == {
            pydicom.dcmread(ct[0], stop_before_pixels=True).StudyInstanceUID, good_uids.study}

        log = node.log_text()
        for case in corpus:
            line = next((ln for ln in log.splitlines() if case.sop_instance in ln), "")
            assert "HOSTILE_CT" in line and "refused" in line, f"{case.name}: no log line naming the caller"


def test_polyglot_preamble_from_storescu_is_stored_zeroed(tmp_path, ct_phantom_small):
    """storescu sends a file whose preamble is an executable header: the data set lands unchanged,
    the archived file's preamble is zeros (DESIGN: no PE/ELF polyglot passes through)."""
    src = dicom_files(ct_phantom_small)[0]
    raw = bytearray(src.read_bytes())
    raw[:128] = (b"MZ\x90\x00\x03" + b"\x00" * 55 + b"\x80\x00\x00\x00" + b"PE\x00\x00" + b"\xcc" * 128)[:128]
    hostile = tmp_path / "polyglot.dcm"
    hostile.write_bytes(bytes(raw))
    with running_node(tmp_path / "node") as node:
        subprocess.run(["storescu", "-aec", node.aet, "127.0.0.1", str(node.port), str(hostile)], check=True,
                       timeout=60, capture_output=True)
        [inst] = node.archive().instances()
        data = Path(inst.path).read_bytes()
        assert data[:128] == b"\x00" * 128 and data[128:132] == b"DICM"
        from pynetdicom.dsutils import split_dataset

        assert data[split_dataset(inst.path)[1]:] == raw[split_dataset(hostile)[1]:]
