"""Report templates (胸部DR, 胸部CT, 低剂量CT肺癌筛查, free) and the county's phrase library (常用短语).

Both are TOML data: the shipped files in resources/, or the county's own copies named by `[reports] templates`
and `[reports] phrases` (the phrase library is edited in the report editor and saved to the user's config
folder when `phrases` is empty). GUI-free.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dicom_node.config import ConfigError, _read_toml, user_config_dir
from reports.model import SECTIONS, TEMPLATES, ReportError
from resources import RESOURCES_DIR

SHIPPED_TEMPLATES = RESOURCES_DIR / "report_templates.toml"
SHIPPED_PHRASES = RESOURCES_DIR / "report_phrases.toml"
_TEXT_KEYS = ("procedure", "normal_findings", "other_findings", "normal_impression", "normal_recommendation")


@dataclass
class Template:
    key: str
    names: dict[str, str]
    modalities: list[str]
    procedure_code: tuple[str, str, str] | None   # (value, scheme, meaning) of TID 2000 "Procedure reported"
    texts: dict[str, dict[str, str]]              # language -> text key -> text
    keywords: list[str] = field(default_factory=list)

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("zh_CN") or self.key

    def text(self, language: str, key: str, **values: str) -> str:
        """A template text with {thickness} / {description} filled in ('' where the study lacks them)."""
        raw = (self.texts.get(language) or self.texts["zh_CN"]).get(key, "")
        for name in ("thickness", "description"):
            raw = raw.replace("{" + name + "}", str(values.get(name, "") or ""))
        return raw.strip()


def load_templates(cfg: dict | None = None) -> dict[str, Template]:
    """Every template of the file `[reports] templates` names (empty: the shipped file), checked."""
    path = Path((cfg or {}).get("reports", {}).get("templates") or SHIPPED_TEMPLATES)
    data = _read_toml(path)
    out = {}
    for key in TEMPLATES:
        t = data.get(key)
        if not isinstance(t, dict):
            raise ConfigError(f"{path}: template [{key}] is missing")
        texts = {lang: {k: str(t[lang].get(k, "")) for k in _TEXT_KEYS} for lang in ("zh_CN", "en")
                 if isinstance(t.get(lang), dict)}
        if "zh_CN" not in texts:
            raise ConfigError(f"{path}: template [{key}] has no [{key}.zh_CN] texts")
        code = t.get("procedure_code") or []
        if code and len(code) != 3:
            raise ConfigError(f"{path}: [{key}] procedure_code must be [value, scheme, meaning]")
        out[key] = Template(key=key, names=dict(t.get("name") or {}), modalities=[m.upper() for m in t.get("modalities", [])],
                            procedure_code=tuple(code) if code else None, texts=texts,
                            keywords=[w.upper() for w in t.get("keywords", [])])
    return out


def pick_template(templates: dict[str, Template], modality: str, description: str = "") -> str:
    """The template a study gets by default: a CT whose description names screening gets LDCT screening,
    other CT chest CT, a radiograph chest DR, anything else the free template."""
    modality, desc = (modality or "").upper(), (description or "").upper()
    for key in ("ldct_screening", "chest_ct", "chest_dr"):
        t = templates[key]
        if modality in t.modalities and (not t.keywords or any(w in desc for w in t.keywords)):
            return key
    return "free"


# ----------------------------------------------------------------------------------- phrase library
@dataclass
class Phrase:
    section: str
    group: str
    text: str
    language: str = "zh_CN"


def phrases_path(cfg: dict | None = None) -> Path:
    """Where the county's phrase library lives: `[reports] phrases`, or phrases.toml in the config folder."""
    configured = (cfg or {}).get("reports", {}).get("phrases")
    return Path(configured) if configured else user_config_dir() / "phrases.toml"


def load_phrases(cfg: dict | None = None) -> list[Phrase]:
    """The county's phrase library, or the shipped one until the county saves its own."""
    path = phrases_path(cfg)
    data = _read_toml(path if path.is_file() else SHIPPED_PHRASES)
    out = []
    for i, p in enumerate(data.get("phrases", [])):
        if not isinstance(p, dict) or p.get("section") not in SECTIONS or not str(p.get("text", "")).strip():
            raise ConfigError(f"{path}: phrases[{i}] needs a section ({', '.join(SECTIONS)}) and a text")
        out.append(Phrase(section=p["section"], group=str(p.get("group", "")), text=str(p["text"]).strip(),
                          language=str(p.get("language", "zh_CN"))))
    return out


def save_phrases(phrases: list[Phrase], cfg: dict | None = None) -> Path:
    """Write the library (atomically) where load_phrases reads it; returns the path."""
    import tomli_w

    for p in phrases:
        if p.section not in SECTIONS or not p.text.strip():
            raise ReportError(f"a phrase needs a section ({', '.join(SECTIONS)}) and a text")
    path = phrases_path(cfg)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    doc = {"phrases": [{"section": p.section, "group": p.group, "language": p.language, "text": p.text.strip()}
                       for p in phrases]}
    tmp.write_bytes(tomli_w.dumps(doc).encode())
    os.replace(tmp, path)
    return path


def phrases_for(phrases: list[Phrase], section: str, language: str) -> dict[str, list[str]]:
    """{group: [text, ...]} of one section in one language, in library order."""
    out: dict[str, list[str]] = {}
    for p in phrases:
        if p.section == section and p.language == language:
            out.setdefault(p.group, []).append(p.text)
    return out
