"""The archive: DICOM files on disk plus a SQLite (WAL) index of patient / study / series / instance.

Layout under the storage root:
    index.sqlite            the index (WAL mode; its tables and their versions: dicom_node.schema)
    files/<study>/<series>/<sop>.dcm
    tmp/                    temp files on the same volume, renamed atomically into files/

Every object enters the same way, whether received over the network or made locally (AI results,
review SRs): bytes with a zeroed preamble go to a temp file, fsync, os.replace into files/, fsync of
the folder, then the index row. Only after both may a C-STORE be acknowledged.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pydicom
from pydicom.charset import convert_encodings, decode_bytes
from pydicom.datadict import dictionary_VR, tag_for_keyword
from pydicom.filebase import DicomBytesIO

from dicom_node import schema

log = logging.getLogger(__name__)

AI_STATES = ("pending", "running", "done", "failed", "skipped")
FORWARD_STATES = ("queued", "sending", "sent", "failed")
_SAFE_UID = re.compile(r"^[0-9][0-9.]{0,63}$")


@dataclass
class StudyRecord:
    study_uid: str
    patient_name: str
    patient_id: str
    patient_birth_date: str
    patient_sex: str
    study_date: str
    study_time: str
    accession_number: str
    study_description: str
    modalities: str
    body_part: str
    num_series: int
    num_instances: int
    first_received_at: float
    last_received_at: float
    calling_ae: str
    stable_at: float | None
    ai_state: str
    ai_detail: str
    forward_state: str
    forward_detail: str
    pinned: bool
    study_id: str = ""
    referring_physician: str = ""


@dataclass
class SeriesRecord:
    series_uid: str
    study_uid: str
    modality: str
    series_number: str
    series_description: str
    body_part: str
    num_instances: int
    series_date: str = ""
    series_time: str = ""


@dataclass
class InstanceRecord:
    sop_instance_uid: str
    sop_class_uid: str
    transfer_syntax_uid: str
    series_uid: str
    study_uid: str
    instance_number: str
    path: Path
    size: int
    received_at: float
    calling_ae: str


@dataclass
class StoreResult:
    """What happened to one object: "stored", "duplicate" (same bytes already there, nothing new),
    "kept_first" (different bytes, first copy kept) or "replaced" (different bytes, new copy kept)."""
    outcome: str
    record: InstanceRecord


class ArchiveError(Exception):
    """An object cannot be archived (not DICOM, missing UIDs); the message says why."""


_TEXT_VRS = {"LO", "SH", "LT", "ST", "UT", "UC"}
_TEXT_DELIMS = {0x0D, 0x0A, 0x09, 0x0C}  # pydicom.valuerep.TEXT_VR_DELIMS


def _encodings(ds: pydicom.Dataset) -> list[str]:
    try:
        return convert_encodings(ds.get("SpecificCharacterSet") or "ISO_IR 6")
    except Exception:  # an unknown character set: decode as Latin-1 rather than refuse to index
        return ["iso8859"]


def _text(ds: pydicom.Dataset, keyword: str, limit: int = 256, encodings: list[str] | None = None) -> str:
    """A value as text, decoded with the dataset's Specific Character Set; '' when absent or unreadable.

    Decodes the raw bytes directly: pydicom's full element conversion (with value validation) costs
    more per received instance than writing and fsyncing the file. Person names (component groups,
    ISO 2022 escapes) still go through pydicom's PersonName."""
    try:
        tag = tag_for_keyword(keyword)
        elem = ds.get_item(tag) if tag is not None and tag in ds else None
        if elem is None:
            return ""
        value = elem.value
        if isinstance(value, (bytes, bytearray)):
            vr = dictionary_VR(tag)
            if vr in _TEXT_VRS:
                encs = encodings if encodings is not None else _encodings(ds)
                text = decode_bytes(bytes(value), encs, _TEXT_DELIMS)
            elif vr == "PN":
                text = str(ds.get(keyword) or "")
            else:
                text = bytes(value).decode("ascii", "replace")
        elif value is None:
            return ""
        else:
            value = ds.get(keyword)
            if isinstance(value, (list, tuple, pydicom.multival.MultiValue)):
                value = "\\".join(str(v) for v in value)
            text = str(value)
    except Exception:  # a malformed value must not stop indexing of an otherwise valid object
        return ""
    return text.strip(" \x00").replace("\x00", "")[:limit]


