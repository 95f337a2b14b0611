"""Helpers for the forwarding tests: a config pointing at a running Orthanc, an archive filled directly."""
from __future__ import annotations

from pathlib import Path

import pydicom
import tomli_w
from pydicom.uid import generate_uid

from dicom_node.config import load_config


def forward_cfg(tmp_path: Path, destinations: list[dict], **fwd) -> dict:
    """The shipped defaults + storage in tmp + the given destinations (quick backoff for tests)."""
    user = {"storage": {"path": str(tmp_path / "storage")},
            "node": {"acse_timeout_s": 10, "dimse_timeout_s": 20, "network_timeout_s": 20},
            "forwarding": dict({"destinations": destinations, "backoff_initial_s": 1, "backoff_cap_s": 4,
                                "poll_s": 0.5, "rescan_s": 0.5}, **fwd)}
    path = tmp_path / "fwd_config.toml"
    path.write_bytes(tomli_w.dumps(user).encode())
    return load_config(path)


def dicom_dest(orthanc, name: str = "county", **kw) -> dict:
    return dict({"name": name, "kind": "dicom", "ae_title": orthanc.aet, "host": "127.0.0.1",
                 "port": orthanc.dicom_port}, **kw)


def fill_archive(archive, files: list[Path], source_ae: str = "MOBILE_CT") -> str:
    for f in files:
        archive.add_file(f, source_ae=source_ae)
    return str(pydicom.dcmread(files[0], stop_before_pixels=True).StudyInstanceUID)


def extra_instance(template: Path, out: Path) -> pydicom.Dataset:
    """A new object of the same study in a new series (stands in for a review SR made later)."""
    ds = pydicom.dcmread(template)
    ds.SeriesInstanceUID = generate_uid()
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.SeriesNumber = 99
    ds.SeriesDescription = "added later"
    ds.save_as(out, enforce_file_format=True)
    return ds


def orthanc_sop_uids(orthanc) -> list[str]:
    """Every SOP Instance UID Orthanc holds (one REST call per series)."""
    uids = []
    for sid in orthanc.rest("/series"):
        uids += [i["MainDicomTags"]["SOPInstanceUID"] for i in orthanc.rest(f"/series/{sid}/instances")]
    return uids
