"""Remote PACS as sources: query, retrieve and store, over DICOM Q/R (DIMSE) or DICOMweb.

One `RemoteSource` per PACS. The county reading station lists and fetches the townships' studies through
it; a township pulls its reports back through it (the forwarding destination named by
`[reports] from`). Two kinds, chosen by the config entry's `kind`:

* `DimseSource` (kind "dicom"): C-FIND study root; C-GET on the same association (the default: no
  inbound port through the county's firewall) or C-MOVE to this station's own AE (`retrieve = "move"`);
  C-STORE. TLS exactly as forwarding does it (`dicom_node.tls.client_context`).
* `DicomwebSource` (kind "dicomweb", or forwarding's "stow" with the same url): QIDO-RS, WADO-RS and
  STOW-RS through `dicomweb-client`; bearer token or basic auth and the https CA as forwarding does them
  (`dicom_node.tls.http_auth_headers`, `https_context`).

The interface every source implements (other packages code against these names):

``name``
    the config entry's name ("county").
``find_studies(*, date_from=None, date_to=None, study_uid=None, patient=None, limit=None) -> list[RemoteStudy]``
    studies in a StudyDate range (YYYYMMDD, inclusive; either end open), one study, or those whose
    patient name contains `patient` (any script; "^" ignored) or whose Patient ID is `patient`.
``find_series(study_uid) -> list[pydicom.Dataset]``
    series-level rows: SeriesInstanceUID, Modality, SeriesNumber, SeriesDescription, StationName,
    NumberOfSeriesRelatedInstances (when the PACS returns them).
``find_instances(study_uid, *, series_uid=None, modality=None, keys=()) -> list[pydicom.Dataset]``
    instance-level rows (StudyInstanceUID, SeriesInstanceUID, SOPInstanceUID, SOPClassUID, InstanceNumber)
    plus the requested extra `keys` (keywords) where the PACS returns them; a PACS that leaves a key out
    simply does not return it (callers read the header then).
``find_instances_of_studies(study_uids, *, modality, keys=()) -> dict[str, list[Dataset]]``
    the same for many studies at once (UID-list matching, in batches): what the worklist uses.
``find_series_of_studies(study_uids) -> dict[str, list[Dataset]]``
    series-level rows of many studies at once (the worklist's township attribution).
``fetch_study(study_uid, dest_dir, *, series_uids=None, sop_uids=None, progress=None) -> FetchResult``
    retrieves into `dest_dir` as `<SOPInstanceUID>.dcm` Part 10 files, each written as it arrives
    (temporary name, then renamed: a file there is whole). What already lies in dest_dir is not fetched
    again. `progress(done, total)` is called as instances arrive. A dropped link raises `SourceError`
    naming the PACS; what arrived stays, so the next call fetches only the rest.
``store(paths) -> StoreResult``
    C-STORE or STOW-RS; 0x0111 (duplicate) counts as success.
``close()``

`source_from_entry(entry, cfg)` builds one from a `[[county.sources]]` or `[[forwarding.destinations]]`
entry; `sources_from_config(cfg)` builds every `[[county.sources]]` entry.
"""
from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from pydicom.dataset import Dataset

from dicom_node.config import ConfigError

Progress = Callable[[int, int], None]

# Study-level keys asked of every PACS (the worklist's columns).
STUDY_KEYS = ("StudyInstanceUID", "PatientName", "PatientID", "PatientSex", "PatientBirthDate", "StudyDate",
              "StudyTime", "AccessionNumber", "StudyDescription", "ModalitiesInStudy", "InstitutionName",
              "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances")
SERIES_KEYS = ("StudyInstanceUID", "SeriesInstanceUID", "Modality", "SeriesNumber", "SeriesDescription",
               "StationName", "InstitutionName", "Manufacturer", "NumberOfSeriesRelatedInstances")
INSTANCE_KEYS = ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID", "SOPClassUID", "InstanceNumber")
SOURCE_KINDS = ("dicom", "dicomweb", "stow")
RETRIEVE_MODES = ("get", "move")


