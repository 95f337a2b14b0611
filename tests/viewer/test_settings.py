"""The settings dialog validates before it writes; invalid input saves nothing."""
from __future__ import annotations

import pytest

from dicom_node.config import load_config
from tests.viewer.shell_helpers import reset_language, shell_cfg  # noqa: F401
from viewer.i18n import install_language
from viewer.settings_dialog import SettingsDialog, apply_form

pytestmark = pytest.mark.gui

GOOD = {"ae_title": "CLINIC_A", "port": "11113", "allowed_peers": "MOBILE_CT 192.168.1.20\n* 10.0.0.7\n",
        "county_ae": "COUNTY_PACS", "county_host": "10.1.1.1", "county_port": "104", "model": "",
        "device": "cpu", "language": "en", "reviewer": "李^医生"}


@pytest.mark.parametrize("field,value", [
    ("ae_title", ""), ("ae_title", "A" * 17), ("ae_title", "BAD\\AE"), ("ae_title", "诊所"),
    ("port", "0"), ("port", "65536"), ("port", "eleven"), ("port", ""),
    ("allowed_peers", "MOBILE_CT 10.0.0.1 extra"), ("allowed_peers", "TOO_LONG_AE_TITLE_X 10.0.0.1"),
    ("county_host", ""), ("county_port", "99999"), ("county_ae", ""), ("county_ae", "C\\P"),
    ("device", "tpu"), ("model", "/no/such/model/folder"), ("reviewer", "a\\b"), ("reviewer", "x" * 65),
])
def test_invalid_input_is_refused(shell_cfg, field, value):
    cfg, errors = apply_form(shell_cfg, {**GOOD, field: value})
    assert errors, f"{field}={value!r} was accepted"
    assert cfg is shell_cfg


def test_valid_form(shell_cfg):
    shell_cfg["forwarding"]["destinations"] = [{"name": "backup", "kind": "stow", "url": "http://10.2.2.2/dicom-web"}]
    new, errors = apply_form(shell_cfg, GOOD)
    assert errors == []
    assert new["node"]["ae_title"] == "CLINIC_A" and new["node"]["port"] == 11113
    assert new["node"]["allowed_peers"] == [{"ae_title": "MOBILE_CT", "host": "192.168.1.20"}, {"host": "10.0.0.7"}]
    county = next(d for d in new["forwarding"]["destinations"] if d["name"] == "county")
    assert county == {"name": "county", "kind": "dicom", "ae_title": "COUNTY_PACS", "host": "10.1.1.1", "port": 104}
    assert any(d["name"] == "backup" for d in new["forwarding"]["destinations"])  # others are kept
    assert new["ai"]["device"] == "cpu" and new["viewer"]["language"] == "en"
    assert new["viewer"]["reviewer"] == "李^医生"
    assert shell_cfg["node"]["ae_title"] == "TPACS"  # the running config is not changed in place
    # an empty county section removes the county destination and nothing else
    new2, errors = apply_form(new, {**GOOD, "county_ae": "", "county_host": "", "county_port": ""})
    assert errors == [] and [d["name"] for d in new2["forwarding"]["destinations"]] == ["backup"]


def _fill(dlg: SettingsDialog, form: dict) -> None:
    dlg.ae.setText(form["ae_title"])
    dlg.port.setText(form["port"])
    dlg.peers.setPlainText(form["allowed_peers"])
    dlg.county_ae.setText(form["county_ae"])
    dlg.county_host.setText(form["county_host"])
    dlg.county_port.setText(form["county_port"])
    dlg.model.setText(form["model"])
    dlg.device.setCurrentIndex(dlg.device.findData(form["device"]))
    dlg.language.setCurrentIndex(dlg.language.findData(form["language"]))
    dlg.reviewer.setText(form["reviewer"])


