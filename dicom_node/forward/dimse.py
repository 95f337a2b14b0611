"""Forwarding over DICOM: C-STORE SCU of stored files, bytes unchanged.

One association per study (more only beyond 128 presentation contexts). Each stored file goes out in
its own transfer syntax when the peer accepts it, else decompressed to an uncompressed one. Over plain
TCP the P-DATA PDUs are written to the socket in batches (`forwarding.fast_send`; see
dicom_node.pynetdicom_internals for why); over TLS pynetdicom's own sender is used.
"""
from __future__ import annotations

import socket
import ssl
import struct
import threading
from pathlib import Path
from typing import Callable

from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, UID

from dicom_node import pynetdicom_internals as internals
from dicom_node.forward.config import Destination
from dicom_node.forward.errors import Interrupted, SendError, with_sent
from dicom_node.jobs import Job, JobQueue
from dicom_node.tls import client_context

UNCOMPRESSED = (ExplicitVRLittleEndian, ImplicitVRLittleEndian)
MAX_CONTEXTS = 128  # PS3.8: presentation context IDs are odd numbers 1..255


class NoContext(Exception):
    """The peer accepted no presentation context this instance could be sent with."""


def status_result(status: int) -> str | None:
    """'delivered' / 'duplicate' / 'warning' for C-STORE statuses that count as delivered, else None."""
    if status == 0x0000:
        return "delivered"
    if status == 0x0111:
        return "duplicate"
    if 0xB000 <= status <= 0xBFFF or status in (0x0001, 0x0107, 0x0116):
        return "warning"
    return None


def make_ae(cfg: dict):
    """An SCU AE with the node's AE title and timeouts."""
    from pynetdicom import AE

    node = cfg.get("node", {})
    ae = AE(ae_title=node.get("ae_title", "TPACS"))
    ae.acse_timeout = node.get("acse_timeout_s", 30)
    ae.dimse_timeout = node.get("dimse_timeout_s", 60)
    ae.network_timeout = node.get("network_timeout_s", 60)
    ae.connection_timeout = node.get("acse_timeout_s", 30)
    return ae


def associate(cfg: dict, dest: Destination, contexts: list[tuple[str, list[str]]]):
    """An established association with a DICOM destination (TLS when configured), or SendError."""
    ae = make_ae(cfg)
    for sop_class, tss in contexts:
        ae.add_requested_context(sop_class, tss)
    kwargs = {"tls_args": (client_context(dest.tls), dest.host)} if dest.tls else {}
    try:
        assoc = ae.associate(dest.host, dest.port, ae_title=dest.ae_title, **kwargs)
    except ssl.SSLError as exc:
        raise SendError(f"TLS with {dest.peer} failed: {exc}") from exc
    if assoc.is_established:
        internals.no_delay(assoc)
    return assoc


