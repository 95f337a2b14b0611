"""A study's reading state as every station sees it: from the report SRs stored with the study in the PACS.

A report is an SR document whose root concept is (18748-4, LN, "Diagnostic Imaging Report"), the title of
TID 2000. Each filing is a new SR instance (a new SOP Instance UID); nothing is overwritten:
- preliminary (报告医生 wrote it): Completion Flag PARTIAL or Verification Flag UNVERIFIED;
- final (审核医生 verified it): Completion Flag COMPLETE and Verification Flag VERIFIED;
- amended: a verified report filed after an earlier verified one of the same study (it references its
  predecessor in Predecessor Documents Sequence, and the earlier version stays in the PACS).
The newest report (Content Date + Content Time, then Instance Number) decides the study's state.

Works on anything with the header attributes: full SR datasets, C-FIND identifiers or QIDO-RS results
turned into pydicom Datasets. GUI-free.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

REPORT_CONCEPT = ("18748-4", "LN", "Diagnostic Imaging Report")
STATES = ("unread", "claimed", "preliminary", "final", "amended")


ENCAPSULATED_DOCUMENT_PREFIX = "1.2.840.10008.5.1.4.1.1.104."


def is_report(ds) -> bool:
    """A report SR. The printed report (an Encapsulated PDF with the same document title) is not one: it
    carries no completion flag and must not count as a version of the report."""
    if str(ds.get("SOPClassUID", "")).startswith(ENCAPSULATED_DOCUMENT_PREFIX) or str(ds.get("Modality", "")) == "DOC":
        return False
    seq = ds.get("ConceptNameCodeSequence") or []
    if not seq:
        return False
    item = seq[0]
    return (str(item.get("CodeValue", "")), str(item.get("CodingSchemeDesignator", ""))) == REPORT_CONCEPT[:2]


def is_verified(ds) -> bool:
    return (str(ds.get("VerificationFlag", "")).upper() == "VERIFIED"
            and str(ds.get("CompletionFlag", "")).upper() == "COMPLETE")


def signed_order(ds) -> tuple[str, str, int]:
    """Sort key of report versions: content date and time, then instance number."""
    n = ds.get("InstanceNumber")
    try:
        num = int(n) if n not in (None, "") else 0
    except (TypeError, ValueError):
        num = 0
    return (str(ds.get("ContentDate", "")), str(ds.get("ContentTime", "")).ljust(6, "0"), num)


@dataclass
class ReportState:
    state: str                 # one of STATES except "claimed" (claims live outside the reports)
    sop_instance_uid: str = ""  # the newest report's
    verifier: str = ""          # the newest verified report's verifying observer, as written (DICOM PN)
    versions: int = 0           # report SRs of the study


def study_report_state(headers: Iterable) -> ReportState:
    """The state of one study from the headers of its SR instances (non-reports are ignored)."""
    reports = sorted((ds for ds in headers if is_report(ds)), key=signed_order)
    if not reports:
        return ReportState("unread")
    newest = reports[-1]
    uid = str(newest.get("SOPInstanceUID", ""))
    if not is_verified(newest):
        return ReportState("preliminary", uid, versions=len(reports))
    verifier = ""
    obs = newest.get("VerifyingObserverSequence") or []
    if obs:
        verifier = str(obs[0].get("VerifyingObserverName", ""))
    earlier_final = any(is_verified(ds) for ds in reports[:-1])
    return ReportState("amended" if earlier_final else "final", uid, verifier, len(reports))
