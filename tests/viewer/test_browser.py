"""The study browser over a real archive (Xvfb): Chinese names, search, AI/forwarding states, new arrivals."""
from __future__ import annotations

import os
from pathlib import Path

import pydicom
import pytest
from pydicom.uid import generate_uid
from PySide6.QtCore import QDate, Qt

from tests.conftest import dicom_files, ground_truth
from tests.viewer.shell_helpers import (GB18030_ID, GB18030_NAME, gb18030_study, reset_language,  # noqa: F401
                                        shell_archive, shell_archive_root, shell_cfg)
from viewer.browser import COLUMNS, BrowserWidget
from viewer.i18n import install_language
from dicom_objects.values import display_name

pytestmark = pytest.mark.gui

# Where a test leaves its screenshots for a person to look at (kept when set; tmp otherwise).
SHOTS = os.environ.get("TPACS_TEST_SHOTS")


def _rows(browser) -> dict[str, int]:
    return {r.patient_id: i for i, r in enumerate(browser.model.rows)}


def _text(browser, row: int, column: str) -> str:
    m = browser.model
    return m.data(m.index(row, COLUMNS.index(column)), Qt.ItemDataRole.DisplayRole)


@pytest.fixture
def browser(qtbot, shell_archive, shell_cfg):
    install_language("zh_CN")
    w = BrowserWidget(shell_archive, shell_cfg)
    w.resize(1300, 400)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.timer.stop()


def test_gb18030_patient_name_renders(browser, shell_archive, tmp_path):
    rec = next(s for s in shell_archive.studies() if s.patient_id == GB18030_ID)
    assert rec.patient_name == GB18030_NAME  # decoded from GB18030 bytes by the index
    raw = pydicom.dcmread(shell_archive.instances(study_uid=rec.study_uid)[0].path, stop_before_pixels=True)
    assert raw.SpecificCharacterSet == "GB18030" and "䶮".encode("gb18030") in raw["PatientName"].value.encode("gb18030")
    row = _rows(browser)[GB18030_ID]
    assert _text(browser, row, "patient") == display_name(GB18030_NAME) == "欧阳䶮"
    assert _text(browser, row, "date") == "2024-01-15"
    assert _text(browser, row, "sex_age") == "男 / 59岁"
    assert _text(browser, row, "description") == "胸部CT平扫 (phantom)"

    # the cell really has ink in it (a name "shown empty" would leave it blank)
    browser.table.selectRow(0)
    rect = browser.table.visualRect(browser.model.index(row, 0))
    img = browser.table.viewport().grab(rect).toImage()
    bg = img.pixelColor(1, 1).lightness()
    inked = sum(1 for x in range(img.width()) for y in range(img.height())
                if abs(img.pixelColor(x, y).lightness() - bg) > 80)
    assert inked > 30
    out = Path(SHOTS) if SHOTS else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    assert browser.grab().save(str(out / "browser_gb18030.png"))


def test_search_filters(browser, ct_phantom_small, dx_phantom):
    ct_id, dx_id = ground_truth(ct_phantom_small)["patient_id"], ground_truth(dx_phantom)["patient_id"]
    assert set(_rows(browser)) == {ct_id, dx_id, GB18030_ID}

    browser.search.setText("䶮")  # one character of a GB18030-only name
    assert set(_rows(browser)) == {GB18030_ID}
    browser.search.setText("欧阳䶮")  # as typed, without the DICOM "^"
    assert set(_rows(browser)) == {GB18030_ID}
    browser.search.setText(ct_id.lower())
    assert set(_rows(browser)) == {ct_id}
    browser.search.setText("nobody")
    assert _rows(browser) == {} and "0" in browser.count_label.text()
    browser.search.clear()

    browser.modality.setCurrentIndex(browser.modality.findData("DX"))
    assert set(_rows(browser)) == {dx_id}
    browser.modality.setCurrentIndex(browser.modality.findData(""))

    browser.date_check.setChecked(True)
    browser.date_from.setDate(QDate(2024, 1, 1))
    browser.date_to.setDate(QDate(2024, 1, 31))
    assert set(_rows(browser)) == {GB18030_ID}
    browser.date_check.setChecked(False)
    assert len(_rows(browser)) == 3


