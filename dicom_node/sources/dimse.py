"""A PACS over DICOM Q/R: C-FIND (study root), C-GET or C-MOVE, C-STORE (pynetdicom's public API).

Received instances are written as they arrive, byte for byte as the PACS sent the data set (behind a
zeroed preamble and our File Meta, as the node's archive does), in the transfer syntax the file had in
the PACS where we accept it (each compressed syntax gets a presentation context of its own).
"""
from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import threading
from pathlib import Path
from typing import Callable, Iterable

import pydicom
from pydicom.dataset import Dataset
from pydicom.uid import (DeflatedExplicitVRLittleEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian,
                         JPEG2000, JPEG2000Lossless, JPEGBaseline8Bit, JPEGExtended12Bit, JPEGLosslessSV1,
                         JPEGLSLossless, JPEGLSNearLossless, RLELossless)
from pynetdicom import build_role, evt
from pynetdicom.sop_class import (StudyRootQueryRetrieveInformationModelFind,
                                  StudyRootQueryRetrieveInformationModelGet,
                                  StudyRootQueryRetrieveInformationModelMove)

from dicom_node.forward.dimse import make_ae
from dicom_node.tls import client_context
from dicom_node.file_meta import encode_file_meta
from dicom_node.sources import (INSTANCE_KEYS, SERIES_KEYS, STUDY_KEYS, FetchResult, RemoteSource, RemoteStudy,
                                SourceError, StoreResult)

log = logging.getLogger(__name__)

UNCOMPRESSED = [ExplicitVRLittleEndian, ImplicitVRLittleEndian]
COMPRESSED = [JPEGLosslessSV1, JPEGLSLossless, JPEG2000Lossless, RLELossless, JPEGBaseline8Bit, JPEGExtended12Bit,
              JPEGLSNearLossless, JPEG2000]
# Storage SOP classes a county study holds: the images, and the objects the township and the county add.
IMAGE_CLASSES = ["1.2.840.10008.5.1.4.1.1.2",       # CT Image
                 "1.2.840.10008.5.1.4.1.1.2.1",     # Enhanced CT Image
                 "1.2.840.10008.5.1.4.1.1.1.1",     # Digital X-Ray Image - For Presentation
                 "1.2.840.10008.5.1.4.1.1.1.1.1",   # Digital X-Ray Image - For Processing
                 "1.2.840.10008.5.1.4.1.1.1",       # Computed Radiography Image
                 "1.2.840.10008.5.1.4.1.1.4",       # MR Image
                 "1.2.840.10008.5.1.4.1.1.7"]       # Secondary Capture Image
OTHER_CLASSES = ["1.2.840.10008.5.1.4.1.1.88.11",   # Basic Text SR
                 "1.2.840.10008.5.1.4.1.1.88.22",   # Enhanced SR
                 "1.2.840.10008.5.1.4.1.1.88.33",   # Comprehensive SR
                 "1.2.840.10008.5.1.4.1.1.88.34",   # Comprehensive 3D SR
                 "1.2.840.10008.5.1.4.1.1.88.67",   # X-Ray Radiation Dose SR
                 "1.2.840.10008.5.1.4.1.1.88.59",   # Key Object Selection Document
                 "1.2.840.10008.5.1.4.1.1.66.4",    # Segmentation
                 "1.2.840.10008.5.1.4.1.1.11.1",    # Grayscale Softcopy Presentation State
                 "1.2.840.10008.5.1.4.1.1.104.1"]   # Encapsulated PDF
UID_LIST_BATCH = 100  # UIDs per C-FIND identifier when many studies are asked at once (UID list matching)


def _identifier(level: str, keys: Iterable[str], filters: dict[str, object]) -> Dataset:
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.QueryRetrieveLevel = level
    for kw in keys:
        vr = pydicom.datadict.dictionary_VR(kw)
        setattr(ds, kw, [] if vr == "SQ" else "")
    for kw, value in filters.items():
        setattr(ds, kw, value)
    return ds


