"""DICOM values as people read them: names, ages, dates, the modalities that were imaged.

GUI-free and used on both ends: the township's browser (viewer.logic.worklist) and the county worklist.
"""
from __future__ import annotations

import datetime as _dt
import re

NON_IMAGE_MODALITIES = {"SR", "SEG", "PR", "KO", "RTSTRUCT", "DOC"}


def _is_cjk(text: str) -> bool:
    return any("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def display_name(pn: str) -> str:
    """A DICOM PN as people write it: "王^小明" -> "王小明", "DOE^JOHN" -> "DOE JOHN".

    With several component groups ("Wang^Xiaoming=王^小明=..."), the ideographic group is shown when it
    is there, since that is the name the clinic knows the patient by.
    """
    pn = (pn or "").strip()
    groups = pn.split("=")
    chosen = next((g for g in groups[1:2] if g.strip("^ ")), None) or groups[0]
    parts = [p.strip() for p in chosen.split("^") if p.strip()]
    if not parts:
        return ""
    if _is_cjk("".join(parts[:2])):
        return "".join(parts[:2]) + ("".join(" " + p for p in parts[2:]))
    return " ".join(parts)


def age_years(birth_date: str, on_date: str) -> int | None:
    """Whole years between two DICOM DA strings ("YYYYMMDD"); None when either is missing or bad."""
    def parse(da: str) -> _dt.date:  # int slicing: strptime costs ~70 us, a browser refresh calls this per row
        da = (da or "").strip()
        if len(da) < 8 or not da[:8].isdigit():
            raise ValueError(da)
        return _dt.date(int(da[:4]), int(da[4:6]), int(da[6:8]))

    try:
        b, d = parse(birth_date), parse(on_date)
    except ValueError:
        return None
    years = d.year - b.year - ((d.month, d.day) < (b.month, b.day))
    return years if years >= 0 else None


def format_date(da: str) -> str:
    da = (da or "").strip()
    return f"{da[:4]}-{da[4:6]}-{da[6:8]}" if len(da) >= 8 and da[:8].isdigit() else da


def split_modalities(modalities: str) -> list[str]:
    return [m for m in re.split(r"[\\/,\s]+", modalities or "") if m]


def image_modalities(modalities: str) -> str:
    """"CT\\SR\\SEG" -> "CT": the browser shows what was imaged; our SR/SEG would only add noise."""
    mods = split_modalities(modalities)
    imaging = [m for m in mods if m not in NON_IMAGE_MODALITIES]
    return "/".join(imaging or mods)
