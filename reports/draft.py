"""The report draft, pre-filled from the AI findings as the reader left them, and the normal text in one click.

A finding the reader rejected is left out; one the reader accepted or added is in, and so is one nobody
reviewed yet (it stays labelled as AI output). Each nodule becomes a numbered line of 影像所见 (location
in words from the finding's lung side and zone, long axis and mean diameter, kind, category), a line of
诊断意见, and the most suspicious category decides 建议 in the chosen category system. GUI-free.
"""
from __future__ import annotations

from ai_models.findings import AI_LABEL, FindingsReport
from reports import categories
from reports.model import NoduleRow, Report
from reports.study import StudyContext
from reports.templates import Template, pick_template

_SIDE = {"R": ("右肺", "right"), "L": ("左肺", "left")}
_ZONE = {"upper": ("上野", "upper zone"), "middle": ("中野", "middle zone"), "lower": ("下野", "lower zone")}
_KIND = {"solid": ("实性结节", "solid nodule"), "part_solid": ("部分实性结节", "part-solid nodule"),
         "ground_glass": ("纯磨玻璃结节", "pure ground-glass nodule"), "calcified": ("钙化结节", "calcified nodule"),
         "mass": ("肿块", "mass"), "unknown": ("结节", "nodule")}


def _i(language: str) -> int:
    return 0 if language.startswith("zh") else 1


def location_text(side: str, zone: str, language: str = "zh_CN") -> str:
    """"右肺上野" / "right upper zone"; "肺内" / "lung" when the finding's place is not known."""
    i = _i(language)
    s = _SIDE.get(side, ("", ""))[i]
    z = _ZONE.get(zone, ("", ""))[i]
    if i == 0:
        return (s + z) if s else ("肺内" + z if z else "肺内")
    words = " ".join(w for w in (s, z) if w)
    return words or "lung"


def kind_text(kind: str, language: str = "zh_CN") -> str:
    return _KIND.get(kind, _KIND["unknown"])[_i(language)]


def nodule_rows(findings: FindingsReport | None, system: str) -> list[NoduleRow]:
    """The table rows: every finding not rejected by the reader, most suspicious first, then larger first."""
    if findings is None:
        return []
    kept = [f for f in findings.findings if f.accepted is not False]
    rows = []
    for f in kept:
        rows.append(NoduleRow(number=0, side=f.lung_side, zone=f.lung_zone, long_axis_mm=float(f.diameter_mm),
                              mean_diameter_mm=float(f.mean_or_long_mm), kind=f.kind,
                              category=categories.category_of(f, system), solid_mm=float(f.solid_diameter_mm or 0.0),
                              reviewed=f.accepted is True, ai=bool(f.tracking_uid) or f.accepted is None,
                              center_lps_mm=tuple(f.center_lps_mm), tracking_uid=f.tracking_uid))
    rows.sort(key=lambda r: (-categories.rank(system, r.category), -r.long_axis_mm))
    for n, r in enumerate(rows, 1):
        r.number = n
    return rows


def nodule_line(row: NoduleRow, system: str, language: str = "zh_CN") -> str:
    """One numbered line of 影像所见."""
    loc, kind = location_text(row.side, row.zone, language), kind_text(row.kind, language)
    cat = categories.label(system, row.category, language)
    if _i(language) == 0:
        solid = f"，实性成分约{row.solid_mm:.1f} mm" if row.kind == "part_solid" and row.solid_mm else ""
        return (f"{row.number}. {loc}见{kind}，长径约{row.long_axis_mm:.1f} mm，平均径约{row.mean_diameter_mm:.1f} mm"
                f"{solid}，{cat}。")
    solid = f", solid component {row.solid_mm:.1f} mm" if row.kind == "part_solid" and row.solid_mm else ""
    return (f"{row.number}. {kind.capitalize()} in the {loc}, long axis {row.long_axis_mm:.1f} mm, mean diameter "
            f"{row.mean_diameter_mm:.1f} mm{solid}, {cat}.")


