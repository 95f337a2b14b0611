"""User-interface languages through Qt's translation files (resources/translations/*.qm).

Source strings in the code are English; township_pacs_zh_CN.qm carries the Chinese. Switching language
at run time swaps the installed QTranslator; Qt then sends every widget a LanguageChange event and each
of our widgets re-sets its texts in `retranslate_ui()`.
"""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from resources import RESOURCES_DIR

log = logging.getLogger(__name__)

TRANSLATIONS_DIR = RESOURCES_DIR / "translations"
LANGUAGES = {"zh_CN": "中文", "en": "English"}  # shown in their own script, never translated
DEFAULT_LANGUAGE = "zh_CN"


def normalize_language(lang: str | None) -> str:
    """"zh", "zh_CN", "zh-CN" -> "zh_CN"; "en_US" -> "en"; unknown -> the default."""
    lang = (lang or DEFAULT_LANGUAGE).replace("-", "_")
    if lang in LANGUAGES:
        return lang
    if lang.lower().startswith("zh"):
        return "zh_CN"
    if lang.lower().startswith("en"):
        return "en"
    log.warning("unknown language %r, using %s", lang, DEFAULT_LANGUAGE)
    return DEFAULT_LANGUAGE


def qm_path(lang: str) -> Path:
    return TRANSLATIONS_DIR / f"township_pacs_{normalize_language(lang)}.qm"


class Translations:
    """Owns the installed translators (Qt does not keep them alive)."""

    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.language = ""

    def install(self, lang: str | None) -> str:
        app = QCoreApplication.instance()
        lang = normalize_language(lang)
        for t in self._installed:
            app.removeTranslator(t)
        self._installed = []
        # Qt's own strings (standard buttons, file dialogs) first, then ours.
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_t = QTranslator(app)
        if lang != "en" and qt_t.load(QLocale(lang), "qtbase", "_", qt_dir):
            self._installed.append(qt_t)
        ours = QTranslator(app)
        if ours.load(str(qm_path(lang))):
            self._installed.append(ours)
        else:
            log.warning("translation file %s missing; showing English", qm_path(lang))
        for t in self._installed:
            app.installTranslator(t)
        QLocale.setDefault(QLocale(lang))
        self.language = lang
        # Qt posts LanguageChange to every widget; deliver them now so the switch is complete on return.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
        return lang


_translations: Translations | None = None


def install_language(lang: str | None) -> str:
    """Install (or switch to) a language for the running QApplication; returns the normalised code."""
    global _translations
    if _translations is None:
        _translations = Translations()
    return _translations.install(lang)


def remove_translations() -> None:
    """Back to the untranslated (English) source strings; used between tests."""
    global _translations
    if _translations is not None:
        app = QCoreApplication.instance()
        for t in _translations._installed:
            app.removeTranslator(t)
        _translations = None
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


def current_language() -> str:
    return _translations.language if _translations else ""
