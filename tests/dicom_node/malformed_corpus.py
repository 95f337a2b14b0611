"""A generated corpus of malformed and hostile DICOM objects, and the means to send them as bytes.

Each `Malformed` holds the data set bytes exactly as a hostile peer would put them on the wire; the
objects are built with a tiny hand-written encoder (not pydicom) so that they can lie about lengths,
VRs and nesting in ways a well-behaved library refuses to write.

`write_received(path, ...)` wraps bytes the way pynetdicom writes a received instance (zero preamble,
"DICM", its own File Meta group, then the peer's bytes): that file is what `check_received` sees, and
it is also what `send_raw` needs, because pynetdicom sends the bytes after the meta group verbatim when
`STORE_SEND_CHUNKED_DATASET` is on.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from pydicom.uid import generate_uid

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
MR_IMAGE = "1.2.840.10008.5.1.4.1.1.4"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
IMPLICIT_LE = "1.2.840.10008.1.2"

LONG_VRS = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"}
UNDEFINED = 0xFFFFFFFF
ROWS = COLS = 16


def _pad(vr: str, value: bytes) -> bytes:
    if len(value) % 2:
        value += b"\x00" if vr in ("UI", "OB", "UN") else b" "
    return value


def element(tag: int, vr: str, value: bytes, length: int | None = None) -> bytes:
    """One explicit VR little endian element; `length` lies about the value's size when given."""
    value = _pad(vr, value) if length is None else value
    n = len(value) if length is None else length
    head = struct.pack("<HH", tag >> 16, tag & 0xFFFF) + vr.encode("latin-1")
    if vr in LONG_VRS:
        return head + b"\x00\x00" + struct.pack("<I", n) + value
    return head + struct.pack("<H", n) + value


def item(content: bytes, defined: bool = True) -> bytes:
    if defined:
        return struct.pack("<HHI", 0xFFFE, 0xE000, len(content)) + content
    return struct.pack("<HHI", 0xFFFE, 0xE000, UNDEFINED) + content + struct.pack("<HHI", 0xFFFE, 0xE00D, 0)


def sequence(tag: int, items: list[bytes], defined: bool = True) -> bytes:
    body = b"".join(items)
    if defined:
        return element(tag, "SQ", body)
    return element(tag, "SQ", body, length=UNDEFINED) + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)


def us(v: int) -> bytes:
    return struct.pack("<H", v)


@dataclass
class Uids:
    study: str = field(default_factory=generate_uid)
    series: str = field(default_factory=generate_uid)
    instance: str = field(default_factory=generate_uid)


def base_elements(uids: Uids, sop_class: str = CT_IMAGE, patient_name: str = "张^伟",
                  patient_id: str = "MAL0001") -> dict[int, bytes]:
    """A small but complete CT image (16x16, 16 bit) as {tag: encoded element}, GB18030 patient name."""
    pixels = bytes(range(256)) * 2  # 16 x 16 x 2 bytes
    code_item = element(0x00080100, "SH", b"CT-CHEST") + element(0x00080102, "SH", b"99TPACS") + \
        element(0x00080104, "LO", b"chest CT")
    return {
        0x00080005: element(0x00080005, "CS", b"GB18030"),
        0x00080016: element(0x00080016, "UI", sop_class.encode()),
        0x00080018: element(0x00080018, "UI", uids.instance.encode()),
        0x00080020: element(0x00080020, "DA", b"20260101"),
        0x00080060: element(0x00080060, "CS", b"CT"),
        0x00081032: sequence(0x00081032, [item(code_item)]),  # Procedure Code Sequence
        0x00100010: element(0x00100010, "PN", patient_name.encode("gb18030")),
        0x00100020: element(0x00100020, "LO", patient_id.encode()),
        0x0020000D: element(0x0020000D, "UI", uids.study.encode()),
        0x0020000E: element(0x0020000E, "UI", uids.series.encode()),
        0x00200013: element(0x00200013, "IS", b"1"),
        0x00280002: element(0x00280002, "US", us(1)),
        0x00280004: element(0x00280004, "CS", b"MONOCHROME2"),
        0x00280010: element(0x00280010, "US", us(ROWS)),
        0x00280011: element(0x00280011, "US", us(COLS)),
        0x00280100: element(0x00280100, "US", us(16)),
        0x00280101: element(0x00280101, "US", us(12)),
        0x00280102: element(0x00280102, "US", us(11)),
        0x00280103: element(0x00280103, "US", us(0)),
        0x7FE00010: element(0x7FE00010, "OW", pixels),
    }


