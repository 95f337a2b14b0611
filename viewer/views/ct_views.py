"""The three CT MPR views (axial, coronal, sagittal) sharing one ReadingState: linked crosshair,
thick-slab MIP, window/level, findings outlines, cine."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QPointF, QRect, QTimer, Signal
from PySide6.QtGui import QPainter, QRegion, QTransform

from viewer.logic import display
from viewer.logic.display import person_name_display
from viewer.logic.mpr import ORIENTATIONS, ReadingState, edge_labels
from viewer.views.image_view import ImageView
from viewer.views.overlays import EDGE_LABELS, PLANE_COLORS, crosshair_lines, paint_crosshair, paint_findings

_POSITION_AXIS = {"axial": (2, "z"), "coronal": (1, "y"), "sagittal": (0, "x")}


class MprView(ImageView):
    def __init__(self, orientation: str, controller: "MprController", parent=None):
        super().__init__(parent, name=orientation)
        self.orientation = orientation
        self.controller = controller
        self.accent = PLANE_COLORS[orientation]
        self.edge_labels = EDGE_LABELS[orientation]
        self.drawn_findings: list = []
        self.painted_crosshair = QRegion()

    def crosshair_region(self) -> QRegion:
        """Screen strips under this view's crosshair lines as they are now (to repaint only those)."""
        st = self.controller.state
        region = QRegion()
        if st is None or not self._has_image:
            return region
        t = self.transform()
        for _, direction, v in crosshair_lines(st, self.orientation):
            if direction == "v":
                x = int(t.map(QPointF(v, 0)).x())
                region += QRect(x - 3, 0, 7, self.height())
            else:
                y = int(t.map(QPointF(0, v)).y())
                region += QRect(0, y - 3, self.width(), 7)
        return region

    def paint_image_overlays(self, p: QPainter, t: QTransform) -> None:
        st = self.controller.state
        if st is None:
            return
        if self.controller.crosshair_visible:
            paint_crosshair(p, t, st, self.orientation, self.image_shape())
            self.painted_crosshair = self.crosshair_region()  # what a later partial repaint must clear
        if self.controller.findings and self.controller.findings_visible:
            p.setFont(self._small_font)
            self.drawn_findings = paint_findings(p, t, st, self.orientation, self.controller.findings,
                                                 self.controller.selected_finding)
        else:
            self.drawn_findings = []


