"""Coded concepts of the nodule objects: the private scheme ``99TPACS`` (table in the package docstring),
nodule types, and the concepts the readers accept from objects made elsewhere."""
from __future__ import annotations

from pydicom.dataset import Dataset

PRIVATE_SCHEME = "99TPACS"


def code(value: str, meaning: str, scheme: str = PRIVATE_SCHEME):
    from highdicom.sr import CodedConcept

    return CodedConcept(value=value, scheme_designator=scheme, meaning=meaning)


def kind_code(kind: str):
    if kind == "ground_glass":
        return code("112120", "Ground glass opacity", "DCM")
    if kind == "solid":
        return code("SOLID", "Solid")
    if kind == "part_solid":
        return code("PART_SOLID", "Part-solid")
    if kind == "calcified":
        return code("237897009", "Calcified", "SCT")
    if kind == "mass":
        return code("4147007", "Mass", "SCT")
    return code("261665006", "Unknown", "SCT")


def kind_of_code(scheme: str, value: str, meaning: str) -> str | None:
    if (scheme, value) == ("DCM", "112120") or "ground" in meaning.lower():
        return "ground_glass"
    if (scheme, value) in (("SCT", "237897009"), ("SRT", "M-52000")) or meaning.lower().startswith("calcif"):
        return "calcified"
    if (scheme, value) == ("SCT", "4147007") or meaning.lower() == "mass":
        return "mass"
    if (scheme, value) == (PRIVATE_SCHEME, "PART_SOLID") or "part" in meaning.lower() and "solid" in meaning.lower():
        return "part_solid"
    if (scheme, value) == (PRIVATE_SCHEME, "SOLID") or meaning.lower().startswith("solid"):
        return "solid"
    return None


CODE_NODULE_TYPE = ("NODULE_TYPE", "Nodule type")
CODE_LUNG_RADS = ("LUNG_RADS", "Lung-RADS v2022 category")
CODE_DECISION = ("READER_DECISION", "Reader decision")
CODE_SOLID_MEAN = ("SOLID_MEAN_DIAMETER", "Mean diameter of the solid component")
# Zones of a lung (thirds of its height) as the finding site's topographical modifier.
ZONE_CODES = {"upper": ("ZONE_UPPER", "Upper zone"), "middle": ("ZONE_MIDDLE", "Middle zone"),
              "lower": ("ZONE_LOWER", "Lower zone")}
LATERALITY = {"R": ("24028007", "Right"), "L": ("7771000", "Left")}
SHORT_AXIS = ("SCT", "103340004")

# Concepts findings_from_sr accepts from SRs made elsewhere. (scheme, value) -> kind of quantity.
DIAMETER_CONCEPTS = {("SCT", "103339001"), ("SCT", "81827009"), ("SCT", "131192006"), ("SRT", "G-A185"),
                     ("SRT", "M-02550"), ("DCM", "121211"), ("DCM", "121206"), ("SCT", "410668003")}
VOLUME_CONCEPTS = {("SCT", "118565006"), ("SRT", "G-D705")}
SCORE_CONCEPTS = {("DCM", "111012"), ("DCM", "122157"), ("DCM", "111047")}
LENGTH_TO_MM = {"mm": 1.0, "cm": 10.0, "um": 1e-3, "m": 1000.0}
VOLUME_TO_MM3 = {"mm3": 1.0, "cm3": 1000.0, "ml": 1000.0, "mL": 1000.0, "ul": 1.0, "uL": 1.0}


def private_scheme_item() -> Dataset:
    item = Dataset()
    item.CodingSchemeDesignator = PRIVATE_SCHEME
    item.CodingSchemeName = "township-pacs private codes"
    item.CodingSchemeResponsibleOrganization = "township-pacs project"
    return item


def _first_code(item: Dataset, keyword: str) -> tuple[str, str, str]:
    seq = item.get(keyword)
    if not seq:
        return "", "", ""
    c = seq[0]
    return str(c.get("CodingSchemeDesignator", "")), str(c.get("CodeValue", "") or c.get("LongCodeValue", "")), \
        str(c.get("CodeMeaning", ""))


def concept(item: Dataset) -> tuple[str, str, str]:
    """(scheme, value, meaning) of a content item's concept name."""
    return _first_code(item, "ConceptNameCodeSequence")


def code_value(item: Dataset) -> tuple[str, str, str]:
    """(scheme, value, meaning) of a CODE content item's value."""
    return _first_code(item, "ConceptCodeSequence")