INDEX_LIMITS = {"StudyInstanceUID": 64, "SeriesInstanceUID": 64, "SOPInstanceUID": 64, "SOPClassUID": 64,
              "PatientID": 64, "PatientName": 256, "PatientBirthDate": 8, "PatientSex": 16, "StudyDate": 8,
              "StudyTime": 16, "AccessionNumber": 16, "StudyID": 16, "StudyDescription": 64,
              "ReferringPhysicianName": 256, "BodyPartExamined": 64, "Modality": 16, "SeriesNumber": 12,
              "SeriesDescription": 64, "SeriesDate": 8, "SeriesTime": 16, "InstanceNumber": 12}


def index_fields(ds) -> dict[str, str]:
    """What the index keeps of an object, each value read once: from a pydicom Dataset (objects made
    here, files found at start-up) or from what validate.check_received collected while it checked a
    received one (its text already decoded with the object's character set)."""
    if isinstance(ds, pydicom.Dataset):
        encs = _encodings(ds)
        f = {kw: _text(ds, kw, n, encs) for kw, n in INDEX_LIMITS.items()}
    else:
        f = {kw: ds.get(kw)[:n] for kw, n in INDEX_LIMITS.items()}
    f["BodyPartExamined"] = f["BodyPartExamined"].upper()
    f["Modality"] = f["Modality"].upper()
    return f


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; NTFS journals the rename
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _uid_part(uid: str) -> str:
    """A UID as a safe file-name part; anything odd (slashes, '..', over-long) becomes a hash."""
    if _SAFE_UID.match(uid) and ".." not in uid:
        return uid
    return "x" + hashlib.sha1(uid.encode("utf-8", "replace")).hexdigest()


def split_file(data: bytes | memoryview) -> tuple[bytes, int]:
    """(file meta bytes incl. 'DICM' prefix, offset of the data set) for a Part 10 file in memory."""
    if len(data) < 132 or bytes(data[128:132]) != b"DICM":
        raise ArchiveError("not a DICOM Part 10 file (no 'DICM' prefix)")
    # Group 0002 is explicit VR little endian; its first element gives the group length.
    offset = 132
    view = memoryview(data)
    while offset + 8 <= len(view):
        group = int.from_bytes(view[offset:offset + 2], "little")
        if group != 0x0002:
            break
        vr = bytes(view[offset + 4:offset + 6])
        if vr in (b"OB", b"OW", b"OF", b"SQ", b"UT", b"UN"):
            length = int.from_bytes(view[offset + 8:offset + 12], "little")
            offset += 12 + length
        else:
            length = int.from_bytes(view[offset + 6:offset + 8], "little")
            offset += 8 + length
    if offset > len(view):
        raise ArchiveError("truncated file meta information")
    return bytes(view[128:offset]), offset


def data_set_offset(fh) -> int:
    """Where the data set starts in an open Part 10 file (after preamble, "DICM" and the File Meta)."""
    fh.seek(0)
    return split_file(fh.read(65536))[1]


def same_data_set(a: Path, b: Path) -> bool:
    """Whether two Part 10 files hold exactly the same data set bytes (each File Meta is its writer's, so
    only the data sets count). Compared a MiB at a time, only when a SOP Instance UID comes again:
    hashing every arriving object would cost more than these rare comparisons."""
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            oa, ob = data_set_offset(fa), data_set_offset(fb)
            if os.fstat(fa.fileno()).st_size - oa != os.fstat(fb.fileno()).st_size - ob:
                return False
            fa.seek(oa)
            fb.seek(ob)
            while True:
                ca, cb = fa.read(1 << 20), fb.read(1 << 20)
                if ca != cb:
                    return False
                if not ca:
                    return True
    except (OSError, ArchiveError):
        return False


