"""Query/Retrieve SCP: C-FIND, C-MOVE and C-GET answered from the archive's SQLite index.

- C-FIND, patient root (PATIENT/STUDY/SERIES/IMAGE) and study root (STUDY/SERIES/IMAGE). Matching
  follows PS3.4 C.2.2.2: universal (empty), single value, wildcards `*` and `?`, UID lists, date/time
  ranges. Person names match case-insensitively and against each component group. Keys of any level
  may narrow a query (the node answers relational queries rather than refuse them). Responses are
  encoded in UTF-8 (SpecificCharacterSet "ISO_IR 192"), whatever set the objects arrived in (the index
  holds decoded names, e.g. a GB18030 one), so a peer shows the Chinese name as it is.
- C-MOVE to the AEs in cfg["move_destinations"] (AE title -> {host, port}); C-GET on the same
  association. Both send the stored bytes unchanged (the archive holds the data set exactly as it was
  received) whenever the peer accepts the stored transfer syntax; only when it accepts nothing but
  uncompressed syntaxes is the object decompressed (pydicom) and sent as explicit/implicit VR LE.
"""
from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Iterator

import pydicom
from pydicom.datadict import dictionary_VR
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, UID
from pynetdicom import _config, evt
from pynetdicom.presentation import build_context

from dicom_node import pynetdicom_internals as internals

log = logging.getLogger("dicom_node.query")

PATIENT_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.1.1"
PATIENT_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.1.2"
PATIENT_ROOT_GET = "1.2.840.10008.5.1.4.1.2.1.3"
STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1"
STUDY_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.2.2"
STUDY_ROOT_GET = "1.2.840.10008.5.1.4.1.2.2.3"
QR_SOP_CLASSES: list[str] = [PATIENT_ROOT_FIND, PATIENT_ROOT_MOVE, PATIENT_ROOT_GET,
                             STUDY_ROOT_FIND, STUDY_ROOT_MOVE, STUDY_ROOT_GET]
_PATIENT_ROOT = {PATIENT_ROOT_FIND, PATIENT_ROOT_MOVE, PATIENT_ROOT_GET}

LEVELS = ("PATIENT", "STUDY", "SERIES", "IMAGE")
UNCOMPRESSED = (ExplicitVRLittleEndian, ImplicitVRLittleEndian)

# Statuses (PS3.4 C.4)
PENDING, CANCEL = 0xFF00, 0xFE00
IDENTIFIER_DOES_NOT_MATCH = 0xA900
UNABLE_TO_PROCESS = 0xC001

PATIENT_KEYS = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "NumberOfPatientRelatedStudies",
                "NumberOfPatientRelatedSeries", "NumberOfPatientRelatedInstances")
STUDY_KEYS = ("StudyInstanceUID", "StudyDate", "StudyTime", "AccessionNumber", "StudyID", "StudyDescription",
              "ReferringPhysicianName", "ModalitiesInStudy", "NumberOfStudyRelatedSeries",
              "NumberOfStudyRelatedInstances")
SERIES_KEYS = ("SeriesInstanceUID", "Modality", "SeriesNumber", "SeriesDescription", "BodyPartExamined",
               "SeriesDate", "SeriesTime", "NumberOfSeriesRelatedInstances")
IMAGE_KEYS = ("SOPInstanceUID", "SOPClassUID", "InstanceNumber", "AvailableTransferSyntaxUID")
_LEVEL_KEYS = {"PATIENT": set(PATIENT_KEYS), "STUDY": set(STUDY_KEYS), "SERIES": set(SERIES_KEYS),
               "IMAGE": set(IMAGE_KEYS)}
UNIQUE_KEY = {"PATIENT": "PatientID", "STUDY": "StudyInstanceUID", "SERIES": "SeriesInstanceUID",
              "IMAGE": "SOPInstanceUID"}
_SKIP = {0x00080005, 0x00080052, 0x00080054, 0x00080056}  # charset, level, retrieve AE, availability


class QueryError(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


# --- matching (PS3.4 C.2.2.2) -----------------------------------------------------------------------
def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, MultiValue)):
        return "\\".join(_as_text(v) for v in value)
    return str(value).strip().rstrip("\x00").strip()


_wild_cache: dict[tuple[str, bool], re.Pattern] = {}


