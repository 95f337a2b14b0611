"""`tpacs worklist [--config FILE] [--json]`: the county worklist in the station's order (DESIGN.md)."""
from __future__ import annotations

import json
import sys


def _text_line(r) -> str:
    ai = "-" if r.ai_findings is None else f"{r.ai_findings} ({r.ai_category or '-'})"
    claimed = f" {r.claimed_by}" if r.claimed_by else ""
    when = r.received.strftime("%Y-%m-%d %H:%M") if r.received else "-"
    due = r.due.strftime("%Y-%m-%d %H:%M") if r.due else "-"
    return "\t".join([r.township or "-", r.patient_name or "-", r.patient_id or "-", r.modality or "-", when, due, ai,
                      r.state + claimed, r.study_uid])


def worklist_main(cfg: dict, as_json: bool = False, out=None) -> int:
    from county.worklist import Worklist

    if not cfg.get("county", {}).get("sources"):
        print("tpacs: error: no [[county.sources]] in the config: nothing to list", file=sys.stderr)
        return 2
    out = out or sys.stdout
    wl = Worklist(cfg)
    try:
        rows = wl.refresh()
    finally:
        wl.close()
    for name, why in wl.errors.items():
        print(f"tpacs: warning: source {name}: {why}", file=sys.stderr)
    if as_json:
        text = json.dumps({"studies": [r.to_json() for r in rows]}, ensure_ascii=False, indent=1)
    else:
        head = "\t".join(["township", "patient", "id", "modality", "received", "due", "ai", "state", "study_uid"])
        text = "\n".join([head] + [_text_line(r) for r in rows])
    data = (text + "\n").encode("utf-8")
    buf = getattr(out, "buffer", None)
    if buf is not None:  # UTF-8 whatever the console's locale says
        out.flush()
        buf.write(data)
        buf.flush()
    else:
        out.write(data.decode("utf-8"))
    return 1 if wl.errors and not rows else 0
