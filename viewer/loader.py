"""Loading a series on a background thread, so the viewer never freezes on a large study.

The thread runs the GUI-free `iter_load_series` and turns its events into Qt signals (queued to the
GUI thread): the first image as soon as it is decoded, progress, each bad file, then the result.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from viewer.logic.volume import LoadError, iter_load_series

log = logging.getLogger(__name__)

# Loaders still running: a QThread object destroyed while its thread runs aborts the process, which
# would happen if the widget that started it went away first. They hold themselves here until done.
_RUNNING: set["SeriesLoader"] = set()


class SeriesLoader(QThread):
    first = Signal(object, object, object)  # image (modality values), meta dict, PartialVolume | None
    progress = Signal(int, int)  # done, total
    bad = Signal(str, str)  # path, reason
    done = Signal(object)  # Volume | Radiograph
    failed = Signal(str)

    # progress signals at most this often: hundreds of queued events would only slow the GUI thread
    PROGRESS_INTERVAL_S = 0.05

    def __init__(self, files: list[Path], parent=None):
        super().__init__(parent)
        self.files = [Path(f) for f in files]
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    def start(self, *args) -> None:
        _RUNNING.add(self)
        self.finished.connect(self._forget)
        super().start(*args)

    def _forget(self) -> None:
        _RUNNING.discard(self)

    def run(self) -> None:
        last = 0.0
        try:
            for ev in iter_load_series(self.files):
                if self._cancelled:
                    return
                if ev.kind == "first":
                    self.first.emit(ev.image, ev.meta, ev.partial)
                elif ev.kind == "bad":
                    self.bad.emit(str(ev.path), ev.reason)
                elif ev.kind == "progress":
                    now = time.monotonic()
                    if now - last >= self.PROGRESS_INTERVAL_S or ev.done == ev.total:
                        last = now
                        self.progress.emit(ev.done, ev.total)
                elif ev.kind == "done":
                    self.progress.emit(ev.total, ev.total)
                    self.done.emit(ev.result)
        except LoadError as exc:
            self.failed.emit(str(exc))
        except MemoryError:
            self.failed.emit("not enough memory to load this series")
        except Exception as exc:  # noqa: BLE001 - the GUI must hear about any failure, never hang
            log.exception("loading failed")
            self.failed.emit(f"{type(exc).__name__}: {exc}")