def _wild(pattern: str, fold: bool) -> re.Pattern:
    key = (pattern, fold)
    rx = _wild_cache.get(key)
    if rx is None:
        rx = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
                        re.IGNORECASE | re.DOTALL if fold else re.DOTALL)
        _wild_cache[key] = rx
    return rx


def _range(value: str, pattern: str, width: int) -> bool:
    """Date/time range matching: "a-b", "a-", "-b" or a single value (compared as digit strings)."""
    v = value.replace(":", "").replace("-", "") if width != 8 else value.replace(".", "")
    if not v:
        return False
    lo, sep, hi = pattern.partition("-")
    lo, hi = lo.replace(":", "").replace(".", "").strip(), hi.replace(":", "").replace(".", "").strip()
    if not sep:
        return v[:len(lo)] == lo if width != 8 else v == lo
    if lo and v[:len(lo)] < lo:
        return False
    if hi and v[:len(hi)] > hi:
        return False
    return True


def match(keyword: str, stored, pattern: str) -> bool:
    """Does a stored value match a query value for this attribute? Empty pattern: universal match."""
    pattern = _as_text(pattern)
    if pattern in ("", "*"):
        return True
    stored = _as_text(stored)
    try:
        vr = dictionary_VR(keyword)
    except KeyError:
        vr = "LO"
    if vr == "UI":
        return stored in {p.strip() for p in pattern.split("\\")}
    if vr == "DA":
        return _range(stored, pattern, 8)
    if vr in ("TM", "DT"):
        return _range(stored, pattern, 6)
    if vr in ("IS", "DS", "US", "UL", "SS", "SL"):
        try:
            return float(stored) in {float(p) for p in pattern.split("\\") if p.strip()}
        except ValueError:
            return stored == pattern
    fold = vr == "PN"
    values = stored.split("\\") if stored else [""]
    for pat in pattern.split("\\"):
        # a person name matches on the whole value or on any of its component groups
        # (alphabetic=ideographic=phonetic); trailing empty components are not significant
        pats = [_pn(p) for p in ([pat] + pat.split("=")) if _pn(p)] if fold else [pat.strip()]
        for v in values:
            candidates = [_pn(c) for c in ([v] + v.split("="))] if fold else [v.strip()]
            if any(_wild(p, fold).fullmatch(c) for p in pats for c in candidates):
                return True
    return False


def _pn(name: str) -> str:
    return "=".join(g.strip().rstrip("^").strip() for g in name.split("=")).rstrip("=")


def _matches(attrs: dict, keys: dict[str, str], level_keys: set[str]) -> bool:
    return all(match(k, attrs.get(k, ""), v) for k, v in keys.items() if k in level_keys)


