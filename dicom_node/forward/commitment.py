"""Storage commitment, push model: after sending, ask the county to commit (N-ACTION); its answer
comes later as an N-EVENT-REPORT on its own association to the node's SCP.

A report is believed only from the destination it was asked of: the calling AE title must be that
destination's and the peer's address that destination's host; anything else (another AE, another
host, a transaction never asked) is refused with 0x0124 (not authorised) and logged, and changes
nothing - a "committed" lets retention delete the local copy. The node's SCP also listens with TLS
(`[node.tls]`, BCP 195) so that a county can report over an authenticated, encrypted link.
"""
from __future__ import annotations

import logging
from typing import Callable

from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

from dicom_node.forward.config import Destination, parse_destinations
from dicom_node.forward.dimse import UNCOMPRESSED, associate
from dicom_node.forward.errors import SendError
from dicom_node.jobs import Job, JobQueue
from dicom_node.peers import host_matches

log = logging.getLogger(__name__)

STORAGE_COMMITMENT = "1.2.840.10008.1.20.1"            # Storage Commitment Push Model SOP Class
STORAGE_COMMITMENT_INSTANCE = "1.2.840.10008.1.20.1.1"  # its well-known SOP Instance
NOT_AUTHORIZED = 0x0124                                 # PS3.7 C.4: refused, not authorised
PROCESSING_FAILURE = 0x0110


def wanted(cfg: dict) -> bool:
    """Whether any destination asks for storage commitment (then the node's SCP takes reports)."""
    return any(d.get("storage_commitment") for d in cfg.get("forwarding", {}).get("destinations", []) or [])


def request_commitment(cfg: dict, archive, queue: JobQueue, job: Job, dest: Destination) -> str | None:
    """N-ACTION for every delivered, not yet committed instance of the study; the transaction UID.

    The county answers later (CommitmentReports); a request left unanswered expires after
    forwarding.commitment_timeout_s and is asked again."""
    uids = queue.uncommitted_uids(dest.name, job.study_uid)
    if not uids:
        return None
    classes = {i.sop_instance_uid: i for i in archive.instances(study_uid=job.study_uid)}
    ds = Dataset()
    ds.TransactionUID = generate_uid()
    refs = []
    for uid in sorted(uids):
        item = Dataset()
        item.ReferencedSOPClassUID = classes[uid].sop_class_uid if uid in classes else ""
        item.ReferencedSOPInstanceUID = uid
        refs.append(item)
    ds.ReferencedSOPSequence = refs
    assoc = associate(cfg, dest, [(STORAGE_COMMITMENT, list(UNCOMPRESSED))])
    if not assoc.is_established:
        raise SendError(f"storage commitment: association with {dest.peer} failed")
    try:
        status, _ = assoc.send_n_action(ds, 1, STORAGE_COMMITMENT, STORAGE_COMMITMENT_INSTANCE)
    finally:
        if assoc.is_established:
            assoc.release()
    code = int(status.Status) if status is not None and "Status" in status else None
    if code != 0x0000:
        raise SendError(f"storage commitment request refused by {dest.peer} "
                        f"({'no answer' if code is None else f'0x{code:04X}'})")
    queue.add_commitment(job, str(ds.TransactionUID), uids)
    queue.audit(job, "", code, {"peer": dest.peer, "result": f"commitment requested ({len(uids)})"})
    return str(ds.TransactionUID)


class CommitmentReports:
    """The EVT_N_EVENT_REPORT handler of the node's SCP (in whichever process received the report)."""

    def __init__(self, cfg: dict, db_path, on_failed: Callable[[str], None] | None = None):
        self.destinations = parse_destinations(cfg)
        self.queue = JobQueue(db_path, cfg.get("forwarding", {}))
        self.on_failed = on_failed  # resend: by default a queued job the forwarding worker picks up

    def authorised(self, dest: Destination | None, calling: str, address: str) -> bool:
        return (dest is not None and dest.kind == "dicom" and calling.strip() == dest.ae_title.strip()
                and host_matches(dest.host, address))

    def __call__(self, event):
        assoc = event.assoc
        calling, address = (assoc.requestor.ae_title or "").strip(), assoc.requestor.address
        try:
            info = event.event_information
            tuid = str(info.TransactionUID)
            ok = [str(i.ReferencedSOPInstanceUID) for i in info.get("ReferencedSOPSequence", [])]
            bad = [str(i.ReferencedSOPInstanceUID) for i in info.get("FailedSOPSequence", [])]
        except Exception as exc:
            log.warning("unreadable storage commitment report from %s at %s: %s", calling, address, exc)
            return PROCESSING_FAILURE, None
        asked = self.queue.commitment(tuid)
        dest = self.destinations.get(asked["destination"]) if asked else None
        if asked is None or not self.authorised(dest, calling, address):
            log.warning("storage commitment report for transaction %s from %s at %s refused: %s", tuid, calling,
                        address, "no such request was made" if asked is None else
                        f"it was asked of {dest.peer if dest else asked['destination']}")
            return NOT_AUTHORIZED, None
        row = self.queue.commitment_report(tuid, ok, bad)
        log.info("storage commitment %s from %s: %d committed, %d failed", tuid, dest.peer, len(ok), len(bad))
        if bad and row is not None:  # the county lost some: send them again
            if self.on_failed is not None:
                self.on_failed(row["study_uid"])
            else:
                self.queue.enqueue(row["study_uid"], row["destination"], reason="commitment failed")
        return 0x0000, None
