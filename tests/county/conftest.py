"""The county test data, shared by the logic and GUI tests: one real Orthanc (the county PACS) holding the
studies of two townships, started once for the folder."""
from __future__ import annotations

import datetime as dt

import pydicom
import pytest

from county.worklist import Worklist
from tests.conftest import dicom_files, free_port
from tests.county.helpers import ai_sr, county_pacs, relabel, report_sr, send, station_cfg

CST = dt.timezone(dt.timedelta(hours=8))  # the townships' and the station's clock
TOWN_A, TOWN_B = "东岗镇卫生院", "西山乡卫生院"


def at(hh: int, mm: int) -> float:
    return dt.datetime(2026, 1, 1, hh, mm, tzinfo=CST).timestamp()


def nodule(diameter, kind="solid", z=0.0):
    return {"center_lps_mm": (-60.0, 10.0, z), "diameter_mm": diameter, "volume_mm3": 4.0 / 3 * 3.14 * (diameter / 2) ** 3,
            "score": 0.9, "kind": kind}


@pytest.fixture(scope="package")
def county(tmp_path_factory, ct_phantom_small, dx_phantom):
    """CT-A (town A, 09:40, AI: 4B and 3), CT-B (town B, 13:30, AI: 4A), DX-B1 (town B, 09:07, no AI),
    DX-B2 (town B, final report)."""
    tmp = tmp_path_factory.mktemp("worklist")
    ct = dicom_files(ct_phantom_small)
    ct_a = relabel(ct, tmp / "ct_a", 1, InstitutionName=TOWN_A)
    ct_b = relabel(ct, tmp / "ct_b", 2, InstitutionName=TOWN_B, StudyTime="133000")
    dx_b1 = relabel(dicom_files(dx_phantom), tmp / "dx_b1", 3, InstitutionName=TOWN_B)
    dx_b2 = relabel(dicom_files(dx_phantom), tmp / "dx_b2", 4, InstitutionName=TOWN_B, PatientName="赵^丽")
    z = float(pydicom.dcmread(ct_a[20], stop_before_pixels=True).ImagePositionPatient[2])
    sr_a = ai_sr(ct_a, [nodule(16.0, z=z), nodule(7.0, z=z + 30)], tmp / "sr_a")
    sr_b = ai_sr(ct_b, [nodule(10.0, z=z)], tmp / "sr_b")
    rep_pre = report_sr(dx_b2[0], tmp / "rep", final=False, when="20260101100000", number=1)
    rep_fin = report_sr(dx_b2[0], tmp / "rep", final=True, when="20260101110000", number=2)
    with county_pacs(tmp, stations={"READING1": free_port(), "READING2": free_port()}) as o:
        send(o, ct_a + [sr_a], aet="TOWN_A")
        send(o, ct_b + [sr_b] + dx_b1 + dx_b2 + [rep_pre, rep_fin], aet="TOWN_B")
        o.uids = {name: str(pydicom.dcmread(files[0], stop_before_pixels=True).StudyInstanceUID)
                  for name, files in (("ct_a", ct_a), ("ct_b", ct_b), ("dx_b1", dx_b1), ("dx_b2", dx_b2))}
        o.tmp = tmp
        yield o


def worklist(county, tmp_path, kind="dicomweb", station="READING1", clock=lambda: at(10, 0), **ccfg):
    entry = {"orthanc_url": county.base_url} if kind == "dicom" else {}
    cfg = station_cfg(county, kind, aet=station, **entry)
    cfg["county"].update({"worklist_days": 0, "cache_dir": str(tmp_path / f"cache-{station}"),
                          "claims_dir": str(county.tmp / "claims"), **ccfg})
    return Worklist(cfg, clock=clock, tz=CST)


