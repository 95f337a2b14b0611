"""`tpacs view`: start the Qt application, the embedded node, and the main window (or take a screenshot)."""
from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)


def _qt_platform_for_screenshot() -> None:
    # A screenshot needs no screen: without an X/Wayland display, render off-screen instead of failing.
    if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM") \
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _application():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(["tpacs"])
        app.setApplicationName("township-pacs")
        app.setOrganizationName("township-pacs")
    return app


def wait_until(app, predicate, timeout_s: float) -> bool:
    """Run the event loop until predicate() is true or the time is up (the UI keeps drawing)."""
    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > end:
            return False
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return True


def grab_window(win):
    """The window as the screen shows it (including OpenGL/VTK views), falling back to Qt's own render."""
    img = None
    screen = win.screen()
    # The screen holds what OpenGL drew, but only where the window is on it; otherwise Qt renders the
    # widgets itself (all our views paint through Qt, so nothing is lost).
    if screen is not None and os.environ.get("QT_QPA_PLATFORM") != "offscreen" \
            and screen.geometry().contains(win.frameGeometry()):
        img = screen.grabWindow(win.winId())
    if img is None or img.isNull() or img.width() < 10:
        img = win.grab()
    return img


def build_window(cfg: dict, path: Path | str | None = None, start_node: bool = True):
    """The main window for `tpacs view [PATH]`, not yet shown.

    PATH with an index.sqlite is a storage folder: the browser shows its studies (and, unless only a
    screenshot is wanted, the node receives into it). Any other folder is opened directly as images.
    Without PATH the configured storage is browsed and, with viewer.embedded_node, the node runs in-process.
    """
    import copy

    from dicom_node.archive import Archive
    from dicom_node.config import storage_path
    from viewer.main_window import MainWindow

    cfg = copy.deepcopy(cfg)
    # the county reading station fetches from the county PACS; it runs no receiving node of its own
    embedded = bool(cfg.get("viewer", {}).get("embedded_node", True)) and start_node \
        and cfg.get("viewer", {}).get("role", "township") != "county"
    if path is not None:
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path}")
        if (path / "index.sqlite").is_file():
            cfg["storage"]["path"] = str(path)
            win = MainWindow(cfg)
            if embedded:
                win.start_embedded_node()
            else:
                win.set_archive(Archive(path, on_conflict=cfg["node"]["on_conflict"]))
            return win
        win = MainWindow(cfg)
        win.open_folder(path)
        return win
    win = MainWindow(cfg)
    if embedded:
        win.start_embedded_node()
    else:
        win.set_archive(Archive(storage_path(cfg), on_conflict=cfg["node"]["on_conflict"]))
    return win


def _ready(win) -> bool:
    if win.county is not None and win.series is None and win.county._busy:
        return False  # the worklist's first refresh is still running
    if win.series is None and win.folder is None:
        return True  # the browser: its first query ran synchronously
    return bool(win.load_error) or win.reading.is_loaded()


def _quit_on_signals(app, win) -> None:
    """SIGINT/SIGTERM close the window (stopping the embedded node cleanly) instead of killing Qt mid-write.

    Python runs signal handlers only between bytecodes; a short timer gives it that chance while Qt waits."""
    import signal

    from PySide6.QtCore import QTimer

    def _close(signum, frame):
        if win.review is not None:
            win.review.dirty = False  # no question asked on a shutdown signal; the AI SR is kept anyway
        win.close()
        app.quit()

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            signal.signal(sig, _close)
        except (ValueError, OSError):  # not the main thread, or not supported here
            return
    timer = QTimer(win)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def run_viewer(cfg: dict, path=None, screenshot=None, language=None) -> int:
    vcfg = cfg.get("viewer", {})
    if screenshot is not None:
        _qt_platform_for_screenshot()
    app = _application()
    from viewer.i18n import install_language

    install_language(language or vcfg.get("language"))
    win = build_window(cfg, path, start_node=screenshot is None)
    w, h = (vcfg.get("window_size") or [1440, 900])[:2]
    win.resize(int(w), int(h))
    win.show()
    if screenshot is None:
        _quit_on_signals(app, win)
        rc = app.exec()
        win.stop_node()
        return int(rc)

    timeout = float(vcfg.get("screenshot_timeout_s", 120))
    loaded = wait_until(app, lambda: _ready(win), timeout)
    # Let the views draw their final frame (VTK renders on the next paint).
    settle = time.monotonic() + float(vcfg.get("screenshot_settle_s", 0.5))
    wait_until(app, lambda: time.monotonic() > settle, 5)
    img = grab_window(win)
    out = Path(screenshot)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = img.save(str(out), "PNG")
    win.stop_node()
    win.browser.timer.stop()
    if win.review is not None:
        win.review.dirty = False  # a screenshot never asks about unsaved reviews
    win.close()
    if not ok:
        print(f"tpacs: error: cannot write {out}", file=sys.stderr)
        return 1
    if not loaded:
        print(f"tpacs: error: {path} did not finish loading within {timeout:g} s", file=sys.stderr)
        return 1
    if win.load_error:
        print(f"tpacs: error: {win.load_error}", file=sys.stderr)
        return 1
    return 0
