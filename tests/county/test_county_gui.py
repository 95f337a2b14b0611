"""The county role in a real window (Xvfb), in Chinese: the worklist of both townships, then a CT fetched
from the county PACS open in the reading views with its AI findings. Screenshots are written to
$TPACS_SCREENSHOT_DIR when set (else the test's tmp folder) and checked for what a reader sees."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.county.conftest import TOWN_A, TOWN_B, at, worklist
from tests.viewer.shell_helpers import reset_language  # noqa: F401
from viewer.i18n import install_language

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def _shot(qtbot, win, tmp_path, name: str) -> Path:
    from viewer.app import grab_window

    win.repaint()
    qtbot.wait(500)  # the X server shows what was drawn: let the last model change reach the screen

    folder = Path(os.environ.get("TPACS_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert grab_window(win).save(str(path), "PNG")
    return path


def test_county_worklist_then_fetched_ct_with_ai_findings(qtbot, county, tmp_path, monkeypatch):
    from PySide6.QtGui import QImage

    from viewer.county_role import attach_county
    from viewer.main_window import MainWindow

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    install_language("zh_CN")
    wl = worklist(county, tmp_path, clock=lambda: at(11, 30))
    cfg = dict(wl.cfg)
    cfg["viewer"] = {**cfg["viewer"], "role": "township", "reviewer": "王^医生"}  # attached by hand below
    cfg["storage"] = {"path": str(tmp_path / "storage")}
    win = MainWindow(cfg)
    qtbot.addWidget(win)
    attach_county(win, wl)
    win.retranslate_ui()
    win.resize(1440, 900)
    win.show()
    panel = win.county
    qtbot.waitUntil(lambda: not panel._busy and len(panel.model.rows) == 3, timeout=60000)  # open studies
    assert win.tabs.tabText(0) == "工作列表"
    model = panel.model
    assert model.header_text(0) == "乡镇"
    townships = {model.cell_text(r, 0) for r in model.rows}
    assert townships == {TOWN_A, TOWN_B}
    first = model.rows[0]
    assert first.study_uid == county.uids["ct_a"]
    assert model.ai_text(first) == "2 个结节，最高 4B"
    assert model.state_text(first) == "未读"
    assert "超时" in model.cell_text(first, 7)  # due 10:10, now 11:30
    assert model.cell_text(first, 4) == "40"  # images: the CT's slices, not its AI SR
    panel.state.setCurrentIndex(panel.state.findData(""))  # every state, the final report too
    assert [model.state_text(r) for r in model.rows][-1] == "已审核"
    shot = _shot(qtbot, win, tmp_path, "county_worklist_zh.png")
    assert QImage(str(shot)).width() >= 1000

    panel.open_row(first.study_uid)
    qtbot.waitUntil(lambda: win.reading.is_loaded(), timeout=120000)
    assert win.tabs.currentIndex() == 1
    assert win.panel.table.rowCount() == 2  # the AI SR's two nodules
    assert wl.row(first.study_uid).claimed_by == "王^医生"
    _shot(qtbot, win, tmp_path, "county_fetched_ct_zh.png")
    # an unsaved review keeps the study in the cache
    win.review.reject(1)
    win.panel.findings_changed.emit(win.review.report())
    assert wl.cache._db().execute("SELECT pinned FROM studies WHERE study_uid=?", (first.study_uid,)).fetchone()[0] == 1
    win.review.dirty = False
    win.close()