class DimseSource(RemoteSource):
    kind = "dicom"

    def __init__(self, name: str, cfg: dict, *, ae_title: str, host: str, port: int, tls: dict | None = None,
                 retrieve: str = "get", move_port: int | None = None):
        super().__init__(name, cfg)
        from pynetdicom import _config

        # pynetdicom formats every query and answer for its debug log even when nobody reads it (a third of
        # a 5,000-study worklist's time): off
        _config.LOG_RESPONSE_IDENTIFIERS = _config.LOG_REQUEST_IDENTIFIERS = False
        self._tls = threading.local()
        self.ae_title, self.host, self.port, self.tls = ae_title, host, int(port), tls
        self.retrieve = retrieve
        self.move_port = int(move_port or cfg.get("node", {}).get("port", 0))

    @property
    def peer(self) -> str:
        return f"{self.name} ({self.ae_title}@{self.host}:{self.port}{', TLS' if self.tls else ''})"

    # ------------------------------------------------------------------------------------ association
    def _associate(self, contexts: list[tuple[str, list[str]]], roles=None, handlers=None):
        ae = make_ae(self.cfg)
        for abstract, syntaxes in contexts:
            ae.add_requested_context(abstract, syntaxes)
        kwargs = {}
        if self.tls:
            kwargs["tls_args"] = (client_context(self.tls), self.host)
        try:
            assoc = ae.associate(self.host, self.port, ae_title=self.ae_title, ext_neg=roles or None,
                                 evt_handlers=handlers or None, **kwargs)
        except (ssl.SSLError, OSError) as exc:
            raise SourceError(f"{self.peer}: cannot connect: {exc}") from exc
        if not assoc.is_established:
            why = "rejected the association" if assoc.is_rejected else "aborted the association" \
                if assoc.is_aborted else "did not answer (unreachable, refused or TLS handshake failed)"
            raise SourceError(f"{self.peer} {why}")
        try:  # C-STORE responses to a C-GET are small: never hold one back for Nagle's algorithm (40 ms each)
            assoc.dul.socket.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except (AttributeError, OSError):
            pass
        return assoc

    # ------------------------------------------------------------------------------------ C-FIND
    @contextlib.contextmanager
    def _find_session(self):
        """One association for a run of C-FINDs (the worklist's batched queries), released at the end."""
        if getattr(self._tls, "assoc", None) is not None:
            yield
            return
        self._tls.assoc = self._associate([(StudyRootQueryRetrieveInformationModelFind, UNCOMPRESSED)])
        try:
            yield
        finally:
            assoc, self._tls.assoc = self._tls.assoc, None
            if assoc.is_established:
                assoc.release()

    def _find(self, identifier: Dataset) -> list[Dataset]:
        with self._find_session():
            assoc = self._tls.assoc
            out = []
            for status, ds in assoc.send_c_find(identifier, StudyRootQueryRetrieveInformationModelFind):
                if status is None or "Status" not in status:
                    raise SourceError(f"{self.peer}: the query was cut off (no C-FIND response)")
                code = int(status.Status)
                if code in (0xFF00, 0xFF01):
                    if ds is not None:
                        out.append(ds)
                elif code != 0x0000:
                    raise SourceError(f"{self.peer}: C-FIND failed with status 0x{code:04X}")
            return out

    def _find_studies(self, filters: dict[str, str], limit: int | None) -> list[RemoteStudy]:
        rows = self._find(_identifier("STUDY", STUDY_KEYS, filters))
        studies = [RemoteStudy.from_dataset(ds, self.name) for ds in rows if ds.get("StudyInstanceUID")]
        return studies[:limit] if limit else studies

    def _find_series(self, study_uid: str) -> list[Dataset]:
        return self._find(_identifier("SERIES", SERIES_KEYS, {"StudyInstanceUID": study_uid}))

    def _find_instances(self, study_uid: str, series_uids: list[str] | None, keys: tuple[str, ...]) -> list[Dataset]:
        if series_uids is None:
            series_uids = [str(s.SeriesInstanceUID) for s in self._find_series(study_uid)]
        out = []
        for i in range(0, len(series_uids), UID_LIST_BATCH):
            batch = series_uids[i:i + UID_LIST_BATCH]
            out += self._find(_identifier("IMAGE", dict.fromkeys(INSTANCE_KEYS + keys),
                                          {"StudyInstanceUID": study_uid,
                                           "SeriesInstanceUID": batch if len(batch) > 1 else batch[0]}))
        return out

    def find_series_of_studies(self, study_uids) -> dict[str, list[Dataset]]:
        """Series of many studies, UID_LIST_BATCH studies per C-FIND (UID list matching), one association."""
        study_uids = list(study_uids)
        out: dict[str, list[Dataset]] = {u: [] for u in study_uids}
        with self._find_session():
            for i in range(0, len(study_uids), UID_LIST_BATCH):
                batch = study_uids[i:i + UID_LIST_BATCH]
                for s in self._find(_identifier("SERIES", SERIES_KEYS,
                                                {"StudyInstanceUID": batch if len(batch) > 1 else batch[0]})):
                    out.setdefault(str(s.get("StudyInstanceUID", "")), []).append(s)
        return out

    def find_instances_of_studies(self, study_uids, *, modality: str, keys=()) -> dict[str, list[Dataset]]:
        """Series of that modality for many studies (UID list matching on the study), then the instances of
        those series (UID lists of studies and series), UID_LIST_BATCH at a time, all on one association."""
        study_uids = list(study_uids)
        out: dict[str, list[Dataset]] = {u: [] for u in study_uids}
        pairs: list[tuple[str, str]] = []
        with self._find_session():
            for i in range(0, len(study_uids), UID_LIST_BATCH):
                batch = study_uids[i:i + UID_LIST_BATCH]
                ident = _identifier("SERIES", ("StudyInstanceUID", "SeriesInstanceUID", "Modality"),
                                    {"StudyInstanceUID": batch if len(batch) > 1 else batch[0], "Modality": modality})
                pairs += [(str(s.StudyInstanceUID), str(s.SeriesInstanceUID)) for s in self._find(ident)
                          if str(s.get("Modality", "")).upper() == modality.upper()]
            for i in range(0, len(pairs), UID_LIST_BATCH):
                batch = pairs[i:i + UID_LIST_BATCH]
                studies = sorted({st for st, _ in batch})
                series = [se for _, se in batch]
                ident = _identifier("IMAGE", dict.fromkeys(INSTANCE_KEYS + tuple(keys)),
                                    {"StudyInstanceUID": studies if len(studies) > 1 else studies[0],
                                     "SeriesInstanceUID": series if len(series) > 1 else series[0]})
                for row in self._find(ident):
                    uid = str(row.get("StudyInstanceUID", ""))
                    if uid in out:
                        out[uid].append(row)
        return out

    # ------------------------------------------------------------------------------------ C-GET / C-MOVE
    @staticmethod
    def storage_contexts() -> list[tuple[str, list[str]]]:
        out = []
        for cls in IMAGE_CLASSES:
            out.append((cls, list(UNCOMPRESSED)))
            out += [(cls, [ts]) for ts in COMPRESSED]
        for cls in OTHER_CLASSES:
            out.append((cls, list(UNCOMPRESSED) + [DeflatedExplicitVRLittleEndian]))
        return out

    def _store_handler(self, dest: Path, arrived: Callable, result: FetchResult, remaining: list):
        def on_store(event):
            req = event.request
            sop_uid = str(req.AffectedSOPInstanceUID or "")
            try:
                streamed = event.dataset_path  # public API: None unless the data set went to a file
                if streamed:
                    # A node in this process streams received data sets to files (pynetdicom's chunked
                    # mode is process-wide; req.DataSet is then an empty buffer): that file is already
                    # the Part 10 file, bytes as sent.
                    path = self._write(dest, sop_uid, [Path(streamed).read_bytes()])
                else:
                    body = req.DataSet.getbuffer()  # the data set as the PACS sent it
                    meta = encode_file_meta(str(req.AffectedSOPClassUID), sop_uid,
                                            str(event.context.transfer_syntax), self.ae_title)
                    path = self._write(dest, sop_uid, [b"\x00" * 128, b"DICM", meta, body])
            except Exception as exc:  # noqa: BLE001 - answered as a failure; the PACS reports it in its count
                log.warning("%s: could not write %s: %s", self.peer, sop_uid, exc)
                result.failed.append(sop_uid)
                return 0xA700 if isinstance(exc, OSError) else 0xC000
            arrived(path)
            return 0x0000
        return on_store

    def _retrieve(self, study_uid, dest, missing, arrived, set_total, result) -> None:
        if missing is None:
            idents = [_identifier("STUDY", (), {"StudyInstanceUID": study_uid})]
        else:
            by_series: dict[str | None, list[str]] = {}
            for sop, series in missing.items():
                by_series.setdefault(series or None, []).append(sop)
            idents = []
            for series, sops in by_series.items():
                for i in range(0, len(sops), UID_LIST_BATCH * 5):
                    batch = sops[i:i + UID_LIST_BATCH * 5]
                    f = {"StudyInstanceUID": study_uid, "SOPInstanceUID": batch if len(batch) > 1 else batch[0]}
                    if series:
                        f["SeriesInstanceUID"] = series
                    idents.append(_identifier("IMAGE", (), f))
        remaining = [None]
        handler = self._store_handler(dest, arrived, result, remaining)
        for ident in idents:
            if self.retrieve == "move":
                self._move(ident, handler, remaining, set_total, result)
            else:
                self._get(ident, handler, remaining, set_total, result)

    def _responses(self, responses, remaining: list, set_total, result: FetchResult, what: str) -> None:
        first = True
        for status, ident in responses:
            if status is None or "Status" not in status:
                raise SourceError(f"{self.peer}: the link dropped during {what} after {len(result.fetched)} "
                                  f"instances of this fetch (what arrived is kept; fetching again gets the rest)")
            code = int(status.Status)
            left = status.get("NumberOfRemainingSuboperations")
            if left is not None:
                remaining[0] = int(left)
                if first:  # the PACS says how many it will send
                    set_total(len(result.fetched) + int(left))
                    first = False
            if code in (0xFF00, 0xFF01):
                continue
            failed = int(status.get("NumberOfFailedSuboperations", 0) or 0)
            if code == 0x0000 or (code == 0xB000 and failed == 0):
                return
            if code == 0xB000:
                log.warning("%s: %s finished with %d failed sub-operations", self.peer, what, failed)
                return
            raise SourceError(f"{self.peer}: {what} failed with status 0x{code:04X} after {len(result.fetched)} "
                              "instances")

    def _get(self, ident: Dataset, handler, remaining, set_total, result) -> None:
        contexts = [(StudyRootQueryRetrieveInformationModelGet, list(UNCOMPRESSED))] + self.storage_contexts()
        roles = [build_role(c, scp_role=True) for c in IMAGE_CLASSES + OTHER_CLASSES]
        assoc = self._associate(contexts, roles, [(evt.EVT_C_STORE, handler)])
        try:
            self._responses(assoc.send_c_get(ident, StudyRootQueryRetrieveInformationModelGet), remaining, set_total,
                            result, "C-GET")
        finally:
            if assoc.is_established:
                assoc.release()

    def _move(self, ident: Dataset, handler, remaining, set_total, result) -> None:
        """C-MOVE to this station's own AE: a Storage SCP listens on move_port while the move runs."""
        own = self.cfg.get("node", {})
        scp = make_ae(self.cfg)
        for cls, syntaxes in self.storage_contexts():
            scp.add_supported_context(cls, syntaxes)
        bind = own.get("bind_address", "0.0.0.0")
        try:
            server = scp.start_server((bind, self.move_port), block=False, evt_handlers=[(evt.EVT_C_STORE, handler)])
        except OSError as exc:
            raise SourceError(f"C-MOVE from {self.peer}: cannot listen on port {self.move_port} for the instances "
                              f"({exc}); with retrieve = \"move\" that port must be free while fetching") from exc
        try:
            assoc = self._associate([(StudyRootQueryRetrieveInformationModelMove, list(UNCOMPRESSED))])
            try:
                self._responses(assoc.send_c_move(ident, own.get("ae_title", ""),
                                                  StudyRootQueryRetrieveInformationModelMove),
                                remaining, set_total, result, "C-MOVE")
            finally:
                if assoc.is_established:
                    assoc.release()
        finally:
            server.shutdown()

    # ------------------------------------------------------------------------------------ C-STORE
    def store(self, paths) -> StoreResult:
        paths = [Path(p) for p in paths]
        out = StoreResult()
        if not paths:
            return out
        metas = {}
        wanted: dict[str, set[str]] = {}
        for p in paths:
            meta = pydicom.dcmread(p, stop_before_pixels=True, specific_tags=["SOPInstanceUID"]).file_meta
            metas[p] = meta
            wanted.setdefault(str(meta.MediaStorageSOPClassUID), set()).add(str(meta.TransferSyntaxUID))
        contexts = []
        for cls, tss in wanted.items():
            contexts += [(cls, [ts]) for ts in tss if ts not in UNCOMPRESSED]
            contexts.append((cls, list(UNCOMPRESSED)))
        assoc = self._associate(contexts)
        try:
            for p in paths:
                uid = str(metas[p].MediaStorageSOPInstanceUID)
                try:
                    rsp = assoc.send_c_store(p)
                except (ValueError, RuntimeError) as exc:  # no accepted context for this one
                    out.failed[uid] = str(exc)
                    continue
                if rsp is None or "Status" not in rsp:
                    raise SourceError(f"{self.peer}: the link dropped while storing ({len(out.stored)} of "
                                      f"{len(paths)} stored)")
                code = int(rsp.Status)
                if code == 0x0111:
                    out.duplicates.append(uid)
                    out.stored.append(uid)
                elif code == 0x0000 or 0xB000 <= code <= 0xBFFF or code in (0x0001, 0x0107, 0x0116):
                    out.stored.append(uid)
                else:
                    out.failed[uid] = f"status 0x{code:04X}"
        finally:
            if assoc.is_established:
                assoc.release()
        return out

