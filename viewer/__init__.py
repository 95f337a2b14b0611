"""The township-pacs desktop workstation (PySide6 + VTK) and the `tpacs` command line."""

__version__ = "0.1.0"
