"""The DICOM node: C-ECHO and C-STORE SCP (plus Q/R when dicom_node.query is present), the archive,
stable-study detection, the AI pipeline and forwarding, in one process (`tpacs node`).

Receive path, per instance: free-space floor → the bytes exactly as received (no decoding) written
with a zeroed preamble and our File Meta to a temp file on the storage volume and fsynced →
`validate.check_received` → atomic rename into files/ and fsync of the folder → index row →
status 0x0000. Any failure before the index row answers a failure status and leaves no file behind.
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import socket
import struct
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from pydicom import dcmread
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian,
    JPEG2000, JPEG2000Lossless, JPEGBaseline8Bit, JPEGExtended12Bit, JPEGLosslessSV1, JPEGLSLossless,
    JPEGLSNearLossless, RLELossless, UID,
)
from pynetdicom import AE, PYNETDICOM_IMPLEMENTATION_UID, PYNETDICOM_IMPLEMENTATION_VERSION, evt

from dicom_node import schema
from dicom_node.archive import Archive, ArchiveError
from dicom_node.config import storage_path
from dicom_node.pipeline import Pipeline
from dicom_node.report_inbox import STATUS_NOT_AUTHORIZED, report_kind
from dicom_node.stability import StabilityMonitor

log = logging.getLogger("dicom_node.node")

VERIFICATION = "1.2.840.10008.1.1"
# What a mobile CT/DR unit and our own AI send (DESIGN.md / issue 2), plus the CT dose report
# that CT scanners send with every study.
STORAGE_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.2": "CT Image",
    "1.2.840.10008.5.1.4.1.1.2.1": "Enhanced CT Image",
    "1.2.840.10008.5.1.4.1.1.1": "Computed Radiography Image",
    "1.2.840.10008.5.1.4.1.1.1.1": "Digital X-Ray Image - For Presentation",
    "1.2.840.10008.5.1.4.1.1.1.1.1": "Digital X-Ray Image - For Processing",
    "1.2.840.10008.5.1.4.1.1.7": "Secondary Capture Image",
    "1.2.840.10008.5.1.4.1.1.88.11": "Basic Text SR",
    "1.2.840.10008.5.1.4.1.1.88.22": "Enhanced SR",
    "1.2.840.10008.5.1.4.1.1.88.33": "Comprehensive SR",
    "1.2.840.10008.5.1.4.1.1.88.34": "Comprehensive 3D SR",
    "1.2.840.10008.5.1.4.1.1.88.67": "X-Ray Radiation Dose SR",
    "1.2.840.10008.5.1.4.1.1.66.4": "Segmentation",
    "1.2.840.10008.5.1.4.1.1.11.1": "Grayscale Softcopy Presentation State",
    "1.2.840.10008.5.1.4.1.1.88.59": "Key Object Selection Document",
    "1.2.840.10008.5.1.4.1.1.104.1": "Encapsulated PDF",  # the county's printed report
}
# Accept what a modality proposes; the bytes are stored as received, never transcoded.
TRANSFER_SYNTAXES = [
    ExplicitVRLittleEndian, ImplicitVRLittleEndian, DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian,
    JPEGBaseline8Bit, JPEGExtended12Bit, "1.2.840.10008.1.2.4.57", JPEGLosslessSV1,
    JPEGLSLossless, JPEGLSNearLossless, JPEG2000Lossless, JPEG2000, RLELossless,
]

STATUS_SUCCESS = 0x0000
STATUS_OUT_OF_RESOURCES = 0xA700
STATUS_CANNOT_UNDERSTAND = 0xC000
STATUS_PROCESSING_FAILURE = 0x0110


class NodeError(RuntimeError):
    """The node cannot run as configured; the message says why."""


class _FallbackRejected(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(f"0x{status:04X}: {reason}")
        self.status, self.reason = status, reason


def _fallback_check(path: Path, context_sop_class: str, context_transfer_syntax: str):
    """Used only when dicom_node.validate is missing: parse, check SOP class and UIDs."""
    try:
        ds = dcmread(path, stop_before_pixels=True)
    except Exception as exc:
        raise _FallbackRejected(0xC210, f"cannot parse: {exc}")
    if str(ds.get("SOPClassUID", "")) != context_sop_class:
        raise _FallbackRejected(0xA900, "SOP Class UID does not match the presentation context")
    for kw in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID"):
        if not ds.get(kw):
            raise _FallbackRejected(0xC216, f"{kw} missing")
    return ds


try:
    from dicom_node.validate import Rejected, check_received
except ImportError:  # the validator is a separate part; the node still works without it
    Rejected, check_received = _FallbackRejected, _fallback_check  # type: ignore[misc,assignment]


def _element(tag_elem: int, vr: bytes, value: bytes) -> bytes:
    """One group-0002 element, explicit VR little endian."""
    if vr == b"OB":
        return struct.pack("<HH2sHI", 0x0002, tag_elem, vr, 0, len(value)) + value
    return struct.pack("<HH2sH", 0x0002, tag_elem, vr, len(value)) + value


def _pad(text: str, pad: bytes) -> bytes:
    raw = text.encode("ascii", "replace")
    return raw + pad if len(raw) % 2 else raw


def encode_file_meta(sop_class: str, sop_instance: str, transfer_syntax: str, source_ae: str = "") -> bytes:
    """The File Meta group for a received object, encoded directly (pydicom's FileMetaDataset costs
    about as much per instance as everything else on the receive path together)."""
    body = b"".join([
        _element(0x0001, b"OB", b"\x00\x01"),
        _element(0x0002, b"UI", _pad(sop_class, b"\x00")),
        _element(0x0003, b"UI", _pad(sop_instance, b"\x00")),
        _element(0x0010, b"UI", _pad(transfer_syntax, b"\x00")),
        _element(0x0012, b"UI", _pad(PYNETDICOM_IMPLEMENTATION_UID, b"\x00")),
        _element(0x0013, b"SH", _pad(PYNETDICOM_IMPLEMENTATION_VERSION, b" ")),
    ] + ([_element(0x0016, b"AE", _pad(source_ae, b" "))] if source_ae else []))
    return _element(0x0000, b"UL", struct.pack("<I", len(body))) + body


def peer_allowed(peers: list[dict], ae_title: str, address: str) -> bool:
    """An empty list allows everyone; otherwise some entry must match on every field it names."""
    if not peers:
        return True
    for p in peers:
        aet, host = (p.get("ae_title") or "").strip(), (p.get("host") or "").strip()
        if aet and aet != ae_title.strip():
            continue
        if host and host != address:
            try:
                if address not in {ai[4][0] for ai in socket.getaddrinfo(host, None)}:
                    continue
            except OSError:
                continue
        return True
    return False


class Node:
    def __init__(self, cfg: dict):
        self.cfg = cfg
        self.config = cfg
        node = cfg["node"]
        self.archive = Archive(storage_path(cfg), on_conflict=node.get("on_conflict", "keep_first"), check=False)
        try:  # browsable at once when current (or new); an older index waits for start() to upgrade it
            self.archive.check()
        except schema.SchemaError:
            pass
        self.stable_listeners: list[Callable[[str], None]] = []
        self.ready_listeners: list[Callable[[str], None]] = []
        self.pipeline = Pipeline(self.archive, cfg, self._on_ready)
        self.stable_listeners.append(self.pipeline.on_stable)
        self.stability = StabilityMonitor(self.archive, cfg, self._on_stable)
        self.min_free_bytes = int(node.get("min_free_bytes", 0))
        self.allowed_peers = list(node.get("allowed_peers", []))
        self.ae: AE | None = None
        self._fsync_pool = ThreadPoolExecutor(max_workers=max(2, int(node.get("max_associations", 10))),
                                              thread_name_prefix="fsync")
        self.server = None
        self.report_inbox = None  # set by dicom_node.report_pull.attach at start-up
        self._lock_fh = None
        self._running_marker = self.archive.root / "node.running"

    # --- listeners ------------------------------------------------------------------------------
    def _on_stable(self, study_uid: str) -> None:
        for fn in list(self.stable_listeners):
            try:
                fn(study_uid)
            except Exception:
                log.exception("stable-listener %r failed for %s", fn, study_uid)

    def _on_ready(self, study_uid: str) -> None:
        for fn in list(self.ready_listeners):
            try:
                fn(study_uid)
            except Exception:
                log.exception("ready-listener %r failed for %s", fn, study_uid)

    # --- DIMSE handlers -------------------------------------------------------------------------
    def _handle_requested(self, event) -> None:
        assoc = event.assoc
        calling = (assoc.requestor.primitive.calling_ae_title or "").strip()
        address = assoc.requestor.address
        if not peer_allowed(self.allowed_peers, calling, address):
            log.warning("association from %r at %s rejected: not in node.allowed_peers", calling, address)
            assoc.acse.send_reject(0x01, 0x01, 0x03)  # rejected-permanent, calling AE not recognised
            # As pynetdicom's own rejections do: wait until the A-ASSOCIATE-RJ is out and the peer has
            # closed, otherwise the socket is shut first and the peer only sees an abort.
            assoc.kill()
            return
        try:  # C-STORE responses are small: never hold one back for Nagle's algorithm
            assoc.dul.socket.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (AttributeError, OSError):
            pass
        self._prefer_senders_syntax(assoc)

    @staticmethod
    def _prefer_senders_syntax(assoc) -> None:
        """For storage, take the transfer syntax the sender lists first, not the first of ours.

        pynetdicom picks the first syntax of the acceptor's list that the requestor offers. A sender
        proposing, say, JPEG 2000 and Explicit VR for one SOP class usually lists its images' own
        encoding first; picking another would make it transcode (or fail, when it has no encoder) —
        the opposite of "store the bytes as received". Contexts the peer wants us to play SCU on
        (C-GET's role selection) keep the order the Q/R module chose. Only this association's copy
        of the contexts is touched."""
        try:
            proposed = assoc.requestor.primitive.presentation_context_definition_list or []
            roles = assoc.requestor.role_selection
        except Exception:
            return
        order: dict[str, list[str]] = {}
        for cx in proposed:
            order.setdefault(str(cx.abstract_syntax), [str(t) for t in cx.transfer_syntax])
        for ac in assoc.acceptor.supported_contexts:
            uid = str(ac.abstract_syntax)
            pref = order.get(uid)
            role = roles.get(uid)
            if not pref or (role is not None and role.scp_role):
                continue
            rank = {t: i for i, t in enumerate(pref)}
            ac.transfer_syntax = sorted(ac.transfer_syntax, key=lambda t: rank.get(str(t), len(rank)))

    def _handle_echo(self, event) -> int:
        return STATUS_SUCCESS

    def _handle_store(self, event) -> int:
        calling = (event.assoc.requestor.ae_title or "").strip()
        address = event.assoc.requestor.address
        req = event.request
        sop_uid = str(req.AffectedSOPInstanceUID or "")
        try:
            free = shutil.disk_usage(self.archive.root).free
        except OSError:
            free = 0
        if free < self.min_free_bytes:
            log.error("refused %s from %s: %d bytes free on the storage volume, below node.min_free_bytes = %d",
                      sop_uid, calling, free, self.min_free_bytes)
            return STATUS_OUT_OF_RESOURCES
        ctx = event.context
        sop_class, ts = str(ctx.abstract_syntax), str(ctx.transfer_syntax)
        tmp = body = None
        try:
            body = req.DataSet.getbuffer()  # the bytes as received, no copy
            # Source AE: provenance, who sent it.
            meta = encode_file_meta(str(req.AffectedSOPClassUID), sop_uid, ts, calling)
            tmp, synced = self.archive.write_temp_async([b"\x00" * 128, b"DICM", meta, body], self._fsync_pool)
            try:
                ds = check_received(tmp, sop_class, ts)  # while the disk flushes the temp file
            except Rejected as exc:
                log.warning("refused %s from %s (%s): 0x%04X %s", sop_uid or "?", calling, address,
                            exc.status, exc.reason)
                return exc.status
            finally:
                synced()  # the file is on disk before it is renamed (or removed)
            # A report the county pushes: only for a study of ours; it does not restart the quiet period.
            report = self.report_inbox is not None and report_kind(ds) is not None
            if report and (why := self.report_inbox.refusal(ds)):
                log.warning("refused %s from %s (%s): 0x%04X %s", sop_uid, calling, address, STATUS_NOT_AUTHORIZED, why)
                return STATUS_NOT_AUTHORIZED
            result = self.archive.commit_temp(tmp, ds, body, 132 + len(meta) + len(body), ts,
                                              calling_ae=calling, received=not report)
            tmp = None
            if report:
                self.report_inbox.record(ds, f"push:{calling}")
            if result.outcome != "stored":
                log.info("%s from %s: %s", sop_uid, calling, result.outcome)
            return STATUS_SUCCESS
        except ArchiveError as exc:
            log.warning("refused %s from %s (%s): %s", sop_uid or "?", calling, address, exc)
            return STATUS_CANNOT_UNDERSTAND
        except OSError as exc:
            log.error("could not store %s from %s: %s", sop_uid or "?", calling, exc)
            return STATUS_OUT_OF_RESOURCES if exc.errno in (errno.ENOSPC, errno.EDQUOT) else STATUS_PROCESSING_FAILURE
        except Exception:
            log.exception("could not store %s from %s", sop_uid or "?", calling)
            return STATUS_PROCESSING_FAILURE
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
            if body is not None:
                try:
                    body.release()  # pynetdicom may close or reuse its buffer after we return
                except BufferError:  # a view of it still alive somewhere: let the GC release it
                    pass

    # --- life cycle -----------------------------------------------------------------------------
    def _make_ae(self) -> AE:
        node = self.cfg["node"]
        ae = AE(ae_title=node["ae_title"])
        ae.maximum_associations = int(node.get("max_associations", 10))
        ae.acse_timeout = float(node.get("acse_timeout_s", 30))
        ae.dimse_timeout = float(node.get("dimse_timeout_s", 60))
        ae.network_timeout = float(node.get("network_timeout_s", 60))
        # Announce a large receive PDU: fewer, bigger PDUs are much cheaper to handle in Python.
        ae.maximum_pdu_size = int(node.get("max_pdu_bytes", 0))
        ae.add_supported_context(VERIFICATION)
        qr = self._query_module()
        for uid in STORAGE_SOP_CLASSES:
            # scp_role: C-GET sends stored objects back on the same association (role selection).
            if qr is not None:
                ae.add_supported_context(uid, TRANSFER_SYNTAXES, scu_role=False, scp_role=True)
            else:
                ae.add_supported_context(uid, TRANSFER_SYNTAXES)
        if qr is not None:
            for uid in qr.QR_SOP_CLASSES:
                ae.add_supported_context(uid, [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
        return ae

    def _query_module(self):
        try:
            from dicom_node import query
        except ImportError:
            return None
        return query

    def _take_lock(self) -> None:
        """One node per storage folder: a second one would clean the first one's temp files."""
        self._lock_fh = open(self.archive.root / "node.lock", "a+")
        try:
            import fcntl
            fcntl.flock(self._lock_fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # Windows: no advisory locks; the installer runs only one node
            pass
        except OSError:
            self._lock_fh.close()
            self._lock_fh = None
            raise NodeError(f"another tpacs node is already using {self.archive.root}")

    def start(self) -> None:
        self._take_lock()
        try:  # the node alone upgrades the index, once, under its lock, before anything reads it
            schema.upgrade(self.archive.db_path)
            self.archive.check()
        except schema.SchemaError as exc:
            self._lock_fh.close()
            self._lock_fh = None
            raise NodeError(str(exc)) from exc
        self.archive.clean_tmp()
        if self._running_marker.exists():
            log.warning("the previous node run did not stop cleanly; checking the archive for unindexed files")
            self.archive.reindex_orphans()
        self._running_marker.write_text(str(os.getpid()))
        if not self.allowed_peers:
            log.warning("node.allowed_peers is empty: ANY peer may send to this node; "
                        "fill in the allow-list in the settings")
        self.ae = self._make_ae()
        handlers = [(evt.EVT_REQUESTED, self._handle_requested), (evt.EVT_C_ECHO, self._handle_echo),
                    (evt.EVT_C_STORE, self._handle_store)]
        qr = self._query_module()
        if qr is not None:
            handlers += list(qr.handlers(self))
        node = self.cfg["node"]
        address = (node.get("bind_address", "0.0.0.0"), int(node["port"]))
        # Forwarding first: studies the pipeline resumes at start-up must reach its ready-listener.
        try:
            from dicom_node import forward
        except ImportError:
            forward = None
        if forward is not None:
            forward.attach(self)
        from dicom_node import report_pull

        report_pull.attach(self)
        try:
            self.server = self.ae.start_server(address, block=False, evt_handlers=handlers)
        except OSError as exc:
            raise NodeError(f"cannot listen on {address[0]}:{address[1]}: {exc.strerror or exc}") from exc
        log.info("node %s listening on %s:%d, archive %s", node["ae_title"], address[0], address[1],
                 self.archive.root)
        self.stability.start()
        self.pipeline.start()

    def stop(self) -> None:
        if self._lock_fh is None:  # never started (or the storage belongs to another node): touch nothing
            return
        if self.server is not None:
            self.server.shutdown()
            self.server = None
        self._fsync_pool.shutdown(wait=True)
        self.stability.stop()
        self.pipeline.stop()
        puller = getattr(self, "report_puller", None)
        if puller is not None:
            puller.stop()
        fw = getattr(self, "forwarder", None)
        if fw is not None and hasattr(fw, "stop"):
            try:
                fw.stop()
            except Exception:
                log.exception("forwarder did not stop cleanly")
        self._running_marker.unlink(missing_ok=True)
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None
        log.info("node stopped")


def run_node(cfg: dict) -> int:
    """Run the node in the foreground until SIGINT/SIGTERM; returns 0 after a clean stop."""
    level = str(cfg.get("logging", {}).get("level", "INFO")).upper()
    logging.getLogger().setLevel(getattr(logging, level, logging.INFO))
    logging.getLogger("pynetdicom").setLevel(logging.WARNING)
    node = Node(cfg)
    stop = threading.Event()

    def _signal(signum, frame):
        log.info("signal %d: stopping", signum)
        stop.set()

    old = {s: signal.signal(s, _signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            node.start()
        except (NodeError, OSError) as exc:  # storage in use, port taken, ...: one clear line
            log.error("the node cannot start: %s", exc)
            print(f"tpacs node: error: {exc}", file=sys.stderr)
            return 2
        while not stop.wait(0.5):
            pass
    finally:
        node.stop()
        for s, h in old.items():
            signal.signal(s, h)
    return 0
