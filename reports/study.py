"""What a report needs to know about its study, read from the study's DICOM files (the station's cache of the
study, or a township archive): patient and exam, the images, the findings as the reader left them (the
newest TID 1500 SR: a reader's review wins over the AI's), and the reports already filed. GUI-free.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pydicom
from pydicom.dataset import Dataset

from ai_models.findings import FindingsReport
from reports.state import is_report

log = logging.getLogger(__name__)

IMAGE_MODALITIES = ("CT", "DX", "CR", "DR", "MR", "MG", "US", "XA", "RF", "PT", "NM")
SR_SOP_PREFIX = "1.2.840.10008.5.1.4.1.1.88."


def person_name(pn) -> str:
    """A DICOM PN as written on a report: "王^小明" -> "王小明", "DOE^JOHN" -> "DOE JOHN"; the
    ideographic component group when there is one."""
    groups = str(pn or "").split("=")
    chosen = groups[1] if len(groups) > 1 and groups[1].strip("^ ") else groups[0]
    parts = [p.strip() for p in chosen.split("^") if p.strip()]
    if any("\u2e80" <= ch <= "\u9fff" for ch in "".join(parts)):
        return "".join(parts)
    return " ".join(parts)


def _stamp(ds: Dataset) -> str:
    return (str(ds.get("ContentDate", "") or ds.get("InstanceCreationDate", "") or "")
            + str(ds.get("ContentTime", "") or ds.get("InstanceCreationTime", "") or "").ljust(13, "0"))


@dataclass
class StudyContext:
    study_uid: str
    patient_name: str = ""      # as written on a report (王小明)
    patient_name_pn: str = ""   # as DICOM has it (王^小明)
    patient_id: str = ""
    patient_sex: str = ""       # M / F / O / ""
    patient_age: str = ""       # DICOM AS ("045Y") or computed from the birth date
    patient_birth_date: str = ""
    study_date: str = ""
    study_time: str = ""
    accession_number: str = ""
    study_id: str = ""
    study_description: str = ""
    referring_physician: str = ""
    modality: str = ""          # of the main image series
    institution: str = ""       # the township that examined the patient
    station_name: str = ""
    slice_thickness: str = ""
    images: list[Dataset] = field(default_factory=list)        # main series headers, sorted along the normal
    image_paths: dict[str, Path] = field(default_factory=dict)  # SOP Instance UID -> file (for key images)
    findings: FindingsReport | None = None
    findings_sr: Dataset | None = None                         # the TID 1500 SR the findings came from
    reports: list[Dataset] = field(default_factory=list)       # report SRs (TID 2000), oldest first
    headers: list[Dataset] = field(default_factory=list)       # every instance's header

    @property
    def is_ct(self) -> bool:
        return self.modality == "CT"

    @classmethod
    def from_files(cls, paths) -> "StudyContext":
        """Read the headers of the study's files (pixel data is read later, only for key images)."""
        headers, where = [], {}
        for p in paths:
            p = Path(p)
            try:
                ds = pydicom.dcmread(p, stop_before_pixels=True)
            except Exception as exc:  # noqa: BLE001 - a stray or broken file is not the study
                log.info("skipping %s: %s", p, exc)
                continue
            if "SOPInstanceUID" not in ds or "StudyInstanceUID" not in ds:
                continue
            headers.append(ds)
            where[str(ds.SOPInstanceUID)] = p
        return cls.from_datasets(headers, where)

    @classmethod
    def from_folder(cls, folder) -> "StudyContext":
        return cls.from_files(sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix != ".json"))

    @classmethod
    def from_datasets(cls, headers: list[Dataset], paths: dict[str, Path] | None = None) -> "StudyContext":
        if not headers:
            raise ValueError("the study holds no DICOM objects")
        studies = {str(ds.StudyInstanceUID) for ds in headers}
        if len(studies) > 1:
            raise ValueError(f"the files belong to {len(studies)} studies, not one")
        by_series: dict[str, list[Dataset]] = {}
        srs, reports = [], []
        for ds in headers:
            if is_report(ds) and str(ds.get("SOPClassUID", "")).startswith(SR_SOP_PREFIX):
                reports.append(ds)
            elif str(ds.get("SOPClassUID", "")).startswith(SR_SOP_PREFIX):
                srs.append(ds)
            elif str(ds.get("Modality", "")) in IMAGE_MODALITIES and "Rows" in ds:
                by_series.setdefault(str(ds.SeriesInstanceUID), []).append(ds)
        # The main series: the one with most images (a localizer or a dose page loses).
        images = max(by_series.values(), key=len) if by_series else []
        images = _sorted_images(images)
        first = images[0] if images else headers[0]
        ctx = cls(study_uid=str(first.StudyInstanceUID), patient_name=person_name(first.get("PatientName", "")),
                  patient_name_pn=str(first.get("PatientName", "") or ""), patient_id=str(first.get("PatientID", "")),
                  patient_sex=str(first.get("PatientSex", "") or ""), patient_age=str(first.get("PatientAge", "") or ""),
                  patient_birth_date=str(first.get("PatientBirthDate", "") or ""),
                  study_date=str(first.get("StudyDate", "") or ""), study_time=str(first.get("StudyTime", "") or ""),
                  accession_number=str(first.get("AccessionNumber", "") or ""), study_id=str(first.get("StudyID", "") or ""),
                  study_description=str(first.get("StudyDescription", "") or ""),
                  referring_physician=person_name(first.get("ReferringPhysicianName", "")),
                  modality=str(first.get("Modality", "") or ""), institution=str(first.get("InstitutionName", "") or ""),
                  station_name=str(first.get("StationName", "") or ""),
                  slice_thickness=_number(first.get("SliceThickness")), images=images,
                  image_paths=dict(paths or {}), reports=sorted(reports, key=_stamp), headers=list(headers))
        if not ctx.patient_age and ctx.patient_birth_date[:8].isdigit() and ctx.study_date[:8].isdigit():
            b, d = ctx.patient_birth_date, ctx.study_date
            years = int(d[:4]) - int(b[:4]) - ((d[4:8]) < (b[4:8]))
            ctx.patient_age = f"{years:03d}Y" if years >= 0 else ""
        ctx.findings, ctx.findings_sr = _newest_findings(srs, paths or {})
        return ctx

    def age_text(self, language: str = "zh_CN") -> str:
        """"045Y" -> "45岁" / "45 y"; months and days likewise."""
        a = self.patient_age
        if len(a) < 2 or not a[:-1].isdigit():
            return a
        n, unit = int(a[:-1]), a[-1].upper()
        zh = {"Y": "岁", "M": "个月", "W": "周", "D": "天"}
        en = {"Y": "y", "M": "mo", "W": "wk", "D": "d"}
        return f"{n}{zh.get(unit, '')}" if language.startswith("zh") else f"{n} {en.get(unit, '')}".strip()


