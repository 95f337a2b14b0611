"""Sign-off rules, as Chinese practice has them.

* The 报告医生 (author) files a **preliminary** report; the 审核医生 (verifier) makes it **final**.
* The verifier is another person, unless `[reports] allow_self_verify` (a one-doctor county) is on.
* A report marked **critical** (危急值) cannot be final until it records who was told, how and when.
* A final report filed after an earlier final one is an **amendment**: a new document that names its
  predecessor; the earlier version stays where it is (in the PACS) and the amendment says so.
* Findings and impression must not be empty.

`check_filing` applies them and answers the state the study will have; a refusal is a ReportError with a
`code` the editor translates and a message the CLI prints. GUI-free.
"""
from __future__ import annotations

from reports.model import ReportError, Report
from reports.state import is_verified

REFUSALS = ("no_author", "no_verifier", "self_verify", "critical_record", "empty_sections", "stage")


class SignOffError(ReportError):
    def __init__(self, code: str, message: str, missing: list[str] | None = None):
        super().__init__(message)
        self.code = code
        self.missing = list(missing or [])


def same_person(a: str, b: str) -> bool:
    """Names compared as people write them: case, spaces and DICOM '^' separators do not count."""
    def norm(s: str) -> str:
        return "".join(str(s or "").replace("^", " ").split()).casefold()
    return bool(norm(a)) and norm(a) == norm(b)


def check_filing(report: Report, stage: str, prior_reports=(), allow_self_verify: bool = False) -> str:
    """The study's state once `report` is filed at `stage` ("preliminary" / "final" / "amended"), or a
    SignOffError saying why it cannot be. `prior_reports`: the study's report SR headers already filed."""
    if stage not in ("preliminary", "final"):
        raise SignOffError("stage", f"a report is filed as 'preliminary' or 'final', not {stage!r}")
    if not report.author.strip():
        raise SignOffError("no_author", "the report has no author (报告医生)")
    empty = [k for k in ("findings", "impression") if not report.sections.get(k, "").strip()]
    if empty:
        raise SignOffError("empty_sections", f"the report's {' and '.join(empty)} section is empty", empty)
    if stage == "preliminary":
        return "preliminary"
    if not report.verifier.strip():
        raise SignOffError("no_verifier", "a final report needs a verifier (审核医生)")
    if same_person(report.author, report.verifier) and not allow_self_verify:
        raise SignOffError("self_verify", "the verifier must be another doctor than the author "
                                          "([reports] allow_self_verify is off)")
    if report.critical is not None and report.critical.missing():
        missing = report.critical.missing()
        raise SignOffError("critical_record", "a critical result cannot be finalised before the report records "
                                              f"who was told, how and when (missing: {', '.join(missing)})", missing)
    return "amended" if any(is_verified(ds) for ds in prior_reports) else "final"
