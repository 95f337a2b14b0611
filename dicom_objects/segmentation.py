"""The nodule SEG (binary, one segment per finding, algorithm type AUTOMATIC) and findings back from any SEG."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

from ai_models.findings import Finding, FindingsReport, ModelInfo
from dicom_objects.geometry import Grid, longest_extent
from dicom_objects.identity import CHARSET, MANUFACTURER, SERIES_NUMBER_SEG, fix_charset, new_object_identity

SERIES_DESCRIPTION_SEG = "AI lung nodules (SEG)"


def build_seg(report: FindingsReport, grid: Grid, tracking_uids: list[str], per_finding,
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
            **new_object_identity(m, SERIES_NUMBER_SEG, uid),
            content_label="NODULES",
            content_description="AI lung nodule masks",
            series_description=SERIES_DESCRIPTION_SEG,
            specific_character_set=CHARSET,
        )
    return fix_charset(seg)


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
        extent = longest_extent(p) + 0.5 * (dr + dc)  # centre-to-centre distance misses one voxel
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

