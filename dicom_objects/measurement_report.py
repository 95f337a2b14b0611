"""The nodule SR: Comprehensive 3D SR following TID 1500 "Imaging Measurement Report" (the AI's, and the
reader's review with the same structure). See the package docstring for the content and the private codes."""
from __future__ import annotations

import numpy as np
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

from ai_models.findings import AI_LABEL, FindingsReport, ModelInfo
from dicom_objects.codes import (CODE_DECISION, CODE_LUNG_RADS, CODE_NODULE_TYPE, CODE_SOLID_MEAN, LATERALITY,
                                 ZONE_CODES, code, kind_code, private_scheme_item)
from dicom_objects.geometry import Grid
from dicom_objects.identity import (CHARSET, MANUFACTURER, SERIES_NUMBER_REVIEW, SERIES_NUMBER_SR, fix_charset,
                                    software_version)

SERIES_DESCRIPTION_SR = "AI lung nodules (SR)"
SERIES_DESCRIPTION_REVIEW = "Lung nodules, reader review (SR)"


def _algorithm(m: ModelInfo):
    """TID 4019 algorithm identification; what the model was trained on and how it was validated go in
    as parameters."""
    from highdicom.sr import AlgorithmIdentification

    params = [f"trained_on: {m.trained_on}"] if m.trained_on else []
    if getattr(m, "validation", ""):
        params.append(f"validation: {m.validation}")
    return AlgorithmIdentification(name=m.name or "unknown model", version=m.version or "unknown",
                                   parameters=params or None, manufacturer=MANUFACTURER)


def _finding_site(f):
    """The lung, with the side (laterality) and the zone (topographical modifier) where known."""
    from highdicom.sr import FindingSite

    side = LATERALITY.get(f.lung_side)
    zone = ZONE_CODES.get(f.lung_zone)
    return FindingSite(anatomic_location=codes.SCT.Lung,
                       laterality=code(side[0], side[1], "SCT") if side else None,
                       topographical_modifier=code(*zone) if zone else None)


def _measurement_groups(report: FindingsReport, grid: Grid, tracking_uids: list[str],
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
        if f.mean_diameter_mm:  # short axis on the same axial slice: the mean is (long + short) / 2
            short = max(0.0, 2 * float(f.mean_diameter_mm) - float(f.diameter_mm))
            measurements.append(Measurement(name=codes.SCT.ShortAxis, value=round(short, 3),
                                            unit=codes.UCUM.Millimeter))
        if f.solid_diameter_mm:
            measurements.append(Measurement(name=code(*CODE_SOLID_MEAN), value=round(float(f.solid_diameter_mm), 3),
                                            unit=codes.UCUM.Millimeter))
        if not reader_added:
            measurements.append(Measurement(name=codes.DCM.CertaintyOfFinding,
                                            value=round(float(f.score) * 100.0, 3), unit=codes.UCUM.Percent))
        evaluations = [QualitativeEvaluation(code(*CODE_NODULE_TYPE), kind_code(f.kind))]
        if f.lung_rads:
            evaluations.append(QualitativeEvaluation(code(*CODE_LUNG_RADS),
                                                     code(f"LR_{f.lung_rads}", f"Lung-RADS {f.lung_rads}")))
        decision = decisions[i] if decisions is not None else None
        if decision is not None:
            evaluations.append(QualitativeEvaluation(
                code(*CODE_DECISION), code("ACCEPTED", "Accepted") if decision else code("REJECTED", "Rejected")))
        surface = VolumeSurface(graphic_type="POINT",
                                graphic_data=np.array([list(f.center_lps_mm)], dtype=float),
                                frame_of_reference_uid=frame_uid,
                                source_series=SourceSeriesForSegmentation(series_uid))
        groups.append(VolumetricROIMeasurementsAndQualitativeEvaluations(
            tracking_identifier=TrackingIdentifier(uid=uid, identifier=label),
            referenced_volume_surface=surface,
            finding_type=codes.SCT.Nodule,
            finding_category=codes.SCT.MorphologicallyAbnormalStructure,
            finding_sites=[_finding_site(f)],
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


def build_sr(report: FindingsReport, grid: Grid, tracking_uids: list[str], observer_context,
              decisions=None, series_number=SERIES_NUMBER_SR, description=SERIES_DESCRIPTION_SR,
              verified=False, reviewer=None, organization=None, uid=generate_uid):
    from highdicom.sr import Comprehensive3DSR, MeasurementReport

    groups = _measurement_groups(report, grid, tracking_uids, decisions) or [_no_nodule_group(report, uid)]
    report_content = MeasurementReport(
        observation_context=observer_context,
        procedure_reported=code("24627-2", "CT Chest", "LN"),
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
    sr.CodingSchemeIdentificationSequence = [private_scheme_item()]
    sr.SoftwareVersions = software_version()
    if decisions is None:  # the AI's own SR says what it is
        from highdicom.sr import TextContentItem

        m = report.model
        note = f"{AI_LABEL['zh_CN']} / {AI_LABEL['en']}: {m.name} {m.version}".strip()
        if getattr(m, "validation", ""):
            note += f" ({m.validation})"
        sr.ContentSequence.append(TextContentItem(name=codes.DCM.Comment, value=note[:1024],
                                                  relationship_type="CONTAINS"))
    return fix_charset(sr)


def device_context(model: ModelInfo):
    from highdicom.sr import DeviceObserverIdentifyingAttributes, ObservationContext, ObserverContext

    return ObservationContext(observer_device_context=ObserverContext(
        observer_type=codes.DCM.Device,
        observer_identifying_attributes=DeviceObserverIdentifyingAttributes(
            # The same model is the same device observer in every report.
            uid=generate_uid(entropy_srcs=[MANUFACTURER, model.name, model.version]),
            name=model.name or "lung nodule model", manufacturer_name=MANUFACTURER,
            model_name=f"{model.name} {model.version}".strip() or None)))


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
    grid = Grid.of(source)
    organization = str(grid.datasets[0].get("InstitutionName", "") or MANUFACTURER)
    tracking_uids = [f.tracking_uid or generate_uid() for f in report.findings]
    context = ObservationContext(observer_person_context=ObserverContext(
        observer_type=codes.DCM.Person,
        observer_identifying_attributes=PersonObserverIdentifyingAttributes(name=pn, organization_name=organization)))
    return build_sr(report, grid, tracking_uids, context, decisions=list(decisions),
                     series_number=SERIES_NUMBER_REVIEW, description=SERIES_DESCRIPTION_REVIEW,
                     verified=verified, reviewer=pn if verified else None,
                     organization=organization if verified else None)