# --- the Q/R engine -----------------------------------------------------------------------------------
class QueryRetrieve:
    """C-FIND/C-MOVE/C-GET over `archive`. `may(assoc, right)` says whether the association's peer has
    the right ("find", "get", "move"; node.allowed_peers) - the SCP already refused the contexts of
    services a peer may not use, this is the second check."""

    def __init__(self, archive, cfg: dict, may=lambda assoc, right: True):
        self.archive = archive
        self.cfg = cfg
        self.may = may

    def handlers(self) -> list[tuple]:
        """[(EVT_C_FIND, fn), (EVT_C_MOVE, fn), (EVT_C_GET, fn)] answering from the archive."""
        # Sub-operations send stored files by path; chunked sending keeps their bytes unchanged
        # (forwarding relies on the same setting).
        _config.STORE_SEND_CHUNKED_DATASET = True
        return [(evt.EVT_C_FIND, self.on_find), (evt.EVT_C_MOVE, self.on_move), (evt.EVT_C_GET, self.on_get)]

    def _refused(self, event, right: str) -> bool:
        if self.may(event.assoc, right):
            return False
        log.warning("C-%s from %s at %s refused: this peer may not %s (node.allowed_peers rights)", right.upper(),
                    _calling(event), event.assoc.requestor.address, right)
        return True

    # identifiers ------------------------------------------------------------------------------
    @staticmethod
    def _level(identifier: Dataset, model: str) -> str:
        level = _as_text(identifier.get("QueryRetrieveLevel", "")).upper()
        allowed = LEVELS if model in _PATIENT_ROOT else LEVELS[1:]
        if level not in allowed:
            raise QueryError(IDENTIFIER_DOES_NOT_MATCH,
                             f"Query/Retrieve Level {level or '(missing)'} not allowed here (use {'/'.join(allowed)})")
        return level

    @staticmethod
    def _keys(identifier: Dataset) -> dict[str, str]:
        keys: dict[str, str] = {}
        for elem in identifier:
            if elem.tag in _SKIP or not elem.keyword or elem.VR == "SQ" or elem.tag.group == 0x0000:
                continue
            keys[elem.keyword] = _as_text(elem.value)
        return keys

    # matching over the index ------------------------------------------------------------------
    @staticmethod
    def _study_attrs(st) -> dict:
        return {"PatientName": st.patient_name, "PatientID": st.patient_id,
                "PatientBirthDate": st.patient_birth_date, "PatientSex": st.patient_sex,
                "StudyInstanceUID": st.study_uid, "StudyDate": st.study_date, "StudyTime": st.study_time,
                "AccessionNumber": st.accession_number, "StudyID": getattr(st, "study_id", ""),
                "StudyDescription": st.study_description,
                "ReferringPhysicianName": getattr(st, "referring_physician", ""),
                "ModalitiesInStudy": st.modalities, "NumberOfStudyRelatedSeries": st.num_series,
                "NumberOfStudyRelatedInstances": st.num_instances}

    @staticmethod
    def _series_attrs(se) -> dict:
        return {"SeriesInstanceUID": se.series_uid, "Modality": se.modality, "SeriesNumber": se.series_number,
                "SeriesDescription": se.series_description, "BodyPartExamined": se.body_part,
                "SeriesDate": getattr(se, "series_date", ""), "SeriesTime": getattr(se, "series_time", ""),
                "NumberOfSeriesRelatedInstances": se.num_instances}

    @staticmethod
    def _instance_attrs(inst) -> dict:
        return {"SOPInstanceUID": inst.sop_instance_uid, "SOPClassUID": inst.sop_class_uid,
                "InstanceNumber": inst.instance_number, "AvailableTransferSyntaxUID": inst.transfer_syntax_uid}

    def _studies(self, keys: dict[str, str]) -> list[dict]:
        date = keys.get("StudyDate", "")
        kwargs = {}
        lo, sep, hi = date.partition("-")
        if all(len(d) == 8 and d.isdigit() for d in (lo, hi) if d):  # narrow in SQL; exact matching below
            kwargs = {"date_from": lo or None, "date_to": (hi or None) if sep else (lo or None)}
        wanted = set(PATIENT_KEYS) | set(STUDY_KEYS)
        uids = [u.strip() for u in keys.get("StudyInstanceUID", "").split("\\") if u.strip()]
        if uids and not any(c in u for u in uids for c in "*?"):
            records = [r for r in (self.archive.study(u) for u in dict.fromkeys(uids)) if r is not None]
        else:  # township scale: a scan of the study list, matched here with DICOM's rules
            records = self.archive.studies(limit=10 ** 9, **kwargs)
        out = []
        for st in records:
            attrs = self._study_attrs(st)
            if _matches(attrs, keys, wanted):
                out.append(attrs)
        return out

    def find(self, identifier: Dataset, model: str) -> Iterator[dict]:
        """Matching entities at the identifier's level as attribute dicts (higher levels included);
        IMAGE entries carry "_record" (InstanceRecord)."""
        level = self._level(identifier, model)
        keys = self._keys(identifier)
        studies = self._studies(keys)
        if level == "PATIENT":
            patients: dict[tuple, dict] = {}
            for s in studies:
                p = patients.setdefault((s["PatientID"], s["PatientName"]), {
                    "PatientName": s["PatientName"], "PatientID": s["PatientID"],
                    "PatientBirthDate": s["PatientBirthDate"], "PatientSex": s["PatientSex"],
                    "NumberOfPatientRelatedStudies": 0, "NumberOfPatientRelatedSeries": 0,
                    "NumberOfPatientRelatedInstances": 0, "_studies": []})
                p["NumberOfPatientRelatedStudies"] += 1
                p["NumberOfPatientRelatedSeries"] += s["NumberOfStudyRelatedSeries"]
                p["NumberOfPatientRelatedInstances"] += s["NumberOfStudyRelatedInstances"]
                p["_studies"].append(s["StudyInstanceUID"])
            yield from patients.values()
            return
        for s in studies:
            if level == "STUDY":
                yield s
                continue
            for se in self.archive.series(s["StudyInstanceUID"]):
                sattrs = self._series_attrs(se)
                if not _matches(sattrs, keys, _LEVEL_KEYS["SERIES"]):
                    continue
                if level == "SERIES":
                    yield {**s, **sattrs}
                    continue
                for inst in self.archive.instances(series_uid=se.series_uid):
                    iattrs = self._instance_attrs(inst)
                    if _matches(iattrs, keys, _LEVEL_KEYS["IMAGE"]):
                        yield {**s, **sattrs, **iattrs, "_record": inst}

    def instances_to_retrieve(self, identifier: Dataset, model: str) -> list:
        """The InstanceRecords a C-MOVE/C-GET identifier designates (a unique key at its level is required)."""
        level = self._level(identifier, model)
        keys = self._keys(identifier)
        if not keys.get(UNIQUE_KEY[level]):
            raise QueryError(IDENTIFIER_DOES_NOT_MATCH, f"a {level} retrieve needs {UNIQUE_KEY[level]}")
        out, seen = [], set()
        for entry in self.find(identifier, model):
            if level == "IMAGE":
                recs = [entry["_record"]]
            elif level == "SERIES":
                recs = self.archive.instances(series_uid=entry["SeriesInstanceUID"])
            elif level == "STUDY":
                recs = self.archive.instances(study_uid=entry["StudyInstanceUID"])
            else:
                recs = [r for uid in entry["_studies"] for r in self.archive.instances(study_uid=uid)]
            for r in recs:
                if r.sop_instance_uid not in seen:
                    seen.add(r.sop_instance_uid)
                    out.append(r)
        return out

    # responses ----------------------------------------------------------------------------------
    def response(self, identifier: Dataset, level: str, entry: dict, model: str) -> Dataset:
        rsp = Dataset()
        rsp.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: any name, in any script, as stored
        rsp.QueryRetrieveLevel = level
        file_ds = None
        for elem in identifier:
            if elem.tag in _SKIP or elem.tag.group in (0x0000, 0x0002):
                continue
            kw = elem.keyword
            if kw in entry:
                value = entry[kw]
            elif level == "IMAGE" and elem.tag.is_private is False and "_record" in entry:
                if file_ds is None:  # an attribute the index lacks: read it from the stored header
                    file_ds = _read_header(entry["_record"].path)
                value = file_ds.get(elem.tag).value if file_ds is not None and elem.tag in file_ds else None
            else:
                value = None
            rsp.add(_element(elem, value))
        for lv in LEVELS[0 if model in _PATIENT_ROOT else 1:LEVELS.index(level) + 1]:
            key = UNIQUE_KEY[lv]
            if key not in rsp and key in entry:
                setattr(rsp, key, entry[key])
        if level == "IMAGE" and "InstanceAvailability" in identifier:
            rsp.InstanceAvailability = "ONLINE"
        if "RetrieveAETitle" in identifier:
            rsp.RetrieveAETitle = self.cfg.get("node", {}).get("ae_title", "")
        return rsp

    # --- event handlers ---------------------------------------------------------------------------
    def on_find(self, event):
        model = str(event.request.AffectedSOPClassUID)
        calling = _calling(event)
        if self._refused(event, "find"):
            yield UNABLE_TO_PROCESS, _error("not authorised")
            return
        try:
            identifier = event.identifier
            level = self._level(identifier, model)
            n = 0
            for entry in self.find(identifier, model):
                if event.is_cancelled:
                    log.info("C-FIND from %s cancelled after %d match(es)", calling, n)
                    yield CANCEL, None
                    return
                n += 1
                yield PENDING, self.response(identifier, level, entry, model)
            log.info("C-FIND %s from %s: %d match(es)", level, calling, n)
        except QueryError as exc:
            log.warning("C-FIND from %s refused: %s", calling, exc.reason)
            yield exc.status, None
        except Exception as exc:
            log.exception("C-FIND from %s failed", calling)
            yield UNABLE_TO_PROCESS, _error(str(exc))

    def on_move(self, event):
        model = str(event.request.AffectedSOPClassUID)
        calling = _calling(event)
        if self._refused(event, "move"):
            yield None, None  # no destination for this peer
            return
        dest_aet = _as_text(event.move_destination.decode("ascii", "replace")
                            if isinstance(event.move_destination, bytes) else event.move_destination)
        dests = self.cfg.get("move_destinations") or {}
        dest = dests.get(dest_aet)
        if not dest or not dest.get("host") or not dest.get("port"):
            log.warning("C-MOVE from %s to unknown destination %r (not in [move_destinations])", calling, dest_aet)
            yield None, None
            return
        try:
            records = self.instances_to_retrieve(event.identifier, model)
        except QueryError as exc:
            log.warning("C-MOVE from %s refused: %s", calling, exc.reason)
            yield dest["host"], int(dest["port"])
            yield 1
            yield exc.status, None
            return
        ready = threading.Event()

        def _established(ev):
            install_stored_sender(ev.assoc)
            ready.set()

        kwargs = {"contexts": _contexts_for(records), "evt_handlers": [(evt.EVT_ESTABLISHED, _established)]}
        yield dest["host"], int(dest["port"]), kwargs
        log.info("C-MOVE from %s: %d instance(s) to %s at %s:%s", calling, len(records), dest_aet,
                 dest["host"], dest["port"])
        yield len(records)
        ready.wait(10)  # the sub-association's send_c_store must be ours before the first instance
        yield from self._sub_operations(event, records)

    def on_get(self, event):
        model = str(event.request.AffectedSOPClassUID)
        calling = _calling(event)
        if self._refused(event, "get"):
            yield 1
            yield UNABLE_TO_PROCESS, None
            return
        try:
            records = self.instances_to_retrieve(event.identifier, model)
        except QueryError as exc:
            log.warning("C-GET from %s refused: %s", calling, exc.reason)
            yield 1
            yield exc.status, None
            return
        install_stored_sender(event.assoc)
        log.info("C-GET from %s: %d instance(s)", calling, len(records))
        yield len(records)
        yield from self._sub_operations(event, records)

    @staticmethod
    def _sub_operations(event, records):
        for rec in records:
            if event.is_cancelled:
                yield CANCEL, None
                return
            yield PENDING, stored_instance(rec)


