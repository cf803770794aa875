"""The shift handover report (交班報告): gather one shift's data, render it as md, csv or xlsx.

Domain only: no Textual. :func:`gather` reads the database into a plain
:class:`HandoverReport` (a list of :class:`Section` tables plus the figures
behind them); the renderers turn that into Markdown, CSV or an Excel workbook,
and the F7 screen shows the same sections.

Each workflow supplies its own part of the report: its module registers a section
provider when it is imported, and :func:`gather` imports every domain module
(``frontdesk/*.py``) first, so a new workflow adds its section without editing
this file::

    from frontdesk import report

    @report.section("visitors", order=30)
    def _visitors(session, window: report.Window) -> report.Section | report.Contribution:
        ...

A provider returns a :class:`Section`, or a :class:`Contribution` with several
sections, flags for the next shift and figures for :class:`HandoverReport`. The
desk queue gives the encounter sections (``deskqueue``), the self-checks theirs
(``selfchecks``). Visitors, work orders and passes are planned
(:data:`PLANNED_SECTIONS`): until a workflow provides them their sections say
"no data recorded yet".

No document number leaves this module unmasked: every cell passes through
:func:`mask_numbers` (110105********002X), whatever a free-text field holds.
"""

from __future__ import annotations

import csv
import importlib
import io
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlmodel import Session

from frontdesk.core import clock
from frontdesk.core.i18n import current_language, t
from frontdesk.core.files import write_private
from frontdesk.core.text import cell as csv_cell
from frontdesk.core.text import looks_like_formula, mask_ids_in_text, shown
from frontdesk.shifts import WHOLE_DAY, Shift, configured_shifts

FORMATS = ("md", "csv", "xlsx")
DEFAULT_DESK = "main"
DEFAULT_LONG_WAIT = 120  # seconds; the app passes settings.wait_apology_seconds

# Sections of workflows still to come: a placeholder says "no data recorded yet" until one registers.
PLANNED_SECTIONS = ("visitors", "work_orders", "passes")
# Where each known section goes (a provider may name its own order).
SECTION_ORDER = {"encounters": 10, "visitors": 30, "work_orders": 40, "passes": 50, "checks": 60}
# Modules of the package that are not domain modules (the boundary test's list): never imported here.
UI_MODULES = frozenset({"app", "__main__"})


def mask_numbers(text: str) -> str:
    """Any resident ID number inside ``text`` masked (first six and last four kept)."""
    return mask_ids_in_text(text)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(value: str | None) -> date:
    """``YYYY-MM-DD`` → date; None → today. Anything else raises ValueError with a clear message."""
    if value is None:
        return clock.today()
    value = value.strip()
    if not _DATE.match(value):
        raise ValueError(t("reports.err_date", value=value))
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(t("reports.err_date", value=value)) from exc


def hm(value: datetime | None) -> str:
    """``09:05``: a time of day in the desk's local time, empty for none."""
    return f"{clock.aware(value).astimezone():%H:%M}" if value else ""


# --- the plain structure ----------------------------------------------------------------


@dataclass
class Section:
    """One table of the report. ``recorded`` False: this kind of data has no records yet."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""
    empty: str = ""
    recorded: bool = True

    def __post_init__(self) -> None:
        self.rows = [[mask_numbers(str(cell)) for cell in row] for row in self.rows]
        self.note = mask_numbers(self.note)

    @property
    def message(self) -> str:
        """What stands in for the table when it has no rows."""
        if not self.recorded:
            return t("reports.not_recorded")
        return self.empty or t("reports.nothing")


@dataclass
class Window:
    """The shift being reported: its day, its hours as aware local datetimes, the desk."""

    day: date
    shift: Shift
    start: datetime
    end: datetime
    desk: str | None
    now: datetime
    named_shifts: tuple[str, ...] = ()
    long_wait: int = DEFAULT_LONG_WAIT  # seconds in the line that make a wait worth flagging

    @property
    def checks_shift(self) -> str | None:
        """The shift code self-checks are filed under, or None (whole day, a typed range): every shift."""
        return self.shift.code if self.shift.code in self.named_shifts else None


@dataclass
class Flag:
    """Something the next shift must know; ``label`` is the kind as the flags table names it."""

    kind: str
    text: str
    label: str = ""


@dataclass
class Contribution:
    """A workflow's part of the report: its sections in order, flags, and figures for :class:`HandoverReport`."""

    sections: list[Section]
    flags: list[Flag] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class HandoverReport:
    desk: str
    window: Window
    generated_at: datetime
    sections: list[Section]
    seats: list = field(default_factory=list)  # deskqueue.SeatFigures, one per seat
    checks: list = field(default_factory=list)  # selfchecks.PersonStatus, the day's board
    flags: list[Flag] = field(default_factory=list)
    waiting: int = 0
    left: int = 0
    open_now: int = 0

    @property
    def title(self) -> str:
        return t("reports.handover_title")

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def meta(self) -> list[tuple[str, str]]:
        w = self.window
        return [
            (t("reports.meta_date"), w.day.isoformat()),
            (t("reports.meta_shift"), f"{w.shift.label()} {w.shift.hours()}"),
            (t("reports.meta_range"), f"{w.start:%Y-%m-%d %H:%M} – {w.end:%Y-%m-%d %H:%M}"),
            (t("reports.meta_desk"), self.desk),
            (t("reports.meta_generated"), f"{self.generated_at.astimezone():%Y-%m-%d %H:%M}"),
        ]