def encode(elements: dict[int, bytes]) -> bytes:
    return b"".join(elements[t] for t in sorted(elements))


def good_dataset(uids: Uids | None = None, **kw) -> bytes:
    return encode(base_elements(uids or Uids(), **kw))


def nested(depth: int, defined: bool) -> bytes:
    """A sequence nested `depth` levels deep (Content Sequence in Content Sequence ...)."""
    if not defined:
        head = (element(0x0040A730, "SQ", b"", length=UNDEFINED) + struct.pack("<HHI", 0xFFFE, 0xE000, UNDEFINED))
        tail = struct.pack("<HHI", 0xFFFE, 0xE00D, 0) + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
        return head * depth + tail * depth
    inner = element(0x0040A040, "CS", b"TEXT")
    for _ in range(depth):
        inner = sequence(0x0040A730, [item(inner)])
    return inner


@dataclass
class Malformed:
    name: str
    data: bytes              # the data set bytes as they go on the wire
    statuses: tuple[int, ...]  # the acceptable failure statuses
    sop_class: str = CT_IMAGE   # what the C-STORE request (and the presentation context) claims
    sop_instance: str = ""
    transfer_syntax: str = EXPLICIT_LE
    # False: cannot be put on the wire by our sender (pynetdicom reads a file's group 0002 as its meta,
    # smuggled elements included); checked by the unit tests only
    wire: bool = True


def part10_file(data: bytes, sop_class: str, sop_instance: str, transfer_syntax: str,
                preamble: bytes = b"\x00" * 128) -> bytes:
    """preamble + DICM + a File Meta group + `data`, as pynetdicom (or any Part 10 writer) lays it out."""
    meta = (element(0x00020001, "OB", b"\x00\x01") + element(0x00020002, "UI", sop_class.encode())
            + element(0x00020003, "UI", sop_instance.encode()) + element(0x00020010, "UI", transfer_syntax.encode())
            + element(0x00020012, "UI", b"1.2.826.0.1.3680043.9.7433.1.1"))
    group_len = element(0x00020000, "UL", struct.pack("<I", len(meta)))
    return preamble + b"DICM" + group_len + meta + data


def write_received(path: Path, data: bytes, sop_class: str, sop_instance: str,
                   transfer_syntax: str = EXPLICIT_LE) -> Path:
    path = Path(path)
    path.write_bytes(part10_file(data, sop_class, sop_instance, transfer_syntax))
    return path


