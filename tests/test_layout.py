"""The house rules that keep the layout easy to live in (DESIGN.md): nothing imports `viewer`, and no Qt
outside the GUI - logic (viewer/logic included) runs and is tested without a screen."""
from __future__ import annotations

import ast

import pytest

from tests.conftest import PROJECT_ROOT

LOGIC_PACKAGES = ["ai_models", "county", "dicom_node", "dicom_objects", "reports", "viewer/logic"]


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("package", LOGIC_PACKAGES)
def test_logic_imports_neither_the_viewer_nor_qt(package):
    bad = []
    for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in ("PySide6", "shiboken6") or (top == "viewer" and not name.startswith("viewer.logic")) or \
                    (top == "viewer" and package != "viewer/logic"):
                bad.append(f"{path.relative_to(PROJECT_ROOT)} imports {name}")
    assert bad == []
