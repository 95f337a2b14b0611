"""What the worklist needs from a study's SR instances: the report state and the AI summary.

The report state comes from `reports.state.study_report_state` over the SR headers (REPORT_KEYS). The
AI columns (number of findings, the highest category) come from the township's AI SR (TID 1500 written by
dicom_objects.measurement_report_reader; a reader's review SR is not the AI's). The PACS is asked for the SR instances
of many studies at once with REPORT_KEYS as return keys; where it leaves a key out (Orthanc's C-FIND
returns no sequences), or where the SR is an AI SR (its content is needed), the SR itself (small) is
retrieved into the study's cache folder - where the reading view will find it - and read. What was
learnt is kept per SOP Instance UID in the cache's index: an instance never changes.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import pydicom
from pydicom.dataset import Dataset

from ai_models.findings import urgency_rank
from reports.state import is_report, study_report_state

log = logging.getLogger(__name__)

REPORT_KEYS = ("ConceptNameCodeSequence", "CompletionFlag", "VerificationFlag", "ContentDate", "ContentTime",
               "InstanceNumber", "VerifyingObserverSequence")
SR_QUERY_KEYS = REPORT_KEYS + ("SeriesDescription",)
MEASUREMENT_REPORT = ("126000", "DCM")  # TID 1500 "Imaging Measurement Report"


def _concept(ds) -> tuple[str, str]:
    seq = ds.get("ConceptNameCodeSequence") or []
    if not seq:
        return "", ""
    return str(seq[0].get("CodeValue", "")), str(seq[0].get("CodingSchemeDesignator", ""))


def _header_json(ds) -> dict:
    out = Dataset()
    for kw in ("SOPInstanceUID",) + REPORT_KEYS:
        if kw in ds:
            out[kw] = ds[kw]
    return out.to_json_dict()


def ai_summary(ds: Dataset) -> dict | None:
    """{"findings": N, "highest_category": "4B" | "mass" | "", "rank": r, "model": "name version"} of an
    AI SR (TID 1500, not a reader's review); None for any other SR."""
    from dicom_objects.measurement_report_reader import findings_from_sr, is_review_sr

    if _concept(ds) != MEASUREMENT_REPORT or is_review_sr(ds):
        return None
    try:
        report = findings_from_sr(ds)
    except ValueError:
        return None
    best = max(report.findings, key=lambda f: urgency_rank(f.kind, f.lung_rads), default=None)
    rank = urgency_rank(best.kind, best.lung_rads) if best is not None else 0
    category = ("mass" if best.kind == "mass" else best.lung_rads) if best is not None and rank else ""
    return {"findings": len(report.findings), "highest_category": category, "rank": rank,
            "model": f"{report.model.name} {report.model.version}".strip(),
            "when": str(ds.get("ContentDate", "")) + str(ds.get("ContentTime", ""))}


def facts_of(ds: Dataset) -> dict:
    """Everything the worklist keeps about one SR instance."""
    facts = {"header": _header_json(ds), "ai": ai_summary(ds),
             "station": str(ds.get("StationName", "") or ""),
             "institution": str(ds.get("InstitutionName", "") or "")}
    meta = getattr(ds, "file_meta", None)
    if meta is not None and meta.get("SourceApplicationEntityTitle"):
        facts["source_ae"] = str(meta.SourceApplicationEntityTitle).strip()
    return facts


def _row_is_enough(row: Dataset) -> bool:
    """A query row that carries the report keys, for an SR that is a report (no content needed)."""
    return "ConceptNameCodeSequence" in row and bool(row.ConceptNameCodeSequence) and is_report(row)


def resolve(source, cache, sr_rows: dict[str, list[Dataset]], parallel: int = 4) -> dict[str, dict[str, dict]]:
    """{study_uid: {sop_uid: facts}} for the SR rows of each study (from the cache, the row, or the SR)."""
    all_uids = [str(r.SOPInstanceUID) for rows in sr_rows.values() for r in rows]
    known = cache.sr_facts(all_uids)
    out: dict[str, dict[str, dict]] = {u: {} for u in sr_rows}
    todo: dict[str, list[str]] = {}
    new: dict[str, tuple[str, dict]] = {}
    for study_uid, rows in sr_rows.items():
        for r in rows:
            uid = str(r.SOPInstanceUID)
            if uid in known:
                out[study_uid][uid] = known[uid]
            elif _row_is_enough(r):
                f = {"header": _header_json(r), "ai": None, "station": "", "institution": ""}
                out[study_uid][uid] = f
                new[uid] = (study_uid, f)
            else:
                todo.setdefault(study_uid, []).append(uid)

    def read(study_uid: str) -> dict[str, dict]:
        got = {}
        try:
            cache.fetch(source, study_uid, sop_uids=todo[study_uid])
        except Exception as exc:  # noqa: BLE001 - the row shows what is known; the next refresh tries again
            log.info("SR headers of %s from %s not read: %s", study_uid, source.name, exc)
        for uid in todo[study_uid]:
            path = cache.folder(study_uid) / f"{uid}.dcm"
            if not path.is_file():
                continue
            try:
                got[uid] = facts_of(pydicom.dcmread(path))
                if source.kind != "dicomweb":  # a C-GET copy's File Meta names the PACS, not the township
                    got[uid].pop("source_ae", None)
            except Exception as exc:  # noqa: BLE001
                log.info("SR %s unreadable: %s", path, exc)
        return got

    if todo:
        with ThreadPoolExecutor(max(1, parallel), thread_name_prefix="county-sr") as pool:
            for study_uid, got in zip(todo, pool.map(read, list(todo))):
                for uid, f in got.items():
                    out[study_uid][uid] = f
                    new[uid] = (study_uid, f)
    if new:
        cache.put_sr_facts(new)
    return out


def study_summary(facts: dict[str, dict]):
    """(ReportState, AI summary or None, station, institution, source AE) of one study's SR facts."""
    headers = [Dataset.from_json(f["header"]) for f in facts.values() if f.get("header")]
    state = study_report_state(headers)
    ais = [f["ai"] for f in facts.values() if f.get("ai")]
    ai = max(ais, key=lambda a: a.get("when", "")) if ais else None
    # place names only from the township's own SRs (its AI SR): a report filed at the county names the county
    station = next((f["station"] for f in facts.values() if f.get("station") and f.get("ai")), "")
    institution = next((f["institution"] for f in facts.values() if f.get("institution") and f.get("ai")), "")
    source_ae = next((f["source_ae"] for f in facts.values() if f.get("source_ae")), "")
    return state, ai, station, institution, source_ae
