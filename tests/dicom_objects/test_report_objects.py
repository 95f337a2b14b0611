"""The report as DICOM: the TID 2000 SR (preliminary, final, amended) and the Encapsulated PDF of the printed
report, made by the county's filing logic, checked with dciodvfy, read back, and the PDF rendered by a real
PDF reader (poppler: pdffonts, pdftotext, pdftoppm)."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pydicom
import pytest

from dicom_node.config import load_config
from dicom_objects.diagnostic_report import read_report_sr
from dicom_objects.encapsulated_pdf import ENCAPSULATED_PDF, pdf_bytes
from reports.filing import ReportSession
from reports.model import CriticalResult
from reports.state import study_report_state
from reports.study import StudyContext
from tests.dicom_objects.test_nodule_objects import dciodvfy_errors
from tests.reports.helpers import ai_findings, ct_study_files  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "reports"
COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} (Debian poppler-utils) is not installed")
    return path


@pytest.fixture(scope="module")
def filed(ct_study_files, ct_phantom_small, tmp_path_factory):
    """Preliminary by 张明, final by 李审核, then an amendment with a critical result: the files of each."""
    out = tmp_path_factory.mktemp("filed")
    cfg = load_config(_write(out))
    ctx = StudyContext.from_files(ct_study_files)
    ctx.findings = ai_findings(ct_phantom_small)  # side/zone/mean diameter (see tests/reports/test_draft.py)
    session = ReportSession(ctx, cfg)
    draft = replace(session.draft(), author="张^明", verifier="李^审核")
    pre = session.file(draft, "preliminary")
    fin = session.file(draft, "final")
    amended = session.file(replace(draft, amendment_reason="补充危急值记录",
                                   critical=CriticalResult("右侧张力性气胸", "急诊科 王护士", "电话",
                                                           "2026-12-01T09:30:00+08:00")), "final")
    paths = {name: f.save(out / name) for name, f in (("pre", pre), ("final", fin), ("amended", amended))}
    return {"pre": pre, "final": fin, "amended": amended, "paths": paths, "ctx": ctx}


def _write(folder: Path) -> Path:
    p = folder / "config.toml"
    p.write_text('[reports]\nhospital = "测试县人民医院 远程影像诊断中心"\n', encoding="utf-8")
    return p


def test_every_object_passes_dciodvfy(filed):
    files = [p for ps in filed["paths"].values() for p in ps]
    assert len(files) == 5  # preliminary: SR only; final and amended: SR + PDF
    for p in files:
        assert dciodvfy_errors(p) == [], p


def test_sr_is_tid_2000_with_flags_sections_and_references(filed):
    pre = pydicom.dcmread(filed["paths"]["pre"][0])
    fin = pydicom.dcmread(filed["paths"]["final"][0])
    assert str(fin.SOPClassUID) == COMPREHENSIVE_SR
    assert fin.ContentTemplateSequence[0].TemplateIdentifier == "2000"
    assert fin.ConceptNameCodeSequence[0].CodeValue == "18748-4"
    assert (pre.CompletionFlag, pre.VerificationFlag, pre.PreliminaryFlag) == ("PARTIAL", "UNVERIFIED", "PRELIMINARY")
    assert (fin.CompletionFlag, fin.VerificationFlag, fin.PreliminaryFlag) == ("COMPLETE", "VERIFIED", "FINAL")
    assert str(fin.VerifyingObserverSequence[0].VerifyingObserverName) == "李^审核"
    headings = [i.ConceptNameCodeSequence[0].CodeValue for i in fin.ContentSequence if i.ValueType == "CONTAINER"]
    assert headings[:4] == ["55111-9", "59776-5", "19005-8", "18783-1"]
    assert "121180" in headings  # key images
    doc = read_report_sr(fin)
    ctx, draft = filed["ctx"], filed["final"].report
    assert doc.language == "zh_CN" and doc.author == "张^明" and doc.final
    assert doc.sections == draft.sections
    assert doc.evidence_sr == str(ctx.findings_sr.SOPInstanceUID)
    evidence = {str(i.ReferencedSOPInstanceUID) for s in fin.CurrentRequestedProcedureEvidenceSequence
                for se in s.ReferencedSeriesSequence for i in se.ReferencedSOPSequence}
    assert doc.evidence_sr in evidence and set(doc.key_images) <= evidence and doc.key_images
    # Every version of the report is in one series of the study.
    assert pre.SeriesInstanceUID == fin.SeriesInstanceUID and fin.StudyInstanceUID == ctx.study_uid


def test_amendment_keeps_and_names_its_predecessor_and_records_the_critical_result(filed):
    fin = pydicom.dcmread(filed["paths"]["final"][0])
    amd = pydicom.dcmread(filed["paths"]["amended"][0])
    doc = read_report_sr(amd)
    assert filed["amended"].state == "amended"
    assert doc.predecessors == [str(fin.SOPInstanceUID)]
    assert doc.addendum.startswith("更正报告：本报告替代李审核于") and "补充危急值记录" in doc.addendum
    assert doc.critical == {"finding": "右侧张力性气胸", "told": "急诊科 王护士", "how": "电话",
                            "at": "2026-12-01T09:30:00+08:00"}
    headers = [pydicom.dcmread(ps[0], stop_before_pixels=True) for ps in filed["paths"].values()]
    headers += [pydicom.dcmread(ps[1], stop_before_pixels=True) for k, ps in filed["paths"].items() if k != "pre"]
    state = study_report_state(headers)  # the rule the county worklist uses; the PDFs do not count
    assert (state.state, state.sop_instance_uid, state.versions) == ("amended", str(amd.SOPInstanceUID), 3)
    assert study_report_state(headers[:2]).state == "final"
    assert study_report_state(headers[:1]).state == "preliminary"


def test_printed_report_embeds_its_cjk_font_and_renders(filed, tmp_path):
    ds = pydicom.dcmread(filed["paths"]["amended"][1])
    assert str(ds.SOPClassUID) == ENCAPSULATED_PDF and ds.Modality == "DOC" and ds.VerificationFlag == "VERIFIED"
    assert ds.SourceInstanceSequence[0].ReferencedSOPInstanceUID == pydicom.dcmread(
        filed["paths"]["amended"][0]).SOPInstanceUID
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(pdf_bytes(ds))
    fonts = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [ln for ln in fonts.splitlines() if "CJK" in ln]
    assert cjk and all(" yes yes yes " in ln for ln in cjk), fonts  # embedded, subset, with a Unicode map
    text = subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for words in ("测试县人民医院", "胸部CT诊断报告书", "张伟", "影像所见", "诊断意见", "C-Lung-RADS", "危急值",
                  "急诊科 王护士", "更正报告", "报告医生：张明", "审核医生：李审核", "HR", "互认有效期至",
                  "AI 辅助检出，仅供参考"):
        assert words in text, words
    subprocess.run([_tool("pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    png = tmp_path / "page-1.png"
    assert png.stat().st_size > 20_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, ARTIFACTS / "printed_report_amended.png")
