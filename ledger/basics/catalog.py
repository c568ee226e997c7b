"""The gettext catalogs in locale/ (Chinese is the source language; locale/en holds the English).

The core needs them only to word its errors in a front end's language (errors.WuyeError.text); the TUI
reads every label through them (tui/i18n.py). `N_` marks a source string for extraction (pybabel,
see the Makefile's `messages` target) without translating it where it is written.
"""
from __future__ import annotations

import gettext as _gettext
from functools import lru_cache
from pathlib import Path

DOMAIN = "wuye"
LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
LANGS = ("zh", "en")


def N_(message: str) -> str:
    return message


@lru_cache(maxsize=None)
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalog of `lang`; Chinese (and any language without a catalog) is the source text itself."""
    if lang == "zh":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[lang], fallback=True)


def gettext(message: str, lang: str) -> str:
    return translations(lang).gettext(message)


def pgettext(context: str, message: str, lang: str) -> str:
    return translations(lang).pgettext(context, message)
