"""The persistent forwarding queue: backoff with an injected clock, crash recovery, dead and retry."""
from __future__ import annotations

import subprocess
import sys

import pytest

from dicom_node.jobs import JobQueue, backoff_delay


class Clock:
    def __init__(self, t: float = 1_000_000.0):
        self.t = t

    def __call__(self) -> float:
        return self.t


FWD = {"backoff_initial_s": 30, "backoff_factor": 2.0, "backoff_cap_s": 600, "max_attempts": 0}


def test_backoff_follows_configured_schedule_with_cap(tmp_path):
    clock = Clock()
    q = JobQueue(tmp_path / "index.sqlite", FWD, clock=clock)
    job = q.enqueue("1.2.3", "county")
    assert job.state == "queued" and job.next_try_at == clock.t
    expected = [30, 60, 120, 240, 480, 600, 600]
    for n, delay in enumerate(expected, start=1):
        # not due a moment before its time, due exactly at it
        clock.t = q.get(job.id).next_try_at - 0.001
        assert q.claim() is None
        clock.t += 0.001
        claimed, attempt_id = q.claim()
        assert claimed.id == job.id and claimed.state == "sending" and claimed.attempts == n
        failed = q.fail(claimed, attempt_id, f"county unreachable #{n}")
        assert failed.state == "failed" and failed.attempts == n
        assert failed.next_try_at == pytest.approx(clock.t + delay)
        assert failed.last_error == f"county unreachable #{n}"
    hist = q.history(job.id)
    assert [a.result for a in hist] == ["failed"] * len(expected)
    assert [a.attempt for a in hist] == list(range(1, len(expected) + 1))
    assert [backoff_delay(n, FWD) for n in range(1, 8)] == expected


def test_other_schedule_from_config(tmp_path):
    cfg = {"backoff_initial_s": 5, "backoff_factor": 3, "backoff_cap_s": 100}
    assert [backoff_delay(n, cfg) for n in range(1, 6)] == [5, 15, 45, 100, 100]


def test_dead_after_max_attempts_then_retry_by_hand(tmp_path):
    clock = Clock()
    q = JobQueue(tmp_path / "index.sqlite", dict(FWD, max_attempts=3), clock=clock)
    job = q.enqueue("1.2.3", "county")
    for _ in range(3):
        clock.t = q.get(job.id).next_try_at
        j, a = q.claim()
        j = q.fail(j, a, "association rejected")
    assert j.state == "dead" and j.attempts == 3
    clock.t += 10 ** 6
    assert q.claim() is None, "a dead job is never picked up again by itself"
    j = q.retry(job.id)
    assert j.state == "queued" and j.attempts == 0 and j.next_try_at == clock.t
    assert q.claim()[0].id == job.id
    assert [a.result for a in q.history(job.id)] == ["failed", "failed", "failed", "requeued", "running"]
    with pytest.raises(KeyError):
        q.retry(9999)


def test_sending_job_left_by_crash_is_resumed_and_deliveries_persist(tmp_path):
    db = tmp_path / "index.sqlite"
    q = JobQueue(db, FWD)
    job = q.enqueue("1.2.3", "county")
    j, attempt = q.claim()
    q.record_delivery(j, "1.2.3.1", 0x0000, {"peer": "COUNTY@h:1", "result": "delivered"})
    q.close()  # the process "dies" here: the job stays "sending"
    q2 = JobQueue(db, FWD)
    assert q2.get(job.id).state == "sending"
    assert q2.recover() == [job.id]
    j2 = q2.get(job.id)
    assert j2.state == "queued" and j2.attempts == 1
    assert q2.history(job.id)[0].result == "interrupted"
    assert q2.delivered_uids("county", "1.2.3") == {"1.2.3.1"}
    assert q2.delivered_uids("other", "1.2.3") == set()
    audit = q2.audit_rows("1.2.3")
    assert len(audit) == 1 and audit[0]["sop_instance_uid"] == "1.2.3.1" and audit[0]["peer"] == "COUNTY@h:1"


def test_enqueue_reuses_waiting_job_but_not_a_finished_one(tmp_path):
    clock = Clock()
    q = JobQueue(tmp_path / "index.sqlite", FWD, clock=clock)
    a = q.enqueue("1.2.3", "county")
    assert q.enqueue("1.2.3", "county").id == a.id
    assert q.enqueue("1.2.3", "other").id != a.id
    j, att = q.claim("county")
    q.finish(j, att, 5)
    b = q.enqueue("1.2.3", "county", reason="new instances")
    assert b.id != a.id and b.state == "queued" and b.reason == "new instances"


def test_tpacs_jobs_lists_and_retries(tmp_path):
    storage = tmp_path / "storage"
    q = JobQueue(storage / "index.sqlite", dict(FWD, max_attempts=1))
    job = q.enqueue("1.2.826.0.1.3680043.8.498.1", "county")
    j, a = q.claim()
    q.fail(j, a, "Association rejected by COUNTY")
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[storage]\npath = "{storage}"\n')
    run = lambda *args: subprocess.run([sys.executable, "-m", "viewer.cli", "jobs", "--config", str(cfg), *args],
                                       capture_output=True, text=True, timeout=60)
    r = run()
    assert r.returncode == 0, r.stderr
    assert "dead" in r.stdout and "county" in r.stdout and "Association rejected by COUNTY" in r.stdout
    r = run("retry", str(job.id))
    assert r.returncode == 0, r.stderr
    assert f"job {job.id} requeued" in r.stdout
    assert JobQueue(storage / "index.sqlite", FWD).get(job.id).state == "queued"
    r = run("retry", "777")
    assert r.returncode != 0 and "777" in r.stderr
