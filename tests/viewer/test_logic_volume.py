"""GUI-free loading: slice order from geometry, HU values, bad files, compressed transfer syntaxes,
MONOCHROME1 and the header's VOI LUT on radiographs."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pydicom
import pytest

from tests.conftest import dicom_files, ground_truth, pydicom_data
from viewer.logic.display import radiograph_grey
from viewer.logic.volume import (LoadError, Radiograph, Volume, iter_load_series, load_series)

def _data_store(name: str) -> Path:
    return pydicom_data(name)


def test_ct_sorted_by_position_not_file_order(ct_phantom_small):
    files = dicom_files(ct_phantom_small)
    shuffled = files[:]
    random.Random(1).shuffle(shuffled)
    vol = load_series(shuffled)
    assert isinstance(vol, Volume)
    assert vol.voxels.dtype == np.int16  # HU in int16: 2 bytes a voxel, not float32/float64
    truth = ground_truth(ct_phantom_small)
    assert vol.voxels.shape == (len(files), 512, 512)
    # slice k of the volume is the file whose ImagePositionPatient z is the k-th lowest
    zs = [float(pydicom.dcmread(f, stop_before_pixels=True).ImagePositionPatient[2]) for f in vol.files]
    assert zs == sorted(zs)
    assert vol.geometry.spacing[0] == pytest.approx(truth["params"].get("thickness_mm", 5.0), rel=1e-3) \
        or vol.geometry.spacing[0] == pytest.approx(zs[1] - zs[0], rel=1e-3)
    for k in (0, 17, len(files) - 1):
        ds = pydicom.dcmread(vol.files[k])
        expected = ds.pixel_array.astype(np.int32) * int(ds.RescaleSlope) + int(ds.RescaleIntercept)
        assert np.array_equal(vol.voxels[k], expected)
        assert vol.geometry.to_lps((k, 0, 0)) == pytest.approx([float(v) for v in ds.ImagePositionPatient])
    # air outside the body, lung inside it
    assert vol.voxels[20, 5, 5] < -900
    assert vol.meta["patient_name"] == truth["patient_name"]  # GB18030 decoded


def test_first_image_before_the_end_and_progress_in_order(ct_phantom_small):
    files = dicom_files(ct_phantom_small)
    kinds, done = [], []
    for ev in iter_load_series(files):
        kinds.append(ev.kind)
        if ev.kind == "progress":
            done.append(ev.done)
        if ev.kind == "first":
            assert ev.image.shape == (512, 512) and ev.image.dtype == np.int16
            assert ev.meta["modality"] == "CT"
    assert kinds.index("first") < kinds.index("progress") + 1 < len(kinds) - 1
    assert kinds[-1] == "done"
    assert done == sorted(done) and done[-1] == len(files)


def test_bad_files_are_listed_not_fatal(ct_phantom_small, tmp_path):
    files = dicom_files(ct_phantom_small)[:10]
    work = [shutil.copy(f, tmp_path / f.name) for f in files]
    truncated = tmp_path / "truncated.dcm"
    truncated.write_bytes(Path(work[3]).read_bytes()[:5000])
    garbage = tmp_path / "garbage.dcm"
    garbage.write_bytes(b"this is not DICOM at all" * 10)
    # an object without pixels (like an SR in the study folder) is skipped silently, not "bad"
    nopix = pydicom.dcmread(work[0])
    del nopix.PixelData
    nopix.SOPInstanceUID = pydicom.uid.generate_uid()
    nopix.save_as(tmp_path / "nopixels.dcm")
    events = list(iter_load_series([Path(p) for p in work] + [truncated, garbage, tmp_path / "nopixels.dcm"]))
    bad = [e.path for e in events if e.kind == "bad"]
    assert sorted(bad) == sorted([truncated, garbage])
    vol = events[-1].result
    assert vol.shape[0] == 10
    assert sorted(p for p, _ in vol.bad_files) == sorted([truncated, garbage])
    assert all(reason for _, reason in vol.bad_files)


def test_nothing_readable_is_a_clear_error(tmp_path):
    p = tmp_path / "x.dcm"
    p.write_bytes(b"nope")
    with pytest.raises(LoadError, match="could be read"):
        load_series([p])
    with pytest.raises(LoadError):
        load_series([])


def test_largest_series_wins_over_a_localizer(ct_phantom_small, tmp_path):
    files = dicom_files(ct_phantom_small)[:6]
    scout = pydicom.dcmread(files[0])
    scout.SeriesInstanceUID = pydicom.uid.generate_uid()
    scout.SOPInstanceUID = pydicom.uid.generate_uid()
    scout.ImageType = ["ORIGINAL", "PRIMARY", "LOCALIZER"]
    scout.save_as(tmp_path / "000_scout.dcm")
    vol = load_series([tmp_path / "000_scout.dcm"] + files)
    assert vol.shape[0] == 6
    assert tmp_path / "000_scout.dcm" not in vol.files


@pytest.mark.parametrize("syntax", ["RLELossless", "JPEGLSLossless", "JPEG2000Lossless"])
def test_compressed_ct_series_decodes_to_the_same_hu(ct_phantom_small, tmp_path, syntax):
    files = dicom_files(ct_phantom_small)[10:14]
    ref = load_series(files).voxels
    out = []
    for f in files:
        ds = pydicom.dcmread(f)
        ds.compress(getattr(pydicom.uid, syntax))
        ds.save_as(tmp_path / f.name)
        out.append(tmp_path / f.name)
    assert str(pydicom.dcmread(out[0]).file_meta.TransferSyntaxUID) == getattr(pydicom.uid, syntax)
    assert np.array_equal(load_series(out).voxels, ref)


@pytest.mark.parametrize("name", ["emri_small_RLE.dcm", "emri_small_jpeg_ls_lossless.dcm",
                                  "emri_small_jpeg_2k_lossless.dcm", "emri_small_big_endian.dcm"])
def test_vendor_compressed_files_decode(name):
    from viewer.logic.volume import _pixels_of

    ref = _pixels_of(pydicom.dcmread(_data_store("emri_small.dcm")))
    assert np.array_equal(_pixels_of(pydicom.dcmread(_data_store(name))), ref)


def test_jpeg_lossless_process14_decodes():
    rad = load_series([_data_store("JPEG-LL.dcm")])
    assert rad.pixels.ndim == 2 and rad.pixels.std() > 0


@pytest.mark.real_data
def test_real_jpeg2000_ct_series(real_data):
    folder = real_data / "ct_j2k_abdomen"
    vol = load_series(sorted(p for p in folder.iterdir() if p.is_file()))
    assert vol.shape[0] == 20 and vol.voxels.dtype == np.int16
    assert vol.voxels.min() <= -900 and vol.voxels.max() >= 200  # air and bone in HU


def _lung_and_spine_grey(grey: np.ndarray) -> tuple[float, float]:
    h, w = grey.shape
    lung = np.concatenate([grey[int(h * .35):int(h * .5), int(w * .22):int(w * .32)].ravel(),
                           grey[int(h * .35):int(h * .5), int(w * .68):int(w * .78)].ravel()])
    spine = grey[int(h * .35):int(h * .6), int(w * .47):int(w * .53)]
    return float(lung.mean()), float(spine.mean())


def test_real_cr_monochrome1_jpeg2000_lungs_dark_bones_light():
    p = _data_store("RG1_J2KR.dcm")
    ds = pydicom.dcmread(p, stop_before_pixels=True)
    assert ds.PhotometricInterpretation == "MONOCHROME1"
    rad = load_series([p])
    assert isinstance(rad, Radiograph) and rad.monochrome1
    assert np.array_equal(rad.pixels, load_series([_data_store("RG1_UNCR.dcm")]).pixels)
    lung, spine = _lung_and_spine_grey(radiograph_grey(rad))
    assert lung + 40 < spine, (lung, spine)
    # the user's invert shows it the other way round
    lung_i, spine_i = _lung_and_spine_grey(radiograph_grey(rad, invert=True))
    assert lung_i > spine_i + 40


def test_header_voi_lut_is_applied(dx_phantom, tmp_path):
    src = dicom_files(dx_phantom)[0]
    ds = pydicom.dcmread(src)
    plain = radiograph_grey(load_series([src]))
    # a VOI LUT that reverses the grey scale: what was bright must come out dark
    lut = pydicom.Dataset()
    lut.LUTDescriptor = [4096, 0, 16]
    lut.add_new(0x00283006, "US", list(range(4095, -1, -1)))  # LUT Data
    ds.VOILUTSequence = [lut]
    del ds.WindowCenter, ds.WindowWidth
    ds.save_as(tmp_path / "voi.dcm")
    rad = load_series([tmp_path / "voi.dcm"])
    assert rad.meta["voi_lut_applied"]
    with_lut = radiograph_grey(rad)
    corr = np.corrcoef(plain[::16, ::16].ravel().astype(float), with_lut[::16, ::16].ravel().astype(float))[0, 1]
    assert corr < -0.9


def test_dx_window_from_header(dx_phantom):
    rad = load_series(dicom_files(dx_phantom))
    assert rad.window == (2048.0, 4096.0)
    assert rad.pixels.dtype == np.uint16 and rad.spacing_known and rad.pixel_spacing == (0.2, 0.2)


def test_peak_memory_stays_near_the_voxel_bytes(ct_phantom_small):
    """One preallocated int16 array sorted in place: no list of slices plus a stacked copy."""
    import tracemalloc

    files = dicom_files(ct_phantom_small)
    shuffled = files[::-1]  # reverse order: the in-place sort has real work to do
    tracemalloc.start()
    try:
        vol = load_series(shuffled)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    voxel_bytes = vol.voxels.size * 2
    assert vol.voxels.nbytes == voxel_bytes
    assert peak <= 1.5 * voxel_bytes, f"peak {peak / 2**20:.1f} MiB for {voxel_bytes / 2**20:.1f} MiB of voxels"
    zs = [vol.geometry.to_lps((k, 0, 0))[2] for k in range(vol.shape[0])]
    assert zs == sorted(zs)
