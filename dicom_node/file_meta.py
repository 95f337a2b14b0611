"""The File Meta group of an object received over the network, encoded directly: pydicom's FileMetaDataset
costs about as much per instance as the rest of a fast receive path together."""
from __future__ import annotations

import struct

from pynetdicom import PYNETDICOM_IMPLEMENTATION_UID, PYNETDICOM_IMPLEMENTATION_VERSION


def _element(tag_elem: int, vr: bytes, value: bytes) -> bytes:
    """One group-0002 element, explicit VR little endian."""
    if vr == b"OB":
        return struct.pack("<HH2sHI", 0x0002, tag_elem, vr, 0, len(value)) + value
    return struct.pack("<HH2sH", 0x0002, tag_elem, vr, len(value)) + value


def _pad(text: str, pad: bytes) -> bytes:
    raw = text.encode("ascii", "replace")
    return raw + pad if len(raw) % 2 else raw


def encode_file_meta(sop_class: str, sop_instance: str, transfer_syntax: str, source_ae: str = "") -> bytes:
    body = b"".join([
        _element(0x0001, b"OB", b"\x00\x01"),
        _element(0x0002, b"UI", _pad(sop_class, b"\x00")),
        _element(0x0003, b"UI", _pad(sop_instance, b"\x00")),
        _element(0x0010, b"UI", _pad(transfer_syntax, b"\x00")),
        _element(0x0012, b"UI", _pad(PYNETDICOM_IMPLEMENTATION_UID, b"\x00")),
        _element(0x0013, b"SH", _pad(PYNETDICOM_IMPLEMENTATION_VERSION, b" ")),
    ] + ([_element(0x0016, b"AE", _pad(source_ae, b" "))] if source_ae else []))
    return _element(0x0000, b"UL", struct.pack("<I", len(body))) + body
