"""Claims: "being read by Dr Wang" - one reading state for every station that reads the same PACS.

A claim has a reader, the station that made it and an expiry (`[county] claim_ttl_s`): a station renews
its claim while the study is open, so the claim of a station that crashed runs out by itself. Claims
live where every station sees them, in this order of preference (`[county] claims = "auto"`):

* **Orthanc labels** (Orthanc 1.12+, through its REST API): a label on the study,
  ``tpacs-claim-<expiry epoch>-<station AE>-<reader, UTF-8 hex>`` (labels allow only letters, digits,
  "-" and "_"). Used when the source's Orthanc REST root is known (`orthanc_url` in the source entry,
  or the parent of a DICOMweb url) and `/system` says the database has labels.
* **A shared folder** (`[county] claims_dir`, e.g. a share every reading station mounts): one small
  JSON file per claimed study, created atomically (O_EXCL; an expired or own claim is replaced by an
  atomic rename). Without `claims_dir` the folder is local to this station (the log says so).

DICOM UPS (Unified Procedure Step) workitems would be the standard's way; the PACS in use here
(Orthanc) has none, so no UPS store is implemented (see the report of issue 13).

Two stations claiming at once: each writes, then reads back; the earliest unexpired claim wins (ties by
station, then reader), and the loser withdraws and gets `ClaimConflict`.
"""
from __future__ import annotations

import json
import logging
import os
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

LABEL_PREFIX = "tpacs-claim-"


class ClaimConflict(Exception):
    """The study is already being read by someone else; `.claim` says who."""

    def __init__(self, claim: "Claim"):
        super().__init__(f"study {claim.study_uid} is being read by {claim.reader} ({claim.station})")
        self.claim = claim


@dataclass(frozen=True)
class Claim:
    study_uid: str
    reader: str     # as the reader signs (DICOM PN or plain text)
    station: str    # the claiming station's AE title
    claimed_at: float
    expires_at: float

    def active(self, now: float) -> bool:
        return self.expires_at > now

    def sort_key(self):
        return (self.claimed_at, self.station, self.reader)


class ClaimStore:
    kind = ""

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.time):
        self.ttl_s = float(ttl_s)
        self.clock = clock

    def claims(self) -> dict[str, Claim]:
        """Active (unexpired) claims by Study Instance UID."""
        raise NotImplementedError

    def claim(self, study_uid: str, reader: str, station: str) -> Claim:
        """Claim (or renew one's own claim on) a study; ClaimConflict when another reader holds it."""
        raise NotImplementedError

    def release(self, study_uid: str, reader: str, station: str) -> bool:
        """Withdraw one's own claim; True when there was one."""
        raise NotImplementedError

    def _winner(self, claims: list[Claim]) -> Claim | None:
        now = self.clock()
        live = sorted((c for c in claims if c.active(now)), key=Claim.sort_key)
        return live[0] if live else None