def _number(v) -> str:
    try:
        return f"{float(v):g}"
    except (TypeError, ValueError):
        return ""


def _sorted_images(images: list[Dataset]) -> list[Dataset]:
    """Along the slice normal where the images have a position; else by instance number."""
    import numpy as np

    try:
        iop = np.array([float(v) for v in images[0].ImageOrientationPatient])
        normal = np.cross(iop[:3], iop[3:])
        return sorted(images, key=lambda d: float(np.dot(normal, [float(v) for v in d.ImagePositionPatient])))
    except (AttributeError, IndexError, TypeError, ValueError):
        return sorted(images, key=lambda d: int(d.get("InstanceNumber", 0) or 0))


def _newest_findings(srs: list[Dataset], paths: dict[str, Path]):
    """(findings, SR) of the newest TID 1500 SR we can read: a reader's review, else the AI's; (None, None)."""
    from dicom_objects.measurement_report_reader import findings_from_sr

    for ds in sorted(srs, key=_stamp, reverse=True):
        full = ds
        if "ContentSequence" not in ds:
            p = paths.get(str(ds.SOPInstanceUID))
            if p is None:
                continue
            full = pydicom.dcmread(p)
        try:
            return findings_from_sr(full), full
        except Exception as exc:  # noqa: BLE001 - a dose report or a foreign SR: not findings
            log.info("no findings in SR %s: %s", ds.SOPInstanceUID, exc)
    return None, None
