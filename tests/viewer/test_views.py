"""The reading views in a real X window (Xvfb via pytest-xvfb), looked at through real screenshots:
findings outlines where the nodules are, linked views, scrolling, window/level, measurements, the real
MONOCHROME1 chest CR, Chinese names, loading in the background with bad files listed."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pydicom
import pytest

from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QImage, QPainter, QRawFont  # noqa: E402

from ai_models.findings import Finding, FindingsReport, ModelInfo  # noqa: E402
from tests.conftest import dicom_files, ground_truth, pydicom_data  # noqa: E402
from viewer.logic.display import PRESETS, person_name_display  # noqa: E402
from viewer.views.image_view import overlay_font  # noqa: E402
from viewer.views.overlays import FINDING_COLOR, FINDING_SELECTED_COLOR  # noqa: E402
from viewer.views.reading import ReadingWidget  # noqa: E402

pytestmark = pytest.mark.gui

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "viewer"


def _save(img: QImage, name: str, tmp_path: Path) -> Path:
    """Screenshots go to tmp_path and, for a person to look at, to build/test-artifacts/viewer/."""
    out = tmp_path / name
    img.save(str(out))
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        img.save(str(ARTIFACTS / name))
    except OSError:
        pass
    return out


def _rgb(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB888)
    arr = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3).copy()


def _open(qtbot, files, size=(1280, 1024)) -> ReadingWidget:
    w = ReadingWidget()
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.loaded, timeout=60_000):
        w.load(files)
    qtbot.wait(20)
    return w


def _report(truth: dict) -> FindingsReport:
    return FindingsReport(truth["study_uid"], truth["series_uid"], ModelInfo("ground truth", "1", "phantom"), [
        Finding(n["center_lps_mm"], n["diameter_mm"], n["volume_mm3"], 1.0,
                n["kind"] if n["kind"] in ("solid", "part_solid", "ground_glass") else "solid")
        for n in truth["nodules"]])


def _expected_screen(view, row_px: float, col_px: float) -> tuple[float, float]:
    """Where a fitted, unrotated, unpanned image puts an image point (independent of the view's maths)."""
    h, w = view.image_shape()
    sr, sc = view.spacing_rc
    zoom = min(view.width() / (w * sc), view.height() / (h * sr))
    x = view.width() / 2 + zoom * (col_px * sc - w * sc / 2)
    y = view.height() / 2 + zoom * (row_px * sr - h * sr / 2)
    return x, y


@pytest.fixture(scope="module")
def ct_small(ct_phantom_small):
    return ct_phantom_small, ground_truth(ct_phantom_small), dicom_files(ct_phantom_small)


def test_findings_outline_drawn_at_the_nodule_in_the_axial_screenshot(qtbot, ct_small, tmp_path):
    folder, truth, files = ct_small
    w = _open(qtbot, files)
    w.set_findings(_report(truth))
    nod = max((n for n in truth["nodules"] if n["kind"] == "solid"), key=lambda n: n["diameter_mm"])
    w.center_on(nod["center_lps_mm"])
    w.set_preset("lung")
    qtbot.wait(20)
    axial = w.mpr.views["axial"]
    assert axial.pan == QPointF(0, 0)  # the nodule was on screen: no panning needed
    vol = w.volume
    k, j, i = vol.geometry.to_voxel(nod["center_lps_mm"])
    ex, ey = _expected_screen(axial, j + 0.5, i + 0.5)
    zoom = axial.width() / (512 * vol.geometry.spacing[2]) if axial.width() / axial.height() < 1 else \
        axial.height() / (512 * vol.geometry.spacing[1])
    radius_px = nod["diameter_mm"] / 2 * zoom  # at the nodule's centre plane (within half a slice)

    # 1. without overlays: the nodule itself is the bright blob at the expected place
    w.set_overlays_visible(False)
    w.mpr.set_annotations_visible(False)
    bare = _rgb(axial.grab().toImage())
    _save(axial.grab().toImage(), "axial_bare.png", tmp_path)
    grey = bare[..., 0].astype(float)
    yy, xx = np.mgrid[0:grey.shape[0], 0:grey.shape[1]]
    inside = (xx - ex) ** 2 + (yy - ey) ** 2 < (0.6 * radius_px) ** 2
    ring = ((xx - ex) ** 2 + (yy - ey) ** 2 > (1.5 * radius_px) ** 2) & ((xx - ex) ** 2 + (yy - ey) ** 2 < (2.2 * radius_px) ** 2)
    assert grey[inside].mean() > grey[ring].mean() + 60, "the solid nodule should stand out from the lung"
    # 2. with overlays: the outline's pixels lie on a circle of the nodule's radius around that point
    w.mpr.set_annotations_visible(True)
    w.set_overlays_visible(True)
    img = axial.grab().toImage()
    _save(img, "axial_findings.png", tmp_path)
    rgb = _rgb(img).astype(int)
    colours = [FINDING_COLOR, FINDING_SELECTED_COLOR]
    mask = np.zeros(rgb.shape[:2], bool)
    for c in colours:
        mask |= (np.abs(rgb - np.array([c.red(), c.green(), c.blue()])).sum(axis=2) < 60)
    near = ((xx - ex) ** 2 + (yy - ey) ** 2) < (radius_px * 1.5 + 6) ** 2
    ys, xs = np.nonzero(mask & near)
    assert len(xs) > 2 * np.pi * radius_px * 0.5, "outline pixels missing around the nodule"
    r = np.hypot(xs - ex, ys - ey)
    assert np.median(r) == pytest.approx(radius_px, abs=max(3.0, 0.15 * radius_px))
    assert abs(xs.mean() - ex) < 3 and abs(ys.mean() - ey) < 3  # centred on the nodule
    # nothing of the outline colour where no finding is: the far corner of the lung window
    assert not mask[: axial.height() // 4, axial.width() // 3: 2 * axial.width() // 3].any()
    # 3. overlays off: the outline is gone
    w.set_overlays_visible(False)
    off = _rgb(axial.grab().toImage()).astype(int)
    off_mask = np.zeros(off.shape[:2], bool)
    for c in colours:
        off_mask |= (np.abs(off - np.array([c.red(), c.green(), c.blue()])).sum(axis=2) < 60)
    assert (off_mask & near).sum() < len(xs) * 0.1


def test_center_on_moves_all_three_views(qtbot, ct_small):
    folder, truth, files = ct_small
    w = _open(qtbot, files)
    w.set_findings(_report(truth))
    for nod in truth["nodules"][:2]:
        w.center_on(nod["center_lps_mm"])
        k, j, i = (int(round(v)) for v in w.volume.geometry.to_voxel(nod["center_lps_mm"]))
        st = w.mpr.state
        assert (st.slice_index("axial"), st.slice_index("coronal"), st.slice_index("sagittal")) == (k, j, i)
        qtbot.wait(10)
        for o, view in w.mpr.views.items():
            view.repaint()
            drawn = {n for n, _, _ in view.drawn_findings}
            assert truth["nodules"].index(nod) in drawn, f"{o} view does not show the finding's outline"
            # the slice the view shows is the one through the nodule
            assert view.key[1] == st.slice_index(o)
    # the corner text says where we are, in mm
    z = w.volume.geometry.to_lps(w.mpr.state.cursor)[2]
    assert any(f"z = {z:.1f} mm" == line for line in w.mpr.views["axial"].corner_text["bl"])


def test_click_in_one_view_moves_the_others(qtbot, ct_small):
    folder, truth, files = ct_small
    w = _open(qtbot, files)
    axial = w.mpr.views["axial"]
    target_row, target_col = 300, 150
    pt = axial.image_to_screen(target_row + 0.5, target_col + 0.5)
    qtbot.mouseClick(axial, Qt.MouseButton.LeftButton, pos=QPoint(round(pt.x()), round(pt.y())))
    st = w.mpr.state
    assert abs(st.slice_index("coronal") - target_row) <= 1 and abs(st.slice_index("sagittal") - target_col) <= 1
    assert w.mpr.views["coronal"].key[1] == st.slice_index("coronal")
    # and a click in the coronal view moves the axial slice
    cor = w.mpr.views["coronal"]
    pt = cor.image_to_screen(5 + 0.5, 256 + 0.5)  # 6th row from the top: 6th slice from the head end
    qtbot.mouseClick(cor, Qt.MouseButton.LeftButton, pos=QPoint(round(pt.x()), round(pt.y())))
    assert st.slice_index("axial") == w.volume.shape[0] - 1 - 5


def test_scroll_by_keys_and_wheel(qtbot, ct_small):
    folder, truth, files = ct_small
    w = _open(qtbot, files)
    st = w.mpr.state
    axial = w.mpr.views["axial"]
    axial.setFocus()
    w.mpr.active = "axial"
    start = st.slice_index("axial")
    before = axial.grey().copy()
    qtbot.keyClick(axial, Qt.Key.Key_Down)
    assert st.slice_index("axial") == start + 1
    assert not np.array_equal(before, axial.grey())  # a different slice is on screen
    qtbot.keyClick(axial, Qt.Key.Key_Up)
    qtbot.keyClick(axial, Qt.Key.Key_Up)
    assert st.slice_index("axial") == start - 1
    qtbot.keyClick(axial, Qt.Key.Key_PageDown)
    assert st.slice_index("axial") == start - 1 + len(files) // 10
    qtbot.keyClick(axial, Qt.Key.Key_Home)
    assert st.slice_index("axial") == 0
    qtbot.keyClick(axial, Qt.Key.Key_End)
    assert st.slice_index("axial") == len(files) - 1
    axial.wheel_steps.emit(1)  # one wheel notch up (what wheelEvent emits)
    assert st.slice_index("axial") == len(files) - 2
    # cine runs through slices on its own
    w.cine_action.trigger()
    qtbot.waitUntil(lambda: st.slice_index("axial") != len(files) - 2, timeout=3000)
    w.cine_action.trigger()


def test_window_level_right_drag_presets_and_mip(qtbot, ct_small):
    folder, truth, files = ct_small
    w = _open(qtbot, files)
    st = w.mpr.state
    assert (st.center, st.width) == (-600, 1500)  # the header's window
    for name, (c, wd) in PRESETS.items():
        w.preset_actions[name].trigger()
        assert (st.center, st.width) == (c, wd)
        assert w.mpr.views["axial"].corner_text["br"][0] == f"W {wd:.0f}  L {c:.0f}"
    axial = w.mpr.views["axial"]
    c0, w0 = st.center, st.width
    g0 = axial.grey().astype(int)
    start = QPoint(axial.width() // 2, axial.height() // 2)
    qtbot.mousePress(axial, Qt.MouseButton.RightButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(axial, pos=start + QPoint(20 * step, 0))
    qtbot.mouseRelease(axial, Qt.MouseButton.RightButton, pos=start + QPoint(100, 0))
    assert st.width > w0 and st.center == c0  # drag right: a wider window
    assert not np.array_equal(g0, axial.grey().astype(int))
    # thick-slab MIP: brighter or equal everywhere than the thin slice, and said so in the corner
    w.set_preset("lung")
    thin = axial.values.copy()
    w.mip_action.trigger()
    assert st.slab_mm == pytest.approx(10.0)
    assert (axial.values >= thin).all() and (axial.values > thin).any()
    assert any(line.startswith("MIP") for line in axial.corner_text["bl"])
    w.mip_action.trigger()
    assert np.array_equal(axial.values, thin)


def test_distance_and_ellipse_roi_measurements(qtbot, ct_small):
    folder, truth, files = ct_small
    w = _open(qtbot, files)
    axial = w.mpr.views["axial"]
    dj, di = w.mpr.state.spacing("axial")
    w.set_tool("distance")
    a = axial.image_to_screen(100.5, 100.5)
    b = axial.image_to_screen(100.5, 200.5)
    qtbot.mousePress(axial, Qt.MouseButton.LeftButton, pos=a.toPoint())
    qtbot.mouseMove(axial, pos=b.toPoint())
    qtbot.mouseRelease(axial, Qt.MouseButton.LeftButton, pos=b.toPoint())
    m = axial.measurements[-1]
    assert m.kind == "distance"
    assert m.extra["mm"] == pytest.approx(100 * di, abs=2 * di)  # within a screen pixel's rounding
    assert m.label.endswith("mm")
    # an ellipse ROI inside the right lung reads lung HU
    vals = axial.values
    lung = vals < -700
    from scipy.ndimage import binary_erosion
    clear = binary_erosion(lung, np.ones((15, 15), bool))  # lung with no vessel within 7 pixels
    rows, cols = np.nonzero(clear[:, :256])
    r0, c0 = int(rows[len(rows) // 2]), int(cols[len(cols) // 2])
    w.set_tool("roi")
    a = axial.image_to_screen(r0 - 6, c0 - 6)
    b = axial.image_to_screen(r0 + 6, c0 + 6)
    qtbot.mousePress(axial, Qt.MouseButton.LeftButton, pos=a.toPoint())
    qtbot.mouseMove(axial, pos=b.toPoint())
    qtbot.mouseRelease(axial, Qt.MouseButton.LeftButton, pos=b.toPoint())
    roi = axial.measurements[-1]
    assert roi.kind == "roi" and -950 < roi.extra["mean"] < -750 and roi.extra["sd"] > 0
    yy, xx = np.mgrid[0:512, 0:512]
    inside = ((yy + 0.5 - r0) / 6) ** 2 + ((xx + 0.5 - c0) / 6) ** 2 <= 1
    assert roi.extra["mean"] == pytest.approx(vals[inside].mean(), abs=15)
    assert "HU" in roi.label
    # zoom and pan change the picture, reset brings it back
    g = axial.grab().toImage()
    axial.zoom_by(2.0)
    axial.pan += QPointF(30, 10)
    assert axial.grab().toImage() != g
    w.reset()
    assert axial.zoom_factor == 1.0 and axial.pan == QPointF(0, 0) and not axial.measurements


def _lung_spine_screen(view, rgb):
    """Mean grey of the two lung fields and of the spine, found in image coordinates and mapped to
    the screen through the image's own rectangle on screen."""
    h, w = view.image_shape()

    def region(r0, r1, c0, c1):
        a = view.image_to_screen(r0 * h, c0 * w)
        b = view.image_to_screen(r1 * h, c1 * w)
        x0, x1 = sorted((int(a.x()), int(b.x())))
        y0, y1 = sorted((int(a.y()), int(b.y())))
        return rgb[y0:y1, x0:x1, 0].astype(float)

    lungs = np.concatenate([region(.35, .5, .22, .32).ravel(), region(.35, .5, .68, .78).ravel()])
    spine = region(.35, .6, .47, .53)
    return lungs.mean(), spine.mean()


def test_real_cr_monochrome1_lungs_dark_bones_light(qtbot, tmp_path):
    path = pydicom_data("RG1_J2KR.dcm")
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    assert ds.PhotometricInterpretation == "MONOCHROME1"
    assert "JPEG 2000" in ds.file_meta.TransferSyntaxUID.name
    w = _open(qtbot, [path])
    view = w.views()["radiograph"]
    assert w.stack.currentWidget() is view
    img = view.grab().toImage()
    _save(img, "cr_monochrome1.png", tmp_path)
    lung, spine = _lung_spine_screen(view, _rgb(img))
    assert lung + 40 < spine, (lung, spine)
    # shown crisp: smaller than its pixels, so drawn from a pyramid level at most twice screen size
    drawn_width = abs(view.image_to_screen(0, view.image_shape()[1]).x() - view.image_to_screen(0, 0).x())
    assert drawn_width < view.image_shape()[1]
    level_width = view._levels[view.last_level][0].shape[1]
    assert drawn_width <= level_width <= 2 * drawn_width + 1
    # invert: the other way round
    w.invert_action.trigger()
    lung_i, spine_i = _lung_spine_screen(view, _rgb(view.grab().toImage()))
    assert lung_i > spine_i + 40
    w.invert_action.trigger()
    # rotate and flip move the picture; the regions follow the image (lungs still darker)
    w.rot_r.trigger()
    rot = view.grab().toImage()
    _save(rot, "cr_rotated.png", tmp_path)
    lung_r, spine_r = _lung_spine_screen(view, _rgb(rot))
    assert lung_r + 40 < spine_r
    a = view.image_to_screen(0, 0)
    assert a.x() > view.width() / 2  # top-left image corner is now at the top right
    w.flip_h.trigger()
    assert view.image_to_screen(0, 0).x() < view.width() / 2
    # 1:1: one image pixel on one screen pixel
    w.one_action.trigger()
    p0, p1 = view.image_to_screen(500, 500), view.image_to_screen(500, 600)
    assert np.hypot(p1.x() - p0.x(), p1.y() - p0.y()) == pytest.approx(100, abs=0.01)
    w.fit_action.trigger()
    assert view.zoom_factor == 1.0 and not view.one_to_one
    # the magnifier shows a blown-up patch under the mouse while the button is held
    w.set_tool("magnify")
    centre = QPoint(view.width() // 2, view.height() // 2)
    before = view.grab().toImage()
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=centre)
    during = view.grab().toImage()
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=centre)
    assert during != before and view.grab().toImage() == before


def test_dx_header_window_and_right_drag(qtbot, dx_phantom):
    w = _open(qtbot, dicom_files(dx_phantom))
    view = w.views()["radiograph"]
    assert w.dx.window == (2048.0, 4096.0)
    assert view.corner_text["br"][0] == "W 4096  L 2048"
    start = QPoint(200, 200)
    qtbot.mousePress(view, Qt.MouseButton.RightButton, pos=start)
    qtbot.mouseMove(view, pos=start + QPoint(-100, 0))
    qtbot.mouseRelease(view, Qt.MouseButton.RightButton, pos=start + QPoint(-100, 0))
    assert w.dx.window[1] < 4096


def test_chinese_patient_name_renders(qtbot, ct_small, tmp_path):
    folder, truth, files = ct_small
    w = _open(qtbot, files)
    name = person_name_display(truth["patient_name"])  # "张^伟" -> "张伟"
    assert name and name == truth["patient_name"].replace("^", "")
    axial = w.mpr.views["axial"]
    assert axial.corner_text["tl"][0] == name
    # the overlay font really has these glyphs (no boxes): every character is in the resolved font,
    # and each renders as a different picture (missing glyphs all draw the same box)
    font = overlay_font(20)
    raw = QRawFont.fromFont(font)
    assert all(raw.supportsCharacter(ch) for ch in name), raw.familyName()
    pictures = []
    for ch in set(name + "卫生院"):
        im = QImage(40, 40, QImage.Format.Format_Grayscale8)
        im.fill(0)
        p = QPainter(im)
        p.setFont(font)
        p.setPen(Qt.GlobalColor.white)
        p.drawText(4, 30, ch)
        p.end()
        arr = _rgb(im)[..., 0]
        assert (arr > 128).sum() > 15, f"{ch} drew nothing"
        pictures.append(arr.tobytes())
    assert len(set(pictures)) == len(pictures)
    # and it is on screen, top left of the axial view
    shot = axial.grab().toImage()
    _save(shot, "chinese_name.png", tmp_path)
    corner = _rgb(shot)[:30, :80, 0]
    assert (corner > 150).sum() > 30


def test_background_loading_first_image_then_loaded_and_bad_files(qtbot, ct_small, tmp_path):
    folder, truth, files = ct_small
    work = [Path(shutil.copy(f, tmp_path / f.name)) for f in files]
    bad = tmp_path / "broken.dcm"
    bad.write_bytes(work[0].read_bytes()[:3000])
    w = ReadingWidget()
    qtbot.addWidget(w)
    w.resize(1000, 800)
    w.show()
    order, progress, bad_lists = [], [], []
    w.first_image.connect(lambda: order.append("first"))
    w.loaded.connect(lambda: order.append("loaded"))
    w.progress.connect(lambda d, t: progress.append((d, t)))
    w.bad_files.connect(bad_lists.append)
    with qtbot.waitSignal(w.loaded, timeout=60_000):
        w.load(work[:20] + [bad] + work[20:])
        assert not w.is_loaded()  # returns at once: the reading runs on a background thread
    assert order == ["first", "loaded"]
    assert w.is_loaded() and w.volume.shape[0] == len(files)
    assert progress[-1] == (len(files) + 1, len(files) + 1)
    assert [Path(p) for p, _ in bad_lists[0]] == [bad]
    # a folder with nothing readable fails with a message, not an exception
    junk = tmp_path / "junk.dcm"
    junk.write_bytes(b"junk")
    with qtbot.waitSignal(w.load_failed, timeout=10_000) as blocker:
        w.load([junk])
    assert "could be read" in blocker.args[0]
    assert not w.is_loaded()


def test_long_drawing_sessions_do_not_abort_the_interpreter():
    """PySide6 6.12 on Python 3.11 drops a reference to None on each void C++ call: without
    viewer.views pinning None, a few hundred thousand drawing calls abort Python ("none_dealloc")."""
    import subprocess
    import sys

    code = (
        "import viewer.views\n"
        "from PySide6.QtGui import QGuiApplication, QImage, QPainter\n"
        "from PySide6.QtCore import QPointF\n"
        "app = QGuiApplication([])\n"
        "img = QImage(64, 64, QImage.Format.Format_RGB32)\n"
        "p = QPainter(img)\n"
        "for _ in range(300_000):\n"
        "    p.drawLine(QPointF(1, 2), QPointF(30, 40))\n"
        "p.end()\n"
        "print('ok')\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr[-2000:]


def test_opening_another_series_while_loading_and_closing_mid_load(qtbot, ct_small, dx_phantom):
    folder, truth, files = ct_small
    w = ReadingWidget()
    qtbot.addWidget(w)
    w.resize(900, 700)
    w.show()
    w.load(files)  # the CT starts loading ...
    with qtbot.waitSignal(w.loaded, timeout=60_000):
        w.load(dicom_files(dx_phantom))  # ... and the user opens the radiograph instead
    qtbot.wait(50)
    assert w.radiograph is not None and w.volume is None  # the CT's late events were dropped
    assert w.stack.currentWidget() is w.dx.view
    # closing the window while a series is still loading neither hangs nor aborts the process
    w2 = ReadingWidget()
    w2.load(files)
    w2.close()
    w2.deleteLater()
    qtbot.wait(100)


def test_large_radiograph_draws_only_the_level_the_screen_needs(qtbot, tmp_path, dx_phantom):
    """3000x3000: fitting, panning and window drags never window the full-size image; 1:1 does."""
    ds = pydicom.dcmread(dicom_files(dx_phantom)[0])
    yy, xx = np.mgrid[0:3000, 0:3000]
    img = ((xx + yy) % 4096).astype(np.uint16)
    img[1400:1600, 1400:1600] = 4000  # a bright square in the middle
    ds.Rows, ds.Columns = img.shape
    ds.PixelData = img.tobytes()
    ds.save_as(tmp_path / "big.dcm")
    w = _open(qtbot, [tmp_path / "big.dcm"])
    view = w.views()["radiograph"]
    view.repaint()
    assert view.last_level >= 1 and 0 not in view._levels
    # once the user pauses, the shrunk image is redrawn from an area-averaged copy at screen size
    qtbot.wait(view.SETTLE_MS + 200)
    view.repaint()
    drawn_width = abs(view.image_to_screen(0, 3000).x() - view.image_to_screen(0, 0).x())
    assert view._scaled is not None and abs(view._scaled[1].width() - drawn_width) <= 1
    start = QPoint(300, 300)
    qtbot.mousePress(view, Qt.MouseButton.RightButton, pos=start)
    qtbot.mouseMove(view, pos=start + QPoint(0, 40))
    qtbot.mouseRelease(view, Qt.MouseButton.RightButton, pos=start + QPoint(0, 40))
    view.repaint()
    assert 0 not in view._levels and w.dx.window != (2048.0, 4096.0)
    # the bright square is where it should be on screen
    shot = _rgb(view.grab().toImage())
    c = view.image_to_screen(1500, 1500)
    assert shot[int(c.y()), int(c.x()), 0] > 200
    w.one_action.trigger()
    view.repaint()
    assert view.last_level == 0 or 0 in view._levels


def test_center_on_before_the_volume_is_in_applies_once_loaded(qtbot, ct_small):
    folder, truth, files = ct_small
    w = ReadingWidget()
    qtbot.addWidget(w)
    w.resize(900, 700)
    w.show()
    nod = truth["nodules"][1]
    with qtbot.waitSignal(w.loaded, timeout=60_000):
        w.load(files)
        w.set_findings(_report(truth))
        w.center_on(nod["center_lps_mm"])  # what the shell does when a study opens
    k, j, i = (int(round(v)) for v in w.volume.geometry.to_voxel(nod["center_lps_mm"]))
    assert tuple(w.mpr.state.cursor) == (k, j, i)
    assert w.mpr.selected_finding == 1


_SCRIPT_3D = r"""
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ai_models.findings import Finding
from viewer.views.reading import ReadingWidget
folder = Path(sys.argv[1])
truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
w = ReadingWidget()
w.resize(800, 600)
w.show()
w.load(sorted(folder.glob("*.dcm")))
while not w.is_loaded():
    app.processEvents()
w.set_findings(type("R", (), {"findings": [Finding(n["center_lps_mm"], n["diameter_mm"], 1.0, 1.0, "solid")
                                           for n in truth["nodules"]]})())
v = w.open_3d()
app.processEvents()
v.render()
frame = v.frame()
from PIL import Image
Image.fromarray(frame).save(sys.argv[2])
out = {"shape": list(frame.shape), "spheres": len(v.finding_actors), "findings": []}
for n in truth["nodules"]:
    x, y = v.world_to_display(n["center_lps_mm"])
    out["findings"].append({"lps": n["center_lps_mm"], "xy": [x, y], "rgb": frame[int(y), int(x)].tolist()})
out["blue_fraction"] = float(((frame[..., 2] > frame[..., 0] + 20) & (frame[..., 2] > 80)).mean())
print(json.dumps(out))
w.close()
"""


def test_3d_view_shows_lungs_and_findings_where_they_are(ct_small, tmp_path):
    """VTK in its own process: a crash in the GL stack must not take the test session with it."""
    import json
    import os
    import subprocess
    import sys

    folder, truth, files = ct_small
    png = tmp_path / "view3d.png"
    res = subprocess.run([sys.executable, "-c", _SCRIPT_3D, str(folder), str(png)], capture_output=True, text=True,
                         timeout=180, env={**os.environ, "QT_QPA_PLATFORM": "xcb"})
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, ARTIFACTS / "view3d.png")
    except OSError:
        pass
    assert out["spheres"] == len(truth["nodules"])
    assert out["blue_fraction"] > 0.1  # the lungs
    h, w = out["shape"][:2]
    yellow = 0
    for f in out["findings"]:
        x, y = f["xy"]
        assert 0 <= x < w and 0 <= y < h
        r, g, b = f["rgb"]
        yellow += r > 150 and g > 150 and b < r - 60
    assert yellow >= len(out["findings"]) // 2  # in front of the lungs they show yellow
    # seen from the front: the patient's right (LPS x < 0) on the screen's left, head up
    right = min(out["findings"], key=lambda f: f["lps"][0])
    left = max(out["findings"], key=lambda f: f["lps"][0])
    assert right["xy"][0] < left["xy"][0]
    top = max(out["findings"], key=lambda f: f["lps"][2])
    bottom = min(out["findings"], key=lambda f: f["lps"][2])
    assert top["xy"][1] < bottom["xy"][1]


def test_scrolling_leaves_no_stale_crosshair_on_screen(qtbot, ct_small):
    """The other views repaint only the strips their crosshair leaves and enters: what the X server
    shows must equal a full repaint of each view."""
    folder, truth, files = ct_small
    w = _open(qtbot, files)
    axial = w.mpr.views["axial"]
    axial.setFocus()
    w.mpr.active = "axial"
    qtbot.wait(100)
    for _ in range(6):
        qtbot.keyClick(axial, Qt.Key.Key_Down)
        qtbot.wait(5)
    pt = axial.image_to_screen(200.5, 330.5)
    qtbot.mouseClick(axial, Qt.MouseButton.LeftButton, pos=pt.toPoint())
    qtbot.wait(150)
    for name in ("coronal", "sagittal"):
        view = w.mpr.views[name]
        on_screen = _rgb(view.screen().grabWindow(view.winId()).toImage()).astype(int)
        full = _rgb(view.grab().toImage()).astype(int)
        assert on_screen.shape == full.shape
        assert (np.abs(on_screen - full).sum(axis=2) > 30).sum() == 0, f"stale pixels in the {name} view"


def test_scroll_through_the_slices_read_so_far_while_loading(qtbot, ct_small):
    """Between the first image and the end of loading the reader can already scroll: the loader's
    'done' waits in the GUI thread's queue while this test holds the thread, so the volume is not in."""
    import time

    folder, truth, files = ct_small
    w = ReadingWidget()
    qtbot.addWidget(w)
    w.resize(900, 700)
    w.show()
    order = list(reversed(files))  # the first file read is the top slice
    with qtbot.waitSignal(w.first_image, timeout=30_000):
        w.load(order)
    time.sleep(0.5)  # the loading thread reads on; its events queue up unprocessed
    assert w.volume is None and w.mpr.partial is not None and w.mpr.partial.count() > 1
    axial = w.mpr.views["axial"]
    first = axial.grey().copy()
    ds_top = pydicom.dcmread(order[0])
    qtbot.keyClick(axial, Qt.Key.Key_Home)  # lowest position read so far
    low = axial.values.copy()
    assert not np.array_equal(first, axial.grey())
    p = w.mpr.partial
    lowest = int(p.order()[0])
    assert np.array_equal(low, p.voxels[lowest])
    assert p.positions[lowest] == min(p.positions[: p.count()]) < float(ds_top.ImagePositionPatient[2])
    qtbot.keyClick(axial, Qt.Key.Key_Down)
    assert p.positions[w.mpr._preview_slot] > p.positions[lowest]
    assert axial.corner_text["bl"][0].startswith("Axial 2/")
    with qtbot.waitSignal(w.loaded, timeout=60_000):
        pass
    assert w.volume is not None and w.mpr.partial is None