class SourceError(Exception):
    """A remote PACS could not do what was asked; the message names the PACS and what happened."""


@dataclass
class RemoteStudy:
    """One study as a PACS lists it (strings as DICOM writes them; names are DICOM PN in Unicode)."""

    source: str
    study_uid: str
    patient_name: str = ""
    patient_id: str = ""
    patient_sex: str = ""
    patient_birth_date: str = ""
    study_date: str = ""
    study_time: str = ""
    accession_number: str = ""
    study_description: str = ""
    modalities: tuple[str, ...] = ()
    institution_name: str = ""
    num_series: int = 0
    num_instances: int = 0

    @classmethod
    def from_dataset(cls, ds: Dataset, source: str) -> "RemoteStudy":
        mods = ds.get("ModalitiesInStudy")
        if mods is None or mods == "":
            mods = ()
        elif isinstance(mods, str):
            mods = tuple(m for m in re.split(r"[\\/,]", mods) if m)
        else:
            mods = tuple(str(m) for m in mods if m)
        return cls(source=source, study_uid=str(ds.get("StudyInstanceUID", "")),
                   patient_name=str(ds.get("PatientName", "") or ""), patient_id=str(ds.get("PatientID", "") or ""),
                   patient_sex=str(ds.get("PatientSex", "") or ""),
                   patient_birth_date=str(ds.get("PatientBirthDate", "") or ""),
                   study_date=str(ds.get("StudyDate", "") or ""), study_time=str(ds.get("StudyTime", "") or ""),
                   accession_number=str(ds.get("AccessionNumber", "") or ""),
                   study_description=str(ds.get("StudyDescription", "") or ""), modalities=mods,
                   institution_name=str(ds.get("InstitutionName", "") or ""),
                   num_series=_int(ds.get("NumberOfStudyRelatedSeries")),
                   num_instances=_int(ds.get("NumberOfStudyRelatedInstances")))


@dataclass
class FetchResult:
    study_uid: str
    dest_dir: Path
    fetched: list[Path] = field(default_factory=list)   # written by this call
    already: list[Path] = field(default_factory=list)   # were there before (not fetched again)
    failed: list[str] = field(default_factory=list)     # SOP Instance UIDs the PACS could not send

    @property
    def files(self) -> list[Path]:
        return self.already + self.fetched


@dataclass
class StoreResult:
    stored: list[str] = field(default_factory=list)      # SOP Instance UIDs (duplicates included)
    duplicates: list[str] = field(default_factory=list)  # 0x0111 / already there: counted as stored
    failed: dict[str, str] = field(default_factory=dict)  # SOP Instance UID -> reason

    @property
    def ok(self) -> bool:
        return not self.failed


def _int(v) -> int:
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return 0


def uid_of(path: Path) -> str:
    return path.name[:-4] if path.name.endswith(".dcm") else ""