# --- sending stored bytes -----------------------------------------------------------------------------
def stored_instance(rec) -> Dataset:
    """A stand-in for a stored object: pynetdicom wants a Dataset per sub-operation, our sender (see
    install_stored_sender) sends the file's bytes instead. It has no file_meta on purpose: should it
    ever reach pynetdicom's own encoder, the sub-operation fails rather than send a stub."""
    ds = Dataset()
    ds.SOPClassUID = rec.sop_class_uid
    ds.SOPInstanceUID = rec.sop_instance_uid
    ds._tpacs_path = Path(rec.path)
    ds._tpacs_ts = rec.transfer_syntax_uid
    return ds


def install_stored_sender(assoc) -> None:
    """Make `assoc.send_c_store` send stand-ins from `stored_instance` as their stored bytes."""
    if getattr(assoc, "_tpacs_stored_sender", False):
        return

    def make(original):
        def send_c_store(dataset, *args, **kwargs):
            path = getattr(dataset, "_tpacs_path", None)
            if path is None:
                return original(dataset, *args, **kwargs)
            return _send_stored(assoc, original, dataset, path, args, kwargs)
        return send_c_store

    internals.replace_send_c_store(assoc, make)
    assoc._tpacs_stored_sender = True


def _send_stored(assoc, original, stub: Dataset, path: Path, args, kwargs):
    sop_class, stored = str(stub.SOPClassUID), UID(stub._tpacs_ts)
    syntaxes = {str(cx.transfer_syntax[0]) for cx in assoc.accepted_contexts
                if str(cx.abstract_syntax) == sop_class and getattr(cx, "as_scu", True)}
    if str(stored) in syntaxes:
        # Chunked sending streams the file's data set bytes verbatim: what was received goes out.
        _config.STORE_SEND_CHUNKED_DATASET = True
        return original(Path(path), *args, **kwargs)
    usable = [ts for ts in UNCOMPRESSED if str(ts) in syntaxes]
    if not usable:
        raise ValueError(f"the peer accepts neither {stored.name} nor an uncompressed transfer syntax "
                         f"for {sop_class}")
    ds = pydicom.dcmread(path)
    if stored.is_compressed:
        ds.decompress()  # only because the peer accepts nothing else
    target = UID(usable[0])
    ds.file_meta.TransferSyntaxUID = target
    # encode for the syntax the peer accepted (pynetdicom refuses a data set read in another encoding)
    ds.set_original_encoding(target.is_implicit_VR, target.is_little_endian, ds.original_character_set)
    log.warning("%s sent decompressed as %s: the peer does not accept %s", stub.SOPInstanceUID,
                UID(usable[0]).name, stored.name)
    return original(ds, *args, **kwargs)


