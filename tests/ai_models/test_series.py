"""The series reader: geometry decides the slice order and spacing; tilted, non-axial, irregular or
duplicated series are refused with a message that says why."""
from __future__ import annotations

import random

import numpy as np
import pydicom
import pytest

from ai_models.phantom import make_ct_phantom, write_ct_series
from ai_models.series import SeriesError, load_volume


@pytest.fixture(scope="module")
def small_series(tmp_path_factory):
    ph = make_ct_phantom(seed=5, slices=12, thickness_mm=2.5, rows=96, pixel_mm=3.6, n_nodules=1)
    out = tmp_path_factory.mktemp("series")
    _, _, paths = write_ct_series(ph, out, "Test^Series", "S1")
    return ph, paths


def _copy(paths, dst, edit=None, skip=()):
    dst.mkdir()
    out = []
    for k, p in enumerate(paths):
        if k in skip:
            continue
        ds = pydicom.dcmread(p)
        if edit:
            edit(k, ds)
        q = dst / f"x{random.Random(k).randint(0, 10**6):07d}_{k}.dcm"  # file order unrelated to position
        ds.save_as(q)
        out.append(q)
    return out


def test_sorted_by_position_not_by_file_name(small_series, tmp_path):
    ph, paths = small_series

    def renumber(k, ds):  # instance numbers and names lie; positions do not
        ds.InstanceNumber = 100 - k

    files = _copy(paths, tmp_path / "shuffled", renumber)
    random.Random(1).shuffle(files)
    vol = load_volume(files)
    assert vol.hu.shape == ph.hu.shape
    np.testing.assert_array_equal(vol.hu.astype(np.int16), ph.hu)
    assert vol.spacing_zyx_mm == pytest.approx([2.5, 3.6, 3.6])
    g = ph.geometry
    assert vol.lps_of([0, 0, 0]) == pytest.approx(g.origin_lps_mm, abs=1e-3)
    assert vol.voxel_of(vol.lps_of([3, 4, 5])) == pytest.approx([3, 4, 5])


def test_folder_with_other_files(small_series, tmp_path):
    _, paths = small_series
    _copy(paths, tmp_path / "mixed")
    (tmp_path / "mixed" / "README.txt").write_text("not dicom")
    assert load_volume(tmp_path / "mixed").hu.shape[0] == len(paths)


def test_gantry_tilt_refused(small_series, tmp_path):
    _, paths = small_series

    def tilt(k, ds):  # 15 degree gantry tilt: each slice's origin slides along y
        x, y, z = (float(v) for v in ds.ImagePositionPatient)
        ds.ImagePositionPatient = [x, y + k * 2.5 * np.tan(np.radians(15)), z]

    with pytest.raises(SeriesError, match="gantry tilt of about 15"):
        load_volume(_copy(paths, tmp_path / "tilt", tilt))


def test_oblique_and_non_axial_refused(small_series, tmp_path):
    _, paths = small_series

    def coronal(k, ds):
        ds.ImageOrientationPatient = [1, 0, 0, 0, 0, -1]
        ds.ImagePositionPatient = [0, k * 2.5, 0]

    with pytest.raises(SeriesError, match="not axial"):
        load_volume(_copy(paths, tmp_path / "cor", coronal))

    def mixed(k, ds):
        if k == 3:
            ds.ImageOrientationPatient = [0.9994, 0.0349, 0, -0.0349, 0.9994, 0]

    with pytest.raises(SeriesError, match="different orientations"):
        load_volume(_copy(paths, tmp_path / "mixed", mixed))


def test_missing_slice_and_duplicates_refused(small_series, tmp_path):
    _, paths = small_series
    with pytest.raises(SeriesError, match="irregular slice spacing"):
        load_volume(_copy(paths, tmp_path / "gap", skip={5}))

    def dup(k, ds):
        if k == 4:
            ds.ImagePositionPatient = list(pydicom.dcmread(paths[3]).ImagePositionPatient)

    with pytest.raises(SeriesError, match="same position"):
        load_volume(_copy(paths, tmp_path / "dup", dup))


def test_no_ct_and_too_few_slices(small_series, tmp_path):
    _, paths = small_series
    with pytest.raises(SeriesError, match="at least 2 slices"):
        load_volume([paths[0]])
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "a.txt").write_text("x")
    with pytest.raises(SeriesError, match="no CT image series"):
        load_volume(tmp_path / "empty")
    with pytest.raises(FileNotFoundError):
        load_volume(tmp_path / "nowhere")
