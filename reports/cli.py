"""`tpacs reports` (the township's received reports) and `tpacs report STUDY_UID --from REPORT.json` (filing at
the county, as the editor would). DESIGN.md has the contract; refusals exit non-zero with the reason."""
from __future__ import annotations

import json
import sys

STATE_WORDS = {"preliminary": "初步 preliminary", "final": "终审 final", "amended": "更正 amended"}


def reports_main(cfg: dict, as_json: bool = False, out=None) -> int:
    """List the reports this township received, critical ones first, then newest first."""
    from dicom_node.archive import Archive
    from dicom_node.config import storage_path
    from dicom_node.report_inbox import ReportInbox

    out = out or sys.stdout
    inbox = ReportInbox(Archive(storage_path(cfg)), cfg)
    rows = inbox.reports()
    if as_json:
        json.dump({"reports": [r.to_json_dict() for r in rows]}, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    if not rows:
        out.write("no reports received\n")
        return 0
    from reports.study import person_name

    for r in rows:
        d = r.to_json_dict()
        mark = "危急值 CRITICAL  " if r.critical else ""
        out.write(f"{mark}{STATE_WORDS.get(r.state, r.state):<14} {person_name(r.patient_name) or '?':<8} {r.study_uid}  "
                  f"{person_name(r.author)} / {person_name(r.verifier) or '-'}  {d['received_at']}\n")
    return 0


class _Refused(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def file_report(cfg: dict, study_uid: str, data, out=None) -> dict:
    """File a report as the editor would: fetch the study, draft from its AI findings, fill in REPORT.json,
    apply the sign-off rules, store the SR (and PDF) on the county PACS. Returns what was filed."""
    from county.cache import FetchCache
    from dicom_node.sources import SourceError, sources_from_config
    from reports.delivery import DeliveryError, deliver, source_holding
    from reports.filing import ReportSession
    from reports.model import ReportError, report_from_json
    from reports.signoff import SignOffError
    from reports.study import StudyContext

    try:
        report_from_json(data, study_uid)  # bad input is refused before anything goes over the network
    except ReportError as exc:
        raise _Refused(2, str(exc)) from exc
    sources = sources_from_config(cfg)
    if not sources:
        raise _Refused(2, "no county PACS in the config ([[county.sources]])")
    try:
        src = source_holding(sources, study_uid)
        if src is None:
            raise _Refused(2, f"unknown study {study_uid}: no county PACS in the config holds it")
        cache = FetchCache.from_config(cfg)
        cache.fetch(src, study_uid)  # the station's cache: what is there already is not fetched again
        ctx = StudyContext.from_folder(cache.folder(study_uid))
        session = ReportSession(ctx, cfg)
        report = report_from_json(data, study_uid, session.draft(template=data.get("template") or None,
                                                                 system=data.get("category_system") or None,
                                                                 language=data.get("language") or None))
        try:
            filed = session.file(report, report.stage)
        except SignOffError as exc:
            raise _Refused(3, str(exc)) from exc
        deliver(filed, src, cfg)
        return {"study_uid": study_uid, "state": filed.state, "sr": str(filed.sr.SOPInstanceUID),
                "pdf": str(filed.pdf.SOPInstanceUID) if filed.pdf is not None else None, "pacs": src.name}
    except (SourceError, DeliveryError) as exc:
        raise _Refused(4, str(exc)) from exc
    finally:
        for s in sources:
            s.close()


def report_main(cfg: dict, study_uid: str, report_json, out=None, err=None) -> int:
    """`tpacs report STUDY_UID --from REPORT.json`: 0 filed; 2 bad input or unknown study; 3 refused by
    the sign-off rules; 4 the county PACS could not be reached or did not store it."""
    from pathlib import Path

    out, err = out or sys.stdout, err or sys.stderr
    try:
        text = Path(report_json).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err.write(f"tpacs report: error: cannot read {report_json}: {exc}\n")
        return 2
    try:
        data = json.loads(text)
    except ValueError as exc:
        err.write(f"tpacs report: error: {report_json} is not valid JSON: {exc}\n")
        return 2
    try:
        result = file_report(cfg, study_uid, data)
    except _Refused as exc:
        err.write(f"tpacs report: refused: {exc}\n")
        return exc.code
    json.dump(result, out, ensure_ascii=False)
    out.write("\n")
    return 0
