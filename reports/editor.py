"""The report editor's logic (the widget in viewer/report_editor.py only presents it): one study's report
being written - the draft, edits, the template and category system, phrases, the normal text, the critical
record - and signing it (preliminary by the author, final by the verifier), then handing it to `deliver`
(the county PACS). GUI-free: tests drive it as the widget does.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from reports.delivery import DeliveryError
from reports.filing import FiledReport, ReportSession
from reports.model import SECTIONS, CriticalResult, Report
from reports.study import StudyContext
from reports.templates import Phrase, load_phrases, phrases_for, save_phrases


class ReportEditor:
    def __init__(self, cfg: dict, deliver: Callable[[FiledReport], None] | None = None):
        self.cfg = cfg
        self.deliver = deliver          # stores a filed report (the county PACS); None: keep it here
        self.session: ReportSession | None = None
        self.report: Report | None = None
        self.filed: list[FiledReport] = []
        self.pending: FiledReport | None = None  # signed, not yet on the county PACS
        self.dirty = False
        self.phrases: list[Phrase] = load_phrases(cfg)

    # -- the study
    def open(self, ctx: StudyContext, language: str | None = None) -> Report:
        """Start on a study: the AI draft in its default template."""
        self.session = ReportSession(ctx, self.cfg)
        self.report = self.session.draft(language=language)
        self.filed, self.dirty, self.pending = [], False, None
        return self.report

    @property
    def ctx(self) -> StudyContext | None:
        return self.session.ctx if self.session else None

    def _need(self) -> Report:
        if self.report is None:
            raise ValueError("no study is open in the report editor")
        return self.report

    # -- editing
    def set_section(self, key: str, text: str) -> None:
        r = self._need()
        if key not in SECTIONS:
            raise ValueError(f"unknown section {key!r}")
        if r.sections.get(key, "") != text:
            r.sections[key] = text
            self.dirty = True

    def set_people(self, author: str | None = None, verifier: str | None = None) -> None:
        r = self._need()
        self.report = replace(r, author=r.author if author is None else author.strip(),
                              verifier=r.verifier if verifier is None else verifier.strip())

    def use_template(self, template: str, system: str | None = None, language: str | None = None) -> Report:
        """A fresh draft in another template / category system / language (the doctor's text so far goes)."""
        r = self._need()
        people = (r.author, r.verifier, r.critical)
        self.report = self.session.draft(template=template, system=system or r.category_system,
                                         language=language or r.language)
        self.report.author, self.report.verifier, self.report.critical = people
        self.dirty = True
        return self.report

    def normal(self) -> Report:
        """The template's normal findings, impression and recommendation (one click)."""
        self.report = self.session.normal(self._need())
        self.dirty = True
        return self.report

    def insert_phrase(self, key: str, text: str, at: int | None = None) -> str:
        """Put a phrase into a section (at a cursor position, else at the end on its own line)."""
        current = self._need().sections.get(key, "")
        if at is None:
            new = (current.rstrip("\n") + "\n" + text) if current.strip() else text
        else:
            new = current[:at] + text + current[at:]
        self.set_section(key, new)
        return new

    def phrases_of(self, key: str) -> dict[str, list[str]]:
        return phrases_for(self.phrases, key, self._need().language)

    def add_phrase(self, key: str, group: str, text: str) -> None:
        """Keep a phrase in the county's library (saved at once)."""
        self.phrases.append(Phrase(section=key, group=group.strip() or "—", text=text.strip(),
                                   language=self._need().language))
        save_phrases(self.phrases, self.cfg)

    def set_critical(self, finding: str, told: str = "", how: str = "", at: str = "") -> None:
        """Mark the report critical (危急值) with its communication record; an empty finding unmarks it."""
        r = self._need()
        crit = CriticalResult(finding.strip(), told.strip(), how.strip(), at.strip()) if finding.strip() else None
        self.report = replace(r, critical=crit)
        self.dirty = True

    # -- signing
    def problems(self, stage: str) -> str:
        """Why signing at `stage` would be refused now ('' when it would not)."""
        from reports.signoff import SignOffError

        try:
            self.session.state_after(self._need(), stage)
        except SignOffError as exc:
            return str(exc)
        return ""

    def sign(self, stage: str) -> FiledReport:
        """File the report at `stage` and deliver it; raises SignOffError / DeliveryError with the reason.
        A report signed but not delivered stays `pending` (in the outbox) until retry_delivery()."""
        if self.pending is not None:
            raise DeliveryError("the last signed report has not reached the county PACS yet: deliver it first")
        filed = self.session.file(self._need(), stage)
        self.filed.append(filed)
        self.report = replace(filed.report, stage=stage)
        self.dirty = False
        self.pending = filed
        self.retry_delivery()
        return filed

    def retry_delivery(self) -> None:
        """Deliver the signed report that is still waiting (DeliveryError again if the PACS still cannot)."""
        if self.pending is not None and self.deliver is not None:
            self.deliver(self.pending)
        self.pending = None
