"""The diagnostic report as a Comprehensive SR following TID 2000 "Basic Diagnostic Imaging Report", and back.

Built from highdicom's SR content items (highdicom has no TID 2000 class):

  CONTAINER (18748-4, LN, "Diagnostic Imaging Report"), template 2000
   HAS CONCEPT MOD  CODE (121049, DCM, "Language of Content Item and Descendants") = zh-CN / en   (TID 1204)
   HAS OBS CONTEXT  the author (报告医生) as person observer                                     (TID 1001)
   HAS CONCEPT MOD  CODE (121058, DCM, "Procedure reported") = the template's procedure code
   CONTAINS  CONTAINER (55111-9, LN, "Current Procedure Descriptions")  TEXT (121065, DCM, "Procedure Description")
   CONTAINS  CONTAINER (59776-5, LN, "Findings")          TEXT (121071, DCM, "Finding")
                                                           COMPOSITE (126000, DCM, "Imaging Measurement Report")
                                                             = the AI's (or the reader's) TID 1500 SR
   CONTAINS  CONTAINER (19005-8, LN, "Impressions")       TEXT (121073, DCM, "Impression")
   CONTAINS  CONTAINER (18783-1, LN, "Recommendations")   TEXT (121075, DCM, "Recommendation")
   CONTAINS  CONTAINER (73568-8, LN, "Communication of Critical Results")   (only for a critical result)
               TEXT (121071, DCM, "Finding"), TEXT (99TPACS RECIPIENT, "Recipient of communication"),
               TEXT (99TPACS COMM_METHOD, "Communication method"),
               DATETIME (99TPACS COMM_DATETIME, "Date and time of communication")
   CONTAINS  CONTAINER (55107-7, LN, "Addendum")          TEXT: what an amendment changed (amendments only)
   CONTAINS  CONTAINER (121180, DCM, "Key Images")        IMAGE items: the key images

Header: Completion Flag COMPLETE (preliminary: PARTIAL), Verification Flag VERIFIED with the verifier
(审核医生) in Verifying Observer Sequence for a final report, Preliminary Flag PRELIMINARY/FINAL, an
amendment's predecessors in Predecessor Documents Sequence, every referenced instance in Current
Requested Procedure Evidence Sequence. All versions of a study's report share one series.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

from dicom_objects.codes import code, code_value, concept, private_scheme_item
from dicom_objects.identity import CHARSET, MANUFACTURER, SERIES_NUMBER_REPORT, fix_charset, software_version

SERIES_DESCRIPTION_REPORT = "Diagnostic report (SR)"
LANGUAGE_CODES = {"zh_CN": ("zh-CN", "RFC5646", "Chinese (China)"), "en": ("en", "RFC5646", "English")}
# (section key, heading, text item concept)
SECTION_CODES = (
    ("procedure", codes.LN.CurrentProcedureDescriptions, codes.DCM.ProcedureDescription),
    ("findings", codes.LN.Findings, codes.DCM.Finding),
    ("impression", codes.LN.Impressions, codes.DCM.Impression),
    ("recommendation", codes.LN.Recommendations, codes.DCM.Recommendation),
)
CODE_RECIPIENT = ("RECIPIENT", "Recipient of communication")
CODE_METHOD = ("COMM_METHOD", "Communication method")
CODE_COMM_AT = ("COMM_DATETIME", "Date and time of communication")


@dataclass
class ReportDocument:
    """What a report SR says, in plain values (the reports package turns its Report into one)."""

    sections: dict[str, str]
    author: str                          # DICOM PN of the 报告医生
    verifier: str = ""                   # DICOM PN of the 审核医生 ("" for a preliminary report)
    final: bool = False
    language: str = "zh_CN"
    procedure_code: tuple[str, str, str] | None = None   # (value, scheme, meaning)
    critical: dict | None = None         # {"finding", "told", "how", "at" (ISO 8601)}
    addendum: str = ""                   # an amendment says what it changed and what it replaces
    organization: str = ""               # the reading centre
    # Read back only:
    sop_instance_uid: str = ""
    content_datetime: str = ""
    verified_at: str = ""
    predecessors: list[str] = field(default_factory=list)
    key_images: list[str] = field(default_factory=list)   # SOP Instance UIDs
    evidence_sr: str = ""                                 # SOP Instance UID of the referenced TID 1500 SR


def pn(name: str) -> str:
    """A single-component name is a family name in DICOM PN ("王医生" -> "王医生^")."""
    name = (name or "").strip()
    return name if "^" in name or not name else name + "^"


def report_series_uid(study_uid: str) -> str:
    """The one series that holds every version of the study's report SR."""
    return generate_uid(entropy_srcs=[study_uid, "township-pacs diagnostic report SR"])


