"""One TOML configuration: the shipped default in resources/, the user's copy, then CLI overrides.

What a valid configuration is (and how to add a key) is dicom_node/config_schema.py: every key of the
default file, typed by its default, plus the ranges, choices and item schemas declared there.
"""
from __future__ import annotations

import copy
import logging
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from dicom_node import config_schema
from dicom_node.config_schema import ConfigError
from resources import DEFAULT_CONFIG

APP_NAME = "township-pacs"
log = logging.getLogger(__name__)


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
        if isinstance(value, Path):
            value = str(value)  # TOML has no paths: a path is a string in the file as on the command line
        section, _, key = dotted.partition(".")
        cfg.setdefault(section, {})[key] = value
    source = path if path is not None else user_config_path() if user_config_path().is_file() else None
    try:
        validate_config(cfg)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}" if source else str(exc)) from None
    return cfg


def validate_config(cfg: dict) -> list[str]:
    """Raise ConfigError naming the first bad keys; log and return the warnings (config_schema)."""
    warnings = config_schema.validate(cfg)
    validate_county(cfg)
    for w in warnings:
        log.warning("configuration: %s", w)
    return warnings


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


def _changes(old: Any, new: Any, prefix: tuple = ()) -> list[tuple[tuple, Any]]:
    """(key path, new value) of every value that differs; tables are compared key by key, lists whole."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = []
        for k in new:
            if k not in old:
                out.append((prefix + (k,), new[k]))
            else:
                out += _changes(old[k], new[k], prefix + (k,))
        return out
    return [] if old == new else [(prefix, new)]


def write_private(path: Path, data: bytes) -> None:
    """Write `path` atomically, readable and writable by its owner alone (it may hold STOW tokens and
    passwords). On Windows the file lives in the user's own %APPDATA% folder, whose ACL already
    keeps other users out; the mode bits there only set read-only or not."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)  # an old .tmp left with wider rights
        with os.fdopen(fd, "wb", closefd=False) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    finally:
        os.close(fd)
    os.replace(tmp, path)


def save_changes(old: dict, new: dict, path: str | Path) -> dict:
    """Write into the user's config file `path` only what differs between the configs `old` and `new`
    (e.g. before and after the settings dialog), on top of what the file already holds; every other
    key stays as the user wrote it, or absent (the default then keeps applying, including a later
    release's new default). The result is validated first and written readable by the user alone.
    Returns the file's new content."""
    import tomli_w

    path = Path(path)
    user = _read_toml(path) if path.is_file() else {}
    for keys, value in _changes(old, new):
        table = user
        for k in keys[:-1]:
            table = table.setdefault(k, {})
        table[keys[-1]] = copy.deepcopy(value)
    merged = _merge(_read_toml(DEFAULT_CONFIG), user)
    try:
        validate_config(merged)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    write_private(path, tomli_w.dumps(user).encode())
    return user
