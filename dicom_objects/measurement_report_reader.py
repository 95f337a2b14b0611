"""Findings back from a TID 1500 SR: ours, the reader's review SR, or a similar one made elsewhere."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset

from ai_models.findings import Finding, FindingsReport, ModelInfo
from dicom_objects.codes import (CODE_DECISION, CODE_LUNG_RADS, CODE_NODULE_TYPE, CODE_SOLID_MEAN, DIAMETER_CONCEPTS,
                                 LATERALITY, LENGTH_TO_MM, PRIVATE_SCHEME, SCORE_CONCEPTS, SHORT_AXIS, VOLUME_CONCEPTS,
                                 VOLUME_TO_MM3, ZONE_CODES, code_value, concept, kind_of_code)
from dicom_objects.geometry import graphic_extent, pixel_to_lps


def _walk(items):
    """Content items depth-first, not descending into nested measurement groups."""
    for item in items or []:
        yield item
        if "ContentSequence" in item and concept(item)[1] != "125007":
            yield from _walk(item.ContentSequence)


def _find_groups(items):
    for item in items or []:
        if item.get("ValueType") == "CONTAINER" and concept(item)[:2] == ("DCM", "125007"):
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
    centre = diameter = volume = score = short = solid = None
    kind, lung_rads, accepted, uid = "unknown", "", None, ""
    side = zone = ""
    regions: list[tuple[np.ndarray, float]] = []  # (centre, largest extent) of each drawn region
    for item in _walk(group.get("ContentSequence")):
        vt = item.get("ValueType")
        scheme, value, meaning = concept(item)
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
        elif vt == "TEXT" and key == ("DCM", "111002") and str(item.TextValue).startswith("validation:"):
            info["validation"] = str(item.TextValue).split(":", 1)[1].strip()
        elif vt == "NUM":
            nv = _num(item)
            if nv is None:
                continue
            v, unit = nv
            if key == SHORT_AXIS and unit in LENGTH_TO_MM:
                short = v * LENGTH_TO_MM[unit]
            elif key == (PRIVATE_SCHEME, CODE_SOLID_MEAN[0]) and unit in LENGTH_TO_MM:
                solid = v * LENGTH_TO_MM[unit]
            elif key in DIAMETER_CONCEPTS or ("diameter" in meaning.lower() or "long axis" in meaning.lower()):
                if unit in LENGTH_TO_MM and diameter is None:
                    diameter = v * LENGTH_TO_MM[unit]
            elif key in VOLUME_CONCEPTS or meaning.lower() == "volume":
                if unit in VOLUME_TO_MM3 and volume is None:
                    volume = v * VOLUME_TO_MM3[unit]
            elif key in SCORE_CONCEPTS and score is None:
                score = v / 100.0 if unit == "%" else v
        elif vt == "CODE":
            cs, cv, cm = code_value(item)
            if key == (PRIVATE_SCHEME, CODE_NODULE_TYPE[0]) or key == ("DCM", "121071"):
                kind = kind_of_code(cs, cv, cm) or kind
            elif key == (PRIVATE_SCHEME, CODE_LUNG_RADS[0]):
                lung_rads = cv[3:] if cv.startswith("LR_") else cm.replace("Lung-RADS", "").strip()
            elif key == (PRIVATE_SCHEME, CODE_DECISION[0]):
                accepted = cv == "ACCEPTED"
            elif key in (("SCT", "272741003"), ("DCM", "111027")):  # laterality, in a finding site or alone
                side = next((s for s, (v, _) in LATERALITY.items() if v == cv), side)
            elif key == ("SCT", "106233006"):  # topographical modifier
                zone = next((z for z, (v, _) in ZONE_CODES.items() if v == cv), zone)
        elif vt == "SCOORD3D":
            data = np.asarray(item.GraphicData, dtype=float).reshape(-1, 3)
            shape_centre, shape_extent = graphic_extent(str(item.get("GraphicType", "")), data)
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
            lps = pixel_to_lps(img, np.asarray(item.GraphicData, dtype=float).reshape(-1, 2))
            regions.append(graphic_extent(str(item.get("GraphicType", "")), lps))
    if centre is None and regions:  # the middle of the region(s) drawn around the nodule
        centre = np.mean([c for c, _ in regions], axis=0)
    if diameter is None and regions:
        diameter = max(e for _, e in regions) or None
    if centre is None or diameter is None:
        return None, info
    if volume is None:
        volume = math.pi / 6.0 * diameter ** 3
    mean = 0.5 * (float(diameter) + short) if short is not None else 0.0
    f = Finding(center_lps_mm=tuple(float(c) for c in centre), diameter_mm=float(diameter),
                volume_mm3=float(volume), score=1.0 if score is None else float(score), kind=kind,
                lung_rads=lung_rads, accepted=accepted, tracking_uid=uid, mean_diameter_mm=mean,
                solid_diameter_mm=float(solid or 0.0), lung_side=side, lung_zone=zone)
    return f, info


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
        title = concept(ds)[2] or "untitled"
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
                          trained_on=algo.get("trained_on", ""), validation=algo.get("validation", ""))
    else:
        model = ModelInfo(name=str(ds.get("Manufacturer", "") or "unknown"), version="", trained_on="")
    return FindingsReport(study_uid=str(ds.get("StudyInstanceUID", "")), series_uid=series_uid, model=model,
                          findings=findings)


def is_review_sr(sr: Dataset) -> bool:
    """True for a reader's review SR (verified, or carrying reader decisions) rather than the AI's SR."""
    if str(sr.get("VerificationFlag", "")) == "VERIFIED":
        return True
    return any(concept(i)[:2] == (PRIVATE_SCHEME, CODE_DECISION[0]) for g in _find_groups(sr.get("ContentSequence"))
               for i in _walk(g.get("ContentSequence")))

