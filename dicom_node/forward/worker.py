"""The Forwarder: turns ready studies into Jobs and works them off, one worker thread per destination.

`attach(node)` is called by Node.start(): it registers a ready-listener (the study is stable and its
AI is done, failed or skipped) that enqueues one Job per matching destination, and starts the worker
threads plus a housekeeping thread (new instances in delivered studies, unanswered storage
commitments, retention).
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from dicom_node.forward.commitment import request_commitment
from dicom_node.forward.config import parse_destinations
from dicom_node.forward.dimse import DicomSender
from dicom_node.forward.errors import Interrupted, SendError
from dicom_node.forward.routing import parse_rules, route
from dicom_node.forward.stow import StowSender
from dicom_node.jobs import Job, JobQueue

log = logging.getLogger(__name__)


class Forwarder:
    def __init__(self, cfg: dict, archive, clock: Callable[[], float] = time.time):
        self.cfg = cfg
        self.fcfg = cfg.get("forwarding", {})
        self.archive = archive
        self.destinations = parse_destinations(cfg)
        self.rules = parse_rules(cfg, self.destinations)
        self.queue = JobQueue(archive.db_path, self.fcfg, clock=clock)
        self.clock = clock
        self._stop = threading.Event()
        self._wake = {name: threading.Event() for name in self.destinations}
        self._threads: list[threading.Thread] = []
        self._last_retention = 0.0

    # -- routing
    def route(self, study) -> list[str]:
        return route(self.rules, study)

    def on_study_ready(self, study_uid: str, reason: str = "ready") -> list[Job]:
        """Ready-listener: one job per destination the rules pick, unless it already has everything."""
        study = self.archive.study(study_uid)
        if study is None or not self.fcfg.get("enabled", True):
            return []
        jobs = []
        names = self.route(study)
        if not names:
            return []
        uids = {i.sop_instance_uid for i in self.archive.instances(study_uid=study_uid)}
        for name in names:
            if uids and uids <= self.queue.delivered_uids(name, study_uid):
                continue
            jobs.append(self.queue.enqueue(study_uid, name, reason=reason))
            self._wake[name].set()
        if jobs:
            self._update_study(study_uid)
        return jobs

    def _update_study(self, study_uid: str) -> None:
        state, detail = self.queue.study_summary(study_uid)
        if state:
            try:
                self.archive.set_forward_state(study_uid, state, detail)
            except Exception:  # the job table is the truth; the study row is a convenience
                log.exception("could not set forward state of %s", study_uid)

    # -- the worker
    def run_once(self, destination: str | None = None) -> Job | None:
        """Take one due job (of one destination) and attempt it; returns the job afterwards."""
        claimed = self.queue.claim(destination)
        if claimed is None:
            return None
        job, attempt_id = claimed
        self._update_study(job.study_uid)
        dest = self.destinations.get(job.destination)
        n_sent = 0
        try:
            if dest is None:
                raise SendError(f"destination {job.destination!r} is no longer in the config")
            done = self.queue.delivered_uids(dest.name, job.study_uid)
            instances = [i for i in self.archive.instances(study_uid=job.study_uid)]
            todo = [i for i in instances if i.sop_instance_uid not in done]
            self.queue.set_total(job, len(instances), len(instances) - len(todo))
            if todo:
                sender = (DicomSender if dest.kind == "dicom" else StowSender)(self.cfg, self.queue, self._stop)
                n_sent = sender.send(job, dest, todo)
            if dest.storage_commitment:
                request_commitment(self.cfg, self.archive, self.queue, job, dest)
            job = self.queue.finish(job, attempt_id, n_sent)
            log.info("job %d: study %s delivered to %s (%d sent)", job.id, job.study_uid, job.destination, n_sent)
        except Interrupted as exc:
            job = self.queue.interrupt(job, attempt_id, exc.n_sent)
        except Exception as exc:  # any failure is a failed attempt, never a dead worker
            n_sent = getattr(exc, "n_sent", n_sent)
            msg = str(exc) or exc.__class__.__name__
            job = self.queue.fail(job, attempt_id, msg, n_sent)
            log.warning("job %d: sending %s to %s failed (attempt %d, %s): %s", job.id, job.study_uid,
                        job.destination, job.attempts, job.state, msg)
        self._update_study(job.study_uid)
        return job

    # -- threads
    def start(self) -> None:
        recovered = self.queue.recover()
        for jid in recovered:
            job = self.queue.get(jid)
            log.info("job %d (%s -> %s) was interrupted; resuming", jid, job.study_uid, job.destination)
            self._update_study(job.study_uid)
        try:
            self.catch_up()
        except Exception:
            log.exception("forwarding catch-up")
        for name in self.destinations:
            t = threading.Thread(target=self._worker, args=(name,), name=f"forward-{name}", daemon=True)
            t.start()
            self._threads.append(t)
        t = threading.Thread(target=self._housekeeping, name="forward-housekeeping", daemon=True)
        t.start()
        self._threads.append(t)

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        for ev in self._wake.values():
            ev.set()
        for t in self._threads:
            t.join(timeout)
        self._threads.clear()
        self.queue.close()

    def _worker(self, name: str) -> None:
        poll = float(self.fcfg.get("poll_s", 5))
        while not self._stop.is_set():
            try:
                job = self.run_once(name)
            except Exception:
                log.exception("forwarding worker %s", name)
                job = None
            if job is not None:
                continue
            due = self.queue.next_due_at(name)
            wait = poll if due is None else max(0.05, min(poll, due - self.clock()))
            self._wake[name].wait(wait)
            self._wake[name].clear()

    def _housekeeping(self) -> None:
        every = float(self.fcfg.get("rescan_s", 60))
        while not self._stop.wait(every):
            try:
                self.rescan()
                self.catch_up()
                self.expire_commitments()
                self.maybe_retention()
            except Exception:
                log.exception("forwarding housekeeping")

    def catch_up(self) -> list[Job]:
        """Ready studies that never got a job (the node died between "ready" and the enqueue): enqueue.

        Looks only at studies that became stable within forwarding.catch_up_days, so that adding a
        destination does not send the whole history of the archive."""
        horizon = self.clock() - float(self.fcfg.get("catch_up_days", 7)) * 86400
        jobs = []
        for st in self.archive.studies(limit=int(self.fcfg.get("rescan_jobs", 500))):
            if (st.stable_at and st.stable_at >= horizon and st.ai_state in ("done", "failed", "skipped")
                    and not st.forward_state and not self.queue.jobs(study_uid=st.study_uid, limit=1)):
                log.info("study %s was ready but never queued for forwarding; queuing it now", st.study_uid)
                jobs += self.on_study_ready(st.study_uid, reason="catch-up")
        return jobs

    def rescan(self) -> list[Job]:
        """Studies delivered earlier that got new instances since (a review SR, late images): send those."""
        jobs = []
        seen = set()
        for job in self.queue.jobs(states=["delivered"], limit=int(self.fcfg.get("rescan_jobs", 500))):
            if job.study_uid in seen:
                continue
            seen.add(job.study_uid)
            study = self.archive.study(job.study_uid)
            if study is None:
                continue
            if study.num_instances > len(self.queue.delivered_uids(job.destination, job.study_uid)):
                jobs += self.on_study_ready(job.study_uid, reason="new instances")
        return jobs

    def expire_commitments(self) -> list[Job]:
        """Ask again where the county never answered a storage commitment request."""
        jobs = []
        for row in self.queue.expire_commitments(float(self.fcfg.get("commitment_timeout_s", 3600))):
            log.warning("storage commitment %s (%s) unanswered; asking again", row["transaction_uid"],
                        row["destination"])
            jobs.append(self.queue.enqueue(row["study_uid"], row["destination"], reason="commitment expired"))
            if row["destination"] in self._wake:
                self._wake[row["destination"]].set()
        return jobs

    def maybe_retention(self) -> list[str]:
        rcfg = self.cfg.get("retention", {})
        if not rcfg.get("enabled"):
            return []
        now = self.clock()
        if now - self._last_retention < float(rcfg.get("interval_s", 3600)):
            return []
        self._last_retention = now
        from dicom_node.retention import apply_retention

        return apply_retention(self.archive, self.cfg, self, now=now)


def attach(node) -> Forwarder | None:
    """Called by Node.start(): forward each ready study per the routing rules, in worker threads."""
    if not node.cfg.get("forwarding", {}).get("enabled", True):
        return None
    fw = Forwarder(node.cfg, node.archive)
    node.ready_listeners.append(fw.on_study_ready)
    node.forwarder = fw
    fw.start()
    return fw
