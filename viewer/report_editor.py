"""The report editor beside the images at the county station: a thin widget over reports.editor.ReportEditor
(the draft from the AI findings, templates, phrases, the normal text, the critical record, two-step
sign-off). Everything it does to the report goes through the logic class; this file only presents it."""
from __future__ import annotations

from PySide6.QtCore import QDateTime, QEvent, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMenu, QPlainTextEdit, QPushButton, QScrollArea, QTableWidget,
                               QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from reports import categories
from reports.draft import kind_text, location_text
from reports.editor import ReportEditor
from reports.model import SECTIONS, ReportError
from reports.study import StudyContext

RED = "color: rgb(200, 30, 30);"


class ReportEditorWidget(QWidget):
    filed = Signal(object)  # a reports.filing.FiledReport, once it is on the county PACS
    changed = Signal()      # the report was edited or signed (unsaved work or not any more)

    def __init__(self, editor: ReportEditor, parent=None):
        super().__init__(parent)
        self.editor = editor
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        lay = QVBoxLayout(body)

        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; font-size: 15px;")
        self.state_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.state_label)
        lay.addLayout(top)
        self.ai_label = QLabel()
        self.ai_label.setWordWrap(True)
        self.ai_label.setStyleSheet("color: rgb(110, 110, 110);")
        lay.addWidget(self.ai_label)

        row = QHBoxLayout()
        self.template_label, self.template_combo = QLabel(), QComboBox()
        self.system_label, self.system_combo = QLabel(), QComboBox()
        for key in categories.SYSTEMS:
            self.system_combo.addItem(categories.SYSTEM_NAMES[key]["zh_CN"], key)
        self.normal_btn = QPushButton()
        for w in (self.template_label, self.template_combo, self.system_label, self.system_combo):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.normal_btn)
        lay.addLayout(row)

        self.nodules = QTableWidget(0, 6)
        self.nodules.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.nodules.verticalHeader().setVisible(False)
        self.nodules.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.nodules.horizontalHeader().setStretchLastSection(True)
        self.nodules.setMaximumHeight(140)
        lay.addWidget(self.nodules)

        self.section_labels, self.section_edits, self.phrase_buttons = {}, {}, {}
        for key in SECTIONS:
            head = QHBoxLayout()
            label = QLabel()
            label.setStyleSheet("font-weight: bold;")
            btn = QToolButton()
            btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            btn.setMenu(QMenu(btn))
            btn.menu().aboutToShow.connect(lambda k=key: self._fill_phrase_menu(k))
            head.addWidget(label)
            head.addStretch(1)
            head.addWidget(btn)
            edit = QPlainTextEdit()
            low, high = {"procedure": (44, 60), "findings": (120, 200), "impression": (80, 140),
                         "recommendation": (50, 80)}[key]
            edit.setMinimumHeight(low)
            edit.setMaximumHeight(high)
            edit.textChanged.connect(lambda k=key: self._section_edited(k))
            lay.addLayout(head)
            lay.addWidget(edit)
            self.section_labels[key], self.section_edits[key], self.phrase_buttons[key] = label, edit, btn

        self.critical_box = QGroupBox()
        self.critical_box.setCheckable(True)
        self.critical_box.setChecked(False)
        form = QFormLayout(self.critical_box)
        self.crit_finding, self.crit_told = QLineEdit(), QLineEdit()
        self.crit_how = QComboBox()
        self.crit_how.setEditable(True)
        self.crit_at = QDateTimeEdit()
        self.crit_at.setCalendarPopup(True)
        self.crit_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.crit_labels = [QLabel() for _ in range(4)]
        for label, w in zip(self.crit_labels, (self.crit_finding, self.crit_told, self.crit_how, self.crit_at)):
            form.addRow(label, w)
        lay.addWidget(self.critical_box)

        people = QFormLayout()
        self.author_label, self.author = QLabel(), QLineEdit()
        self.verifier_label, self.verifier = QLabel(), QLineEdit()
        people.addRow(self.author_label, self.author)
        people.addRow(self.verifier_label, self.verifier)
        lay.addLayout(people)

        buttons = QHBoxLayout()
        self.preliminary_btn, self.final_btn, self.retry_btn = QPushButton(), QPushButton(), QPushButton()
        self.retry_btn.setVisible(False)
        buttons.addWidget(self.preliminary_btn)
        buttons.addWidget(self.final_btn)
        buttons.addWidget(self.retry_btn)
        lay.addLayout(buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        lay.addStretch(1)

        self.template_combo.activated.connect(self._template_chosen)
        self.system_combo.activated.connect(self._template_chosen)
        self.normal_btn.clicked.connect(self._normal)
        self.preliminary_btn.clicked.connect(lambda: self.sign("preliminary"))
        self.final_btn.clicked.connect(lambda: self.sign("final"))
        self.retry_btn.clicked.connect(self._retry)
        self.retranslate_ui()
        self.setEnabled(False)

    # ---------------------------------------------------------------------------------- texts
    def section_title(self, key: str) -> str:
        return {"procedure": self.tr("Procedure"), "findings": self.tr("Findings"),
                "impression": self.tr("Impression"), "recommendation": self.tr("Recommendation")}[key]

    def state_text(self, state: str) -> str:
        return {"draft": self.tr("Draft"), "preliminary": self.tr("Preliminary"), "final": self.tr("Final"),
                "amended": self.tr("Amended")}.get(state, state)

    def retranslate_ui(self) -> None:
        self.title.setText(self.tr("Report"))
        self.template_label.setText(self.tr("Template"))
        self.system_label.setText(self.tr("Categories"))
        self.normal_btn.setText(self.tr("Normal findings"))
        self.nodules.setHorizontalHeaderLabels([self.tr("No."), self.tr("Location"), self.tr("Type"),
                                                self.tr("Long axis (mm)"), self.tr("Mean (mm)"), self.tr("Category")])
        for key in SECTIONS:
            self.section_labels[key].setText(self.section_title(key))
            self.phrase_buttons[key].setText(self.tr("Phrases"))
        self.critical_box.setTitle(self.tr("Critical result"))
        for label, text in zip(self.crit_labels, (self.tr("Finding"), self.tr("Who was told"), self.tr("How"),
                                                  self.tr("When"))):
            label.setText(text)
        current = self.crit_how.currentText()
        self.crit_how.clear()
        self.crit_how.addItems([self.tr("By telephone"), self.tr("In person"), self.tr("Hospital information system")])
        if current:
            self.crit_how.setCurrentText(current)
        self.author_label.setText(self.tr("Reporting doctor"))
        self.verifier_label.setText(self.tr("Verifying doctor"))
        self.preliminary_btn.setText(self.tr("Submit preliminary"))
        self.final_btn.setText(self.tr("Verify and release"))
        self.retry_btn.setText(self.tr("Send again"))
        self._show_state()

    def changeEvent(self, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # ---------------------------------------------------------------------------------- the study
    def open_study(self, ctx: StudyContext) -> None:
        self.editor.open(ctx)
        self.setEnabled(True)
        self.message.clear()
        self._show_report()

    def _show_report(self) -> None:
        r = self.editor.report
        self._loading = True
        try:
            self.template_combo.clear()
            for key, tpl in self.editor.session.templates.items():
                self.template_combo.addItem(tpl.name(r.language), key)
            self.template_combo.setCurrentIndex(self.template_combo.findData(r.template))
            self.system_combo.setCurrentIndex(self.system_combo.findData(r.category_system))
            for key in SECTIONS:
                self.section_edits[key].setPlainText(r.sections.get(key, ""))
            self.nodules.setRowCount(len(r.nodules))
            for i, n in enumerate(r.nodules):
                cells = [str(n.number), location_text(n.side, n.zone, r.language), kind_text(n.kind, r.language),
                         f"{n.long_axis_mm:.1f}", f"{n.mean_diameter_mm:.1f}",
                         categories.label(r.category_system, n.category, r.language)]
                for j, text in enumerate(cells):
                    self.nodules.setItem(i, j, QTableWidgetItem(text))
            self.nodules.setVisible(bool(r.nodules))
            self.author.setText(r.author)
            self.verifier.setText(r.verifier)
            self.critical_box.setChecked(r.critical is not None)
            if r.critical is not None:
                self.crit_finding.setText(r.critical.finding)
                self.crit_told.setText(r.critical.told)
                self.crit_how.setCurrentText(r.critical.how)
            if r.critical is None or not r.critical.at:
                self.crit_at.setDateTime(QDateTime.currentDateTime())
            from ai_models.findings import AI_LABEL

            self.ai_label.setText(f"{AI_LABEL['zh_CN']} / {AI_LABEL['en']} · {r.ai_model}" if r.ai_model else "")
        finally:
            self._loading = False
        self._show_state()

    def _show_state(self) -> None:
        filed = self.editor.filed[-1].state if self.editor.filed else "draft"
        self.state_label.setText(self.state_text(filed))
        self.retry_btn.setVisible(self.editor.pending is not None)

    # ---------------------------------------------------------------------------------- editing
    def _section_edited(self, key: str) -> None:
        if not self._loading and self.editor.report is not None:
            self.editor.set_section(key, self.section_edits[key].toPlainText())
            self.changed.emit()

    def _template_chosen(self, *_args) -> None:
        self.editor.use_template(self.template_combo.currentData(), self.system_combo.currentData())
        self._show_report()

    def _normal(self) -> None:
        self.editor.normal()
        self._show_report()

    def _fill_phrase_menu(self, key: str) -> None:
        menu = self.phrase_buttons[key].menu()
        menu.clear()
        for group, texts in self.editor.phrases_of(key).items():
            sub = menu.addMenu(group)
            for text in texts:
                action = QAction(text, sub)
                action.triggered.connect(lambda _=False, k=key, t=text: self.insert_phrase(k, t))
                sub.addAction(action)
        menu.addSeparator()
        keep = QAction(self.tr("Keep the selected text as a phrase"), menu)
        keep.triggered.connect(lambda _=False, k=key: self._keep_phrase(k))
        menu.addAction(keep)

    def insert_phrase(self, key: str, text: str) -> None:
        edit = self.section_edits[key]
        self.editor.insert_phrase(key, text, at=edit.textCursor().position() if edit.hasFocus() else None)
        self._loading = True
        edit.setPlainText(self.editor.report.sections[key])
        self._loading = False

    def _keep_phrase(self, key: str) -> None:
        text = self.section_edits[key].textCursor().selectedText().replace("\u2029", "\n").strip()
        if text:
            self.editor.add_phrase(key, self.tr("Mine"), text)

    def _collect(self) -> None:
        """The people and the critical record from the form into the report."""
        self.editor.set_people(self.author.text(), self.verifier.text())
        if self.critical_box.isChecked():
            at = self.crit_at.dateTime().toPython().astimezone() if self.crit_told.text().strip() else None
            self.editor.set_critical(self.crit_finding.text() or self.tr("Critical result"), self.crit_told.text(),
                                     self.crit_how.currentText() if self.crit_told.text().strip() else "",
                                     at.isoformat(timespec="minutes") if at else "")
        else:
            self.editor.set_critical("")

    # ---------------------------------------------------------------------------------- signing
    def sign(self, stage: str) -> bool:
        self._collect()
        try:
            filed = self.editor.sign(stage)
        except ReportError as exc:
            self._say(self.refusal_text(exc), error=True)
            self._show_state()
            return False
        self._say(self.tr("%1 report released at %2").replace("%1", self.state_text(filed.state))
                  .replace("%2", filed.signed_at.replace("T", " ")[:16]))
        self._show_state()
        self.filed.emit(filed)
        self.changed.emit()
        return True

    def refusal_text(self, exc: ReportError) -> str:
        """Why the report cannot be signed, in the user's language (the sign-off rule's code)."""
        code = getattr(exc, "code", "")
        if code == "no_author":
            return self.tr("Enter the reporting doctor.")
        if code == "no_verifier":
            return self.tr("A final report needs the verifying doctor.")
        if code == "self_verify":
            return self.tr("The verifying doctor must be another doctor than the reporting doctor.")
        if code == "critical_record":
            return self.tr("A critical result cannot be released before the report records who was told, how "
                           "and when.")
        if code == "empty_sections":
            return self.tr("Findings and impression must not be empty.")
        return str(exc)

    def _retry(self) -> None:
        try:
            self.editor.retry_delivery()
        except ReportError as exc:
            self._say(str(exc), error=True)
        else:
            self._say(self.tr("Sent to the county PACS"))
        self._show_state()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(RED if error else "")
        self.message.setText(text)
