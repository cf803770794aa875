"""The one translation layer: every UI string goes through :func:`t`.

Catalogues live in ``frontdesk/locales/<lang>/<area>.toml``. A key ``title`` in
``owners.toml`` is ``owners.title``; nested tables add dotted parts. Each area
file is owned by one workflow so the catalogues grow without conflicts.

A message that counts something goes through :func:`tn`: English has a form for
one and one for the rest (``key.one`` / ``key.other``, "1 item", "2 items"),
Chinese one form (``key``, 「1 項」「2 項」). :data:`PLURAL_FORMS` says which
forms each language needs; ``tests/unit/test_i18n.py`` checks every catalogue
has them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("zh-Hant", "zh-Hans", "en")
DEFAULT_LANGUAGE = "zh-Hant"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

#: CLDR's plural categories, the last part of a counted message's key in a language that has forms
PLURAL_CATEGORIES: tuple[str, ...] = ("zero", "one", "two", "few", "many", "other")
#: the plural forms a counted message has in each language; () is one plain form (Chinese)
PLURAL_FORMS: dict[str, tuple[str, ...]] = {"zh-Hant": (), "zh-Hans": (), "en": ("one", "other")}

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


@cache
def plural_entries(lang: str) -> dict[str, dict[str, str]]:
    """The counted messages of ``lang`` that have forms: ``{"checks.err_pin_wrong": {"one": …, "other": …}}``.

    A counted message is a table whose keys are all plural categories, ``other`` among them
    (``queue.outcome`` holds an ``other`` too, among outcomes: it is no counted message).
    """
    children: dict[str, dict[str, str]] = {}
    for key, text in catalogue(lang).items():
        base, _, last = key.rpartition(".")
        children.setdefault(base, {})[last] = text
    return {base: forms for base, forms in children.items()
            if "other" in forms and set(forms) <= set(PLURAL_CATEGORIES)}


def set_language(lang: str) -> None:
    global _current
    catalogue(lang)  # validates the name
    _current = lang


def current_language() -> str:
    return _current


@contextmanager
def using_language(lang: str) -> Iterator[None]:
    """Messages in ``lang`` inside the block (a settings file's errors, before the app sets the language)."""
    global _current
    before = _current
    set_language(lang)
    try:
        yield
    finally:
        _current = before


def plural_form(lang: str, count: int) -> str | None:
    """The form of ``lang`` that counts ``count``: CLDR's rule (English: one for 1, other otherwise);
    None for a language with one form."""
    forms = PLURAL_FORMS[lang]
    if not forms:
        return None
    return "one" if count == 1 and "one" in forms else "other"


def t(key: str, /, **params: object) -> str:
    """The message ``key`` in the current language, formatted with ``params``.

    A missing message shows its key in angle brackets rather than crashing the
    desk; the catalogue tests make sure that never ships.
    """
    text = catalogue(_current).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key, f"⟨{key}⟩")
    return text.format(**params) if params else text


def _counted(lang: str, key: str, count: int) -> str | None:
    form = plural_form(lang, count)
    return catalogue(lang).get(key if form is None else f"{key}.{form}")


def tn(key: str, count: int, /, **params: object) -> str:
    """The message ``key`` for ``count`` things, in the form the current language uses for that
    number; ``{count}`` in the message is ``count``.

    ``tn("checks.err_pin_wrong", 1)`` is "Wrong PIN; 1 more try." in English and
    「密碼錯誤,還可再試 1 次。」 in Traditional Chinese.
    """
    text = _counted(_current, key, count) or _counted(DEFAULT_LANGUAGE, key, count) or f"⟨{key}⟩"
    return text.format(count=count, **params)
