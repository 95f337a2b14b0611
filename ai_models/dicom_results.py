"""Findings as standard DICOM objects: a Comprehensive 3D SR (TID 1500), a SEG and a GSPS, and back.

What each object holds (all three are new series of the source study, made by highdicom):

* **SR** (Comprehensive 3D SR, TID 1500 "Imaging Measurement Report"): one TID 1411 volumetric ROI
  measurement group per finding with
  - tracking identifier ("Nodule 1") and tracking unique identifier (shared with the SEG segment and
    the GSPS graphic of the same nodule),
  - the centre as an SCOORD3D POINT in the source frame of reference (volume surface, source series),
  - Long axis (SCT 103339001) in mm, Volume (SCT 118565006) in mm3,
  - Certainty of Finding (DCM 111012) in % = the model's score x 100,
  - finding type Nodule (SCT 27925004), finding site Lung (SCT 39607008),
  - nodule type and Lung-RADS category as qualitative evaluations (codes below),
  - the model as algorithm identification (TID 4019: name, version, "trained_on: ..." parameter).
  The review SR written by the viewer has the same structure, plus a "Reader decision" evaluation per
  reviewed finding, the reader as person observer, and VerificationFlag VERIFIED with the reader in
  VerifyingObserverSequence.
* **SEG** (binary, one segment per finding, algorithm type AUTOMATIC): the nodule masks. Without
  masks from the model, each nodule is drawn as a sphere of its long-axis diameter on the source grid.
  Only the slices a nodule touches are encoded.
* **GSPS**: a circle and a short text label on each nodule's central slice, for viewers that ignore SR.

Coded concepts without a standard code use the private coding scheme ``99TPACS`` (declared in the
SR's Coding Scheme Identification Sequence):

  ======================  =====================================  ==========================
  code value (99TPACS)     meaning                                used as
  ======================  =====================================  ==========================
  NODULE_TYPE              Nodule type                            evaluation name
  SOLID                    Solid                                  nodule type value
  PART_SOLID               Part-solid                             nodule type value
  LUNG_RADS                Lung-RADS v2022 category               evaluation name
  LR_2, LR_3, LR_4A, ...   Lung-RADS 2, 3, 4A, ...                Lung-RADS value
  READER_DECISION          Reader decision                        evaluation name (review SR)
  ACCEPTED / REJECTED      Accepted / Rejected                    reader decision value
  ======================  =====================================  ==========================

Ground-glass nodules use DCM 112120 "Ground glass opacity"; an unknown type uses SCT 261665006 "Unknown".
All objects are written with SpecificCharacterSet ISO_IR 192 (UTF-8) so Chinese names survive.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

from ai_models.findings import Finding, FindingsReport, ModelInfo

MANUFACTURER = "township-pacs"
PRIVATE_SCHEME = "99TPACS"
CHARSET = "ISO_IR 192"
# Series numbers of the objects we add to a study: high, so they sort after the scanner's series.
SERIES_NUMBER_SR, SERIES_NUMBER_SEG, SERIES_NUMBER_GSPS, SERIES_NUMBER_REVIEW = 901, 902, 903, 904
SERIES_DESCRIPTION_SR = "AI lung nodules (SR)"
SERIES_DESCRIPTION_SEG = "AI lung nodules (SEG)"
SERIES_DESCRIPTION_GSPS = "AI lung nodules (GSPS)"
SERIES_DESCRIPTION_REVIEW = "Lung nodules, reader review (SR)"


def software_version() -> str:
    try:
        from importlib.metadata import version

        return version("township-pacs")
    except Exception:  # running from a source tree without metadata
        return "0.1.0"


# ------------------------------------------------------------------------------------------- codes
def _code(value: str, meaning: str, scheme: str = PRIVATE_SCHEME):
    from highdicom.sr import CodedConcept

    return CodedConcept(value=value, scheme_designator=scheme, meaning=meaning)


def _kind_code(kind: str):
    if kind == "ground_glass":
        return _code("112120", "Ground glass opacity", "DCM")
    if kind == "solid":
        return _code("SOLID", "Solid")
    if kind == "part_solid":
        return _code("PART_SOLID", "Part-solid")
    return _code("261665006", "Unknown", "SCT")


def _kind_of_code(scheme: str, value: str, meaning: str) -> str | None:
    if (scheme, value) == ("DCM", "112120") or "ground" in meaning.lower():
        return "ground_glass"
    if (scheme, value) == (PRIVATE_SCHEME, "PART_SOLID") or "part" in meaning.lower() and "solid" in meaning.lower():
        return "part_solid"
    if (scheme, value) == (PRIVATE_SCHEME, "SOLID") or meaning.lower().startswith("solid"):
        return "solid"
    return None


CODE_NODULE_TYPE = ("NODULE_TYPE", "Nodule type")
CODE_LUNG_RADS = ("LUNG_RADS", "Lung-RADS v2022 category")
CODE_DECISION = ("READER_DECISION", "Reader decision")

# Concepts findings_from_sr accepts from SRs made elsewhere. (scheme, value) -> kind of quantity.
_DIAMETER_CONCEPTS = {("SCT", "103339001"), ("SCT", "81827009"), ("SCT", "131192006"), ("SRT", "G-A185"),
                      ("SRT", "M-02550"), ("DCM", "121211"), ("DCM", "121206"), ("SCT", "410668003")}
_VOLUME_CONCEPTS = {("SCT", "118565006"), ("SRT", "G-D705")}
_SCORE_CONCEPTS = {("DCM", "111012"), ("DCM", "122157"), ("DCM", "111047")}
_LENGTH_TO_MM = {"mm": 1.0, "cm": 10.0, "um": 1e-3, "m": 1000.0}
_VOLUME_TO_MM3 = {"mm3": 1.0, "cm3": 1000.0, "ml": 1000.0, "mL": 1000.0, "ul": 1.0, "uL": 1.0}


# ---------------------------------------------------------------------------------------- geometry
@dataclass
class _Grid:
    """The source series on a regular axial grid (sorted along the slice normal)."""

    datasets: list
    origin: np.ndarray
    row_dir: np.ndarray
    col_dir: np.ndarray
    normal: np.ndarray
    spacing_zyx: np.ndarray
    rows: int
    cols: int

    @classmethod
    def of(cls, source: list[Dataset]) -> "_Grid":
        from ai_models.series import sort_and_check

        images = [ds for ds in source if "ImagePositionPatient" in ds and "Rows" in ds]
        if not images:
            raise ValueError("the source datasets hold no images with a position (ImagePositionPatient)")
        sorted_ds, geo = sort_and_check(images)
        return cls(sorted_ds, geo["origin"], geo["row_dir"], geo["col_dir"], geo["normal"], geo["spacing_zyx"],
                   int(sorted_ds[0].Rows), int(sorted_ds[0].Columns))

    @property
    def shape(self) -> tuple[int, int, int]:
        return len(self.datasets), self.rows, self.cols

    def voxel_of(self, lps) -> np.ndarray:
        d = np.asarray(lps, dtype=float) - self.origin
        s = self.spacing_zyx
        return np.array([d @ self.normal / s[0], d @ self.col_dir / s[1], d @ self.row_dir / s[2]])

    def sphere(self, center_lps, diameter_mm: float) -> dict[int, np.ndarray]:
        """{slice index: boolean 2D mask} of a ball of the given diameter (at least the centre voxel)."""
        r = max(float(diameter_mm) / 2.0, 0.0)
        kz, ky, kx = self.voxel_of(center_lps)
        s = self.spacing_zyx
        nz, ny, nx = self.shape
        out: dict[int, np.ndarray] = {}
        k0, k1 = max(0, math.floor(kz - r / s[0])), min(nz - 1, math.ceil(kz + r / s[0]))
        y0, y1 = max(0, math.floor(ky - r / s[1])), min(ny - 1, math.ceil(ky + r / s[1]))
        x0, x1 = max(0, math.floor(kx - r / s[2])), min(nx - 1, math.ceil(kx + r / s[2]))
        if k0 <= k1 and y0 <= y1 and x0 <= x1:
            yy = ((np.arange(y0, y1 + 1) - ky) * s[1])[:, None]
            xx = ((np.arange(x0, x1 + 1) - kx) * s[2])[None, :]
            for k in range(k0, k1 + 1):
                dz = (k - kz) * s[0]
                inside = dz * dz + yy * yy + xx * xx <= r * r
                if inside.any():
                    m = np.zeros((ny, nx), dtype=bool)
                    m[y0:y1 + 1, x0:x1 + 1] = inside
                    out[k] = m
        ck, cy, cx = (int(round(v)) for v in (kz, ky, kx))
        if not out and 0 <= ck < nz and 0 <= cy < ny and 0 <= cx < nx:
            m = np.zeros((ny, nx), dtype=bool)
            m[cy, cx] = True
            out[ck] = m
        return out


def _masks_per_finding(report: FindingsReport, grid: _Grid, masks) -> list[dict[int, np.ndarray]]:
    """Normalise the `masks` argument to one {slice: 2D mask} per finding.

    Accepted: None (spheres from the findings' geometry); a label volume (z, y, x) on the sorted source
    grid with value i+1 for finding i; a list of boolean volumes (z, y, x), one per finding.
    A finding whose given mask is empty gets the sphere, so every finding has a segment.
    """
    per = _given_masks(report, grid, masks)
    return [p or grid.sphere(f.center_lps_mm, f.diameter_mm) for p, f in zip(per, report.findings)]


def _given_masks(report: FindingsReport, grid: _Grid, masks) -> list[dict[int, np.ndarray]]:
    n = len(report.findings)
    if masks is None:
        return [{} for _ in range(n)]
    if isinstance(masks, np.ndarray) and masks.ndim == 3:
        if masks.shape != grid.shape:
            raise ValueError(f"label mask shape {masks.shape} does not match the source grid {grid.shape}")
        per = []
        for i in range(n):
            sel = masks == (i + 1)
            per.append({int(k): sel[k] for k in np.flatnonzero(sel.any(axis=(1, 2)))})
        return per
    masks = list(masks)
    if len(masks) != n:
        raise ValueError(f"got {len(masks)} masks for {n} findings")
    per = []
    for m in masks:
        m = np.asarray(m, dtype=bool)
        if m.shape != grid.shape:
            raise ValueError(f"mask shape {m.shape} does not match the source grid {grid.shape}")
        per.append({int(k): m[k] for k in np.flatnonzero(m.any(axis=(1, 2)))})
    return per


def _fix_charset(ds: Dataset) -> Dataset:
    """Store text as UTF-8: highdicom copies the source's character set (often GB18030)."""
    ds.SpecificCharacterSet = CHARSET
    return ds


# ----------------------------------------------------------------------------------------------- SR
def _algorithm(m: ModelInfo):
    """TID 4019 algorithm identification; what the model was trained on goes in as a parameter."""
    from highdicom.sr import AlgorithmIdentification

    return AlgorithmIdentification(name=m.name or "unknown model", version=m.version or "unknown",
                                   parameters=[f"trained_on: {m.trained_on}"] if m.trained_on else None,
                                   manufacturer=MANUFACTURER)


def _measurement_groups(report: FindingsReport, grid: _Grid, tracking_uids: list[str],
                        decisions: list[bool | None] | None = None):
    from highdicom.sr import (FindingSite, Measurement, QualitativeEvaluation, SourceSeriesForSegmentation,
                              TrackingIdentifier, VolumeSurface, VolumetricROIMeasurementsAndQualitativeEvaluations)

    frame_uid = str(grid.datasets[0].FrameOfReferenceUID)
    series_uid = str(grid.datasets[0].SeriesInstanceUID)
    algorithm = _algorithm(report.model)
    groups = []
    for i, (f, uid) in enumerate(zip(report.findings, tracking_uids)):
        reader_added = decisions is not None and not f.tracking_uid
        label = f"Reader nodule {i + 1}" if reader_added else f"Nodule {i + 1}"
        measurements = [
            Measurement(name=codes.SCT.LongAxis, value=round(float(f.diameter_mm), 3), unit=codes.UCUM.Millimeter),
            Measurement(name=codes.SCT.Volume, value=round(float(f.volume_mm3), 2), unit=codes.UCUM.CubicMillimeter),
        ]
        if not reader_added:
            measurements.append(Measurement(name=codes.DCM.CertaintyOfFinding,
                                            value=round(float(f.score) * 100.0, 3), unit=codes.UCUM.Percent))
        evaluations = [QualitativeEvaluation(_code(*CODE_NODULE_TYPE), _kind_code(f.kind))]
        if f.lung_rads:
            evaluations.append(QualitativeEvaluation(_code(*CODE_LUNG_RADS),
                                                     _code(f"LR_{f.lung_rads}", f"Lung-RADS {f.lung_rads}")))
        decision = decisions[i] if decisions is not None else None
        if decision is not None:
            evaluations.append(QualitativeEvaluation(
                _code(*CODE_DECISION), _code("ACCEPTED", "Accepted") if decision else _code("REJECTED", "Rejected")))
        surface = VolumeSurface(graphic_type="POINT",
                                graphic_data=np.array([list(f.center_lps_mm)], dtype=float),
                                frame_of_reference_uid=frame_uid,
                                source_series=SourceSeriesForSegmentation(series_uid))
        groups.append(VolumetricROIMeasurementsAndQualitativeEvaluations(
            tracking_identifier=TrackingIdentifier(uid=uid, identifier=label),
            referenced_volume_surface=surface,
            finding_type=codes.SCT.Nodule,
            finding_category=codes.SCT.MorphologicallyAbnormalStructure,
            finding_sites=[FindingSite(anatomic_location=codes.SCT.Lung)],
            algorithm_id=None if reader_added else algorithm,
            measurements=measurements,
            qualitative_evaluations=evaluations,
        ))
    return groups


def _no_nodule_group(report: FindingsReport, uid):
    """TID 1500 needs one measurement group: with no findings it says "nodule: absent" (no ROI)."""
    from highdicom.sr import FindingSite, MeasurementsAndQualitativeEvaluations, QualitativeEvaluation, TrackingIdentifier

    return MeasurementsAndQualitativeEvaluations(
        tracking_identifier=TrackingIdentifier(uid=uid(), identifier="No nodules found"),
        finding_type=codes.SCT.Nodule,
        finding_sites=[FindingSite(anatomic_location=codes.SCT.Lung)],
        algorithm_id=_algorithm(report.model),
        qualitative_evaluations=[QualitativeEvaluation(codes.DCM.PresenceOfProperty, codes.DCM.Absent)],
    )


def _private_scheme_item() -> Dataset:
    item = Dataset()
    item.CodingSchemeDesignator = PRIVATE_SCHEME
    item.CodingSchemeName = "township-pacs lung nodule codes"
    item.CodingSchemeResponsibleOrganization = "township-pacs project"
    return item


def _build_sr(report: FindingsReport, grid: _Grid, tracking_uids: list[str], observer_context,
              decisions=None, series_number=SERIES_NUMBER_SR, description=SERIES_DESCRIPTION_SR,
              verified=False, reviewer=None, organization=None, uid=generate_uid):
    from highdicom.sr import Comprehensive3DSR, MeasurementReport

    groups = _measurement_groups(report, grid, tracking_uids, decisions) or [_no_nodule_group(report, uid)]
    report_content = MeasurementReport(
        observation_context=observer_context,
        procedure_reported=_code("24627-2", "CT Chest", "LN"),
        imaging_measurements=groups,
    )
    src = grid.datasets[0]
    sr = Comprehensive3DSR(
        evidence=grid.datasets,
        content=report_content[0],
        series_instance_uid=uid(),
        series_number=series_number,
        sop_instance_uid=uid(),
        instance_number=1,
        manufacturer=MANUFACTURER,
        is_complete=True,
        is_final=bool(verified),
        is_verified=bool(verified),
        verifying_observer_name=reviewer,
        verifying_organization=organization,
        institution_name=src.get("InstitutionName") or None,
        series_description=description,
        specific_character_set=CHARSET,
    )
    sr.CodingSchemeIdentificationSequence = [_private_scheme_item()]
    sr.SoftwareVersions = software_version()
    return _fix_charset(sr)


def _device_context(model: ModelInfo):
    from highdicom.sr import DeviceObserverIdentifyingAttributes, ObservationContext, ObserverContext

    return ObservationContext(observer_device_context=ObserverContext(
        observer_type=codes.DCM.Device,
        observer_identifying_attributes=DeviceObserverIdentifyingAttributes(
            # The same model is the same device observer in every report.
            uid=generate_uid(entropy_srcs=[MANUFACTURER, model.name, model.version]),
            name=model.name or "lung nodule model", manufacturer_name=MANUFACTURER,
            model_name=f"{model.name} {model.version}".strip() or None)))


# ---------------------------------------------------------------------------------------------- SEG
def _build_seg(report: FindingsReport, grid: _Grid, tracking_uids: list[str], per_finding,
               uid=generate_uid) -> Dataset | None:
    from highdicom import AlgorithmIdentificationSequence
    from highdicom.seg import Segmentation, SegmentDescription

    used = [i for i, p in enumerate(per_finding) if p]
    if not used:
        return None
    slices = sorted({k for i in used for k in per_finding[i]})
    index = {k: j for j, k in enumerate(slices)}
    ny, nx = grid.rows, grid.cols
    # One label volume (segment s+1 where finding used[s] is) unless two masks overlap: ten times less
    # memory and work than one boolean volume per segment.
    labels = np.zeros((len(slices), ny, nx), dtype=np.uint8 if len(used) < 255 else np.uint16)
    overlap = False
    for s, i in enumerate(used):
        for k, mask in per_finding[i].items():
            view = labels[index[k]]
            overlap = overlap or bool(view[mask].any())
            view[mask] = s + 1
    if overlap:
        stack = np.zeros((len(slices), ny, nx, len(used)), dtype=bool)
        for s, i in enumerate(used):
            for k, mask in per_finding[i].items():
                stack[index[k], :, :, s] = mask
    else:
        stack = labels
    del labels
    m = report.model
    algo = AlgorithmIdentificationSequence(name=m.name or "lung nodule model",
                                           family=codes.cid7162.ArtificialIntelligence,
                                           version=m.version or "unknown", source=MANUFACTURER)
    descriptions = []
    for s, i in enumerate(used):
        f = report.findings[i]
        descriptions.append(SegmentDescription(
            segment_number=s + 1,
            segment_label=f"Nodule {i + 1} ({f.kind}, {f.diameter_mm:.1f} mm)",
            segmented_property_category=codes.SCT.MorphologicallyAbnormalStructure,
            segmented_property_type=codes.SCT.Nodule,
            algorithm_type="AUTOMATIC",
            algorithm_identification=algo,
            tracking_uid=tracking_uids[i],
            tracking_id=f"Nodule {i + 1}",
            anatomic_regions=[codes.SCT.Lung],
        ))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # highdicom notes that it omits empty frames; that is wanted
        seg = Segmentation(
            source_images=[grid.datasets[k] for k in slices],
            pixel_array=stack,
            segmentation_type="BINARY",
            segment_descriptions=descriptions,
            **_new_object_identity(m, SERIES_NUMBER_SEG, uid),
            content_label="NODULES",
            content_description="AI lung nodule masks",
            series_description=SERIES_DESCRIPTION_SEG,
            specific_character_set=CHARSET,
        )
    return _fix_charset(seg)


def _new_object_identity(m, series_number: int, uid) -> dict:
    """The new series/instance UIDs (series first, then instance: the order keeps seeded UIDs stable) and
    the equipment attributes shared by the SEG and the GSPS."""
    return dict(series_instance_uid=uid(), series_number=series_number, sop_instance_uid=uid(), instance_number=1,
                manufacturer=MANUFACTURER,
                manufacturer_model_name=f"{m.name} {m.version}".strip() or "lung nodule model",
                software_versions=software_version(), device_serial_number="0")


# --------------------------------------------------------------------------------------------- GSPS
def _build_gsps(report: FindingsReport, grid: _Grid, tracking_uids: list[str], uid=generate_uid) -> Dataset:
    from highdicom.pr import (GraphicAnnotation, GraphicLayer, GraphicObject, GrayscaleSoftcopyPresentationState,
                              TextObject)

    layer = GraphicLayer(layer_name="AI_NODULES", order=1, description="AI lung nodule marks")
    annotations = []
    nz, ny, nx = grid.shape
    for i, (f, tracking_uid) in enumerate(zip(report.findings, tracking_uids)):
        kz, ky, kx = grid.voxel_of(f.center_lps_mm)
        k = int(round(kz))
        # GSPS pixel coordinates: (0, 0) is the top-left corner of the top-left pixel.
        cx, cy = float(kx) + 0.5, float(ky) + 0.5
        if not (0 <= k < nz and 0 <= cx <= nx and 0 <= cy <= ny):
            continue  # outside the series: nothing to mark on an image
        r_px = max(float(f.diameter_mm) / 2.0 / float(grid.spacing_zyx[2]), 2.0)
        r_px = min(r_px, cx, nx - cx, max(cy, 1.0)) if min(cx, nx - cx) > 1.0 else r_px
        circle = GraphicObject(graphic_type="CIRCLE", graphic_data=np.array([[cx, cy], [cx + r_px, cy]]),
                               units="PIXEL", tracking_id=f"Nodule {i + 1}", tracking_uid=tracking_uid)
        text = f"{i + 1}: {f.diameter_mm:.1f} mm {f.kind.replace('_', '-')} LR{f.lung_rads} {f.score:.2f}"
        anchor = (min(max(cx + r_px + 2.0, 0.0), float(nx)), min(max(cy - r_px - 2.0, 0.0), float(ny)))
        label = TextObject(text_value=text, units="PIXEL", anchor_point=anchor, anchor_point_visible=False,
                           tracking_id=f"Nodule {i + 1} label", tracking_uid=uid())
        annotations.append(GraphicAnnotation(referenced_images=[grid.datasets[k]], graphic_layer=layer,
                                             graphic_objects=[circle], text_objects=[label]))
    m = report.model
    gsps = GrayscaleSoftcopyPresentationState(
        referenced_images=grid.datasets,
        **_new_object_identity(m, SERIES_NUMBER_GSPS, uid),
        content_label="AI_NODULES",
        content_description="AI lung nodule marks",
        graphic_annotations=annotations or None,
        graphic_layers=[layer] if annotations else None,
        series_description=SERIES_DESCRIPTION_GSPS,
        specific_character_set=CHARSET,
    )
    # dciodvfy requires Laterality unless the body part says it is unpaired (the chest is).
    body_part = str(grid.datasets[0].get("BodyPartExamined", "") or "")
    if body_part:
        gsps.BodyPartExamined = body_part
    else:
        gsps.Laterality = ""  # unknown
    return _fix_charset(gsps)


# ------------------------------------------------------------------------------------------ public
class _Uids:
    """New UIDs: random, or derived from a seed so that a re-run makes the very same UIDs."""

    def __init__(self, seed: str | None):
        self.seed, self.n = seed, 0

    def __call__(self) -> str:
        self.n += 1
        return generate_uid(entropy_srcs=[self.seed, str(self.n)]) if self.seed else generate_uid()


def write_results(report: FindingsReport, source: list[Dataset], masks=None, *,
                  uid_seed: str | None = None) -> list[Dataset]:
    """SR, SEG and GSPS for the findings on the source CT series (datasets; pixel data not needed).

    Returns [SR, SEG, GSPS]; with no findings only [SR] (an SR saying "no nodules" is still news;
    a SEG needs at least one segment). The objects are new series of the source study.
    `uid_seed` (e.g. study + series + model version) makes the series/instance/tracking UIDs
    reproducible, so a detection re-run after a crash stores duplicates, not a second result set.
    """
    grid = _Grid.of(source)
    uid = _Uids(uid_seed)
    tracking_uids = [f.tracking_uid or uid() for f in report.findings]
    sr = _build_sr(report, grid, tracking_uids, _device_context(report.model), uid=uid)
    if not report.findings:
        return [sr]
    per = _masks_per_finding(report, grid, masks)
    out = [sr]
    seg = _build_seg(report, grid, tracking_uids, per, uid=uid)
    if seg is not None:
        out.append(seg)
    out.append(_build_gsps(report, grid, tracking_uids, uid=uid))
    return out


def write_review_sr(report: FindingsReport, source: list[Dataset], reviewer: str,
                    decisions: list[bool | None], verified: bool = True) -> Dataset:
    """The reader's SR: every finding with its (corrected) measurements and the reader's decision.

    `decisions[i]` is True (accepted), False (rejected) or None (not reviewed) for report.findings[i].
    Findings without a tracking UID are taken as added by the reader (no algorithm identification).
    """
    from highdicom.sr import ObservationContext, ObserverContext, PersonObserverIdentifyingAttributes

    if len(decisions) != len(report.findings):
        raise ValueError(f"{len(decisions)} decisions for {len(report.findings)} findings")
    reviewer = (reviewer or "").strip()
    if not reviewer:
        raise ValueError("a review needs the reviewer's name")
    pn = reviewer if "^" in reviewer else reviewer + "^"  # a single-component name is a family name
    grid = _Grid.of(source)
    organization = str(grid.datasets[0].get("InstitutionName", "") or MANUFACTURER)
    tracking_uids = [f.tracking_uid or generate_uid() for f in report.findings]
    context = ObservationContext(observer_person_context=ObserverContext(
        observer_type=codes.DCM.Person,
        observer_identifying_attributes=PersonObserverIdentifyingAttributes(name=pn, organization_name=organization)))
    return _build_sr(report, grid, tracking_uids, context, decisions=list(decisions),
                     series_number=SERIES_NUMBER_REVIEW, description=SERIES_DESCRIPTION_REVIEW,
                     verified=verified, reviewer=pn if verified else None,
                     organization=organization if verified else None)


# --------------------------------------------------------------------------------------- reading
def _concept(item: Dataset) -> tuple[str, str, str]:
    seq = item.get("ConceptNameCodeSequence")
    if not seq:
        return "", "", ""
    c = seq[0]
    return str(c.get("CodingSchemeDesignator", "")), str(c.get("CodeValue", "") or c.get("LongCodeValue", "")), \
        str(c.get("CodeMeaning", ""))


def _code_value(item: Dataset) -> tuple[str, str, str]:
    seq = item.get("ConceptCodeSequence")
    if not seq:
        return "", "", ""
    c = seq[0]
    return str(c.get("CodingSchemeDesignator", "")), str(c.get("CodeValue", "") or c.get("LongCodeValue", "")), \
        str(c.get("CodeMeaning", ""))


def _walk(items):
    """Content items depth-first, not descending into nested measurement groups."""
    for item in items or []:
        yield item
        if "ContentSequence" in item and _concept(item)[1] != "125007":
            yield from _walk(item.ContentSequence)


def _find_groups(items):
    for item in items or []:
        if item.get("ValueType") == "CONTAINER" and _concept(item)[:2] == ("DCM", "125007"):
            yield item
        elif "ContentSequence" in item:
            yield from _find_groups(item.ContentSequence)


def _num(item: Dataset) -> tuple[float, str] | None:
    seq = item.get("MeasuredValueSequence")
    if not seq:
        return None
    mv = seq[0]
    unit = ""
    if mv.get("MeasurementUnitsCodeSequence"):
        unit = str(mv.MeasurementUnitsCodeSequence[0].get("CodeValue", ""))
    try:
        return float(mv.NumericValue), unit
    except (AttributeError, TypeError, ValueError):
        return None


def _group_to_finding(group: Dataset, images: dict[str, Dataset]) -> tuple[Finding | None, dict]:
    info: dict = {}
    centre = diameter = volume = score = None
    kind, lung_rads, accepted, uid = "unknown", "", None, ""
    regions: list[tuple[np.ndarray, float]] = []  # (centre, largest extent) of each drawn region
    for item in _walk(group.get("ContentSequence")):
        vt = item.get("ValueType")
        scheme, value, meaning = _concept(item)
        key = (scheme, value)
        if vt == "UIDREF" and key == ("DCM", "112040"):
            uid = str(item.UID)
        elif vt == "UIDREF" and key == ("DCM", "121232"):
            info["series_uid"] = str(item.UID)
        elif vt == "TEXT" and key == ("DCM", "111001"):
            info["algorithm_name"] = str(item.TextValue)
        elif vt == "TEXT" and key == ("DCM", "111003"):
            info["algorithm_version"] = str(item.TextValue)
        elif vt == "TEXT" and key == ("DCM", "111002") and str(item.TextValue).startswith("trained_on:"):
            info["trained_on"] = str(item.TextValue).split(":", 1)[1].strip()
        elif vt == "NUM":
            nv = _num(item)
            if nv is None:
                continue
            v, unit = nv
            if key in _DIAMETER_CONCEPTS or ("diameter" in meaning.lower() or "long axis" in meaning.lower()):
                if unit in _LENGTH_TO_MM and diameter is None:
                    diameter = v * _LENGTH_TO_MM[unit]
            elif key in _VOLUME_CONCEPTS or meaning.lower() == "volume":
                if unit in _VOLUME_TO_MM3 and volume is None:
                    volume = v * _VOLUME_TO_MM3[unit]
            elif key in _SCORE_CONCEPTS and score is None:
                score = v / 100.0 if unit == "%" else v
        elif vt == "CODE":
            cs, cv, cm = _code_value(item)
            if key == (PRIVATE_SCHEME, CODE_NODULE_TYPE[0]) or key == ("DCM", "121071"):
                kind = _kind_of_code(cs, cv, cm) or kind
            elif key == (PRIVATE_SCHEME, CODE_LUNG_RADS[0]):
                lung_rads = cv[3:] if cv.startswith("LR_") else cm.replace("Lung-RADS", "").strip()
            elif key == (PRIVATE_SCHEME, CODE_DECISION[0]):
                accepted = cv == "ACCEPTED"
        elif vt == "SCOORD3D":
            data = np.asarray(item.GraphicData, dtype=float).reshape(-1, 3)
            shape_centre, shape_extent = _shape(str(item.get("GraphicType", "")), data)
            if str(item.get("GraphicType", "")) == "POINT":
                centre = data[0] if centre is None else centre
            else:
                regions.append((shape_centre, shape_extent))
        elif vt == "SCOORD":
            # 2D coordinates on a referenced image: placed in LPS with that image's geometry.
            ref = next((c for c in item.get("ContentSequence", []) if c.get("ValueType") == "IMAGE"), None)
            if ref is None or not ref.get("ReferencedSOPSequence"):
                continue
            img = images.get(str(ref.ReferencedSOPSequence[0].ReferencedSOPInstanceUID))
            if img is None:
                continue
            lps = _pixel_to_lps(img, np.asarray(item.GraphicData, dtype=float).reshape(-1, 2))
            regions.append(_shape(str(item.get("GraphicType", "")), lps))
    if centre is None and regions:  # the middle of the region(s) drawn around the nodule
        centre = np.mean([c for c, _ in regions], axis=0)
    if diameter is None and regions:
        diameter = max(e for _, e in regions) or None
    if centre is None or diameter is None:
        return None, info
    if volume is None:
        volume = math.pi / 6.0 * diameter ** 3
    f = Finding(center_lps_mm=tuple(float(c) for c in centre), diameter_mm=float(diameter),
                volume_mm3=float(volume), score=1.0 if score is None else float(score), kind=kind,
                lung_rads=lung_rads, accepted=accepted, tracking_uid=uid)
    return f, info


def _shape(graphic_type: str, pts: np.ndarray) -> tuple[np.ndarray, float]:
    """Centre and largest extent (mm) of an SR graphic, 2D-in-LPS or 3D."""
    if graphic_type == "CIRCLE" and len(pts) >= 2:  # centre, then a point on the circle
        return pts[0], 2.0 * float(np.linalg.norm(pts[1] - pts[0]))
    if graphic_type in ("ELLIPSE", "ELLIPSOID") and len(pts) >= 4:  # axis end points, major axis first
        return pts.mean(axis=0), float(np.linalg.norm(pts[0] - pts[1]))
    if len(pts) > 2 and np.allclose(pts[0], pts[-1]):
        pts = pts[:-1]  # a closed polygon repeats its first vertex
    extent = float(np.max(np.linalg.norm(pts[:, None] - pts[None], axis=-1))) if len(pts) > 1 else 0.0
    return pts.mean(axis=0), extent


def _pixel_to_lps(img: Dataset, pts_col_row: np.ndarray) -> np.ndarray:
    iop = np.array([float(v) for v in img.ImageOrientationPatient])
    ipp = np.array([float(v) for v in img.ImagePositionPatient])
    dr, dc = (float(v) for v in img.PixelSpacing)  # between rows, between columns
    # SR SCOORD: (column, row) with (0, 0) the top-left corner of the top-left pixel.
    c, r = pts_col_row[:, 0:1] - 0.5, pts_col_row[:, 1:2] - 0.5
    return ipp + c * dc * iop[:3] + r * dr * iop[3:]


def findings_from_sr(sr: Dataset | Path | str, images: list[Dataset] | None = None) -> FindingsReport:
    """The findings of a TID 1500 SR: ours, the reader's review SR, or a similar one from elsewhere.

    A measurement group becomes a Finding when it gives at least a centre (SCOORD3D point, or the
    middle of a 3D region; or 2D coordinates on one of `images`) and a diameter (a diameter/long-axis
    measurement, or the extent of the region). Groups that do not are skipped.
    """
    ds = sr if isinstance(sr, Dataset) else pydicom.dcmread(sr)
    if "ContentSequence" not in ds:
        raise ValueError("not a structured report: no ContentSequence")
    groups = list(_find_groups(ds.ContentSequence))
    templates = {str(t.get("TemplateIdentifier", "")) for t in ds.get("ContentTemplateSequence", [])}
    if not groups and "1500" not in templates:
        # e.g. a CT dose report: not findings, and must not hide an older SR that has them.
        title = _concept(ds)[2] or "untitled"
        raise ValueError(f"not a TID 1500 measurement report ({title!r} has no measurement groups)")
    by_uid = {str(d.SOPInstanceUID): d for d in images or []}
    findings, infos = [], []
    for group in groups:
        f, info = _group_to_finding(group, by_uid)
        infos.append(info)
        if f is not None:
            findings.append(f)
    series_uid = next((i["series_uid"] for i in infos if "series_uid" in i), "")
    if not series_uid:
        for ev in ds.get("CurrentRequestedProcedureEvidenceSequence", []):
            for se in ev.get("ReferencedSeriesSequence", []):
                series_uid = str(se.SeriesInstanceUID)
                break
            if series_uid:
                break
    algo = next((i for i in infos if "algorithm_name" in i), None)
    if algo is not None:
        model = ModelInfo(name=algo["algorithm_name"], version=algo.get("algorithm_version", ""),
                          trained_on=algo.get("trained_on", ""))
    else:
        model = ModelInfo(name=str(ds.get("Manufacturer", "") or "unknown"), version="", trained_on="")
    return FindingsReport(study_uid=str(ds.get("StudyInstanceUID", "")), series_uid=series_uid, model=model,
                          findings=findings)


def is_review_sr(sr: Dataset) -> bool:
    """True for a reader's review SR (verified, or carrying reader decisions) rather than the AI's SR."""
    if str(sr.get("VerificationFlag", "")) == "VERIFIED":
        return True
    return any(_concept(i)[:2] == (PRIVATE_SCHEME, CODE_DECISION[0]) for g in _find_groups(sr.get("ContentSequence"))
               for i in _walk(g.get("ContentSequence")))


# Segment property types that are findings (a lung or vessel segmentation is not).
_LESION_TYPES = {("SCT", "27925004"), ("SCT", "4147007"), ("SCT", "52988006"), ("SCT", "108369006"),
                 ("SRT", "M-03010"), ("SRT", "M-01000"), ("SRT", "M-80003")}
_LESION_WORDS = ("nodule", "lesion", "mass", "tumor", "tumour", "neoplasm", "结节")


def findings_from_seg(seg: Dataset | Path | str) -> FindingsReport:
    """Findings from a SEG (ours, or one made elsewhere): one per nodule/lesion/mass segment.

    Centre = the segment's centroid (LPS mm), diameter = its longest extent, volume = voxel count x
    voxel volume. Segments of other structures (lungs, vessels, ...) are skipped.
    """
    ds = seg if isinstance(seg, Dataset) else pydicom.dcmread(seg)
    if str(ds.get("SOPClassUID", "")) != "1.2.840.10008.5.1.4.1.1.66.4":
        raise ValueError("not a Segmentation object")
    shared = ds.SharedFunctionalGroupsSequence[0] if "SharedFunctionalGroupsSequence" in ds else Dataset()
    per_frame = ds.PerFrameFunctionalGroupsSequence

    def group(name, j):
        fg = per_frame[j]
        return fg[name][0] if name in fg else shared[name][0]

    measures = group("PixelMeasuresSequence", 0)
    dr, dc = (float(v) for v in measures.PixelSpacing)
    iop = np.array([float(v) for v in group("PlaneOrientationSequence", 0).ImageOrientationPatient])
    row_dir, col_dir = iop[:3], iop[3:]
    frames = ds.pixel_array.reshape(-1, int(ds.Rows), int(ds.Columns))
    if str(ds.get("SegmentationType", "")) == "FRACTIONAL":
        frames = frames > 0.5 * float(ds.get("MaximumFractionalValue", 255))
    else:
        frames = frames > 0
    positions = [np.array([float(v) for v in group("PlanePositionSequence", j).ImagePositionPatient])
                 for j in range(len(frames))]
    normal = np.cross(row_dir, col_dir)
    dz = float(measures.get("SpacingBetweenSlices", 0) or 0) or float(measures.get("SliceThickness", 0) or 0)
    if not dz:
        zs = sorted({round(float(p @ normal), 3) for p in positions})
        dz = float(np.median(np.diff(zs))) if len(zs) > 1 else min(dr, dc)
    voxel_mm3 = dr * dc * dz
    points: dict[int, list[np.ndarray]] = {}
    for j, frame in enumerate(frames):
        rr, cc = np.nonzero(frame)
        if not len(rr):
            continue
        n = int(group("SegmentIdentificationSequence", j).ReferencedSegmentNumber)
        points.setdefault(n, []).append(positions[j] + cc[:, None] * dc * row_dir + rr[:, None] * dr * col_dir)
    findings, model = [], None
    for item in ds.get("SegmentSequence", []):
        typ = item.SegmentedPropertyTypeCodeSequence[0] if "SegmentedPropertyTypeCodeSequence" in item else Dataset()
        key = (str(typ.get("CodingSchemeDesignator", "")), str(typ.get("CodeValue", "")))
        label = str(item.get("SegmentLabel", ""))
        text = (str(typ.get("CodeMeaning", "")) + " " + label).lower()
        if key not in _LESION_TYPES and not any(w in text for w in _LESION_WORDS):
            continue
        pts = points.get(int(item.SegmentNumber))
        if not pts:
            continue
        p = np.concatenate(pts)
        extent = _longest_extent(p) + 0.5 * (dr + dc)  # centre-to-centre distance misses one voxel
        kind = ("part_solid" if "part" in text else "ground_glass" if "ground" in text
                else "solid" if "solid" in text else "unknown")
        findings.append(Finding(center_lps_mm=tuple(p.mean(axis=0)), diameter_mm=float(extent),
                                volume_mm3=float(len(p) * voxel_mm3), score=1.0, kind=kind,
                                tracking_uid=str(item.get("TrackingUID", ""))))
        if model is None and item.get("SegmentAlgorithmName"):
            algo = item.get("SegmentationAlgorithmIdentificationSequence") or []
            version = str(algo[0].get("AlgorithmVersion", "")) if algo else ""
            model = ModelInfo(name=str(item.SegmentAlgorithmName), version=version, trained_on="")
    series_uid = ""
    for ref in ds.get("ReferencedSeriesSequence", []):
        series_uid = str(ref.SeriesInstanceUID)
        break
    model = model or ModelInfo(name=str(ds.get("Manufacturer", "") or "unknown"), version="", trained_on="")
    return FindingsReport(study_uid=str(ds.get("StudyInstanceUID", "")), series_uid=series_uid, model=model,
                          findings=findings)


def _longest_extent(p: np.ndarray) -> float:
    """Largest distance between two of the points (on their convex hull, so big masks stay cheap)."""
    if len(p) < 2:
        return 0.0
    if len(p) > 50:
        from scipy.spatial import ConvexHull, QhullError

        centred = p - p.mean(axis=0)
        try:
            p = p[ConvexHull(centred).vertices]
        except QhullError:  # flat (one slice): the hull in the plane of the points
            axes = np.linalg.svd(centred, full_matrices=False)[2][:2]
            try:
                p = p[ConvexHull(centred @ axes.T).vertices]
            except QhullError:  # a line
                t = centred @ axes[0]
                p = p[[int(np.argmin(t)), int(np.argmax(t))]]
    d = np.linalg.norm(p[:, None, :] - p[None, :, :], axis=-1)
    return float(d.max())
