"""C-Lung-RADS from its published table (Nature Medicine 2024, table 1), and the management each system gives."""
from __future__ import annotations

import pytest

from ai_models.findings import Finding
from reports import categories
from reports.categories import c_lung_rads_category as c


@pytest.mark.parametrize("kind, mean, solid, expected", [
    ("calcified", 12.0, None, "0"),
    ("solid", 5.9, None, "1"), ("solid", 6.0, None, "2"), ("solid", 9.9, None, "2"), ("solid", 10.0, None, "3"),
    ("solid", 17.9, None, "3"), ("solid", 18.0, None, "4"),
    ("part_solid", 5.9, 3.0, "1"), ("part_solid", 8.0, 5.9, "2"), ("part_solid", 8.0, 6.0, "3"),
    ("part_solid", 14.0, 9.9, "3"), ("part_solid", 14.0, 10.0, "4"),
    ("ground_glass", 5.9, None, "1"), ("ground_glass", 6.0, None, "2"), ("ground_glass", 19.9, None, "2"),
    ("ground_glass", 20.0, None, "3"),
    ("mass", 35.0, None, "4"),
    ("unknown", 12.0, None, "3"),  # graded as solid
])
def test_c_lung_rads_table(kind, mean, solid, expected):
    assert c(mean, kind, solid) == expected


def test_a_finding_gets_its_category_in_either_system():
    f = Finding(center_lps_mm=(0, 0, 0), diameter_mm=9.0, volume_mm3=300, score=0.9, kind="solid",
                mean_diameter_mm=8.2)
    assert categories.category_of(f, "c_lung_rads") == "2"      # 6 to < 10 mm
    assert categories.category_of(f, "lung_rads_2022") == "4A"  # 8 to < 15 mm
    with pytest.raises(ValueError):
        categories.category_of(f, "fleischner")


def test_management_and_labels_in_both_languages():
    assert categories.management("c_lung_rads", "2") == "建议6个月后复查胸部CT。"
    assert "3 months" in categories.management("c_lung_rads", "3", "en")
    assert categories.management("c_lung_rads", "4").startswith("建议立即临床评估")
    assert "3个月后复查低剂量CT" in categories.management("lung_rads_2022", "4A")
    assert categories.management("lung_rads_2022", "") == categories.management("lung_rads_2022", "4B")
    assert categories.label("c_lung_rads", "3") == "C-Lung-RADS 3类（高危）"
    assert categories.label("lung_rads_2022", "4B", "en") == "Lung-RADS v2022 4B (very suspicious)"
    assert categories.highest("c_lung_rads", ["1", "3", "2"]) == "3"
    assert categories.highest("lung_rads_2022", ["4B", ""]) == ""   # a mass is above every nodule category
    with pytest.raises(ValueError):
        categories.management("c_lung_rads", "4A")
