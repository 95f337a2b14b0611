"""GUI-free MPR maths: display pixels <-> voxels <-> LPS mm, centring, finding outlines, slab MIP,
window/level and measurements."""
from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import dicom_files, ground_truth
from viewer.logic import display, measure
from viewer.logic.mpr import ORIENTATIONS, ReadingState, edge_labels, slab_mip
from viewer.logic.volume import VolumeGeometry
from viewer.logic.volume import load_series


@pytest.fixture(scope="module")
def small_state(ct_phantom_small):
    return ReadingState(load_series(dicom_files(ct_phantom_small))), ground_truth(ct_phantom_small)


def test_display_voxel_round_trip_and_view_shapes(small_state):
    st, _ = small_state
    nk, nj, ni = st.volume.shape
    st.cursor = [7, 200, 300]
    assert st.image("axial").shape == (nj, ni)
    assert st.image("coronal").shape == (nk, ni)
    assert st.image("sagittal").shape == (nk, nj)
    for o in ORIENTATIONS:
        r, c = st.voxel_to_display(o, (7, 200, 300))
        assert st.display_to_voxel(o, r, c) == pytest.approx((7, 200, 300))
        # the pixel the view shows there is that voxel's HU
        assert st.image(o)[int(r), int(c)] == st.volume.voxels[7, 200, 300]
    # coronal and sagittal: head (highest z) at the top
    assert st.volume.geometry.to_lps((nk - 1, 0, 0))[2] > st.volume.geometry.to_lps((0, 0, 0))[2]
    assert st.voxel_to_display("coronal", (nk - 1, 0, 0))[0] == 0


def test_click_moves_the_other_views(small_state):
    st, _ = small_state
    st.cursor = [5, 10, 10]
    st.click("axial", 250, 120)
    assert st.slice_index("coronal") == 250 and st.slice_index("sagittal") == 120
    assert st.slice_index("axial") == 5
    st.click("coronal", 3, 400)  # row 3 from the top = slice nk-4
    assert st.slice_index("axial") == st.volume.shape[0] - 4 and st.slice_index("sagittal") == 400


def test_centre_on_nodule_and_outline_in_every_view(small_state):
    st, truth = small_state
    nod = max(truth["nodules"], key=lambda n: n["diameter_mm"])
    c = nod["center_lps_mm"]
    st.centre_on_lps(c)
    assert np.linalg.norm(st.cursor_lps() - np.asarray(c)) <= np.linalg.norm(st.volume.geometry.spacing) / 2 + 1e-6
    for o in ORIENTATIONS:
        out = st.sphere_outline(o, c, nod["diameter_mm"])
        assert out is not None
        (r, cc), rr, rc = out
        kji = st.volume.geometry.to_voxel(c)
        assert (r, cc) == pytest.approx(st.voxel_to_display(o, kji))
        sr, sc = st.spacing(o)
        assert rr * sr == pytest.approx(rc * sc)
        assert rr * sr <= nod["diameter_mm"] / 2 + 1e-6
    # move the axial plane well away: the outline is gone there but stays in the other views
    st.set_slice("axial", st.slice_index("axial") + int(np.ceil(nod["diameter_mm"] / st.volume.geometry.spacing[0])) + 2)
    assert st.sphere_outline("axial", c, nod["diameter_mm"]) is None
    assert st.sphere_outline("coronal", c, nod["diameter_mm"]) is not None


def test_thick_slab_mip(small_state):
    st, _ = small_state
    vox = st.volume.voxels
    mip = slab_mip(vox, 0, 20, 2)
    assert np.array_equal(mip, vox[18:23].max(axis=0))
    st.cursor = [20, 256, 256]
    st.slab_mm = 25.0  # 5 slices of 5 mm
    assert np.array_equal(st.image("axial"), mip)
    st.slab_mm = 0.0
    assert np.array_equal(st.image("axial"), vox[20])
    assert np.array_equal(slab_mip(vox, 0, 0, 3), vox[0:4].max(axis=0))  # clipped at the edge


def test_window_level_grey_values():
    hu = np.array([[-1400, -600, -350, 0, 150, 3000]], dtype=np.int16)
    c, w = display.PRESETS["lung"]
    assert (c, w) == (-600, 1500)
    g = display.to_grey(hu, c, w)
    assert g[0, 0] == 0 and g[0, 1] in (127, 128) and g[0, 5] == 255
    assert np.array_equal(g, display.to_grey(hu.astype(np.float32), c, w))  # LUT path == float path
    assert np.array_equal(display.to_grey(hu, c, w, invert=True), 255 - g)
    assert display.PRESETS == {"lung": (-600, 1500), "mediastinum": (40, 400), "bone": (400, 1800),
                               "abdomen": (40, 350)}
    c2, w2 = display.drag_window(40, 400, dx=100, dy=-50, sensitivity=1.0)
    assert w2 == 500 and c2 == -10
    assert display.drag_window(40, 10, dx=-500, dy=0, sensitivity=1.0)[1] == 1.0  # width never below 1


def test_measurements(small_state):
    assert measure.distance_mm((0, 0), (3, 4), (1.0, 1.0)) == pytest.approx(5.0)
    assert measure.distance_mm((0, 0), (10, 0), (0.5, 2.0)) == pytest.approx(5.0)
    img = np.zeros((100, 100), np.int16)
    img[40:60, 40:60] = 100
    img[50:60, 40:60] = 300  # mean 200, sd 100 inside the square
    s = measure.ellipse_stats(img, (49.5, 49.5), (5, 5), (0.5, 0.5))
    assert s.mean == pytest.approx(200, abs=15) and s.sd == pytest.approx(100, abs=5)
    assert s.area_mm2 == pytest.approx(np.pi * 25 * 0.25, rel=0.15)
    # on the phantom: an ROI inside a lung reads lung HU
    st, _ = small_state
    st.cursor = [20, 256, 256]
    ax = st.image("axial")
    nk, nj, ni = st.volume.shape
    lung_mask = ax < -700
    rows, cols = np.nonzero(lung_mask[:, : ni // 2])
    r0, c0 = int(np.median(rows)), int(np.median(cols))
    roi = measure.ellipse_stats(ax, (r0, c0), (4, 4), st.spacing("axial"))
    assert -950 < roi.mean < -750
    assert measure.scale_bar_mm(0.7, 100) in (50.0, 100.0)
    assert measure.scale_bar_mm(0.05, 100) == 5.0


def test_edge_labels_follow_the_series_geometry(small_state):
    st, _ = small_state
    g = st.volume.geometry
    assert edge_labels(g, "axial") == ("R", "L", "A", "P")
    assert edge_labels(g, "coronal") == ("R", "L", "S", "I")
    assert edge_labels(g, "sagittal") == ("A", "P", "S", "I")
    # a series acquired feet-first with rows running right-to-left: labels swap with it
    flipped = VolumeGeometry(origin=g.origin, row_dir=-g.row_dir, col_dir=g.col_dir, normal=-g.normal,
                             spacing=g.spacing)
    assert edge_labels(flipped, "axial") == ("L", "R", "A", "P")
    assert edge_labels(flipped, "coronal") == ("L", "R", "I", "S")
