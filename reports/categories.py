"""Lung-nodule category systems a report can use, with their follow-up management, in Chinese and English.

* **C-Lung-RADS** (the default): China's screening categories 0-4 (Wang et al., "C-Lung-RADS", Nature
  Medicine 30:3184, 2024, table 1), from the nodule's type and mean diameter (part-solid: its solid
  component):

  ====  ==============  =====================  ===================================  ==================  ===========
  cat.  descriptor      solid                  part-solid (mGGN)                    non-solid (pGGN)    management
  ====  ==============  =====================  ===================================  ==================  ===========
  0     negative        calcified / no nodule                                                           LDCT 12 mo
  1     low risk        < 6 mm                 < 6 mm                               < 6 mm              LDCT 12 mo
  2     mid risk        6 to < 10 mm           >= 6 mm, solid part < 6 mm           6 to < 20 mm        CT 6 mo
  3     high risk       10 to < 18 mm          solid part 6 to < 10 mm              >= 20 mm            CT 3 mo
  4     extremely high  >= 18 mm (a mass too)  solid part >= 10 mm                                      clinical
  ====  ==============  =====================  ===================================  ==================  ===========

  The specification also raises category 2 or 3 to 4 when a multidimensional model predicts malignancy
  >= 0.5; no such model is part of township-pacs, so that rule is never applied here.
* **Lung-RADS v2022** (ACR): `ai_models.findings.lung_rads_category`, with the ACR management text.

A nodule of unknown type is graded as solid (the stricter size thresholds never under-grade it).
GUI-free.
"""
from __future__ import annotations

from ai_models.findings import Finding, lung_rads_category

SYSTEMS = ("c_lung_rads", "lung_rads_2022")
SYSTEM_NAMES = {"c_lung_rads": {"zh_CN": "C-Lung-RADS", "en": "C-Lung-RADS"},
                "lung_rads_2022": {"zh_CN": "Lung-RADS v2022", "en": "Lung-RADS v2022"}}
# Least to most suspicious, per system; "" (a mass under Lung-RADS: no nodule category) ranks above all.
ORDER = {"c_lung_rads": ("0", "1", "2", "3", "4"), "lung_rads_2022": ("1", "2", "3", "4A", "4B", "4X")}

_C_DESCRIPTOR = {
    "0": ("阴性", "negative"), "1": ("低危", "low risk"), "2": ("中危", "mid risk"),
    "3": ("高危", "high risk"), "4": ("极高危", "extremely high risk"),
}
_C_MANAGEMENT = {
    "0": ("12个月后继续年度低剂量CT筛查。", "Continue annual screening with LDCT in 12 months."),
    "1": ("12个月后继续年度低剂量CT筛查。", "Continue annual screening with LDCT in 12 months."),
    "2": ("建议6个月后复查胸部CT。", "Chest CT in 6 months."),
    "3": ("建议3个月后复查胸部CT，可考虑薄层高分辨率CT或PET/CT。",
          "Chest CT in 3 months; high-resolution CT or PET/CT may be considered."),
    "4": ("建议立即临床评估（可行胸部增强CT、PET/CT、组织活检或转诊多学科会诊）。",
          "Immediate clinical assessment (diagnostic chest CT with or without contrast, PET/CT, tissue "
          "sampling or referral)."),
}
_LR_DESCRIPTOR = {
    "1": ("阴性", "negative"), "2": ("良性表现", "benign appearance"), "3": ("可能良性", "probably benign"),
    "4A": ("可疑恶性", "suspicious"), "4B": ("高度可疑恶性", "very suspicious"),
    "4X": ("高度可疑恶性（伴其他可疑征象）", "very suspicious, with additional features"),
    "": ("肿块，不予结节分类", "mass, no nodule category"),
}
_LR_MANAGEMENT = {
    "1": ("12个月后继续年度低剂量CT筛查。", "Continue annual screening with LDCT in 12 months."),
    "2": ("12个月后继续年度低剂量CT筛查。", "Continue annual screening with LDCT in 12 months."),
    "3": ("建议6个月后复查低剂量CT。", "LDCT in 6 months."),
    "4A": ("建议3个月后复查低剂量CT；实性成分≥8 mm时可考虑PET/CT。",
           "LDCT in 3 months; PET/CT may be used when there is a solid component of 8 mm or more."),
    "4B": ("建议进一步临床评估：胸部诊断性CT（平扫或增强）、PET/CT、组织取样和/或转诊临床。",
           "Referral for further clinical evaluation: diagnostic chest CT with or without contrast, PET/CT, "
           "tissue sampling and/or referral."),
}
_LR_MANAGEMENT["4X"] = _LR_MANAGEMENT["4B"]
_LR_MANAGEMENT[""] = _LR_MANAGEMENT["4B"]


