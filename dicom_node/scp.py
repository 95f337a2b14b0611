"""The node's DICOM server: what it accepts (presentation contexts), from whom (node.allowed_peers and
their rights, see dicom_node.peers) and the handler of each DIMSE service.

C-ECHO; C-STORE (dicom_node.receive); C-FIND/C-GET/C-MOVE (dicom_node.query); the county's storage
commitment reports (dicom_node.forward.commitment) when a destination asks for them. Rights are decided
per association at A-ASSOCIATE: the contexts of services a peer may not use are not accepted (a
findscu of an unlisted peer gets no Query/Retrieve context), and each handler checks again.
`[node.tls]` adds a second listener speaking TLS (BCP 195) with client certificates from its `ca`.
"""
from __future__ import annotations

import logging
import socket
import socketserver
import threading
import weakref

from pydicom.uid import (
    DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian,
    JPEG2000, JPEG2000Lossless, JPEGBaseline8Bit, JPEGExtended12Bit, JPEGLosslessSV1, JPEGLSLossless,
    JPEGLSNearLossless, RLELossless,
)
from pynetdicom import AE, evt
from pynetdicom.transport import ThreadedAssociationServer

from dicom_node import pynetdicom_internals as internals
from dicom_node import query
from dicom_node.archive import Archive
from dicom_node.forward import commitment
from dicom_node.guard import GuardedSocket
from dicom_node.peers import rights_of
from dicom_node.receive import STATUS_NOT_AUTHORIZED, STATUS_SUCCESS, Receiver
from dicom_node.tls import server_context

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
_QR_RIGHT = {uid: "find" for uid in (query.PATIENT_ROOT_FIND, query.STUDY_ROOT_FIND)}
_QR_RIGHT.update({uid: "get" for uid in (query.PATIENT_ROOT_GET, query.STUDY_ROOT_GET)})
_QR_RIGHT.update({uid: "move" for uid in (query.PATIENT_ROOT_MOVE, query.STUDY_ROOT_MOVE)})


class GuardedServer(ThreadedAssociationServer):
    """pynetdicom's threaded server; each accepted connection has Nagle's algorithm off (a C-STORE
    response must never wait ~40 ms for a delayed ACK) and is a GuardedSocket (dicom_node.guard)."""

    max_pdu = 0
    max_instance = 0
    volume: str | None = None  # the storage's tmp/, checked for room per P-DATA PDU
    # socketserver's listen backlog is 5: several modalities reconnecting at once on a busy 2-core PC
    # can find it full and be refused before the accept thread runs.
    request_queue_size = 64

    def shutdown(self) -> None:
        """Stop serving and close the listening socket (made by AE.make_server, so not in the AE's
        own list of servers that pynetdicom's shutdown would remove it from)."""
        socketserver.TCPServer.shutdown(self)
        self.server_close()

    def get_request(self):
        client, address = super().get_request()
        try:
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        return GuardedSocket(client, address, self.max_pdu, self.max_instance, self.volume), address


