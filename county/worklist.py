"""The county Worklist: every study of every county PACS source in a date range, in reading order.

`Worklist(cfg)` builds its sources (`[[county.sources]]`), the fetch cache and one claim store per source.
`refresh()` asks each PACS for its studies (`[county] worklist_days` back) and for their SR instances in
a few batched queries, reads the SRs it has not seen (cached for good), and returns the ordered rows.
`refresh(read_srs=False)` stops before reading new SRs: the station draws that first screen at once and
completes it with a second call.

Township attribution: InstitutionName of the study, else the StationName of its SRs, else the AE that
sent it. The sending AE comes from the File Meta's Source Application Entity Title (0002,0016) where the
PACS keeps it in the files it serves by WADO-RS, else, for an Orthanc, from the instance metadata
"RemoteAET" that Orthanc records on reception (its REST API; cached per study).

Claims and fetching go through the same object, so the GUI and `tpacs worklist` share one logic.
GUI-free; the clock is injectable (tests check the ageing rule with it).
"""
from __future__ import annotations

import datetime as _dt
import logging
import time
from pathlib import Path
from typing import Callable

from county import srfacts
from county.cache import FetchCache
from county.claims import Claim, ClaimConflict, ClaimStore, claim_store, orthanc_rest_for  # noqa: F401
from county.ordering import WorklistFilter, WorklistRow, make_row, order
from dicom_node.sources import RemoteSource, sources_from_config
from dicom_objects.values import NON_IMAGE_MODALITIES

log = logging.getLogger(__name__)


