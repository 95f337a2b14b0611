"""A reader's review of AI findings: accept, reject, correct a diameter, add a missed nodule, save as SR.

GUI-free (no Qt); the findings panel calls these methods and shows what they return. Saving writes the
reviewer's SR (dicom_objects.measurement_report.write_review_sr) into the archive like a received object, so
forwarding picks it up; without an archive (a plain folder was opened) it is written next to the images.
"""
from __future__ import annotations

import copy
import math
import os
from dataclasses import dataclass
from pathlib import Path

from ai_models.findings import KINDS, Finding, FindingsReport, ModelInfo

# Diameters a reader can type: below this is not a measurable nodule, above is a mass, not a nodule
# typo guard (the SR would carry it to the county).
MIN_DIAMETER_MM = 1.0
MAX_DIAMETER_MM = 100.0
PN_COMPONENT_MAX = 64


def ai_label_parts(model: ModelInfo) -> tuple[str, str]:
    """(model "name version", validation) for the line every AI display carries beside
    `ai_models.findings.AI_LABEL`; ("", "") for a reader-only list."""
    if model is None or model.name in ("", "reader"):
        return "", ""
    return f"{model.name} {model.version}".strip(), (model.validation or "").strip()


class ReviewError(ValueError):
    """The review cannot be saved or changed as asked; the message says why."""


@dataclass
class ReviewItem:
    finding: Finding
    decision: bool | None = None  # None: not reviewed; True: accepted; False: rejected
    added: bool = False  # a nodule the reader added (the AI missed it)
    original_diameter_mm: float | None = None  # set once the reader corrected the diameter

    @property
    def corrected(self) -> bool:
        return self.original_diameter_mm is not None and not math.isclose(
            self.original_diameter_mm, self.finding.diameter_mm)


def check_reviewer(name: str) -> str:
    """A reviewer's name fit for a DICOM PN: non-empty, no backslash, components ≤ 64 characters."""
    name = (name or "").strip()
    if not name:
        raise ReviewError("the reviewer's name is empty")
    if "\\" in name:
        raise ReviewError("the reviewer's name must not contain a backslash")
    if any(len(part) > PN_COMPONENT_MAX for part in name.replace("=", "^").split("^")):
        raise ReviewError(f"each part of the reviewer's name must be at most {PN_COMPONENT_MAX} characters")
    return name


def check_diameter(mm) -> float:
    try:
        d = float(mm)
    except (TypeError, ValueError) as exc:
        raise ReviewError(f"diameter {mm!r} is not a number") from exc
    if not math.isfinite(d) or not (MIN_DIAMETER_MM <= d <= MAX_DIAMETER_MM):
        raise ReviewError(f"diameter must be between {MIN_DIAMETER_MM:g} and {MAX_DIAMETER_MM:g} mm, got {d:g}")
    return d