class DicomSender:
    """Sends one job's instances to one DICOM destination; records each delivery as it is acknowledged."""

    def __init__(self, cfg: dict, queue: JobQueue, stop: threading.Event):
        self.cfg = cfg
        self.fcfg = cfg.get("forwarding", {})
        self.queue = queue
        self.stop = stop
        self.tls_version = ""
        self.deferred: list[Callable[[], None]] = []
        self._msg_id = 0

    def audit_info(self, dest: Destination, inst, ts: str = "", result: str = "delivered") -> dict:
        peer = dest.peer + (f" ({self.tls_version})" if self.tls_version else "")
        return {"peer": peer, "series_uid": inst.series_uid, "transfer_syntax": ts or inst.transfer_syntax_uid,
                "result": result}

    def send(self, job: Job, dest: Destination, todo: list) -> int:
        """C-STORE every instance in `todo`; returns how many were delivered (SendError when any failed)."""
        from pynetdicom import _config

        # Stream stored files as they are (no decode/re-encode) when the peer accepts their syntax.
        _config.STORE_SEND_CHUNKED_DATASET = True
        # Contexts: each (SOP class, stored syntax) as stored, plus uncompressed per SOP class.
        wanted: dict[str, list[str]] = {}
        for inst in todo:
            ts = wanted.setdefault(inst.sop_class_uid, [])
            if inst.transfer_syntax_uid not in UNCOMPRESSED and inst.transfer_syntax_uid not in ts:
                ts.append(inst.transfer_syntax_uid)
        # A SOP class's contexts always stay together, so each instance goes in exactly one association.
        batches: list[list[tuple[str, list[str]]]] = [[]]
        for sop_class, tss in wanted.items():
            group = [(sop_class, [ts]) for ts in tss[:MAX_CONTEXTS - 1]] + [(sop_class, list(UNCOMPRESSED))]
            if len(batches[-1]) + len(group) > MAX_CONTEXTS:
                batches.append([])
            batches[-1] += group
        n_sent, errors = 0, []
        for batch in batches:
            classes = {c[0] for c in batch}
            part = [i for i in todo if i.sop_class_uid in classes]
            assoc = associate(self.cfg, dest, batch)
            self.tls_version = ""
            if dest.tls and assoc.is_established:  # the audit says how it left: e.g. TLSv1.3
                sock = internals.raw_socket(assoc)
                self.tls_version = (sock.version() or "") if isinstance(sock, ssl.SSLSocket) else ""
            if not assoc.is_established:
                why = "rejected" if assoc.is_rejected else "aborted" if assoc.is_aborted else "failed"
                raise with_sent(SendError(f"association with {dest.peer} {why} (unreachable, refused or TLS "
                                          "handshake failed)"), n_sent)
            try:
                n_sent = self._send_on(assoc, job, dest, part, n_sent, errors)
            finally:
                self._flush_deferred()
                if internals.can_pause(assoc):
                    internals.resume_reactor(assoc)
                if assoc.is_established:
                    assoc.release()
        if errors:
            raise with_sent(SendError(f"{len(errors)} instance(s) refused by {dest.peer}: " + "; ".join(errors[:5])),
                            n_sent)
        return n_sent

    def _send_on(self, assoc, job: Job, dest: Destination, part: list, n_sent: int, errors: list) -> int:
        # The fast sender records instance k while instance k+1 is on the wire (hides the SQLite
        # commit behind the county's work); the other path records at once.
        fast = self._fast_ok(assoc)
        if fast:  # paused once for the whole study, not once per instance
            internals.pause_reactor(assoc)
        for inst in part:
            if self.stop.is_set():
                raise Interrupted(n_sent)
            try:
                status, ts = self._store_one(assoc, inst)
            except NoContext as exc:  # this one cannot go; the others still do
                self.queue.audit(job, inst.sop_instance_uid, None, self.audit_info(dest, inst, result="refused"))
                errors.append(f"{inst.sop_instance_uid}: {exc}")
                continue
            if status is None:
                # it left, but no answer came: logged, and sent again on the next attempt
                self.queue.audit(job, inst.sop_instance_uid, None, self.audit_info(dest, inst, ts, "error"))
                raise with_sent(SendError(f"{dest.peer} dropped the association after {n_sent} "
                                          f"instances (no response to C-STORE)"), n_sent)
            result = status_result(status)
            if result is not None:
                self.deferred.append(lambda i=inst, st=status, a=self.audit_info(dest, inst, ts, result):
                                     self.queue.record_delivery(job, i.sop_instance_uid, st, a))
                if not fast:
                    self._flush_deferred()
                n_sent += 1
            else:
                self.queue.audit(job, inst.sop_instance_uid, status, self.audit_info(dest, inst, ts, "refused"))
                errors.append(f"{inst.sop_instance_uid}: status 0x{status:04X}")
            if not assoc.is_established:
                raise with_sent(SendError(f"{dest.peer} dropped the association after {n_sent} instances"), n_sent)
        return n_sent

    def _store_one(self, assoc, inst) -> tuple[int | None, str]:
        """Send one stored file: as stored if accepted, else decompressed; (status or None, syntax used)."""
        import pydicom

        stored = UID(inst.transfer_syntax_uid)
        accepted = [cx for cx in assoc.accepted_contexts if cx.abstract_syntax == inst.sop_class_uid]
        syntaxes = {cx.transfer_syntax[0] for cx in accepted}
        if stored in syntaxes:
            used = stored
            if self._fast_ok(assoc):
                cx = next(cx for cx in accepted if cx.transfer_syntax[0] == stored)
                return (fast_c_store(assoc, cx.context_id, inst, self._next_msg_id(), self._flush_deferred),
                        str(used))
            rsp = assoc.send_c_store(Path(inst.path))  # streamed from disk, bytes unchanged
        elif syntaxes & set(UNCOMPRESSED):
            ds = pydicom.dcmread(inst.path)
            if stored.is_compressed:
                ds.decompress()  # only because the peer accepts nothing else
            used = ExplicitVRLittleEndian if ExplicitVRLittleEndian in syntaxes else ImplicitVRLittleEndian
            rsp = assoc.send_c_store(ds)
        else:
            raise NoContext(f"{assoc.acceptor.ae_title} accepts SOP class {inst.sop_class_uid} neither as "
                            f"{stored.name} nor uncompressed")
        if "Status" not in rsp:
            return None, str(used)
        return int(rsp.Status), str(used)

    def _flush_deferred(self) -> None:
        pending = self.deferred
        while pending:
            pending.pop(0)()

    def _fast_ok(self, assoc) -> bool:
        """The batched sender writes to the socket itself: plain TCP only (an SSL object must not be
        written by one thread while pynetdicom's thread reads it), and only when switched on."""
        if not self.fcfg.get("fast_send", True):
            return False
        return type(internals.raw_socket(assoc)) is socket.socket and internals.can_pause(assoc)

    def _next_msg_id(self) -> int:
        self._msg_id = self._msg_id % 65535 + 1
        return self._msg_id


