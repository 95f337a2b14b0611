"""The study browser: the archive's studies with search, AI and forwarding state; new studies appear as
they arrive (the index is polled; a poll that finds nothing changed touches nothing)."""
from __future__ import annotations

import logging

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from viewer.logic.worklist import (STATUS_FILTERS, IndexWatch, StudyFilter, StudyRow, change_key, image_count,
                                   query_studies, study_row, too_thick_mm)

log = logging.getLogger(__name__)

COLUMNS = ("patient", "patient_id", "sex_age", "date", "modality", "description", "images", "ai", "forward", "report")
MODALITY_CHOICES = ("", "CT", "DX", "CR", "DR", "MR", "US", "MG")


class StudyTableModel(QAbstractTableModel):
    """Rows of StudyRow; the texts are translated here, the facts come from viewer.logic.worklist."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[StudyRow] = []
        self._texts: list[list[str]] = []  # display texts, made once per refresh (data() is called a lot)

    # --- texts
    def header_text(self, col: int) -> str:
        return (self.tr("Patient"), self.tr("Patient ID"), self.tr("Sex/Age"), self.tr("Date"),
                self.tr("Modality"), self.tr("Description"), self.tr("Images"), self.tr("AI"),
                self.tr("Forwarding"), self.tr("Report"))[col]

    def sex_age_text(self, row: StudyRow) -> str:
        sex = {"M": self.tr("M"), "F": self.tr("F"), "O": self.tr("O")}.get(row.sex, "")
        age = self.tr("%1 y").replace("%1", str(row.age)) if row.age is not None else ""
        return " / ".join(p for p in (sex, age) if p)

    def ai_text(self, row: StudyRow) -> str:
        s = row.ai_state
        if not s and row.receiving:
            return self.tr("receiving…")
        if s == "done":
            if row.ai_findings is None:
                return self.tr("done")
            return self.tr("%1 findings").replace("%1", str(row.ai_findings))
        thick = too_thick_mm(row)
        if thick is not None:  # the model does not read such slices: say so, in the user's language
            return self.tr("%1 mm slices: too thick for nodule detection").replace("%1", f"{thick:g}")
        return {"pending": self.tr("pending"), "running": self.tr("running"), "failed": self.tr("failed"),
                "skipped": self.tr("not applicable")}.get(s, s)

    def forward_text(self, row: StudyRow) -> str:
        s = row.forward_state
        return {"queued": self.tr("queued"), "sending": self.tr("sending"), "sent": self.tr("sent"),
                "failed": self.tr("failed")}.get(s, s)

    def report_text(self, row: StudyRow) -> str:
        """none / preliminary / final / amended / critical (a critical result outranks its state)."""
        if row.report_critical:
            return self.tr("critical")
        return {"preliminary": self.tr("preliminary"), "final": self.tr("final"),
                "amended": self.tr("amended")}.get(row.report_state, self.tr("none"))

    def cell_text(self, row: StudyRow, col: int) -> str:
        key = COLUMNS[col]
        if key == "patient":
            return row.patient
        if key == "patient_id":
            return row.patient_id
        if key == "sex_age":
            return self.sex_age_text(row)
        if key == "date":
            return row.date
        if key == "modality":
            return row.modality
        if key == "description":
            return row.description
        if key == "images":
            return str(row.images)
        if key == "ai":
            return self.ai_text(row)
        if key == "report":
            return self.report_text(row)
        return self.forward_text(row)

    # --- Qt model
    def rowCount(self, parent=QModelIndex()):  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.header_text(section)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "ai" and row.ai_detail:
                return row.ai_detail
            if key == "forward" and row.forward_detail:
                return row.forward_detail
            if key == "report" and row.report_critical:
                return self.tr("Critical result; the report is %1").replace(
                    "%1", {"preliminary": self.tr("preliminary"), "final": self.tr("final"),
                           "amended": self.tr("amended")}.get(row.report_state, row.report_state))
        if role == Qt.ItemDataRole.ForegroundRole and key == "report" and row.report_critical:
            return QBrush(QColor(200, 30, 30))
        if role == Qt.ItemDataRole.FontRole and key == "report" and row.report_critical:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if (key == "ai" and row.ai_state == "failed") or (key == "forward" and row.forward_state == "failed"):
                return QBrush(QColor(200, 30, 30))
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "images":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.study_uid
        return None

    def _make_texts(self, rows: list[StudyRow]) -> list[list[str]]:
        return [[self.cell_text(r, c) for c in range(len(COLUMNS))] for r in rows]

    def set_rows(self, rows: list[StudyRow]) -> bool:
        """Show these rows; True when the set of studies changed (not only their states)."""
        old = [r.study_uid for r in self.rows]
        new = [r.study_uid for r in rows]
        texts = self._make_texts(rows)
        if old == new and rows:
            self.rows, self._texts = rows, texts
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
            return False
        self.beginResetModel()
        self.rows, self._texts = rows, texts
        self.endResetModel()
        return True

    def retranslate(self) -> None:
        self._texts = self._make_texts(self.rows)
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))


class BrowserWidget(QWidget):
    """Search bar + study table. `study_activated(study_uid)` on double-click or Enter."""

    study_activated = Signal(str)
    report_requested = Signal(str)  # the 报告 cell of a study with a report was double-clicked
    refreshed = Signal(int)  # number of rows shown

    def __init__(self, archive=None, cfg: dict | None = None, parent=None):
        super().__init__(parent)
        self.archive = archive
        vcfg = (cfg or {}).get("viewer", {})
        self.limit = int(vcfg.get("browser_limit", 500))
        # A study not yet stable is "receiving" for twice the node's quiet period after its last image.
        self.receiving_window_s = 2 * float((cfg or {}).get("stability", {}).get("quiet_seconds", 30))
        self._last_key: tuple | None = None
        self._image_counts: dict[tuple, int] = {}
        self._watch = IndexWatch(archive) if archive is not None else None

        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.date_check = QCheckBox()
        self.date_from = QDateEdit(QDate.currentDate().addDays(-7))
        self.date_to = QDateEdit(QDate.currentDate())
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
        self.modality = QComboBox()
        self.status = QComboBox()
        self.open_button = QPushButton()
        self.count_label = QLabel()
        self.search_label = QLabel()
        self.date_sep = QLabel("–")
        self.modality_label = QLabel()
        self.status_label = QLabel()

        bar = QHBoxLayout()
        for w in (self.search_label, self.search, self.date_check, self.date_from, self.date_sep, self.date_to,
                  self.modality_label, self.modality, self.status_label, self.status, self.open_button):
            bar.addWidget(w)
        bar.setStretch(1, 2)

        self.model = StudyTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Column widths from the first rows only: sizing over thousands of rows would stall each refresh.
        self.table.horizontalHeader().setResizeContentsPrecision(int(vcfg.get("browser_sizing_rows", 100)))

        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.count_label)

        self.retranslate_ui()

        self.search.textChanged.connect(self.refresh)
        self.date_check.toggled.connect(self._dates_toggled)
        self.date_from.dateChanged.connect(self.refresh)
        self.date_to.dateChanged.connect(self.refresh)
        self.modality.currentIndexChanged.connect(self.refresh)
        self.status.currentIndexChanged.connect(self.refresh)
        self.table.doubleClicked.connect(self._activated)
        self.table.activated.connect(self._activated)
        self.open_button.clicked.connect(self._open_selected)

        self.timer = QTimer(self)
        self.timer.setInterval(int(float(vcfg.get("browser_poll_s", 2.0)) * 1000))
        self.timer.timeout.connect(self.poll)
        if self.archive is not None:
            self.timer.start()
        self.refresh()

    # --- language
    def retranslate_ui(self) -> None:
        self.search_label.setText(self.tr("Search:"))
        self.search.setPlaceholderText(self.tr("Patient name or ID"))
        self.date_check.setText(self.tr("Date"))
        self.modality_label.setText(self.tr("Modality:"))
        self.status_label.setText(self.tr("Status:"))
        self.open_button.setText(self.tr("Open"))
        m, s = self.modality.currentIndex(), self.status.currentIndex()
        self.modality.blockSignals(True)
        self.modality.clear()
        for code in MODALITY_CHOICES:
            self.modality.addItem(code or self.tr("All"), code)
        self.modality.setCurrentIndex(max(m, 0))
        self.modality.blockSignals(False)
        labels = {"": self.tr("All"), "ai:pending": self.tr("AI pending"), "ai:running": self.tr("AI running"),
                  "ai:done": self.tr("AI done"), "ai:failed": self.tr("AI failed"),
                  "fwd:queued": self.tr("Forwarding queued"), "fwd:sending": self.tr("Forwarding now"),
                  "fwd:sent": self.tr("Forwarded"), "fwd:failed": self.tr("Forwarding failed")}
        self.status.blockSignals(True)
        self.status.clear()
        for code in STATUS_FILTERS:
            self.status.addItem(labels[code], code)
        self.status.setCurrentIndex(max(s, 0))
        self.status.blockSignals(False)
        self.model.retranslate()
        self._update_count()

    def changeEvent(self, event):  # noqa: N802 - Qt API
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # --- data
    def current_filter(self) -> StudyFilter:
        flt = StudyFilter(text=self.search.text().strip(), modality=self.modality.currentData() or "",
                          status=self.status.currentData() or "")
        if self.date_check.isChecked():
            flt.date_from = self.date_from.date().toString("yyyyMMdd")
            flt.date_to = self.date_to.date().toString("yyyyMMdd")
        return flt

    def set_archive(self, archive) -> None:
        self.archive = archive
        self._last_key = None
        if self._watch is not None:
            self._watch.close()
        self._watch = IndexWatch(archive) if archive is not None else None
        if archive is not None and not self.timer.isActive():
            self.timer.start()
        self.refresh()

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.refresh()

    def refresh(self, *_args) -> None:
        """Re-run the query now (a filter changed)."""
        self._last_key = None
        self.poll(force=True)

    def poll(self, force: bool = False) -> None:
        """The timer's look at the index: the study query runs only when something was committed."""
        if self.archive is None:
            self.model.set_rows([])
            self._update_count()
            return
        if self._watch is not None and not self._watch.changed() and not force:
            return
        try:
            recs = query_studies(self.archive, self.current_filter(), limit=self.limit)
        except Exception as exc:  # noqa: BLE001 - a locked or damaged index must not kill the browser
            log.warning("study query failed: %s", exc)
            return
        key = change_key(recs)
        if key == self._last_key:
            return
        self._last_key = key
        selected = self.selected_study()
        rows = [study_row(r, self._images(r), receiving_within_s=self.receiving_window_s) for r in recs]
        self._report_states(rows)
        if self.model.set_rows(rows) and recs:
            self.table.resizeColumnsToContents()
        elif recs:  # only states changed: the two state columns may need room for their new words
            for key in ("ai", "forward", "report"):
                self.table.resizeColumnToContents(COLUMNS.index(key))
        if selected:
            self.select_study(selected)
        self._update_count()
        self.refreshed.emit(len(recs))

    def _report_states(self, rows: list[StudyRow]) -> None:
        """The 报告 column: the newest report that came home for each study (dicom_node.report_inbox)."""
        from dicom_node.report_inbox import ReportInbox

        inbox = getattr(self, "_inbox", None)
        if inbox is None or inbox.archive is not self.archive:
            inbox = self._inbox = ReportInbox(self.archive, {})
        try:
            states = inbox.study_states()
        except Exception as exc:  # noqa: BLE001 - an index without the reports table (older release)
            log.debug("report states: %s", exc)
            return
        for row in rows:
            row.report_state, row.report_critical = states.get(row.study_uid, ("", False))

    def _images(self, rec) -> int | None:
        """Image count without our SR/SEG/GSPS; cached until the study's instance count changes."""
        key = (rec.study_uid, rec.num_instances)
        if key not in self._image_counts:
            try:
                self._image_counts[key] = image_count(self.archive, rec.study_uid)
            except Exception:  # noqa: BLE001 - fall back to the study's instance count
                return None
        return self._image_counts[key]

    def _update_count(self) -> None:
        self.count_label.setText(self.tr("%1 studies").replace("%1", str(self.model.rowCount())))

    # --- selection
    def selected_study(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.rows[rows[0].row()].study_uid if rows else None

    def select_study(self, study_uid: str) -> bool:
        for i, r in enumerate(self.model.rows):
            if r.study_uid == study_uid:
                self.table.selectRow(i)
                return True
        return False

    def _activated(self, index) -> None:
        if index.isValid() and COLUMNS[index.column()] == "report" and self.model.rows[index.row()].report_state:
            self.report_requested.emit(self.model.rows[index.row()].study_uid)
            return
        if index.isValid():
            self.study_activated.emit(self.model.rows[index.row()].study_uid)

    def _open_selected(self) -> None:
        uid = self.selected_study()
        if uid:
            self.study_activated.emit(uid)
