"""The nodule GSPS: a circle and a short label on each nodule's central slice, for viewers that ignore SR."""
from __future__ import annotations

import numpy as np
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

from ai_models.findings import AI_LABEL, FindingsReport
from dicom_objects.geometry import Grid
from dicom_objects.identity import CHARSET, SERIES_NUMBER_GSPS, fix_charset, new_object_identity

SERIES_DESCRIPTION_GSPS = "AI lung nodules (GSPS)"


def build_gsps(report: FindingsReport, grid: Grid, tracking_uids: list[str], uid=generate_uid) -> Dataset:
    from highdicom.pr import (GraphicAnnotation, GraphicLayer, GraphicObject, GrayscaleSoftcopyPresentationState,
                              TextObject)

    layer = GraphicLayer(layer_name="AI_NODULES", order=1, description="AI lung nodule marks")
    annotations = []
    m = report.model
    disclaimer = f"{AI_LABEL['zh_CN']} / {AI_LABEL['en']} - {m.name} {m.version}".strip()
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
        category = f" LR{f.lung_rads}" if f.lung_rads else ""
        text = (f"AI {i + 1}: {f.diameter_mm:.1f} mm {f.kind.replace('_', '-')}{category} "
                f"p={100 * f.score:.0f}%")
        anchor = (min(max(cx + r_px + 2.0, 0.0), float(nx)), min(max(cy - r_px - 2.0, 0.0), float(ny)))
        label = TextObject(text_value=text, units="PIXEL", anchor_point=anchor, anchor_point_visible=False,
                           tracking_id=f"Nodule {i + 1} label", tracking_uid=uid())
        # Every marked image says what the marks are, in the top-left corner of the display.
        note = TextObject(text_value=disclaimer, units="DISPLAY", bounding_box=(0.01, 0.01, 0.99, 0.06),
                          tracking_id=f"Nodule {i + 1} note", tracking_uid=uid())
        annotations.append(GraphicAnnotation(referenced_images=[grid.datasets[k]], graphic_layer=layer,
                                             graphic_objects=[circle], text_objects=[label, note]))
    m = report.model
    gsps = GrayscaleSoftcopyPresentationState(
        referenced_images=grid.datasets,
        **new_object_identity(m, SERIES_NUMBER_GSPS, uid),
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
    return fix_charset(gsps)

