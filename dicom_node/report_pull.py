"""The way home, at the township: reports of the studies this node forwarded, from the county PACS.

`attach(node)` (Node.start) gives the node its ReportInbox (dicom_node.report_inbox), which also takes
reports the county pushes by C-STORE.
"""
from __future__ import annotations

from dicom_node.report_inbox import ReportInbox


def attach(node) -> ReportInbox:
    node.report_inbox = ReportInbox(node.archive, node.cfg)
    return node.report_inbox
