"""Data files shipped with township-pacs: default config, translations, icons."""
from pathlib import Path

RESOURCES_DIR = Path(__file__).resolve().parent
DEFAULT_CONFIG = RESOURCES_DIR / "default_config.toml"
