"""ReadingWidget: what a reader looks at. CT: axial, coronal and sagittal MPR with a linked crosshair;
DR/CR/DX: one large view. Loads in the background and shows the first image before the end."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QDoubleSpinBox, QLabel, QSplitter, QStackedWidget, QToolBar, QVBoxLayout, QWidget)

from viewer.loader import SeriesLoader
from viewer.logic import display
from viewer.logic.volume import Radiograph, Volume
from viewer.views.ct_views import MprController
from viewer.views.dx_view import RadiographController

log = logging.getLogger(__name__)

_KEY_STEPS = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}


class ReadingWidget(QWidget):
    progress = Signal(int, int)  # done, total
    first_image = Signal()
    loaded = Signal()  # full volume ready
    load_failed = Signal(str)
    bad_files = Signal(list)  # [(path, reason)]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.mpr = MprController(self)
        self.dx = RadiographController(self)
        self.volume: Volume | None = None
        self.radiograph: Radiograph | None = None
        self.report = None
        self._loader: SeriesLoader | None = None
        self._bad: list[tuple[str, str]] = []
        self._loaded = False
        self._pending_centre = None
        self._build()

    # ---------------------------------------------------------------------------------- layout
    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.toolbar = QToolBar(self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        lay.addWidget(self.toolbar)
        self.stack = QStackedWidget(self)
        lay.addWidget(self.stack, 1)
        self.empty = QLabel(self.tr("No images loaded"), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("background: black; color: #ccc;")
        self.stack.addWidget(self.empty)
        # CT: axial large on the left, coronal and sagittal stacked on the right
        self.ct_page = QSplitter(Qt.Orientation.Horizontal, self)
        self.ct_page.addWidget(self.mpr.views["axial"])
        right = QSplitter(Qt.Orientation.Vertical, self.ct_page)
        right.addWidget(self.mpr.views["coronal"])
        right.addWidget(self.mpr.views["sagittal"])
        self.ct_page.addWidget(right)
        self.ct_page.setStretchFactor(0, 3)
        self.ct_page.setStretchFactor(1, 2)
        self.ct_page.setSizes([600, 400])  # scaled to the real width when shown
        self.ct_page.setStyleSheet("QSplitter::handle { background: #333; }")
        self.stack.addWidget(self.ct_page)
        self.stack.addWidget(self.dx.view)
        self._build_actions()

    def _act(self, text: str, slot, checkable: bool = False, shortcut: str | None = None, tip: str = "") -> QAction:
        a = QAction(text, self)
        a.setCheckable(checkable)
        if shortcut:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if tip:
            a.setToolTip(tip)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        tb = self.toolbar
        self.tool_group = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        for tool, text, key in (("navigate", self.tr("Crosshair"), "C"), ("pan", self.tr("Pan"), "P"),
                                ("zoom", self.tr("Zoom"), "Z"), ("window", self.tr("W/L"), "W"),
                                ("distance", self.tr("Distance"), "D"), ("roi", self.tr("Ellipse ROI"), "E"),
                                ("magnify", self.tr("Magnifier"), "M")):
            a = self._act(text, lambda _=False, t=tool: self.set_tool(t), checkable=True, shortcut=key)
            self.tool_group.addAction(a)
            self.tool_actions[tool] = a
            tb.addAction(a)
        tb.addSeparator()
        self.preset_actions = {}
        for name, text in (("lung", self.tr("Lung")), ("mediastinum", self.tr("Mediastinum")),
                           ("bone", self.tr("Bone")), ("abdomen", self.tr("Abdomen"))):
            c, w = display.PRESETS[name]
            a = self._act(text, lambda _=False, n=name: self.set_preset(n), tip=f"W {w:g} L {c:g}")
            self.preset_actions[name] = a
            tb.addAction(a)
        tb.addSeparator()
        self.mip_action = self._act(self.tr("MIP"), lambda on: self.set_mip(on), checkable=True,
                                    tip=self.tr("Thick-slab maximum intensity projection"))
        tb.addAction(self.mip_action)
        self.slab_spin = QDoubleSpinBox(self)
        self.slab_spin.setRange(2.0, 60.0)
        self.slab_spin.setValue(self.mpr.slab_thickness_mm)
        self.slab_spin.setSuffix(" mm")
        self.slab_spin.setDecimals(0)
        self.slab_spin.setToolTip(self.tr("Slab thickness"))
        self.slab_spin.valueChanged.connect(lambda v: self.set_mip(self.mip_action.isChecked(), v))
        self.slab_spin_action = tb.addWidget(self.slab_spin)
        self.cine_action = self._act(self.tr("Cine"), lambda on: self.mpr.set_cine(on), checkable=True)
        tb.addAction(self.cine_action)
        # "3D" reads the same in Chinese and English
        self.view3d_action = self._act("3D", self.open_3d)
        tb.addAction(self.view3d_action)
        self._view3d = None
        tb.addSeparator()
        self.rot_l = self._act(self.tr("Rotate left"), lambda: self.dx.rotate(-90))
        self.rot_r = self._act(self.tr("Rotate right"), lambda: self.dx.rotate(90))
        self.flip_h = self._act(self.tr("Flip H"), lambda: self.dx.flip(True))
        self.flip_v = self._act(self.tr("Flip V"), lambda: self.dx.flip(False))
        self.invert_action = self._act(self.tr("Invert"), lambda on: self.dx.set_inverted(on), checkable=True,
                                       shortcut="I")
        self.fit_action = self._act(self.tr("Fit"), lambda: self.dx.fit(), shortcut="F")
        self.one_action = self._act(self.tr("1:1"), lambda: self.dx.one_to_one(), shortcut="1")
        self.dx_actions = [self.rot_l, self.rot_r, self.flip_h, self.flip_v, self.invert_action, self.fit_action,
                           self.one_action]
        for a in self.dx_actions:
            tb.addAction(a)
        tb.addSeparator()
        self.reset_action = self._act(self.tr("Reset"), self.reset, shortcut="R")
        tb.addAction(self.reset_action)
        self.clear_measure_action = self._act(self.tr("Clear measurements"), self.clear_measurements)
        tb.addAction(self.clear_measure_action)
        self.overlay_action = self._act(self.tr("Findings"), lambda on: self.set_overlays_visible(on), checkable=True,
                                        tip=self.tr("Show or hide the AI findings' outlines"))
        self.overlay_action.setChecked(True)
        tb.addAction(self.overlay_action)
        self.tool_actions["navigate"].setChecked(True)
        self._update_mode_actions()

    def _update_mode_actions(self) -> None:
        ct = self.volume is not None
        dx = self.radiograph is not None
        for a in list(self.preset_actions.values()) + [self.mip_action, self.cine_action, self.overlay_action,
                                                        self.tool_actions["navigate"], self.view3d_action]:
            a.setVisible(not dx)
        self.slab_spin_action.setVisible(not dx)
        for a in self.dx_actions + [self.tool_actions["magnify"]]:
            a.setVisible(dx)
        for a in list(self.preset_actions.values()) + [self.view3d_action]:
            a.setEnabled(ct)

    # ------------------------------------------------------------------------------ contract
    def load(self, files: list[Path]) -> None:
        """Start loading on a background thread; the first image shows before the end."""
        self._stop_loader()
        if self._view3d is not None:  # it shows the previous series
            self._view3d.close()
            self._view3d = None
        self.mpr.clear()
        self.dx.clear()
        self.volume = self.radiograph = None
        self._loaded = False
        self._bad = []
        self._pending_centre = None
        self.mpr.selected_finding = None
        self.stack.setCurrentWidget(self.empty)
        self.empty.setText(self.tr("Loading…"))
        files = [Path(f) for f in files]
        if not files:
            self.empty.setText(self.tr("No images to show"))
            self.load_failed.emit(self.tr("no files to load"))
            return
        loader = SeriesLoader(files)  # no Qt parent: see loader._RUNNING
        loader.first.connect(self._on_first)
        loader.progress.connect(self._on_progress)
        loader.bad.connect(self._on_bad)
        loader.done.connect(self._on_done)
        loader.failed.connect(self._on_failed)
        self._loader = loader
        loader.start()

    def set_findings(self, report) -> None:
        """Outlines of the report's findings, drawn in every view their sphere intersects."""
        self.report = report
        self.mpr.findings = list(report.findings) if report is not None else []
        if self.mpr.selected_finding is not None and self.mpr.selected_finding >= len(self.mpr.findings):
            self.mpr.selected_finding = None
        for v in self.mpr.views.values():
            v.update()
        if self._view3d is not None and self._view3d.isVisible():
            self._view3d.set_findings(self.mpr.findings)
            self._view3d.render()

    def center_on(self, center_lps_mm) -> None:
        """Move all three views to that point (LPS mm); also accepts a Finding."""
        if hasattr(center_lps_mm, "center_lps_mm"):
            center_lps_mm = center_lps_mm.center_lps_mm
        if center_lps_mm is None:
            return
        point = tuple(float(v) for v in center_lps_mm)
        if self.volume is None:
            self._pending_centre = point  # still loading: go there once the volume is in
            return
        self.mpr.centre_on(point)

    def set_overlays_visible(self, on: bool) -> None:
        self.mpr.set_findings_visible(on)
        if self.overlay_action.isChecked() != bool(on):
            self.overlay_action.setChecked(bool(on))

    def is_loaded(self) -> bool:
        return self._loaded

    # ----------------------------------------------------------------------------- extras
    def set_tool(self, tool: str) -> None:
        self.mpr.set_tool(tool)
        self.dx.view.tool = tool if tool != "navigate" else "pan"
        a = self.tool_actions.get(tool)
        if a is not None and not a.isChecked():
            a.setChecked(True)

    def set_preset(self, name: str) -> None:
        self.mpr.set_preset(name)

    def set_mip(self, on: bool, thickness_mm: float | None = None) -> None:
        self.mpr.set_mip(on, thickness_mm)
        if self.mip_action.isChecked() != bool(on):
            self.mip_action.setChecked(bool(on))

    def reset(self) -> None:
        if self.radiograph is not None:
            self.dx.reset()
            self.invert_action.setChecked(False)
        else:
            self.mpr.reset()
            self.mip_action.setChecked(False)
            self.cine_action.setChecked(False)
            self.mpr.set_cine(False)

    def open_3d(self):
        """The lungs, bones and findings in 3D (VTK), in a window of its own; None without a CT."""
        if self.volume is None:
            return None
        from viewer.views.volume3d import Volume3DView  # VTK loads only when someone asks for 3D

        if self._view3d is not None:
            self._view3d.close()
            self._view3d = None
        try:
            self._view3d = Volume3DView(self.volume, self.mpr.findings, parent=self)
            self._view3d.show()
        except Exception:  # noqa: BLE001 - no usable OpenGL, out of memory...: the 2D reading goes on
            log.exception("cannot open the 3D view")
            self.view3d_action.setEnabled(False)
            return None
        return self._view3d

    def clear_measurements(self) -> None:
        for v in list(self.mpr.views.values()) + [self.dx.view]:
            v.measurements.clear()
            v.update()

    def views(self) -> dict:
        """The image views by name: axial/coronal/sagittal for CT, radiograph for DX."""
        if self.radiograph is not None:
            return {"radiograph": self.dx.view}
        return dict(self.mpr.views)

    def bad_file_list(self) -> list[tuple[str, str]]:
        return list(self._bad)

    # ---------------------------------------------------------------------------- loading
    def _stop_loader(self) -> None:
        if self._loader is not None:
            old, self._loader = self._loader, None
            old.cancel()
            for sig in (old.first, old.progress, old.bad, old.done, old.failed):
                try:
                    sig.disconnect()
                except (RuntimeError, TypeError):
                    pass
            old.wait(5000)  # a file read in progress finishes, then the thread sees cancel

    def _on_first(self, image, meta, partial=None) -> None:
        if image is not None and image.ndim == 2 and partial is not None:
            self.mpr.preview(image, meta, partial)
            self.stack.setCurrentWidget(self.ct_page)
            self.mpr.views["axial"].message = ""
        self.first_image.emit()

    def _on_progress(self, done: int, total: int) -> None:
        if self.volume is None and self.radiograph is None:
            for o, v in self.mpr.views.items():
                if o != "axial" or v.grey() is None:
                    v.message = self.tr("Loading %1 / %2").replace("%1", str(done)).replace("%2", str(total))
                    v.update()
            self.empty.setText(self.tr("Loading %1 / %2").replace("%1", str(done)).replace("%2", str(total)))
        self.progress.emit(done, total)

    def _on_bad(self, path: str, reason: str) -> None:
        self._bad.append((path, reason))

    def _on_done(self, result) -> None:
        if isinstance(result, Radiograph):
            self.radiograph = result
            self.dx.set_radiograph(result)
            self.stack.setCurrentWidget(self.dx.view)
            if not self.tool_actions["navigate"].isChecked():
                pass
            self.dx.view.tool = "pan" if self.mpr.views["axial"].tool == "navigate" else self.mpr.views["axial"].tool
        else:
            self.volume = result
            self.mpr.set_volume(result)
            self.stack.setCurrentWidget(self.ct_page)
            if self._pending_centre is not None:
                self.mpr.centre_on(self._pending_centre)
                self._pending_centre = None
        self._loaded = True
        self._update_mode_actions()
        if self._bad:
            self.bad_files.emit(list(self._bad))
        self.loaded.emit()

    def _on_failed(self, message: str) -> None:
        self.mpr.clear()
        self.stack.setCurrentWidget(self.empty)
        self.empty.setText(self.tr("Cannot show this series: %1").replace("%1", message))
        if self._bad:
            self.bad_files.emit(list(self._bad))
        self.load_failed.emit(message)

    # ------------------------------------------------------------------------------- keys
    def keyPressEvent(self, e) -> None:  # noqa: N802
        if self.volume is None and self.mpr.partial is None:
            return super().keyPressEvent(e)
        o = self.mpr.active
        k = e.key()
        if k in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.mpr.scroll(o, _KEY_STEPS[k])
        elif k == Qt.Key.Key_PageUp:
            self.mpr.page(o, -1)
        elif k == Qt.Key.Key_PageDown:
            self.mpr.page(o, 1)
        elif k == Qt.Key.Key_Home:
            self.mpr.set_slice(o, 0)
        elif k == Qt.Key.Key_End:
            self.mpr.set_slice(o, 10 ** 9)
        else:
            return super().keyPressEvent(e)
        e.accept()

    def closeEvent(self, e) -> None:  # noqa: N802
        self._stop_loader()
        if self._view3d is not None:
            self._view3d.close()
        self.mpr.set_cine(False)
        super().closeEvent(e)