class MprController(QObject):
    """Owns the ReadingState and keeps the three views in step with it."""

    cursor_changed = Signal()
    window_changed = Signal(float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state: ReadingState | None = None
        self.views: dict[str, MprView] = {o: MprView(o, self) for o in ORIENTATIONS}
        self.findings: list = []
        self.selected_finding: int | None = None
        self.crosshair_visible = True
        self.findings_visible = True
        self.active = "axial"
        self.slab_thickness_mm = 10.0
        self.meta: dict = {}
        self.partial = None  # PartialVolume while loading
        self._preview_slot = 0
        self._preview_window = display.PRESETS["lung"]
        self.cine = QTimer(self)
        self.cine.timeout.connect(self._cine_step)
        self.cine_fps = 15
        self._cine_dir = 1
        for o, v in self.views.items():
            v.clicked.connect(lambda r, c, o=o: self.click(o, r, c))
            v.wheel_steps.connect(lambda n, o=o: self.scroll(o, -n))
            v.window_dragged.connect(self._window_drag)
            v.activated.connect(lambda o=o: self._activate(o))
            v.value_unit = "HU"

    # --------------------------------------------------------------------------------- state
    def preview(self, image: np.ndarray, meta: dict, partial=None) -> None:
        """The first decoded slice, shown in the axial view while the rest of the series loads; with
        `partial` (the slices read so far) the reader can already scroll through what has arrived."""
        self.meta = meta
        self.partial = partial
        self._preview_slot = 0
        self._preview_window = meta.get("window") or display.PRESETS["lung"]
        self._show_preview(image, None)

    def _show_preview(self, image: np.ndarray, rank_of: tuple[int, int] | None) -> None:
        c, w = self._preview_window
        v = self.views["axial"]
        v.set_image(display.to_grey(image, c, w), image, key=("preview",), spacing_rc=(1.0, 1.0))
        v.spacing_known = False
        self._corner_text("axial", preview=True)
        if rank_of is not None and self.partial is not None:
            pos = self.partial.positions[self._preview_slot]
            v.corner_text["bl"] = [f"{self._view_name('axial')} {rank_of[0] + 1}/{rank_of[1]}  …", f"{pos:.1f} mm"]

    def preview_scroll(self, delta: int | None = None, to_end: int | None = None) -> None:
        """Move through the slices read so far, in position order (delta), or to the first/last (to_end -1/1)."""
        p = self.partial
        if p is None:
            return
        order = p.order()
        n = len(order)
        if n == 0:
            return
        rank = int(np.nonzero(order == self._preview_slot)[0][0]) if self._preview_slot in order else 0
        if to_end is not None:
            new = 0 if to_end < 0 else n - 1
        else:
            new = int(np.clip(rank + (delta or 0), 0, n - 1))
        self._preview_slot = int(order[new])
        self._show_preview(np.array(p.voxels[self._preview_slot]), (new, n))

    def set_volume(self, volume) -> None:
        self.partial = None
        self.state = ReadingState(volume)
        self.meta = volume.meta
        if not volume.meta.get("window"):
            self.state.center, self.state.width = display.PRESETS["lung"]
        for o, v in self.views.items():
            v.edge_labels = edge_labels(volume.geometry, o)
            v.spacing_known = True
            v.message = ""
            v.measurements.clear()
            v.reset_view()
        self.refresh()

    def clear(self) -> None:
        self.cine.stop()
        self.state = None
        self.partial = None
        for v in self.views.values():
            v.set_image(None)
            v.corner_text = {"tl": [], "tr": [], "bl": [], "br": []}
            v.measurements.clear()

    def refresh(self, orientations=ORIENTATIONS) -> None:
        """Recompute the images of the given views and repaint all (the crosshair moves in every view)."""
        st = self.state
        if st is None:
            return
        # the other views only see their crosshair move: repaint just the strips it leaves and enters
        before = {o: self.views[o].painted_crosshair for o in ORIENTATIONS if o not in orientations}
        for o in orientations:
            values = st.image(o)
            grey = display.to_grey(values, st.center, st.width)
            self.views[o].set_image(grey, values, key=(o, st.slice_index(o), st.slab_mm), spacing_rc=st.spacing(o))
        for o in ORIENTATIONS:
            self._corner_text(o)
            if o in before:
                self.views[o].update(before[o] + self.views[o].crosshair_region())
            else:
                self.views[o].update()
        self.cursor_changed.emit()

    def _view_name(self, o: str) -> str:
        # Literal tr() calls so that lupdate finds the three names.
        return {"axial": self.tr("Axial"), "coronal": self.tr("Coronal"), "sagittal": self.tr("Sagittal")}[o]

    def _corner_text(self, o: str, preview: bool = False) -> None:
        m = self.meta
        v = self.views[o]
        name = person_name_display(m.get("patient_name", ""))
        tl = [name, m.get("patient_id", ""), " ".join(x for x in (m.get("patient_sex", ""), m.get("patient_age", "")) if x)]
        date = m.get("study_date", "")
        date = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if len(date) == 8 else date
        tr = [m.get("institution", ""), m.get("study_description", ""), m.get("series_description", ""), date]
        st = self.state
        if preview or st is None:
            v.corner_text = {"tl": tl, "tr": tr, "bl": [], "br": []}
            return
        idx, n = st.slice_index(o), st.n_slices(o)
        axis, letter = _POSITION_AXIS[o]
        pos = float(st.cursor_lps()[axis])
        bl = [f"{self._view_name(o)}  {idx + 1}/{n}", f"{letter} = {pos:.1f} mm"]
        if st.slab_mm > 0:
            bl.append(f"MIP {st.slab_mm:g} mm")
        else:
            bl.append(f"{st.volume.geometry.spacing[ORIENTATIONS.index(o)]:.2g} mm")
        br = [f"W {st.width:.0f}  L {st.center:.0f}"]
        if o == "axial":
            v.corner_text = {"tl": tl, "tr": tr, "bl": bl, "br": br}
        else:  # the smaller views: the essentials only, so the corners do not run into each other
            v.corner_text = {"tl": [], "tr": [], "bl": bl[:2], "br": br}

    # ------------------------------------------------------------------------------ actions
    def _activate(self, o: str) -> None:
        self.active = o

    def click(self, o: str, row: float, col: float) -> None:
        if self.state is None:
            return
        self.active = o
        before = list(self.state.cursor)
        self.state.click(o, row - 0.5, col - 0.5)  # image coordinate -> pixel index
        changed = [x for x, (a, b) in zip(ORIENTATIONS, zip(before, self.state.cursor)) if a != b]
        self.refresh(changed)

    def scroll(self, o: str, delta: int) -> None:
        if self.state is None:
            if o == "axial":
                self.preview_scroll(delta)
            return
        before = self.state.slice_index(o)
        if self.state.scroll(o, delta) != before:
            self.refresh([o])

    def set_slice(self, o: str, index: int) -> None:
        if self.state is None and o == "axial":
            self.preview_scroll(to_end=-1 if index <= 0 else 1)
        if self.state is not None:
            self.state.set_slice(o, index)
            self.refresh([o])

    def page(self, o: str, direction: int) -> None:
        if self.state is None and self.partial is not None and o == "axial":
            self.preview_scroll(direction * max(1, self.partial.count() // 10))
        if self.state is not None:
            self.scroll(o, direction * max(1, self.state.n_slices(o) // 10))

    def set_window(self, center: float, width: float) -> None:
        if self.state is None:
            return
        self.state.center, self.state.width = display.clamp_window(center, width)
        self.refresh()
        self.window_changed.emit(self.state.center, self.state.width)

    def set_preset(self, name: str) -> None:
        self.set_window(*display.PRESETS[name])

    def _window_drag(self, dx: float, dy: float) -> None:
        if self.state is None:
            return
        s = display.window_sensitivity(self.state.width)
        self.set_window(*display.drag_window(self.state.center, self.state.width, dx, dy, s))

    def set_mip(self, on: bool, thickness_mm: float | None = None) -> None:
        if thickness_mm is not None:
            self.slab_thickness_mm = float(thickness_mm)
        if self.state is not None:
            self.state.slab_mm = self.slab_thickness_mm if on else 0.0
            self.refresh()

    def centre_on(self, lps) -> None:
        if self.state is None:
            return
        self.state.centre_on_lps(lps)
        best = None
        for n, f in enumerate(self.findings):
            d = float(np.linalg.norm(np.asarray(f.center_lps_mm) - np.asarray(lps, dtype=float)))
            if d <= max(float(f.diameter_mm) / 2, 1.0) and (best is None or d < best[0]):
                best = (d, n)
        self.selected_finding = best[1] if best else None
        self.refresh()
        kji = self.state.volume.geometry.to_voxel(lps)
        for o, v in self.views.items():
            r, c = self.state.voxel_to_display(o, kji)
            v.ensure_visible(r + 0.5, c + 0.5)

    def reset(self) -> None:
        for v in self.views.values():
            v.reset_view()
            v.measurements.clear()
        if self.state is not None:
            w = self.state.volume.meta.get("window")
            self.state.center, self.state.width = w or display.PRESETS["lung"]
            self.state.slab_mm = 0.0
            nk, nj, ni = self.state.volume.shape
            self.state.cursor = [nk // 2, nj // 2, ni // 2]
            self.refresh()

    def set_cine(self, on: bool) -> None:
        if on and self.state is not None:
            self.cine.start(int(1000 / max(1, self.cine_fps)))
        else:
            self.cine.stop()

    def _cine_step(self) -> None:
        if self.state is None:
            self.cine.stop()
            return
        o = self.active
        n = self.state.n_slices(o)
        i = self.state.slice_index(o)
        if not 0 <= i + self._cine_dir < n:
            self._cine_dir = -self._cine_dir  # back and forth through the series
        self.scroll(o, self._cine_dir)

    def set_tool(self, tool: str) -> None:
        for v in self.views.values():
            v.tool = tool

    def set_findings_visible(self, on: bool) -> None:
        self.findings_visible = bool(on)
        for v in self.views.values():
            v.update()

    def set_annotations_visible(self, on: bool) -> None:
        """Corner text, crosshair, scale bar, findings: all of it (to see the bare image)."""
        for v in self.views.values():
            v.show_overlays = on
            v.update()
