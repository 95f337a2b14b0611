"""Every pynetdicom internal the node relies on (dicom_node/pynetdicom_internals.py), checked against the
installed pynetdicom: when a release changes one, this fails and names it - before forwarding or C-GET
silently break in a clinic."""
from __future__ import annotations

import inspect
import re
import socket
import threading
import time
import tomllib
from importlib.metadata import version
from pathlib import Path

import pydicom
import pytest
from pynetdicom import AE, evt
from pynetdicom.sop_class import CTImageStorage, Verification

from dicom_node import pynetdicom_internals as internals
from tests.conftest import dicom_files, free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_pynetdicom_is_pinned_to_the_tested_minor_release():
    deps = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    [spec] = [d for d in deps if d.startswith("pynetdicom")]
    lo, hi = re.fullmatch(r"pynetdicom>=([\d.]+),<([\d.]+)", spec).groups()
    installed = tuple(int(x) for x in version("pynetdicom").split(".")[:3])
    assert tuple(int(x) for x in lo.split(".")) <= installed < tuple(int(x) for x in hi.split(".")), \
        f"pynetdicom {version('pynetdicom')} is outside the pinned range {spec}: re-check dicom_node/pynetdicom_internals.py"


@pytest.fixture
def scp():
    """A pynetdicom storage SCP on loopback, recording what EVT_REQUESTED saw and what arrived."""
    seen: dict = {"proposed": None, "stored": []}

    def on_requested(event):
        seen["proposed"] = [str(cx.abstract_syntax) for cx in internals.proposed_contexts(event.assoc)]

    def on_store(event):
        seen["stored"].append(bytes(event.request.DataSet.getvalue()))
        return 0x0000

    ae = AE(ae_title="SCP")
    ae.add_supported_context(CTImageStorage, ["1.2.840.10008.1.2.1", "1.2.840.10008.1.2"])
    ae.add_supported_context(Verification)
    port = free_port()
    server = ae.start_server(("127.0.0.1", port), block=False,
                             evt_handlers=[(evt.EVT_REQUESTED, on_requested), (evt.EVT_C_STORE, on_store)])
    yield port, seen
    server.shutdown()


def test_fast_send_internals(scp, ct_phantom_small, tmp_path):
    """raw_socket, pause/resume of the reactor, the C-STORE-RQ command set and next_response, as the
    batched forwarding writer uses them: a stored file arrives byte for byte."""
    from dicom_node.forward.dimse import dataset_offset, fast_c_store

    port, seen = scp
    src = dicom_files(ct_phantom_small)[0]
    ds = pydicom.dcmread(src, stop_before_pixels=True)
    ae = AE(ae_title="SCU")
    ae.add_requested_context(CTImageStorage, str(ds.file_meta.TransferSyntaxUID))
    ae.add_requested_context(Verification)
    assoc = ae.associate("127.0.0.1", port, ae_title="SCP")
    assert assoc.is_established
    try:
        assert seen["proposed"] == [CTImageStorage, Verification], "proposed_contexts() at EVT_REQUESTED"
        assert type(internals.raw_socket(assoc)) is socket.socket, "raw_socket(): assoc.dul.socket.socket"
        assert internals.can_pause(assoc), "assoc._reactor_checkpoint / assoc._is_paused are gone"
        assert isinstance(assoc._reactor_checkpoint, threading.Event) and assoc._reactor_checkpoint.is_set()
        assert internals.pause_reactor(assoc) is True
        assert assoc._is_paused is True and internals.pause_reactor(assoc) is False
        internals.resume_reactor(assoc)
        deadline = time.monotonic() + 5
        while assoc._is_paused and time.monotonic() < deadline:
            time.sleep(0.001)
        assert assoc._is_paused is False, "the reactor did not run again after resume_reactor()"

        from pynetdicom.dsutils import decode
        command = decode(__import__("io").BytesIO(internals.c_store_command(7, CTImageStorage, ds.SOPInstanceUID)),
                         True, True)
        assert command.CommandField == 0x0001 and command.MessageID == 7 and command.CommandDataSetType != 0x0101
        assert command.AffectedSOPInstanceUID == ds.SOPInstanceUID

        class Rec:  # what the forwarder passes: a stored instance's record
            path, sop_class_uid, sop_instance_uid = src, CTImageStorage, ds.SOPInstanceUID
        cx = assoc.accepted_contexts[0]
        assert fast_c_store(assoc, cx.context_id, Rec, 8) == 0x0000, "next_response(): assoc.dimse.get_msg"
        data = src.read_bytes()
        assert seen["stored"] == [data[dataset_offset(data, src):]]
        assert assoc.send_c_echo().Status == 0  # the association still works through pynetdicom's own path
    finally:
        assoc.release()


def test_q_r_sub_operations_still_call_send_c_store_on_the_association():
    """dicom_node.query replaces assoc.send_c_store so that C-GET/C-MOVE send stored bytes unchanged; that
    only works while pynetdicom's Q/R service class sends each sub-operation through that attribute."""
    from pynetdicom.service_class import QueryRetrieveServiceClass

    get_src = inspect.getsource(QueryRetrieveServiceClass._get_scp)
    move_src = inspect.getsource(QueryRetrieveServiceClass._move_scp)
    assert "self.assoc.send_c_store(" in get_src, "C-GET no longer sends via assoc.send_c_store"
    assert "store_assoc.send_c_store(" in move_src, "C-MOVE no longer sends via the sub-association's send_c_store"
    from pynetdicom import _config

    assert hasattr(_config, "STORE_SEND_CHUNKED_DATASET") and hasattr(_config, "STORE_RECV_CHUNKED_DATASET")