# --- sections registered by the workflows -------------------------------------------------

SectionProvider = Callable[[Session, Window], "Section | Contribution"]
_providers: dict[str, SectionProvider] = {}
_orders: dict[str, int] = {}


def register_section(key: str, provider: SectionProvider, *, order: int | None = None) -> None:
    """A workflow supplies its part of the report under ``key`` (``order`` places it; see :data:`SECTION_ORDER`)."""
    _providers[key] = provider
    if order is not None:
        _orders[key] = order


def section(key: str, *, order: int | None = None) -> Callable[[SectionProvider], SectionProvider]:
    """Decorator form of :func:`register_section`, for a provider defined in a workflow's module."""

    def register(provider: SectionProvider) -> SectionProvider:
        register_section(key, provider, order=order)
        return provider

    return register


@cache
def load_workflows() -> tuple[str, ...]:
    """Import every domain module of the package once, so each registers its report sections."""
    import frontdesk

    names = []
    for info in pkgutil.iter_modules(frontdesk.__path__):
        if info.ispkg or info.name in UI_MODULES or info.name == __name__.rsplit(".", 1)[-1]:
            continue
        importlib.import_module(f"frontdesk.{info.name}")
        names.append(info.name)
    return tuple(names)


def _order(key: str) -> tuple[int, str]:
    return _orders.get(key, SECTION_ORDER.get(key, 70)), key


def _planned_titles() -> dict[str, tuple[str, list[str]]]:
    return {
        "visitors": (t("reports.section_visitors"),
                     [t("reports.col_visitor"), t("reports.col_visiting"), t("reports.col_arrived"),
                      t("reports.col_on_site")]),
        "work_orders": (t("reports.section_work_orders"),
                        [t("reports.col_state"), t("reports.col_count"), t("reports.col_overdue"),
                         t("reports.col_callbacks_due")]),
        "passes": (t("reports.section_passes"),
                   [t("reports.col_pass_no"), t("reports.col_unit"), t("reports.col_entered")]),
    }


# --- gathering -------------------------------------------------------------------------


def make_window(
    day: date, shift: Shift, *, desk: str | None = DEFAULT_DESK, now: datetime | None = None,
    shifts_spec: dict | None = None, long_wait: int = DEFAULT_LONG_WAIT,
) -> Window:
    start, end = shift.window(day)
    return Window(day=day, shift=shift, start=start, end=end, desk=desk, now=clock.resolve(now),
                  named_shifts=tuple(s.code for s in configured_shifts(shifts_spec)), long_wait=long_wait)


def gather(
    session: Session,
    day: date,
    shift: Shift,
    *,
    desk: str | None = DEFAULT_DESK,
    desk_name: str = "",
    long_wait: int = DEFAULT_LONG_WAIT,
    now: datetime | None = None,
    shifts_spec: dict | None = None,
) -> HandoverReport:
    """Everything the next shift needs to know about ``shift`` of ``day``.

    Each registered workflow gives its sections (encounters that arrived within the
    shift's hours, self-checks filed under the shift, …), in :data:`SECTION_ORDER`;
    the planned ones stand as placeholders; the flags of every part come last.
    """
    window = make_window(day, shift, desk=desk, now=now, shifts_spec=shifts_spec, long_wait=long_wait)
    load_workflows()
    report = HandoverReport(desk=desk_name or desk or "", window=window, generated_at=window.now, sections=[])
    planned = _planned_titles()
    for key in sorted(set(_providers) | set(PLANNED_SECTIONS), key=_order):
        provider = _providers.get(key)
        if provider is None:
            title, columns = planned[key]
            report.sections.append(Section(key, title, columns, recorded=False))
            continue
        part = provider(session, window)
        if isinstance(part, Section):
            part = Contribution([part])
        report.sections.extend(part.sections)
        report.flags.extend(part.flags)
        for name, value in part.facts.items():
            setattr(report, name, value)
    report.sections.append(Section(
        "flags", t("reports.section_flags"), [t("reports.col_kind"), t("reports.col_detail")],
        [[f.label or f.kind, f.text] for f in report.flags], empty=t("reports.flags_none"),
    ))
    return report


# --- rendering -------------------------------------------------------------------------


def _md_text(text: object) -> str:
    """Text as Markdown shows it: ID numbers masked, control characters visible, on one line."""
    return shown(text, keep_newlines=True).replace("\n", " ").strip()


