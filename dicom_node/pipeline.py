"""What happens to a study once it is stable: the AI step for chest CT, then the ready-listeners.

The AI runs as a subprocess (`python -m dicom_node.ai_step`), one study at a time, so that a model
crash, a CUDA error or a runaway study cannot take the node down; a timeout (`ai.timeout_s`) bounds
how long forwarding waits for it. States are recorded in the index (ai_state pending → running →
done/failed, or skipped); studies left pending/running by a previous run are re-run at start-up.
"""
from __future__ import annotations

import json
import logging
import queue
import subprocess
import sys
import threading
from typing import Callable

from dicom_node.archive import Archive

log = logging.getLogger(__name__)

CHEST_BODY_PARTS = {"", "CHEST", "LUNG", "THORAX"}


def is_chest_ct(archive: Archive, study_uid: str) -> bool:
    """A CT series whose body part is chest-like or not given (many scanners leave it empty)."""
    return any(s.modality == "CT" and s.body_part.upper() in CHEST_BODY_PARTS for s in archive.series(study_uid))


def parse_ai_output(stdout: str) -> dict:
    """The last JSON line the AI step printed ({"n_findings": N, "written": [...]}), or {}."""
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return {}


class Pipeline:
    def __init__(self, archive: Archive, cfg: dict, ready: Callable[[str], None]):
        self.archive = archive
        self.cfg = cfg
        self.ready = ready  # called with study_uid once the AI is done/failed/skipped
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._queued: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._proc: subprocess.Popen | None = None

    # --- entry points ---------------------------------------------------------------------------
    def on_stable(self, study_uid: str) -> None:
        ai = self.cfg.get("ai", {})
        if not ai.get("enabled", False):
            self._finish_skipped(study_uid, "AI disabled in the configuration")
        elif not is_chest_ct(self.archive, study_uid):
            self._finish_skipped(study_uid, "not a chest CT")
        else:
            self.archive.set_ai_state(study_uid, "pending")
            self._enqueue(study_uid)

    def resume(self) -> None:
        """Re-run studies a previous run left pending or running (it stopped or died meanwhile)."""
        for uid in self.archive.studies_with_ai_state("pending", "running"):
            log.info("re-running the AI step for %s (left unfinished by the previous run)", uid)
            self._enqueue(uid)
        for uid in self.archive.stable_without_ai_state():
            log.info("study %s became stable while no pipeline ran: deciding on the AI now", uid)
            self.on_stable(uid)

    def _finish_skipped(self, study_uid: str, reason: str) -> None:
        self.archive.set_ai_state(study_uid, "skipped", reason)
        self._ready(study_uid)

    def _ready(self, study_uid: str) -> None:
        try:
            self.ready(study_uid)
        except Exception:
            log.exception("ready-listener failed for %s", study_uid)

    def _enqueue(self, study_uid: str) -> None:
        with self._lock:
            if study_uid in self._queued:
                return
            self._queued.add(study_uid)
        self._queue.put(study_uid)

    # --- worker ---------------------------------------------------------------------------------
    def command(self, study_uid: str) -> list[str]:
        """The AI step's command line; the node's whole config goes to it on stdin (`--config -`), so
        that `[ai] model = NAME`, `user_models_dir`, `device` and `min_score` mean there what they
        mean to `tpacs detect`."""
        return [sys.executable, "-m", "dicom_node.ai_step", "--storage", str(self.archive.root),
                "--study", study_uid, "--config", "-"]

    def run_one(self, study_uid: str) -> str:
        """Run the AI step for one study; returns the final ai_state."""
        timeout = float(self.cfg.get("ai", {}).get("timeout_s", 600))
        self.archive.set_ai_state(study_uid, "running")
        try:
            self._proc = subprocess.Popen(self.command(study_uid), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
            try:
                out, err = self._proc.communicate(json.dumps(self.cfg), timeout=timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.communicate()
                self.archive.set_ai_state(study_uid, "failed", f"timed out after {timeout:g} s")
                log.warning("AI step for %s timed out after %g s", study_uid, timeout)
                return "failed"
            code = self._proc.returncode
        finally:
            self._proc = None
        if self._stop.is_set() and code != 0:
            # Killed because the node is stopping: leave it "running" so that the next start re-runs it.
            return "running"
        if code == 0:
            result = parse_ai_output(out)
            if result.get("status") == "not_supported":
                # The model does not read this series (too-thick slices): "skipped", with the words why.
                detail = str(result.get("message") or result.get("reason") or "not supported")[:500]
                self.archive.set_ai_state(study_uid, "skipped", detail)
                log.info("AI step for %s: %s", study_uid, detail)
                return "skipped"
            n = result.get("n_findings")
            detail = f"{n} findings" if n is not None else "done"
            self.archive.set_ai_state(study_uid, "done", detail)
            log.info("AI step for %s: %s", study_uid, detail)
            return "done"
        reason = (err.strip().splitlines() or [f"exit code {code}"])[-1][:500]
        self.archive.set_ai_state(study_uid, "failed", reason)
        log.warning("AI step for %s failed (exit %s): %s", study_uid, code, reason)
        return "failed"

    def _run(self) -> None:
        while not self._stop.is_set():
            uid = self._queue.get()
            if uid is None:
                break
            with self._lock:
                self._queued.discard(uid)
            try:
                state = self.run_one(uid)
            except Exception as exc:
                log.exception("AI step for %s could not run", uid)
                self.archive.set_ai_state(uid, "failed", str(exc)[:500])
                state = "failed"
            if state in ("done", "failed", "skipped"):  # forwarding goes on whatever the AI made of it
                self._ready(uid)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="ai-pipeline", daemon=True)
        self._thread.start()
        self.resume()

    def stop(self) -> None:
        self._stop.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
        self._queue.put(None)
        if self._thread is not None:
            self._thread.join(15)
            self._thread = None
