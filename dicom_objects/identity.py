"""What every object township-pacs writes shares: manufacturer, character set, software version, new UIDs,
series numbers, and the identity/equipment attributes of a new series in the source study."""
from __future__ import annotations

from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

MANUFACTURER = "township-pacs"
CHARSET = "ISO_IR 192"
# Series numbers of the objects we add to a study: high, so they sort after the scanner's series.
SERIES_NUMBER_SR, SERIES_NUMBER_SEG, SERIES_NUMBER_GSPS, SERIES_NUMBER_REVIEW = 901, 902, 903, 904
SERIES_NUMBER_REPORT, SERIES_NUMBER_REPORT_PDF = 905, 906


def software_version() -> str:
    try:
        from importlib.metadata import version

        return version("township-pacs")
    except Exception:  # running from a source tree without metadata
        return "0.1.0"


def fix_charset(ds: Dataset) -> Dataset:
    """Store text as UTF-8: highdicom copies the source's character set (often GB18030)."""
    ds.SpecificCharacterSet = CHARSET
    return ds


class Uids:
    """New UIDs: random, or derived from a seed so that a re-run makes the very same UIDs."""

    def __init__(self, seed: str | None):
        self.seed, self.n = seed, 0

    def __call__(self) -> str:
        self.n += 1
        return generate_uid(entropy_srcs=[self.seed, str(self.n)]) if self.seed else generate_uid()


def new_object_identity(m, series_number: int, uid) -> dict:
    """The new series/instance UIDs (series first, then instance: the order keeps seeded UIDs stable) and
    the equipment attributes shared by the SEG and the GSPS."""
    return dict(series_instance_uid=uid(), series_number=series_number, sop_instance_uid=uid(), instance_number=1,
                manufacturer=MANUFACTURER,
                manufacturer_model_name=f"{m.name} {m.version}".strip() or "lung nodule model",
                software_versions=software_version(), device_serial_number="0")