def _contexts_for(records) -> list:
    """Presentation contexts for a C-MOVE sub-association: per SOP class, the stored syntaxes each on
    their own (so the peer can accept them independently) and one uncompressed fallback."""
    pairs: dict[str, set[str]] = {}
    for r in records:
        pairs.setdefault(r.sop_class_uid, set()).add(r.transfer_syntax_uid)
    contexts = []
    for sop_class, syntaxes in sorted(pairs.items()):
        for ts in sorted(syntaxes):
            contexts.append(build_context(sop_class, [ts]))
        contexts.append(build_context(sop_class, list(UNCOMPRESSED)))
    return contexts[:128]  # the protocol's limit


# --- helpers --------------------------------------------------------------------------------------------
def _read_header(path: Path) -> Dataset | None:
    try:
        return pydicom.dcmread(path, stop_before_pixels=True)
    except Exception:
        return None


def _element(query_elem, value):
    from pydicom.dataelem import DataElement

    vr = query_elem.VR
    if vr in ("UN", "") or " or " in vr:
        try:
            vr = dictionary_VR(query_elem.tag)
        except KeyError:
            vr = "UN"
        if " or " in vr:
            vr = vr.split(" or ")[0]
    if vr == "SQ":
        return DataElement(query_elem.tag, "SQ", value if isinstance(value, pydicom.Sequence) else [])
    if value is None or value == "":
        return DataElement(query_elem.tag, vr, None)
    if vr in ("IS", "DS", "US", "UL", "SS", "SL"):
        try:
            value = int(value) if vr != "DS" else value
        except (TypeError, ValueError):
            return DataElement(query_elem.tag, vr, None)
        if vr == "IS":
            value = str(value)
    elif vr in ("PN", "LO", "SH", "ST", "LT", "UT", "UC", "CS", "DA", "TM", "DT", "AE", "UI", "AS"):
        value = _as_text(value) if not isinstance(value, (list, MultiValue)) else value
        if vr in ("CS", "UI", "LO", "SH", "PN") and isinstance(value, str) and "\\" in value:
            value = value.split("\\")
    return DataElement(query_elem.tag, vr, value)