def test_dialog_saves_only_valid_settings(qtbot, shell_cfg, tmp_path):
    install_language("zh_CN")
    path = tmp_path / "user" / "config.toml"
    dlg = SettingsDialog(shell_cfg, save_path=path)
    qtbot.addWidget(dlg)
    assert dlg.windowTitle() == "设置"
    assert dlg.node_form.labelForField(dlg.ae).text() == "AE 名称："  # every field is labelled
    assert dlg.county_form.labelForField(dlg.county_host).text() == "主机："
    assert dlg.ui_form.labelForField(dlg.reviewer).text() == "审核医生姓名："
    assert dlg.peers_warning.isVisibleTo(dlg)  # the shipped empty allow-list is warned about

    _fill(dlg, {**GOOD, "ae_title": "THIS_AE_TITLE_IS_TOO_LONG", "county_host": ""})
    assert not dlg.try_save()
    assert len(dlg.last_errors) == 2 and any("16" in e for e in dlg.last_errors)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in e) for e in dlg.last_errors)  # said in Chinese
    assert not path.exists() and dlg.saved_config is None

    _fill(dlg, GOOD)
    assert not dlg.peers_warning.isVisibleTo(dlg)
    assert dlg.try_save(), dlg.last_errors
    saved = load_config(path)
    assert saved["node"]["ae_title"] == "CLINIC_A" and saved["node"]["port"] == 11113
    assert saved["node"]["allowed_peers"][0] == {"ae_title": "MOBILE_CT", "host": "192.168.1.20"}
    assert saved["forwarding"]["destinations"][0]["host"] == "10.1.1.1" and saved["ai"]["device"] == "cpu"
    assert saved["viewer"]["language"] == "en" and saved["viewer"]["reviewer"] == "李^医生"

    # reopening shows what was saved
    again = SettingsDialog(saved, save_path=path)
    qtbot.addWidget(again)
    assert again.form()["county_ae"] == "COUNTY_PACS" and "MOBILE_CT 192.168.1.20" in again.form()["allowed_peers"]


def test_save_button_with_bad_input_shows_why(qtbot, shell_cfg, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

    install_language("en")
    path = tmp_path / "config.toml"
    dlg = SettingsDialog(shell_cfg, save_path=path)
    qtbot.addWidget(dlg)
    _fill(dlg, {**GOOD, "port": "70000"})
    seen = []

    def read_and_close():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()

    QTimer.singleShot(300, read_and_close)
    dlg.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert seen and "Node port" in seen[0] and "65535" in seen[0]
    assert not path.exists() and dlg.result() == 0
    install_language("zh_CN")


def test_peer_rights_in_the_dialog(shell_cfg):
    text = "MOBILE_CT 192.168.1.20 store\nDOCTOR_WS 10.0.0.9 find,get\n* 10.0.0.7\n"
    new, errors = apply_form(shell_cfg, {**GOOD, "allowed_peers": text})
    assert errors == []
    assert new["node"]["allowed_peers"] == [{"ae_title": "MOBILE_CT", "host": "192.168.1.20", "rights": ["store"]},
                                            {"ae_title": "DOCTOR_WS", "host": "10.0.0.9", "rights": ["find", "get"]},
                                            {"host": "10.0.0.7"}]
    from viewer.settings_dialog import format_peers, parse_peers

    assert parse_peers(format_peers(new["node"]["allowed_peers"]))[0] == new["node"]["allowed_peers"]
    for bad in ("DOCTOR_WS 10.0.0.9 find,delete", "DOCTOR_WS 10.0.0.9 find get"):
        assert apply_form(shell_cfg, {**GOOD, "allowed_peers": bad})[1], bad


def test_dialog_writes_only_what_was_changed_readable_by_the_user_alone(qtbot, shell_cfg, tmp_path):
    import stat
    import tomllib

    path = tmp_path / "config.toml"
    path.write_text('[forwarding]\nbackoff_cap_s = 600.0\n\n[[forwarding.destinations]]\nname = "web"\nkind = "stow"\n'
                    'url = "https://pacs.county/dicom-web"\ntoken = "s3cret"\n', encoding="utf-8")
    path.chmod(0o644)
    cfg = load_config(path)
    dlg = SettingsDialog(cfg, save_path=path)
    qtbot.addWidget(dlg)
    dlg.port.setText("11200")
    assert dlg.try_save(), dlg.last_errors
    saved = tomllib.loads(path.read_text(encoding="utf-8"))
    assert saved == {"node": {"port": 11200}, "forwarding": {"backoff_cap_s": 600.0, "destinations": [
        {"name": "web", "kind": "stow", "url": "https://pacs.county/dicom-web", "token": "s3cret"}]}}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # the STOW token is the user's alone
