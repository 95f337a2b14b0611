"""The study worklist behind the browser: filtering, display facts, change detection, and what to open.

GUI-free (no Qt): the browser turns the codes returned here ("M", "done", 3) into translated text.
Works on `dicom_node.archive.Archive` records, or on a plain folder of DICOM files.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pydicom

from dicom_objects.values import (NON_IMAGE_MODALITIES, age_years, display_name, format_date, image_modalities,
                                 split_modalities)

log = logging.getLogger(__name__)

SR_MODALITY = "SR"
SR_SOP_CLASS_PREFIX = "1.2.840.10008.5.1.4.1.1.88."
SEG_SOP_CLASS = "1.2.840.10008.5.1.4.1.1.66.4"

# Status filter values the browser offers; "" means any.
STATUS_FILTERS = ("", "ai:pending", "ai:running", "ai:done", "ai:failed",
                  "fwd:queued", "fwd:sending", "fwd:sent", "fwd:failed")


def findings_count(detail: str) -> int | None:
    """The N of an AI detail like "3 findings" (or a JSON line with n_findings)."""
    m = re.search(r"n_findings\D*(\d+)", detail or "") or re.search(r"(\d+)", detail or "")
    return int(m.group(1)) if m else None


@dataclass
class StudyRow:
    """One browser row, as codes and numbers (translated by the GUI)."""

    study_uid: str
    patient: str
    patient_id: str
    sex: str  # "M" | "F" | "O" | ""
    age: int | None
    date: str  # YYYY-MM-DD
    modality: str
    description: str
    images: int
    ai_state: str  # "" | pending | running | done | failed | skipped
    ai_findings: int | None
    ai_detail: str
    forward_state: str  # "" | queued | sending | sent | failed
    forward_detail: str
    receiving: bool = False  # images still arriving (not yet stable, nothing started on it)
    report_state: str = ""  # "" (none) | preliminary | final | amended: the newest report that came home
    report_critical: bool = False  # that report holds a critical result (危急值)


def too_thick_mm(row: StudyRow) -> float | None:
    """The slice thickness the AI refused a study for ("8 mm slices: too thick for nodule detection"), or None."""
    if row.ai_state != "skipped":
        return None
    m = re.match(r"\s*(\d+(?:\.\d+)?) mm slices: too thick", row.ai_detail or "")
    return float(m.group(1)) if m else None


def image_count(archive, study_uid: str) -> int:
    """Instances in the study's image series (the AI's SR/SEG/GSPS are not images the reader counts)."""
    return sum(int(s.num_instances or 0) for s in archive.series(study_uid)
               if (s.modality or "") not in NON_IMAGE_MODALITIES)


def study_row(rec, images: int | None = None, receiving_within_s: float | None = None,
              now: float | None = None) -> StudyRow:
    """`receiving_within_s`: a study not yet stable whose last image came less than this long ago is
    shown as still arriving (the node marks it stable after its quiet period)."""
    import time

    ai_state = (getattr(rec, "ai_state", "") or "").lower()
    receiving = bool(receiving_within_s) and not ai_state and getattr(rec, "stable_at", None) is None \
        and ((now if now is not None else time.time()) - float(rec.last_received_at or 0)) < receiving_within_s
    return StudyRow(
        study_uid=rec.study_uid,
        patient=display_name(rec.patient_name),
        patient_id=rec.patient_id or "",
        sex=(rec.patient_sex or "").strip().upper()[:1],
        age=age_years(rec.patient_birth_date, rec.study_date),
        date=format_date(rec.study_date),
        modality=image_modalities(rec.modalities),
        description=rec.study_description or "",
        images=int(rec.num_instances or 0) if images is None else images,
        ai_state=ai_state,
        ai_findings=findings_count(rec.ai_detail) if ai_state == "done" else None,
        ai_detail=getattr(rec, "ai_detail", "") or "",
        forward_state=(getattr(rec, "forward_state", "") or "").lower(),
        forward_detail=getattr(rec, "forward_detail", "") or "",
        receiving=receiving,
    )


# --------------------------------------------------------------------------------------- filtering
@dataclass
class StudyFilter:
    text: str = ""  # part of the patient's name (any script, "^" ignored) or ID
    date_from: str = ""  # YYYYMMDD, inclusive
    date_to: str = ""
    modality: str = ""  # "CT", "DX", ...; "" any
    status: str = ""  # one of STATUS_FILTERS

    def is_empty(self) -> bool:
        return not (self.text.strip() or self.date_from or self.date_to or self.modality or self.status)


def _squash(s: str) -> str:
    return re.sub(r"[\^=\s]+", "", s or "").casefold()


def matches(rec, flt: StudyFilter) -> bool:
    text = _squash(flt.text)
    if text and text not in _squash(rec.patient_name) and text not in _squash(rec.patient_id):
        return False
    date = (rec.study_date or "")[:8]
    if flt.date_from and (not date or date < flt.date_from):
        return False
    if flt.date_to and (not date or date > flt.date_to):
        return False
    if flt.modality and flt.modality.upper() not in {m.upper() for m in split_modalities(rec.modalities)}:
        return False
    if flt.status:
        kind, _, state = flt.status.partition(":")
        have = (rec.ai_state if kind == "ai" else rec.forward_state) or ""
        if have.lower() != state:
            return False
    return True


def query_studies(archive, flt: StudyFilter, limit: int = 500) -> list:
    """Studies matching the filter, newest first, searched over the whole index (not only the newest
    `limit`): dates and modality go to the index as they are; a name is asked as its characters in order
    with anything between ("王小明" finds "王^小明", "欧阳" finds "欧阳^䶮"), an ID as a substring; the exact
    match rules and the state filter are then applied here."""
    common = dict(date_from=flt.date_from or None, date_to=flt.date_to or None,
                  modality=flt.modality or None, limit=limit)
    chars = [ch for ch in flt.text if ch not in "^=*?" and not ch.isspace()]
    if chars:
        by_name = archive.studies(patient_name="*" + "*".join(chars) + "*", **common)
        by_id = archive.studies(patient_id="*" + "".join(chars) + "*", **common)
        merged = {r.study_uid: r for r in by_name + by_id}
        recs = sorted(merged.values(), key=lambda r: float(r.last_received_at or 0), reverse=True)
    else:
        recs = archive.studies(**common)
    return [r for r in recs if matches(r, flt)][:limit]


class IndexWatch:
    """Tells whether anyone committed to the archive's index since the last look, for almost nothing:
    SQLite's `PRAGMA data_version` on a connection of our own changes when another connection commits
    (the node's receiving threads, the pipeline, the forwarder, this process's other connections).
    The browser runs its full query only then."""

    def __init__(self, archive):
        self._conn = None
        self._version = None
        connect = getattr(archive, "connect", None)
        if callable(connect):
            try:
                self._conn = connect()
            except Exception:  # noqa: BLE001 - no watch: the browser then queries every time
                log.debug("no index watch", exc_info=True)

    def changed(self) -> bool:
        if self._conn is None:
            return True
        try:
            v = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except Exception:  # noqa: BLE001
            return True
        changed = v != self._version
        self._version = v
        return changed

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def change_key(recs) -> tuple:
    """Everything a browser row shows; when it is unchanged the view need not be rebuilt."""
    return tuple((r.study_uid, r.patient_name, r.num_instances, r.last_received_at, r.modalities,
                  r.ai_state, r.ai_detail, r.forward_state, r.forward_detail, r.study_description)
                 for r in recs)


# --------------------------------------------------------------------------------------- opening
@dataclass
class SeriesChoice:
    series_uid: str
    modality: str
    description: str
    files: list[Path]


@dataclass
class StudyContent:
    """What the reading view needs for one study: its image series, its SRs (newest first) and SEGs."""

    study_uid: str
    image_series: list[SeriesChoice] = field(default_factory=list)
    sr_files: list[Path] = field(default_factory=list)
    seg_files: list[Path] = field(default_factory=list)
    bad_files: list[tuple[Path, str]] = field(default_factory=list)

    def series(self, series_uid: str | None = None) -> SeriesChoice | None:
        """The series the findings refer to when it is here, else the largest CT, else the largest image series."""
        for s in self.image_series:
            if series_uid and s.series_uid == series_uid:
                return s
        if not self.image_series:
            return None
        return max(self.image_series, key=lambda s: (s.modality == "CT", len(s.files)))


def _int(v) -> int:
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return 0


def _is_sr(modality: str, sop_class: str) -> bool:
    return modality == SR_MODALITY or (sop_class or "").startswith(SR_SOP_CLASS_PREFIX)


def _is_seg(modality: str, sop_class: str) -> bool:
    return modality == "SEG" or sop_class == SEG_SOP_CLASS


def study_content_from_archive(archive, study_uid: str) -> StudyContent:
    out = StudyContent(study_uid)
    mods = {s.series_uid: s for s in archive.series(study_uid)}
    insts = archive.instances(study_uid=study_uid)
    by_series: dict[str, list] = {}
    for inst in insts:
        by_series.setdefault(inst.series_uid, []).append(inst)
    srs, segs = [], []
    for uid, items in by_series.items():
        srec = mods.get(uid)
        modality = srec.modality if srec else ""
        if any(_is_sr(modality, i.sop_class_uid) for i in items):
            srs.extend(i for i in items if _is_sr(modality, i.sop_class_uid))
            continue
        if any(_is_seg(modality, i.sop_class_uid) for i in items):
            segs.extend(i for i in items if _is_seg(modality, i.sop_class_uid))
            continue
        if modality in NON_IMAGE_MODALITIES:
            continue
        items.sort(key=lambda i: (_int(i.instance_number), str(i.path)))
        out.image_series.append(SeriesChoice(uid, modality, srec.series_description if srec else "",
                                             [Path(i.path) for i in items]))
    received = {Path(i.path): float(i.received_at or 0) for i in srs}
    out.sr_files = newest_first(list(received), received)
    out.seg_files = [Path(i.path) for i in sorted(segs, key=lambda i: -float(i.received_at or 0))]
    return out


def study_content_from_folder(folder: Path | str) -> StudyContent:
    """A plain folder: every DICOM file below it, grouped by series (unreadable files listed)."""
    from viewer.logic.volume import dicom_files_in, group_series

    series, bad = group_series(dicom_files_in(folder))
    out = StudyContent(series[0].study_uid if series else "", bad_files=bad)
    srs = []
    for s in series:
        if _is_sr(s.modality, s.sop_class_uid):
            srs.extend(s.files)
        elif _is_seg(s.modality, s.sop_class_uid):
            out.seg_files.extend(sorted(s.files))
        elif s.modality not in NON_IMAGE_MODALITIES:
            out.image_series.append(SeriesChoice(s.series_uid, s.modality, s.description, sorted(s.files)))
    out.sr_files = newest_first(srs, {p: p.stat().st_mtime for p in srs})
    return out


def newest_first(sr_paths: list[Path], received_at: dict[Path, float]) -> list[Path]:
    """SRs ordered newest first by their content date/time (then arrival), so a review SR written
    after the AI's SR wins."""
    def key(p: Path):
        try:
            ds = pydicom.dcmread(p, stop_before_pixels=True,
                                 specific_tags=["ContentDate", "ContentTime", "InstanceCreationDate",
                                                "InstanceCreationTime"])
            stamp = (str(ds.get("ContentDate", "") or ds.get("InstanceCreationDate", "")) +
                     str(ds.get("ContentTime", "") or ds.get("InstanceCreationTime", "")).ljust(13, "0"))
        except Exception:  # noqa: BLE001 - an unreadable SR sorts last and is skipped later
            stamp = ""
        return (stamp, received_at.get(p, 0.0))

    return sorted(sr_paths, key=key, reverse=True)


def newest_findings(sr_paths: list[Path], seg_paths: list[Path] = ()):
    """(FindingsReport, path) of the newest SR that holds findings we can read; without one, of a SEG
    (a study segmented elsewhere); else (None, None).

    An object that is not ours (or is broken) is skipped with a log line: the images still open.
    """
    from dicom_objects.measurement_report_reader import findings_from_sr

    for p in sr_paths:
        try:
            return findings_from_sr(Path(p)), Path(p)
        except Exception as exc:  # noqa: BLE001 - foreign or broken SR: skip it
            log.info("no findings read from %s: %s", p, exc)
    for p in seg_paths:
        try:
            from dicom_objects.segmentation import findings_from_seg

            report = findings_from_seg(Path(p))
        except Exception as exc:  # noqa: BLE001
            log.info("no findings read from %s: %s", p, exc)
            continue
        if report.findings:
            return report, Path(p)
    return None, None