def corpus() -> list[Malformed]:
    """About a dozen kinds of malformed or hostile objects; each needs its own UIDs (none may land)."""
    out: list[Malformed] = []

    def add(name, data, statuses, uids, **kw):
        out.append(Malformed(name, data, tuple(statuses), sop_instance=uids.instance, **kw))

    # 1. cut short in the middle of the pixel data
    u = Uids()
    good = good_dataset(u)
    add("truncated_in_pixels", good[:-100], [0xC211], u)

    # 2. cut short at an element boundary, before the pixel data
    u = Uids()
    els = base_elements(u)
    del els[0x7FE00010]
    add("truncated_before_pixels", encode(els), [0xC211], u)

    # 3. a string element claims far more bytes than the data set holds
    u = Uids()
    els = base_elements(u)
    els[0x00100020] = element(0x00100020, "LO", b"MAL0001 ", length=0xFFF0)
    add("lying_length_past_end", encode(els), [0xC211, 0xC212], u)

    # 4. an element inside a sequence item claims more than its item holds
    u = Uids()
    els = base_elements(u)
    code = element(0x00080100, "SH", b"CT-CHEST", length=200) + element(0x00080102, "SH", b"99TPACS")
    els[0x00081032] = sequence(0x00081032, [item(code)])
    add("lying_length_in_item", encode(els), [0xC212], u)

    # 5. pixel data shorter than Rows x Columns x 2 bytes, with a consistent length field
    u = Uids()
    els = base_elements(u)
    els[0x7FE00010] = element(0x7FE00010, "OW", b"\x00" * 64)
    add("pixel_data_too_short", encode(els), [0xC212], u)

    # 6. a VR that does not exist
    u = Uids()
    els = base_elements(u)
    els[0x00080060] = element(0x00080060, "CS", b"CT")[:4] + b"ZZ" + element(0x00080060, "CS", b"CT")[6:]
    add("bogus_vr", encode(els), [0xC213], u)

    # 7. a US value of 3 bytes
    u = Uids()
    els = base_elements(u)
    els[0x00280010] = struct.pack("<HH", 0x0028, 0x0010) + b"US" + struct.pack("<H", 3) + b"\x10\x00\x00"
    add("odd_fixed_size_value", encode(els), [0xC212, 0xC211], u)

    # 8./9. sequences nested thousands deep (undefined and defined lengths)
    for defined in (False, True):
        u = Uids()
        els = base_elements(u)
        els[0x0040A730] = nested(3000 if defined else 5000, defined)
        add(f"nested_5000_{'defined' if defined else 'undefined'}", encode(els), [0xC214], u)

    # 10. a whole Part 10 file with an executable (PE) preamble sent as the data set
    u = Uids()
    pe = (b"MZ\x90\x00" + b"\x00" * 56 + struct.pack("<I", 0x80) + b"\x00" * 64)[:128]
    add("polyglot_preamble_in_dataset", part10_file(good_dataset(u), CT_IMAGE, u.instance, EXPLICIT_LE, pe),
        [0xC215], u)

    # 11. the data set is an MR image, the request and context say CT
    u = Uids()
    add("sop_class_mismatch", good_dataset(u, sop_class=MR_IMAGE), [0xA900], u)

    # 12. no Study Instance UID
    u = Uids()
    els = base_elements(u)
    del els[0x0020000D]
    add("missing_study_uid", encode(els), [0xC216], u)

    # 13. a File Meta group smuggled into the data set
    u = Uids()
    els = base_elements(u)
    els[0x00020010] = element(0x00020010, "UI", IMPLICIT_LE.encode())
    add("meta_group_in_dataset", encode(els), [0xC217], u, wire=False)

    # 14. the same tag twice: a second SOP Instance UID hidden after the pixel data
    u = Uids()
    els = base_elements(u)
    data = encode(els) + element(0x00080018, "UI", generate_uid().encode())
    add("repeated_sop_instance_uid", data, [0xC210], u)

    # 15. encapsulated (compressed-looking) pixel data under an uncompressed transfer syntax
    u = Uids()
    els = base_elements(u)
    els[0x7FE00010] = (element(0x7FE00010, "OB", b"", length=UNDEFINED) + item(b"") + item(b"\xff\xd8\xff\xd9")
                       + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0))
    add("encapsulated_in_uncompressed", encode(els), [0xC217], u)
    return out


def send_raw(host: str, port: int, called_aet: str, files: list[Path], calling_aet: str = "HOSTILE",
             timeout: float = 30) -> list[int | None]:
    """C-STORE each file's post-meta bytes verbatim (no re-encoding) on one association; the statuses.

    None for an instance whose request got no answer (the association is then re-opened for the rest).
    """
    from pydicom.filereader import read_file_meta_info
    from pynetdicom import AE, _config
    from pynetdicom.presentation import build_context

    old = _config.STORE_SEND_CHUNKED_DATASET
    _config.STORE_SEND_CHUNKED_DATASET = True  # send the file's bytes as they are
    statuses: list[int | None] = []
    try:
        ae = AE(ae_title=calling_aet)
        ae.acse_timeout = ae.dimse_timeout = ae.network_timeout = timeout
        contexts: dict[str, set[str]] = {}
        for f in files:
            # the meta's SOP class / TS decide the context, as a hostile SCU would choose them
            meta = read_file_meta_info(f)
            contexts.setdefault(str(meta.MediaStorageSOPClassUID), set()).add(str(meta.TransferSyntaxUID))
        ae.requested_contexts = [build_context(sc, sorted(ts)) for sc, ts in contexts.items()]
        assoc = None
        for f in files:
            if assoc is None or not assoc.is_established:
                assoc = ae.associate(host, port, ae_title=called_aet)
                if not assoc.is_established:
                    statuses.append(None)
                    assoc = None
                    continue
            try:
                rsp = assoc.send_c_store(Path(f))
                statuses.append(int(rsp.Status) if rsp and "Status" in rsp else None)
            except Exception:
                statuses.append(None)
        if assoc is not None and assoc.is_established:
            assoc.release()
    finally:
        _config.STORE_SEND_CHUNKED_DATASET = old
    return statuses
