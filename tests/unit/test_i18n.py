"""One translation layer: every catalogue has every message, with the same placeholders, and every
counted message (``tn``) has the plural forms its language needs."""

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
COUNTED_CALL = re.compile(r"""\btn\(\s*(?:\n\s*)?["']([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def counted_keys() -> set[str]:
    """Every message that counts: those with plural forms in some catalogue."""
    return set().union(*(i18n.plural_entries(lang) for lang in i18n.LANGUAGES))


def messages(lang: str) -> set[str]:
    """The messages of ``lang``, a counted one once whatever its forms."""
    counted = counted_keys()
    out = set()
    for key in i18n.catalogue(lang):
        base, _, form = key.rpartition(".")
        out.add(base if form in i18n.PLURAL_CATEGORIES and base in counted else key)
    return out


def forms_of(lang: str, key: str) -> dict[str, str]:
    """A counted message's texts in ``lang``: by form, or {"": text} for a language with one form."""
    entries = i18n.plural_entries(lang).get(key, {})
    plain = i18n.catalogue(lang).get(key)
    return {**entries, **({"": plain} if plain is not None else {})}


def test_every_catalogue_has_every_message():
    keys = {lang: messages(lang) for lang in i18n.LANGUAGES}
    union = set().union(*keys.values())
    missing = {lang: sorted(union - have) for lang, have in keys.items() if union - have}
    assert missing == {}


def test_counted_messages_have_the_forms_their_language_needs():
    """English needs key.one and key.other; Chinese one plain key, and nothing else."""
    assert counted_keys(), "no counted messages found"
    wrong = []
    for lang in i18n.LANGUAGES:
        need = set(i18n.PLURAL_FORMS[lang]) or {""}
        for key in sorted(counted_keys()):
            have = set(forms_of(lang, key))
            if have != need:
                wrong.append(f"{lang}:{key} has {sorted(have)}, needs {sorted(need)}")
    assert wrong == []


def test_placeholders_agree_across_languages():
    base = i18n.catalogue(i18n.DEFAULT_LANGUAGE)
    counted = counted_keys()
    wrong = []
    for lang in i18n.LANGUAGES:
        for key, text in i18n.catalogue(lang).items():
            if key in base and key not in counted and placeholders(text) != placeholders(base[key]):
                wrong.append(f"{lang}:{key}")
    assert wrong == []


def test_counted_placeholders_agree_across_languages():
    """Every form has the default language's placeholders; only the form for one may write the
    number out ("1 more try") instead of {count}."""
    wrong = []
    for key in sorted(counted_keys()):
        (base,) = forms_of(i18n.DEFAULT_LANGUAGE, key).values()
        expected = placeholders(base)
        if "count" not in expected:
            wrong.append(f"{i18n.DEFAULT_LANGUAGE}:{key} does not show {{count}}")
        for lang in i18n.LANGUAGES:
            for form, text in forms_of(lang, key).items():
                have = placeholders(text)
                ok = have == expected or (form == "one" and have == expected - {"count"})
                if not ok:
                    wrong.append(f"{lang}:{key}.{form}")
    assert wrong == []


def test_no_empty_messages():
    empty = [f"{lang}:{k}" for lang in i18n.LANGUAGES for k, v in i18n.catalogue(lang).items() if not v.strip()]
    assert empty == []


def used_keys(pattern: re.Pattern = KEY_CALL) -> set[str]:
    keys = set()
    for path in PACKAGE.rglob("*.py"):
        keys |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return keys


def test_code_uses_only_known_messages():
    known = set(i18n.catalogue(i18n.DEFAULT_LANGUAGE))
    unknown = sorted(k for k in used_keys() if k not in known)
    assert unknown == []
    assert len(used_keys()) > 20  # the scan really finds the calls


def test_counted_messages_go_through_tn_and_only_they():
    """t() on a counted message would miss the English forms; tn() on a plain one has no forms."""
    counted = counted_keys()
    assert sorted(used_keys() & counted) == []
    assert sorted(used_keys(COUNTED_CALL) - counted) == []
    assert len(used_keys(COUNTED_CALL)) > 15  # the scan really finds the calls


def test_english_counts_one_and_many():
    i18n.set_language("en")
    assert i18n.tn("checks.err_pin_wrong", 1) == "Wrong PIN; 1 more try."
    assert i18n.tn("checks.err_pin_wrong", 2) == "Wrong PIN; 2 more tries."
    assert i18n.tn("checks.err_pin_wrong", 0) == "Wrong PIN; 0 more tries."
    assert i18n.tn("reports.flag_check_failed", 1, name="王芳") == "王芳 failed 1 item"
    assert i18n.tn("reports.flag_check_failed", 3, name="王芳") == "王芳 failed 3 items"
    assert i18n.tn("demo.n_units", 1) == "1 unit" and i18n.tn("demo.n_units", 21) == "21 units"


@pytest.mark.parametrize("lang,expected", [("zh-Hant", "還可再試 {n} 次"), ("zh-Hans", "还可再试 {n} 次")])
def test_chinese_has_one_form(lang, expected):
    i18n.set_language(lang)
    for n in (0, 1, 2, 5):
        assert expected.format(n=n) in i18n.tn("checks.err_pin_wrong", n)


def test_no_english_message_writes_a_plural_as_s_in_brackets():
    english = i18n.catalogue("en")
    assert sorted(k for k, v in english.items() if "(s)" in v or "(es)" in v) == []


def test_a_counted_message_falls_back_like_t():
    i18n.set_language("en")
    assert i18n.tn("no.such.message", 2) == "⟨no.such.message⟩"
    assert i18n.plural_form("en", 1) == "one" and i18n.plural_form("en", 11) == "other"
    assert i18n.plural_form("zh-Hant", 1) is None


def test_using_language_is_undone_after_the_block():
    i18n.set_language("zh-Hans")
    with i18n.using_language("en"):
        assert i18n.t("keys.owners") == "Owners"
    assert i18n.current_language() == "zh-Hans"
    with pytest.raises(RuntimeError), i18n.using_language("en"):
        raise RuntimeError
    assert i18n.current_language() == "zh-Hans"


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
