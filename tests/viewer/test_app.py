"""`tpacs view` as a user runs it (subprocess, real screenshots) and the main window's review workflow."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PySide6.QtGui import QImage

from dicom_objects.measurement_report_reader import findings_from_sr
from tests.conftest import PROJECT_ROOT, dciodvfy_errors, dicom_files, free_port, ground_truth
from tests.viewer.shell_helpers import (ai_sr_for, gb18030_study,  # noqa: F401
                                        report_from_truth, reset_language, shell_archive, shell_archive_root,
                                        shell_cfg)
from viewer.i18n import install_language

pytestmark = pytest.mark.gui
SHOTS = os.environ.get("TPACS_TEST_SHOTS")


def _tpacs(args: list[str], tmp_path: Path, timeout: int = 180) -> subprocess.CompletedProcess:
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "xdg-config"), XDG_DATA_HOME=str(tmp_path / "xdg-data"))
    return subprocess.run([sys.executable, "-m", "viewer", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)


def _rgb(png: Path) -> np.ndarray:
    img = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB888)
    assert not img.isNull(), f"{png} is not a PNG"
    w, h = img.width(), img.height()
    return np.frombuffer(img.constBits(), dtype=np.uint8).reshape(h, img.bytesPerLine())[:, :w * 3] \
        .reshape(h, w, 3).astype(int)


def _colour_ink(rgb: np.ndarray) -> int:
    """Strongly coloured pixels in the left (axial) part of the window: the CT is grey, so these are the
    overlays: crosshair lines in both screenshots, findings' outlines and labels only with findings."""
    part = rgb[:, : rgb.shape[1] // 2]
    return int((part.max(axis=2) - part.min(axis=2) > 100).sum())


@pytest.fixture(scope="module")
def folder_with_sr(tmp_path_factory, ct_phantom_small) -> Path:
    """The phantom's files plus the AI's SR, as a plain folder (no index)."""
    out = tmp_path_factory.mktemp("ct_with_sr")
    for p in dicom_files(ct_phantom_small):
        shutil.copy(p, out / p.name)
    ai_sr_for(ct_phantom_small).save_as(out / "ai_sr.dcm", enforce_file_format=True)
    return out


def test_screenshot_of_folder_with_findings(folder_with_sr, ct_phantom_small, tmp_path):
    out = Path(SHOTS) if SHOTS else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    with_sr, without_sr = out / "view_ct_findings.png", out / "view_ct_plain.png"
    res = _tpacs(["view", str(folder_with_sr), "--screenshot", str(with_sr)], tmp_path)
    assert res.returncode == 0, res.stderr
    plain = tmp_path / "plain"
    plain.mkdir()
    for p in dicom_files(ct_phantom_small):
        shutil.copy(p, plain / p.name)
    res = _tpacs(["view", str(plain), "--screenshot", str(without_sr), "--lang", "en"], tmp_path)
    assert res.returncode == 0, res.stderr

    a, b = _rgb(with_sr), _rgb(without_sr)
    assert a.shape == (900, 1440, 3)  # viewer.window_size
    assert a.std() > 40 and b.std() > 40  # images, not a blank window
    # The chest is drawn: plenty of both dark lung and bright body pixels in the axial quadrant.
    grey = a[100:800, 20:560].mean(axis=2)
    assert (grey < 60).mean() > 0.2 and (grey > 150).mean() > 0.1
    # the findings' outlines, from the SR in the folder, add coloured ink beyond the crosshair both have
    assert _colour_ink(a) > _colour_ink(b) + 250


def test_screenshot_of_storage_folder_shows_browser(shell_archive, tmp_path):
    png = tmp_path / "browser.png"
    res = _tpacs(["view", str(shell_archive.root), "--screenshot", str(png)], tmp_path)
    assert res.returncode == 0, res.stderr
    rgb = _rgb(png)
    assert rgb.shape[:2] == (900, 1440) and rgb.std() > 5
    # three rows of text in the table: dark ink in the upper part of the window
    assert ((rgb[60:200].mean(axis=2)) < 100).sum() > 500


def test_bad_path_is_a_clear_error(tmp_path):
    res = _tpacs(["view", str(tmp_path / "missing"), "--screenshot", str(tmp_path / "x.png")], tmp_path)
    assert res.returncode == 2 and "no such file or folder" in res.stderr
    assert not (tmp_path / "x.png").exists()


def test_folder_without_images_fails_with_message(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("not DICOM")
    res = _tpacs(["view", str(empty), "--screenshot", str(tmp_path / "x.png")], tmp_path)
    assert res.returncode == 1 and "error" in res.stderr


def _echo(port: int, aet: str = "TPACS") -> int:
    return subprocess.run(["echoscu", "-aet", "TEST", "-aec", aet, "127.0.0.1", str(port)],
                          capture_output=True, timeout=30).returncode


def test_workstation_runs_the_node(qtbot, shell_cfg, dx_phantom):
    """Opening the workstation starts the node: the clinic can send at once, and the study shows up."""
    from viewer.app import build_window

    install_language("zh_CN")
    port = free_port()
    shell_cfg["node"]["port"] = port
    shell_cfg["node"]["bind_address"] = "127.0.0.1"
    shell_cfg["stability"]["quiet_seconds"] = 1
    win = build_window(shell_cfg)
    qtbot.addWidget(win)
    try:
        assert win.archive is not None  # browsing works while the node starts on its own thread
        assert win.wait_for_node(60), win.node_error
        assert str(port) in win.node_label.text() and "正在接收" in win.node_label.text()
        assert _echo(port) == 0
        res = subprocess.run(["storescu", "-aet", "MOBILE_DR", "-aec", "TPACS", "127.0.0.1", str(port),
                              str(dicom_files(dx_phantom)[0])], capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr
        pid = ground_truth(dx_phantom)["patient_id"]
        qtbot.waitUntil(lambda: any(r.patient_id == pid for r in win.browser.model.rows), timeout=10000)

        # saved settings apply at once: the node comes back on its new port and AE title
        import copy

        new_cfg = copy.deepcopy(win.cfg)
        new_port = free_port()
        new_cfg["node"].update(port=new_port, ae_title="CLINIC_B")
        win.apply_settings(new_cfg)
        assert win.wait_for_node(60) and str(new_port) in win.node_label.text()
        assert _echo(new_port, "CLINIC_B") == 0 and _echo(port) != 0
        assert any(r.patient_id == pid for r in win.browser.model.rows)
        port = new_port
    finally:
        win.close()
    assert win.node is None
    assert _echo(port, "CLINIC_B") != 0  # closing the window stopped the node


def test_busy_port_is_reported_and_browser_still_works(qtbot, shell_cfg, shell_archive):
    from viewer.app import build_window

    install_language("zh_CN")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        shell_cfg["node"]["port"] = s.getsockname()[1]
        shell_cfg["node"]["bind_address"] = "127.0.0.1"
        win = build_window(shell_cfg)  # storage = the shell archive's folder
        qtbot.addWidget(win)
        try:
            assert not win.wait_for_node(60) and win.node is None
            assert str(shell_cfg["node"]["port"]) in win.statusBar().currentMessage()
            assert "占用" in win.node_label.text()  # "already in use", in Chinese
            assert len(win.browser.model.rows) == 3
        finally:
            win.close()


def test_review_in_main_window(qtbot, shell_cfg, shell_archive, ct_phantom_small):
    """Open from the browser, click findings (views follow), accept/reject/add, save: SR in the archive."""
    from PySide6.QtCore import Qt

    from viewer.app import build_window

    install_language("zh_CN")
    win = build_window(shell_cfg, shell_archive.root, start_node=False)
    qtbot.addWidget(win)
    win.resize(1440, 900)
    win.show()
    truth = report_from_truth(ct_phantom_small)
    try:
        row = next(i for i, r in enumerate(win.browser.model.rows) if r.study_uid == truth.study_uid)
        win.browser.model.rows[row]  # noqa: B018
        win.browser.study_activated.emit(truth.study_uid)
        qtbot.waitUntil(win.reading.is_loaded, timeout=60000)
        panel = win.panel
        assert panel.table.rowCount() == 4 and panel.table.item(0, 7).text() == "未审核"

        for i in (2, 0):  # clicking a finding moves the crosshair (all views) to it
            rect = panel.table.visualRect(panel.table.model().index(i, 1))
            qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            cross = np.array(win.crosshair_lps())
            assert np.abs(cross - np.array(truth.findings[i].center_lps_mm)).max() < 5.1  # one 5 mm slice
        qtbot.mouseClick(panel.accept_btn, Qt.MouseButton.LeftButton)
        panel.select(1)
        qtbot.mouseClick(panel.reject_btn, Qt.MouseButton.LeftButton)
        assert [panel.table.item(r, 7).text() for r in range(4)] == ["已确认", "已否定", "未审核", "未审核"]
        assert len(win.reading.report.findings) == 3  # the rejected outline is hidden
        panel.select(3)

        def fill_dialog():  # the add-nodule dialog is modal: answer it as a reader would
            from PySide6.QtWidgets import QApplication

            dlg = QApplication.activeModalWidget()
            dlg.diameter.setValue(7.5)
            dlg.kind.setCurrentIndex(dlg.kind.findData("ground_glass"))
            dlg.accept()

        from PySide6.QtCore import QTimer

        QTimer.singleShot(300, fill_dialog)
        qtbot.mouseClick(panel.add_btn, Qt.MouseButton.LeftButton)
        added = panel.table.rowCount() - 1
        assert added == 4 and panel.table.item(added, 7).text() == "医生添加"
        assert [panel.table.item(added, c).text() for c in (1, 2, 5)] == ["7.5", "磨玻璃", "2"]

        before = {i.sop_instance_uid for i in shell_archive.instances(study_uid=truth.study_uid)}
        win.save_review("王^医生")
        new = [i for i in shell_archive.instances(study_uid=truth.study_uid) if i.sop_instance_uid not in before]
        assert len(new) == 1 and dciodvfy_errors(new[0].path) == []
        back = findings_from_sr(new[0].path)
        assert [f.accepted for f in back.findings] == [True, False, None, None, True]
        assert back.findings[4].kind == "ground_glass" and back.findings[4].diameter_mm == pytest.approx(7.5)
        assert "王" in str(pydicom.dcmread(new[0].path).VerifyingObserverSequence[0].VerifyingObserverName)
        assert not win.review.dirty
    finally:
        win.close()


def test_findings_from_a_seg_alone(tmp_path, ct_phantom_small, qtbot, monkeypatch):
    """A study pre-annotated elsewhere with only a SEG (no SR) still shows its findings."""
    from dicom_objects.ai_results import write_results
    from dicom_node.config import load_config
    from viewer.app import build_window
    from viewer.logic.worklist import newest_findings, study_content_from_folder

    folder = tmp_path / "seg_only"
    folder.mkdir()
    for p in dicom_files(ct_phantom_small):
        shutil.copy(p, folder / p.name)
    src = [pydicom.dcmread(p, stop_before_pixels=True) for p in dicom_files(ct_phantom_small)]
    objs = write_results(report_from_truth(ct_phantom_small), src)
    seg = next(o for o in objs if o.Modality == "SEG")
    seg.save_as(folder / "seg.dcm", enforce_file_format=True)
    content = study_content_from_folder(folder)
    assert content.sr_files == [] and content.seg_files == [folder / "seg.dcm"]
    report, path = newest_findings(content.sr_files, content.seg_files)
    truth = report_from_truth(ct_phantom_small)
    assert path == folder / "seg.dcm" and len(report.findings) == len(truth.findings)
    for f in truth.findings:  # each true nodule has a SEG finding within a slice of its centre
        assert min(np.abs(np.subtract(g.center_lps_mm, f.center_lps_mm)).max() for g in report.findings) < 5.1

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))  # the default config, not a user's copy
    install_language("en")
    win = build_window(load_config(None), folder, start_node=False)
    qtbot.addWidget(win)
    try:
        qtbot.waitUntil(win.reading.is_loaded, timeout=60000)
        assert win.panel.table.rowCount() == len(truth.findings)
    finally:
        win.close()
        install_language("zh_CN")


def test_switching_series_keeps_the_review(tmp_path, folder_with_sr, ct_phantom_small, qtbot, monkeypatch):
    """A second reconstruction of the same study can be chosen; the findings and decisions stay, and the
    saved review still references the series the findings were made on."""
    from dicom_node.config import load_config
    from viewer.app import build_window

    folder = tmp_path / "two_series"
    shutil.copytree(folder_with_sr, folder)
    recon_uid = pydicom.uid.generate_uid()
    for p in dicom_files(ct_phantom_small)[10:20]:  # a 10-slice "thin-slab" series of the same study
        ds = pydicom.dcmread(p)
        ds.SeriesInstanceUID, ds.SeriesNumber, ds.SeriesDescription = recon_uid, 2, "recon"
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = pydicom.uid.generate_uid()
        ds.save_as(folder / f"recon_{p.name}")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    install_language("en")
    win = build_window(load_config(None), folder, start_node=False)
    qtbot.addWidget(win)
    truth = report_from_truth(ct_phantom_small)
    try:
        qtbot.waitUntil(win.reading.is_loaded, timeout=60000)
        assert win.series_combo.count() == 2 and win.series_combo.isEnabled()
        assert win.series.series_uid == truth.series_uid  # the series the SR's findings refer to
        assert "(40 images)" in win.series_combo.currentText()
        win.panel.select(0)
        win.panel.accept_selected()
        win.series_combo.setCurrentIndex(win.series_combo.findData(recon_uid))
        qtbot.waitUntil(lambda: win.reading.is_loaded() and win.series.series_uid == recon_uid, timeout=60000)
        assert len(win.reading.volume.files) == 10
        assert win.review.decisions[0] is True and win.panel.table.rowCount() == 4
        ds = win.review.build_sr(win.source_datasets(), "Dr^Who")
        refs = {str(s.SeriesInstanceUID) for ev in ds.CurrentRequestedProcedureEvidenceSequence
                for s in ev.ReferencedSeriesSequence}
        assert refs == {truth.series_uid}
    finally:
        win.review.dirty = False
        win.close()
        install_language("zh_CN")


def test_radiograph_opens_without_review(tmp_path, dx_phantom, qtbot, monkeypatch):
    from dicom_node.config import load_config
    from viewer.app import build_window

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    install_language("zh_CN")
    win = build_window(load_config(None), dx_phantom, start_node=False)
    qtbot.addWidget(win)
    try:
        qtbot.waitUntil(lambda: win.reading.is_loaded() or bool(win.load_error), timeout=60000)
        assert win.load_error == "" and win.reading.radiograph is not None
        assert win.review is None and not win.panel.save_btn.isEnabled() and not win.panel.add_btn.isEnabled()
        assert win.panel.summary.text() == "结节审核仅适用于 CT 检查。"
    finally:
        win.close()


def test_tpacs_view_receives_and_stops_cleanly(tmp_path):
    """`tpacs view` as the clinic starts it: the node answers at once; SIGTERM closes the window and
    stops the node cleanly (its 'running' marker is gone, so the next start needs no recovery)."""
    import signal
    import time

    port = free_port()
    storage = tmp_path / "storage"
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[node]\nport = {port}\nbind_address = "127.0.0.1"\n[storage]\npath = "{storage}"\n'
                   '[ai]\nenabled = false\n', encoding="utf-8")
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "xdg-config"))
    proc = subprocess.Popen([sys.executable, "-m", "viewer", "view", "--config", str(cfg)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while _echo(port) != 0:
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "the workstation's node never answered C-ECHO"
            time.sleep(0.3)
        assert (storage / "node.running").exists()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not (storage / "node.running").exists()
    assert _echo(port) != 0


def test_closing_while_the_node_starts_leaves_nothing_running(qtbot, shell_cfg):
    from viewer.app import build_window

    port = free_port()
    shell_cfg["node"].update(port=port, bind_address="127.0.0.1")
    win = build_window(shell_cfg)
    qtbot.addWidget(win)
    win.close()  # at once: the start is still running on its thread
    assert win.node is None and win._starting is None
    assert _echo(port) != 0
    assert not (Path(shell_cfg["storage"]["path"]) / "node.running").exists()


def test_a_study_without_images_clears_the_previous_one(tmp_path, folder_with_sr, qtbot, monkeypatch):
    from dicom_node.config import load_config
    from viewer.app import build_window

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    win = build_window(load_config(None), folder_with_sr, start_node=False)
    qtbot.addWidget(win)
    try:
        qtbot.waitUntil(win.reading.is_loaded, timeout=60000)
        only_sr = tmp_path / "only_sr"
        only_sr.mkdir()
        shutil.copy(folder_with_sr / "ai_sr.dcm", only_sr / "ai_sr.dcm")
        assert not win.open_folder(only_sr)
        assert win.load_error and str(only_sr) in win.load_error
        assert win.reading.volume is None and not win.reading.is_loaded()
        assert win.review is None and win.series_combo.count() == 0
    finally:
        win.close()


def test_workstation_uses_the_node_service_and_a_gui_crash_does_not_stop_receiving(tmp_path, dx_phantom):
    """Issue 15.12: with the node running as the installed service, `tpacs view` starts no second node
    (it receives through the service); the viewer killed outright takes nothing down."""
    import signal
    import time

    from tests.node_helpers import running_node

    with running_node(tmp_path / "service") as service:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(PROJECT_ROOT))
        log_path = tmp_path / "viewer.log"
        with open(log_path, "wb") as log:
            viewer = subprocess.Popen([sys.executable, "-m", "viewer", "view", "--config", str(service.config_path)],
                                      cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while "through the node service" not in log_path.read_text(errors="replace"):
                assert viewer.poll() is None and time.monotonic() < deadline, log_path.read_text(errors="replace")
                time.sleep(0.2)
        finally:
            viewer.send_signal(signal.SIGKILL)  # a crash: no clean-up of any kind
            viewer.wait(30)
        assert "embedded node not started" not in log_path.read_text(errors="replace")
        assert (service.storage / "node.running").read_text().strip() == str(service.proc.pid)
        res = subprocess.run(["storescu", "-aec", service.aet, "127.0.0.1", str(service.port),
                              str(dicom_files(dx_phantom)[0])], capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr  # still receiving after the GUI died
        assert len(service.archive().instances()) == 1


def test_window_says_it_receives_through_the_service(qtbot, tmp_path, shell_cfg):
    from tests.node_helpers import running_node
    from viewer.app import build_window

    install_language("en")
    with running_node(tmp_path / "service") as service:
        shell_cfg["storage"]["path"] = str(service.storage)
        shell_cfg["node"].update(port=service.port, bind_address="127.0.0.1")
        win = build_window(shell_cfg)
        qtbot.addWidget(win)
        try:
            assert win.wait_for_node(60) and win.node is None  # receiving, but not by a node of its own
            assert win.service_pid == service.proc.pid and win.node_error == ""
            assert "node service" in win.node_label.text()
        finally:
            win.close()
        assert _echo(service.port) == 0  # closing the window left the service alone
    install_language("zh_CN")
