"""The draft a county doctor starts from: the AI's nodules as the reader left them, in words, with the chosen
category system's follow-up; the normal text in one click; the sign-off rules; REPORT.json."""
from __future__ import annotations

from dataclasses import replace

import pydicom
import pytest

from dicom_node.config import load_config
from reports.filing import ReportSession
from reports.model import CriticalResult, ReportError, report_from_json
from reports.signoff import SignOffError, check_filing
from reports.study import StudyContext
from tests.reports.helpers import ai_findings


def _cfg(tmp_path, **reports):
    path = tmp_path / "config.toml"
    lines = ["[reports]"] + [f"{k} = {str(v).lower() if isinstance(v, bool) else repr(v)}" for k, v in reports.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(path)


@pytest.fixture
def session(ct_study_files, ct_phantom_small, tmp_path):
    ctx = StudyContext.from_files(ct_study_files)
    # The nodule SR does not encode lung side/zone and mean diameter yet (the writers gain them next); the
    # draft reads them from the findings, so the test hands over the findings as the AI made them.
    ctx.findings = ai_findings(ct_phantom_small)
    return ReportSession(ctx, _cfg(tmp_path))


def test_draft_holds_the_ai_nodules_in_words_with_c_lung_rads_advice(session):
    ctx = session.ctx
    assert ctx.patient_name == "张伟" and ctx.modality == "CT" and ctx.findings is not None
    d = session.draft()
    assert d.template == "chest_ct" and d.category_system == "c_lung_rads" and d.stage == "draft"
    assert len(d.nodules) == len(ctx.findings.findings) == 4
    findings = d.sections["findings"]
    # Most suspicious first; location from the finding's side and zone; both diameters; kind; category.
    first = d.nodules[0]
    assert findings.startswith(f"1. {'右肺' if first.side == 'R' else '左肺'}")
    assert "长径约" in findings and "平均径约" in findings and "C-Lung-RADS" in findings
    assert "右肺上野" in findings and "左肺下野" in findings
    # AI output is labelled, with the model.
    assert "AI 辅助检出，仅供参考" in findings and "tpacs-lung-nodule 0.3" in findings and "未复核4枚" in findings
    top = max(d.nodules, key=lambda r: int(r.category)).category
    assert d.sections["recommendation"].startswith(f"按C-Lung-RADS {top}类")
    assert d.sections["procedure"] == "胸部CT平扫，层厚5 mm，肺窗及纵隔窗观察。"
    assert d.sections["impression"].count("\n") == 3


def test_the_readers_review_decides_what_the_draft_holds(ct_study_files, tmp_path):
    from dicom_objects.measurement_report import write_review_sr

    ctx = StudyContext.from_files(ct_study_files)
    images = [pydicom.dcmread(p, stop_before_pixels=True) for p in ct_study_files if p.name.startswith("CT")]
    review = write_review_sr(ctx.findings, images, "王^阅片", [True, False, None, True])
    review.save_as(tmp_path / "review.dcm", enforce_file_format=True)
    ctx = StudyContext.from_files(ct_study_files + [tmp_path / "review.dcm"])
    d = ReportSession(ctx, _cfg(tmp_path)).draft()
    assert len(d.nodules) == 3  # the rejected one is out
    assert "已经医师复核2枚，未复核1枚" in d.sections["findings"]
    assert sorted(r.reviewed for r in d.nodules) == [False, True, True]


def test_lung_rads_and_english(session, tmp_path):
    d = session.draft(system="lung_rads_2022", language="en")
    assert "Lung-RADS v2022" in d.sections["findings"] and "AI-detected, for reference only" in d.sections["findings"]
    assert d.sections["procedure"].startswith("Non-contrast chest CT, 5 mm slices")
    assert d.sections["recommendation"].startswith("Managed as Lung-RADS v2022")
    assert "right upper zone" in d.sections["findings"]


def test_normal_findings_in_one_click_and_screening_template(session):
    d = session.normal(session.draft())
    assert d.nodules == [] and d.sections["impression"] == "胸部CT平扫未见明显异常。"
    assert "未见明确实质性病灶" in d.sections["findings"]
    s = session.normal(session.draft(template="ldct_screening"))
    assert s.sections["impression"] == "低剂量CT肺癌筛查：双肺未见明确结节，C-Lung-RADS 0类（阴性）。"
    assert s.sections["recommendation"] == "12个月后继续年度低剂量CT筛查。"


def test_sign_off_rules(session, tmp_path):
    d = replace(session.draft(), author="张^明")
    assert check_filing(d, "preliminary") == "preliminary"
    with pytest.raises(SignOffError) as e:
        check_filing(d, "final")
    assert e.value.code == "no_verifier"
    with pytest.raises(SignOffError) as e:
        check_filing(replace(d, verifier="张 明"), "final")  # the same doctor, written differently
    assert e.value.code == "self_verify"
    assert check_filing(replace(d, verifier="张明"), "final", allow_self_verify=True) == "final"
    crit = replace(d, verifier="李^审核", critical=CriticalResult("右侧张力性气胸", told="急诊科 王护士"))
    with pytest.raises(SignOffError) as e:
        check_filing(crit, "final")
    assert e.value.code == "critical_record" and e.value.missing == ["how", "at"]
    assert check_filing(crit, "preliminary") == "preliminary"  # it goes out at once; final waits for the record
    with pytest.raises(SignOffError) as e:
        check_filing(replace(d, author=""), "preliminary")
    assert e.value.code == "no_author"
    with pytest.raises(SignOffError) as e:
        check_filing(replace(d, sections={**d.sections, "impression": " "}), "preliminary")
    assert e.value.code == "empty_sections"
    # One-doctor counties: the config allows it.
    one = ReportSession(session.ctx, _cfg(tmp_path, allow_self_verify=True))
    assert one.state_after(replace(d, verifier="张^明"), "final") == "final"


def test_report_json_takes_missing_sections_from_the_draft_and_refuses_bad_input(session):
    draft = session.draft()
    r = report_from_json({"template": "chest_ct", "stage": "final", "author": "张^明", "verifier": "李^审核",
                          "sections": {"impression": "右肺上野结节，建议随访。"}, "critical": None},
                         draft.study_uid, draft)
    assert r.sections["impression"] == "右肺上野结节，建议随访。"
    assert r.sections["findings"] == draft.sections["findings"] and r.nodules == draft.nodules
    for bad, words in [({"stage": "signed"}, "stage"), ({"sections": {"history": "x"}}, "unknown section"),
                       ({"critical": {"told": "x"}}, "critical"), ({"critical": {"finding": "x", "at": "noon"}}, "ISO"),
                       ({"template": "brain_mr"}, "template"), ({"author": 3}, "author"), ({"colour": 1}, "unknown field")]:
        with pytest.raises(ReportError, match=words):
            report_from_json(bad, draft.study_uid, draft)
    with pytest.raises(ReportError, match="not valid JSON"):
        report_from_json("{", draft.study_uid)
