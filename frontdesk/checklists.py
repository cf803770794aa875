"""Checklist templates for the end-of-shift self-checks (seed 一, 二, 七; DESIGN.md 2.4).

Templates are data: one TOML file per list in ``data/checklists/``::

    id = "grooming_f"          # stable, lower-case
    version = 1                # raised when an item's meaning changes
    kind = "grooming"
    gender = "F"               # only for the grooming lists: F or M
    order = 10                 # place in a person's check
    [title]
    zh-Hant = "儀表(女職員)"   # zh-Hans, en too
    [[item]]
    id = "hair"                # stable: answers and history are kept per id
    zh-Hant = "…"              # the text checked against (the seed's, verbatim)
    zh-Hans = "…"              # optional renderings for display
    en = "…"

Loading is strict: a broken file, a template without id or version, an item
without id or text, an item id used twice, two files with one template id — each
raises :class:`TemplateError` whose message names the file and, where it can, the
line. Nothing is saved from a template that does not load.

No Textual and no database here; :mod:`frontdesk.selfchecks` copies the items of
the loaded templates into each check record.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from frontdesk.core.config import data_dir
from frontdesk.core.errors import FrontdeskError
from frontdesk.core.i18n import LANGUAGES, current_language, t
from frontdesk.models import GENDERS

ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_ITEM_HEADER = re.compile(r"^\s*\[\[\s*item\s*\]\]")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class TemplateError(FrontdeskError):
    """A checklist template file is missing or malformed. ``path`` and ``line`` say where."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line


@dataclass(frozen=True)
class TemplateItem:
    id: str
    texts: dict[str, str]  # language → text; always has zh-Hant

    @property
    def text(self) -> str:
        """The text checked against (zh-Hant, the seed's)."""
        return self.texts["zh-Hant"]

    def label(self, lang: str | None = None) -> str:
        return self.texts.get(lang or current_language()) or self.text


@dataclass(frozen=True)
class Template:
    id: str
    version: int
    kind: str
    gender: str | None
    order: int
    titles: dict[str, str]
    items: tuple[TemplateItem, ...]
    path: Path | None = field(default=None, compare=False)

    def title(self, lang: str | None = None) -> str:
        return self.titles.get(lang or current_language()) or self.titles["zh-Hant"]

    def applies_to(self, gender: str) -> bool:
        return self.gender is None or self.gender == gender


def templates_dir() -> Path:
    return data_dir() / "checklists"


def _fail(path: Path, problem: str, line: int | None = None) -> TemplateError:
    if line is None:
        return TemplateError(t("checks.template_error", file=path, problem=problem), path)
    return TemplateError(t("checks.template_error_line", file=path, line=line, problem=problem), path, line)


def _texts(raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {lang: raw[lang].strip() for lang in LANGUAGES if isinstance(raw.get(lang), str) and raw[lang].strip()}


def parse_template(text: str, path: Path) -> Template:
    """One template from the TOML ``text`` of ``path`` (the path is only for messages)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _TOML_POSITION.search(message)
        line = int(m.group(1)) if m else None
        problem = _TOML_POSITION.sub("", message).strip()
        if m:
            problem = t("checks.template_toml", problem=problem, column=m.group(2))
        raise _fail(path, problem, line) from exc

    lines = text.splitlines()
    header_lines = [n for n, line in enumerate(lines, start=1) if _ITEM_HEADER.match(line)]

    def line_of(index: int) -> int | None:
        return header_lines[index] if index < len(header_lines) else None

    def top_line(key: str) -> int | None:
        for n, line in enumerate(lines, start=1):
            if re.match(rf"^\s*{re.escape(key)}\s*=", line):
                return n
        return None

    tid = raw.get("id")
    if not isinstance(tid, str) or not ID_RE.match(tid):
        raise _fail(path, t("checks.template_no_id"), top_line("id"))
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(path, t("checks.template_no_version"), top_line("version"))
    gender = raw.get("gender")
    if gender is not None and gender not in GENDERS:
        raise _fail(path, t("checks.template_bad_gender", gender=gender), top_line("gender"))
    order = raw.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        raise _fail(path, t("checks.template_bad_order"), top_line("order"))
    kind = raw.get("kind", tid)
    if not isinstance(kind, str) or not kind:
        raise _fail(path, t("checks.template_bad_kind"), top_line("kind"))
    titles = _texts(raw.get("title"))
    if "zh-Hant" not in titles:
        title_line = next((n for n, line in enumerate(lines, start=1) if re.match(r"^\s*\[\s*title\s*\]", line)), None)
        raise _fail(path, t("checks.template_no_title"), title_line or top_line("title"))
    entries = raw.get("item")
    if not isinstance(entries, list) or not entries:
        raise _fail(path, t("checks.template_no_items"))

    items: list[TemplateItem] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        number = index + 1
        line = line_of(index)
        if not isinstance(entry, dict):
            raise _fail(path, t("checks.template_item_bad", number=number), line)
        iid = entry.get("id")
        if iid is None or (isinstance(iid, str) and not iid.strip()):
            raise _fail(path, t("checks.template_item_no_id", number=number), line)
        if not isinstance(iid, str) or not ID_RE.match(iid):
            raise _fail(path, t("checks.template_item_bad_id", number=number, id=iid), line)
        if iid in seen:
            raise _fail(path, t("checks.template_item_duplicate", id=iid, number=number, first=seen[iid]), line)
        seen[iid] = number
        texts = _texts(entry)
        if "zh-Hant" not in texts:
            raise _fail(path, t("checks.template_item_no_text", id=iid), line)
        items.append(TemplateItem(id=iid, texts=texts))
    return Template(
        id=tid, version=version, kind=kind, gender=gender, order=order,
        titles=titles, items=tuple(items), path=path,
    )


def load_template(path: Path) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise _fail(path, t("checks.template_missing")) from exc
    except UnicodeDecodeError as exc:
        raise _fail(path, t("checks.template_not_utf8")) from exc
    return parse_template(text, path)


def load_templates(directory: Path | None = None) -> list[Template]:
    """Every template in ``directory`` (default ``data/checklists``), in check order."""
    directory = directory or templates_dir()
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise TemplateError(t("checks.templates_none", folder=directory), directory)
    out: list[Template] = []
    where: dict[str, Path] = {}
    for path in paths:
        template = load_template(path)
        if template.id in where:
            raise _fail(path, t("checks.template_duplicate", id=template.id, other=where[template.id].name))
        where[template.id] = path
        out.append(template)
    out.sort(key=lambda tpl: (tpl.order, tpl.id))
    return out


def templates_for(gender: str, templates: list[Template] | None = None) -> list[Template]:
    """The lists one person is checked against: the grooming list of their gender, then the rest."""
    templates = load_templates() if templates is None else templates
    return [tpl for tpl in templates if tpl.applies_to(gender)]
