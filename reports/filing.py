"""Writing and signing one study's report: the logic behind the report editor and `tpacs report`.

A ReportSession holds the study (StudyContext) and the configuration; it makes the draft, applies the
sign-off rules, and turns a signed report into DICOM: the TID 2000 SR (every filing) and, for a final or
amended report, the Encapsulated PDF of the printed report. Storing them (county PACS, outbox) is the
caller's. GUI-free.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace
from pathlib import Path

from pydicom.dataset import Dataset

from dicom_objects.diagnostic_report import ReportDocument, pn, write_report_sr
from dicom_objects.encapsulated_pdf import write_encapsulated_pdf
from reports import draft as drafting
from reports.keyimages import key_images
from reports.model import Report
from reports.pdf import render_report_pdf
from reports.signoff import check_filing
from reports.state import is_verified
from reports.study import StudyContext, person_name
from reports.templates import Template, load_templates


@dataclass
class FiledReport:
    state: str                # preliminary / final / amended
    report: Report
    sr: Dataset
    pdf: Dataset | None       # Encapsulated PDF (final and amended reports)
    pdf_document: bytes | None
    signed_at: str            # ISO 8601

    @property
    def datasets(self) -> list[Dataset]:
        return [self.sr] + ([self.pdf] if self.pdf is not None else [])

    def save(self, folder: Path | str) -> list[Path]:
        """The objects as Part 10 files in `folder` (named by SOP Instance UID); returns their paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = []
        for ds in self.datasets:
            p = folder / f"{ds.SOPInstanceUID}.dcm"
            ds.save_as(p, enforce_file_format=True)
            paths.append(p)
        return paths


class ReportSession:
    def __init__(self, ctx: StudyContext, cfg: dict, templates: dict[str, Template] | None = None, clock=None):
        self.ctx = ctx
        self.cfg = cfg
        self.rcfg = cfg.get("reports", {})
        self.templates = templates or load_templates(cfg)
        self.clock = clock or (lambda: _dt.datetime.now().astimezone())

    # -- drafting
    def draft(self, template: str | None = None, system: str | None = None, language: str | None = None) -> Report:
        return drafting.make_draft(self.ctx, self.templates, template,
                                   system or self.rcfg.get("category_system", "c_lung_rads"),
                                   language or self.rcfg.get("language", "zh_CN"))

    def normal(self, report: Report) -> Report:
        """The same report with the template's normal findings, impression and recommendation (one click)."""
        texts = drafting.normal_sections(self.templates[report.template], self.ctx, report.category_system,
                                         report.language)
        return replace(report, sections={**report.sections, **texts}, nodules=[])

    def exam_name(self, report: Report) -> str:
        return self.templates[report.template].name(report.language)

    # -- signing
    def state_after(self, report: Report, stage: str) -> str:
        """What filing would make of the study; raises SignOffError when the rules refuse."""
        return check_filing(report, stage, self.ctx.reports, bool(self.rcfg.get("allow_self_verify", False)))

    def file(self, report: Report, stage: str) -> FiledReport:
        """Sign `report` at `stage` ("preliminary" or "final"): the sign-off rules, then the SR (and the PDF
        of a final report). The session's study then holds the new version (a next final is an amendment)."""
        state = self.state_after(report, stage)
        now = self.clock()
        signed_at = now.isoformat(timespec="seconds")
        report = replace(report, stage=stage)
        previous = [ds for ds in self.ctx.reports if is_verified(ds)][-1:] if state == "amended" else []
        replaces = self._replaces_text(report, previous[0]) if previous else ""
        tpl = self.templates[report.template]
        limit = int(self.rcfg.get("key_images", 4))
        keys = key_images(self.ctx, report.nodules, limit) if limit else []
        organization = str(self.rcfg.get("hospital", "") or "")
        doc = ReportDocument(
            sections=dict(report.sections), author=pn(report.author), verifier=pn(report.verifier) if stage == "final" else "",
            final=stage == "final", language=report.language, procedure_code=tpl.procedure_code,
            critical=None if report.critical is None else {"finding": report.critical.finding, "told": report.critical.told,
                                                            "how": report.critical.how, "at": report.critical.at},
            addendum=replaces, organization=organization)
        version = len(self.ctx.reports) + 1
        study = self.ctx.images or self.ctx.headers
        sr = write_report_sr(doc, study, key_images=[k.header for k in keys], findings_sr=self.ctx.findings_sr,
                             previous=previous, instance_number=version)
        pdf_doc = pdf = None
        if stage == "final":
            pdf_doc = render_report_pdf(report, self.ctx, self.cfg, state=state, signed_at=signed_at,
                                        exam_name=self.exam_name(report), key_images=keys, replaces=replaces)
            title = f"{self.exam_name(report)}诊断报告" if report.language == "zh_CN" else f"{self.exam_name(report)} report"
            pdf = write_encapsulated_pdf(pdf_doc, study[0], title=title, verified=True, instance_number=version,
                                         report_sr=sr, organization=organization)
        self.ctx.reports.append(sr)
        return FiledReport(state=state, report=report, sr=sr, pdf=pdf, pdf_document=pdf_doc, signed_at=signed_at)

    def _replaces_text(self, report: Report, earlier: Dataset) -> str:
        """What an amendment says about the report it replaces (which stays in the PACS)."""
        obs = (earlier.get("VerifyingObserverSequence") or [None])[0]
        who = person_name(obs.get("VerifyingObserverName", "")) if obs is not None else ""
        when = str(obs.get("VerificationDateTime", "")) if obs is not None else ""
        when = f"{when[:4]}-{when[4:6]}-{when[6:8]} {when[8:10]}:{when[10:12]}" if len(when) >= 12 else when
        reason = report.amendment_reason.strip()
        if report.language == "zh_CN":
            text = f"更正报告：本报告替代{who}于{when}审核的报告（原报告保留备查）。"
            return text + (f"更正原因：{reason}" if reason else "")
        text = f"Amended report: replaces the report verified by {who} on {when} (the earlier version is kept)."
        return text + (f" Reason: {reason}" if reason else "")