def test_ai_and_forwarding_state_columns(browser, shell_archive, ct_phantom_small, dx_phantom, qtbot):
    ct_uid, dx_uid = ground_truth(ct_phantom_small)["study_uid"], ground_truth(dx_phantom)["study_uid"]
    gb_uid = next(s.study_uid for s in shell_archive.studies() if s.patient_id == GB18030_ID)
    shell_archive.set_ai_state(ct_uid, "done", "4 findings")
    shell_archive.set_forward_state(ct_uid, "sent")
    shell_archive.set_ai_state(dx_uid, "skipped", "not a chest CT")
    shell_archive.set_forward_state(dx_uid, "failed", "connection refused")
    shell_archive.set_ai_state(gb_uid, "running")
    shell_archive.set_forward_state(gb_uid, "queued")

    def shown(uid, col):
        row = next(i for i, r in enumerate(browser.model.rows) if r.study_uid == uid)
        return _text(browser, row, col)

    qtbot.waitUntil(lambda: shown(ct_uid, "ai") == "4 个结节", timeout=5000)  # picked up by the poll
    assert shown(ct_uid, "forward") == "已上传"
    assert shown(dx_uid, "ai") == "不适用" and shown(dx_uid, "forward") == "失败"
    assert shown(gb_uid, "ai") == "分析中" and shown(gb_uid, "forward") == "排队中"
    dx_row = next(i for i, r in enumerate(browser.model.rows) if r.study_uid == dx_uid)
    idx = browser.model.index(dx_row, COLUMNS.index("forward"))
    assert browser.model.data(idx, Qt.ItemDataRole.ToolTipRole) == "connection refused"
    assert browser.model.data(idx, Qt.ItemDataRole.ForegroundRole).color().red() > 150

    browser.status.setCurrentIndex(browser.status.findData("fwd:failed"))
    assert [r.study_uid for r in browser.model.rows] == [dx_uid]
    browser.status.setCurrentIndex(browser.status.findData("ai:running"))
    assert [r.study_uid for r in browser.model.rows] == [gb_uid]

    install_language("en")
    browser.status.setCurrentIndex(browser.status.findData(""))
    assert shown(ct_uid, "ai") == "4 findings" and shown(dx_uid, "ai") == "not applicable"
    assert shown(ct_uid, "forward") == "sent" and shown(gb_uid, "ai") == "running"
    install_language("zh_CN")

    # A CT the model does not read: the words why, in the reader's language, not a bare "not applicable".
    shell_archive.set_ai_state(gb_uid, "skipped", "8 mm slices: too thick for nodule detection (the model reads "
                                                  "slices up to 5 mm)")
    qtbot.waitUntil(lambda: shown(gb_uid, "ai") == "层厚 8 mm：过厚，无法做结节检测", timeout=5000)
    install_language("en")
    assert shown(gb_uid, "ai") == "8 mm slices: too thick for nodule detection"
    install_language("zh_CN")


def test_new_studies_appear_as_they_arrive(browser, shell_archive, dx_phantom, qtbot):
    from dicom_node.archive import Archive

    n = len(browser.model.rows)
    browser.table.selectRow(0)
    selected = browser.selected_study()
    ds = pydicom.dcmread(dicom_files(dx_phantom)[0])
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID = generate_uid(), generate_uid(), generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.PatientName, ds.PatientID = "张^三", "NEW-1"
    other = Archive(shell_archive.root)  # as the node's receiving thread would, on its own connection
    other.add_file(ds)
    qtbot.waitUntil(lambda: len(browser.model.rows) == n + 1, timeout=5000)
    assert browser.model.rows[0].patient == "张三"  # newest first
    assert browser.selected_study() == selected  # the reader's selection survives the refresh
    assert _text(browser, 0, "ai") == "接收中…"  # images still arriving: nothing has started on it
    other.mark_stable(ds.StudyInstanceUID)
    other.set_ai_state(ds.StudyInstanceUID, "skipped", "not a chest CT")
    other.close()
    qtbot.waitUntil(lambda: _text(browser, 0, "ai") == "不适用", timeout=5000)


