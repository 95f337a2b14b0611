"""The C-STORE SCP's receive path: one instance in, one status out.

Per instance: free-space floor -> the bytes exactly as received (no decoding) written with a zeroed
preamble and our File Meta to a temp file on the storage volume and fsynced -> `validate.check_received`
-> atomic rename into files/ and fsync of the folder -> index row -> status 0x0000. Any failure before
the index row answers a failure status and leaves no file behind.
"""
from __future__ import annotations

import errno
import logging
import shutil
import sqlite3
import struct
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pynetdicom import PYNETDICOM_IMPLEMENTATION_UID, PYNETDICOM_IMPLEMENTATION_VERSION

from dicom_node.archive import Archive, ArchiveError
from dicom_node.validate import Rejected, check_received

log = logging.getLogger("dicom_node.node")

STATUS_SUCCESS = 0x0000
STATUS_OUT_OF_RESOURCES = 0xA700
STATUS_CANNOT_UNDERSTAND = 0xC000
STATUS_PROCESSING_FAILURE = 0x0110
STATUS_NOT_AUTHORIZED = 0x0124


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


def _out_of_space(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(exc, sqlite3.OperationalError):  # SQLITE_FULL: "database or disk is full"
        return "full" in str(exc)
    return False


class Receiver:
    """Stores received instances into `archive` (one per node process, shared by its associations)."""

    def __init__(self, archive: Archive, cfg: dict):
        node = cfg["node"]
        self.archive = archive
        self.min_free_bytes = int(node.get("min_free_bytes", 0))
        self._fsync_pool = ThreadPoolExecutor(max_workers=max(2, int(node.get("max_associations", 10))),
                                              thread_name_prefix="fsync")

    def close(self) -> None:
        self._fsync_pool.shutdown(wait=True)

    def store(self, event, calling: str, address: str) -> int:
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
            result = self.archive.commit_temp(tmp, ds, body, 132 + len(meta) + len(body), ts, calling_ae=calling)
            tmp = None
            if result.outcome != "stored":
                log.info("%s from %s: %s", sop_uid, calling, result.outcome)
            return STATUS_SUCCESS
        except ArchiveError as exc:
            log.warning("refused %s from %s (%s): %s", sop_uid or "?", calling, address, exc)
            return STATUS_CANNOT_UNDERSTAND
        except (OSError, sqlite3.Error) as exc:
            log.error("could not store %s from %s: %s", sop_uid or "?", calling, exc)
            return STATUS_OUT_OF_RESOURCES if _out_of_space(exc) else STATUS_PROCESSING_FAILURE
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