def _items(doc: ReportDocument, key_images: list[Dataset], findings_sr: Dataset | None) -> list:
    from highdicom.sr import (CodeContentItem, CompositeContentItem, ContainerContentItem, DateTimeContentItem,
                              ImageContentItem, LanguageOfContentItemAndDescendants, ObservationContext,
                              ObserverContext, PersonObserverIdentifyingAttributes, TextContentItem)

    def container(name, children):
        c = ContainerContentItem(name=name, relationship_type="CONTAINS")
        c.ContentSequence = children
        return c

    def text(name, value):
        return TextContentItem(name=name, value=value, relationship_type="CONTAINS")

    value, scheme, meaning = LANGUAGE_CODES[doc.language]
    items = list(LanguageOfContentItemAndDescendants(code(value, meaning, scheme)))
    items += ObservationContext(observer_person_context=ObserverContext(
        observer_type=codes.DCM.Person,
        observer_identifying_attributes=PersonObserverIdentifyingAttributes(
            name=pn(doc.author), organization_name=doc.organization or None)))
    if doc.procedure_code:
        v, s, m = doc.procedure_code
        items.append(CodeContentItem(name=codes.DCM.ProcedureReported, value=code(v, m, s),
                                     relationship_type="HAS CONCEPT MOD"))
    for key, heading, item_name in SECTION_CODES:
        body = (doc.sections.get(key) or "").strip()
        children = [text(item_name, body)] if body else []
        if key == "findings" and findings_sr is not None:
            children.append(CompositeContentItem(name=codes.DCM.ImagingMeasurementReport,
                                                 referenced_sop_class_uid=str(findings_sr.SOPClassUID),
                                                 referenced_sop_instance_uid=str(findings_sr.SOPInstanceUID),
                                                 relationship_type="CONTAINS"))
        if children:
            items.append(container(heading, children))
    crit = doc.critical
    if crit:
        children = [text(codes.DCM.Finding, crit["finding"])]
        if crit.get("told"):
            children.append(text(code(*CODE_RECIPIENT), crit["told"]))
        if crit.get("how"):
            children.append(text(code(*CODE_METHOD), crit["how"]))
        if crit.get("at"):
            at = _dt.datetime.fromisoformat(crit["at"])
            children.append(DateTimeContentItem(name=code(*CODE_COMM_AT), value=at, relationship_type="CONTAINS"))
        items.append(container(codes.LN.CommunicationOfCriticalResults, children))
    if doc.addendum.strip():
        items.append(container(codes.LN.Addendum, [text(codes.DCM.Addendum, doc.addendum.strip())]))
    if key_images:
        items.append(container(codes.DCM.KeyImages, [
            ImageContentItem(name=codes.DCM.KeyImages, referenced_sop_class_uid=str(ds.SOPClassUID),
                             referenced_sop_instance_uid=str(ds.SOPInstanceUID), relationship_type="CONTAINS")
            for ds in key_images]))
    return items


def write_report_sr(doc: ReportDocument, study: list[Dataset], *, key_images: list[Dataset] = (),
                    findings_sr: Dataset | None = None, previous: list[Dataset] = (), instance_number: int = 1,
                    sop_instance_uid: str | None = None) -> Dataset:
    """The report SR for a study. `study`: headers of the study's images (at least one, for the patient and
    study attributes); `key_images` (of `study`) and `findings_sr` are referenced; `previous`: the report SRs
    an amendment replaces (their headers)."""
    from highdicom.sr import ComprehensiveSR, ContainerContentItem

    if not study:
        raise ValueError("a report needs at least one image of its study")
    if doc.language not in LANGUAGE_CODES:
        raise ValueError(f"unknown report language {doc.language!r}")
    if not doc.author.strip():
        raise ValueError("a report needs its author")
    if doc.final and not doc.verifier.strip():
        raise ValueError("a final report needs its verifier")
    root = ContainerContentItem(name=codes.LN.DiagnosticImagingReport, template_id="2000")
    root.ContentSequence = _items(doc, list(key_images), findings_sr)
    evidence = list(study[:1]) + [ds for ds in key_images if ds is not study[0]]
    if findings_sr is not None:
        evidence.append(findings_sr)
    src = study[0]
    sr = ComprehensiveSR(
        evidence=evidence,
        content=root,
        series_instance_uid=report_series_uid(str(src.StudyInstanceUID)),
        series_number=SERIES_NUMBER_REPORT,
        sop_instance_uid=sop_instance_uid or generate_uid(),
        instance_number=instance_number,
        manufacturer=MANUFACTURER,
        is_complete=doc.final,
        is_final=doc.final,
        is_verified=doc.final,
        verifying_observer_name=pn(doc.verifier) if doc.final else None,
        verifying_organization=(doc.organization or MANUFACTURER) if doc.final else None,
        institution_name=doc.organization or None,
        previous_versions=list(previous) or None,
        series_description=SERIES_DESCRIPTION_REPORT,
        specific_character_set=CHARSET,
    )
    sr.CodingSchemeIdentificationSequence = [private_scheme_item()]
    sr.SoftwareVersions = software_version()
    return fix_charset(sr)


