"""Turnaround per township and exam type: median and 90th percentile, the overdue list, CSV."""
from __future__ import annotations

import csv
import io

from reports.turnaround import TurnaroundRecord, overdue, percentile, summarize, to_csv

H = 3600.0


def _records():
    recs = []
    # 清水镇 CT: ten finals taking 10..100 minutes; one CT still waiting 5 h; 石桥乡 DX: two finals, one waiting.
    for i in range(10):
        recs.append(TurnaroundRecord(f"1.{i}", "清水镇卫生院", "CT", arrived_at=1000.0 * i, final_at=1000.0 * i + 600 * (i + 1)))
    recs.append(TurnaroundRecord("1.10", "清水镇卫生院", "CT", arrived_at=100_000.0 - 5 * H, patient="王小明"))
    recs.append(TurnaroundRecord("2.0", "石桥乡卫生院", "DX", arrived_at=0.0, final_at=1800.0))
    recs.append(TurnaroundRecord("2.1", "石桥乡卫生院", "DX", arrived_at=0.0, final_at=5400.0))
    recs.append(TurnaroundRecord("2.2", "石桥乡卫生院", "DX", arrived_at=100_000.0 - 1 * H))
    return recs


def test_median_and_90th_percentile_per_township_and_exam():
    rows = {(r.township, r.exam): r for r in summarize(_records())}
    ct = rows[("清水镇卫生院", "CT")]
    assert (ct.studies, ct.final) == (11, 10)
    assert ct.median_s == 3300.0           # (50 + 60 min) / 2
    assert ct.p90_s == 5400.0              # nearest rank: the 9th of 10
    dx = rows[("石桥乡卫生院", "DX")]
    assert (dx.studies, dx.final, dx.median_s, dx.p90_s) == (3, 2, 3600.0, 5400.0)
    assert percentile([], 90) is None and percentile([7.0], 90) == 7.0


def test_overdue_list_uses_each_exam_types_target():
    late = overdue(_records(), now=100_000.0, targets_s={"CT": 4 * H, "DX": 2 * H})
    assert [o.record.study_uid for o in late] == ["1.10"]   # DX waited 1 h of its 2 h: not overdue yet
    assert late[0].waited_s == 5 * H and late[0].due_at == 100_000.0 - H
    assert [o.record.study_uid for o in overdue(_records(), 100_000.0, {"CT": 4 * H}, default_s=0.5 * H)] == ["1.10", "2.2"]


def test_csv_export_reads_back():
    recs = _records()
    text = to_csv(summarize(recs), overdue(recs, 100_000.0, {"CT": 4 * H}))
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["township", "exam", "studies", "final", "median_min", "p90_min"]
    assert lines[1] == ["清水镇卫生院", "CT", "11", "10", "55.0", "90.0"]
    blank = lines.index([])
    assert lines[blank + 1][0] == "overdue_study_uid" and lines[blank + 2][:4] == ["1.10", "清水镇卫生院", "CT", "王小明"]
    assert lines[blank + 2][-1] == "300.0"
