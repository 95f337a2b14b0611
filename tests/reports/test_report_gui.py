"""The report in a real X window (Xvfb), in Chinese: the county's editor beside the images (thin widget over
reports.editor) and, at the township, the 报告 column, the notice (critical first), the report with its key
images, printed to PDF through QPrinter. Screenshots and the printed page go to build/test-artifacts/reports/."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from dicom_node.config import load_config
from reports.editor import ReportEditor
from reports.filing import ReportSession
from reports.model import CriticalResult
from reports.study import StudyContext
from tests.reports.helpers import ai_findings

pytestmark = pytest.mark.gui
ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "reports"


@pytest.fixture
def zh(qapp):
    from viewer.i18n import install_language, remove_translations

    install_language("zh_CN")
    yield
    remove_translations()


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return load_config(None, {"storage.path": str(tmp_path / "storage")})


def _shot(widget, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(ARTIFACTS / name))


def test_editor_drafts_signs_in_two_steps_and_holds_back_a_critical_result(qtbot, zh, cfg, ct_study_files,
                                                                           ct_phantom_small):
    from viewer.report_editor import ReportEditorWidget

    delivered = []
    w = ReportEditorWidget(ReportEditor(cfg, deliver=delivered.append))
    qtbot.addWidget(w)
    w.resize(560, 1150)
    ctx = StudyContext.from_files(ct_study_files)
    ctx.findings = ai_findings(ct_phantom_small)  # side/zone (the nodule SR gains them next)
    w.open_study(ctx)
    w.show()
    qtbot.waitExposed(w)
    assert w.section_labels["findings"].text() == "影像所见" and w.final_btn.text() == "审核发布"
    assert w.template_combo.currentText() == "胸部CT" and w.state_label.text() == "草稿"
    assert w.nodules.rowCount() == 4 and w.nodules.item(0, 1).text() in ("右肺上野", "左肺下野", "右肺中野", "左肺上野")
    assert "AI 辅助检出，仅供参考" in w.section_edits["findings"].toPlainText()
    assert "AI 辅助检出，仅供参考" in w.ai_label.text()
    _shot(w, "report_editor_zh.png")

    # A phrase from the library, into the impression.
    w._fill_phrase_menu("impression")
    group = w.phrase_buttons["impression"].menu().actions()[0].menu()
    group.actions()[0].trigger()
    assert w.section_edits["impression"].toPlainText().endswith(group.actions()[0].text())

    # Preliminary by the reporting doctor.
    w.author.setText("张明")  # (typing CJK through QTest aborts under xcb)
    qtbot.mouseClick(w.preliminary_btn, Qt.MouseButton.LeftButton)
    assert w.state_label.text() == "初步" and len(delivered) == 1 and delivered[0].state == "preliminary"

    # A critical result without its record: not released, and the reason in Chinese.
    w.critical_box.setChecked(True)
    w.crit_finding.setText("右侧张力性气胸")
    w.verifier.setText("李审核")
    qtbot.mouseClick(w.final_btn, Qt.MouseButton.LeftButton)
    assert "危急值" in w.message.text() and len(delivered) == 1
    w.crit_told.setText("清水镇卫生院 王医生")
    qtbot.mouseClick(w.final_btn, Qt.MouseButton.LeftButton)
    assert len(delivered) == 2 and delivered[1].state == "final" and delivered[1].pdf is not None
    assert delivered[1].report.critical.how == "电话" and delivered[1].report.critical.at
    assert w.state_label.text() == "终审"
    _shot(w, "report_editor_zh_final.png")

    # Normal findings in one click.
    qtbot.mouseClick(w.normal_btn, Qt.MouseButton.LeftButton)
    assert w.section_edits["impression"].toPlainText() == "胸部CT平扫未见明显异常。" and not w.nodules.isVisible()


def _township_archive(tmp_path, files, critical: bool):
    """A township archive holding the study, and its reports as they come home."""
    from dicom_node.archive import Archive
    from dicom_node.report_inbox import ReportInbox

    archive = Archive(tmp_path / "storage")
    for f in files:
        archive.add_file(f)
    session = ReportSession(StudyContext.from_files(files), load_config(None))
    d = replace(session.draft(), author="张^明", verifier="李^审核")
    if critical:
        d = replace(d, critical=CriticalResult("右侧张力性气胸", "清水镇卫生院 王医生", "电话", "2026-12-01T09:30:00+08:00"))
    inbox = ReportInbox(archive, {})
    for stage in ("preliminary", "final"):
        for p in session.file(d, stage).save(tmp_path / "in" / stage):
            inbox.receive(p, "push:COUNTY")
    return archive, session.ctx.study_uid


def test_township_sees_reports_in_the_browser_is_told_critical_first_and_prints(qtbot, zh, cfg, ct_study_files,
                                                                               tmp_path, monkeypatch):
    from tests.node_helpers import copy_with_new_uids
    from viewer.browser import COLUMNS
    from viewer.main_window import MainWindow

    archive, uid = _township_archive(tmp_path, ct_study_files, critical=False)
    other = copy_with_new_uids(ct_study_files, tmp_path / "second", 4)
    crit_files = [Path(p) for p in other]
    from dicom_node.report_inbox import ReportInbox

    # The second study's reports arrive later, one of them critical.
    for f in crit_files:
        archive.add_file(f)
    cfg["viewer"].update(embedded_node=False, browser_poll_s=0.2)
    win = MainWindow(cfg, archive)
    qtbot.addWidget(win)
    win.resize(1400, 800)
    win.show()
    qtbot.waitExposed(win)
    session = ReportSession(StudyContext.from_files(crit_files), load_config(None))
    d = replace(session.draft(), author="张^明", verifier="李^审核",
                critical=CriticalResult("右侧张力性气胸", "清水镇卫生院 王医生", "电话", "2026-12-01T09:30:00+08:00"))
    for p in session.file(d, "final").save(tmp_path / "in" / "crit"):
        ReportInbox(archive, {}).receive(p, "push:COUNTY")
    crit_uid = session.ctx.study_uid
    qtbot.waitUntil(lambda: getattr(win, "critical_box", None) is not None, timeout=10_000)
    assert "危急值" in win.critical_box.text() and win.critical_box.isVisible()
    qtbot.waitUntil(lambda: len(win.browser.model.rows) == 2, timeout=10_000)
    col = COLUMNS.index("report")
    texts = {r.study_uid: win.browser.model.cell_text(r, col) for r in win.browser.model.rows}
    assert texts == {uid: "终审", crit_uid: "危急值"}
    assert win.browser.model.headerData(col, Qt.Orientation.Horizontal) == "报告"
    win.critical_box.close()
    _shot(win, "township_browser_reports_zh.png")

    dlg = win.show_report(crit_uid)
    qtbot.addWidget(dlg)
    qtbot.waitExposed(dlg)
    html = dlg.text.toPlainText()
    assert "危急值" in html and "影像所见" in html and "审核医生" in html and "张明" in html
    assert dlg.images  # the key images, drawn from the archive's images
    _shot(dlg, "township_report_zh.png")
    pdf = dlg.save_pdf(tmp_path / "printed.pdf")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "printed")],
                   check=True)
    shutil.copy(tmp_path / "printed-1.png", ARTIFACTS / "township_printed_zh.png")
    assert (tmp_path / "printed-1.png").stat().st_size > 30_000  # text and key images on the page
    # Qt's PDF writer maps only some CJK glyphs back to text; the names and the times come through.
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "张明" in text and "2026-12-01 09:30" in text and "PH000040" in text
    win.browser.timer.stop()
    win.report_notifier.timer.stop()


def test_county_station_opens_the_editor_beside_the_images(qtbot, zh, cfg, ct_study_files, tmp_path):
    from viewer.main_window import MainWindow

    folder = tmp_path / "study"
    folder.mkdir()
    for f in ct_study_files:
        (folder / f.name).symlink_to(f)
    cfg["viewer"].update(role="county", embedded_node=False)
    win = MainWindow(cfg, None)
    qtbot.addWidget(win)
    assert win.report_editor is not None and win.split.indexOf(win.report_editor) == 2
    assert win.open_folder(folder)
    assert win.report_editor.isEnabled() and win.report_editor.editor.ctx.study_uid == StudyContext.from_files(
        ct_study_files[:1]).study_uid
    assert "C-Lung-RADS" in win.report_editor.section_edits["findings"].toPlainText()
    assert win.report_notifier is None  # the township's notices are not the county's


def test_township_exports_its_turnaround_csv(qtbot, cfg, ct_study_files, tmp_path):
    import csv

    from viewer.main_window import MainWindow

    archive, uid = _township_archive(tmp_path, ct_study_files, critical=False)
    cfg["viewer"].update(embedded_node=False)
    win = MainWindow(cfg, archive)
    qtbot.addWidget(win)
    out = win.export_turnaround(str(tmp_path / "turnaround.csv"))
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:4] == ["township", "exam", "studies", "final"] and rows[1][:4] == ["TPACS", "CT", "1", "1"]
    assert float(rows[1][4]) >= 0  # minutes from arrival to the final report
    win.browser.timer.stop()
    win.report_notifier.timer.stop()