def test_double_click_opens_study(browser, qtbot):
    row = 1
    uid = browser.model.rows[row].study_uid
    with qtbot.waitSignal(browser.study_activated, timeout=2000) as sig:
        rect = browser.table.visualRect(browser.model.index(row, 0))
        # Qt item views act on a double-click only after the press/release that starts it
        qtbot.mouseClick(browser.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(browser.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert sig.args == [uid]


# ---------------------------------------------------------------- the worklist logic under the browser (no Qt)
def test_display_name_and_facts():
    from dicom_objects.values import age_years, image_modalities
    from viewer.logic.worklist import findings_count

    assert display_name("王^小明") == "王小明"
    assert display_name("DOE^JOHN^^DR") == "DOE JOHN DR"
    assert display_name("Wang^Xiaoming=王^小明=wang^xiao ming") == "王小明"
    assert display_name("Wang^Xiaoming==") == "Wang Xiaoming"
    assert display_name("") == ""
    assert age_years("19650101", "20240115") == 59 and age_years("19650116", "20240115") == 58
    assert age_years("", "20240115") is None and age_years("1965", "20240115") is None
    assert findings_count("3 findings") == 3 and findings_count('{"n_findings": 0}') == 0
    assert findings_count("done") is None
    assert image_modalities("CT\\SR\\SEG\\PR") == "CT" and image_modalities("SR") == "SR"


def test_filter_matching():
    from types import SimpleNamespace

    from viewer.logic.worklist import StudyFilter, matches

    rec = SimpleNamespace(patient_name="王^小明", patient_id="PH000040", study_date="20240115",
                          modalities="CT\\SR", ai_state="done", forward_state="failed")
    assert matches(rec, StudyFilter())
    assert matches(rec, StudyFilter(text="王小明")) and matches(rec, StudyFilter(text="ph0000"))
    assert not matches(rec, StudyFilter(text="李"))
    assert matches(rec, StudyFilter(date_from="20240115", date_to="20240115"))
    assert not matches(rec, StudyFilter(date_from="20240116"))
    assert matches(rec, StudyFilter(modality="sr")) and not matches(rec, StudyFilter(modality="DX"))
    assert matches(rec, StudyFilter(status="fwd:failed")) and not matches(rec, StudyFilter(status="ai:failed"))


def test_poll_queries_only_after_a_commit(browser, shell_archive, monkeypatch):
    """The 2-second poll costs one PRAGMA while nothing changes; any commit (from any connection) is seen."""
    calls = []
    real = shell_archive.studies
    monkeypatch.setattr(shell_archive, "studies", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        browser.poll()
    assert calls == []
    uid = browser.model.rows[0].study_uid
    shell_archive.set_ai_state(uid, "failed", "model crashed")  # this thread's own connection
    browser.poll()
    assert calls == [1] and browser.model.rows[0].ai_state == "failed"
    browser.poll()
    assert calls == [1]


def test_search_reaches_past_the_listed_studies(qtbot, shell_archive, shell_cfg, ct_phantom_small):
    """With room for one row, the newest study is listed, and a search still finds an older patient."""
    install_language("zh_CN")
    shell_cfg["viewer"]["browser_limit"] = 1
    w = BrowserWidget(shell_archive, shell_cfg)
    qtbot.addWidget(w)
    try:
        assert len(w.model.rows) == 1
        truth = ground_truth(ct_phantom_small)
        assert w.model.rows[0].patient_id != truth["patient_id"]
        w.search.setText(display_name(truth["patient_name"]))  # typed without the DICOM "^"
        assert [r.patient_id for r in w.model.rows] == [truth["patient_id"]]
        w.search.setText(truth["patient_id"][-3:])
        assert [r.patient_id for r in w.model.rows] == [truth["patient_id"]]
    finally:
        w.timer.stop()