class Review:
    """The reader's decisions on one FindingsReport (which is copied, never changed in place)."""

    def __init__(self, report: FindingsReport | None, study_uid: str = "", series_uid: str = ""):
        if report is None:
            report = FindingsReport(study_uid=study_uid, series_uid=series_uid,
                                    model=ModelInfo(name="reader", version="", trained_on=""))
        self.source_report = report
        self.items: list[ReviewItem] = []
        for f in report.findings:
            f = copy.deepcopy(f)
            self.items.append(ReviewItem(f, decision=f.accepted))
        self.dirty = False

    def __len__(self) -> int:
        return len(self.items)

    def _item(self, i: int) -> ReviewItem:
        if not 0 <= i < len(self.items):
            raise ReviewError(f"no finding number {i + 1}")
        return self.items[i]

    def set_decision(self, i: int, decision: bool | None) -> None:
        item = self._item(i)
        if item.decision is not decision:
            item.decision = decision
            item.finding.accepted = decision
            self.dirty = True

    def accept(self, i: int) -> None:
        self.set_decision(i, True)

    def reject(self, i: int) -> None:
        self.set_decision(i, False)

    def accept_all_undecided(self) -> None:
        for i, item in enumerate(self.items):
            if item.decision is None:
                self.accept(i)

    def correct_diameter(self, i: int, diameter_mm) -> Finding:
        """The reader's measured diameter; volume scales as a sphere would and Lung-RADS follows the size.
        Correcting a finding means the reader keeps it, so it counts as accepted."""
        item = self._item(i)
        d = check_diameter(diameter_mm)
        f = item.finding
        if item.original_diameter_mm is None:
            item.original_diameter_mm = f.diameter_mm
        old = f.diameter_mm
        f.volume_mm3 = (f.volume_mm3 * (d / old) ** 3) if (old > 0 and f.volume_mm3 > 0) else math.pi / 6 * d ** 3
        if f.mean_diameter_mm and old > 0:  # the reader measured the long axis; the mean follows its ratio
            f.mean_diameter_mm *= d / old
        f.diameter_mm = d
        f.lung_rads = f.category()
        self.set_decision(i, True)
        self.dirty = True
        return f

    def add_finding(self, center_lps_mm, diameter_mm, kind: str = "solid") -> int:
        """A nodule the AI missed, at a point the reader chose (LPS mm). Returns its index."""
        d = check_diameter(diameter_mm)
        if kind not in KINDS:
            raise ReviewError(f"unknown nodule kind {kind!r}")
        center = tuple(float(c) for c in center_lps_mm)
        if len(center) != 3 or not all(math.isfinite(c) for c in center):
            raise ReviewError("the new nodule needs a point in the image (x, y, z in mm)")
        f = Finding(center_lps_mm=center, diameter_mm=d, volume_mm3=math.pi / 6 * d ** 3,
                    score=1.0, kind=kind, accepted=True)
        self.items.append(ReviewItem(f, decision=True, added=True))
        self.dirty = True
        return len(self.items) - 1

    def remove_added(self, i: int) -> None:
        if not self._item(i).added:
            raise ReviewError("only a nodule the reader added can be removed; reject an AI finding instead")
        del self.items[i]
        self.dirty = True

    @property
    def decisions(self) -> list[bool | None]:
        return [it.decision for it in self.items]

    def counts(self) -> dict[str, int]:
        d = self.decisions
        return {"accepted": d.count(True), "rejected": d.count(False), "undecided": d.count(None),
                "added": sum(it.added for it in self.items)}

    def report(self) -> FindingsReport:
        """The findings as the reader leaves them (corrected sizes, added nodules, accepted flags)."""
        r = self.source_report
        return FindingsReport(study_uid=r.study_uid, series_uid=r.series_uid, model=copy.deepcopy(r.model),
                              findings=[copy.deepcopy(it.finding) for it in self.items])

    def build_sr(self, source: list, reviewer: str, verified: bool = True):
        from dicom_objects.measurement_report import write_review_sr

        reviewer = check_reviewer(reviewer)
        if not source:
            raise ReviewError("no image headers to reference: open the study's images first")
        return write_review_sr(self.report(), source, reviewer, self.decisions, verified=verified)

    def save(self, source: list, reviewer: str, archive=None, folder: Path | str | None = None):
        """Write the review SR: into the archive (forwarding picks it up) or else into `folder`.

        Returns (dataset, where): the archive's InstanceRecord or the written file's Path.
        Nothing is marked saved unless the write succeeded.
        """
        ds = self.build_sr(source, reviewer)
        if archive is not None:
            where = archive.add_file(ds)
        elif folder is not None:
            where = _write_next_to(ds, Path(folder))
        else:
            raise ReviewError("nowhere to save the review: no archive and no folder")
        self.dirty = False
        return ds, where


def _write_next_to(ds, folder: Path) -> Path:
    """Atomic write (temp file + rename) so a crash never leaves half an SR among the images."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"review_{ds.SOPInstanceUID}.dcm"
    tmp = out.with_suffix(".tmp")
    ds.save_as(tmp, enforce_file_format=True)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, out)
    return out


def slice_number(center_lps_mm, slice_positions: list[float], slice_normal=(0.0, 0.0, 1.0)) -> int | None:
    """1-based number of the slice nearest a finding's centre, from the slices' positions along the
    normal (mm, in display order); None without positions."""
    if not slice_positions:
        return None
    z = sum(float(a) * float(b) for a, b in zip(center_lps_mm, slice_normal))
    best = min(range(len(slice_positions)), key=lambda k: abs(slice_positions[k] - z))
    return best + 1
