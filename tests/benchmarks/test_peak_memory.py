"""Issue 15.13: a benchmark's peak memory is the process it names. A loader started from a parent that
once held 400 MB reports its own ~60 MB, not the parent's high-water mark (what ru_maxrss gives, and
why bench_viewer printed one figure for three different loaders)."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import PROJECT_ROOT

PARENT = r"""
import json, subprocess, sys
big = bytearray(400 * 2**20)
for i in range(0, len(big), 4096):
    big[i] = 1
del big  # gone, but the parent's high-water mark stays
child = r'''
import json, resource, sys
sys.path.insert(0, sys.argv[1])
from benchmarks.peak_memory import peak, reset_peak, rss
base = rss()
assert reset_peak()
data = bytearray(60 * 2**20)
for i in range(0, len(data), 4096):
    data[i] = 1
print(json.dumps({"own": peak() - base, "ru_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
'''
print(subprocess.run([sys.executable, "-c", child, sys.argv[1]], capture_output=True, text=True, check=True).stdout)
"""


def test_a_childs_peak_is_its_own():
    out = subprocess.run([sys.executable, "-c", PARENT, str(PROJECT_ROOT)], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    fig = json.loads(out.strip().splitlines()[-1])
    mib = 2 ** 20
    assert 55 * mib <= fig["own"] < 120 * mib, fig  # the 60 MB the child itself touched
    assert fig["ru_maxrss"] > 350 * mib, fig  # what the old figure reported: the parent's 400 MB
