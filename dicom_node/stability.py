"""Stable-study detection: a study is "stable" once nothing new arrived for a quiet period.

The quiet period is `stability.quiet_seconds`, or `stability.per_calling_ae[AE]` for studies sent by
that AE (a slow mobile unit may pause between series). Stability is recorded in the index
(`studies.stable_at`) and announced to a callback; a study that receives more images afterwards
becomes unstable again (the archive clears stable_at) and is announced again once quiet.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from dicom_node.archive import Archive

log = logging.getLogger(__name__)


def quiet_seconds_for(cfg: dict, calling_ae: str) -> float:
    st = cfg.get("stability", {})
    per_ae = st.get("per_calling_ae") or {}
    return float(per_ae.get(calling_ae, st.get("quiet_seconds", 30)))


class StabilityMonitor:
    def __init__(self, archive: Archive, cfg: dict, on_stable: Callable[[str], None],
                 clock: Callable[[], float] = time.time):
        self.archive = archive
        self.cfg = cfg
        self.on_stable = on_stable
        self.clock = clock
        quiet = [float(cfg.get("stability", {}).get("quiet_seconds", 30))]
        quiet += [float(v) for v in (cfg.get("stability", {}).get("per_calling_ae") or {}).values()]
        # Poll often enough that a study is announced within about a quarter of its quiet period.
        self.interval = max(0.1, min(1.0, min(quiet) / 4))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check_once(self) -> list[str]:
        """Record and announce every study whose quiet period has passed; returns their UIDs."""
        now = self.clock()
        became = []
        for study_uid, calling_ae, last in self.archive.unstable_studies():
            cutoff = now - quiet_seconds_for(self.cfg, calling_ae)
            if last <= cutoff and self.archive.mark_stable_if_quiet(study_uid, now, cutoff):
                became.append(study_uid)
        for uid in became:
            log.info("study %s is stable", uid)
            try:
                self.on_stable(uid)
            except Exception:
                log.exception("stable-study listener failed for %s", uid)
        return became

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check_once()
            except Exception:  # a locked database or a listener error must not end the monitor
                log.exception("stability check failed")

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="stability", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
