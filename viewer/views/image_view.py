"""A 2D image view drawn with QPainter from an 8-bit numpy image: zoom, pan, rotate/flip, window drag,
distance and ellipse-ROI measurements, magnifier, corner text, scale bar and orientation labels.

Both the CT MPR views and the radiograph view are this widget; what they show (slice, window,
crosshair, findings) is decided by their owner. Drawing from numpy rather than through a GL
pipeline keeps slice scrolling fast under Xvfb's software OpenGL: a slice costs one 64 K lookup
table gather and one scaled blit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QTransform)
from PySide6.QtWidgets import QSizePolicy, QWidget

from viewer.logic import measure

# Overlay text font: Noto Sans CJK first so that Chinese names render as glyphs, never as boxes.
FONT_FAMILIES = ["Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "Noto Sans",
                 "DejaVu Sans", "sans-serif"]

TOOLS = ("navigate", "pan", "zoom", "window", "distance", "roi", "magnify")

MEASURE_COLOR = QColor(255, 200, 0)
TEXT_COLOR = QColor(235, 235, 235)


def overlay_font(point_size: float = 10.0) -> QFont:
    f = QFont()
    f.setFamilies(FONT_FAMILIES)
    f.setPointSizeF(point_size)
    f.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return f


class GreyPyramid:
    """Modality values at full size and halved again and again (2x2 means), windowed to 8-bit grey
    per level on demand: a window change on a 3000x3000 image costs one LUT pass over ~1000x1000."""

    MIN_SIDE = 600

    def __init__(self, values: np.ndarray, to_grey):
        self.levels = [values]
        while min(self.levels[-1].shape) >= 2 * self.MIN_SIDE:
            a = self.levels[-1]
            h, w = (a.shape[0] // 2) * 2, (a.shape[1] // 2) * 2
            a = a[:h, :w]
            acc = a[0::2, 0::2].astype(np.float32) + a[1::2, 0::2] + a[0::2, 1::2] + a[1::2, 1::2]
            self.levels.append((acc * 0.25).astype(a.dtype) if a.dtype.kind != "f" else acc * 0.25)
        self.to_grey = to_grey  # values -> uint8
        self.shape = values.shape
        self.n_levels = len(self.levels)

    def grey(self, level: int) -> np.ndarray:
        return self.to_grey(self.levels[level])


@dataclass
class Measurement:
    kind: str  # "distance" | "roi"
    key: object  # the image it belongs to (e.g. ("axial", 120, 0.0)); shown only there
    p0: tuple[float, float]  # (row, col) image pixel coordinates (pixel centres at +0.5)
    p1: tuple[float, float]
    label: str = ""
    extra: dict = field(default_factory=dict)


class ImageView(QWidget):
    """One image on a black background. Coordinates: image (x=col, y=row, pixel i covers [i, i+1))."""

    clicked = Signal(float, float)  # image (row, col) of a navigate click / drag
    wheel_steps = Signal(int)  # wheel without Ctrl: the owner scrolls slices (CT) or zooms (here by default)
    window_dragged = Signal(float, float)  # right-drag (dx, dy) screen pixels since the last event
    measurement_added = Signal(object)
    activated = Signal()  # the user pressed a mouse button in this view

    SETTLE_MS = 120  # after this long without a change, a shrunk image is redrawn area-averaged

    def __init__(self, parent=None, name: str = ""):
        super().__init__(parent)
        self.name = name
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self._levels: dict[int, tuple[np.ndarray, QImage]] = {}
        self._pyramid = None
        self.last_level = 0  # the pyramid level drawn last
        self._shape: tuple[int, int] = (0, 0)
        self._has_image = False
        self._scaled: tuple[tuple, QImage] | None = None
        self._layer: tuple[tuple, QImage] | None = None
        self._settled_key = None
        self._settle_pending = None
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(self.SETTLE_MS)
        self._settle_timer.timeout.connect(self._settle)
        self._image_version = 0
        self.values: np.ndarray | None = None  # modality values of what is shown (for ROI statistics)
        self.key: object = None
        self.spacing_rc = (1.0, 1.0)
        self.spacing_known = True
        self.value_unit = "HU"
        self.zoom_factor = 1.0  # relative to "fit"
        self.pan = QPointF(0, 0)
        self.rotation = 0  # degrees, multiples of 90
        self.flip_h = False
        self.flip_v = False
        self.one_to_one = False
        self.tool = "navigate"
        self.measurements: list[Measurement] = []
        self.corner_text: dict[str, list[str]] = {"tl": [], "tr": [], "bl": [], "br": []}
        self.edge_labels: tuple[str, str, str, str] = ("", "", "", "")  # left, right, top, bottom
        self.accent = QColor(120, 120, 120)
        self.message = ""  # shown in the middle (e.g. "loading 120/500")
        self.show_overlays = True
        self.show_zoom = True
        self.magnify_factor = 2.5
        self._press_button = None
        self._active_tool = ""
        self._press_pos = QPointF()
        self._last_pos = QPointF()
        self._drag_measure: Measurement | None = None
        self._magnify_at: QPointF | None = None
        self._font = overlay_font(10)
        self._small_font = overlay_font(9)

    # ---------------------------------------------------------------------------------- image
    def set_image(self, grey: np.ndarray | None, values: np.ndarray | None = None, key: object = None,
                  spacing_rc: tuple[float, float] | None = None, pyramid: "GreyPyramid | None" = None) -> None:
        """Show an 8-bit image (rows, cols); values are the modality values behind it (for ROIs).
        A large image comes as a pyramid instead (grey=None): only the level the screen needs is
        windowed and drawn, so panning, zooming and window drags on a 3000x3000 radiograph stay fluid."""
        self._levels = {}
        self._pyramid = pyramid
        if pyramid is not None:
            self._shape = tuple(pyramid.shape)
        elif grey is not None:
            grey = np.ascontiguousarray(grey, dtype=np.uint8)
            self._levels[0] = (grey, self._wrap(grey))
            self._shape = grey.shape
        else:
            self._shape = (0, 0)
        self._has_image = pyramid is not None or grey is not None
        self.values = values
        self.key = key
        if spacing_rc is not None:
            self.spacing_rc = (float(spacing_rc[0]), float(spacing_rc[1]))
        self._scaled = None
        self._image_version += 1
        self.update()

    @staticmethod
    def _wrap(grey: np.ndarray) -> QImage:
        h, w = grey.shape
        return QImage(grey.data, w, h, grey.strides[0], QImage.Format.Format_Grayscale8)

    def _level(self, level: int) -> tuple[np.ndarray, QImage]:
        """(grey, QImage) of a pyramid level (0: full size); the array keeps the QImage's buffer alive."""
        got = self._levels.get(level)
        if got is None:
            grey = np.ascontiguousarray(self._pyramid.grey(level), dtype=np.uint8)
            got = self._levels[level] = (grey, self._wrap(grey))
        return got

    @property
    def _qimage(self) -> QImage | None:
        return self._level(0)[1] if self._has_image else None

    def image_shape(self) -> tuple[int, int]:
        return self._shape  # type: ignore[return-value]

    def grey(self) -> np.ndarray | None:
        return self._level(0)[0] if self._has_image else None

    # ------------------------------------------------------------------------------ transform
    def _extent_mm(self) -> tuple[float, float]:
        h, w = self.image_shape()
        return w * self.spacing_rc[1], h * self.spacing_rc[0]

    def fit_zoom(self) -> float:
        """Screen pixels per mm that fit the whole (rotated) image in the view."""
        wmm, hmm = self._extent_mm()
        if wmm <= 0 or hmm <= 0:
            return 1.0
        if self.rotation % 180:
            wmm, hmm = hmm, wmm
        return min(self.width() / wmm, self.height() / hmm)

    def pixels_per_mm(self) -> float:
        if self.one_to_one:
            return self.zoom_factor / min(self.spacing_rc)
        return self.fit_zoom() * self.zoom_factor

    def transform(self) -> QTransform:
        """Image pixel coordinates -> widget coordinates."""
        wmm, hmm = self._extent_mm()
        z = self.pixels_per_mm()
        t = QTransform()
        t.translate(self.width() / 2 + self.pan.x(), self.height() / 2 + self.pan.y())
        t.scale(-1 if self.flip_h else 1, -1 if self.flip_v else 1)
        t.rotate(self.rotation)
        t.scale(z, z)
        t.translate(-wmm / 2, -hmm / 2)
        t.scale(self.spacing_rc[1], self.spacing_rc[0])
        return t

    def image_to_screen(self, row: float, col: float) -> QPointF:
        """Widget position of image coordinates (row, col); a pixel's centre is (r + 0.5, c + 0.5)."""
        return self.transform().map(QPointF(col, row))

    def screen_to_image(self, pos: QPointF) -> tuple[float, float]:
        inv, ok = self.transform().inverted()
        p = inv.map(QPointF(pos))
        return p.y(), p.x()

    def reset_view(self) -> None:
        self.zoom_factor = 1.0
        self.pan = QPointF(0, 0)
        self.rotation = 0
        self.flip_h = self.flip_v = False
        self.one_to_one = False
        self._scaled = None
        self.update()

    def set_fit(self) -> None:
        self.one_to_one = False
        self.zoom_factor = 1.0
        self.pan = QPointF(0, 0)
        self._scaled = None
        self.update()

    def set_one_to_one(self) -> None:
        """One image pixel on one screen pixel, keeping the point in the middle of the view where it is."""
        centre = self.screen_to_image(QPointF(self.width() / 2, self.height() / 2))
        self.one_to_one = True
        self.zoom_factor = 1.0
        self._scaled = None
        self.pan = QPointF(0, 0)
        self.ensure_visible(*centre, force_centre=True)

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping the image point under anchor (screen) where it is."""
        anchor = QPointF(self.width() / 2, self.height() / 2) if anchor is None else QPointF(anchor)
        before = self.screen_to_image(anchor)
        self.zoom_factor = float(np.clip(self.zoom_factor * factor, 0.05, 64.0))
        after = self.image_to_screen(*before)
        self.pan += anchor - after
        self._scaled = None
        self.update()

    def ensure_visible(self, row: float, col: float, force_centre: bool = False) -> None:
        """Pan so that image point (row, col) is inside the view (centred when it was outside)."""
        p = self.image_to_screen(row, col)
        margin = 20
        inside = margin <= p.x() <= self.width() - margin and margin <= p.y() <= self.height() - margin
        if force_centre or not inside:
            self.pan += QPointF(self.width() / 2, self.height() / 2) - p
            self.update()

    def rotate_by(self, degrees: int) -> None:
        self.rotation = (self.rotation + degrees) % 360
        self._scaled = None
        self.update()

    # ------------------------------------------------------------------------------- painting
    def _scaled_image(self, t: QTransform) -> tuple[QImage, QTransform]:
        """What to draw for transform t. Shown smaller than its pixels, the image is drawn from an
        area-averaged copy at screen size (crisp, and panning is then a plain blit), made from the
        pyramid level just above screen size (so a zoom step on a 3000x3000 radiograph rescales at
        most twice the screen's pixels); shown at or above its size, the image itself."""
        h, w = self.image_shape()
        sx = math.hypot(t.m11(), t.m12())
        sy = math.hypot(t.m21(), t.m22())
        if sx >= 0.999 and sy >= 0.999:
            self.last_level = 0
            return self._qimage, t
        level = 0
        if self._pyramid is not None:
            level = int(np.clip(math.floor(math.log2(1.0 / min(sx, sy))), 0, self._pyramid.n_levels - 1))
        self.last_level = level
        grey, img = self._level(level)
        lh, lw = grey.shape
        tw, th = max(1, round(w * min(sx, 1.0))), max(1, round(h * min(sy, 1.0)))
        if tw >= lw and th >= lh:
            return img, QTransform.fromScale(w / lw, h / lh) * t
        key = (self._image_version, level, tw, th)
        if self._scaled is None or self._scaled[0] != key:
            if key != self._settled_key:
                # still scrolling / zooming / dragging the window: bilinear from the level now, the
                # area-averaged copy once the user pauses
                self._settle_pending = key
                self._settle_timer.start()
                return img, QTransform.fromScale(w / lw, h / lh) * t
            self._scaled = (key, img.scaled(tw, th, Qt.AspectRatioMode.IgnoreAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
        return self._scaled[1], QTransform.fromScale(w / tw, h / th) * t

    def _settle(self) -> None:
        self._settled_key = self._settle_pending
        self._layer = None
        self.update()

    def _image_layer(self, t: QTransform) -> QImage:
        """The image as drawn on screen (black around it), cached: when only overlays change (the
        crosshair moving in the other views while one view scrolls) a repaint is one plain blit."""
        key = (self._image_version, self.width(), self.height(), t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy())
        if self._layer is not None and self._layer[0] == key:
            return self._layer[1]
        dpr = self.devicePixelRatioF()
        layer = QImage(max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr)),
                       QImage.Format.Format_RGB32)
        layer.setDevicePixelRatio(dpr)
        layer.fill(Qt.GlobalColor.black)
        lp = QPainter(layer)
        img, ti = self._scaled_image(t)
        if (abs(ti.m11() - 1) < 1e-3 and abs(ti.m22() - 1) < 1e-3 and abs(ti.m12()) < 1e-9
                and abs(ti.m21()) < 1e-9):
            ti = QTransform.fromTranslate(round(ti.dx()), round(ti.dy()))  # a plain blit, no resampling
        lp.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        lp.setTransform(ti)
        lp.drawImage(QPointF(0, 0), img)
        lp.end()
        self._layer = (key, layer)
        return layer

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt name
        p = QPainter(self)
        if not self._has_image:
            p.fillRect(self.rect(), Qt.GlobalColor.black)
        else:
            t = self.transform()
            p.drawImage(QPointF(0, 0), self._image_layer(t))
            if self._magnify_at is not None:
                self._paint_magnifier(p, t)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            if self.show_overlays:
                self.paint_image_overlays(p, t)
            self._paint_measurements(p, t)
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self._paint_text(p)
        if self.hasFocus():
            p.setPen(QPen(self.accent, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        p.end()

    def paint_image_overlays(self, p: QPainter, t: QTransform) -> None:
        """Subclasses draw crosshairs and findings here (painter in widget coordinates)."""

    def _paint_magnifier(self, p: QPainter, t: QTransform) -> None:
        c = self._magnify_at
        r = min(110.0, min(self.width(), self.height()) / 4)
        path = QPainterPath()
        path.addEllipse(c, r, r)
        p.save()
        p.setClipPath(path)
        p.fillPath(path, Qt.GlobalColor.black)
        m = QTransform()
        m.translate(c.x(), c.y())
        m.scale(self.magnify_factor, self.magnify_factor)
        m.translate(-c.x(), -c.y())
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.setTransform(t * m)
        p.drawImage(QPointF(0, 0), self._qimage)
        p.restore()
        p.setPen(QPen(QColor(255, 255, 255, 200), 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(c, r, r)

    def _measurement_text(self, m: Measurement) -> str:
        if m.kind == "distance":
            if self.spacing_known:
                d = measure.distance_mm(m.p0, m.p1, self.spacing_rc)
                m.extra["mm"] = d
                return f"{d:.1f} mm"
            d = measure.distance_mm(m.p0, m.p1, (1.0, 1.0))
            m.extra["px"] = d
            return f"{d:.1f} px"
        if m.kind == "roi" and self.values is not None:
            (r0, c0), (r1, c1) = m.p0, m.p1
            centre = ((r0 + r1) / 2 - 0.5, (c0 + c1) / 2 - 0.5)  # pixel centres are at +0.5
            radii = (abs(r1 - r0) / 2, abs(c1 - c0) / 2)
            s = measure.ellipse_stats(self.values, centre, radii, self.spacing_rc if self.spacing_known else (1, 1))
            m.extra.update(mean=s.mean, sd=s.sd, n=s.n_pixels, area_mm2=s.area_mm2)
            unit = f" {self.value_unit}" if self.value_unit else ""
            area = f"{s.area_mm2:.0f} mm²" if self.spacing_known else f"{s.n_pixels} px"
            return f"{s.mean:.1f} ± {s.sd:.1f}{unit}\n{area}"
        return ""

    def _paint_measurements(self, p: QPainter, t: QTransform) -> None:
        items = [m for m in self.measurements if m.key == self.key]
        if self._drag_measure is not None:
            items.append(self._drag_measure)
        if not items:
            return
        pen = QPen(MEASURE_COLOR, 1.5)
        pen.setCosmetic(True)
        p.setFont(self._small_font)
        for m in items:
            a = t.map(QPointF(m.p0[1], m.p0[0]))
            b = t.map(QPointF(m.p1[1], m.p1[0]))
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            if m.kind == "distance":
                p.drawLine(a, b)
                for q in (a, b):
                    p.drawEllipse(q, 2.5, 2.5)
                anchor = b
            else:
                p.save()
                p.setTransform(t)
                (r0, c0), (r1, c1) = m.p0, m.p1
                p.drawEllipse(QRectF(QPointF(min(c0, c1), min(r0, r1)), QPointF(max(c0, c1), max(r0, r1))))
                p.restore()
                anchor = QPointF(max(a.x(), b.x()), min(a.y(), b.y()))
            m.label = self._measurement_text(m)
            self._text_box(p, anchor + QPointF(6, -4), m.label.split("\n"), MEASURE_COLOR)

    def _text_box(self, p: QPainter, at: QPointF, lines: list[str], color: QColor) -> None:
        fm = QFontMetricsF(p.font())
        y = at.y()
        for line in lines:
            p.setPen(QColor(0, 0, 0, 220))
            p.drawText(QPointF(at.x() + 1, y + 1), line)
            p.setPen(color)
            p.drawText(QPointF(at.x(), y), line)
            y += fm.lineSpacing()

    def _paint_text(self, p: QPainter) -> None:
        p.setFont(self._font)
        fm = QFontMetricsF(self._font)
        ls = fm.lineSpacing()
        w, h = self.width(), self.height()
        m = 6
        ct = self.corner_text if self.show_overlays else {"tl": self.corner_text.get("tl", [])[:1]}
        if self.show_overlays and self.show_zoom and self._has_image:
            # zoom as screen pixels per image pixel, computed now: the view's size is only known here
            ct = dict(ct)
            ct["br"] = list(ct.get("br", [])) + [f"zoom {self.pixels_per_mm() * min(self.spacing_rc):.2f}"]
        for corner, lines in ct.items():
            lines = [ln for ln in lines if ln]
            for n, line in enumerate(lines):
                tw = fm.horizontalAdvance(line)
                x = m if corner[1] == "l" else w - m - tw
                y = m + fm.ascent() + n * ls if corner[0] == "t" else h - m - fm.descent() - (len(lines) - 1 - n) * ls
                p.setPen(QColor(0, 0, 0, 230))
                p.drawText(QPointF(x + 1, y + 1), line)
                p.setPen(TEXT_COLOR)
                p.drawText(QPointF(x, y), line)
        if self.show_overlays:
            left, right, top, bottom = self.edge_labels
            p.setPen(QColor(230, 200, 120))
            for label, pos in ((left, QPointF(m, h / 2)), (right, QPointF(w - m - fm.horizontalAdvance(right), h / 2)),
                               (top, QPointF(w / 2 - fm.horizontalAdvance(top) / 2, m + fm.ascent())),
                               (bottom, QPointF(w / 2 - fm.horizontalAdvance(bottom) / 2, h - m - fm.descent()))):
                if label:
                    p.drawText(pos, label)
            self._paint_scale_bar(p)
        if self.message:
            p.setPen(TEXT_COLOR)
            p.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.message)

    def _paint_scale_bar(self, p: QPainter) -> None:
        if not self._has_image or not self.spacing_known:
            return
        ppm = self.pixels_per_mm()
        if ppm <= 0:
            return
        length_mm = measure.scale_bar_mm(1.0 / ppm, target_px=min(120.0, self.width() / 4))
        px = length_mm * ppm
        x1 = self.width() - 12
        x0 = x1 - px
        pen = QPen(TEXT_COLOR, 1.5)
        p.setPen(pen)
        # bottom right, above the corner text there
        n_br = len([ln for ln in self.corner_text.get("br", []) if ln]) + int(self.show_zoom)
        y = self.height() - 14 - n_br * QFontMetricsF(self._font).lineSpacing()
        p.drawLine(QPointF(x0, y), QPointF(x1, y))
        for x in (x0, x1):
            p.drawLine(QPointF(x, y - 4), QPointF(x, y + 4))
        label = f"{length_mm:g} mm" if length_mm >= 1 else f"{length_mm * 1000:g} µm"
        p.setFont(self._small_font)
        fm = QFontMetricsF(self._small_font)
        p.drawText(QPointF(x1 - fm.horizontalAdvance(label), y - 6), label)
        p.setFont(self._font)

    # ---------------------------------------------------------------------------------- mouse
    def mousePressEvent(self, e) -> None:  # noqa: N802
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.activated.emit()
        self._press_button = e.button()
        self._press_pos = self._last_pos = QPointF(e.position())
        if not self._has_image:
            return
        if e.button() == Qt.MouseButton.LeftButton:
            tool = self.tool
            if e.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                tool = "pan"
            elif e.modifiers() & Qt.KeyboardModifier.ControlModifier:
                tool = "zoom"
            self._active_tool = tool
            rc = self.screen_to_image(e.position())
            if tool == "navigate":
                self.clicked.emit(*rc)
            elif tool in ("distance", "roi"):
                self._drag_measure = Measurement(tool, self.key, rc, rc)
            elif tool == "magnify":
                self._magnify_at = QPointF(e.position())
                self.update()
        else:
            self._active_tool = {Qt.MouseButton.RightButton: "window",
                                 Qt.MouseButton.MiddleButton: "pan"}.get(e.button(), "")

    def mouseMoveEvent(self, e) -> None:  # noqa: N802
        if self._press_button is None or not self._has_image:
            return
        pos = QPointF(e.position())
        d = pos - self._last_pos
        self._last_pos = pos
        tool = getattr(self, "_active_tool", "")
        if tool == "window":
            self.window_dragged.emit(d.x(), d.y())
        elif tool == "pan":
            self.pan += d
            self.update()
        elif tool == "zoom":
            self.zoom_by(math.exp(-d.y() / 150.0), self._press_pos)
        elif tool == "navigate":
            self.clicked.emit(*self.screen_to_image(pos))
        elif tool in ("distance", "roi") and self._drag_measure is not None:
            self._drag_measure.p1 = self.screen_to_image(pos)
            self.update()
        elif tool == "magnify":
            self._magnify_at = pos
            self.update()

    def mouseReleaseEvent(self, e) -> None:  # noqa: N802
        tool = getattr(self, "_active_tool", "")
        if self._drag_measure is not None:
            m, self._drag_measure = self._drag_measure, None
            a = self.image_to_screen(*m.p0)
            b = self.image_to_screen(*m.p1)
            if math.hypot(a.x() - b.x(), a.y() - b.y()) >= 3:  # a click is not a measurement
                m.label = self._measurement_text(m)
                self.measurements.append(m)
                self.measurement_added.emit(m)
            self.update()
        if tool == "magnify":
            self._magnify_at = None
            self.update()
        self._press_button = None
        self._active_tool = ""

    def wheelEvent(self, e) -> None:  # noqa: N802
        steps = e.angleDelta().y() / 120.0
        if not steps:
            return
        if e.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(1.15 ** steps, QPointF(e.position()))
        else:
            self.wheel_steps.emit(int(math.copysign(max(1, round(abs(steps))), steps)))
        e.accept()

    def resizeEvent(self, e) -> None:  # noqa: N802
        self._scaled = None
        super().resizeEvent(e)
