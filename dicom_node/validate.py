"""Refuse malformed or hostile objects before anything is archived.

The C-STORE handler calls `check_received` on the file pynetdicom wrote for one received instance:
a zero preamble, "DICM" and a File Meta group that pynetdicom made itself, then the data set bytes
exactly as the peer sent them. Only those data set bytes come from the peer, so that is what is
checked, by a structural walk that never trusts a length and never recurses:

- every element header and value lies inside its container (truncated files, lying lengths),
- explicit VRs are real VR codes, fixed-size values are whole multiples of their size,
- sequences and items are well formed and nested no deeper than `max_depth`
  (an explicit stack: a sequence nested thousands deep is refused, never a RecursionError),
- encapsulated pixel data only where the transfer syntax is compressed, native pixel data long
  enough for Rows x Columns x frames,
- no second preamble + "DICM" or File Meta group inside the data set (a whole file sent as a data set,
  the way a PE/ELF polyglot preamble would try to reach the archive),
- SOP Class UID equal to the presentation context's (0xA900 otherwise), SOP Instance / Study / Series
  UIDs present and well formed.

The same single pass collects the top-level elements the checks and the index need (UIDs, names,
dates, image size...), decoded here with pydicom's character-set rules: the received object is never
parsed a second time (pydicom's full read cost about 2 ms of the ~10 ms an instance takes).
"""
from __future__ import annotations

import mmap
import re
import struct
import zlib
from pathlib import Path

from pydicom.datadict import dictionary_VR, tag_for_keyword
from pydicom.uid import UID

# Failure statuses. 0xA900 is the standard "data set does not match SOP class"; the 0xC2xx codes are
# inside the standard's 0xC000-0xCFFF "cannot understand" range, one per kind of fault so that a
# sender's log says what went wrong even without the ErrorComment.
STATUS_SOP_CLASS_MISMATCH = 0xA900
STATUS_CANNOT_UNDERSTAND = 0xC210
STATUS_TRUNCATED = 0xC211
STATUS_BAD_LENGTH = 0xC212
STATUS_BAD_VR = 0xC213
STATUS_TOO_DEEP = 0xC214
STATUS_PREAMBLE = 0xC215
STATUS_MISSING_UID = 0xC216
STATUS_BAD_ENCODING = 0xC217

# Real objects nest a handful of levels (an SR content tree perhaps ten); 32 leaves ample room.
DEFAULT_MAX_DEPTH = 32
# A deflated data set may not inflate beyond this (a "zip bomb" would otherwise fill memory).
DEFAULT_MAX_INFLATED = 512 * 1024 * 1024

UNDEFINED = 0xFFFFFFFF
PIXEL_DATA = 0x7FE00010
ITEM, ITEM_DELIM, SEQ_DELIM = 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD

VALID_VRS = frozenset(
    "AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV".split())
LONG_VRS = frozenset("OB OD OF OL OV OW SQ SV UC UN UR UT UV".split())
FIXED_SIZE = {"US": 2, "SS": 2, "UL": 4, "SL": 4, "FL": 4, "FD": 8, "AT": 4, "SV": 8, "UV": 8,
              "OD": 8, "OF": 4, "OL": 4, "OV": 8, "OW": 2}
# The elements the index relies on must carry the right VR, whatever the dictionary allows elsewhere.
KEY_VRS = {0x00080016: "UI", 0x00080018: "UI", 0x0020000D: "UI", 0x0020000E: "UI", 0x00100010: "PN",
           0x00080005: "CS", 0x00280010: "US", 0x00280011: "US"}
REQUIRED_UIDS = (("SOPInstanceUID", 0x00080018), ("StudyInstanceUID", 0x0020000D),
                 ("SeriesInstanceUID", 0x0020000E))
_UID_RE = re.compile(r"^[0-9]+(\.[0-9]+)*$")

_VR_OF_BYTES = {vr.encode(): vr for vr in VALID_VRS}
_DS, _SQ, _FRAG = 0, 1, 2


class Rejected(Exception):
    """A received object is refused; `status` goes back to the peer, `reason` into the log."""

    def __init__(self, status: int, reason: str):
        super().__init__(f"0x{status:04X}: {reason}")
        self.status = status
        self.reason = reason


