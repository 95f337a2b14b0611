"""The one schema of the configuration, derived from resources/default_config.toml.

Every key of the shipped default file is known, and the type of its default value is its type:
    true/false -> a boolean        30 -> an integer             2.0 -> a number (an integer is fine too)
    "text"     -> a string         [1440, 900] -> a list of what its first element is
    [section] / { ... } -> a table whose keys are the ones the default gives it
Anything else in a user's file - an unknown section or key (`[retention] enable = true`), a value of the
wrong type, out of its range or not one of its choices - is refused with a ConfigError naming the key
(and, for a typo, the key that was probably meant). Declared here, beside the default file:
    RANGES   {"section.key": (min, max)}          inclusive; None leaves that end open
    CHOICES  {"section.key": ("a", "b")}          the only values allowed
    CHECKS   {"section.key": fn(value) -> str}    anything else ("" when fine, else why not)
    MAPS     {"section.key": Spec}                a table whose keys the user names (AE titles, ...) and
                                                  whose values all follow Spec
    register_items("section.key", Table({...}))   the tables of an array of tables (default `[]`)

How to add a key: write it with its default and a comment into resources/default_config.toml - that is
all for a plain value. Add a line to RANGES / CHOICES / CHECKS when not every value of its type makes
sense. A new array of tables (`[[county.sources]]`) also needs its item schema, one line:
    register_items("county.sources", DESTINATION.but(kind=Choice("dicom", "dicomweb")))
at the end of this module, or from the package that owns the key (which must then be imported before a
config is loaded). An array of tables nobody registered refuses its first item, saying so.

`validate(cfg)` returns the warnings (things allowed but unwise, e.g. `verify_hostname = false`), which
`dicom_node.config.load_config` logs.
"""
from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Callable

