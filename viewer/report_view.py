"""At the township: a report that came home, shown with its text and key images and printed (QPrinter: to a
printer or to a PDF file); and the notifier that tells the user when one arrives (a critical result first,
and loudly). The facts come from dicom_node.report_inbox and reports (no logic here)."""
from __future__ import annotations

import html
import logging
from pathlib import Path

import pydicom
from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QApplication, QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser,
                               QVBoxLayout)

from ai_models.findings import AI_LABEL
from dicom_node.report_inbox import ReportInbox
from dicom_objects.diagnostic_report import read_report_sr
from reports.keyimages import KeyImage, pixel_of, render
from reports.study import StudyContext, person_name

log = logging.getLogger(__name__)


class ReportViewDialog(QDialog):
    """The newest report of a study in the archive."""

    def __init__(self, archive, study_uid: str, parent=None):
        super().__init__(parent)
        self.archive = archive
        self.study_uid = study_uid
        self.inbox = ReportInbox(archive, {})
        rows = self.inbox.reports(study_uid)
        if not rows:
            raise LookupError(f"no report of study {study_uid} has arrived")
        newest = max(rows, key=lambda r: (r.signed_at, r.received_at))
        self.row = newest
        self.doc = read_report_sr(pydicom.dcmread(archive.instance(newest.sop_instance_uid).path))
        self.versions = rows
        self.text = QTextBrowser()
        self.print_btn, self.pdf_btn, self.close_btn = QPushButton(), QPushButton(), QPushButton()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.print_btn, self.pdf_btn, self.close_btn):
            buttons.addWidget(b)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addWidget(self.text, 1)
        lay.addLayout(buttons)
        self.print_btn.clicked.connect(self.print_dialog)
        self.pdf_btn.clicked.connect(self._ask_pdf)
        self.close_btn.clicked.connect(self.accept)
        self.resize(820, 900)
        self.images = self._key_images()
        self.retranslate_ui()

    # -- content
    def _key_images(self) -> list[bytes]:
        """The report's key images, with the study's nodules that lie on each marked (PNG bytes)."""
        paths = {}
        for uid in self.doc.key_images:
            inst = self.archive.instance(uid)
            if inst is not None:
                paths[uid] = Path(inst.path)
        if not paths:
            return []
        ctx = StudyContext.from_files([Path(i.path) for i in self.archive.instances(study_uid=self.study_uid)
                                       if i.sop_instance_uid in paths or i.sop_class_uid.startswith("1.2.840.10008.5.1.4.1.1.88.")])
        from reports.draft import nodule_rows

        rows = nodule_rows(ctx.findings, "c_lung_rads")
        out = []
        for uid, path in paths.items():
            header = pydicom.dcmread(path, stop_before_pixels=True)
            thick = float(header.get("SliceThickness", 0) or 0) or 2.0
            on = [r for r in rows if "ImagePositionPatient" in header and pixel_of(header, r.center_lps_mm)[2] <= thick]
            try:
                out.append(render(KeyImage(header, on), path, str(header.get("Modality", "")) == "CT", size=360))
            except Exception as exc:  # noqa: BLE001 - an image that cannot be drawn is left out
                log.info("key image %s not drawn: %s", uid, exc)
        return out

    def report_html(self) -> str:
        d, r = self.doc, self.row
        esc = html.escape
        inst = self.archive.study(self.study_uid)
        state = {"preliminary": self.tr("Preliminary report (not verified)"), "final": self.tr("Final report"),
                 "amended": self.tr("Amended report")}.get(r.state, r.state)
        words = {"patient": self.tr("Patient"), "pid": self.tr("Patient ID"), "exam": self.tr("Exam"),
                 "date": self.tr("Date"), "critical": self.tr("Critical result"), "told": self.tr("Who was told"),
                 "how": self.tr("How"), "when": self.tr("When"), "key": self.tr("Key images"),
                 "author": self.tr("Reporting doctor"), "verifier": self.tr("Verifying doctor")}
        w = {k: esc(v) for k, v in words.items()}
        parts = [f"<h2 style='text-align:center'>{esc(d.organization or '')}</h2>",
                 f"<h3 style='text-align:center'>{esc(state)}</h3>"]
        if inst is not None:
            parts.append(f"<p>{w['patient']}: <b>{esc(person_name(inst.patient_name))}</b> &nbsp; "
                         f"{w['pid']}: {esc(inst.patient_id)} &nbsp; {w['exam']}: {esc(inst.study_description)} "
                         f"&nbsp; {w['date']}: {esc(inst.study_date)}</p><hr/>")
        if d.critical:
            c = d.critical
            parts.append(f"<p style='color:#c81e1e'><b>{w['critical']}: {esc(c['finding'])}</b><br/>"
                         f"{w['told']}: {esc(c.get('told', ''))}; {w['how']}: {esc(c.get('how', ''))}; "
                         f"{w['when']}: {esc(c.get('at', '').replace('T', ' ')[:16])}</p>")
        titles = {"procedure": self.tr("Procedure"), "findings": self.tr("Findings"),
                  "impression": self.tr("Impression"), "recommendation": self.tr("Recommendation")}
        for key, title in titles.items():
            body = d.sections.get(key, "").strip()
            if body:
                parts.append(f"<h4>{esc(title)}</h4><p>{esc(body).replace(chr(10), '<br/>')}</p>")
        if self.images:
            imgs = "".join(f"<img src='keyimage{i}.png' width='180'/> " for i in range(len(self.images)))
            parts.append(f"<h4>{w['key']}</h4><p>{imgs}</p>")
        if d.addendum:
            parts.append(f"<p style='color:#c81e1e'>{esc(d.addendum)}</p>")
        parts.append(f"<hr/><p>{w['author']}: {esc(person_name(d.author))} &nbsp; "
                     f"{w['verifier']}: {esc(person_name(d.verifier))} &nbsp; "
                     f"{esc(d.verified_at.replace('T', ' ')[:16] or d.content_datetime.replace('T', ' ')[:16])}</p>")
        if "AI" in (d.sections.get("findings") or ""):
            parts.append(f"<p style='color:#6e6e6e; font-size:small'>{esc(AI_LABEL['zh_CN'])} / {esc(AI_LABEL['en'])}</p>")
        return "".join(parts)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Report"))
        self.print_btn.setText(self.tr("Print…"))
        self.pdf_btn.setText(self.tr("Save as PDF…"))
        self.close_btn.setText(self.tr("Close"))
        if self.row.critical:
            self.banner.setStyleSheet("background: #c81e1e; color: white; font-weight: bold; padding: 6px;")
            self.banner.setText(self.tr("Critical result: act on it now"))
        else:
            self.banner.setVisible(False)
        self._add_images(self.text.document())
        self.text.setHtml(self.report_html())

    # -- printing
    def _add_images(self, doc: QTextDocument) -> None:
        for i, png in enumerate(self.images):
            img = QImage()
            img.loadFromData(png, "PNG")
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"keyimage{i}.png"), img)

    def document(self) -> QTextDocument:
        doc = QTextDocument()
        self._add_images(doc)
        doc.setHtml(self.report_html())
        return doc

    def print_to(self, printer: QPrinter) -> None:
        self.document().print_(printer)

    def save_pdf(self, path: Path | str) -> Path:
        """The report printed to a PDF file (QPrinter's PDF output)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        self.print_to(printer)
        return Path(path)

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dlg = QPrintDialog(printer, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def _ask_pdf(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save as PDF"), f"report-{self.study_uid}.pdf", "PDF (*.pdf)")
        if path:
            self.save_pdf(path)


class ReportNotifier(QObject):
    """Polls the inbox for reports the user has not been told of; `arrived` carries them, critical first."""

    arrived = Signal(list)

    def __init__(self, archive, interval_s: float, parent=None):
        super().__init__(parent)
        self.inbox = ReportInbox(archive, {})
        self.timer = QTimer(self)
        self.timer.setInterval(int(max(0.1, interval_s) * 1000))
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> list:
        try:
            new = self.inbox.unnotified()
        except Exception:  # noqa: BLE001 - an index another release wrote, a locked database: next time
            log.debug("report poll", exc_info=True)
            return []
        if new:
            self.inbox.mark_notified([r.sop_instance_uid for r in new])
            if any(r.critical for r in new):
                QApplication.beep()
            self.arrived.emit(new)
        return new