class RemoteSource:
    """Base of the two kinds: the shared parts of fetching (what is already there, the plan, writing)."""

    kind = ""

    def __init__(self, name: str, cfg: dict):
        self.name = name
        self.cfg = cfg
        self.ccfg = cfg.get("county", {})
        self._lock = threading.Lock()

    # -- the interface (each kind implements the _query/_retrieve parts)
    def find_studies(self, *, date_from: str | None = None, date_to: str | None = None, study_uid: str | None = None,
                     patient: str | None = None, limit: int | None = None) -> list[RemoteStudy]:
        filters: dict[str, str] = {}
        if study_uid:
            filters["StudyInstanceUID"] = study_uid
        if date_from or date_to:
            filters["StudyDate"] = f"{date_from or ''}-{date_to or ''}"
        if patient:
            chars = [ch for ch in patient if ch not in "^=*?\\" and not ch.isspace()]
            by_name = self._find_studies({**filters, "PatientName": "*" + "*".join(chars) + "*"}, limit)
            by_id = self._find_studies({**filters, "PatientID": "".join(chars)}, limit)
            merged = {s.study_uid: s for s in by_name + by_id}
            return list(merged.values())[:limit] if limit else list(merged.values())
        return self._find_studies(filters, limit)

    def find_series(self, study_uid: str) -> list[Dataset]:
        return self._find_series(study_uid)

    def find_instances(self, study_uid: str, *, series_uid: str | None = None, modality: str | None = None,
                       keys: Iterable[str] = ()) -> list[Dataset]:
        keys = tuple(keys)
        if series_uid:
            series = [series_uid]
        elif modality:
            series = [str(s.SeriesInstanceUID) for s in self.find_series(study_uid)
                      if str(s.get("Modality", "")).upper() == modality.upper()]
            if not series:
                return []
        else:
            series = None
        return self._find_instances(study_uid, series, keys)

    def find_series_of_studies(self, study_uids: Iterable[str]) -> dict[str, list[Dataset]]:
        """Series-level rows (SERIES_KEYS) of many studies at once."""
        return {u: self.find_series(u) for u in study_uids}

    def find_instances_of_studies(self, study_uids: Iterable[str], *, modality: str,
                                  keys: Iterable[str] = ()) -> dict[str, list[Dataset]]:
        out: dict[str, list[Dataset]] = {}
        for uid in study_uids:
            out[uid] = self.find_instances(uid, modality=modality, keys=keys)
        return out

    def fetch_study(self, study_uid: str, dest_dir: Path | str, *, series_uids: Iterable[str] | None = None,
                    sop_uids: Iterable[str] | None = None, progress: Progress | None = None) -> FetchResult:
        dest = Path(dest_dir)
        dest.mkdir(parents=True, exist_ok=True)
        for tmp in dest.glob("*.part"):  # a half-written file of an interrupted fetch
            tmp.unlink(missing_ok=True)
        have = {uid_of(p): p for p in dest.glob("*.dcm") if p.stat().st_size > 0}
        result = FetchResult(study_uid, dest)
        series_uids = list(series_uids) if series_uids is not None else None
        if sop_uids is not None:
            wanted = {u: None for u in sop_uids}
            plan = None
        elif have or series_uids is not None:
            rows = []
            for s in (series_uids if series_uids is not None else [None]):
                rows += self._find_instances(study_uid, [s] if s else None, ())
            wanted = {str(r.SOPInstanceUID): str(r.get("SeriesInstanceUID", "")) for r in rows}
            plan = None
        else:
            wanted, plan = {}, "study"
        result.already = [have[u] for u in wanted if u in have]
        missing = {u: s for u, s in wanted.items() if u not in have}
        if plan is None and not missing:
            if progress:
                progress(len(result.already), len(result.already))
            return result
        done0 = len(result.already)
        total = [done0 + len(missing) if plan is None else 0]

        def arrived(path: Path) -> None:
            result.fetched.append(path)
            if progress:
                progress(done0 + len(result.fetched), max(total[0], done0 + len(result.fetched)))

        def set_total(n: int) -> None:
            total[0] = done0 + n
            if progress:
                progress(done0 + len(result.fetched), total[0])

        self._retrieve(study_uid, dest, None if plan == "study" else missing, arrived, set_total, result)
        if progress:
            progress(len(result.files), len(result.files))
        return result

    def store(self, paths: Iterable[Path | str]) -> StoreResult:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def peer(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.peer}>"

    # -- for the kinds
    def _find_studies(self, filters: dict[str, str], limit: int | None) -> list[RemoteStudy]:
        raise NotImplementedError

    def _find_series(self, study_uid: str) -> list[Dataset]:
        raise NotImplementedError

    def _find_instances(self, study_uid: str, series_uids: list[str] | None, keys: tuple[str, ...]) -> list[Dataset]:
        raise NotImplementedError

    def _retrieve(self, study_uid: str, dest: Path, missing: dict[str, str | None] | None,
                  arrived: Callable, set_total: Callable[[int], None], result: FetchResult) -> None:
        """Fetch the whole study (missing None) or the listed SOP Instance UIDs ({sop: series or None})."""
        raise NotImplementedError

    def _write(self, dest: Path, sop_uid: str, parts: Iterable[bytes | memoryview],
               check: tuple[str, str] | None = None) -> Path:
        """One received instance as a Part 10 file: written under a temporary name, then renamed.

        check: (SOP class, transfer syntax) to walk the file with the node's validator first (a part of
        an HTTP stream cut short must not pass for a whole file)."""
        if not re.fullmatch(r"[0-9.]{1,64}", sop_uid or ""):
            raise SourceError(f"{self.peer}: received an instance with an invalid SOP Instance UID {sop_uid!r}")
        final = dest / f"{sop_uid}.dcm"
        tmp = dest / f"{sop_uid}.{threading.get_ident()}.part"
        with open(tmp, "wb") as fh:
            for p in parts:
                fh.write(p)
        if check is not None:
            from dicom_node.validate import Rejected, check_received

            try:
                check_received(tmp, *check)
            except Rejected as exc:
                tmp.unlink(missing_ok=True)
                raise SourceError(f"{self.peer}: instance {sop_uid} arrived incomplete or malformed "
                                  f"({exc}); the link may have dropped") from exc
        os.replace(tmp, final)
        return final


