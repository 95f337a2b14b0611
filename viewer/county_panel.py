"""The county reading station's worklist panel: a thin widget over county.worklist.Worklist.

Shows every study of the county PACS in reading order (township, patient, exam, images, arrived, waited,
due, AI, reading state), filters and search, refreshes on its own (first the known facts at once, then
what the new SRs say), and opens a study: claim it, fetch it with a progress bar (the first image shows
in the preview as soon as it arrives), then `open_requested(folder, study_uid)` for the reading views;
the next studies are prefetched. All logic (order, claims, cache) lives in the `county` package.
"""
from __future__ import annotations

import datetime as _dt
import logging
import threading
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QMessageBox, QProgressBar, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from ai_models.findings import AI_LABEL
from county.claims import ClaimConflict
from county.ordering import DONE_STATES, WorklistFilter, WorklistRow

log = logging.getLogger(__name__)

COLUMNS = ("township", "patient", "sex_age", "exam", "images", "received", "waited", "due", "ai", "state")
STATE_FILTERS = ("open", "", "unread", "claimed", "preliminary", "final", "amended")
MODALITY_CHOICES = ("", "CT", "DX", "CR", "MR")
DAY_CHOICES = (0, 1, 2, 7)  # examined today, in the last 2 or 7 days; 0: any date on the list


def _minutes_text(minutes: int) -> str:
    h, m = divmod(max(0, int(minutes)), 60)
    if h:
        return QCoreApplication.translate("WorklistModel", "%1 h %2 min").replace("%1", str(h)).replace("%2", str(m))
    return QCoreApplication.translate("WorklistModel", "%1 min").replace("%1", str(m))