class FolderClaims(ClaimStore):
    """One JSON file per claimed study in a folder all stations share."""

    kind = "folder"

    def __init__(self, folder: Path | str, ttl_s: float, clock: Callable[[], float] = time.time):
        super().__init__(ttl_s, clock)
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, study_uid: str) -> Path:
        if not re.fullmatch(r"[0-9.]{1,64}", study_uid):
            raise ValueError(f"not a Study Instance UID: {study_uid!r}")
        return self.folder / f"{study_uid}.json"

    def _read(self, path: Path) -> Claim | None:
        try:
            return Claim(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def claims(self) -> dict[str, Claim]:
        now = self.clock()
        out = {}
        for p in self.folder.glob("*.json"):
            c = self._read(p)
            if c is not None and c.active(now):
                out[c.study_uid] = c
        return out

    def claim(self, study_uid: str, reader: str, station: str) -> Claim:
        path = self._path(study_uid)
        now = self.clock()
        mine = Claim(study_uid, reader, station, now, now + self.ttl_s)
        data = json.dumps(asdict(mine), ensure_ascii=False).encode("utf-8")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            held = self._read(path)
            if held is not None and held.active(now) and (held.reader, held.station) != (reader, station):
                raise ClaimConflict(held) from None
            if held is not None and (held.reader, held.station) == (reader, station):
                mine = Claim(study_uid, reader, station, held.claimed_at, now + self.ttl_s)  # a renewal
                data = json.dumps(asdict(mine), ensure_ascii=False).encode("utf-8")
            tmp = path.with_name(f"{path.name}.{station}.{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)  # an expired claim (or our own) is taken over
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        held = self._read(path)
        if held is not None and (held.reader, held.station) != (reader, station):
            raise ClaimConflict(held)  # another station replaced it in the same instant: it won
        return mine

    def release(self, study_uid: str, reader: str, station: str) -> bool:
        path = self._path(study_uid)
        held = self._read(path)
        if held is None or (held.reader, held.station) != (reader, station):
            return False
        path.unlink(missing_ok=True)
        return True


def _label(claim: Claim) -> str:
    return (f"{LABEL_PREFIX}{int(claim.expires_at)}-{int(claim.claimed_at)}-{re.sub(r'[^A-Za-z0-9_]', '_', claim.station)}"
            f"-{claim.reader.encode('utf-8').hex()}")


def _parse_label(label: str, study_uid: str) -> Claim | None:
    m = re.fullmatch(re.escape(LABEL_PREFIX) + r"(\d+)-(\d+)-([A-Za-z0-9_]+)-([0-9a-f]*)", label)
    if not m:
        return None
    try:
        reader = bytes.fromhex(m.group(4)).decode("utf-8")
    except ValueError:
        return None
    return Claim(study_uid, reader, m.group(3), float(m.group(2)), float(m.group(1)))


class OrthancLabelClaims(ClaimStore):
    """Claims as labels on the study in Orthanc (1.12+), through its REST API."""

    kind = "orthanc-labels"

    def __init__(self, rest, ttl_s: float, clock: Callable[[], float] = time.time):
        """rest: an `OrthancRest` (GET/PUT/DELETE/POST returning parsed JSON)."""
        super().__init__(ttl_s, clock)
        self.rest = rest

    def _study_id(self, study_uid: str) -> str | None:
        for hit in self.rest.post("/tools/lookup", study_uid.encode()) or []:
            if hit.get("Type") == "Study":
                return hit["ID"]
        return None

    def _labels(self, oid: str, study_uid: str) -> list[tuple[str, Claim]]:
        out = []
        for label in self.rest.get(f"/studies/{oid}/labels") or []:
            c = _parse_label(label, study_uid)
            if c is not None:
                out.append((label, c))
        return out

    def claims(self) -> dict[str, Claim]:
        now = self.clock()
        out: dict[str, Claim] = {}
        for label in self.rest.get("/tools/labels") or []:
            if not label.startswith(LABEL_PREFIX):
                continue
            for st in self.rest.post("/tools/find", json.dumps(
                    {"Level": "Study", "Query": {}, "Labels": [label], "LabelsConstraint": "All",
                     "Expand": True}).encode()) or []:
                uid = st.get("MainDicomTags", {}).get("StudyInstanceUID", "")
                c = _parse_label(label, uid)
                if c is None:
                    continue
                if not c.active(now):
                    self.rest.delete(f"/studies/{st['ID']}/labels/{label}")  # tidy up what crashed stations left
                    continue
                if uid not in out or c.sort_key() < out[uid].sort_key():
                    out[uid] = c
        return out

    def claim(self, study_uid: str, reader: str, station: str) -> Claim:
        oid = self._study_id(study_uid)
        if oid is None:
            raise KeyError(f"study {study_uid} is not in the PACS")
        now = self.clock()
        held = self._labels(oid, study_uid)
        winner = self._winner([c for _, c in held])
        if winner is not None and (winner.reader, winner.station) != (reader, station):
            raise ClaimConflict(winner)
        since = winner.claimed_at if winner is not None else now
        mine = Claim(study_uid, reader, station, since, now + self.ttl_s)
        self.rest.put(f"/studies/{oid}/labels/{_label(mine)}")
        for label, c in held:  # our older label (renewal), or expired ones
            if (c.reader, c.station) == (reader, station) or not c.active(now):
                if label != _label(mine):
                    self.rest.delete(f"/studies/{oid}/labels/{label}")
        winner = self._winner([c for _, c in self._labels(oid, study_uid)])
        if winner is not None and (winner.reader, winner.station) != (reader, station):
            self.rest.delete(f"/studies/{oid}/labels/{_label(mine)}")
            raise ClaimConflict(winner)
        return mine

    def release(self, study_uid: str, reader: str, station: str) -> bool:
        oid = self._study_id(study_uid)
        if oid is None:
            return False
        found = False
        for label, c in self._labels(oid, study_uid):
            if (c.reader, c.station) == (reader, station):
                self.rest.delete(f"/studies/{oid}/labels/{label}")
                found = True
        return found


class OrthancRest:
    """Orthanc's REST API (its own, not DICOMweb) with the source's credentials and TLS."""

    def __init__(self, base_url: str, session):
        self.base = base_url.rstrip("/")
        self.session = session

    def _call(self, method: str, path: str, data: bytes | None = None):
        rsp = self.session.request(method, self.base + path, data=data, timeout=30)
        rsp.raise_for_status()
        if "json" in (rsp.headers.get("Content-Type") or ""):
            return rsp.json()
        return rsp.content

    def get(self, path):
        return self._call("GET", path)

    def post(self, path, data: bytes):
        return self._call("POST", path, data)

    def put(self, path, data: bytes = b""):
        return self._call("PUT", path, data)

    def delete(self, path):
        return self._call("DELETE", path)

    def has_labels(self) -> bool:
        """Orthanc 1.12+ with a database that stores labels."""
        try:
            info = self.get("/system")
        except Exception:  # noqa: BLE001 - not an Orthanc, or not reachable: no labels
            return False
        return isinstance(info, dict) and bool(info.get("HasLabels"))


def orthanc_rest_for(entry: dict, source) -> OrthancRest | None:
    """The Orthanc REST root of a source: `orthanc_url` in its entry, else the parent of a DICOMweb url
    that ends in /dicom-web (Orthanc's default). Uses the source's own HTTP session (TLS, credentials)."""
    import requests

    url = entry.get("orthanc_url", "")
    if not url and getattr(source, "kind", "") == "dicomweb" and source.url.rstrip("/").endswith("/dicom-web"):
        url = source.url.rstrip("/")[: -len("/dicom-web")]
    if not url:
        return None
    session = getattr(source, "session", None)
    if session is None:
        from dicom_node.tls import http_auth_headers

        session = requests.Session()
        session.headers.update(http_auth_headers(entry.get("token", ""), entry.get("username", ""),
                                                 entry.get("password", "")))
    return OrthancRest(url, session)


def claim_store(cfg: dict, entry: dict | None = None, source=None, clock: Callable[[], float] = time.time,
                default_dir: Path | None = None) -> ClaimStore:
    """The claim store `[county] claims` asks for ("auto", "orthanc-labels" or "folder")."""
    ccfg = cfg.get("county", {})
    ttl = float(ccfg.get("claim_ttl_s", 600))
    mode = ccfg.get("claims", "auto")
    if mode in ("auto", "orthanc-labels") and entry is not None and source is not None:
        rest = orthanc_rest_for(entry, source)
        if rest is not None and rest.has_labels():
            return OrthancLabelClaims(rest, ttl, clock)
        if mode == "orthanc-labels":
            raise ValueError(f"source {entry.get('name')!r}: the PACS offers no Orthanc labels "
                             "(Orthanc 1.12+ REST API needed)")
    folder = ccfg.get("claims_dir") or ""
    if not folder:
        folder = default_dir or Path(".")
        log.warning("claims are kept in %s, which only this station sees: set [county] claims_dir to a folder "
                    "all reading stations share (the PACS offers no labels)", folder)
    return FolderClaims(folder, ttl, clock)
