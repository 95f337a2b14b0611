"""Settings: node AE title/port, allowed peers, the county destination, model and device, language.

Everything is validated before anything is written; invalid input shows what is wrong and saves nothing.
Saved with dicom_node.config.save_changes: only what was changed goes into the user's config file (the
rest keeps following the defaults), validated again there, and the file is readable by the user alone.
"""
from __future__ import annotations

import copy
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QPushButton,
                               QVBoxLayout)

from dicom_node.config import ConfigError, save_changes, user_config_path, validate_config
from dicom_node.config_schema import RIGHTS
from viewer.i18n import LANGUAGES, normalize_language
from viewer.logic.review import ReviewError, check_reviewer

def _arg(text: str, value) -> str:
    return text.replace("%1", str(value))


COUNTY = "county"  # name of the destination this dialog edits in cfg["forwarding"]["destinations"]
DEVICES = ("auto", "cpu", "cuda")
ROLES = ("township", "county")


def check_ae(value: str, what: str) -> list[str]:
    v = value.strip()
    if not v:
        return [QCoreApplication.translate("SettingsDialog", "%1: the AE title is empty").replace("%1", what)]
    if len(v) > 16:
        return [_arg(QCoreApplication.translate(
            "SettingsDialog", "%1: the AE title has more than 16 characters"), what)]
    if "\\" in v:
        return [_arg(QCoreApplication.translate(
            "SettingsDialog", "%1: the AE title must not contain a backslash"), what)]
    if not v.isascii() or not v.isprintable():
        return [_arg(QCoreApplication.translate(
            "SettingsDialog", "%1: the AE title must be plain ASCII letters and digits"), what)]
    return []


def check_port(value: str, what: str) -> tuple[int | None, list[str]]:
    try:
        port = int(str(value).strip())
    except ValueError:
        return None, [_arg(QCoreApplication.translate(
            "SettingsDialog", "%1: the port must be a number from 1 to 65535"), what)]
    if not 1 <= port <= 65535:
        return None, [_arg(QCoreApplication.translate(
            "SettingsDialog", "%1: the port must be a number from 1 to 65535"), what)]
    return port, []


def _rights_token(token: str) -> list[str] | None:
    """"store,find" -> ["store", "find"]; None when the token is not a list of rights."""
    words = [w for w in token.lower().split(",") if w]
    return words if words and all(w in RIGHTS for w in words) else None


def parse_peers(text: str) -> tuple[list[dict], list[str]]:
    """One peer a line: "AE_TITLE [host] [rights]" or "* host [rights]" (any AE title from that address);
    rights are any of store,find,get,move separated by commas; none given: all four."""
    peers, errors = [], []
    for n, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        rights = _rights_token(parts[-1]) if len(parts) > 1 else None
        if rights is not None:
            parts = parts[:-1]
        if len(parts) > 2:
            errors.append(_arg(QCoreApplication.translate(
                "SettingsDialog", "Allowed peers, line %1: write \"AE_TITLE host rights\""), str(n)))
            continue
        peer = {}
        if parts[0] != "*":
            errs = check_ae(parts[0], _arg(QCoreApplication.translate(
                "SettingsDialog", "Allowed peers, line %1"), str(n)))
            errors += errs
            peer["ae_title"] = parts[0]
        if len(parts) == 2:
            peer["host"] = parts[1]
        if not peer:
            errors.append(_arg(QCoreApplication.translate(
                "SettingsDialog", "Allowed peers, line %1: give an AE title or a host"), str(n)))
        elif not errors:
            if rights is not None:
                peer["rights"] = [r for r in RIGHTS if r in rights]
            peers.append(peer)
    return peers, errors


def format_peers(peers: list[dict]) -> str:
    return "\n".join(" ".join(x for x in (p.get("ae_title") or "*", p.get("host", ""),
                                          ",".join(p["rights"]) if "rights" in p else "") if x) for p in peers)


def _destinations(cfg: dict) -> list[dict]:
    return cfg.get("forwarding", {}).get("destinations", []) or []


def county_destination(cfg: dict) -> dict | None:
    """The forwarding destination this dialog edits: the one named "county", else (a config written by
    hand) the first DICOM C-STORE destination."""
    for d in _destinations(cfg):
        if d.get("name") == COUNTY:
            return d
    return next((d for d in _destinations(cfg) if d.get("kind", "dicom") == "dicom"), None)


