"""Bounds on what a peer may send, checked on the connection itself as the bytes arrive.

pynetdicom reads a whole PDU into memory, however long its header says it is, and with the
STORE_RECV_CHUNKED_DATASET switch writes a C-STORE data set to a temp file however large it grows. So each
accepted connection is wrapped in a GuardedSocket that follows the PDU stream (PS3.8 9.3: PDU header
type + length; P-DATA-TF: PDV items of length + presentation context + message control header) and cuts
the connection - pynetdicom then aborts the association, and the partial temp file is never stored -
when
  - a P-DATA-TF PDU is longer than the maximum the node announced (`node.max_pdu_bytes`), or any other
    PDU longer than 1 MiB (an A-ASSOCIATE-RQ is a few KiB),
  - one message's data set grows beyond `node.max_instance_bytes`,
  - the storage volume has no room for the next data set fragment (plus 1 MiB for the index; a command,
    e.g. a C-ECHO, writes nothing and always passes): pynetdicom would
    fail writing its temp file and leave the association hanging; cut, the peer sees an abort at once.
    (Above node.min_free_bytes the node answers 0xA700 instead; this is for a volume filled regardless.)
It reads nothing ahead (pynetdicom polls the socket with select), so it only looks at what passes by.
"""
from __future__ import annotations

import logging
import shutil
import struct

log = logging.getLogger("dicom_node.node")

OTHER_PDU_MAX = 1 << 20
ROOM_MARGIN = 1 << 20  # left free beyond a PDU: the index and its write-ahead log need room too


class PeerLimitExceeded(ConnectionAbortedError):
    """The peer sent more than the node accepts; the connection is cut."""


class GuardedSocket:
    """A socket (plain or TLS) as pynetdicom sees it, with the limits above checked on every recv."""

    def __init__(self, sock, address, max_pdu: int, max_instance: int, volume: str | None = None):
        self._sock = sock
        self._volume = volume  # where received data sets are written (checked for room per P-DATA PDU)
        self._address = address
        self.max_pdu = max_pdu or (1 << 32)
        self.max_instance = max_instance or (1 << 62)
        self._head = b""        # an incomplete PDU header or PDV item header
        self._pdu_left = 0      # bytes of the current PDU not seen yet
        self._pdu_type = 0
        self._item_left = 0     # bytes of the current PDV item's value not seen yet
        self._in_header = False  # the next bytes of the P-DATA PDU are a PDV item header
        self._data_set = 0      # data set bytes of the current message so far

    # isinstance(guarded, ssl.SSLSocket) must stay true for a TLS socket: pynetdicom asks it to look
    # at data the TLS layer buffered beyond what select() sees.
    @property
    def __class__(self):  # noqa: D105
        return self._sock.__class__

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def recv(self, n: int, *args) -> bytes:
        data = self._sock.recv(n, *args)
        if data:
            self._follow(data)
        return data

    def _cut(self, why: str) -> None:
        log.warning("connection from %s cut: %s", self._address[0] if self._address else "?", why)
        raise PeerLimitExceeded(why)

    def _follow(self, data: bytes) -> None:
        pos, n = 0, len(data)
        while pos < n:
            if self._pdu_left == 0:  # a PDU header: type, reserved, length (big endian)
                need = 6 - len(self._head)
                self._head += data[pos:pos + need]
                pos += need
                if len(self._head) < 6:
                    return
                self._pdu_type, _, length = struct.unpack(">BBL", self._head)
                self._head = b""
                limit = self.max_pdu if self._pdu_type == 0x04 else OTHER_PDU_MAX
                if length > limit:
                    self._cut(f"PDU of {length} bytes, more than the {limit} this node accepts (node.max_pdu_bytes)")
                self._pdu_left = length
                self._in_header = self._pdu_type == 0x04
                self._item_left = 0
                continue
            take = min(self._pdu_left, n - pos)
            if self._pdu_type != 0x04:
                pos += take
                self._pdu_left -= take
                continue
            if self._item_left:  # inside a PDV item's value
                step = min(take, self._item_left)
                pos += step
                self._pdu_left -= step
                self._item_left -= step
                continue
            need = 6 - len(self._head)  # a PDV item header: length, context ID, message control header
            got = data[pos:pos + min(need, take)]
            self._head += got
            pos += len(got)
            self._pdu_left -= len(got)
            if len(self._head) < 6:
                continue
            item_len, _, control = struct.unpack(">LBB", self._head)
            self._head = b""
            value = max(item_len - 2, 0)
            if item_len < 2 or value > self._pdu_left:
                self._cut("malformed P-DATA-TF PDU (a PDV item longer than its PDU)")
            self._item_left = value
            if control & 0x01:  # command fragment: a new message begins (a C-ECHO is nothing but that)
                self._data_set = 0
            else:
                if self._volume is not None:  # data set bytes are written to disk: is there room?
                    free = shutil.disk_usage(self._volume).free
                    if free < value + ROOM_MARGIN:
                        self._cut(f"the storage volume is full ({free} bytes free)")
                self._data_set += value
                if self._data_set > self.max_instance:
                    self._cut(f"a data set of more than {self.max_instance} bytes (node.max_instance_bytes)")