from resources import DEFAULT_CONFIG


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which key and why."""


# ----------------------------------------------------------------------------------------- specs
@dataclass(frozen=True)
class Spec:
    """What one value may be. kind: bool | int | number | str | list | table | any."""
    kind: str
    choices: tuple | None = None
    range: tuple | None = None
    items: "Spec | None" = None          # list: each element; table with free keys: each value
    check: Callable[[Any], str] | None = None

    def but(self, **kw) -> "Spec":
        return replace(self, **kw)


@dataclass(frozen=True)
class Table(Spec):
    """A table with known keys (`fields`), some of them `required`, and a check of the whole table
    (fn(table) -> list of (key, problem) errors, list of warnings)."""
    kind: str = "table"
    fields: dict = field(default_factory=dict)
    required: tuple = ()
    whole: Callable[[dict], tuple[list, list]] | None = None

    def but(self, **fields) -> "Table":
        """The same table with some fields replaced or added."""
        return replace(self, fields={**self.fields, **fields})


def Bool() -> Spec:  # noqa: N802 - spec constructors read like types
    return Spec("bool")


def Int(lo=None, hi=None) -> Spec:  # noqa: N802
    return Spec("int", range=(lo, hi))


def Num(lo=None, hi=None) -> Spec:  # noqa: N802
    return Spec("number", range=(lo, hi))


def Str(check: Callable[[Any], str] | None = None) -> Spec:  # noqa: N802
    return Spec("str", check=check)


def Choice(*values) -> Spec:  # noqa: N802
    return Spec("str", choices=tuple(values))


def ListOf(items: Spec) -> Spec:  # noqa: N802
    return Spec("list", items=items)


def ae_title_problem(value: str) -> str:
    v = value.strip()
    if not v or len(v) > 16 or "\\" in v or not v.isascii() or not v.isprintable():
        return f"must be an AE title of 1-16 plain ASCII characters without backslash, got {value!r}"
    return ""


def AE() -> Spec:  # noqa: N802
    return Spec("str", check=ae_title_problem)


# ------------------------------------------------------------------------------------ declared here
RANGES: dict[str, tuple] = {
    "node.port": (1, 65535),
    "node.tls.port": (0, 65535),
    "node.max_associations": (1, 1000),
    "node.acse_timeout_s": (1, 3600),
    "node.dimse_timeout_s": (1, 86400),
    "node.network_timeout_s": (1, 86400),
    "node.max_pdu_bytes": (16384, 1 << 26),
    "node.max_instance_bytes": (1 << 20, None),
    "node.min_free_bytes": (0, None),
    "stability.quiet_seconds": (0, 86400),
    "ai.min_score": (0, 1),
    "ai.timeout_s": (1, None),
    "forwarding.backoff_initial_s": (0, None),
    "forwarding.backoff_factor": (1, None),
    "forwarding.backoff_cap_s": (0, None),
    "forwarding.max_attempts": (0, None),
    "forwarding.poll_s": (0.05, 3600),
    "forwarding.rescan_s": (0.1, 86400),
    "forwarding.catch_up_days": (0, None),
    "forwarding.stow_batch_mb": (1, 4096),
    "forwarding.http_timeout_s": (1, 86400),
    "forwarding.commitment_timeout_s": (1, None),
    "retention.keep_days": (0, None),
    "retention.interval_s": (1, None),
    "viewer.browser_poll_s": (0.1, 3600),
    "viewer.browser_limit": (1, 1_000_000),
    "viewer.window_size": (200, 16384),
    "viewer.screenshot_timeout_s": (1, None),
    "viewer.screenshot_settle_s": (0, 60),
    "reports.validity_days": (0, 3650),
    "reports.key_images": (0, 8),
    "reports.pull_interval_s": (1, 86400),
    "reports.pull_window_days": (1, 3650),
    "reports.amendment_check_s": (1, None),
}
CHOICES: dict[str, tuple] = {
    "node.on_conflict": ("keep_first", "replace"),
    "ai.device": ("auto", "cpu", "cuda"),
    "viewer.language": ("zh_CN", "en"),
    "logging.level": ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
    "reports.category_system": ("c_lung_rads", "lung_rads_2022"),
    "viewer.role": ("township", "county"),
    "county.claims": ("auto", "orthanc-labels", "folder"),
    "reports.language": ("zh_CN", "en"),
}
def _node_tls_problem(tls: dict) -> str:
    if tls.get("port"):
        missing = [k for k in ("cert", "key", "ca") if not tls.get(k)]
        if missing:
            return f"a TLS listener (port {tls['port']}) needs {', '.join(missing)}"
    return ""


CHECKS: dict[str, Callable[[Any], str]] = {
    "node.ae_title": ae_title_problem,
    "node.tls": _node_tls_problem,
}
MAPS: dict[str, Spec] = {
    "stability.per_calling_ae": Num(0, 86400),
    "move_destinations": Table(fields={"host": Str(), "port": Int(1, 65535)}, required=("host", "port")),
    "county.turnaround_min": Num(0.001, None),
}
ITEMS: dict[str, Table] = {}


def register_items(key: str, item: Table) -> None:
    """The schema of each table in the array of tables `key` ("section.key")."""
    ITEMS[key] = item


# ---------------------------------------------------------------------------- arrays of tables
RIGHTS = ("store", "find", "get", "move")


def _peer_whole(peer: dict) -> tuple[list, list]:
    if not (str(peer.get("ae_title", "")).strip() or str(peer.get("host", "")).strip()):
        return [("", "needs an ae_title and/or a host")], []
    return [], []


PEER = Table(fields={"ae_title": AE(), "host": Str(), "rights": ListOf(Choice(*RIGHTS))}, whole=_peer_whole)


def _destination_whole(d: dict) -> tuple[list, list]:
    errors, warnings = [], []
    kind = d.get("kind", "dicom")
    if kind == "dicom":
        for key in ("ae_title", "host", "port"):
            if key not in d:
                errors.append((key, f"a DICOM destination needs {key}"))
        tls = d.get("tls")
        if isinstance(tls, dict):
            if not tls.get("ca"):
                errors.append(("tls.ca", "TLS needs ca (the CA certificate of the county)"))
            if tls.get("verify_hostname") is False:
                warnings.append(("tls.verify_hostname", "is false: the county's certificate is accepted for any "
                                 "host name; a stolen certificate of any site signed by that CA could pose as it"))
    else:
        url = str(d.get("url", ""))
        if not url.startswith(("http://", "https://")):
            errors.append(("url", f"a {kind} destination needs url = http(s)://..."))
        elif url.startswith("http://") and (d.get("token") or d.get("username") or d.get("password")):
            errors.append(("url", "credentials (token, username/password) would travel in clear text over "
                                  "http://; use https://"))
    return errors, warnings


DESTINATION = Table(fields={
    "name": Str(), "kind": Choice("dicom", "stow"), "ae_title": AE(), "host": Str(), "port": Int(1, 65535),
    "tls": Table(fields={"ca": Str(), "cert": Str(), "key": Str(), "verify_hostname": Bool(), "ciphers": Str()}),
    "storage_commitment": Bool(), "url": Str(), "username": Str(), "password": Str(), "token": Str(),
    "ca": Str()}, required=("name",), whole=_destination_whole)

RULE = Table(fields={"destination": Str(), "modalities": ListOf(Str()), "calling_ae": ListOf(Str()),
                     "body_parts": ListOf(Str())}, required=("destination",))

register_items("node.allowed_peers", PEER)
register_items("forwarding.destinations", DESTINATION)
register_items("forwarding.rules", RULE)
# The county station's PACS: a forwarding destination's keys, DICOMweb by its own name, and how to retrieve
# (dicom_node.sources.source_from_entry checks the rest).
register_items("county.sources", DESTINATION.but(kind=Choice("dicom", "dicomweb", "stow"), retrieve=Choice("get", "move"),
                                                 move_port=Int(1, 65535), orthanc_url=Str()))


# ------------------------------------------------------------------------------------ derivation
@lru_cache(maxsize=1)
def _defaults() -> dict:
    with open(DEFAULT_CONFIG, "rb") as fh:
        return tomllib.load(fh)


def _spec_of(default: Any) -> Spec:
    if isinstance(default, bool):
        return Bool()
    if isinstance(default, int):
        return Spec("int")
    if isinstance(default, float):
        return Spec("number")
    if isinstance(default, str):
        return Spec("str")
    if isinstance(default, list):
        return Spec("list", items=_spec_of(default[0]) if default else None)
    if isinstance(default, dict):
        return Table(fields={k: _spec_of(v) for k, v in default.items()})
    return Spec("any")


def _declared(key: str, spec: Spec) -> Spec:
    """The derived spec of `key` with what is declared for it here."""
    if key in MAPS:
        return Spec("table", items=MAPS[key])
    if spec.kind == "list" and key in ITEMS:
        return spec.but(items=ITEMS[key])
    extra = {}
    if key in CHOICES:
        extra["choices"] = CHOICES[key]
    if key in RANGES:
        extra["range"] = RANGES[key]
    if key in CHECKS:
        extra["check"] = CHECKS[key]
    if spec.kind == "list" and spec.items is not None and extra:
        return spec.but(items=spec.items.but(**extra))
    return spec.but(**extra) if extra else spec


def schema() -> Table:
    """The whole config's schema (recomputed, so that keys registered later count)."""
    def build(prefix: str, default: dict) -> Table:
        fields = {}
        for k, v in default.items():
            key = f"{prefix}{k}"
            if isinstance(v, dict) and key not in MAPS:
                fields[k] = build(key + ".", v).but()
                if key in CHECKS:
                    fields[k] = replace(fields[k], check=CHECKS[key])
            else:
                fields[k] = _declared(key, _spec_of(v))
        return Table(fields=fields)
    return build("", _defaults())


