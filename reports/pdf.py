"""The printed report (A4 PDF, fpdf2, CJK font embedded as a subset): hospital header, the mutual-recognition
mark and its validity period, patient and exam data, the sections, the nodule table, key images with the
nodules marked, the critical-result record, the signatures, and the AI label. GUI-free.
"""
from __future__ import annotations

import datetime as _dt
import io
from pathlib import Path

from ai_models.findings import AI_LABEL
from reports import categories
from reports.draft import kind_text, location_text
from reports.keyimages import KeyImage
from reports.model import SECTION_TITLES, Report, ReportError
from reports.study import StudyContext, person_name

_L = {  # labels of the printed form: (zh_CN, en)
    "report": ("诊断报告书", "Diagnostic report"), "name": ("姓名", "Name"), "sex": ("性别", "Sex"),
    "age": ("年龄", "Age"), "pid": ("检查号", "Patient ID"), "acc": ("影像号", "Accession"),
    "date": ("检查日期", "Exam date"), "exam": ("检查项目", "Examination"), "from": ("送检单位", "Referred by"),
    "author": ("报告医生", "Reporting doctor"), "verifier": ("审核医生", "Verifying doctor"),
    "signed": ("报告时间", "Reported"), "mark": ("互认标识", "Mutual recognition"),
    "valid": ("互认有效期至", "Recognised until"), "days": ("天", "days"),
    "preliminary": ("初步报告（未审核）", "PRELIMINARY (not verified)"),
    "amended": ("更正报告", "AMENDED REPORT"), "nodules": ("结节", "Nodules"),
    "no": ("序号", "No."), "loc": ("位置", "Location"), "kind": ("类型", "Type"),
    "long": ("长径(mm)", "Long axis (mm)"), "mean": ("平均径(mm)", "Mean (mm)"), "cat": ("分类", "Category"),
    "key": ("关键图像", "Key images"), "told": ("通知对象", "Told"), "how": ("通知方式", "How"),
    "at": ("通知时间", "When"), "footer": ("本报告仅供临床参考，请结合临床。", "For clinical reference; please correlate clinically."),
    "page": ("第 {n} 页", "Page {n}"), "M": ("男", "male"), "F": ("女", "female"), "O": ("其他", "other"),
}


def _t(key: str, language: str) -> str:
    return _L[key][0 if language.startswith("zh") else 1]


def find_font(cfg: dict) -> tuple[Path, int]:
    """The first CJK font of `[reports] pdf_fonts` ("path#index" for a collection) that exists."""
    for entry in cfg.get("reports", {}).get("pdf_fonts", []):
        path, _, index = str(entry).partition("#")
        if Path(path).is_file():
            return Path(path), int(index or 0)
    raise ReportError("no CJK font for the printed report: install fonts-noto-cjk or list a font in "
                      "[reports] pdf_fonts")


def _date(da: str) -> str:
    return f"{da[:4]}-{da[4:6]}-{da[6:8]}" if len(da) >= 8 and da[:8].isdigit() else da


