"""One translation layer: every catalogue has every message, with the same placeholders."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string
from pathlib import Path

import pytest
from textual.binding import Binding

import frontdesk
import frontdesk.screens
import frontdesk.widgets
from frontdesk.core import i18n

PACKAGE = Path(frontdesk.__file__).parent
KEY_CALL = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_catalogue_has_every_message():
    keys = {lang: set(i18n.catalogue(lang)) for lang in i18n.LANGUAGES}
    union = set().union(*keys.values())
    missing = {lang: sorted(union - have) for lang, have in keys.items() if union - have}
    assert missing == {}


def test_placeholders_agree_across_languages():
    base = i18n.catalogue(i18n.DEFAULT_LANGUAGE)
    wrong = []
    for lang in i18n.LANGUAGES:
        for key, text in i18n.catalogue(lang).items():
            if key in base and placeholders(text) != placeholders(base[key]):
                wrong.append(f"{lang}:{key}")
    assert wrong == []


def test_no_empty_messages():
    empty = [f"{lang}:{k}" for lang in i18n.LANGUAGES for k, v in i18n.catalogue(lang).items() if not v.strip()]
    assert empty == []


def used_keys() -> set[str]:
    keys = set()
    for path in PACKAGE.rglob("*.py"):
        keys |= set(KEY_CALL.findall(path.read_text(encoding="utf-8")))
    return keys


def test_code_uses_only_known_messages():
    known = set(i18n.catalogue(i18n.DEFAULT_LANGUAGE))
    unknown = sorted(k for k in used_keys() if k not in known)
    assert unknown == []
    assert len(used_keys()) > 20  # the scan really finds the calls


def _ui_classes():
    for pkg in (frontdesk.screens, frontdesk.widgets):
        for info in pkgutil.iter_modules(pkg.__path__):
            module = importlib.import_module(f"{pkg.__name__}.{info.name}")
            for obj in vars(module).values():
                if isinstance(obj, type) and obj.__module__ == module.__name__:
                    yield obj
    yield importlib.import_module("frontdesk.app").FrontDeskApp


def test_binding_descriptions_and_titles_are_known_messages():
    known = set(i18n.catalogue(i18n.DEFAULT_LANGUAGE))
    unknown = []
    for cls in _ui_classes():
        for b in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            if "." in b.description and b.description not in known:
                unknown.append(f"{cls.__name__}:{b.description}")
        title = cls.__dict__.get("TITLE_KEY")
        if title and title not in known:
            unknown.append(f"{cls.__name__}:{title}")
    assert unknown == []


def test_missing_message_shows_its_key_instead_of_crashing():
    assert i18n.t("no.such.message") == "⟨no.such.message⟩"


@pytest.mark.parametrize("lang,expected", [("zh-Hant", "業主"), ("zh-Hans", "业主"), ("en", "Owners")])
def test_language_switch(lang, expected):
    i18n.set_language(lang)
    assert i18n.t("keys.owners") == expected


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        i18n.set_language("fr")


def test_wide_characters_line_up():
    """Rich measures CJK characters as two cells, so Chinese columns align in tables."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    table = Table.grid(padding=(0, 1))
    table.add_column()
    table.add_column()
    for name, unit in [("王小明", "3-2-1101"), ("歐陽娜娜", "12-1-301"), ("Li", "1-1-101")]:
        table.add_row(name, unit)
    console = Console(width=40, record=True)
    console.print(table)
    lines = [line for line in console.export_text().splitlines() if line.strip()]
    starts = {cell_len(line[: line.index(unit)]) for line, unit in zip(lines, ["3-2", "12-1", "1-1"])}
    assert len(starts) == 1, lines
