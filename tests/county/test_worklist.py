"""The county Worklist logic (no GUI) over a real Orthanc: rows, township, AI columns, reading state,
urgency order with ageing (injected clock), filters, claims between two stations, the fetch cache."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from county.claims import ClaimConflict
from county.ordering import WorklistFilter
from tests.conftest import PROJECT_ROOT
from tests.county.conftest import CST, TOWN_A, TOWN_B, at, worklist
from tests.county.helpers import station_cfg

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("kind", ["dicomweb", "dicom"])
def test_rows_show_township_ai_and_state_in_urgency_order(county, tmp_path, kind):
    wl = worklist(county, tmp_path, kind, clock=lambda: at(11, 30))
    rows = wl.refresh()
    assert not wl.errors
    by = {r.study_uid: r for r in rows}
    u = county.uids
    assert [r.study_uid for r in rows] == [u["ct_a"], u["ct_b"], u["dx_b1"], u["dx_b2"]]
    a, b, d1, d2 = (by[u[k]] for k in ("ct_a", "ct_b", "dx_b1", "dx_b2"))
    assert (a.township, a.sending_ae) == (TOWN_A, "TOWN_A")
    assert (b.township, d1.township, d2.sending_ae) == (TOWN_B, TOWN_B, "TOWN_B")
    assert (a.ai_findings, a.ai_category) == (2, "4B") and (b.ai_findings, b.ai_category) == (1, "4A")
    assert d1.ai_findings is None and d1.ai_category == ""
    assert (a.state, d1.state, d2.state) == ("unread", "unread", "final")
    assert d2.patient_name == "赵丽" and a.modality == "CT" and d1.modality == "DX"
    assert a.received == dt.datetime(2026, 1, 1, 9, 40, tzinfo=CST)
    assert a.due == a.received + dt.timedelta(minutes=30)      # urgent: 4B
    assert b.due == b.received + dt.timedelta(minutes=240)     # CT
    assert d1.due == d1.received + dt.timedelta(minutes=120)   # DX
    js = a.to_json()
    assert js["received"] == "2026-01-01T09:40:00+08:00" and js["ai"] == {"findings": 2, "highest_category": "4B"}


def test_an_overdue_study_rises_above_newer_urgent_work(county, tmp_path):
    now = [at(11, 30)]
    wl = worklist(county, tmp_path, clock=lambda: now[0])
    u = county.uids
    order = [r.study_uid for r in wl.refresh()]
    assert order.index(u["ct_b"]) < order.index(u["dx_b1"])  # 4A before a radiograph 23 min overdue
    now[0] = at(13, 37)  # the radiograph is 150 min overdue: five ranks up, above the 4A
    order = [r.study_uid for r in wl.refresh()]
    assert order.index(u["dx_b1"]) < order.index(u["ct_b"])
    assert order[-1] == u["dx_b2"]  # final reports stay at the bottom
    wl0 = worklist(county, tmp_path, clock=lambda: now[0], ageing_step_min=0)  # pure priority order
    order = [r.study_uid for r in wl0.refresh()]
    assert order.index(u["ct_b"]) < order.index(u["dx_b1"])


def test_the_last_worklist_is_there_at_the_next_start(county, tmp_path):
    wl = worklist(county, tmp_path)
    first = wl.refresh()
    again = worklist(county, tmp_path)  # a new start of the station, same cache
    assert again.load_last() is not None
    assert [r.to_json() for r in again.rows] == [r.to_json() for r in first]
    assert again.rows[0].received == first[0].received and again.rows[0].township == first[0].township


def test_filters_and_search(county, tmp_path):
    wl = worklist(county, tmp_path)
    wl.refresh()
    u = county.uids
    assert {r.study_uid for r in wl.filtered(WorklistFilter(township=TOWN_A))} == {u["ct_a"]}
    assert {r.study_uid for r in wl.filtered(WorklistFilter(state="final"))} == {u["dx_b2"]}
    assert u["dx_b2"] not in {r.study_uid for r in wl.filtered(WorklistFilter(state="open"))}
    assert {r.study_uid for r in wl.filtered(WorklistFilter(modality="DX"))} == {u["dx_b1"], u["dx_b2"]}
    assert {r.study_uid for r in wl.filtered(WorklistFilter(text="赵丽"))} == {u["dx_b2"]}
    assert {r.study_uid for r in wl.filtered(WorklistFilter(text="赵^丽"))} == {u["dx_b2"]}
    assert wl.filtered(WorklistFilter(date_from="20260102")) == []
    assert wl.townships() == sorted([TOWN_A, TOWN_B]), [(r.township, r.institution, r.modality, r.patient_name) for r in wl.rows]


def test_a_claim_is_seen_by_the_other_station_and_expires(county, tmp_path):
    now = [at(10, 0)]
    one = worklist(county, tmp_path, station="READING1", clock=lambda: now[0])
    two = worklist(county, tmp_path, station="READING2", clock=lambda: now[0])
    u = county.uids["ct_a"]
    # Orthanc 1.10 has no labels (/system says no HasLabels): the claims go to the shared folder
    assert one.claim_stores["county-web"].kind == "folder"
    one.refresh()
    one.claim(u, "王^医生")
    row = next(r for r in two.refresh() if r.study_uid == u)
    assert (row.state, row.claimed_by, row.claimed_station) == ("claimed", "王^医生", "READING1")
    with pytest.raises(ClaimConflict) as err:
        two.claim(u, "张^医生")
    assert err.value.claim.reader == "王^医生"
    now[0] += 300
    one.claim(u, "王^医生")  # renewed while the study is open
    now[0] += 400           # 700 s after the first claim, 400 s after the renewal: still held
    with pytest.raises(ClaimConflict):
        two.claim(u, "张^医生")
    now[0] += 300           # station 1 crashed: no renewal for longer than claim_ttl_s (600 s)
    row = next(r for r in two.refresh() if r.study_uid == u)
    assert row.state == "unread" and row.claimed_by == ""
    two.claim(u, "张^医生")
    assert next(r for r in one.refresh() if r.study_uid == u).claimed_by == "张^医生"
    assert two.release(u, "张^医生")
    assert next(r for r in one.refresh() if r.study_uid == u).state == "unread"


def test_cache_is_bounded_keeps_unsaved_work_and_prefetches(county, tmp_path):
    tick = iter(range(10 ** 6))
    wl = worklist(county, tmp_path, prefetch=2, clock=lambda: at(10, 0) + next(tick))
    rows = wl.refresh()
    u = county.uids
    sizes = {}
    for key in ("ct_a", "ct_b", "dx_b1"):
        wl.fetch(u[key])
        sizes[key] = wl.cache.total_bytes() - sum(sizes.values())
    assert set(wl.cache.studies()) >= {u["ct_a"], u["ct_b"], u["dx_b1"]}
    wl.cache.pin(u["ct_a"])  # a review is open on CT-A, unsaved
    wl.cache.max_bytes = sizes["dx_b1"] + sizes["ct_a"] + 1
    evicted = wl.cache.make_room()
    assert u["ct_b"] in evicted and u["ct_a"] not in evicted  # least recently used, not the pinned one
    assert u["dx_b1"] not in evicted  # the most recently used stays
    assert not wl.cache.folder(u["ct_b"]).exists() and wl.cache.folder(u["ct_a"]).is_dir()
    wl.cache.max_bytes = 1
    assert u["ct_a"] not in wl.cache.make_room()  # pinned: never evicted
    wl.cache.pin(u["ct_a"], False)
    wl.cache.max_bytes = 10 ** 12
    # prefetch: opening the first study fetches the next unread ones in the background
    nxt = wl.prefetch_after(rows[0].study_uid)
    assert nxt == [r.study_uid for r in rows[1:] if r.state == "unread"][:2]
    assert wl.cache.wait_prefetch(60)
    for uid in nxt:
        assert wl.cache.is_complete(uid)


def test_tpacs_worklist_json(county, tmp_path):
    import tomli_w

    cfg = station_cfg(county, "dicomweb")
    cfg["county"].update({"worklist_days": 0, "cache_dir": str(tmp_path / "cache"),
                          "claims_dir": str(county.tmp / "claims")})
    path = tmp_path / "station.toml"
    path.write_bytes(tomli_w.dumps(cfg).encode())
    res = subprocess.run([sys.executable, "-m", "viewer", "worklist", "--config", str(path), "--json"],
                         capture_output=True, cwd=PROJECT_ROOT, timeout=120)
    assert res.returncode == 0, res.stderr.decode()
    doc = json.loads(res.stdout.decode("utf-8"))
    studies = doc["studies"]
    assert {s["study_uid"] for s in studies} == set(county.uids.values())
    first = studies[0]
    assert set(first) == {"study_uid", "township", "patient_name", "patient_id", "modality", "received", "due",
                          "ai", "state", "claimed_by"}
    assert studies[-1]["study_uid"] == county.uids["dx_b2"] and studies[-1]["state"] == "final"
    assert "赵丽" in res.stdout.decode("utf-8")  # UTF-8, not escaped
    dt.datetime.fromisoformat(first["received"])
    dt.datetime.fromisoformat(first["due"])
    text = subprocess.run([sys.executable, "-m", "viewer", "worklist", "--config", str(path)],
                          capture_output=True, cwd=PROJECT_ROOT, timeout=120)
    assert text.returncode == 0 and TOWN_A in text.stdout.decode("utf-8")
