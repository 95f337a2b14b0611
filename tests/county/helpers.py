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
    res = subprocess.run(["storescu", "-aet", aet, "-aec", orthanc.aet, "127.0.0.1", str(orthanc.dicom_port),
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