class Archive:
    def __init__(self, root: Path | str, on_conflict: str = "keep_first", check: bool = True):
        """The archive at `root`. `check`: refuse an index at another schema version now (a new one is
        created); the node passes False and upgrades the index at start-up (dicom_node.schema)."""
        if on_conflict not in ("keep_first", "replace"):
            raise ValueError("on_conflict must be 'keep_first' or 'replace'")
        self.root = Path(root).resolve()
        self.on_conflict = on_conflict
        self.files_dir = self.root / "files"
        self.tmp_dir = self.root / "tmp"
        self.db_path = self.root / "index.sqlite"
        for d in (self.root, self.files_dir, self.tmp_dir):
            d.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        # Same SOP Instance UID arriving on two associations at once: serialise per UID (striped locks).
        self._uid_locks = [threading.Lock() for _ in range(64)]
        if check:
            self.check()

    def check(self) -> None:
        """Raise schema.SchemaError unless the index is at this release's schema version (a new empty
        index is created at it)."""
        schema.check(self._conn(), str(self.db_path))

    # --- connections -------------------------------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        """A new WAL connection (one per thread)."""
        conn = sqlite3.connect(self.db_path, timeout=30, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit survives the process being killed (it is in the OS cache).
        # Files are fsynced before they are indexed, and a node that did not stop cleanly re-indexes
        # files/ at start-up (recover()), so a power cut loses no acknowledged object either.
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.row_factory = sqlite3.Row
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self.connect()
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # --- writing -----------------------------------------------------------------------------------
    def write_temp(self, parts: Iterable[bytes | memoryview]) -> Path:
        """Write parts to a new temp file under tmp/ and fsync it; the caller renames or removes it."""
        path, wait = self.write_temp_async(parts, None)
        wait()
        return path

    def write_temp_async(self, parts: Iterable[bytes | memoryview], executor) -> tuple[Path, Callable[[], None]]:
        """Write parts to a new temp file under tmp/; its fsync runs on `executor` (None: right here).

        Returns (path, wait): call wait() (it raises what fsync raised) before renaming the file.
        The receiver validates the file while the disk flushes it: fsync waits on the disk and
        releases the GIL, validation is Python work, so the two overlap."""
        path = self.tmp_dir / f"{uuid.uuid4().hex}.part"
        fh = None
        try:
            fh = open(path, "wb")
            for part in parts:
                fh.write(part)
            fh.flush()
        except BaseException:
            if fh is not None:
                fh.close()
            path.unlink(missing_ok=True)
            raise
        future = executor.submit(os.fsync, fh.fileno()) if executor is not None else None

        def wait() -> None:
            try:
                if future is not None:
                    future.result()
                else:
                    os.fsync(fh.fileno())
            except BaseException:
                fh.close()
                path.unlink(missing_ok=True)
                raise
            fh.close()

        return path, wait

    def destination(self, study_uid: str, series_uid: str, sop_uid: str) -> Path:
        return self.files_dir / _uid_part(study_uid) / _uid_part(series_uid) / f"{_uid_part(sop_uid)}.dcm"

    def _makedirs(self, folder: Path) -> None:
        if folder.is_dir():
            return
        missing = []
        p = folder
        while not p.is_dir():
            missing.append(p)
            p = p.parent
        folder.mkdir(parents=True, exist_ok=True)
        for m in reversed(missing):  # the new folder entries must survive a power cut too
            _fsync_dir(m.parent)

    def commit_temp(self, tmp: Path, ds, size: int, transfer_syntax: str,
                    calling_ae: str = "", received: bool = True) -> StoreResult:
        """Move a fsynced temp file (a Part 10 file under tmp/) into files/ and index it (duplicate rules
        applied: the data set bytes of the stored copy are compared with the temp file's).

        `ds` is the object read up to the pixel data (a pydicom Dataset, or what validate.check_received
        collected); `received` False for locally made
        objects, which do not restart the study's quiet period (AI results must not retrigger the AI).
        On return the object is on disk and in the index (or the temp file is gone for duplicates).
        """
        fields = index_fields(ds)
        sop_uid, study_uid = fields["SOPInstanceUID"], fields["StudyInstanceUID"]
        series_uid, sop_class = fields["SeriesInstanceUID"], fields["SOPClassUID"]
        if not (sop_uid and study_uid and series_uid and sop_class):
            tmp.unlink(missing_ok=True)
            raise ArchiveError("missing SOP Class/SOP Instance/Study/Series Instance UID")
        lock = self._uid_locks[hash(sop_uid) % len(self._uid_locks)]
        with lock:
            try:
                existing = self._conn().execute(
                    "SELECT path FROM instances WHERE sop_instance_uid=?",
                    (sop_uid,)).fetchone()
                outcome = "stored"
                old_path = None
                if existing is not None:
                    old_path = self.root / existing["path"]
                    if same_data_set(old_path, tmp):
                        tmp.unlink(missing_ok=True)
                        return StoreResult("duplicate", self._instance_by_uid(sop_uid))
                    if self.on_conflict == "keep_first":
                        tmp.unlink(missing_ok=True)
                        log.warning("SOP Instance %s from %s differs from the stored copy; kept the first "
                                    "(node.on_conflict = keep_first)", sop_uid, calling_ae or "?")
                        return StoreResult("kept_first", self._instance_by_uid(sop_uid))
                    outcome = "replaced"
                    log.warning("SOP Instance %s from %s differs from the stored copy; replaced it "
                                "(node.on_conflict = replace)", sop_uid, calling_ae or "?")
                dest = self.destination(study_uid, series_uid, sop_uid)
                for attempt in range(3):
                    self._makedirs(dest.parent)
                    try:
                        os.replace(tmp, dest)
                        break
                    except FileNotFoundError:  # retention removed the (empty) folder just now
                        if attempt == 2 or not tmp.exists():
                            raise
                _fsync_dir(dest.parent)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            now = time.time()
            rel = dest.relative_to(self.root).as_posix()
            self._index(fields, rel, size, "", transfer_syntax, calling_ae, now, received)
            if old_path is not None and old_path != dest:
                old_path.unlink(missing_ok=True)
        return StoreResult(outcome, self._instance_by_uid(sop_uid))

    def _index(self, f: dict[str, str], rel: str, size: int, digest: str, transfer_syntax: str,
               calling_ae: str, now: float, received: bool) -> None:
        t = f.__getitem__
        study_uid, series_uid, sop_uid = t("StudyInstanceUID"), t("SeriesInstanceUID"), t("SOPInstanceUID")
        body_part = t("BodyPartExamined")
        with self._write_lock:
            conn = self._conn()
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO patients (patient_id, patient_name, patient_birth_date, patient_sex) "
                    "VALUES (?,?,?,?) ON CONFLICT (patient_id, patient_name) DO UPDATE SET "
                    "patient_birth_date = CASE WHEN excluded.patient_birth_date != '' "
                    "  THEN excluded.patient_birth_date ELSE patient_birth_date END, "
                    "patient_sex = CASE WHEN excluded.patient_sex != '' THEN excluded.patient_sex ELSE patient_sex END",
                    (t("PatientID"), t("PatientName"), t("PatientBirthDate"), t("PatientSex")))
                pref = conn.execute("SELECT id FROM patients WHERE patient_id=? AND patient_name=?",
                                    (t("PatientID"), t("PatientName"))).fetchone()[0]
                conn.execute(
                    "INSERT INTO studies (study_uid, patient_ref, study_date, study_time, accession_number, study_id, "
                    "study_description, referring_physician, body_part, first_received_at, last_received_at, "
                    "calling_ae) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (study_uid) DO UPDATE SET "
                    "body_part = CASE WHEN body_part = '' THEN excluded.body_part ELSE body_part END, "
                    "study_description = CASE WHEN study_description = '' THEN excluded.study_description "
                    "  ELSE study_description END"
                    + (", last_received_at = excluded.last_received_at, stable_at = NULL, "
                       "calling_ae = CASE WHEN calling_ae = '' THEN excluded.calling_ae ELSE calling_ae END"
                       if received else ""),
                    (study_uid, pref, t("StudyDate"), t("StudyTime"), t("AccessionNumber"),
                     t("StudyID"), t("StudyDescription"), t("ReferringPhysicianName"), body_part,
                     now, now, calling_ae))
                conn.execute(
                    "INSERT INTO series (series_uid, study_uid, modality, series_number, series_description, "
                    "body_part, series_date, series_time) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (series_uid) DO NOTHING",
                    (series_uid, study_uid, t("Modality"), t("SeriesNumber"),
                     t("SeriesDescription"), body_part, t("SeriesDate"), t("SeriesTime")))
                conn.execute(
                    "INSERT OR REPLACE INTO instances (sop_instance_uid, sop_class_uid, transfer_syntax_uid, "
                    "series_uid, study_uid, instance_number, path, size, digest, received_at, calling_ae) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (sop_uid, t("SOPClassUID"), transfer_syntax, series_uid, study_uid, t("InstanceNumber"),
                     rel, size, digest, now, calling_ae))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def add_file(self, src: Path | str | pydicom.Dataset, source_ae: str = "TPACS") -> InstanceRecord:
        """Store a locally made object exactly like a received one (zeroed preamble, temp file, fsync,
        atomic rename, index). Duplicate-safe: the same bytes again store nothing new."""
        if isinstance(src, pydicom.Dataset):
            buf = DicomBytesIO()
            ds = src
            if not hasattr(ds, "file_meta") or "TransferSyntaxUID" not in ds.file_meta:
                raise ArchiveError("dataset has no file_meta.TransferSyntaxUID")
            pydicom.dcmwrite(buf, ds, enforce_file_format=True)
            data = buf.getvalue()
        else:
            data = Path(src).read_bytes()
        meta, offset = split_file(data)
        body = memoryview(data)[offset:]
        parsed = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True)
        ts = str(parsed.file_meta.get("TransferSyntaxUID", ""))
        tmp = self.write_temp([b"\x00" * 128, meta, body])
        result = self.commit_temp(tmp, parsed, len(data), ts, calling_ae=source_ae, received=False)
        return result.record

    # --- reading -----------------------------------------------------------------------------------
    _STUDY_SELECT = """
        SELECT s.*, p.patient_id, p.patient_name, p.patient_birth_date, p.patient_sex,
          (SELECT group_concat(m, '\\') FROM (SELECT DISTINCT modality AS m FROM series
             WHERE series.study_uid = s.study_uid AND modality != '' ORDER BY modality)) AS modalities,
          (SELECT count(*) FROM series WHERE series.study_uid = s.study_uid) AS num_series,
          (SELECT count(*) FROM instances WHERE instances.study_uid = s.study_uid) AS num_instances
        FROM studies s JOIN patients p ON p.id = s.patient_ref
    """

    @staticmethod
    def _study(row: sqlite3.Row) -> StudyRecord:
        return StudyRecord(
            study_uid=row["study_uid"], patient_name=row["patient_name"], patient_id=row["patient_id"],
            patient_birth_date=row["patient_birth_date"], patient_sex=row["patient_sex"],
            study_date=row["study_date"], study_time=row["study_time"], accession_number=row["accession_number"],
            study_description=row["study_description"], modalities=row["modalities"] or "",
            body_part=row["body_part"], num_series=row["num_series"], num_instances=row["num_instances"],
            first_received_at=row["first_received_at"], last_received_at=row["last_received_at"],
            calling_ae=row["calling_ae"], stable_at=row["stable_at"], ai_state=row["ai_state"],
            ai_detail=row["ai_detail"], forward_state=row["forward_state"], forward_detail=row["forward_detail"],
            pinned=bool(row["pinned"]), study_id=row["study_id"], referring_physician=row["referring_physician"])

    @staticmethod
    def _like(pattern: str) -> str:
        """DICOM wildcards (* ?) to LIKE; without wildcards, a substring match."""
        esc = pattern.replace("!", "!!").replace("%", "!%").replace("_", "!_")
        if "*" in esc or "?" in esc:
            return esc.replace("*", "%").replace("?", "_")
        return f"%{esc}%"

    def studies(self, patient_name: str | None = None, patient_id: str | None = None,
                date_from: str | None = None, date_to: str | None = None,
                modality: str | None = None, limit: int = 500) -> list[StudyRecord]:
        where, args = [], []
        if patient_name:
            where.append("p.patient_name LIKE ? ESCAPE '!'")
            args.append(self._like(patient_name))
        if patient_id:
            where.append("p.patient_id LIKE ? ESCAPE '!'")
            args.append(self._like(patient_id))
        if date_from:
            where.append("s.study_date >= ?")
            args.append(date_from)
        if date_to:
            where.append("s.study_date <= ?")
            args.append(date_to)
        if modality:
            where.append("EXISTS (SELECT 1 FROM series x WHERE x.study_uid = s.study_uid AND x.modality = ?)")
            args.append(modality.upper())
        sql = self._STUDY_SELECT + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY s.last_received_at DESC LIMIT ?"
        args.append(int(limit))
        return [self._study(r) for r in self._conn().execute(sql, args).fetchall()]

    def study(self, study_uid: str) -> StudyRecord | None:
        row = self._conn().execute(self._STUDY_SELECT + " WHERE s.study_uid = ?", (study_uid,)).fetchone()
        return self._study(row) if row else None

    def series(self, study_uid: str) -> list[SeriesRecord]:
        rows = self._conn().execute(
            "SELECT x.*, (SELECT count(*) FROM instances i WHERE i.series_uid = x.series_uid) AS n "
            "FROM series x WHERE x.study_uid = ? ORDER BY CAST(x.series_number AS INTEGER), x.series_uid",
            (study_uid,)).fetchall()
        return [SeriesRecord(series_uid=r["series_uid"], study_uid=r["study_uid"], modality=r["modality"],
                             series_number=r["series_number"], series_description=r["series_description"],
                             body_part=r["body_part"], num_instances=r["n"], series_date=r["series_date"],
                             series_time=r["series_time"]) for r in rows]

    def _instance(self, r: sqlite3.Row) -> InstanceRecord:
        return InstanceRecord(sop_instance_uid=r["sop_instance_uid"], sop_class_uid=r["sop_class_uid"],
                              transfer_syntax_uid=r["transfer_syntax_uid"], series_uid=r["series_uid"],
                              study_uid=r["study_uid"], instance_number=r["instance_number"],
                              path=self.root / r["path"], size=r["size"], received_at=r["received_at"],
                              calling_ae=r["calling_ae"])

    def instances(self, study_uid: str | None = None, series_uid: str | None = None) -> list[InstanceRecord]:
        where, args = [], []
        if study_uid:
            where.append("study_uid = ?")
            args.append(study_uid)
        if series_uid:
            where.append("series_uid = ?")
            args.append(series_uid)
        sql = "SELECT * FROM instances" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY series_uid, CAST(instance_number AS INTEGER), sop_instance_uid"
        return [self._instance(r) for r in self._conn().execute(sql, args).fetchall()]

    def _instance_by_uid(self, sop_uid: str) -> InstanceRecord | None:
        r = self._conn().execute("SELECT * FROM instances WHERE sop_instance_uid=?", (sop_uid,)).fetchone()
        return self._instance(r) if r else None

    def instance(self, sop_uid: str) -> InstanceRecord | None:
        return self._instance_by_uid(sop_uid)

    # --- state -------------------------------------------------------------------------------------
    def _update_study(self, sql: str, args: tuple) -> None:
        with self._write_lock:
            conn = self._conn()
            conn.execute(sql, args)
            conn.commit()

    def set_ai_state(self, study_uid: str, state: str, detail: str = "") -> None:
        if state not in AI_STATES:
            raise ValueError(f"ai_state must be one of {AI_STATES}, got {state!r}")
        self._update_study("UPDATE studies SET ai_state=?, ai_detail=? WHERE study_uid=?", (state, detail, study_uid))

    def set_forward_state(self, study_uid: str, state: str, detail: str = "") -> None:
        if state not in FORWARD_STATES:
            raise ValueError(f"forward_state must be one of {FORWARD_STATES}, got {state!r}")
        self._update_study("UPDATE studies SET forward_state=?, forward_detail=? WHERE study_uid=?",
                           (state, detail, study_uid))

    def set_pinned(self, study_uid: str, pinned: bool = True) -> None:
        self._update_study("UPDATE studies SET pinned=? WHERE study_uid=?", (1 if pinned else 0, study_uid))

    def mark_stable(self, study_uid: str, when: float | None = None) -> None:
        self._update_study("UPDATE studies SET stable_at=? WHERE study_uid=?", (when or time.time(), study_uid))

    def mark_stable_if_quiet(self, study_uid: str, when: float, cutoff: float) -> bool:
        """Set stable_at unless something arrived after `cutoff` meanwhile; True when it was set."""
        with self._write_lock:
            conn = self._conn()
            cur = conn.execute("UPDATE studies SET stable_at=? WHERE study_uid=? AND stable_at IS NULL "
                               "AND last_received_at <= ?", (when, study_uid, cutoff))
            conn.commit()
            return cur.rowcount == 1

    def unstable_studies(self) -> list[tuple[str, str, float]]:
        """(study_uid, calling_ae, last_received_at) of studies not yet stable."""
        rows = self._conn().execute(
            "SELECT study_uid, calling_ae, last_received_at FROM studies WHERE stable_at IS NULL").fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    def studies_with_ai_state(self, *states: str) -> list[str]:
        q = ",".join("?" * len(states))
        return [r[0] for r in self._conn().execute(
            f"SELECT study_uid FROM studies WHERE ai_state IN ({q}) ORDER BY stable_at", states).fetchall()]

    def stable_without_ai_state(self) -> list[str]:
        """Stable studies the pipeline never saw (the node died between recording and announcing)."""
        return [r[0] for r in self._conn().execute(
            "SELECT study_uid FROM studies WHERE stable_at IS NOT NULL AND ai_state = '' ORDER BY stable_at")]

    def delete_study(self, study_uid: str, only: set[str] | None = None) -> int:
        """Remove a study's instances: exactly the rows this transaction deletes, then exactly their files.

        `only`: the SOP Instance UIDs the caller checked (retention: each delivered to the county); if
        the study holds any other instance by the time the deletion runs (one arrived meanwhile),
        nothing is deleted and 0 is returned. A file renamed into the study's folder but not yet
        indexed is never touched (folders are removed only when empty). Returns the instances removed."""
        with self._write_lock:
            conn = self._conn()
            try:
                conn.execute("BEGIN IMMEDIATE")
                rows = conn.execute("SELECT sop_instance_uid, path FROM instances WHERE study_uid=?",
                                    (study_uid,)).fetchall()
                if only is not None and {r["sop_instance_uid"] for r in rows} != set(only):
                    conn.execute("ROLLBACK")
                    log.info("study %s changed since it was checked for deletion; kept", study_uid)
                    return 0
                conn.executemany("DELETE FROM instances WHERE sop_instance_uid=?",
                                 [(r["sop_instance_uid"],) for r in rows])
                conn.execute("DELETE FROM series WHERE study_uid=? AND NOT EXISTS "
                             "(SELECT 1 FROM instances i WHERE i.series_uid = series.series_uid)", (study_uid,))
                ref = conn.execute("SELECT patient_ref FROM studies WHERE study_uid=?", (study_uid,)).fetchone()
                conn.execute("DELETE FROM studies WHERE study_uid=? AND NOT EXISTS "
                             "(SELECT 1 FROM instances i WHERE i.study_uid = studies.study_uid)", (study_uid,))
                if ref is not None:
                    conn.execute("DELETE FROM patients WHERE id=? AND NOT EXISTS "
                                 "(SELECT 1 FROM studies WHERE patient_ref=?)", (ref[0], ref[0]))
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        # Rows first, files after: a crash in between leaves stray files, never rows without files.
        folders = set()
        for r in rows:
            path = self.root / r["path"]
            path.unlink(missing_ok=True)
            folders.add(path.parent)
        for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
            for d in (folder, folder.parent):
                if d != self.files_dir and self.files_dir in d.parents:
                    try:
                        d.rmdir()  # only an empty folder: a file stored meanwhile keeps it
                    except OSError:
                        pass
        return len(rows)

    # --- start-up ----------------------------------------------------------------------------------
    def clean_tmp(self) -> int:
        """Remove every leftover temp file (never indexed). Only the node calls this, at its start-up."""
        return self.sweep_tmp(float("-inf"))

    def sweep_tmp(self, older_than_s: float) -> int:
        """Remove temp files nobody wrote for `older_than_s` (a transfer cut off half-way leaves its
        partial file; a live one is written at least every network timeout). Returns how many."""
        n, cutoff = 0, time.time() - older_than_s
        for p in self.tmp_dir.iterdir():
            try:
                if p.stat().st_mtime < cutoff:
                    p.unlink()
                    n += 1
            except OSError:
                pass
        if n:
            log.info("removed %d leftover temp file(s) from %s", n, self.tmp_dir)
        return n

    def reindex_orphans(self) -> int:
        """Index complete files in files/ that have no row (renamed, then the process died before
        the index commit). Such files were never acknowledged, but they are whole: keep them."""
        known = {r[0] for r in self._conn().execute("SELECT path FROM instances")}
        n = 0
        for p in self.files_dir.rglob("*.dcm"):
            rel = p.relative_to(self.root).as_posix()
            if rel in known:
                continue
            try:
                data = p.read_bytes()
                split_file(data)  # a Part 10 file, or not ours to index
                ds = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True)
                self._index(index_fields(ds), rel, len(data), "", str(ds.file_meta.get("TransferSyntaxUID", "")),
                            "", p.stat().st_mtime, received=True)
                n += 1
            except Exception as exc:
                log.warning("unreadable file in archive, left alone: %s (%s)", p, exc)
        if n:
            log.info("re-indexed %d file(s) found in the archive without an index row", n)
        return n