# ------------------------------------------------------------------------------------------ reading
def _text_of(item: Dataset) -> str:
    return str(item.get("TextValue", "") or "")


def read_report_sr(ds: Dataset) -> ReportDocument:
    """What a TID 2000 report SR says (ours, or a similar one from elsewhere); ValueError for any other SR."""
    title = codes.LN.DiagnosticImagingReport
    if concept(ds)[:2] != (title.scheme_designator, title.value):
        raise ValueError(f"not a diagnostic imaging report (title {concept(ds)[2] or 'none'!r})")
    headings = {(str(h.scheme_designator), str(h.value)): key for key, h, _ in SECTION_CODES}
    doc = ReportDocument(sections={k: "" for k, _, _ in SECTION_CODES}, author="",
                         sop_instance_uid=str(ds.get("SOPInstanceUID", "")))
    for item in ds.get("ContentSequence", []):
        vt, (scheme, value, _) = item.get("ValueType"), concept(item)
        if vt == "CODE" and (scheme, value) == ("DCM", "121049"):
            lang = code_value(item)[1]
            doc.language = next((k for k, v in LANGUAGE_CODES.items() if v[0] == lang),
                                "zh_CN" if lang.lower().startswith("zh") else "en")
        elif vt == "PNAME" and (scheme, value) == ("DCM", "121008"):
            doc.author = str(item.PersonName)
        elif vt == "CODE" and (scheme, value) == ("DCM", "121058"):
            cs, cv, cm = code_value(item)
            doc.procedure_code = (cv, cs, cm)
        elif vt == "CONTAINER":
            children = list(item.get("ContentSequence", []))
            texts = [_text_of(c) for c in children if c.get("ValueType") == "TEXT"]
            if (scheme, value) in headings:
                doc.sections[headings[(scheme, value)]] = "\n".join(texts)
                for c in children:
                    if c.get("ValueType") == "COMPOSITE" and c.get("ReferencedSOPSequence"):
                        doc.evidence_sr = str(c.ReferencedSOPSequence[0].ReferencedSOPInstanceUID)
            elif (scheme, value) == ("LN", "73568-8"):
                crit = {"finding": "", "told": "", "how": "", "at": ""}
                for c in children:
                    key = {("DCM", "121071"): "finding", ("99TPACS", CODE_RECIPIENT[0]): "told",
                           ("99TPACS", CODE_METHOD[0]): "how", ("99TPACS", CODE_COMM_AT[0]): "at"}.get(concept(c)[:2])
                    if key == "at":
                        crit["at"] = _iso(str(c.get("DateTime", "")))
                    elif key:
                        crit[key] = _text_of(c)
                doc.critical = crit
            elif (scheme, value) == ("LN", "55107-7"):
                doc.addendum = "\n".join(texts)
            elif (scheme, value) == ("DCM", "121180"):
                doc.key_images = [str(c.ReferencedSOPSequence[0].ReferencedSOPInstanceUID) for c in children
                                  if c.get("ValueType") == "IMAGE" and c.get("ReferencedSOPSequence")]
    doc.final = (str(ds.get("VerificationFlag", "")) == "VERIFIED" and str(ds.get("CompletionFlag", "")) == "COMPLETE")
    obs = ds.get("VerifyingObserverSequence") or []
    if obs:
        doc.verifier = str(obs[0].get("VerifyingObserverName", ""))
        doc.verified_at = _iso(str(obs[0].get("VerificationDateTime", "")))
        doc.organization = str(obs[0].get("VerifyingOrganization", ""))
    doc.content_datetime = _iso(str(ds.get("ContentDate", "")) + str(ds.get("ContentTime", "")))
    doc.predecessors = [str(i.ReferencedSOPInstanceUID) for st in ds.get("PredecessorDocumentsSequence", [])
                        for se in st.get("ReferencedSeriesSequence", []) for i in se.get("ReferencedSOPSequence", [])]
    return doc


def _iso(dt: str) -> str:
    """DICOM DT/DA+TM ("20261201093000.123+0800") as ISO 8601 ("2026-12-01T09:30:00+08:00"); '' if unreadable."""
    from pydicom.valuerep import DT

    dt = dt.strip()
    if not dt:
        return ""
    try:
        return DT(dt).isoformat(timespec="seconds")
    except (ValueError, TypeError):
        return ""