# ------------------------------------------------------------------------------------ validation
def _type_name(spec: Spec) -> str:
    return {"bool": "true or false", "int": "an integer", "number": "a number", "str": "a string",
            "list": "a list", "table": "a table"}.get(spec.kind, spec.kind)


def _check(spec: Spec, value: Any, where: str, errors: list, warnings: list) -> None:
    kind = spec.kind
    ok = {"bool": isinstance(value, bool),
          "int": isinstance(value, int) and not isinstance(value, bool),
          "number": isinstance(value, (int, float)) and not isinstance(value, bool),
          "str": isinstance(value, str),
          "list": isinstance(value, list),
          "table": isinstance(value, dict),
          "any": True}.get(kind, True)
    if not ok:
        errors.append(f"{where}: must be {_type_name(spec)}, got {value!r}")
        return
    if spec.choices is not None and value not in spec.choices:
        errors.append(f"{where}: must be one of {', '.join(map(repr, spec.choices))}, got {value!r}")
        return
    if spec.range is not None and kind in ("int", "number"):
        lo, hi = spec.range
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            span = f"{lo if lo is not None else ''}..{hi if hi is not None else ''}"
            errors.append(f"{where}: {value!r} is out of range {span}")
            return
    if spec.check is not None:
        problem = spec.check(value)
        if problem:
            errors.append(f"{where}: {problem}")
            return
    if kind == "list":
        for i, item in enumerate(value):
            if spec.items is None:
                if isinstance(item, (dict, list)):
                    errors.append(f"{where}[{i}]: no schema for the items of {where}: register one in "
                                  "dicom_node/config_schema.py (register_items)")
                    return
                continue
            _check(spec.items, item, f"{where}[{i}]", errors, warnings)
    elif kind == "table" and isinstance(spec, Table):
        _check_table(spec, value, where, errors, warnings)
    elif kind == "table" and spec.items is not None:  # free keys (MAPS)
        for k, v in value.items():
            _check(spec.items, v, f"{where}.{k}", errors, warnings)


def _check_table(spec: Table, value: dict, where: str, errors: list, warnings: list) -> None:
    prefix = f"{where}." if where else ""
    for k, v in value.items():
        sub = spec.fields.get(k)
        if sub is None:
            near = difflib.get_close_matches(k, list(spec.fields), n=1, cutoff=0.6)
            hint = f" (did you mean {prefix}{near[0]}?)" if near else \
                f" (known: {', '.join(sorted(spec.fields))})" if spec.fields else ""
            errors.append(f"{prefix}{k}: unknown {'key' if where else 'section'}{hint}")
            continue
        _check(sub, v, f"{prefix}{k}", errors, warnings)
    for k in spec.required:
        if k not in value:
            errors.append(f"{prefix}{k}: missing (required)")
    if spec.whole is not None and not errors:
        errs, warns = spec.whole(value)
        name = f" ({value.get('name')})" if isinstance(value.get("name"), str) else ""
        errors += [f"{prefix}{k or ''}".rstrip(".") + f"{name}: {msg}" for k, msg in errs]
        warnings += [f"{prefix}{k}{name} {msg}" for k, msg in warns]


def problems(cfg: dict) -> tuple[list[str], list[str]]:
    """(errors, warnings) of a whole configuration."""
    errors: list[str] = []
    warnings: list[str] = []
    _check_table(schema(), cfg, "", errors, warnings)
    return errors, warnings


def validate(cfg: dict) -> list[str]:
    """Raise ConfigError for the first problems (each naming its key); return the warnings."""
    errors, warnings = problems(cfg)
    if errors:
        raise ConfigError("; ".join(errors[:5]) + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""))
    return warnings
