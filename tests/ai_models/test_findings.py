"""Lung-RADS v2022 categories, written out from the specification (ACR Lung-RADS v2022, baseline
screening), not from the function under test; and the findings JSON round trip."""
from __future__ import annotations

import pytest

from ai_models.findings import Finding, FindingsReport, ModelInfo, lung_rads_category, urgency_rank

# (kind, mean diameter mm, solid component mean diameter mm or None, category per Lung-RADS v2022)
SPEC_TABLE = [
    # Solid: 2 below 6 mm; 3 from 6 to below 8; 4A from 8 to below 15; 4B from 15.
    ("solid", 3.0, None, "2"), ("solid", 5.9, None, "2"), ("solid", 6.0, None, "3"), ("solid", 7.9, None, "3"),
    ("solid", 8.0, None, "4A"), ("solid", 14.9, None, "4A"), ("solid", 15.0, None, "4B"), ("solid", 25.0, None, "4B"),
    # Means are rounded to one decimal before grading: 5.96 mm is 6.0 mm.
    ("solid", 5.96, None, "3"), ("solid", 5.94, None, "2"),
    # Part-solid: 2 below 6 mm total; 3 from 6 mm total with solid part below 6; 4A solid part 6 to below 8;
    # 4B solid part 8 or more.
    ("part_solid", 5.5, 3.0, "2"), ("part_solid", 12.0, 4.0, "3"), ("part_solid", 12.0, 5.9, "3"),
    ("part_solid", 12.0, 6.0, "4A"), ("part_solid", 12.0, 7.9, "4A"), ("part_solid", 12.0, 8.0, "4B"),
    ("part_solid", 25.0, 10.0, "4B"),
    # Ground glass: 2 below 30 mm, 3 from 30 mm.
    ("ground_glass", 8.0, None, "2"), ("ground_glass", 29.9, None, "2"), ("ground_glass", 30.0, None, "3"),
    # Benign calcification: 1. A mass (30 mm or more) is not a nodule: no nodule category.
    ("calcified", 9.0, None, "1"), ("mass", 45.0, None, ""),
]


@pytest.mark.parametrize("kind,mean_mm,solid_mm,expected", SPEC_TABLE)
def test_lung_rads_v2022_table(kind, mean_mm, solid_mm, expected):
    assert lung_rads_category(mean_mm, kind, solid_mm) == expected


def test_category_uses_mean_not_long_axis():
    # An elongated solid nodule: long axis 9 mm (would be 4A) but mean diameter 7 mm -> 3.
    f = Finding((0, 0, 0), diameter_mm=9.0, mean_diameter_mm=7.0, volume_mm3=180, score=0.9, kind="solid")
    assert f.lung_rads == "3"
    # Without a measured mean the long axis stands in (never downgrades).
    g = Finding((0, 0, 0), diameter_mm=9.0, volume_mm3=180, score=0.9, kind="solid")
    assert g.lung_rads == "4A"


def test_part_solid_graded_by_solid_component():
    f = Finding((0, 0, 0), diameter_mm=16, mean_diameter_mm=14, solid_diameter_mm=5, volume_mm3=900,
                score=0.8, kind="part_solid")
    assert f.lung_rads == "3"


def test_urgency_order():
    ranks = [urgency_rank(k, c) for k, c in [("mass", ""), ("solid", "4B"), ("solid", "4A"), ("solid", "3"),
                                             ("solid", "2"), ("calcified", "1"), ("unknown", "")]]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == len(ranks)


def test_json_round_trip_keeps_new_fields():
    f = Finding((1.5, -20.25, -100.0), diameter_mm=12.3, mean_diameter_mm=10.1, solid_diameter_mm=6.2,
                volume_mm3=700.0, score=0.71, kind="part_solid", lung_side="R", lung_zone="upper")
    rep = FindingsReport("1.2.3", "1.2.3.4", ModelInfo("m", "1.0", "x", "not clinically validated"), [f],
                         status="ok")
    back = FindingsReport.from_json_dict(rep.to_json_dict())
    g = back.findings[0]
    assert (g.mean_diameter_mm, g.solid_diameter_mm, g.lung_side, g.lung_zone, g.lung_rads) == \
        (10.1, 6.2, "R", "upper", "4A")
    assert back.model.validation == "not clinically validated"
    thick = FindingsReport("1", "2", ModelInfo("m", "1", "x"), [], status="not_supported",
                           message="8 mm slices: too thick for nodule detection")
    d = thick.to_json_dict()
    assert d["status"] == "not_supported" and "too thick" in d["message"]
    assert FindingsReport.from_json_dict(d).status == "not_supported"
