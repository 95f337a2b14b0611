"""`tpacs jobs [--config FILE]` lists the forwarding jobs; `tpacs jobs retry ID` requeues one."""
from __future__ import annotations

import sys
import time

from dicom_node.config import storage_path
from dicom_node.jobs import JobQueue


def _when(t: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) if t else "-"


def jobs_main(cfg: dict, action: str = "list", job_id: int | None = None, out=None) -> int:
    out = out or sys.stdout
    db = storage_path(cfg) / "index.sqlite"
    if not db.is_file():
        print(f"no jobs: {db} does not exist yet", file=out)
        return 0 if action == "list" else 1
    queue = JobQueue(db, cfg.get("forwarding", {}))
    if action == "retry":
        if job_id is None:
            print("tpacs jobs retry: give the job ID (see `tpacs jobs`)", file=sys.stderr)
            return 2
        try:
            job = queue.retry(job_id)
        except KeyError as exc:
            print(f"tpacs jobs: {exc.args[0]}", file=sys.stderr)
            return 1
        except ValueError as exc:
            print(f"tpacs jobs: {exc}", file=sys.stderr)
            return 1
        print(f"job {job.id} requeued: study {job.study_uid} -> {job.destination}", file=out)
        return 0
    jobs = queue.jobs(limit=100000)
    if job_id is not None:
        jobs = [j for j in jobs if j.id == job_id]
    print(f"{'ID':>5} {'STATE':9} {'TRIES':>5} {'SENT':>9} {'DESTINATION':14} {'NEXT TRY':19} STUDY / LAST ERROR",
          file=out)
    for j in sorted(jobs, key=lambda j: j.id):
        nxt = _when(j.next_try_at) if j.state in ("queued", "failed") else "-"
        print(f"{j.id:>5} {j.state:9} {j.attempts:>5} {f'{j.n_delivered}/{j.n_instances}':>9} {j.destination:14} "
              f"{nxt:19} {j.study_uid}", file=out)
        if j.last_error and j.state != "delivered":
            print(f"{'':>5} last error: {j.last_error}", file=out)
        if job_id is not None:  # one job: its whole history
            for a in queue.history(j.id):
                print(f"{'':>5} attempt {a.attempt}: {a.result} at {_when(a.started_at)}, {a.n_sent} sent"
                      + (f", {a.error}" if a.error else ""), file=out)
    if not jobs:
        print("(no forwarding jobs)", file=out)
    if job_id is None:
        _ai_jobs(db.parent, out)
    return 0


def _ai_jobs(storage, out) -> None:
    """Studies whose AI step is waiting, running or failed (the AI's own queue is the studies table)."""
    try:
        from dicom_node.archive import Archive

        archive = Archive(storage)
        uids = archive.studies_with_ai_state("pending", "running", "failed")
    except Exception as exc:  # the forwarding list above is what this command is for
        print(f"(AI jobs not readable: {exc})", file=out)
        return
    if uids:
        print("\nAI:", file=out)
    for uid in uids:
        st = archive.study(uid)
        if st is not None:
            print(f"  {st.ai_state:9} {uid} {st.patient_name} {st.ai_detail}", file=out)
