"""Chinese by default, English switchable, through Qt translation files that cover every string."""
from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.conftest import PROJECT_ROOT, missing
from tests.viewer.shell_helpers import (gb18030_study, reset_language, shell_archive,  # noqa: F401
                                        shell_archive_root, shell_cfg)
from viewer.browser import COLUMNS
from viewer.i18n import TRANSLATIONS_DIR, install_language, normalize_language, qm_path

pytestmark = pytest.mark.gui

TS = {lang: TRANSLATIONS_DIR / f"township_pacs_{lang}.ts" for lang in ("zh_CN", "en")}
# The files whose strings the .ts files carry (lupdate's input): every module of the GUI.
SOURCES = sorted(str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "viewer").glob("*.py")) + sorted(
    str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "viewer" / "views").glob("*.py"))


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.find("name").text
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            if tr.get("type") in ("vanished", "obsolete"):
                continue
            out[(name, msg.find("source").text)] = tr
    return out


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text or "")


def test_every_string_is_translated():
    zh = _messages(TS["zh_CN"])
    assert len(zh) > 100
    unfinished = [k for k, tr in zh.items() if tr.get("type") == "unfinished" or not (tr.text or "").strip()]
    assert unfinished == []
    for lang in ("zh_CN", "en"):
        assert qm_path(lang).is_file() and qm_path(lang).stat().st_size > 1000


def test_ts_files_cover_the_code(tmp_path):
    """A string added to the code without a translation fails here (lupdate run afresh vs the committed .ts)."""
    lupdate = shutil.which("pyside6-lupdate") or str(Path(sys.executable).parent / "pyside6-lupdate")
    if not Path(lupdate).exists():
        missing("pyside6-lupdate (PySide6's tools) is not installed")
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, "-silent", *SOURCES, "-ts", str(fresh)], cwd=PROJECT_ROOT, check=True, timeout=120)
    missing = set(_messages(fresh)) - set(_messages(TS["zh_CN"]))
    assert missing == set(), f"strings without a zh_CN entry (run lupdate and translate): {sorted(missing)[:10]}"


def test_language_codes():
    assert normalize_language(None) == "zh_CN"
    assert normalize_language("zh-CN") == "zh_CN" and normalize_language("en_US") == "en"


def test_zh_cn_default_and_english_switch(qtbot, shell_cfg, shell_archive):
    from viewer.app import build_window

    assert shell_cfg["viewer"]["language"] == "zh_CN"  # the shipped default
    install_language(shell_cfg["viewer"]["language"])
    shell_cfg["viewer"]["embedded_node"] = False
    win = build_window(shell_cfg, shell_archive.root, start_node=False)
    qtbot.addWidget(win)
    try:
        assert win.windowTitle() == "乡镇 PACS 工作站"
        assert [win.tabs.tabText(i) for i in range(2)] == ["检查列表", "阅片"]
        header = win.browser.model.headerData(COLUMNS.index("patient"), Qt.Orientation.Horizontal)
        assert header == "患者"
        assert win.panel.save_btn.text() == "保存审核" and win.panel.accept_btn.text() == "确认"
        assert _cjk(win.browser.count_label.text()) and _cjk(win.file_menu.title())

        win.set_language("en")  # switched while running: every widget re-sets its texts
        assert win.windowTitle() == "township-pacs workstation"
        assert [win.tabs.tabText(i) for i in range(2)] == ["Studies", "Reading"]
        assert win.browser.model.headerData(0, Qt.Orientation.Horizontal) == "Patient"
        assert win.panel.save_btn.text() == "Save review" and win.browser.count_label.text() == "3 studies"
        assert not _cjk(win.panel.summary.text())

        win.set_language("zh_CN")
        assert win.tabs.tabText(0) == "检查列表"
    finally:
        win.browser.timer.stop()
        install_language("zh_CN")
