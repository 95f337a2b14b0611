"""The C-STORE SCP's receive path: one instance in, one status out.

The data set is never held in memory: pynetdicom writes it, as it arrives, to a temp file under the
storage's tmp/ (its documented STORE_RECV_CHUNKED_DATASET switch; the temp folder of the receiving
process is the storage's tmp/, same volume as files/), and dicom_node.guard cuts a connection whose
PDUs or data set exceed the node's limits while they arrive. Then, per instance: free-space floor ->
`validate.check_received` (one pass over the bytes; a refused object costs no fsync) -> fsync of the
file -> atomic rename into files/ and fsync of the folder -> index row -> status 0x0000. The bytes stored are the data set exactly as
received, behind a zeroed preamble and a File Meta. Any failure before the index row answers a failure
status and leaves no file behind.
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
import sqlite3
import tempfile

from pynetdicom import _config

from dicom_node.archive import Archive, ArchiveError
from dicom_node.validate import DEFAULT_MAX_INFLATED, Rejected, check_received

SR_PREFIX = "1.2.840.10008.5.1.4.1.1.88."
ENCAPSULATED_PDF = "1.2.840.10008.5.1.4.1.1.104.1"

log = logging.getLogger("dicom_node.node")

STATUS_SUCCESS = 0x0000
STATUS_OUT_OF_RESOURCES = 0xA700
STATUS_CANNOT_UNDERSTAND = 0xC000
STATUS_PROCESSING_FAILURE = 0x0110
STATUS_NOT_AUTHORIZED = 0x0124


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
        # a deflated data set inflates (to a scratch file) at most to the size the node accepts at all
        self.max_inflated = min(int(node.get("max_instance_bytes", DEFAULT_MAX_INFLATED)), DEFAULT_MAX_INFLATED)
        # Data sets stream to a file as they arrive, on the storage volume (pynetdicom's documented switch;
        # it makes its temp files in this process's temp folder). Process-wide settings: a receiving
        # process is the node's, and the workstation's embedded node makes its process one.
        _config.STORE_RECV_CHUNKED_DATASET = True
        tempfile.tempdir = str(archive.tmp_dir)
        # The township's report inbox (dicom_node.report_inbox), set when the node starts: a report the
        # county pushes is taken only for a study of ours and does not restart its quiet period.
        self.report_inbox = None

    def _report(self, tmp, sop_class: str):
        """The full data set of a county report (SR or printed PDF) when an inbox listens, else None."""
        if self.report_inbox is None or not (sop_class.startswith(SR_PREFIX) or sop_class == ENCAPSULATED_PDF):
            return None
        from pydicom import dcmread

        from dicom_node.report_inbox import report_kind

        full = dcmread(tmp)  # a report is small; the inbox reads its content (state, author, critical)
        return full if report_kind(full) is not None else None

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
        tmp = None
        try:
            tmp = event.dataset_path  # the data set as received, in a Part 10 file pynetdicom wrote
            size = os.path.getsize(tmp)
            try:  # one pass over the bytes (~0.3 ms for a 512 KiB slice): refused objects cost no fsync
                ds = check_received(tmp, sop_class, ts, max_inflated=self.max_inflated)
            except Rejected as exc:
                log.warning("refused %s from %s (%s): 0x%04X %s", sop_uid or "?", calling, address,
                            exc.status, exc.reason)
                return exc.status
            report = self._report(tmp, sop_class)
            if report is not None and (why := self.report_inbox.refusal(report)):
                log.warning("refused %s from %s (%s): 0x%04X %s", sop_uid, calling, address, STATUS_NOT_AUTHORIZED, why)
                return STATUS_NOT_AUTHORIZED
            _fsync_path(tmp)  # on disk before it is renamed
            result = self.archive.commit_temp(tmp, ds, size, ts, calling_ae=calling, received=report is None)
            tmp = None
            if report is not None:
                self.report_inbox.record(report, f"push:{calling}")
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
                tmp.unlink(missing_ok=True)  # (pynetdicom also removes its file after we return)


def _fsync_path(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