def source_from_entry(entry: dict, cfg: dict) -> RemoteSource:
    """A source for one `[[county.sources]]` or `[[forwarding.destinations]]` entry.

    kind "dicom": ae_title, host, port, optional tls {ca, cert, key, verify_hostname, ciphers},
    retrieve = "get" (default) | "move", move_port (for "move": where this station listens while a
    fetch runs; default node.port). kind "dicomweb" (or forwarding's "stow": the same url): url (the
    DICOMweb root, e.g. https://pacs/dicom-web), token or username/password, ca.
    """
    where = f"source {entry.get('name', '?')!r}"
    if not isinstance(entry, dict) or not entry.get("name"):
        raise ConfigError("a source entry needs a name")
    kind = entry.get("kind", "dicom")
    if kind == "dicom":
        from dicom_node.sources.dimse import DimseSource

        if not entry.get("ae_title") or not entry.get("host") or not isinstance(entry.get("port"), int):
            raise ConfigError(f"{where}: a DICOM source needs ae_title, host and port")
        retrieve = entry.get("retrieve", "get")
        if retrieve not in RETRIEVE_MODES:
            raise ConfigError(f"{where}: retrieve must be 'get' or 'move', got {retrieve!r}")
        return DimseSource(entry["name"], cfg, ae_title=entry["ae_title"], host=entry["host"], port=entry["port"],
                           tls=entry.get("tls") or None, retrieve=retrieve, move_port=entry.get("move_port"))
    if kind in ("dicomweb", "stow"):
        from dicom_node.sources.dicomweb import DicomwebSource

        url = str(entry.get("url", ""))
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{where}: a DICOMweb source needs url = http(s)://...")
        return DicomwebSource(entry["name"], cfg, url=url, token=entry.get("token", ""),
                              username=entry.get("username", ""), password=entry.get("password", ""),
                              ca=entry.get("ca", ""))
    raise ConfigError(f"{where}: kind must be one of {', '.join(SOURCE_KINDS)}, got {kind!r}")


def sources_from_config(cfg: dict) -> list[RemoteSource]:
    """Every `[[county.sources]]` entry, in the config's order."""
    return [source_from_entry(e, cfg) for e in (cfg.get("county", {}).get("sources") or [])]


def source_named(cfg: dict, name: str) -> RemoteSource:
    """The `[[county.sources]]` entry called `name`, else the `[[forwarding.destinations]]` one (a township
    pulls its reports from its forwarding destination)."""
    for e in cfg.get("county", {}).get("sources") or []:
        if e.get("name") == name:
            return source_from_entry(e, cfg)
    for e in cfg.get("forwarding", {}).get("destinations") or []:
        if e.get("name") == name:
            return source_from_entry(e, cfg)
    raise ConfigError(f"no source or forwarding destination named {name!r} in the config")
