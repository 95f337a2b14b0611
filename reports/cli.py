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