def _md_cell(text: object) -> str:
    return _md_text(text).replace("|", "\\|") or " "


def render_markdown(report: HandoverReport) -> str:
    lines = [f"# {_md_text(report.title)}", ""]
    for label, value in report.meta():
        label, value = _md_text(label), _md_text(value)
        lines.append(f"- {label}:{value}" if current_language() != "en" else f"- {label}: {value}")
    for section in report.sections:
        lines += ["", f"## {_md_text(section.title)}", ""]
        if section.note:
            lines += [_md_text(section.note), ""]
        if not section.rows:
            lines.append(_md_text(section.message))
            continue
        lines.append("| " + " | ".join(_md_cell(c) for c in section.columns) + " |")
        lines.append("|" + "|".join(" --- " for _ in section.columns) + "|")
        for row in section.rows:
            lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def render_csv(report: HandoverReport) -> str:
    """One CSV: the header lines, then each section as a title row, a header row and its rows.

    Every cell goes through :func:`frontdesk.core.text.cell`: ID numbers masked, control
    characters visible, and text a spreadsheet would run as a formula made plain text.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def row(cells) -> None:
        writer.writerow([csv_cell(c) for c in cells])

    row([report.title])
    for label, value in report.meta():
        row([label, value])
    for section in report.sections:
        writer.writerow([])
        row([section.title])
        if section.note:
            row([section.note])
        if not section.rows:
            row([section.message])
            continue
        row(section.columns)
        for cells in section.rows:
            row(cells)
    return out.getvalue()


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("", title)[:31] or "Sheet"
    name, n = base, 2
    while name in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def write_xlsx(report: HandoverReport, path: Path | str) -> Path:
    """A workbook: a summary sheet, then one sheet per section, headers in the UI language."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from rich.cells import cell_len

    path = Path(path)
    book = Workbook()
    used: set[str] = set()
    summary = book.active
    summary.title = _sheet_name(t("reports.sheet_summary"), used)
    bold = Font(bold=True)
    _append(summary, [report.title])
    summary["A1"].font = Font(bold=True, size=14)
    for label, value in report.meta():
        _append(summary, [label, value])
    _append(summary, [])
    _append(summary, [t("reports.col_section"), t("reports.col_rows")])
    for cell in summary[summary.max_row]:
        cell.font = bold
    for section in report.sections:
        _append(summary, [section.title, len(section.rows) if section.rows else section.message])
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for section in report.sections:
        sheet = book.create_sheet(_sheet_name(section.title, used))
        _append(sheet, [section.title])
        sheet["A1"].font = Font(bold=True, size=12)
        if section.note:
            _append(sheet, [section.note])
        if not section.rows:
            _append(sheet, [section.message])
            continue
        _append(sheet, section.columns)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
            cell.fill = head_fill
        sheet.freeze_panes = f"A{sheet.max_row + 1}"
        for row in section.rows:
            _append(sheet, [int(cell) if cell.isdigit() and len(cell) < 10 else cell for cell in row])
        for index, column in enumerate(section.columns, start=1):
            width = max([cell_len(column)] + [cell_len(str(r[index - 1])) for r in section.rows if len(r) >= index])
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = min(60, width + 2)
    for sheet in book.worksheets:
        if sheet.title == summary.title:
            sheet.column_dimensions["A"].width = 24
            sheet.column_dimensions["B"].width = 40
    _text_cells(book)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_private(path, book.save)


def _append(sheet, values: list) -> None:
    """A row of text as shown (ID numbers masked, control characters visible: openpyxl refuses them)."""
    sheet.append([shown(v) if isinstance(v, str) else v for v in values])


def _text_cells(book) -> None:
    """Every text cell typed as a string (data_type ``s``, with Excel's quote prefix when it looks
    like a formula), so no cell of the workbook is ever a formula, whatever a name or a note holds."""
    for sheet in book.worksheets:
        for line in sheet.iter_rows():
            for c in line:
                if isinstance(c.value, str):
                    c.data_type = "s"
                    if looks_like_formula(c.value):
                        c.quotePrefix = True


def default_filename(report: HandoverReport, fmt: str) -> str:
    code = re.sub(r"[^0-9A-Za-z_-]", "", report.window.shift.code.replace(":", "")) or WHOLE_DAY
    return f"handover-{report.window.day.isoformat()}-{code}.{fmt}"


def export(report: HandoverReport, fmt: str, path: Path | str) -> Path:
    """Write the report to ``path`` in ``fmt`` (md, csv, xlsx). CSV carries a BOM for Excel.

    The file is written whole and readable by its owner only (0600), also over an existing
    file (``core.files.write_private``).
    """
    if fmt not in FORMATS:
        raise ValueError(t("reports.err_format", format=fmt, formats=", ".join(FORMATS)))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        return write_xlsx(report, path)
    if fmt == "csv":
        return write_private(path, render_csv(report), encoding="utf-8-sig", newline="")
    return write_private(path, render_markdown(report), encoding="utf-8")
