"""Peak memory of one process, measured as that process's own.

`resource.getrusage(...).ru_maxrss` is not the process it seems to name: Linux keeps the largest RSS
across exec, so a child started from a benchmark that once held 1.7 GiB reports 1.7 GiB whatever it
does itself (bench_viewer printed the same 1762 MiB for three different loaders). Here the peak is the
kernel's high-water mark of the process's current address space (`VmHWM`), reset first where the kernel
allows it (`/proc/PID/clear_refs`), so that it counts only what happened since.
"""
from __future__ import annotations

import os


def _status(pid: int | str, field: str) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def rss(pid: int | str = "self") -> int:
    """Resident bytes now."""
    return _status(pid, "VmRSS")


def reset_peak(pid: int | str = "self") -> bool:
    """Start the high-water mark again from the current RSS (Linux >= 4.0); False when not allowed."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak(pid: int | str = "self") -> int:
    """The process's own peak resident bytes (since reset_peak, or since its exec)."""
    return _status(pid, "VmHWM")


def tree_pids(pid: int) -> list[int]:
    """`pid` and its descendants (for a node with receiving child processes)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return out


if os.name != "posix" or not os.path.exists("/proc/self/status"):  # pragma: no cover - Linux only
    raise ImportError("peak_memory needs Linux /proc")