def _tag(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


_implicit_cache: dict[int, str] = {}


def _implicit_vr(tag: int) -> str:
    vr = _implicit_cache.get(tag)
    if vr is None:
        if tag & 0xFFFF == 0:
            vr = "UL"  # group length
        else:
            try:
                vr = dictionary_VR(tag)
            except KeyError:
                vr = "UN"  # private or unknown: opaque bytes
            if " or " in vr:
                vr = "OB" if vr.startswith("OB") else "UN"  # ambiguous: no size check
        _implicit_cache[tag] = vr
    return vr


class _Frame:
    __slots__ = ("kind", "end", "limit", "depth", "implicit", "last_tag", "items", "seen")

    def __init__(self, kind, end, limit, depth, implicit):
        self.kind, self.end, self.limit, self.depth, self.implicit = kind, end, limit, depth, implicit
        self.last_tag = -1
        self.seen: set[int] = set()
        self.items = 0


def walk_dataset(buf, implicit: bool, little: bool = True, max_depth: int = DEFAULT_MAX_DEPTH,
                 start: int = 0, collect: frozenset = frozenset()) -> dict:
    """Check the structure of an encoded data set without recursion; raise Rejected on any fault.

    `buf` is bytes or an mmap (slices are bytes, no copies of values); the data set runs from `start`
    to the end of `buf`, and byte positions in reasons count from the start of `buf`.
    Returns facts about the top level: {"pixel": (vr, length, encapsulated, n_fragments) | None,
    "n_elements": N, "values": {tag: (vr, raw value bytes)} for the top-level tags in `collect`}.
    """
    values: dict[int, tuple[str, bytes]] = {}
    n = len(buf)
    u16 = struct.Struct("<H" if little else ">H").unpack_from
    u32 = struct.Struct("<I" if little else ">I").unpack_from
    tagfmt = struct.Struct("<HH" if little else ">HH").unpack_from
    pos = start
    stack = [_Frame(_DS, n, n, 0, implicit)]
    pixel = None
    n_elements = 0

    def short(where: int, limit: int, what: str):
        if limit == n:
            raise Rejected(STATUS_TRUNCATED, f"truncated: {what} at byte {where} runs past the end of the data set "
                                             f"(byte {n})")
        raise Rejected(STATUS_BAD_LENGTH, f"lying length: {what} at byte {where} runs past the end of its "
                                          f"enclosing item/sequence (ends at byte {limit})")

    while stack:
        f = stack[-1]
        if f.kind == _DS:
            if f.end is not None and pos == f.end:
                stack.pop()
                continue
            if pos + 8 > f.limit:
                short(pos, f.limit, "an element header")
            g, e = tagfmt(buf, pos)
            tag = g << 16 | e
            if g == 0xFFFE:
                if tag == ITEM_DELIM and f.end is None:
                    if u32(buf, pos + 4)[0] != 0:
                        raise Rejected(STATUS_BAD_LENGTH, f"item delimiter with non-zero length at byte {pos}")
                    pos += 8
                    stack.pop()
                    continue
                raise Rejected(STATUS_CANNOT_UNDERSTAND, f"unexpected item/delimiter tag {_tag(tag)} inside a data set "
                                                         f"at byte {pos}")
            if tag <= f.last_tag:
                # Out of order is tolerated (readers sort; old modalities do this); a repeated tag is not:
                # two SOP Instance UIDs, say, would let the index and another reader see different objects.
                if tag in f.seen:
                    raise Rejected(STATUS_CANNOT_UNDERSTAND, f"element {_tag(tag)} at byte {pos} appears twice in "
                                                             f"the same data set")
            else:
                f.last_tag = tag
            f.seen.add(tag)
            if f.depth == 0 and g == 0x0002:
                raise Rejected(STATUS_BAD_ENCODING, f"File Meta Information element {_tag(tag)} inside the data set")
            if f.implicit:
                vr = _implicit_vr(tag)
                length = u32(buf, pos + 4)[0]
                pos += 8
            else:
                vr = _VR_OF_BYTES.get(buf[pos + 4:pos + 6])
                if vr is None:
                    raise Rejected(STATUS_BAD_VR, f"bogus VR {bytes(buf[pos + 4:pos + 6])!r} for element {_tag(tag)} "
                                                  f"at byte {pos}")
                if vr in LONG_VRS:
                    if pos + 12 > f.limit:
                        short(pos, f.limit, f"the header of {_tag(tag)}")
                    length = u32(buf, pos + 8)[0]
                    pos += 12
                else:
                    length = u16(buf, pos + 6)[0]
                    pos += 8
            n_elements += 1
            want = KEY_VRS.get(tag)
            if want and not f.implicit and vr != want and vr != "UN":  # UN: the sender did not know the VR
                raise Rejected(STATUS_BAD_VR, f"element {_tag(tag)} has VR {vr}, must be {want}")
            if length == UNDEFINED:
                if tag == PIXEL_DATA and vr in ("OB", "OW", "UN"):
                    stack.append(_Frame(_FRAG, None, f.limit, f.depth, f.implicit))
                    if f.depth == 0:
                        pixel = [vr, UNDEFINED, True, 0]
                    continue
                if vr == "SQ" or vr == "UN" or f.implicit:
                    if f.depth + 1 > max_depth:
                        raise Rejected(STATUS_TOO_DEEP, f"sequences nested deeper than {max_depth} levels "
                                                        f"(at {_tag(tag)}, byte {pos})")
                    # an undefined-length UN is a sequence encoded implicit VR little endian (PS3.5 6.2.2)
                    stack.append(_Frame(_SQ, None, f.limit, f.depth + 1, f.implicit or vr == "UN"))
                    continue
                raise Rejected(STATUS_BAD_LENGTH, f"element {_tag(tag)} with VR {vr} has undefined length")
            if pos + length > f.limit:
                short(pos, f.limit, f"the value of {_tag(tag)} ({length} bytes)")
            if f.depth == 0 and tag in collect:
                values[tag] = (vr, bytes(buf[pos:pos + length]))
            as_sq = vr == "SQ" or (vr == "UN" and length > 0 and _implicit_vr(tag) == "SQ")
            if as_sq:
                if f.depth + 1 > max_depth:
                    raise Rejected(STATUS_TOO_DEEP, f"sequences nested deeper than {max_depth} levels "
                                                    f"(at {_tag(tag)}, byte {pos})")
                end = pos + length
                stack.append(_Frame(_SQ, end, end, f.depth + 1, f.implicit or vr == "UN"))
                continue
            size = FIXED_SIZE.get(vr)
            if size and length % size:
                raise Rejected(STATUS_BAD_LENGTH, f"element {_tag(tag)} ({vr}) has length {length}, "
                                                  f"not a multiple of {size}")
            if tag == PIXEL_DATA and f.depth == 0:
                pixel = [vr, length, False, 0]
            pos += length
        else:
            if f.end is not None and pos == f.end:
                stack.pop()
                continue
            if pos + 8 > f.limit:
                short(pos, f.limit, "an item header")
            g, e = tagfmt(buf, pos)
            tag = g << 16 | e
            length = u32(buf, pos + 4)[0]
            if tag == SEQ_DELIM and f.end is None:
                if length != 0:
                    raise Rejected(STATUS_BAD_LENGTH, f"sequence delimiter with non-zero length at byte {pos}")
                pos += 8
                stack.pop()
                if f.kind == _FRAG and f.depth == 0 and pixel is not None:
                    pixel[3] = f.items
                continue
            if tag != ITEM:
                raise Rejected(STATUS_CANNOT_UNDERSTAND, f"expected an item tag (FFFE,E000) in a sequence at byte {pos}, "
                                                         f"found {_tag(tag)}")
            pos += 8
            f.items += 1
            if f.kind == _FRAG:
                if length == UNDEFINED:
                    raise Rejected(STATUS_BAD_LENGTH, f"pixel data fragment with undefined length at byte {pos - 8}")
                if pos + length > f.limit:
                    short(pos - 8, f.limit, f"a pixel data fragment ({length} bytes)")
                pos += length
            elif length == UNDEFINED:
                stack.append(_Frame(_DS, None, f.limit, f.depth, f.implicit))
            else:
                if pos + length > f.limit:
                    short(pos - 8, f.limit, f"a sequence item ({length} bytes)")
                stack.append(_Frame(_DS, pos + length, pos + length, f.depth, f.implicit))
    return {"pixel": tuple(pixel) if pixel else None, "n_elements": n_elements, "values": values}


def _read_meta(buf) -> tuple[dict[int, str], int]:
    """The File Meta group (explicit VR little endian) after preamble + DICM: ({tag: value}, end offset).

    The receiver wrote this group itself with a correct (0002,0000) group length; group 0002 elements
    after that length are the peer's, smuggled into the data set (a reader of the stored file would
    take them for the meta, e.g. a different transfer syntax), and are refused.
    """
    pos = 132
    meta: dict[int, str] = {}
    n = len(buf)
    declared_end = None
    while pos + 8 <= n:
        g, e = struct.unpack_from("<HH", buf, pos)
        if g != 0x0002:
            break
        if declared_end is not None and pos >= declared_end:
            raise Rejected(STATUS_BAD_ENCODING, f"File Meta Information element (0002,{e:04X}) inside the data set")
        vr = bytes(buf[pos + 4:pos + 6]).decode("latin-1")
        if vr not in VALID_VRS:
            raise Rejected(STATUS_BAD_VR, f"bogus VR {vr!r} in the File Meta Information")
        if vr in LONG_VRS:
            length = struct.unpack_from("<I", buf, pos + 8)[0]
            pos += 12
        else:
            length = struct.unpack_from("<H", buf, pos + 6)[0]
            pos += 8
        if length == UNDEFINED or pos + length > n:
            raise Rejected(STATUS_TRUNCATED, "truncated File Meta Information")
        if e == 0x0000 and length == 4:
            declared_end = pos + 4 + struct.unpack_from("<I", buf, pos)[0]
        if vr == "UI":
            meta[(g << 16) | e] = bytes(buf[pos:pos + length]).rstrip(b"\x00 ").decode("ascii", "replace")
        pos += length
    if declared_end is not None and pos != declared_end:
        raise Rejected(STATUS_BAD_ENCODING, "File Meta Information group length does not match its elements")
    return meta, pos


# The top-level elements the checks below and the archive's index read (collected during the walk).
COLLECTED = ("SpecificCharacterSet", "SOPClassUID", "SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID",
             "PatientID", "PatientName", "PatientBirthDate", "PatientSex", "StudyDate", "StudyTime",
             "AccessionNumber", "StudyID", "StudyDescription", "ReferringPhysicianName", "BodyPartExamined",
             "Modality", "SeriesNumber", "SeriesDescription", "SeriesDate", "SeriesTime", "InstanceNumber",
             "Rows", "Columns", "BitsAllocated", "SamplesPerPixel", "NumberOfFrames", "PhotometricInterpretation",
             "FloatPixelData", "DoubleFloatPixelData")
_COLLECT_TAGS = {tag_for_keyword(kw): kw for kw in COLLECTED}
_COLLECT = frozenset(_COLLECT_TAGS)
_TEXT_VRS = {"LO", "SH", "LT", "ST", "UT", "UC"}
_TEXT_DELIMS = {0x0D, 0x0A, 0x09, 0x0C}  # pydicom.valuerep.TEXT_VR_DELIMS


class Received:
    """What check_received read from one object: its top-level elements that the checks and the index
    need, as raw bytes decoded on demand (text with the object's Specific Character Set, as pydicom
    does). `received.PatientName`, `received.get("Modality")` give text ("" when absent)."""

    def __init__(self, values: dict[int, tuple[str, bytes]], little: bool):
        self._raw = {_COLLECT_TAGS[t]: v for t, v in values.items()}
        self._little = little
        self._encodings = None

    def __contains__(self, keyword: str) -> bool:
        return keyword in self._raw

    def encodings(self) -> list[str]:
        if self._encodings is None:
            from pydicom.charset import convert_encodings

            try:
                charset = self.get("SpecificCharacterSet")
                self._encodings = convert_encodings(charset.split("\\") if charset else "ISO_IR 6")
            except Exception:  # an unknown character set: decode as Latin-1 rather than refuse to index
                self._encodings = ["iso8859"]
        return self._encodings

    def get(self, keyword: str, default: str = "") -> str:
        item = self._raw.get(keyword)
        if item is None:
            return default
        vr, raw = item
        try:
            if vr in ("US", "UL", "SS", "SL"):
                fmt = {"US": "H", "UL": "I", "SS": "h", "SL": "i"}[vr]
                size = struct.calcsize(fmt)
                return str(struct.unpack_from(("<" if self._little else ">") + fmt, raw)[0]) if len(raw) >= size else ""
            if vr in _TEXT_VRS:
                from pydicom.charset import decode_bytes

                text = decode_bytes(raw, self.encodings(), _TEXT_DELIMS)
            elif vr == "PN":
                from pydicom.valuerep import PersonName

                text = str(PersonName(raw, self.encodings()))
            else:
                text = raw.decode("ascii", "replace")
        except Exception:  # a malformed value must not stop indexing of an otherwise valid object
            return ""
        return text.strip(" \x00").replace("\x00", "")

    def __getattr__(self, keyword: str) -> str:
        if keyword.startswith("_") or keyword not in _COLLECT_TAGS.values():
            raise AttributeError(keyword)
        return self.get(keyword)

    def number(self, keyword: str) -> int | None:
        try:
            return int(self.get(keyword).split("\\")[0])
        except ValueError:
            return None


def _expected_pixel_bytes(ds: Received) -> int | None:
    rows, cols, bits = ds.number("Rows"), ds.number("Columns"), ds.number("BitsAllocated")
    if rows is None or cols is None or bits is None:
        return None
    spp = ds.number("SamplesPerPixel") or 1
    frames = ds.number("NumberOfFrames") or 1
    if bits == 1:
        return (rows * cols * spp * frames + 7) // 8
    if ds.get("PhotometricInterpretation") == "YBR_FULL_422":
        return rows * cols * frames * 2 * (bits // 8)  # chroma subsampled: 2 samples per pixel
    return rows * cols * spp * frames * (bits // 8)


def check_received(path: Path, context_sop_class: str, context_transfer_syntax: str, *,
                   max_depth: int = DEFAULT_MAX_DEPTH, max_inflated: int = DEFAULT_MAX_INFLATED) -> Received:
    """Validate one received instance (as pynetdicom wrote it) in one pass that also collects what the
    index needs (a Received).

    Raises Rejected(status, reason) for anything malformed or hostile; never anything else.
    """
    path = Path(path)
    ts = UID(str(context_transfer_syntax))
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            if size < 132:
                raise Rejected(STATUS_TRUNCATED, f"file of {size} bytes cannot hold preamble + DICM")
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                facts = _check_bytes(mm, ts, max_depth, max_inflated, path.with_name(path.name + ".inflated"))
    except OSError as exc:
        raise Rejected(STATUS_CANNOT_UNDERSTAND, f"cannot read the received file: {exc}") from exc

    ds = Received(facts["values"], ts.is_little_endian)
    sop_class = ds.get("SOPClassUID")
    uids = {kw: ds.get(kw) for kw, _ in REQUIRED_UIDS}

    if not sop_class:
        raise Rejected(STATUS_MISSING_UID, "SOP Class UID (0008,0016) missing")
    if str(sop_class).strip() != str(context_sop_class).strip():
        raise Rejected(STATUS_SOP_CLASS_MISMATCH, f"SOP Class UID {sop_class} in the data set does not match the "
                                                  f"presentation context's {context_sop_class}")
    for kw, tag in REQUIRED_UIDS:
        value = uids[kw]
        if not value:
            raise Rejected(STATUS_MISSING_UID, f"{kw} {_tag(tag)} missing")
        value = str(value)
        if len(value) > 64 or not _UID_RE.match(value):
            raise Rejected(STATUS_MISSING_UID, f"{kw} {_tag(tag)} is not a valid UID: {value[:80]!r}")
    meta_inst = facts["meta"].get(0x00020003)
    if meta_inst and meta_inst != str(uids["SOPInstanceUID"]):
        raise Rejected(STATUS_MISSING_UID, f"SOP Instance UID {uids['SOPInstanceUID']} in the data set differs from "
                                           f"{meta_inst} in the C-STORE request")

    pixel = facts["pixel"]
    if pixel is None:
        if "Rows" in ds and "Columns" in ds and "FloatPixelData" not in ds and "DoubleFloatPixelData" not in ds:
            raise Rejected(STATUS_TRUNCATED, "image attributes present but no Pixel Data (7FE0,0010): "
                                             "the object was cut short")
    else:
        vr, length, encapsulated, n_frag = pixel
        if ts.is_encapsulated and not encapsulated:
            raise Rejected(STATUS_BAD_ENCODING, f"native Pixel Data under compressed transfer syntax {ts.name}")
        if not ts.is_encapsulated and encapsulated:
            raise Rejected(STATUS_BAD_ENCODING, f"encapsulated Pixel Data under uncompressed transfer syntax {ts.name}")
        if encapsulated and n_frag < 2:
            raise Rejected(STATUS_TRUNCATED, "encapsulated Pixel Data without any compressed fragment")
        if not encapsulated:
            expected = _expected_pixel_bytes(ds)
            if expected is not None and length < expected:
                raise Rejected(STATUS_BAD_LENGTH, f"Pixel Data holds {length} bytes, Rows x Columns x samples x frames "
                                                  f"x bits need {expected}")
    return ds


def _inflate(buf, start: int, scratch: Path, max_inflated: int):
    """The deflated data set (buf[start:]) inflated into `scratch` a few MiB at a time, so that a "zip
    bomb" fills neither memory nor, beyond max_inflated, the disk; an mmap of it (the caller closes it),
    or b"" when it inflates to nothing."""
    step = 4 << 20
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0

    def put(chunk: bytes) -> None:
        nonlocal total
        total += len(chunk)
        if total > max_inflated:
            raise Rejected(STATUS_BAD_ENCODING, f"deflated data set inflates beyond {max_inflated} bytes")
        out.write(chunk)

    with open(scratch, "w+b") as out:
        try:
            for pos in range(start, len(buf), step):
                pending = buf[pos:pos + step]  # bytes: nothing keeps a view of the received file
                while pending:  # never more at once than may still come before the limit
                    put(inflater.decompress(pending, min(step, max_inflated - total + 1)))
                    pending = inflater.unconsumed_tail
                if inflater.eof:
                    break
            put(inflater.flush())
        except zlib.error as exc:
            raise Rejected(STATUS_BAD_ENCODING, f"deflated data set does not inflate: {exc}") from None
        out.flush()
        return mmap.mmap(out.fileno(), 0, access=mmap.ACCESS_READ) if total else b""


def _check_bytes(buf, ts: UID, max_depth: int, max_inflated: int, scratch: Path) -> dict:
    """The checks on the bytes; `scratch`: where a deflated data set is inflated (removed afterwards)."""
    if buf[128:132] != b"DICM":
        raise Rejected(STATUS_CANNOT_UNDERSTAND, "no 'DICM' prefix: not the file the receiver wrote")
    if any(buf[:128]):
        # pynetdicom writes zeros; a file from anywhere else must not bring an executable preamble along
        raise Rejected(STATUS_PREAMBLE, "non-empty 128-byte preamble (possible PE/ELF polyglot)")
    meta, start = _read_meta(buf)
    meta_ts = meta.get(0x00020010)
    if meta_ts and meta_ts != str(ts):
        raise Rejected(STATUS_BAD_ENCODING, f"transfer syntax {meta_ts} in the file meta differs from the "
                                            f"presentation context's {ts}")
    if ts.is_deflated:
        try:
            data = _inflate(buf, start, scratch, max_inflated)
            try:
                return _check_plain(data, 0, ts, max_depth, meta)
            finally:
                if not isinstance(data, bytes):
                    data.close()
        finally:
            scratch.unlink(missing_ok=True)
    return _check_plain(buf, start, ts, max_depth, meta)


def _check_plain(data, start: int, ts: UID, max_depth: int, meta: dict) -> dict:
    if len(data) - start <= 0:
        raise Rejected(STATUS_TRUNCATED, "empty data set")
    if len(data) - start >= 132 and data[start + 128:start + 132] == b"DICM":
        raise Rejected(STATUS_PREAMBLE, "the data set starts with a 128-byte preamble and 'DICM': a whole file "
                                        "was sent as a data set")
    facts = walk_dataset(data, implicit=ts.is_implicit_VR, little=ts.is_little_endian, max_depth=max_depth,
                         start=start, collect=_COLLECT)
    facts["meta"] = meta
    return facts
