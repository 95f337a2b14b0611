"""The printed report as an Encapsulated PDF (PS3.3 A.45.1), a new instance of the report's study.

Made on highdicom's SOPClass (patient, study, series, equipment and SOP common modules from the
study's own header); this module adds the SC Equipment and Encapsulated Document modules. The document
title is the report's (18748-4, LN, "Diagnostic Imaging Report"); Verification Flag says whether the
printed version was verified. All versions of a study's printed report share one series (modality DOC).
"""
from __future__ import annotations

import datetime as _dt

from pydicom.dataset import Dataset
from pydicom.sr.codedict import codes
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from dicom_objects.identity import CHARSET, MANUFACTURER, SERIES_NUMBER_REPORT_PDF, fix_charset, software_version

ENCAPSULATED_PDF = "1.2.840.10008.5.1.4.1.1.104.1"
SERIES_DESCRIPTION_PDF = "Diagnostic report (PDF)"


def pdf_series_uid(study_uid: str) -> str:
    return generate_uid(entropy_srcs=[study_uid, "township-pacs diagnostic report PDF"])


def write_encapsulated_pdf(pdf: bytes, source: Dataset, *, title: str, verified: bool, instance_number: int = 1,
                           report_sr: Dataset | None = None, organization: str = "",
                           sop_instance_uid: str | None = None) -> Dataset:
    """An Encapsulated PDF of `pdf` in the study of `source` (any image header of the study); `report_sr`
    (the SR the PDF prints) is listed as its source instance."""
    from highdicom import SOPClass

    if not pdf.startswith(b"%PDF-"):
        raise ValueError("not a PDF document (no %PDF- header)")
    now = _dt.datetime.now()
    ds = SOPClass(
        study_instance_uid=str(source.StudyInstanceUID),
        series_instance_uid=pdf_series_uid(str(source.StudyInstanceUID)),
        series_number=SERIES_NUMBER_REPORT_PDF,
        sop_instance_uid=sop_instance_uid or generate_uid(),
        sop_class_uid=ENCAPSULATED_PDF,
        instance_number=instance_number,
        modality="DOC",
        manufacturer=MANUFACTURER,
        transfer_syntax_uid=ExplicitVRLittleEndian,
        patient_id=source.get("PatientID"),
        patient_name=source.get("PatientName"),
        patient_birth_date=source.get("PatientBirthDate"),
        patient_sex=source.get("PatientSex") or None,
        accession_number=source.get("AccessionNumber"),
        study_id=source.get("StudyID"),
        study_date=source.get("StudyDate"),
        study_time=source.get("StudyTime"),
        referring_physician_name=source.get("ReferringPhysicianName"),
        series_description=SERIES_DESCRIPTION_PDF,
        software_versions=software_version(),
        institution_name=organization or None,
        content_date=now.date(),
        content_time=now.time(),
        specific_character_set=CHARSET,
    )
    # SC Equipment: a document made on a workstation.
    ds.ConversionType = "WSD"
    # Encapsulated Document module.
    ds.AcquisitionDateTime = now.strftime("%Y%m%d%H%M%S")
    ds.BurnedInAnnotation = "YES"      # the patient's name and ID are printed in the document
    ds.DocumentTitle = title[:64]
    title_code = Dataset()
    title_code.CodeValue = codes.LN.DiagnosticImagingReport.value
    title_code.CodingSchemeDesignator = "LN"
    title_code.CodeMeaning = codes.LN.DiagnosticImagingReport.meaning
    ds.ConceptNameCodeSequence = [title_code]
    ds.VerificationFlag = "VERIFIED" if verified else "UNVERIFIED"
    ds.MIMETypeOfEncapsulatedDocument = "application/pdf"
    if report_sr is not None:
        ref = Dataset()
        ref.ReferencedSOPClassUID = str(report_sr.SOPClassUID)
        ref.ReferencedSOPInstanceUID = str(report_sr.SOPInstanceUID)
        ds.SourceInstanceSequence = [ref]
    data = pdf if len(pdf) % 2 == 0 else pdf + b"\x00"
    ds.EncapsulatedDocument = data
    ds.EncapsulatedDocumentLength = len(pdf)
    return fix_charset(ds)


def pdf_bytes(ds: Dataset) -> bytes:
    """The PDF inside an Encapsulated PDF object (without the padding byte)."""
    if str(ds.get("SOPClassUID", "")) != ENCAPSULATED_PDF:
        raise ValueError("not an Encapsulated PDF object")
    data = bytes(ds.EncapsulatedDocument)
    n = int(ds.get("EncapsulatedDocumentLength", 0) or 0)
    return data[:n] if 0 < n <= len(data) else data.rstrip(b"\x00")
