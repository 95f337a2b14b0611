"""The county role of the workstation (`[viewer] role = "county"`): the worklist tab instead of the local
study browser, studies opened from the fetch cache in the same reading views and findings panel, the open
study kept in the cache while its review is unsaved. No embedded DICOM node (app.build_window)."""
from __future__ import annotations

import logging

from PySide6.QtCore import QTimer

log = logging.getLogger(__name__)


def attach_county(win, worklist=None) -> None:
    """Put the county worklist panel in the window's first tab and wire opening and pinning."""
    from county.worklist import Worklist
    from viewer.county_panel import CountyPanel

    wl = worklist or Worklist(win.cfg)
    panel = CountyPanel(wl, reader=win.reviewer)
    win.county = panel
    win.county_study = None
    win.tabs.removeTab(0)
    win.tabs.insertTab(0, panel, "")
    win.tabs.setCurrentIndex(0)
    panel.open_requested.connect(lambda folder, uid: open_fetched(win, folder, uid))
    win.panel.findings_changed.connect(lambda _report: _keep_unsaved(win))
    win.panel.save_requested.connect(lambda: QTimer.singleShot(0, lambda: _keep_unsaved(win)))
    if getattr(win, "report_editor", None) is not None:  # an unsigned report is unsaved work too
        win.report_editor.changed.connect(lambda: _keep_unsaved(win))
    panel.refresh()


def open_fetched(win, folder: str, study_uid: str) -> bool:
    """Open a fetched study from the cache in the reading views (findings from its AI SR/SEG)."""
    if not win.confirm_discard():
        return False
    cache = win.county.worklist.cache
    if win.county_study and win.county_study != study_uid:
        cache.pin(win.county_study, False)
    win.county_study = study_uid
    cache.touch(study_uid)
    return win.open_folder(folder)


def _keep_unsaved(win) -> None:
    uid = getattr(win, "county_study", None)
    if uid and win.county is not None:
        report = getattr(win, "report_editor", None)
        unsaved = (win.review is not None and win.review.dirty) or (report is not None and report.editor.dirty)
        win.county.worklist.cache.pin(uid, bool(unsaved))
