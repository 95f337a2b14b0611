"""What is drawn over the CT views: the linked crosshair and the AI findings' outlines."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen, QTransform

from viewer.logic.mpr import ReadingState

# One colour per plane; a view's crosshair lines take the colour of the plane they stand for.
PLANE_COLORS = {"axial": QColor(80, 160, 255), "coronal": QColor(90, 210, 90), "sagittal": QColor(255, 110, 110)}
FINDING_COLOR = QColor(255, 230, 0)  # pure-ish yellow: tests look for it in screenshots
FINDING_SELECTED_COLOR = QColor(255, 140, 0)
FINDING_ACCEPTED_COLOR = QColor(60, 230, 120)
FINDING_REJECTED_COLOR = QColor(150, 150, 150)

# Edge labels (left, right, top, bottom) for the radiological display of each plane.
EDGE_LABELS = {"axial": ("R", "L", "A", "P"), "coronal": ("R", "L", "S", "I"), "sagittal": ("A", "P", "S", "I")}


def crosshair_lines(state: ReadingState, orientation: str) -> list[tuple[str, str, float]]:
    """[(plane, "h"|"v", image coordinate)] of the other two planes' lines in this view."""
    nk = state.volume.shape[0]
    k, j, i = state.cursor
    if orientation == "axial":
        return [("sagittal", "v", i + 0.5), ("coronal", "h", j + 0.5)]
    if orientation == "coronal":
        return [("sagittal", "v", i + 0.5), ("axial", "h", nk - 1 - k + 0.5)]
    return [("coronal", "v", j + 0.5), ("axial", "h", nk - 1 - k + 0.5)]


def paint_crosshair(p: QPainter, t: QTransform, state: ReadingState, orientation: str, shape: tuple[int, int],
                    gap_px: float = 14.0) -> None:
    """Lines across the whole image, with a gap around the crosshair point so the anatomy stays visible."""
    h, w = shape
    lines = crosshair_lines(state, orientation)
    centre = {d: v for _, d, v in lines}
    cpt = t.map(QPointF(centre.get("v", 0), centre.get("h", 0)))
    for plane, direction, v in lines:
        pen = QPen(PLANE_COLORS[plane], 1)
        pen.setCosmetic(True)
        p.setPen(pen)
        if direction == "v":
            a, b = t.map(QPointF(v, 0)), t.map(QPointF(v, h))
        else:
            a, b = t.map(QPointF(0, v)), t.map(QPointF(w, v))
        for start, end in ((a, b), (b, a)):
            seg = end - start
            length = (seg.x() ** 2 + seg.y() ** 2) ** 0.5 or 1.0
            # from this end to the crosshair point, stopping gap_px short of it
            to_c = cpt - start
            dist = (to_c.x() * seg.x() + to_c.y() * seg.y()) / length
            if dist - gap_px > 0:
                p.drawLine(start, start + seg * ((dist - gap_px) / length))


def paint_findings(p: QPainter, t: QTransform, state: ReadingState, orientation: str, findings: list,
                   selected: int | None = None) -> list[tuple[int, QPointF, float]]:
    """The outline (a circle of the finding's diameter, cut by the view's plane) of every finding that
    intersects this view's current plane. Returns [(index, screen centre, screen radius)] drawn."""
    drawn = []
    fm = QFontMetricsF(p.font())
    for n, f in enumerate(findings):
        out = state.sphere_outline(orientation, f.center_lps_mm, float(f.diameter_mm))
        if out is None:
            continue
        (r, c), rr, rc = out
        color = FINDING_COLOR
        if getattr(f, "accepted", None) is True:
            color = FINDING_ACCEPTED_COLOR
        elif getattr(f, "accepted", None) is False:
            color = FINDING_REJECTED_COLOR
        if n == selected:
            color = FINDING_SELECTED_COLOR
        pen = QPen(color, 2.0 if n == selected else 1.6)
        pen.setCosmetic(True)
        p.save()
        p.setPen(pen)
        p.setBrush(QColor(0, 0, 0, 0))
        p.setTransform(t)
        p.drawEllipse(QRectF(c + 0.5 - rc, r + 0.5 - rr, 2 * rc, 2 * rr))
        p.restore()
        centre = t.map(QPointF(c + 0.5, r + 0.5))
        edge = t.map(QPointF(c + 0.5 + rc, r + 0.5))
        radius = ((edge - centre).x() ** 2 + (edge - centre).y() ** 2) ** 0.5
        label = f"{n + 1}  {float(f.diameter_mm):.1f} mm"
        p.setPen(QColor(0, 0, 0, 220))
        at = centre + QPointF(radius * 0.75 + 4, -radius * 0.75 - 2)
        p.drawText(at + QPointF(1, 1), label)
        p.setPen(color)
        p.drawText(at, label)
        drawn.append((n, centre, radius))
    del fm
    return drawn