class Worklist:
    def __init__(self, cfg: dict, sources: list[RemoteSource] | None = None, cache: FetchCache | None = None,
                 clock: Callable[[], float] = time.time, tz: _dt.tzinfo | None = None):
        self.cfg = cfg
        self.ccfg = cfg.get("county", {})
        self.clock = clock
        self.tz = tz
        self.station = str(cfg.get("node", {}).get("ae_title", ""))
        self.sources = sources if sources is not None else sources_from_config(cfg)
        self.entries = {e.get("name"): e for e in self.ccfg.get("sources", []) or []}
        self.cache = cache or FetchCache.from_config(cfg, clock)
        self.claim_stores: dict[str, ClaimStore] = {}
        for src in self.sources:
            self.claim_stores[src.name] = claim_store(cfg, self.entries.get(src.name, {}), src, clock,
                                                      default_dir=self.cache.root / "claims")
        self._rest = {s.name: orthanc_rest_for(self.entries.get(s.name, {}), s) for s in self.sources}
        self.rows: list[WorklistRow] = []
        self.errors: dict[str, str] = {}  # source name -> why its studies are missing from the list

    def now(self) -> _dt.datetime:
        t = _dt.datetime.fromtimestamp(self.clock(), tz=_dt.timezone.utc)
        return t.astimezone(self.tz) if self.tz is not None else t.astimezone()

    def source(self, name: str) -> RemoteSource:
        return next(s for s in self.sources if s.name == name)

    # ------------------------------------------------------------------------------------ refresh
    def refresh(self, read_srs: bool = True) -> list[WorklistRow]:
        days = float(self.ccfg.get("worklist_days", 7))
        date_from = (self.now() - _dt.timedelta(days=days)).strftime("%Y%m%d") if days > 0 else None
        parallel = int(self.ccfg.get("fetch_parallel", 4))
        rows: list[WorklistRow] = []
        self.errors = {}
        for src in self.sources:
            try:
                studies = src.find_studies(date_from=date_from)
                srs = src.find_instances_of_studies([s.study_uid for s in studies], modality="SR",
                                                    keys=srfacts.SR_QUERY_KEYS)
                if read_srs:
                    facts = srfacts.resolve(src, self.cache, srs, parallel=parallel)
                else:
                    known = self.cache.sr_facts([str(r.SOPInstanceUID) for v in srs.values() for r in v])
                    facts = {u: {str(r.SOPInstanceUID): known[str(r.SOPInstanceUID)] for r in v
                                 if str(r.SOPInstanceUID) in known} for u, v in srs.items()}
                places = self._places(src, [s.study_uid for s in studies], lookup=read_srs)
                aes = self._sending_aes(src, [s.study_uid for s in studies], lookup=read_srs)
                claims = self.claim_stores[src.name].claims()
            except Exception as exc:  # noqa: BLE001 - one PACS down must not empty the whole list
                log.warning("worklist: %s: %s", src.name, exc)
                self.errors[src.name] = str(exc)
                continue
            for st in studies:
                state, ai, station, institution, source_ae = srfacts.study_summary(facts.get(st.study_uid, {}))
                place = places.get(st.study_uid) or {}
                # the images' institution and station (a report SR filed by the county carries the county's)
                st.institution_name = place.get("institution") or institution or st.institution_name
                station = place.get("station") or station
                ae = source_ae or aes.get(st.study_uid, "")
                row = make_row(st, ccfg=self.ccfg, report_state=state, ai=ai, claim=claims.get(st.study_uid),
                               station=station, sending_ae=ae, tz=self.tz)
                if place.get("images"):  # the images, not the AI's SR/SEG/GSPS or the reports
                    row.images = int(place["images"])
                rows.append(row)
        self.rows = order(rows, self.now(), float(self.ccfg.get("ageing_step_min", 30)))
        if read_srs and not self.errors:
            self._keep_last()
        return self.rows

    # ------------------------------------------------------------------------------------ last list
    def _keep_last(self) -> None:
        """The last complete worklist, so that the station shows it the moment it starts."""
        import json
        import os

        path = self.cache.root / "last_worklist.json"
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps({"at": self.clock(), "rows": [r.to_state() for r in self.rows]},
                                      ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            log.info("last worklist not kept: %s", exc)

    def load_last(self) -> float | None:
        """Rows of the last complete refresh (reordered for now); returns when it was made, None if never.
        Claims and states may have moved since: the station shows this at once and refreshes."""
        import json

        path = self.cache.root / "last_worklist.json"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            rows = [WorklistRow.from_state(d) for d in doc["rows"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.rows = order(rows, self.now(), float(self.ccfg.get("ageing_step_min", 30)))
        return float(doc.get("at", 0))

    def _places(self, src: RemoteSource, study_uids: list[str], lookup: bool) -> dict[str, dict]:
        """{study_uid: {"institution", "station"}} of the studies' image series (kept for good)."""
        out, todo = {}, []
        for uid in study_uids:
            facts = self.cache.study_facts(uid) or {}
            if "institution" in facts:
                out[uid] = facts
            else:
                todo.append(uid)
        if not todo or not lookup:
            return out
        for uid, series in src.find_series_of_studies(todo).items():
            images = [s for s in series if str(s.get("Modality", "")) not in NON_IMAGE_MODALITIES] or series
            if not images:
                continue
            facts = dict(self.cache.study_facts(uid) or {})
            facts["institution"] = next((str(s.InstitutionName) for s in images if s.get("InstitutionName")), "")
            facts["station"] = next((str(s.StationName) for s in images if s.get("StationName")), "")
            facts["images"] = sum(int(s.get("NumberOfSeriesRelatedInstances", 0) or 0) for s in series
                                  if str(s.get("Modality", "")) not in NON_IMAGE_MODALITIES)
            self.cache.put_study_facts(uid, facts)
            out[uid] = facts
        return out

    def _sending_aes(self, src: RemoteSource, study_uids: list[str], lookup: bool) -> dict[str, str]:
        """{study_uid: sending AE} from what is kept, and (lookup) from the PACS for the others, in parallel."""
        out, todo = {}, []
        for uid in study_uids:
            facts = self.cache.study_facts(uid) or {}
            if "sending_ae" in facts:
                out[uid] = facts["sending_ae"]
            else:
                todo.append(uid)
        rest = self._rest.get(src.name)
        if todo and lookup and rest is not None:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max(1, int(self.ccfg.get("fetch_parallel", 4))),
                                    thread_name_prefix="county-ae") as pool:
                out.update(zip(todo, pool.map(lambda u: self._sending_ae(rest, u), todo)))
        return out

    def _sending_ae(self, rest, study_uid: str) -> str:
        ae = ""
        try:
            hits = rest.post("/tools/find", ('{"Level": "Instance", "Limit": 1, "Query": {"StudyInstanceUID": "%s"}}'
                                             % study_uid).encode())
            if hits:
                raw = rest.get(f"/instances/{hits[0]}/metadata/RemoteAET")
                ae = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
        except Exception as exc:  # noqa: BLE001 - attribution is a convenience; institution usually says it
            log.debug("no sending AE for %s: %s", study_uid, exc)
            return ""
        self.cache.put_study_facts(study_uid, {**(self.cache.study_facts(study_uid) or {}), "sending_ae": ae.strip()})
        return ae.strip()

    def filtered(self, flt: WorklistFilter | None) -> list[WorklistRow]:
        return [r for r in self.rows if flt is None or flt.matches(r)]

    def townships(self) -> list[str]:
        return sorted({r.township for r in self.rows if r.township})

    def row(self, study_uid: str) -> WorklistRow | None:
        return next((r for r in self.rows if r.study_uid == study_uid), None)

    # ------------------------------------------------------------------------------------ claims
    def claim(self, study_uid: str, reader: str) -> Claim:
        """Claim a study for `reader` at this station (renews one's own claim); ClaimConflict if taken."""
        row = self.row(study_uid)
        store = self.claim_stores[row.source if row else self.sources[0].name]
        c = store.claim(study_uid, reader, self.station)
        if row is not None and row.state not in ("final", "amended"):
            row.state, row.claimed_by, row.claimed_station = "claimed", c.reader, c.station
        return c

    def release(self, study_uid: str, reader: str) -> bool:
        row = self.row(study_uid)
        store = self.claim_stores[row.source if row else self.sources[0].name]
        done = store.release(study_uid, reader, self.station)
        if done and row is not None and row.state == "claimed":
            row.state, row.claimed_by, row.claimed_station = row.report_state, "", ""
        return done

    # ------------------------------------------------------------------------------------ fetching
    def fetch(self, study_uid: str, progress=None) -> Path:
        """Fetch the study into the cache (resuming what is there); returns its folder."""
        row = self.row(study_uid)
        src = self.source(row.source) if row else self.sources[0]
        self.cache.fetch(src, study_uid, progress=progress)
        return self.cache.folder(study_uid)

    def next_to_read(self, after_uid: str | None, n: int, flt: WorklistFilter | None = None) -> list[WorklistRow]:
        """The next `n` studies after `after_uid` in the current order that nobody reads yet."""
        rows = self.filtered(flt)
        start = next((i + 1 for i, r in enumerate(rows) if r.study_uid == after_uid), 0)
        return [r for r in rows[start:] if r.state in ("unread", "preliminary")][:n]

    def prefetch_after(self, study_uid: str | None, flt: WorklistFilter | None = None) -> list[str]:
        n = int(self.ccfg.get("prefetch", 2))
        uids = []
        for r in self.next_to_read(study_uid, n, flt):
            self.cache.prefetch(self.source(r.source), [r.study_uid])
            uids.append(r.study_uid)
        return uids

    def close(self) -> None:
        for s in self.sources:
            s.close()
