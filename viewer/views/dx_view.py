"""The radiograph (DR/CR/DX) view: one large image, MONOCHROME1 shown the right way round, the
header's VOI LUT / window applied, rotate, flip, invert, fit, 1:1, magnifier."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from viewer.logic import display
from viewer.logic.display import person_name_display
from viewer.logic.volume import Radiograph
from viewer.views.image_view import GreyPyramid, ImageView


class RadiographController(QObject):
    window_changed = Signal(float, float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = ImageView(name="radiograph")
        self.view.tool = "pan"
        self.view.value_unit = ""
        self.rad: Radiograph | None = None
        self.window: tuple[float, float] = (0.0, 1.0)
        self.inverted = False  # the user's invert, on top of the MONOCHROME1 handling
        self.view.window_dragged.connect(self._window_drag)
        self.view.wheel_steps.connect(lambda n: self.view.zoom_by(1.15 ** n))

    def preview(self, image, meta: dict) -> None:
        pass  # a radiograph arrives whole: the "done" event follows the first at once

    def set_radiograph(self, rad: Radiograph) -> None:
        self.rad = rad
        self._pyramid = GreyPyramid(rad.pixels, None)
        self.window = rad.window
        self.inverted = False
        self.view.spacing_known = rad.spacing_known
        self.view.measurements.clear()
        self.view.reset_view()
        self.refresh()

    def clear(self) -> None:
        self.rad = None
        self._pyramid = None
        self.view.set_image(None)
        self.view.corner_text = {"tl": [], "tr": [], "bl": [], "br": []}

    def refresh(self) -> None:
        rad = self.rad
        if rad is None:
            return
        c, w = self.window
        invert = rad.monochrome1 != self.inverted  # MONOCHROME1: low values are white
        self._pyramid.to_grey = lambda values: display.to_grey(values, c, w, invert=invert)
        self.view.set_image(None, rad.pixels, key=("dx",), spacing_rc=rad.pixel_spacing, pyramid=self._pyramid)
        self._corner_text()

    def _corner_text(self) -> None:
        m = self.rad.meta if self.rad else {}
        date = m.get("study_date", "")
        date = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if len(date) == 8 else date
        h, w = self.rad.pixels.shape if self.rad is not None else (0, 0)
        bl = [f"{m.get('modality', '')}  {w}x{h}", m.get("photometric", "")]
        if self.inverted:
            bl.append("inverted")
        if self.view.rotation or self.view.flip_h or self.view.flip_v:
            bl.append(f"rot {self.view.rotation}°" + ("  flip H" if self.view.flip_h else "")
                      + ("  flip V" if self.view.flip_v else ""))
        c, wd = self.window
        self.view.corner_text = {
            "tl": [person_name_display(m.get("patient_name", "")), m.get("patient_id", ""),
                   " ".join(x for x in (m.get("patient_sex", ""), m.get("patient_age", "")) if x)],
            "tr": [m.get("institution", ""), m.get("study_description", ""), m.get("series_description", ""), date],
            "bl": bl,
            "br": [f"W {wd:.0f}  L {c:.0f}"] + ([] if self.view.spacing_known else ["(no spacing)"]),
        }
        self.view.update()

    def _window_drag(self, dx: float, dy: float) -> None:
        if self.rad is None:
            return
        c, w = self.window
        s = max(w / 400.0, 0.5)
        if self.rad.monochrome1 != self.inverted:
            dy = -dy  # drag up = brighter on screen, whichever way the grey scale runs
        self.window = display.drag_window(c, w, dx, dy, s)
        self.refresh()
        self.window_changed.emit(*self.window)

    # ------------------------------------------------------------------------------ actions
    def rotate(self, degrees: int) -> None:
        self.view.rotate_by(degrees)
        self._corner_text()

    def flip(self, horizontal: bool) -> None:
        if horizontal:
            self.view.flip_h = not self.view.flip_h
        else:
            self.view.flip_v = not self.view.flip_v
        self.view.update()
        self._corner_text()

    def set_inverted(self, on: bool) -> None:
        self.inverted = bool(on)
        self.refresh()

    def fit(self) -> None:
        self.view.set_fit()
        self._corner_text()

    def one_to_one(self) -> None:
        self.view.set_one_to_one()
        self._corner_text()

    def reset(self) -> None:
        if self.rad is not None:
            self.window = self.rad.window
            self.inverted = False
            self.view.measurements.clear()
            self.view.reset_view()
            self.refresh()
