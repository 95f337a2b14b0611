"""The county PACS of the county tests: a real Orthanc (with DICOMweb) set up as a county would run it.

Two settings differ from Orthanc's defaults and are what a Chinese county PACS needs: `DefaultEncoding`
UTF-8 (otherwise Orthanc answers QIDO-RS in Latin-1 and Chinese names come back as "^"), and the reading
stations registered as DICOM modalities (Orthanc answers C-FIND/C-GET/C-MOVE only to those it knows).
"""
from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from tests.conftest import free_port
from tests.orthanc_helpers import running_orthanc

STATION_AET = "READING1"


@contextlib.contextmanager
def county_pacs(tmp_path: Path, stations: dict[str, int] | None = None, **kwargs):
    """stations: AE title -> port on 127.0.0.1 where that station takes C-MOVE deliveries."""
    stations = stations or {STATION_AET: free_port()}
    extra = {"DefaultEncoding": "Utf8",
             "DicomModalities": {aet.lower(): [aet, "127.0.0.1", port] for aet, port in stations.items()}}
    extra.update(kwargs.pop("extra", {}) or {})
    with running_orthanc(tmp_path, dicomweb=True, extra=extra, **kwargs) as o:
        o.stations = stations
        yield o


def send(orthanc, files, aet: str = "TOWN_A") -> None:
    res = subprocess.run(["storescu", "-R", "-aet", aet, "-aec", orthanc.aet, "127.0.0.1", str(orthanc.dicom_port),
                          *map(str, files)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr


def station_cfg(orthanc, kind: str = "dicom", aet: str = STATION_AET, **entry) -> dict:
    """A county station's config (defaults merged) with the Orthanc as its one source."""
    import tomllib

    from dicom_node.config import _merge
    from resources import DEFAULT_CONFIG

    cfg = tomllib.loads(Path(DEFAULT_CONFIG).read_text(encoding="utf-8"))
    port = orthanc.stations.get(aet) or free_port()
    cfg = _merge(cfg, {"node": {"ae_title": aet, "port": port, "bind_address": "127.0.0.1"},
                       "viewer": {"role": "county"}})
    if kind == "dicom":
        src = {"name": "county", "kind": "dicom", "ae_title": orthanc.aet, "host": "127.0.0.1",
               "port": orthanc.dicom_port}
    else:
        src = {"name": "county-web", "kind": "dicomweb", "url": f"{orthanc.base_url}/dicom-web"}
    src.update(entry)
    cfg.setdefault("county", {})["sources"] = [src]
    return cfg


def relabel(files, dst: Path, k: int, **attrs) -> list[Path]:
    """Copies of a phantom series with new UIDs (variant k) and the given attributes changed
    (e.g. InstitutionName of another township)."""
    import pydicom

    from tests.node_helpers import copy_with_new_uids

    out = copy_with_new_uids(files, dst, k)
    if attrs:
        for p in out:
            ds = pydicom.dcmread(p)
            for kw, v in attrs.items():
                setattr(ds, kw, v)
            ds.save_as(p)
    return out


def ai_sr(ct_files, findings, dst: Path, model_version: str = "0.3") -> Path:
    """The AI SR (TID 1500) the township node would write for these findings on this CT."""
    import pydicom

    from dicom_objects.ai_results import write_results
    from ai_models.findings import Finding, FindingsReport, ModelInfo

    src = [pydicom.dcmread(p, stop_before_pixels=True) for p in ct_files]
    report = FindingsReport(str(src[0].StudyInstanceUID), str(src[0].SeriesInstanceUID),
                            ModelInfo("tpacs-lung-nodule", model_version, "synthetic phantoms"),
                            [Finding(**f) if isinstance(f, dict) else f for f in findings])
    sr = write_results(report, src)[0]
    dst.mkdir(parents=True, exist_ok=True)
    path = dst / "ai_sr.dcm"
    sr.save_as(path, enforce_file_format=True)
    return path


def report_sr(evidence_file, dst: Path, *, final: bool, when: str, number: int = 1, verifier: str = "李^主任") -> Path:
    """A diagnostic report SR (TID 2000 title, 18748-4) as the report writer files one."""
    import highdicom as hd
    import pydicom
    from pydicom.uid import generate_uid

    ev = pydicom.dcmread(evidence_file, stop_before_pixels=True)
    title = hd.sr.CodedConcept("18748-4", "LN", "Diagnostic Imaging Report")
    content = hd.sr.ContainerContentItem(name=title, template_id="2000")
    content.ContentSequence = [hd.sr.TextContentItem(name=hd.sr.CodedConcept("121071", "DCM", "Finding"),
                                                     value="两肺未见异常", relationship_type="CONTAINS")]
    sr = hd.sr.ComprehensiveSR(evidence=[ev], content=content, series_instance_uid=generate_uid(), series_number=990,
                               sop_instance_uid=generate_uid(), instance_number=number, manufacturer="township-pacs",
                               is_complete=final, is_final=final, is_verified=final,
                               verifying_observer_name=verifier if final else None,
                               verifying_organization="县医院" if final else None)
    sr.ContentDate, sr.ContentTime = when[:8], when[8:]
    sr.SpecificCharacterSet = "ISO_IR 192"
    dst.mkdir(parents=True, exist_ok=True)
    path = dst / f"report_{number}.dcm"
    sr.save_as(path, enforce_file_format=True)
    return path