class WorklistModel(QAbstractTableModel):
    def __init__(self, now, parent=None):
        super().__init__(parent)
        self.rows: list[WorklistRow] = []
        self.now = now  # () -> aware datetime (the worklist's clock)

    def header_text(self, col: int) -> str:
        return (self.tr("Township"), self.tr("Patient"), self.tr("Sex/Age"), self.tr("Exam"), self.tr("Images"),
                self.tr("Arrived"), self.tr("Waited"), self.tr("Due"), self.tr("AI"), self.tr("Reading"))[col]

    def state_text(self, row: WorklistRow) -> str:
        if row.state == "claimed":
            from dicom_objects.values import display_name

            return self.tr("being read by %1").replace("%1", display_name(row.claimed_by) or row.claimed_by)
        return {"unread": self.tr("unread"), "preliminary": self.tr("preliminary"), "final": self.tr("final"),
                "amended": self.tr("amended")}.get(row.state, row.state)

    def ai_text(self, row: WorklistRow) -> str:
        if row.ai_findings is None:
            return "—"
        if row.ai_findings == 0:
            return self.tr("no nodules")
        cat = self.tr("mass") if row.ai_category == "mass" else row.ai_category
        return self.tr("%1 findings, highest %2").replace("%1", str(row.ai_findings)).replace("%2", cat or "—")

    def cell_text(self, row: WorklistRow, col: int) -> str:
        key = COLUMNS[col]
        now = self.now()
        if key == "township":
            return row.township
        if key == "patient":
            return row.patient_name
        if key == "sex_age":
            sex = {"M": self.tr("M"), "F": self.tr("F"), "O": self.tr("O")}.get(row.sex, "")
            age = self.tr("%1 y").replace("%1", str(row.age)) if row.age is not None else ""
            return " / ".join(p for p in (sex, age) if p)
        if key == "exam":
            return " ".join(p for p in (row.modality, row.description) if p)
        if key == "images":
            return str(row.images)
        if key == "received":
            return row.received.strftime("%m-%d %H:%M") if row.received else ""
        if key == "waited":
            w = row.waited(now)
            return _minutes_text(w.total_seconds() // 60) if w is not None else ""
        if key == "due":
            if row.due is None:
                return ""
            text = row.due.strftime("%m-%d %H:%M")
            if row.overdue(now):
                text += " " + self.tr("(overdue %1)").replace(
                    "%1", _minutes_text((now - row.due).total_seconds() // 60))
            return text
        if key == "ai":
            return self.ai_text(row)
        return self.state_text(row)

    def rowCount(self, parent=QModelIndex()):  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.header_text(section)
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole \
                and COLUMNS[section] == "ai":
            return self.tr("AI-detected, for reference only")
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "township":
                return " · ".join(p for p in (row.institution, row.station, row.sending_ae) if p)
            if key == "ai" and row.ai_model:
                return row.ai_model
            return row.patient_id if key == "patient" else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.overdue(self.now()):
                return QBrush(QColor("#f8d7d3"))
            if row.ai_rank >= 5 and row.state not in DONE_STATES:  # 4B and above: flag it
                return QBrush(QColor("#fdebc8"))
        if role == Qt.ItemDataRole.ForegroundRole and row.state in DONE_STATES:
            return QBrush(QColor("#777777"))
        return None

    def set_rows(self, rows: list[WorklistRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()


class CountyPanel(QWidget):
    """The worklist tab of the county role."""

    open_requested = Signal(str, str)      # cache folder, study uid: the study is fetched, open it
    _refreshed = Signal(object, bool)      # rows (or exception), complete? (from the refresh thread)
    _fetch_progress = Signal(int, int)
    _first_image = Signal(str)
    _fetched = Signal(str, object)         # study uid, None or exception

    def __init__(self, worklist, reader: str = "", parent=None):
        super().__init__(parent)
        self.worklist = worklist
        self.reader = reader
        self.model = WorklistModel(worklist.now)
        self.flt = WorklistFilter(state="open")
        self.current_uid: str | None = None
        self._busy = False
        self._fetching: str | None = None
        self._preview_shown = False

        self.search = QLineEdit()
        self.township = QComboBox()
        self.state = QComboBox()
        for s in STATE_FILTERS:
            self.state.addItem(s, s)
        self.modality = QComboBox()
        for m in MODALITY_CHOICES:
            self.modality.addItem(m, m)
        self.days = QComboBox()
        for d in DAY_CHOICES:
            self.days.addItem(str(d), d)
        self.refresh_button = QPushButton()
        bar = QHBoxLayout()
        self.search_label, self.township_label, self.state_label, self.modality_label, self.days_label = (
            QLabel() for _ in range(5))
        for label, w in ((self.search_label, self.search), (self.township_label, self.township),
                         (self.state_label, self.state), (self.modality_label, self.modality),
                         (self.days_label, self.days)):
            bar.addWidget(label)
            bar.addWidget(w, 2 if w is self.search else 1)
        bar.addWidget(self.refresh_button)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda idx: self.open_row(self.model.rows[idx.row()].study_uid))
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumWidth(260)
        self.preview.setStyleSheet("background: #111; color: #bbb")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 1)
        self.status = QLabel()
        self.ai_note = QLabel()
        self.ai_note.setStyleSheet("color: #8a5a00")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.ai_note)
        bottom.addWidget(self.progress)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)
        lay.addLayout(bottom)

        self.search.textChanged.connect(self._filters_changed)
        for combo in (self.township, self.state, self.modality, self.days):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.refresh_button.clicked.connect(self.refresh)
        self._refreshed.connect(self._on_refreshed, Qt.ConnectionType.QueuedConnection)
        self._fetch_progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._first_image.connect(self._show_preview, Qt.ConnectionType.QueuedConnection)
        self._fetched.connect(self._on_fetched, Qt.ConnectionType.QueuedConnection)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(int(float(worklist.ccfg.get("refresh_s", 30)) * 1000))
        self.claim_timer = QTimer(self)  # renew our claim while the study is open
        self.claim_timer.timeout.connect(self._renew_claim)
        self.retranslate_ui()
        if worklist.load_last() is not None:  # the last list at once; the refresh brings it up to date
            self._on_refreshed(list(worklist.rows), False)

    # ------------------------------------------------------------------------------------ texts
    def retranslate_ui(self) -> None:
        self.search.setPlaceholderText(self.tr("name or ID"))
        self.search_label.setText(self.tr("Search:"))
        self.township_label.setText(self.tr("Township:"))
        self.state_label.setText(self.tr("State:"))
        self.modality_label.setText(self.tr("Modality:"))
        self.refresh_button.setText(self.tr("Refresh"))
        names = {"open": self.tr("to read"), "": self.tr("all"), "unread": self.tr("unread"),
                 "claimed": self.tr("being read"), "preliminary": self.tr("preliminary"), "final": self.tr("final"),
                 "amended": self.tr("amended")}
        for i in range(self.state.count()):
            self.state.setItemText(i, names.get(self.state.itemData(i), ""))
        self.modality.setItemText(0, self.tr("all"))
        self.days_label.setText(self.tr("Examined:"))
        day_names = {0: self.tr("any day"), 1: self.tr("today"), 2: self.tr("last 2 days"), 7: self.tr("last 7 days")}
        for i in range(self.days.count()):
            self.days.setItemText(i, day_names.get(self.days.itemData(i), ""))
        if self.township.count():
            self.township.setItemText(0, self.tr("all"))
        self.ai_note.setText(self.tr("AI-detected, for reference only"))
        if not self._preview_shown:
            self.preview.setText(self.tr("Double-click a study to fetch and read it."))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        self._update_status()

    def changeEvent(self, event):  # noqa: N802 - Qt API
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def _update_status(self) -> None:
        rows = self.model.rows
        n_open = sum(1 for r in self.worklist.rows if r.state not in DONE_STATES)
        now = self.worklist.now()
        overdue = sum(1 for r in self.worklist.rows if r.overdue(now))
        text = self.tr("%1 studies shown, %2 to read, %3 overdue").replace("%1", str(len(rows))) \
            .replace("%2", str(n_open)).replace("%3", str(overdue))
        if self.worklist.errors:
            text += " — " + self.tr("not reachable: %1").replace("%1", ", ".join(self.worklist.errors))
        self.status.setText(text)

    # ------------------------------------------------------------------------------------ refresh
    def refresh(self, wait: bool = False) -> None:
        """Refresh in the background: the known facts first (at once), then with the new SRs read."""
        if self._busy:
            return
        self._busy = True

        def work():
            try:
                self._refreshed.emit(list(self.worklist.refresh(read_srs=False)), False)
                self._refreshed.emit(list(self.worklist.refresh(read_srs=True)), True)
            except Exception as exc:  # noqa: BLE001 - shown in the status line
                log.exception("worklist refresh")
                self._refreshed.emit(exc, True)

        self._thread = threading.Thread(target=work, name="county-refresh", daemon=True)
        self._thread.start()
        if wait:
            self._thread.join()
            from PySide6.QtCore import QCoreApplication

            QCoreApplication.sendPostedEvents(self)
            QCoreApplication.processEvents()

    def _on_refreshed(self, rows, complete: bool) -> None:
        if complete:
            self._busy = False
        if isinstance(rows, Exception):
            self.status.setText(self.tr("Worklist not refreshed: %1").replace("%1", str(rows)))
            return
        current = self.township.currentData() or ""
        self.township.blockSignals(True)
        self.township.clear()
        self.township.addItem(self.tr("all"), "")
        for t in self.worklist.townships():
            self.township.addItem(t, t)
        self.township.setCurrentIndex(max(0, self.township.findData(current)))
        self.township.blockSignals(False)
        self._apply_filter()

    def _filters_changed(self) -> None:
        days = int(self.days.currentData() or 0)
        since = (self.worklist.now() - _dt.timedelta(days=days - 1)).strftime("%Y%m%d") if days else ""
        self.flt = WorklistFilter(text=self.search.text(), township=self.township.currentData() or "",
                                  state=self.state.currentData() or "", modality=self.modality.currentData() or "",
                                  date_from=since)
        self._apply_filter()

    def _apply_filter(self) -> None:
        selected = self.selected_uid()
        self.model.set_rows(self.worklist.filtered(self.flt))
        if selected:
            for i, r in enumerate(self.model.rows):
                if r.study_uid == selected:
                    self.table.selectRow(i)
                    break
        self._update_status()

    def selected_uid(self) -> str | None:
        idx = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.rows[idx[0].row()].study_uid if idx else None

    # ------------------------------------------------------------------------------------ opening
    def open_row(self, study_uid: str) -> None:
        """Claim (when a reader is known), fetch with progress, then ask the window to open it."""
        if self._fetching:
            return
        row = self.worklist.row(study_uid)
        if row is None:
            return
        if self.reader and row.state not in DONE_STATES:
            try:
                self.worklist.claim(study_uid, self.reader)
            except ClaimConflict as exc:
                box = QMessageBox.question(self, self.tr("Being read"), self.tr(
                    "%1 is already reading this study at %2. Open it anyway, without claiming it?")
                    .replace("%1", exc.claim.reader).replace("%2", exc.claim.station))
                if box != QMessageBox.StandardButton.Yes:
                    return
            except Exception as exc:  # noqa: BLE001 - claims unreachable: read anyway, say so
                self.status.setText(self.tr("Could not claim the study: %1").replace("%1", str(exc)))
        self._release_previous(study_uid)
        self.current_uid = study_uid
        self._fetching = study_uid
        self._preview_shown = False
        self.preview.setText(self.tr("Fetching…"))
        self.progress.setRange(0, max(row.images, 1))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.model.layoutChanged.emit()

        def work():
            def progress(done, total):
                self._fetch_progress.emit(done, total)
                if not self._preview_shown:
                    self._maybe_preview(study_uid)
            try:
                self.worklist.fetch(study_uid, progress=progress)
            except Exception as exc:  # noqa: BLE001 - shown; what arrived stays for the next try
                self._fetched.emit(study_uid, exc)
                return
            self._fetched.emit(study_uid, None)

        threading.Thread(target=work, name="county-fetch", daemon=True).start()

    def _maybe_preview(self, study_uid: str) -> None:
        folder = self.worklist.cache.folder(study_uid)
        for p in folder.glob("*.dcm"):
            try:
                import pydicom

                ds = pydicom.dcmread(p, stop_before_pixels=True, specific_tags=["Modality", "Rows"])
            except Exception:  # noqa: BLE001
                continue
            if "Rows" in ds and str(ds.get("Modality", "")) not in ("SR", "SEG", "PR", "KO"):
                self._preview_shown = True
                self._first_image.emit(str(p))
                return

    def _show_preview(self, path: str) -> None:
        """The first image of the study, as soon as it has arrived (the reading view opens once all are in)."""
        try:
            import numpy as np
            import pydicom

            from viewer.logic.display import PRESETS, to_grey

            ds = pydicom.dcmread(path)
            arr = ds.pixel_array.astype(np.float32) * float(ds.get("RescaleSlope", 1) or 1) \
                + float(ds.get("RescaleIntercept", 0) or 0)
            if str(ds.get("Modality", "")) == "CT":
                c, w = PRESETS["lung"]
            else:
                lo, hi = np.percentile(arr, [1, 99])
                c, w = (lo + hi) / 2, max(hi - lo, 1)
            grey = np.ascontiguousarray(to_grey(arr, c, w, str(ds.get("PhotometricInterpretation", "")) == "MONOCHROME1"))
            img = QImage(grey.data, grey.shape[1], grey.shape[0], grey.strides[0], QImage.Format.Format_Grayscale8)
            pix = QPixmap.fromImage(img.copy())
            self.preview.setPixmap(pix.scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation))
        except Exception as exc:  # noqa: BLE001 - the preview is a convenience
            log.info("no preview of %s: %s", path, exc)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status.setText(self.tr("Fetching %1 of %2 images…").replace("%1", str(done)).replace("%2", str(total)))

    def _on_fetched(self, study_uid: str, error) -> None:
        self._fetching = None
        self.progress.setVisible(False)
        if error is not None:
            self.status.setText(self.tr("Fetch failed (what arrived is kept; try again): %1").replace("%1", str(error)))
            self.preview.setText(self.tr("Fetch failed"))
            return
        self.status.setText(self.tr("Fetched; opening."))
        ttl = float(self.worklist.ccfg.get("claim_ttl_s", 600))
        self.claim_timer.start(int(max(ttl / 3, 5) * 1000))
        self.open_requested.emit(str(self.worklist.cache.folder(study_uid)), study_uid)
        try:
            self.worklist.prefetch_after(study_uid, self.flt)
        except Exception:  # noqa: BLE001 - prefetch is best effort
            log.exception("prefetch")

    def _renew_claim(self) -> None:
        if self.current_uid and self.reader:
            try:
                self.worklist.claim(self.current_uid, self.reader)
            except Exception as exc:  # noqa: BLE001
                log.info("claim not renewed: %s", exc)

    def _release_previous(self, next_uid: str | None = None) -> None:
        if self.current_uid and self.current_uid != next_uid and self.reader:
            try:
                self.worklist.release(self.current_uid, self.reader)
            except Exception:  # noqa: BLE001
                log.debug("release", exc_info=True)
        self.claim_timer.stop()

    def shutdown(self) -> None:
        self.timer.stop()
        self._release_previous()
        self.worklist.cache.wait_prefetch(0)
