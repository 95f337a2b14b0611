"""Getting a signed report to the county PACS: which source holds the study, and storing the SR (and PDF)
there by way of the outbox (the files wait in `[reports] outbox` until the PACS has acknowledged them).
Shared by the report editor and `tpacs report`. GUI-free."""
from __future__ import annotations

from pathlib import Path

from reports.filing import FiledReport
from reports.model import ReportError


class DeliveryError(ReportError):
    """The report could not be stored on the county PACS; it waits in the outbox (the message says where)."""


def outbox_dir(cfg: dict) -> Path:
    """Where signed reports wait until the county PACS has them: `[reports] outbox`, else the data folder."""
    from dicom_node.config import user_data_dir

    configured = cfg.get("reports", {}).get("outbox")
    return Path(configured) if configured else user_data_dir() / "report_outbox"


def source_holding(sources, study_uid: str):
    """The first source that holds the study; None when none does. Raises DeliveryError when no source
    could even be asked."""
    from dicom_node.sources import SourceError

    errors = []
    for src in sources:
        try:
            if src.find_studies(study_uid=study_uid):
                return src
        except SourceError as exc:
            errors.append(str(exc))
    if errors and len(errors) == len(sources):
        raise DeliveryError("no county PACS could be asked: " + "; ".join(errors))
    return None


def deliver(filed: FiledReport, source, cfg: dict) -> list[str]:
    """Save the report's objects to the outbox, store them on `source`, and clear them from the outbox once
    stored. Returns the SOP Instance UIDs stored."""
    from dicom_node.sources import SourceError

    folder = outbox_dir(cfg) / str(filed.sr.StudyInstanceUID)
    paths = filed.save(folder)
    try:
        result = source.store(paths)
    except SourceError as exc:
        raise DeliveryError(f"{exc} (the report waits in {folder})") from exc
    if not result.ok:
        raise DeliveryError(f"{source.name} did not store the report (it waits in {folder}): "
                            + "; ".join(f"{k}: {v}" for k, v in result.failed.items()))
    for p in paths:
        p.unlink(missing_ok=True)
    if not any(folder.iterdir()):
        folder.rmdir()
    return list(result.stored)