def _lang(language: str) -> int:
    return 0 if language.startswith("zh") else 1


def c_lung_rads_category(mean_diameter_mm: float, kind: str, solid_mean_mm: float | None = None) -> str:
    """C-Lung-RADS category ("0".."4") of one nodule; sizes are mean diameters in mm (one decimal)."""
    d = round(float(mean_diameter_mm), 1)
    if kind == "calcified":
        return "0"
    if kind == "mass":
        return "4"
    if kind == "ground_glass":
        return "1" if d < 6 else "2" if d < 20 else "3"
    if kind == "part_solid":
        if d < 6:
            return "1"
        s = round(float(d if solid_mean_mm is None else solid_mean_mm), 1)
        return "2" if s < 6 else "3" if s < 10 else "4"
    return "1" if d < 6 else "2" if d < 10 else "3" if d < 18 else "4"


def category_of(finding: Finding, system: str) -> str:
    """The finding's category in `system` from its own measurements."""
    if system == "c_lung_rads":
        return c_lung_rads_category(finding.mean_or_long_mm, finding.kind, finding.solid_diameter_mm or None)
    if system == "lung_rads_2022":
        return lung_rads_category(finding.mean_or_long_mm, finding.kind, finding.solid_diameter_mm or None)
    raise ValueError(f"unknown category system {system!r}; expected one of {SYSTEMS}")


def rank(system: str, category: str) -> int:
    """Higher is more suspicious; a Lung-RADS mass ("") is above every nodule category."""
    order = ORDER[system]
    return len(order) if category == "" else order.index(category) if category in order else -1


def highest(system: str, categories) -> str | None:
    """The most suspicious of the categories; None for none at all."""
    cats = list(categories)
    return max(cats, key=lambda c: rank(system, c)) if cats else None


def no_nodule_category(system: str) -> str:
    """The category of a screening scan without any nodule."""
    return "0" if system == "c_lung_rads" else "1"


def label(system: str, category: str, language: str = "zh_CN") -> str:
    """'C-Lung-RADS 2类（中危）' / 'C-Lung-RADS 2 (mid risk)'."""
    i = _lang(language)
    name = SYSTEM_NAMES[system]["en"]
    desc = (_C_DESCRIPTOR if system == "c_lung_rads" else _LR_DESCRIPTOR).get(category, ("", ""))[i]
    if system == "lung_rads_2022" and category == "":
        return f"{name}：{desc}" if i == 0 else f"{name}: {desc}"
    if i == 0:
        return f"{name} {category}类" + (f"（{desc}）" if desc else "")
    return f"{name} {category}" + (f" ({desc})" if desc else "")


def management(system: str, category: str, language: str = "zh_CN") -> str:
    """The follow-up the system recommends for a category, as a sentence."""
    table = _C_MANAGEMENT if system == "c_lung_rads" else _LR_MANAGEMENT
    if category not in table:
        raise ValueError(f"{category!r} is not a {SYSTEM_NAMES[system]['en']} category")
    return table[category][_lang(language)]