class Scp:
    """The AE, its handlers and its servers for one node process."""

    def __init__(self, archive: Archive, cfg: dict):
        self.cfg = cfg
        self.archive = archive
        node = cfg["node"]
        self.allowed_peers = list(node.get("allowed_peers", []))
        self.receiver = Receiver(archive, cfg)
        self._rights: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.commitment = (commitment.CommitmentReports(cfg, archive.db_path) if commitment.wanted(cfg) else None)
        self.ae = self._make_ae()
        self.servers: list = []

    # --- contexts and handlers ------------------------------------------------------------------
    def _make_ae(self) -> AE:
        node = self.cfg["node"]
        ae = AE(ae_title=node["ae_title"])
        ae.maximum_associations = int(node.get("max_associations", 10))
        ae.acse_timeout = float(node.get("acse_timeout_s", 30))
        ae.dimse_timeout = float(node.get("dimse_timeout_s", 60))
        ae.network_timeout = float(node.get("network_timeout_s", 60))
        ae.maximum_pdu_size = int(node.get("max_pdu_bytes", 0))
        ae.add_supported_context(VERIFICATION)
        for uid in STORAGE_SOP_CLASSES:
            # scp_role: C-GET sends stored objects back on the same association (role selection).
            ae.add_supported_context(uid, TRANSFER_SYNTAXES, scu_role=False, scp_role=True)
        for uid in query.QR_SOP_CLASSES:
            ae.add_supported_context(uid, [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
        if self.commitment is not None:  # the county reports as SCU of its N-EVENT-REPORT (role selection)
            ae.add_supported_context(commitment.STORAGE_COMMITMENT, [ExplicitVRLittleEndian, ImplicitVRLittleEndian],
                                     scu_role=True, scp_role=True)
        query.prefer_lossless_compressed(ae)
        return ae

    def handlers(self) -> list[tuple]:
        qr = query.QueryRetrieve(self.archive, self.cfg, self.may)
        out = [(evt.EVT_REQUESTED, self._handle_requested), (evt.EVT_C_ECHO, self._handle_echo),
               (evt.EVT_C_STORE, self._handle_store)] + qr.handlers()
        if self.commitment is not None:
            out.append((evt.EVT_N_EVENT_REPORT, self.commitment))
        return out

    def may(self, assoc, right: str) -> bool:
        return right in self._rights.get(assoc, ())

    def _handle_requested(self, event) -> None:
        assoc = event.assoc
        calling = (assoc.requestor.primitive.calling_ae_title or "").strip()
        address = assoc.requestor.address
        rights = rights_of(self.allowed_peers, calling, address)
        if rights is None:
            log.warning("association from %r at %s rejected: not in node.allowed_peers", calling, address)
            assoc.acse.send_reject(0x01, 0x01, 0x03)  # rejected-permanent, calling AE not recognised
            # As pynetdicom's own rejections do: wait until the A-ASSOCIATE-RJ is out and the peer has
            # closed, otherwise the socket is shut first and the peer only sees an abort.
            assoc.kill()
            return
        self._rights[assoc] = rights
        self._limit_to_rights(assoc, rights, calling, address)
        self._prefer_senders_syntax(assoc)

    @staticmethod
    def _limit_to_rights(assoc, rights: frozenset, calling: str, address: str) -> None:
        """Accept only the contexts of services this peer may use (a storage context also for C-GET's
        sub-operations when the peer may get and takes the SCP role for it)."""
        roles = assoc.requestor.role_selection
        keep, refused = [], set()
        for cx in assoc.acceptor.supported_contexts:
            uid = str(cx.abstract_syntax)
            if uid in _QR_RIGHT:
                ok = _QR_RIGHT[uid] in rights
            elif uid in STORAGE_SOP_CLASSES:
                role = roles.get(uid)
                ok = "store" in rights or ("get" in rights and role is not None and role.scp_role)
            else:
                ok = True
            if ok:
                keep.append(cx)
            else:
                refused.add(_QR_RIGHT.get(uid, "store"))
        proposed = {str(cx.abstract_syntax) for cx in internals.proposed_contexts(assoc)}
        asked = {_QR_RIGHT.get(uid, "store") for uid in proposed if uid in _QR_RIGHT or uid in STORAGE_SOP_CLASSES}
        if refused & asked:
            log.warning("association from %r at %s: %s not allowed for this peer (node.allowed_peers rights: %s)",
                        calling, address, "/".join(sorted(refused & asked)), ", ".join(sorted(rights)) or "none")
        assoc.acceptor.supported_contexts = keep

    @staticmethod
    def _prefer_senders_syntax(assoc) -> None:
        """For storage, take the transfer syntax the sender lists first, not the first of ours.

        pynetdicom picks the first syntax of the acceptor's list that the requestor offers. A sender
        proposing, say, JPEG 2000 and Explicit VR for one SOP class usually lists its images' own
        encoding first; picking another would make it transcode (or fail, when it has no encoder) —
        the opposite of "store the bytes as received". Contexts the peer wants us to play SCU on
        (C-GET's role selection) keep the order the Q/R module chose. Only this association's copy
        of the contexts is touched."""
        roles = assoc.requestor.role_selection
        order: dict[str, list[str]] = {}
        for cx in internals.proposed_contexts(assoc):
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
        if not self.may(event.assoc, "store"):
            log.warning("refused %s from %s (%s): this peer may not store (node.allowed_peers rights)",
                        event.request.AffectedSOPInstanceUID or "?", calling, address)
            return STATUS_NOT_AUTHORIZED
        return self.receiver.store(event, calling, address)

    # --- servers --------------------------------------------------------------------------------
    def start(self) -> None:
        """Listen on node.bind_address:node.port (and node.tls.port with TLS when set). OSError when a
        port is taken."""
        node = self.cfg["node"]
        host = node.get("bind_address", "0.0.0.0")
        self.servers.append(self._serve((host, int(node["port"])), None))
        tls = node.get("tls") or {}
        if int(tls.get("port", 0) or 0):
            self.servers.append(self._serve((host, int(tls["port"])), server_context(tls)))

    def _serve(self, address, ssl_context):
        server = self.ae.make_server(address, evt_handlers=self.handlers(), ssl_context=ssl_context,
                                     server_class=GuardedServer)
        server.max_pdu = int(self.cfg["node"].get("max_pdu_bytes", 0))
        server.max_instance = int(self.cfg["node"].get("max_instance_bytes", 0))
        server.volume = str(self.archive.tmp_dir)
        threading.Thread(target=server.serve_forever, name=f"dicom-server-{address[1]}", daemon=True).start()
        return server

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
        self.servers.clear()
