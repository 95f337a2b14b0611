"""Routing rules (`[[forwarding.rules]]`): which destinations a study goes to."""
from __future__ import annotations

from dataclasses import dataclass, field

from dicom_node.config import ConfigError


@dataclass
class Rule:
    destination: str
    modalities: list[str] = field(default_factory=list)
    calling_ae: list[str] = field(default_factory=list)
    body_parts: list[str] = field(default_factory=list)

    def matches(self, study) -> bool:
        mods = {m.strip().upper() for m in (study.modalities or "").split("\\") if m.strip()}
        if self.modalities and not mods & {m.upper() for m in self.modalities}:
            return False
        if self.calling_ae and (study.calling_ae or "").strip() not in self.calling_ae:
            return False
        if self.body_parts and (study.body_part or "").strip().upper() not in {b.upper() for b in self.body_parts}:
            return False
        return True


def _as_list(v) -> list[str]:
    if v is None or v == "":
        return []
    return [v] if isinstance(v, str) else [str(x) for x in v]


def parse_rules(cfg: dict, destinations) -> list[Rule]:
    """forwarding.rules; none at all means every study goes to every destination."""
    rules = []
    for i, r in enumerate(cfg.get("forwarding", {}).get("rules", []) or []):
        dest = r.get("destination")
        if dest not in destinations:
            raise ConfigError(f"forwarding.rules[{i}]: unknown destination {dest!r}")
        rules.append(Rule(dest, _as_list(r.get("modalities")), _as_list(r.get("calling_ae")),
                          _as_list(r.get("body_parts"))))
    if not rules:
        rules = [Rule(name) for name in destinations]
    return rules


def route(rules: list[Rule], study) -> list[str]:
    """The destinations the rules pick for a StudyRecord, each once, in rule order."""
    names: list[str] = []
    for rule in rules:
        if rule.destination not in names and rule.matches(study):
            names.append(rule.destination)
    return names
