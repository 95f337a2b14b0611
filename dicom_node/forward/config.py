"""Forwarding destinations from the config (`[[forwarding.destinations]]`).

What a destination table may hold is checked by the config schema (dicom_node/config_schema.py,
DESTINATION); here the checked tables become Destination objects, with what only makes sense across
them or on this machine (unique names, certificate files present).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dicom_node.config import ConfigError


@dataclass
class Destination:
    name: str
    kind: str                      # "dicom" | "stow"
    ae_title: str = ""
    host: str = ""
    port: int = 0
    tls: dict | None = None        # {ca, cert, key, verify_hostname, ciphers}
    url: str = ""
    username: str = ""
    password: str = ""
    token: str = ""
    ca: str = ""                   # for https STOW-RS with a private CA
    storage_commitment: bool = False  # DICOM: ask the county to commit (push model) after sending

    @property
    def peer(self) -> str:
        return self.url if self.kind == "stow" else f"{self.ae_title}@{self.host}:{self.port}"


def parse_destinations(cfg: dict) -> dict[str, Destination]:
    """forwarding.destinations as Destination objects by name; a ConfigError names a bad entry."""
    out: dict[str, Destination] = {}
    for i, d in enumerate(cfg.get("forwarding", {}).get("destinations", []) or []):
        where = f"forwarding.destinations[{i}]"
        if not isinstance(d, dict) or not d.get("name"):
            raise ConfigError(f"{where} needs a name")
        if d["name"] in out:
            raise ConfigError(f"{where}: duplicate destination name {d['name']!r}")
        kind = d.get("kind", "dicom")
        if kind == "dicom":
            if not d.get("ae_title") or not d.get("host") or not isinstance(d.get("port"), int):
                raise ConfigError(f"{where} ({d['name']}): a DICOM destination needs ae_title, host and port")
            tls = d.get("tls") or None
            if tls:
                for key in ("ca", "cert", "key"):
                    if tls.get(key) and not Path(tls[key]).is_file():
                        raise ConfigError(f"{where} ({d['name']}): tls.{key} file not found: {tls[key]}")
                if not tls.get("ca"):
                    raise ConfigError(f"{where} ({d['name']}): tls needs ca (the county's CA certificate)")
            out[d["name"]] = Destination(name=d["name"], kind="dicom", ae_title=d["ae_title"], host=d["host"],
                                         port=d["port"], tls=tls,
                                         storage_commitment=bool(d.get("storage_commitment", False)))
        elif kind == "stow":
            if not str(d.get("url", "")).startswith(("http://", "https://")):
                raise ConfigError(f"{where} ({d['name']}): a STOW-RS destination needs url = http(s)://...")
            out[d["name"]] = Destination(name=d["name"], kind="stow", url=d["url"], username=d.get("username", ""),
                                         password=d.get("password", ""), token=d.get("token", ""), ca=d.get("ca", ""))
        else:
            raise ConfigError(f"{where} ({d['name']}): kind must be 'dicom' or 'stow', got {kind!r}")
    return out
