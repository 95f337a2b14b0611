"""One TOML configuration: the shipped default in resources/, the user's copy, then CLI overrides."""
from __future__ import annotations

import copy
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from resources import DEFAULT_CONFIG

APP_NAME = "township-pacs"


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which key and why."""


def user_config_dir() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / APP_NAME
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / APP_NAME


def user_data_dir() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / APP_NAME
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / APP_NAME


def user_config_path() -> Path:
    return user_config_dir() / "config.toml"


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict:
    """The default config, merged with `path` (or the user's copy when it exists), then `overrides`.

    `overrides` maps dotted keys ("node.port") to values; None values are ignored so that
    argparse defaults of None leave the file's value alone.
    """
    cfg = _read_toml(DEFAULT_CONFIG)
    if path is not None:
        cfg = _merge(cfg, _read_toml(Path(path)))
    elif user_config_path().is_file():
        cfg = _merge(cfg, _read_toml(user_config_path()))
    for dotted, value in (overrides or {}).items():
        if value is None:
            continue
        section, _, key = dotted.partition(".")
        cfg.setdefault(section, {})[key] = value
    validate_config(cfg)
    return cfg


def validate_config(cfg: dict) -> None:
    node = cfg["node"]
    aet = node.get("ae_title", "")
    if not isinstance(aet, str) or not (1 <= len(aet) <= 16) or not aet.strip() or "\\" in aet:
        raise ConfigError(f"node.ae_title must be 1-16 characters without backslash, got {aet!r}")
    port = node.get("port")
    if not isinstance(port, int) or not (0 <= port <= 65535):
        raise ConfigError(f"node.port must be an integer 0-65535, got {port!r}")
    if node.get("on_conflict") not in ("keep_first", "replace"):
        raise ConfigError("node.on_conflict must be 'keep_first' or 'replace'")
    for i, peer in enumerate(node.get("allowed_peers", [])):
        if not isinstance(peer, dict) or not (peer.get("ae_title") or peer.get("host")):
            raise ConfigError(f"node.allowed_peers[{i}] needs an ae_title and/or a host")
    if cfg["ai"].get("device") not in ("auto", "cpu", "cuda"):
        raise ConfigError("ai.device must be auto, cpu or cuda")
    validate_county(cfg)


ROLES = ("township", "county")


def validate_county(cfg: dict) -> None:
    """[viewer] role and the [county] section (the reading station); each source as a source is built."""
    role = cfg.get("viewer", {}).get("role", "township")
    if role not in ROLES:
        raise ConfigError(f"viewer.role must be 'township' or 'county', got {role!r}")
    county = cfg.get("county", {})
    for key in ("worklist_days", "refresh_s", "ageing_step_min", "cache_max_gb", "claim_ttl_s", "prefetch",
                "fetch_parallel", "http_timeout_s"):
        v = county.get(key)
        if v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool) or v < 0):
            raise ConfigError(f"county.{key} must be a number >= 0, got {v!r}")
    if county.get("claims", "auto") not in ("auto", "orthanc-labels", "folder"):
        raise ConfigError("county.claims must be 'auto', 'orthanc-labels' or 'folder'")
    for name, minutes in (county.get("turnaround_min") or {}).items():
        if not isinstance(minutes, (int, float)) or isinstance(minutes, bool) or minutes <= 0:
            raise ConfigError(f"county.turnaround_min.{name} must be a number of minutes > 0, got {minutes!r}")
    names = set()
    for i, entry in enumerate(county.get("sources") or []):
        if not isinstance(entry, dict):
            raise ConfigError(f"county.sources[{i}] must be a table")
        if entry.get("name") in names:
            raise ConfigError(f"county.sources[{i}]: duplicate source name {entry.get('name')!r}")
        names.add(entry.get("name"))
        for key in ("ca", "cert", "key"):
            f = (entry.get("tls") or {}).get(key) or (entry.get(key) if key == "ca" else None)
            if f and not Path(f).is_file():
                raise ConfigError(f"county.sources[{i}] ({entry.get('name')}): {key} file not found: {f}")
        from dicom_node.sources import source_from_entry

        try:
            source_from_entry(entry, cfg).close()
        except ConfigError as exc:
            raise ConfigError(f"county.sources[{i}]: {exc}") from exc


def storage_path(cfg: dict) -> Path:
    return Path(cfg["storage"]["path"]) if cfg["storage"].get("path") else user_data_dir() / "storage"


def save_config(cfg: dict, path: str | Path) -> None:
    import tomli_w

    validate_config(cfg)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(tomli_w.dumps(cfg).encode())
    os.replace(tmp, path)
