"""Fixtures of the report tests (see helpers.py)."""
from tests.reports.helpers import ct_study_files  # noqa: F401