def _error(text: str) -> Dataset:
    ds = Dataset()
    ds.ErrorComment = text[:64]
    return ds


def _calling(event) -> str:
    try:
        return (event.assoc.requestor.ae_title or "").strip()
    except Exception:
        return "?"


# Lossless compressed syntaxes, in the order a C-GET peer's storage SCP should be offered them.
LOSSLESS_COMPRESSED = ("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.70",
                       "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.5")


def prefer_lossless_compressed(ae) -> None:
    """Reorder the storage contexts that allow C-GET (scp_role) so lossless compressed syntaxes come
    first, then uncompressed, then lossy.

    A C-GET peer (getscu) proposes one context per SOP class listing several syntaxes, and pynetdicom
    accepts the first syntax of *our* list that the peer offers. With uncompressed first, a peer able to
    take JPEG 2000 would be sent a decompressed copy instead of the stored bytes. Lossy syntaxes stay
    behind the uncompressed ones, so a modality offering both is never asked for a lossy image.
    """
    for cx in list(ae.supported_contexts):
        if not cx.scp_role:
            continue
        tss = [str(t) for t in cx.transfer_syntax]
        lossless = [t for t in LOSSLESS_COMPRESSED if t in tss]
        plain = [t for t in tss if t not in lossless and not UID(t).is_compressed]
        lossy = [t for t in tss if t not in lossless and t not in plain]
        order = lossless + plain + lossy
        if order != tss:
            uid, scu_role, scp_role = cx.abstract_syntax, cx.scu_role, cx.scp_role
            ae.remove_supported_context(uid)
            ae.add_supported_context(uid, order, scu_role=scu_role, scp_role=scp_role)