def render_report_pdf(report: Report, ctx: StudyContext, cfg: dict, *, state: str, signed_at: str,
                      exam_name: str, key_images: list[KeyImage] = (), replaces: str = "") -> bytes:
    """The printed report. `state`: preliminary / final / amended; `signed_at`: ISO 8601; `exam_name`: the
    template's name ("胸部CT"); `replaces`: for an amendment, which report it replaces (in words)."""
    from fpdf import FPDF
    from fpdf.enums import WrapMode

    rcfg = cfg.get("reports", {})
    lang = report.language
    zh = lang.startswith("zh")
    font, index = find_font(cfg)

    class _Doc(FPDF):
        def footer(self):
            self.set_y(-14)
            self.set_font("cjk", size=8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, _t("footer", lang) + "    " + _t("page", lang).format(n=self.page_no()), align="C")

    pdf = _Doc(format="A4", unit="mm")
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(15, 12, 15)
    pdf.add_font("cjk", "", str(font), collection_font_number=index)
    pdf.set_title(f"{exam_name} {_t('report', lang)}")
    pdf.set_creator("township-pacs")
    pdf.add_page()
    wrap = WrapMode.CHAR if zh else WrapMode.WORD
    width = pdf.epw

    # --- header: hospital, title, mutual recognition mark and validity
    hospital = rcfg.get("hospital" if zh else "hospital_en") or rcfg.get("hospital", "")
    pdf.set_font("cjk", size=17)
    pdf.cell(width, 9, hospital, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=14)
    pdf.cell(width, 8, f"{exam_name}{_t('report', lang)}" if zh else f"{exam_name}: {_t('report', lang)}",
             align="C", new_x="LMARGIN", new_y="NEXT")
    mark = str(rcfg.get("mutual_recognition_mark", "")).strip()
    if mark and state != "preliminary":
        days = int(rcfg.get("validity_days", 0) or 0)
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin + width - 30, 12)
        pdf.set_draw_color(200, 30, 30)
        pdf.set_text_color(200, 30, 30)
        pdf.set_font("cjk", size=15)
        pdf.cell(30, 9, mark, border=1, align="C", new_x="LEFT", new_y="NEXT")
        if days:
            until = (_dt.datetime.fromisoformat(signed_at) + _dt.timedelta(days=days)).date().isoformat()
            pdf.set_font("cjk", size=7)
            pdf.cell(30, 4, f"{_t('valid', lang)} {until}", align="C")
        pdf.set_text_color(0, 0, 0)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_y(y)
    if state in ("preliminary", "amended"):
        pdf.set_font("cjk", size=11)
        pdf.set_text_color(200, 30, 30)
        pdf.cell(width, 6, _t(state, lang), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(1)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(1.5)

    # --- patient and exam
    sex = _t(ctx.patient_sex, lang) if ctx.patient_sex in ("M", "F", "O") else ctx.patient_sex
    cells = [("name", ctx.patient_name), ("sex", sex), ("age", ctx.age_text(lang)), ("pid", ctx.patient_id),
             ("date", _date(ctx.study_date)), ("exam", exam_name), ("from", ctx.institution or ctx.station_name),
             ("acc", ctx.accession_number)]
    pdf.set_font("cjk", size=10)
    col = width / 4
    for i, (key, value) in enumerate(cells):
        pdf.cell(col, 6, f"{_t(key, lang)}：{value}" if zh else f"{_t(key, lang)}: {value}",
                 new_x="RIGHT" if i % 4 < 3 else "LMARGIN", new_y="TOP" if i % 4 < 3 else "NEXT")
    pdf.ln(1)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(2)

    def heading(text: str) -> None:
        pdf.set_font("cjk", size=12)
        pdf.cell(width, 7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=10.5)

    def body(text: str) -> None:
        for para in (text or "").strip().splitlines() or [""]:
            pdf.multi_cell(width, 5.3, para, wrapmode=wrap, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    heading(SECTION_TITLES["procedure"][lang])
    body(report.sections.get("procedure", ""))
    heading(SECTION_TITLES["findings"][lang])
    body(report.sections.get("findings", ""))
    if report.nodules:
        _nodule_table(pdf, report, lang)
    if key_images:
        _key_images(pdf, key_images, lang, report)
    heading(SECTION_TITLES["impression"][lang])
    body(report.sections.get("impression", ""))
    if report.sections.get("recommendation", "").strip():
        heading(SECTION_TITLES["recommendation"][lang])
        body(report.sections["recommendation"])
    if report.critical is not None:
        pdf.set_text_color(200, 30, 30)
        heading(SECTION_TITLES["critical"][lang])
        c = report.critical
        body(c.finding)
        values = {"told": c.told, "how": c.how, "at": c.at.replace("T", " ")[:16]}
        sep, join = ("：", "；") if zh else (": ", "; ")
        record = join.join(f"{_t(k, lang)}{sep}{v}" for k, v in values.items() if v)
        if record:
            body(record)
        pdf.set_text_color(0, 0, 0)
    if replaces:
        pdf.set_font("cjk", size=9)
        pdf.set_text_color(200, 30, 30)
        body(replaces)
        pdf.set_text_color(0, 0, 0)

    # --- signatures
    pdf.ln(2)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(2)
    pdf.set_font("cjk", size=10.5)
    signed = signed_at.replace("T", " ")[:16]
    sep = "：" if zh else ": "
    pdf.cell(width / 3, 7, f"{_t('author', lang)}{sep}{person_name(report.author)}")
    pdf.cell(width / 3, 7, f"{_t('verifier', lang)}{sep}{person_name(report.verifier) if state != 'preliminary' else ''}")
    pdf.cell(width / 3, 7, f"{_t('signed', lang)}{sep}{signed}", new_x="LMARGIN", new_y="NEXT")
    if report.ai_model:
        pdf.set_font("cjk", size=8)
        pdf.set_text_color(90, 90, 90)
        pdf.multi_cell(width, 4.5, f"{AI_LABEL[lang]}（{report.ai_model}）" if zh else f"{AI_LABEL[lang]} ({report.ai_model})",
                       wrapmode=wrap, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    out = pdf.output()
    return bytes(out)


def _nodule_table(pdf, report: Report, lang: str) -> None:
    system = report.category_system
    pdf.set_font("cjk", size=9.5)
    widths = (12, 34, 38, 24, 24)
    head = [_t(k, lang) for k in ("no", "loc", "kind", "long", "mean")] + [_t("cat", lang)]
    rest = pdf.epw - sum(widths)
    from fpdf.fonts import FontFace

    with pdf.table(col_widths=widths + (rest,), text_align="CENTER", line_height=5.5, first_row_as_headings=True,
                   headings_style=FontFace(emphasis="", fill_color=(235, 235, 235))) as t:
        t.row(head)
        for r in report.nodules:
            t.row([str(r.number), location_text(r.side, r.zone, lang), kind_text(r.kind, lang),
                   f"{r.long_axis_mm:.1f}", f"{r.mean_diameter_mm:.1f}", categories.label(system, r.category, lang)])
    pdf.ln(2)
    pdf.set_font("cjk", size=10.5)


def _key_images(pdf, keys: list[KeyImage], lang: str, report: Report) -> None:
    n = min(len(keys), 4)
    gap = 3
    side = min((pdf.epw - gap * (n - 1)) / n, 44)
    if pdf.get_y() + side + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font("cjk", size=10)
    pdf.cell(pdf.epw, 6, _t("key", lang), new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y()
    for i, k in enumerate(keys[:n]):
        x = pdf.l_margin + i * (side + gap)
        pdf.image(io.BytesIO(k.png), x=x, y=y, w=side, h=side, keep_aspect_ratio=True)
        caption = " ".join(f"{r.number}" for r in k.rows)
        pdf.set_xy(x, y + side + 0.5)
        pdf.set_font("cjk", size=8)
        pdf.cell(side, 4, f"{_t('nodules', lang)} {caption}" if caption else "", align="C")
    pdf.set_xy(pdf.l_margin, y + side + 6)
    pdf.set_font("cjk", size=10.5)