def dataset_offset(data: bytes, path: Path) -> int:
    """Where the data set starts in a Part 10 file: after preamble, "DICM" and the File Meta group."""
    if data[128:132] == b"DICM" and data[132:136] == b"\x02\x00\x00\x00" and data[136:138] == b"UL":
        return 144 + struct.unpack("<I", data[140:144])[0]
    from pynetdicom.dsutils import split_dataset

    return split_dataset(path)[1]


def fast_c_store(assoc, context_id: int, inst, msg_id: int, meanwhile: Callable[[], None] | None = None) -> int | None:
    """C-STORE of a stored file with the P-DATA PDUs written straight to the socket in large batches.

    The file is read once and its data set (bytes unchanged) goes out in P-DATA PDUs of the negotiated
    size from this thread, a few MiB per sendall; the response still comes back through pynetdicom.
    P-DATA does not change the association's state, so its state machine is not bypassed.
    Returns the response status, or None when no response came (the association is then aborted).
    """
    path = Path(inst.path)
    data = memoryview(path.read_bytes())
    offset = dataset_offset(data.obj, path)
    command = memoryview(internals.c_store_command(msg_id, inst.sop_class_uid, inst.sop_instance_uid))
    dataset = data[offset:]
    max_pdu = assoc.acceptor.maximum_length or 0
    sock = internals.raw_socket(assoc)
    parts: list = []
    size = 0

    def pdvs(payload: memoryview, more: int, last: int) -> None:
        """P-DATA-TF PDUs (type 04, length; one PDV item: length, context ID, control header, data)."""
        nonlocal size
        step = (max_pdu - 6) if max_pdu else max(len(payload), 1)
        n = len(payload)
        for i in range(0, max(n, 1), step):
            chunk = payload[i:i + step]
            flag = last if i + step >= n else more
            parts.append(struct.pack(">BBIIBB", 0x04, 0, len(chunk) + 6, len(chunk) + 2, context_id, flag))
            parts.append(chunk)
            size += len(chunk) + 12
            if size >= 4 << 20:
                flush()

    def flush() -> None:
        nonlocal size
        if parts:
            sock.sendall(b"".join(parts))
            parts.clear()
            size = 0

    paused = internals.pause_reactor(assoc)
    try:
        pdvs(command, 0x01, 0x03)
        pdvs(dataset, 0x00, 0x02)
        flush()
        if meanwhile is not None:  # our own bookkeeping, while the peer stores what we sent
            meanwhile()
        rsp = internals.next_response(assoc)
    except OSError:
        assoc.abort()
        return None
    finally:
        if paused:
            internals.resume_reactor(assoc)
    if rsp is None or getattr(rsp, "Status", None) is None:
        assoc.abort()
        return None
    return int(rsp.Status)
