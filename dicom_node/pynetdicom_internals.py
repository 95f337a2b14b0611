"""Every use of a pynetdicom internal (anything outside its documented API), in one place.

pyproject.toml pins pynetdicom to the tested minor release; tests/dicom_node/test_pynetdicom_internals.py
fails, naming the function here, when an internal below changes shape. Each is used only where the
public API is measurably slower or cannot do the job:

- the association's raw socket: TLS version for the forwarding audit, and the batched P-DATA writer
  of forwarding (`forwarding.fast_send`): pynetdicom hands every PDU (often 16 KiB) to its reactor
  thread one at a time; on a busy 2-core PC that made a study 1.36x slower to send than DCMTK storescu
  (README, "Forwarding"). Plain TCP only; TLS always goes through pynetdicom.
- pausing the association reactor while that writer waits for the response itself (what pynetdicom's
  own send_c_store does internally).
- encoding a C-STORE-RQ command set (pynetdicom's message classes).
- the requestor's proposed presentation contexts at EVT_REQUESTED (which syntax the sender listed
  first; pynetdicom picks by the acceptor's order).
- C-GET/C-MOVE sub-operations: pynetdicom's Q/R service class calls `assoc.send_c_store(dataset)` and
  accepts only a Dataset from the handler; dicom_node.query replaces that method on the association
  so that a stored file goes out as its stored bytes (no decode/re-encode), see `replace_send_c_store`.
"""
from __future__ import annotations

import socket
import time
from typing import Callable


def raw_socket(assoc) -> socket.socket | None:
    """The association's socket (an ssl.SSLSocket under TLS), or None."""
    return getattr(getattr(getattr(assoc, "dul", None), "socket", None), "socket", None)


def no_delay(assoc) -> None:
    """Nagle's algorithm off on an association we requested (pynetdicom has no option for it): a small
    C-STORE's data set PDU must not wait for the ACK of its command PDU (~40 ms on Linux)."""
    sock = raw_socket(assoc)
    if sock is not None:
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


def can_pause(assoc) -> bool:
    return hasattr(assoc, "_reactor_checkpoint") and hasattr(assoc, "_is_paused")


def pause_reactor(assoc) -> bool:
    """Stop the association reactor from taking responses off the DIMSE queue (as pynetdicom's own
    send_c_store does). False when it was already paused (by an outer caller)."""
    if not assoc._reactor_checkpoint.is_set():
        return False
    assoc._reactor_checkpoint.clear()
    while not assoc._is_paused:
        time.sleep(0.0001)
    return True


def resume_reactor(assoc) -> None:
    assoc._reactor_checkpoint.set()


def c_store_command(msg_id: int, sop_class: str, sop_instance: str, priority: int = 2) -> bytes:
    """The encoded command set of a C-STORE-RQ that announces a data set (implicit VR little endian)."""
    from pathlib import Path

    from pynetdicom.dimse_messages import C_STORE_RQ
    from pynetdicom.dimse_primitives import C_STORE
    from pynetdicom.dsutils import encode

    req = C_STORE()
    req.MessageID = msg_id
    req.Priority = priority
    req.AffectedSOPClassUID = sop_class
    req.AffectedSOPInstanceUID = sop_instance
    req._dataset_path = (Path("."), 0)  # marks "a data set follows" (CommandDataSetType) in the command set
    msg = C_STORE_RQ()
    msg.primitive_to_message(req)
    return encode(msg.command_set, True, True)


def next_response(assoc):
    """Block until the next DIMSE message arrives on a paused association; the message (or None)."""
    return assoc.dimse.get_msg(block=True)[1]


def proposed_contexts(assoc) -> list:
    """The presentation contexts the requestor proposed (at EVT_REQUESTED)."""
    return list(assoc.requestor.primitive.presentation_context_definition_list or [])


def replace_send_c_store(assoc, make: Callable[[Callable], Callable]) -> None:
    """Replace `assoc.send_c_store` by make(original): the Q/R service class's C-GET/C-MOVE sub-operations
    call it with the Dataset the handler yielded."""
    assoc.send_c_store = make(assoc.send_c_store)