def apply_form(cfg: dict, form: dict) -> tuple[dict, list[str]]:
    """A new config with the form's values, and the list of problems (empty when it can be saved).

    form keys: ae_title, port, allowed_peers (text), county_ae, county_host, county_port, model, device,
    language. The county destination is optional, but when any of its fields is filled all must be valid.
    """
    new = copy.deepcopy(cfg)
    errors = check_ae(form.get("ae_title", ""), QCoreApplication.translate("SettingsDialog", "Node AE title"))
    port, errs = check_port(form.get("port", ""), QCoreApplication.translate("SettingsDialog", "Node port"))
    errors += errs
    peers, errs = parse_peers(form.get("allowed_peers", ""))
    errors += errs

    c_ae, c_host, c_port = (form.get("county_ae", "").strip(), form.get("county_host", "").strip(),
                            str(form.get("county_port", "")).strip())
    county = None
    if c_ae or c_host or c_port:
        errors += check_ae(c_ae, QCoreApplication.translate("SettingsDialog", "County AE title"))
        if not c_host:
            errors.append(QCoreApplication.translate(
                "SettingsDialog", "County host: the host name or address is empty"))
        elif any(ch.isspace() for ch in c_host):
            errors.append(QCoreApplication.translate(
                "SettingsDialog", "County host: the host name must not contain spaces"))
        county_port, errs = check_port(c_port, QCoreApplication.translate("SettingsDialog", "County port"))
        errors += errs
        county = {"ae_title": c_ae, "host": c_host, "port": county_port}

    reviewer = form.get("reviewer", "").strip()
    if reviewer:
        try:
            check_reviewer(reviewer)
        except ReviewError:
            errors.append(QCoreApplication.translate(
                "SettingsDialog", "Reviewer's name: at most 64 characters a part, no backslash"))
    device = form.get("device", "auto")
    if device not in DEVICES:
        errors.append(QCoreApplication.translate("SettingsDialog", "Device must be auto, cpu or cuda"))
    model = form.get("model", "").strip()
    if model and not Path(model).is_dir():
        errors.append(_arg(QCoreApplication.translate(
            "SettingsDialog", "Model: the folder %1 does not exist"), model))
    if errors:
        return cfg, errors

    new["node"]["ae_title"] = form["ae_title"].strip()
    new["node"]["port"] = port
    new["node"]["allowed_peers"] = peers
    dests = list(_destinations(new))
    old = county_destination(new)
    pos = next((i for i, d in enumerate(dests) if d is old), None)
    if pos is not None:
        dests.pop(pos)
    if county is not None:
        entry = copy.deepcopy(old or {})
        entry.update({"name": entry.get("name") or COUNTY, "kind": entry.get("kind") or "dicom", **county})
        dests.insert(pos or 0, entry)
    new.setdefault("forwarding", {})["destinations"] = dests
    new["ai"]["model"] = model
    new["ai"]["device"] = device
    new.setdefault("viewer", {})["language"] = normalize_language(form.get("language"))
    if "reviewer" in form:
        new["viewer"]["reviewer"] = reviewer
    if form.get("role") in ROLES:  # township workstation or county reading station (takes effect on restart)
        new["viewer"]["role"] = form["role"]
    try:
        validate_config(new)
        from dicom_node.forward.config import parse_destinations
        from dicom_node.forward.routing import parse_rules

        parse_rules(new, parse_destinations(new))  # what the forwarder will read, checked the same way
    except ImportError:
        pass
    except ConfigError as exc:
        return cfg, [str(exc)]
    return new, []


