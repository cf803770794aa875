"""The one translation layer: every UI string goes through :func:`t`.

Catalogues live in ``frontdesk/locales/<lang>/<area>.toml``. A key ``title`` in
``owners.toml`` is ``owners.title``; nested tables add dotted parts. Each area
file is owned by one workflow so the catalogues grow without conflicts.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("zh-Hant", "zh-Hans", "en")
DEFAULT_LANGUAGE = "zh-Hant"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

_current = DEFAULT_LANGUAGE


def _flatten(prefix: str, table: dict, out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, keyed ``area.key``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    out: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            _flatten(path.stem, tomllib.load(fh), out)
    return out


def set_language(lang: str) -> None:
    global _current
    catalogue(lang)  # validates the name
    _current = lang


def current_language() -> str:
    return _current


def t(key: str, /, **params: object) -> str:
    """The message ``key`` in the current language, formatted with ``params``.

    A missing message shows its key in angle brackets rather than crashing the
    desk; the catalogue tests make sure that never ships.
    """
    text = catalogue(_current).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key, f"⟨{key}⟩")
    return text.format(**params) if params else text
