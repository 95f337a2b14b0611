"""Qt views of the reading screen: MPR views, radiograph view, overlays, ReadingWidget."""
from __future__ import annotations

import sys


def _pin_none() -> None:
    """Keep None alive for good under PySide6 on Python < 3.12.

    PySide6 6.12 drops one reference to None on every call of a C++ method that returns void
    (QPainter.drawLine, QPen.setCosmetic, ...): after a few hundred thousand drawing calls, i.e.
    a minute of scrolling, None's reference count reaches zero and the interpreter aborts with
    "none_dealloc: deallocating None". Python 3.12 made None immortal; this does the same by giving
    it a reference count that cannot run out.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython" or hasattr(sys, "gettotalrefcount"):
        return
    import ctypes

    cell = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt: the first field of a release build's PyObject
    if abs(cell.value - sys.getrefcount(None)) > 1000:  # not the layout we expect: leave it alone
        return
    cell.value += 1 << 40


_pin_none()