def ai_note(rows: list[NoduleRow], model: str, language: str = "zh_CN") -> str:
    """The label every piece of AI output carries, with the model and how much a reader has reviewed."""
    ai_rows = [r for r in rows if r.ai]
    reviewed = sum(1 for r in ai_rows if r.reviewed)
    added = sum(1 for r in rows if not r.ai)
    if _i(language) == 0:
        text = f"注：结节由AI预标注（模型 {model}）——{AI_LABEL['zh_CN']}；已经医师复核{reviewed}枚，未复核{len(ai_rows) - reviewed}枚"
        return text + (f"，医师补充{added}枚。" if added else "。")
    text = (f"Note: nodules pre-annotated by AI (model {model}) - {AI_LABEL['en']}; {reviewed} reviewed by a reader, "
            f"{len(ai_rows) - reviewed} not reviewed")
    return text + (f", {added} added by the reader." if added else ".")


def normal_sections(template: Template, ctx: StudyContext, system: str, language: str = "zh_CN") -> dict[str, str]:
    """影像所见 / 诊断意见 / 建议 of a normal study ("normal findings in one click")."""
    out = {"findings": template.text(language, "normal_findings"),
           "impression": template.text(language, "normal_impression"),
           "recommendation": template.text(language, "normal_recommendation")}
    if template.key == "ldct_screening":
        cat = categories.no_nodule_category(system)
        label = categories.label(system, cat, language)
        sep = "，" if _i(language) == 0 else ", "
        out["impression"] = out["impression"].rstrip("。.") + sep + label + ("。" if _i(language) == 0 else ".")
        out["recommendation"] = categories.management(system, cat, language)
    return out


def procedure_text(template: Template, ctx: StudyContext, language: str = "zh_CN") -> str:
    return template.text(language, "procedure", thickness=ctx.slice_thickness or "—",
                         description=ctx.study_description)


def make_draft(ctx: StudyContext, templates: dict[str, Template], template: str | None = None,
               system: str = "c_lung_rads", language: str = "zh_CN") -> Report:
    """The draft a doctor starts from: the template's procedure, and findings/impression/recommendation
    from the reviewed AI findings (the template's normal text when there are none)."""
    if system not in categories.SYSTEMS:
        raise ValueError(f"unknown category system {system!r}; expected one of {categories.SYSTEMS}")
    key = template or pick_template(templates, ctx.modality, ctx.study_description)
    tpl = templates[key]
    rows = nodule_rows(ctx.findings, system)
    model = ""
    if ctx.findings is not None:
        model = f"{ctx.findings.model.name} {ctx.findings.model.version}".strip()
    sections = {"procedure": procedure_text(tpl, ctx, language)}
    if not rows:
        sections.update(normal_sections(tpl, ctx, system, language))
    else:
        zh = _i(language) == 0
        lines = [nodule_line(r, system, language) for r in rows]
        if any(r.ai for r in rows):
            lines.append(ai_note(rows, model or "?", language))
        other = tpl.text(language, "other_findings")
        sections["findings"] = "\n".join(lines + ([other] if other else []))
        impressions = []
        for r in rows:
            loc, kind = location_text(r.side, r.zone, language), kind_text(r.kind, language)
            cat = categories.label(system, r.category, language)
            impressions.append(f"{r.number}. {loc}{kind}，{cat}。" if zh
                               else f"{r.number}. {kind.capitalize()}, {loc}: {cat}.")
        sections["impression"] = "\n".join(impressions)
        top = categories.highest(system, [r.category for r in rows])
        label = categories.label(system, top, language)
        advice = categories.management(system, top, language)
        sections["recommendation"] = (f"按{label}管理：{advice}" if zh else f"Managed as {label}: {advice}")
    return Report(study_uid=ctx.study_uid, template=key, sections=sections, stage="draft", category_system=system,
                  language=language, nodules=rows, ai_model=model)