class SettingsDialog(QDialog):
    """Edits a copy of the config; `saved_config` holds what was written once accepted."""

    def __init__(self, cfg: dict, save_path: Path | str | None = None, parent=None):
        super().__init__(parent)
        self.cfg = cfg
        self.save_path = Path(save_path) if save_path else user_config_path()
        self.saved_config: dict | None = None
        self.last_errors: list[str] = []

        self.ae = QLineEdit(cfg["node"].get("ae_title", ""))
        self.ae.setMaxLength(64)  # longer than allowed on purpose: the check explains the limit
        self.port = QLineEdit(str(cfg["node"].get("port", "")))
        self.peers = QPlainTextEdit(format_peers(cfg["node"].get("allowed_peers", []) or []))
        self.peers.setMaximumHeight(90)
        self.peers_warning = QLabel()
        self.peers_warning.setWordWrap(True)
        self.peers_warning.setStyleSheet("color: #b36b00")
        dest = county_destination(cfg) or {}
        self.county_ae = QLineEdit(str(dest.get("ae_title", "")))
        self.county_host = QLineEdit(str(dest.get("host", "")))
        self.county_port = QLineEdit(str(dest.get("port", "")) if dest else "")
        self.model = QLineEdit(str(cfg["ai"].get("model", "")))
        self.model_browse = QPushButton()
        self.device = QComboBox()
        for d in DEVICES:
            self.device.addItem(d, d)
        self.device.setCurrentIndex(max(0, self.device.findData(cfg["ai"].get("device", "auto"))))
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(
            max(0, self.language.findData(normalize_language(cfg.get("viewer", {}).get("language")))))

        self.node_box = QGroupBox()
        self.node_form = QFormLayout(self.node_box)
        self.node_form.addRow(QLabel(), self.ae)
        self.node_form.addRow(QLabel(), self.port)
        self.node_form.addRow(QLabel(), self.peers)
        self.node_form.addRow(self.peers_warning)
        self.county_box = QGroupBox()
        self.county_form = QFormLayout(self.county_box)
        self.county_form.addRow(QLabel(), self.county_ae)
        self.county_form.addRow(QLabel(), self.county_host)
        self.county_form.addRow(QLabel(), self.county_port)
        self.ai_box = QGroupBox()
        self.ai_form = QFormLayout(self.ai_box)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.model_browse)
        self.ai_form.addRow(QLabel(), model_row)
        self.ai_form.addRow(QLabel(), self.device)
        self.reviewer = QLineEdit(str(cfg.get("viewer", {}).get("reviewer", "") or ""))
        self.ui_box = QGroupBox()
        self.ui_form = QFormLayout(self.ui_box)
        self.ui_form.addRow(QLabel(), self.language)
        self.ui_form.addRow(QLabel(), self.reviewer)
        self.role = QComboBox()
        for r in ROLES:
            self.role.addItem(r, r)
        self.role.setCurrentIndex(max(0, self.role.findData(cfg.get("viewer", {}).get("role", "township"))))
        self.ui_form.addRow(QLabel(), self.role)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.model_browse.clicked.connect(self._browse_model)
        self.peers.textChanged.connect(self._update_warning)

        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        for w in (self.node_box, self.county_box, self.ai_box, self.ui_box):
            lay.addWidget(w)
        lay.addWidget(self.buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.node_box.setTitle(self.tr("This workstation (DICOM node)"))
        self.county_box.setTitle(self.tr("County reading centre (forwarding destination)"))
        self.ai_box.setTitle(self.tr("AI model"))
        self.ui_box.setTitle(self.tr("User interface"))
        labels = [(self.node_form, 0, self.tr("AE title:")), (self.node_form, 1, self.tr("Port:")),
                  (self.node_form, 2, self.tr("Allowed peers, one a line:\nAE_TITLE host rights\n"
                                              "(rights: store,find,get,move)")),
                  (self.county_form, 0, self.tr("AE title:")), (self.county_form, 1, self.tr("Host:")),
                  (self.county_form, 2, self.tr("Port:")), (self.ai_form, 0, self.tr("Model folder:")),
                  (self.ai_form, 1, self.tr("Device:")), (self.ui_form, 0, self.tr("Language:")),
                  (self.ui_form, 1, self.tr("Reviewer's name:")), (self.ui_form, 2, self.tr("Role:"))]
        for form, row, text in labels:
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and item.widget() is not None:
                item.widget().setText(text)
        self.model.setPlaceholderText(self.tr("empty: the model shipped with township-pacs"))
        self.reviewer.setPlaceholderText(self.tr("e.g. 王^医生; empty: asked when a review is saved"))
        self.model_browse.setText(self.tr("Browse…"))
        device_names = {"auto": self.tr("automatic (GPU when there is one)"), "cpu": "CPU", "cuda": "GPU (CUDA)"}
        for i in range(self.device.count()):
            self.device.setItemText(i, device_names.get(self.device.itemData(i), self.device.itemData(i)))
        role_names = {"township": self.tr("township workstation"),
                      "county": self.tr("county reading station (restart to switch)")}
        for i in range(self.role.count()):
            self.role.setItemText(i, role_names.get(self.role.itemData(i), self.role.itemData(i)))
        self._update_warning()

    def _update_warning(self) -> None:
        empty = not self.peers.toPlainText().strip()
        self.peers_warning.setText(self.tr("Any device on the network may send studies: list the allowed peers.")
                                   if empty else "")
        self.peers_warning.setVisible(empty)

    def _browse_model(self) -> None:
        d = QFileDialog.getExistingDirectory(self, self.tr("Model folder"), self.model.text())
        if d:
            self.model.setText(d)

    def form(self) -> dict:
        return {"ae_title": self.ae.text(), "port": self.port.text(), "allowed_peers": self.peers.toPlainText(),
                "county_ae": self.county_ae.text(), "county_host": self.county_host.text(),
                "county_port": self.county_port.text(), "model": self.model.text(),
                "device": self.device.currentData(), "language": self.language.currentData(),
                "reviewer": self.reviewer.text(), "role": self.role.currentData()}

    def try_save(self) -> bool:
        """Validate and write; False (nothing written) with `last_errors` set when the input is invalid."""
        new, errors = apply_form(self.cfg, self.form())
        self.last_errors = errors
        if errors:
            return False
        try:
            save_changes(self.cfg, new, self.save_path)
        except (ConfigError, OSError) as exc:
            self.last_errors = [str(exc)]
            return False
        self.saved_config = new
        return True

    def save(self) -> None:
        if self.try_save():
            self.accept()
        else:
            QMessageBox.warning(self, self.tr("Settings not saved"),
                                self.tr("Please correct:") + "\n\n" + "\n".join("• " + e for e in self.last_errors))
