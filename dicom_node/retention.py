"""Local retention: free disk by deleting old studies, but only those the county already has.

A study is deleted only when ALL of these hold:
  - retention is enabled and it last received an instance more than retention.keep_days ago;
  - the user has not pinned it;
  - the routing rules send it somewhere, and every destination they pick holds every one of its
    instances (recorded per instance in forward_deliveries) and no job for it is still active;
  - for a destination with storage_commitment = true, the county has also committed every instance
    (storage commitment push model, N-EVENT-REPORT recorded in forward_deliveries.committed_at).
A study that was never delivered anywhere is never deleted, whatever its age.
"""
from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


def deletable(archive, cfg: dict, forwarder, study, now: float, uids: set[str] | None = None) -> tuple[bool, str]:
    """(may delete?, why not) for one StudyRecord; `uids`: its instances (read here when not given)."""
    rcfg = cfg.get("retention", {})
    keep_s = float(rcfg.get("keep_days", 90)) * 86400
    if study.pinned:
        return False, "pinned"
    last = study.last_received_at or study.first_received_at or now
    if now - last < keep_s:
        return False, "younger than keep_days"
    dests = forwarder.route(study)
    if not dests:
        return False, "not routed to any destination (never delivered)"
    if forwarder.queue.jobs(study_uid=study.study_uid, states=["queued", "sending", "failed", "dead"]):
        return False, "a forwarding job is not finished"
    if uids is None:
        uids = {i.sop_instance_uid for i in archive.instances(study_uid=study.study_uid)}
    if not uids:
        return False, "no instances"
    for d in dests:
        missing = uids - forwarder.queue.delivered_uids(d, study.study_uid)
        if missing:
            return False, f"{len(missing)} instance(s) not delivered to {d}"
        dest = forwarder.destinations.get(d)
        if dest is not None and dest.storage_commitment:
            uncommitted = uids - forwarder.queue.committed_uids(d, study.study_uid)
            if uncommitted:
                return False, f"{len(uncommitted)} instance(s) not committed by {d}"
    return True, ""


def apply_retention(archive, cfg: dict, forwarder=None, now: float | None = None) -> list[str]:
    """Delete the studies that retention allows; returns their Study Instance UIDs."""
    if not cfg.get("retention", {}).get("enabled"):
        return []
    if forwarder is None:
        from dicom_node.forward.worker import Forwarder

        forwarder = Forwarder(cfg, archive)
    now = time.time() if now is None else now
    deleted = []
    for study in archive.studies(limit=1_000_000_000):
        uids = {i.sop_instance_uid for i in archive.instances(study_uid=study.study_uid)}
        ok, why = deletable(archive, cfg, forwarder, study, now, uids)
        if not ok:
            log.debug("retention keeps %s: %s", study.study_uid, why)
            continue
        # Exactly the instances checked: none at all when another one arrived meanwhile.
        n = archive.delete_study(study.study_uid, only=uids)
        if not n:
            continue
        log.info("retention deleted study %s (%d instances, delivered to %s)", study.study_uid, n,
                 ", ".join(forwarder.route(study)))
        deleted.append(study.study_uid)
    return deleted
