"""The workstation window: study browser, reading view with the findings panel, the embedded DICOM node."""
from __future__ import annotations

import errno
import logging
import threading
from pathlib import Path

import pydicom
from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QMainWindow,
                               QMessageBox, QProgressBar, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from viewer.browser import BrowserWidget
from viewer.findings_panel import FindingsPanel
from viewer.i18n import LANGUAGES, current_language, install_language
from viewer.logic.review import Review, ReviewError
from viewer.logic.worklist import (StudyContent, newest_findings, study_content_from_archive,
                                   study_content_from_folder)

log = logging.getLogger(__name__)

# Series whose findings the reader reviews here: the nodule model and the review SR work on CT volumes.
REVIEWABLE_MODALITIES = {"CT"}


def _reading_widget_class():
    try:
        from viewer.views.reading import ReadingWidget
        return ReadingWidget
    except ImportError as exc:  # the reading view is missing from this build: say so, keep the rest usable
        log.error("reading view unavailable: %s", exc)
        return None


def _port_in_use(exc: BaseException) -> bool:
    """The node could not listen because another program holds the port (the OSError may come wrapped
    in the node's own error)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


class _NoReadingView(QLabel):
    """Stands in when viewer.views.reading cannot be imported, so the browser and review still work."""

    progress = Signal(int, int)
    first_image = Signal()
    loaded = Signal()
    load_failed = Signal(str)
    bad_files = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setText(self.tr("The image view is not available in this installation."))

    def load(self, files):
        self.load_failed.emit(self.tr("The image view is not available in this installation."))

    def set_findings(self, report):
        pass

    def center_on(self, center):
        pass

    def set_overlays_visible(self, on):
        pass

    def is_loaded(self):
        return False


class MainWindow(QMainWindow):
    study_opened = Signal(str)  # study uid (or folder path) once the image load has started
    node_ready = Signal(bool)  # the embedded node's start is decided: True when it is receiving
    _node_start_done = Signal(object)  # from the node-starting thread (queued to the GUI thread)
    ready = Signal()  # the study's images are fully loaded (or failed): what a screenshot waits for

    def __init__(self, cfg: dict, archive=None, parent=None):
        super().__init__(parent)
        self.cfg = cfg
        self.vcfg = cfg.get("viewer", {})
        self.archive = archive
        self.node = None
        self.service_pid: int | None = None  # a node already receiving into this archive (the installed service)
        self._starting = None  # a node whose start is running on a worker thread
        self.node_error = ""
        self.content: StudyContent | None = None
        self.folder: Path | None = None  # set when a plain folder (no archive) is open
        self.series = None  # the series on screen
        self.review_series = None  # the series the findings were made on (what the review SR references)
        self.review: Review | None = None
        self.sr_path: Path | None = None
        self.load_error = ""
        self.reviewer = str(self.vcfg.get("reviewer", "") or "")

        self.browser = BrowserWidget(archive, cfg)
        cls = _reading_widget_class()
        self.reading = cls() if cls is not None else _NoReadingView()
        self.panel = FindingsPanel()
        self.panel.crosshair_lps = self.crosshair_lps
        # The study's image series to choose from (a CT often has lung and soft-tissue reconstructions).
        self.series_label = QLabel()
        self.series_combo = QComboBox()
        self.series_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.series_combo.currentIndexChanged.connect(self._series_chosen)
        series_bar = QHBoxLayout()
        series_bar.setContentsMargins(4, 2, 4, 0)
        series_bar.addWidget(self.series_label)
        series_bar.addWidget(self.series_combo)
        series_bar.addStretch(1)
        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(0, 0, 0, 0)
        left_lay.setSpacing(0)
        left_lay.addLayout(series_bar)
        left_lay.addWidget(self.reading, 1)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(left)
        self.split.addWidget(self.panel)
        self.split.setStretchFactor(0, 4)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([1000, 440])
        self.report_editor = None  # the county station writes reports beside the images
        if self.vcfg.get("role", "township") == "county":
            from reports.editor import ReportEditor
            from viewer.report_editor import ReportEditorWidget

            self.report_editor = ReportEditorWidget(ReportEditor(cfg, deliver=self._deliver_report))
            self.split.addWidget(self.report_editor)
            self.split.setSizes([900, 380, 520])
        self.tabs = QTabWidget()
        self.tabs.addTab(self.browser, "")
        self.tabs.addTab(self.split, "")
        self.setCentralWidget(self.tabs)
        self.county = None  # the worklist panel in the county role (viewer/county_role.py)
        if self.vcfg.get("role") == "county":
            from viewer.county_role import attach_county

            attach_county(self)

        self.node_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.node_label)

        self._node_start_done.connect(self._node_started, Qt.ConnectionType.QueuedConnection)
        self._build_menus()
        self.browser.study_activated.connect(self._activate_study)
        self.browser.report_requested.connect(self.show_report)
        self.report_notifier = None
        self._watch_reports()
        self.reading.progress.connect(self._progress)
        self.reading.loaded.connect(self._loaded)
        self.reading.load_failed.connect(self._load_failed)
        self.reading.bad_files.connect(self._bad_files)
        self.panel.finding_selected.connect(self.reading.center_on)
        self.panel.overlays_toggled.connect(self.reading.set_overlays_visible)
        overlay_action = getattr(self.reading, "overlay_action", None)
        if overlay_action is not None:  # the view's own toolbar toggle and the panel's box stay in step
            overlay_action.toggled.connect(self._overlay_toggled_in_view)
        self.panel.findings_changed.connect(self._findings_changed)
        self.panel.save_requested.connect(self._save_clicked)
        self.retranslate_ui()

    # ------------------------------------------------------------------------------------ language
    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.file_menu = mb.addMenu("")
        self.open_action = QAction(self)
        self.open_action.triggered.connect(self._ask_open_folder)
        self.settings_action = QAction(self)
        self.settings_action.triggered.connect(self.show_settings)
        self.quit_action = QAction(self)
        self.quit_action.triggered.connect(self.close)
        self.turnaround_action = QAction(self)
        self.turnaround_action.triggered.connect(lambda: self.export_turnaround())
        for a in (self.open_action, self.settings_action, self.turnaround_action, self.quit_action):
            self.file_menu.addAction(a)
        self.lang_menu = mb.addMenu("")
        self.lang_group = QActionGroup(self)
        self.lang_actions = {}
        for code, name in LANGUAGES.items():
            a = QAction(name, self, checkable=True)
            a.triggered.connect(lambda _=False, c=code: self.set_language(c))
            self.lang_group.addAction(a)
            self.lang_menu.addAction(a)
            self.lang_actions[code] = a

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("township-pacs workstation"))
        self.tabs.setTabText(0, self.tr("Worklist") if self.county is not None else self.tr("Studies"))
        self.tabs.setTabText(1, self.tr("Reading"))
        self.series_label.setText(self.tr("Series:"))
        if self.content is not None:
            for i, s in enumerate(self.content.image_series):
                if i < self.series_combo.count():
                    self.series_combo.setItemText(i, self.series_text(s))
        self.file_menu.setTitle(self.tr("&File"))
        self.open_action.setText(self.tr("&Open folder…"))
        self.settings_action.setText(self.tr("&Settings…"))
        self.quit_action.setText(self.tr("&Quit"))
        self.turnaround_action.setText(self.tr("Export report &turnaround (CSV)…"))
        self.lang_menu.setTitle(self.tr("&Language"))
        lang = current_language()
        if lang in self.lang_actions:
            self.lang_actions[lang].setChecked(True)
        self._update_node_label()

    def changeEvent(self, event):  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def set_language(self, lang: str) -> None:
        """Switch now; every widget gets a LanguageChange event and re-sets its texts."""
        install_language(lang)
        self.vcfg["language"] = current_language()

    # ------------------------------------------------------------------------------------ the node
    def start_embedded_node(self) -> None:
        """Start the DICOM node inside this process so the clinic can receive at once.

        The node starts on a worker thread (a node that did not stop cleanly re-checks its archive first,
        which can take a while on a big archive): the window and the browser work meanwhile. A busy port
        (another node already running) is reported in the status bar; the browser still shows the archive.
        `wait_for_node()` blocks until the start is decided."""
        from dicom_node.archive import Archive
        from dicom_node.config import storage_path
        from dicom_node.service import Node, running_node_pid

        pid = running_node_pid(storage_path(self.cfg))
        if pid is not None:  # the installed node service (or another node) receives into this archive
            log.info("receiving through the node service (PID %s) on %s; no embedded node", pid,
                     storage_path(self.cfg))
            self.service_pid = pid
            self.node_error = ""
            if self.archive is None:
                self.set_archive(Archive(storage_path(self.cfg), on_conflict=self.cfg["node"]["on_conflict"]))
            self._update_node_label()
            self.node_ready.emit(True)
            return
        self.service_pid = None
        try:
            node = Node(self.cfg)
        except Exception as exc:  # noqa: BLE001 - the viewer stays usable without the node
            log.warning("embedded node not created: %s", exc)
            self.node_error = str(exc) or type(exc).__name__
            if self.archive is None:
                try:
                    self.set_archive(Archive(storage_path(self.cfg), on_conflict=self.cfg["node"]["on_conflict"]))
                except Exception as exc2:  # noqa: BLE001
                    log.error("cannot open the archive: %s", exc2)
            self._update_node_label()
            self.statusBar().showMessage(self.node_status_text())
            return
        self.node_error = ""
        self.set_archive(node.archive)  # browse at once, while the node starts
        self._starting = node
        self._update_node_label()
        self._start_thread = threading.Thread(target=self._start_node_thread, args=(node,),
                                              name="tpacs-node-start", daemon=True)
        self._start_thread.start()

    def _start_node_thread(self, node) -> None:
        try:
            node.start()
        except Exception as exc:  # noqa: BLE001 - reported in the window
            node.start_error = exc
            try:
                node.stop()  # release the storage lock and threads a half-started node took
            except Exception:  # noqa: BLE001
                log.debug("stopping a half-started node", exc_info=True)
        else:
            node.start_error = None
        self._node_start_done.emit(node)

    def _node_started(self, node) -> None:
        """Back on the GUI thread: adopt the node, or say why it is not receiving."""
        if node is not self._starting:
            return  # the window stopped waiting for it (closed, or settings changed): stop_node handled it
        self._starting = None
        exc = getattr(node, "start_error", None)
        if exc is None:
            self.node = node
            self.node_error = ""
            self._update_node_label()
            self.statusBar().showMessage(self.node_status_text(), 8000)
        else:
            self.node_error = "busy" if _port_in_use(exc) else (str(exc) or type(exc).__name__)
            log.warning("embedded node not started: %s", exc)
            self._update_node_label()
            self.statusBar().showMessage(self.node_status_text())
        self.node_ready.emit(self.node is not None)

    def wait_for_node(self, timeout: float | None = None) -> bool:
        """Block until the node's start is decided (True: it is receiving)."""
        t = getattr(self, "_start_thread", None)
        if t is not None:
            t.join(timeout)
            QCoreApplication.sendPostedEvents(self)  # deliver the thread's queued signal now
            QCoreApplication.processEvents()
        return self.node is not None or self.service_pid is not None

    def node_status_text(self) -> str:
        n = self.cfg["node"]
        if self.county is not None:
            return self.tr("County reading station %1 — PACS: %2").replace("%1", n["ae_title"]).replace(
                "%2", ", ".join(s.peer for s in self.county.worklist.sources))
        if self.service_pid is not None:
            return self.tr("Receiving through the DICOM node service (%1 on port %2)").replace(
                "%1", n["ae_title"]).replace("%2", str(n["port"]))
        if self.node is not None:
            return self.tr("Receiving as %1 on port %2").replace("%1", n["ae_title"]).replace("%2", str(n["port"]))
        if self._starting is not None:
            return self.tr("Starting the DICOM node…")
        if self.node_error == "busy":
            return self.tr("Port %1 is already in use: this workstation is not receiving "
                           "(is another node running?)").replace("%1", str(n["port"]))
        if self.node_error:
            return self.tr("DICOM node not running: %1").replace("%1", self.node_error)
        if self.folder is not None:
            return self.tr("Folder: %1").replace("%1", str(self.folder))
        return self.tr("DICOM node not running")

    def _update_node_label(self) -> None:
        text = self.node_status_text()
        self.node_label.setToolTip(text)
        # a long folder path must not widen the window past the screen
        self.node_label.setText(self.node_label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, 520))

    def stop_node(self) -> None:
        starting, self._starting = self._starting, None
        t = getattr(self, "_start_thread", None)
        if starting is not None and t is not None:
            t.join()  # a start cannot be interrupted; let it finish, then stop what it started
            if getattr(starting, "start_error", None) is None:
                self.node = starting
        if self.node is not None:
            try:
                self.node.stop()
            except Exception:  # noqa: BLE001 - closing must not hang on a node error
                log.exception("stopping the embedded node")
            self.node = None

    def closeEvent(self, event):  # noqa: N802 - Qt API
        if self.review is not None and self.review.dirty:
            box = QMessageBox.question(self, self.tr("Unsaved review"),
                                       self.tr("The review has not been saved. Close anyway?"))
            if box != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.browser.timer.stop()
        if self.county is not None:
            self.county.shutdown()
        self.stop_node()
        super().closeEvent(event)

    # ------------------------------------------------------------------------------------ opening
    def set_archive(self, archive) -> None:
        self.archive = archive
        self.browser.set_archive(archive)
        self._watch_reports()

    # ------------------------------------------------------------------------------------ reports
    def _watch_reports(self) -> None:
        """At the township: tell the user when a report comes home (viewer.report_view.ReportNotifier)."""
        if self.report_notifier is not None:
            self.report_notifier.timer.stop()
            self.report_notifier = None
        if self.archive is not None and self.vcfg.get("role", "township") == "township":
            from viewer.report_view import ReportNotifier

            self.report_notifier = ReportNotifier(self.archive, float(self.vcfg.get("browser_poll_s", 2.0)), self)
            self.report_notifier.arrived.connect(self.reports_arrived)

    def reports_arrived(self, rows: list) -> None:
        """Critical first and loudly (a red box that stays until read), the rest in the status bar."""
        from reports.study import person_name

        critical = [r for r in rows if r.critical]
        for r in critical:
            box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Critical result"),
                              self.tr("Critical result in the report of %1: open the report now.")
                              .replace("%1", person_name(r.patient_name) or r.study_uid), QMessageBox.StandardButton.Ok,
                              self)
            box.setStyleSheet("QLabel { color: rgb(200, 30, 30); font-weight: bold; font-size: 16px; }")
            box.setModal(False)
            box.show()
            self.critical_box = box
        names = ", ".join(person_name(r.patient_name) or r.study_uid for r in rows)
        self.statusBar().showMessage(self.tr("Report received: %1").replace("%1", names), 60_000)
        self.browser.refresh()

    def show_report(self, study_uid: str):
        """The study's newest report with its key images, to read and print."""
        from viewer.report_view import ReportViewDialog

        try:
            dlg = ReportViewDialog(self.archive, study_uid, self)
        except (LookupError, OSError) as exc:
            self._show_error(str(exc))
            return None
        dlg.show()
        return dlg

    def export_turnaround(self, path: str | None = None) -> Path | None:
        """Median / 90th percentile from arrival to final per township and exam, and the overdue list."""
        from reports.turnaround import turnaround_csv

        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export report turnaround"), "turnaround.csv",
                                                  "CSV (*.csv)")
            if not path:
                return None
        try:
            text = turnaround_csv(self.cfg, self.archive)
        except Exception as exc:  # noqa: BLE001 - the PACS unreachable, no archive: say so
            self._show_error(self.tr("Cannot compute the turnaround: %1").replace("%1", str(exc)))
            return None
        Path(path).write_text(text, encoding="utf-8-sig")  # with BOM: Excel opens Chinese names right
        self.statusBar().showMessage(self.tr("Turnaround written to %1").replace("%1", str(path)), 15_000)
        return Path(path)

    def _deliver_report(self, filed) -> None:
        """The county station stores a signed report on the PACS that holds the study."""
        from dicom_node.sources import sources_from_config
        from reports.delivery import DeliveryError, deliver, source_holding

        sources = sources_from_config(self.cfg)
        try:
            src = source_holding(sources, str(filed.sr.StudyInstanceUID))
            if src is None:
                raise DeliveryError(self.tr("No county PACS in the settings holds this study"))
            deliver(filed, src, self.cfg)
        finally:
            for s in sources:
                s.close()

    def _open_report(self, content: StudyContent) -> None:
        from reports.study import StudyContext

        files = [f for s in content.image_series for f in s.files] + list(content.sr_files)
        try:
            self.report_editor.open_study(StudyContext.from_files(files))
        except (ValueError, OSError) as exc:
            self._show_error(self.tr("Cannot start the report: %1").replace("%1", str(exc)))

    def open_study(self, study_uid: str) -> bool:
        if self.archive is None:
            return False
        try:
            content = study_content_from_archive(self.archive, study_uid)
        except Exception as exc:  # noqa: BLE001
            self._show_error(self.tr("Cannot open the study: %1").replace("%1", str(exc)))
            return False
        self.folder = None
        self._update_node_label()
        return self._open_content(content, study_uid)

    def open_folder(self, folder: Path | str) -> bool:
        """A plain folder of DICOM files: its image series, with findings from any SR in it."""
        folder = Path(folder)
        content = study_content_from_folder(folder)
        self.folder = folder.parent if folder.is_file() else folder  # a single file: its review goes beside it
        self._update_node_label()
        return self._open_content(content, str(folder))

    def _open_content(self, content: StudyContent, label: str) -> bool:
        self.content = content
        self.load_error = ""
        report, self.sr_path = newest_findings(content.sr_files, content.seg_files)
        series = content.series(report.series_uid if report else None)
        self.series = series
        self.tabs.setCurrentIndex(1)
        if series is None:
            self.review = self.review_series = None
            self.panel.set_review(None)
            self._fill_series_combo()
            self.reading.load([])  # clear the previous study's images: they must not pass for this one
            self._load_failed(self.tr("No images to show in %1").replace("%1", label))
            return False
        self.review_series = series
        if series.modality in REVIEWABLE_MODALITIES or (report is not None and report.findings):
            self.review = Review(report, study_uid=content.study_uid, series_uid=series.series_uid)
            self.panel.set_review(self.review)
        else:  # a radiograph: no nodule findings to review, and the review SR needs cross-sections
            self.review = None
            self.panel.set_review(None, reviewable=False)
        self._fill_series_combo()
        self._load_series(series)
        if self.report_editor is not None:
            self._open_report(content)
        if content.bad_files:
            self._bad_files(content.bad_files)
        self.study_opened.emit(label)
        return True

    def series_text(self, s) -> str:
        return " ".join(p for p in (s.modality, s.description,
                                    self.tr("(%1 images)").replace("%1", str(len(s.files)))) if p)

    def _fill_series_combo(self) -> None:
        self.series_combo.blockSignals(True)
        self.series_combo.clear()
        for s in (self.content.image_series if self.content else []):
            self.series_combo.addItem(self.series_text(s), s.series_uid)
        if self.series is not None:
            self.series_combo.setCurrentIndex(max(0, self.series_combo.findData(self.series.series_uid)))
        self.series_combo.setEnabled(self.series_combo.count() > 1)
        self.series_combo.blockSignals(False)

    def _load_series(self, series) -> None:
        self.series = series
        self.load_error = ""
        self.panel.set_slice_positions([])
        self.progress.setRange(0, len(series.files))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.reading.load(series.files)
        self.reading.set_findings(self._shown_report())

    def _series_chosen(self, index: int) -> None:
        uid = self.series_combo.itemData(index)
        chosen = next((s for s in (self.content.image_series if self.content else []) if s.series_uid == uid), None)
        if chosen is not None and chosen is not self.series:
            self._load_series(chosen)  # findings are in patient mm: they still show on another series

    def confirm_discard(self) -> bool:
        """Before another study replaces an unsaved review or report: ask, so nothing is lost by a stray click."""
        if self.report_editor is not None and self.report_editor.editor.dirty:
            box = QMessageBox.question(self, self.tr("Unsigned report"),
                                       self.tr("The report has not been signed. Discard it?"))
            if box != QMessageBox.StandardButton.Yes:
                return False
        if self.review is None or not self.review.dirty:
            return True
        box = QMessageBox.question(self, self.tr("Unsaved review"),
                                   self.tr("The review has not been saved. Discard it?"))
        return box == QMessageBox.StandardButton.Yes

    def _activate_study(self, study_uid: str) -> None:
        if self.confirm_discard():
            self.open_study(study_uid)

    def _overlay_toggled_in_view(self, on: bool) -> None:
        self.panel.overlays.blockSignals(True)
        self.panel.overlays.setChecked(on)
        self.panel.overlays.blockSignals(False)

    def _ask_open_folder(self) -> None:
        if not self.confirm_discard():
            return
        d = QFileDialog.getExistingDirectory(self, self.tr("Open a folder of DICOM files"))
        if d:
            if (Path(d) / "index.sqlite").is_file():
                from dicom_node.archive import Archive

                self.set_archive(Archive(d))
                self.tabs.setCurrentIndex(0)
            else:
                self.open_folder(d)

    # ------------------------------------------------------------------------------------ loading
    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _loaded(self) -> None:
        self.progress.setVisible(False)
        self._slice_positions()
        self.reading.set_findings(self._shown_report())
        if self.review is not None and len(self.review) and self.panel.selected_index() is None:
            self.panel.select(0)  # open on the first finding: every view centred on it, outline drawn
        self.statusBar().showMessage(self.tr("Loaded %1 images").replace("%1", str(len(self.series.files)))
                                     if self.series else "", 5000)
        self.ready.emit()

    def _load_failed(self, reason: str) -> None:
        self.progress.setVisible(False)
        self.load_error = reason
        self._show_error(reason)
        self.ready.emit()

    def _bad_files(self, bad: list) -> None:
        names = ", ".join(Path(p).name for p, _ in bad[:5]) + (" …" if len(bad) > 5 else "")
        self.statusBar().showMessage(self.tr("%1 unreadable files skipped: %2").replace("%1", str(len(bad)))
                                     .replace("%2", names))

    def _show_error(self, text: str) -> None:
        log.warning("%s", text)
        self.statusBar().showMessage(text)

    def _slice_positions(self) -> None:
        """Slice positions for the panel's slice column, from the loaded volume's geometry."""
        vol = getattr(self.reading, "volume", None)
        geo = getattr(vol, "geometry", None)
        if geo is None or not hasattr(vol, "voxels"):
            return
        try:
            import numpy as np

            n = np.asarray(geo.normal, dtype=float)
            base = float(np.asarray(geo.origin, dtype=float) @ n)
            dk = float(geo.spacing[0])
            self.panel.set_slice_positions([base + k * dk for k in range(vol.voxels.shape[0])], tuple(n))
        except Exception:  # noqa: BLE001 - the slice column is a convenience
            log.debug("no slice positions", exc_info=True)

    def crosshair_lps(self):
        """The reading view's crosshair in LPS mm (where "add nodule" puts the new finding), or None."""
        mpr = getattr(self.reading, "mpr", None)
        for owner in (self.reading, getattr(mpr, "state", None), getattr(self.reading, "state", None)):
            if owner is None:
                continue
            fn = getattr(owner, "cursor_lps", None) or getattr(owner, "crosshair_lps", None)
            if callable(fn):
                try:
                    p = fn()
                except Exception:  # noqa: BLE001 - nothing loaded yet
                    return None
                return None if p is None else tuple(float(c) for c in p)
        return None

    # ------------------------------------------------------------------------------------ review
    def _shown_report(self):
        """What the outlines show: every finding except those the reader rejected."""
        if self.review is None:
            return None
        rep = self.review.report()
        rep.findings = [f for f in rep.findings if f.accepted is not False]
        return rep

    def _findings_changed(self, _report) -> None:
        self.reading.set_findings(self._shown_report())

    def source_datasets(self) -> list:
        series = self.review_series or self.series
        return [pydicom.dcmread(p, stop_before_pixels=True) for p in (series.files if series else [])]

    def save_review(self, reviewer: str | None = None):
        """Write the review SR (into the archive, or next to the opened folder's images).

        Returns where it went (InstanceRecord or Path); raises ReviewError with a clear message."""
        if self.review is None:
            raise ReviewError(self.tr("No study open."))
        reviewer = reviewer if reviewer is not None else self.reviewer
        ds, where = self.review.save(self.source_datasets(), reviewer,
                                     archive=self.archive if self.folder is None else None, folder=self.folder)
        self.reviewer = reviewer
        self.statusBar().showMessage(self.tr("Review saved by %1").replace("%1", reviewer))
        self._forward_now(str(ds.StudyInstanceUID))
        self.browser.refresh()
        return where

    def _forward_now(self, study_uid: str) -> None:
        """A study already handed to forwarding gets the review SR sent now rather than at the next rescan.
        A study not yet ready (AI still running) is left alone: the SR goes with it when it is."""
        fw = getattr(self.node, "forwarder", None)
        if fw is None or self.archive is None or self.folder is not None:
            return
        try:
            study = self.archive.study(study_uid)
            if study is not None and study.forward_state:
                fw.on_study_ready(study_uid, reason="review")
        except Exception:  # noqa: BLE001 - the rescan still sends it later
            log.exception("could not queue the review for forwarding")

    def _save_clicked(self) -> None:
        reviewer = self.reviewer
        if not reviewer:
            reviewer, ok = QInputDialog.getText(self, self.tr("Save review"), self.tr("Reviewer's name:"))
            if not ok:
                return
            if not reviewer.strip():
                QMessageBox.warning(self, self.tr("Review not saved"),
                                    self.tr("A review needs the reviewer's name."))
                return
        try:
            self.save_review(reviewer)
        except (ReviewError, ValueError, OSError) as exc:
            QMessageBox.warning(self, self.tr("Review not saved"), str(exc))
        except Exception as exc:  # noqa: BLE001 - report any failure, lose nothing (the review stays open)
            log.exception("saving the review")
            QMessageBox.warning(self, self.tr("Review not saved"), f"{type(exc).__name__}: {exc}")

    # ------------------------------------------------------------------------------------ settings
    def show_settings(self) -> None:
        from viewer.settings_dialog import SettingsDialog

        dlg = SettingsDialog(self.cfg, parent=self)
        if dlg.exec() and dlg.saved_config is not None:
            self.apply_settings(dlg.saved_config)

    def apply_settings(self, new_cfg: dict) -> None:
        """Use saved settings now: language at once; the embedded node restarts when its part changed
        (AE title, port, peers, forwarding, AI), so no second program or restart is needed."""
        old = self.cfg
        self.cfg = new_cfg
        self.vcfg = self.cfg.setdefault("viewer", {})
        self.reviewer = str(self.vcfg.get("reviewer", "") or "") or self.reviewer
        if self.vcfg.get("language") and self.vcfg["language"] != current_language():
            self.set_language(self.vcfg["language"])
        node_part = ("node", "forwarding", "ai", "stability", "move_destinations")
        if (self.node is not None or self._starting is not None) and any(
                old.get(k) != new_cfg.get(k) for k in node_part):
            self.stop_node()
            self.start_embedded_node()
            self.statusBar().showMessage(self.tr("Settings saved; the DICOM node is restarting."), 8000)
            return
        self.statusBar().showMessage(self.tr("Settings saved."), 5000)
