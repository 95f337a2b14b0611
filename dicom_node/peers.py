"""Who may talk to the node, and what for: `node.allowed_peers` with rights per peer.

Each entry names an AE title and/or a host; `rights` lists what that peer may do, any of
"store" (C-STORE to us), "find" (C-FIND), "get" (C-GET), "move" (C-MOVE); without `rights` a listed peer
may do all four (it was listed on purpose). C-ECHO is open to every peer that may associate.

- Empty list (the shipped default): any peer may store - a new clinic receives its first study at
  once, with a warning - but nobody may query or retrieve: patient data never leaves to an unknown host
  (Orthanc's defaults do the same).
- Non-empty list: a peer no entry matches is rejected at association; a listed one gets the union of
  the rights of the entries that match it.
"""
from __future__ import annotations

import socket

from dicom_node.config_schema import RIGHTS


def host_matches(host: str, address: str) -> bool:
    """Whether a peer at `address` is `host` (an address, or a name that resolves to it)."""
    host = (host or "").strip()
    if not host or host == address:
        return True
    try:
        return address in {ai[4][0] for ai in socket.getaddrinfo(host, None)}
    except OSError:
        return False


def _matches(peer: dict, ae_title: str, address: str) -> bool:
    aet = (peer.get("ae_title") or "").strip()
    if aet and aet != ae_title.strip():
        return False
    return host_matches(peer.get("host") or "", address)


def rights_of(peers: list[dict], ae_title: str, address: str) -> frozenset[str] | None:
    """The rights of a peer, or None when it may not associate at all."""
    if not peers:
        return frozenset({"store"})
    rights: set[str] = set()
    matched = False
    for p in peers:
        if _matches(p, ae_title, address):
            matched = True
            rights |= set(p.get("rights", RIGHTS))
    return frozenset(rights) if matched else None
