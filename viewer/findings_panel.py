"""The AI findings panel: the list, overlays on/off, and the reader's review (logic in viewer.logic.review)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QGridLayout, QHeaderView, QInputDialog, QLabel, QMessageBox, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from viewer.logic.review import MAX_DIAMETER_MM, MIN_DIAMETER_MM, Review, ReviewError, ai_label_parts, slice_number

N_COLS = 8


class FindingsPanel(QWidget):
    finding_selected = Signal(object)  # centre (x, y, z) LPS mm
    overlays_toggled = Signal(bool)
    findings_changed = Signal(object)  # FindingsReport as the reader leaves it (for the outlines)
    save_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.review: Review | None = None
        self.crosshair_lps = None  # callable -> (x, y, z) or None; set by the main window
        self._positions: list[float] = []
        self._normal = (0.0, 0.0, 1.0)

        self.title = QLabel()
        # What the list is: AI output, for reference only, from which model and how validated.
        self.disclaimer = QLabel()
        self.disclaimer.setWordWrap(True)
        self.disclaimer.setStyleSheet("color: #b06000;")
        self.table = QTableWidget(0, N_COLS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.overlays = QCheckBox()
        self.overlays.setChecked(True)
        self.accept_btn = QPushButton()
        self.reject_btn = QPushButton()
        self.correct_btn = QPushButton()
        self.add_btn = QPushButton()
        self.save_btn = QPushButton()
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        buttons = QGridLayout()
        buttons.addWidget(self.accept_btn, 0, 0)
        buttons.addWidget(self.reject_btn, 0, 1)
        buttons.addWidget(self.correct_btn, 1, 0)
        buttons.addWidget(self.add_btn, 1, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.disclaimer)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.overlays)
        lay.addLayout(buttons)
        lay.addWidget(self.save_btn)
        lay.addWidget(self.summary)

        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.cellClicked.connect(lambda r, _c: self._emit_center(r))
        self.overlays.toggled.connect(self.overlays_toggled)
        self.accept_btn.clicked.connect(self.accept_selected)
        self.reject_btn.clicked.connect(self.reject_selected)
        self.correct_btn.clicked.connect(self._ask_diameter)
        self.add_btn.clicked.connect(self._ask_add)
        self.save_btn.clicked.connect(self.save_requested)
        self.retranslate_ui()
        self.set_review(None)

    # --- language
    def retranslate_ui(self) -> None:
        self.title.setText(self.tr("AI findings"))
        self.table.setHorizontalHeaderLabels([self.tr("#"), self.tr("Long/mean (mm)"), self.tr("Kind"),
                                              self.tr("Location"), self.tr("Probability"), self.tr("Lung-RADS"),
                                              self.tr("Slice"), self.tr("Review")])
        self.overlays.setText(self.tr("Show outlines"))
        self.accept_btn.setText(self.tr("Accept"))
        self.reject_btn.setText(self.tr("Reject"))
        self.correct_btn.setText(self.tr("Correct diameter…"))
        self.add_btn.setText(self.tr("Add nodule at crosshair…"))
        self.save_btn.setText(self.tr("Save review"))
        self._fill()

    def changeEvent(self, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def kind_text(self, kind: str) -> str:
        return {"solid": self.tr("solid"), "part_solid": self.tr("part-solid"),
                "ground_glass": self.tr("ground-glass"), "calcified": self.tr("calcified"),
                "mass": self.tr("mass"), "unknown": self.tr("unknown")}.get(kind, kind)

    def location_text(self, f) -> str:
        side = {"R": self.tr("right lung"), "L": self.tr("left lung")}.get(f.lung_side, "")
        zone = {"upper": self.tr("upper zone"), "middle": self.tr("middle zone"),
                "lower": self.tr("lower zone")}.get(f.lung_zone, "")
        return self.tr("%1 %2").replace("%1", side).replace("%2", zone).strip() if side else ""

    def disclaimer_text(self) -> str:
        model, validation = ai_label_parts(self.review.source_report.model) if self.review else ("", "")
        text = self.tr("AI-detected, for reference only")
        if model:
            text += " · " + model
        if validation:
            # The shipped cards' wording is translated; a user model's own words are shown as written.
            text += " · " + {"not clinically validated": self.tr("not clinically validated"),
                             "not validated on real scans": self.tr("not validated on real scans")}.get(validation,
                                                                                                      validation)
        return text

    def decision_text(self, item) -> str:
        base = {True: self.tr("accepted"), False: self.tr("rejected"), None: self.tr("not reviewed")}[item.decision]
        if item.added:
            return self.tr("added")
        if item.corrected:
            return base + " · " + self.tr("corrected")
        return base

    # --- content
    def set_review(self, review: Review | None, reviewable: bool = True) -> None:
        """The review to show; reviewable False: a study the findings review does not apply to
        (a radiograph: the nodule model and the review SR are for CT)."""
        self.review = review
        self._reviewable = reviewable
        self.table.clearSelection()  # a new study starts on its first finding, not the old row number
        self._fill()
        if review is not None:
            self.findings_changed.emit(review.report())

    def set_slice_positions(self, positions: list[float], normal=(0.0, 0.0, 1.0)) -> None:
        """Positions of the displayed series' slices along `normal` (mm), so the list can show slice numbers."""
        self._positions = list(positions)
        self._normal = tuple(normal)
        self._fill()

    def _fill(self) -> None:
        sel = self.selected_index()
        items = self.review.items if self.review else []
        ai_items = any(not it.added for it in items)
        self.disclaimer.setText(self.disclaimer_text() if ai_items else "")
        self.disclaimer.setVisible(ai_items)
        self.table.setRowCount(len(items))
        for r, it in enumerate(items):
            f = it.finding
            sl = slice_number(f.center_lps_mm, self._positions, self._normal)
            score = "—" if it.added else f"{100 * f.score:.0f}%"  # the reader's own nodule has no model score
            size = f"{f.diameter_mm:.1f}" if it.added else f"{f.diameter_mm:.1f} / {f.mean_or_long_mm:.1f}"
            texts = [str(r + 1), size, self.kind_text(f.kind), self.location_text(f), score, f.lung_rads,
                     "" if sl is None else str(sl), self.decision_text(it)]
            for c, t in enumerate(texts):
                cell = QTableWidgetItem(t)
                if c in (0, 1, 4, 6):
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if it.decision is False:
                    cell.setForeground(QBrush(QColor(150, 150, 150)))
                elif it.decision is True:
                    cell.setForeground(QBrush(QColor(20, 130, 40)))
                self.table.setItem(r, c, cell)
        if sel is not None and sel < len(items):
            self.table.selectRow(sel)
        has = bool(items)
        for b in (self.accept_btn, self.reject_btn, self.correct_btn):
            b.setEnabled(has)
        self.add_btn.setEnabled(self.review is not None)
        self.save_btn.setEnabled(self.review is not None)
        if self.review is None and not getattr(self, "_reviewable", True):
            self.summary.setText(self.tr("Findings review is for CT studies."))
        elif self.review is None:
            self.summary.setText(self.tr("No study open."))
        elif not items:
            self.summary.setText(self.tr("No AI findings for this study."))
        else:
            c = self.review.counts()
            self.summary.setText(self.tr("%1 accepted, %2 rejected, %3 not reviewed")
                                 .replace("%1", str(c["accepted"])).replace("%2", str(c["rejected"]))
                                 .replace("%3", str(c["undecided"])))

    # --- selection
    def selected_index(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].row() if rows else None

    def select(self, i: int) -> None:
        self.table.selectRow(i)
        self._emit_center(i)

    def _selection_changed(self) -> None:
        i = self.selected_index()
        if i is not None:
            self._emit_center(i)

    def _emit_center(self, i: int) -> None:
        if self.review and 0 <= i < len(self.review):
            self.finding_selected.emit(self.review.items[i].finding.center_lps_mm)

    # --- review actions (also called by tests)
    def _changed(self) -> None:
        self._fill()
        self.findings_changed.emit(self.review.report())

    def accept_selected(self) -> None:
        i = self.selected_index()
        if self.review is not None and i is not None:
            self.review.accept(i)
            self._changed()

    def reject_selected(self) -> None:
        i = self.selected_index()
        if self.review is not None and i is not None:
            self.review.reject(i)
            self._changed()

    def correct_selected(self, diameter_mm: float) -> None:
        i = self.selected_index()
        if self.review is None or i is None:
            return
        self.review.correct_diameter(i, diameter_mm)
        self._changed()

    def add_at(self, center_lps, diameter_mm: float, kind: str = "solid") -> int:
        i = self.review.add_finding(center_lps, diameter_mm, kind)
        self._changed()
        self.table.selectRow(i)
        return i

    def _ask_diameter(self) -> None:
        i = self.selected_index()
        if self.review is None or i is None:
            QMessageBox.information(self, self.tr("Correct diameter"), self.tr("Select a finding first."))
            return
        cur = self.review.items[i].finding.diameter_mm
        mm, ok = QInputDialog.getDouble(self, self.tr("Correct diameter"), self.tr("Diameter (mm):"), cur,
                                        MIN_DIAMETER_MM, MAX_DIAMETER_MM, 1)
        if ok:
            try:
                self.correct_selected(mm)
            except ReviewError as exc:
                QMessageBox.warning(self, self.tr("Correct diameter"), str(exc))

    def _ask_add(self) -> None:
        center = self.crosshair_lps() if callable(self.crosshair_lps) else None
        if center is None:
            QMessageBox.information(self, self.tr("Add nodule"),
                                    self.tr("Click the nodule in the image first to place the crosshair."))
            return
        dlg = AddNoduleDialog(center, self)
        if dlg.exec():
            try:
                self.add_at(center, dlg.diameter.value(), dlg.kind.currentData())
            except ReviewError as exc:
                QMessageBox.warning(self, self.tr("Add nodule"), str(exc))


class AddNoduleDialog(QDialog):
    """Diameter and kind of a nodule the reader adds at the crosshair (the kind sets its Lung-RADS)."""

    def __init__(self, center_lps, parent: FindingsPanel):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add nodule"))
        self.diameter = QDoubleSpinBox()
        self.diameter.setRange(MIN_DIAMETER_MM, MAX_DIAMETER_MM)
        self.diameter.setDecimals(1)
        self.diameter.setValue(6.0)
        self.diameter.setSuffix(" mm")
        self.kind = QComboBox()
        for k in ("solid", "part_solid", "ground_glass"):
            self.kind.addItem(parent.kind_text(k), k)
        where = QLabel("x {:.1f}  y {:.1f}  z {:.1f} mm".format(*center_lps))
        form = QFormLayout(self)
        form.addRow(self.tr("Position:"), where)
        form.addRow(self.tr("Diameter (mm):"), self.diameter)
        form.addRow(self.tr("Kind:"), self.kind)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
