"""The shift handover report (交班報告): gather one shift's data, render it as md, csv or xlsx.

Domain only: no Textual. :func:`gather` reads the database into a plain
:class:`HandoverReport` (a list of :class:`Section` tables plus the figures
behind them); the renderers turn that into Markdown, CSV or an Excel workbook,
and the F7 screen shows the same sections.

Each part appears as its data does. Visitors, work orders and passes are
recorded by later workflows: until a module provides them their sections say
"no data recorded yet". A workflow plugs in by registering a provider::

    from frontdesk import report
    report.register_section("visitors", lambda session, window: report.Section(...))

in a module listed in :data:`PLUGIN_MODULES` (imported here when it exists).

No document number leaves this module unmasked: every cell passes through
:func:`mask_numbers` (110105********002X), whatever a free-text field holds.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from frontdesk.core.i18n import current_language, t
from frontdesk.models import SEAT_CODES, Encounter, Handoff, Owner, Staff
from frontdesk.core.files import write_private
from frontdesk.core.text import cell as csv_cell
from frontdesk.core.text import looks_like_formula, mask_ids_in_text, shown
from frontdesk.roster import roster_for, seat_label
from frontdesk.selfchecks import PersonStatus, day_board
from frontdesk.shifts import WHOLE_DAY, Shift, configured_shifts

FORMATS = ("md", "csv", "xlsx")
DEFAULT_DESK = "main"
DEFAULT_LONG_WAIT = 120  # seconds; the app passes settings.wait_apology_seconds

# Later workflows: (section key, module that registers it).
PLANNED_SECTIONS = ("visitors", "work_orders", "passes")
PLUGIN_MODULES = ("frontdesk.visitors", "frontdesk.workorders", "frontdesk.passes")

def mask_numbers(text: str) -> str:
    """Any resident ID number inside ``text`` masked (first six and last four kept)."""
    return mask_ids_in_text(text)


def duration(seconds: float | int | None) -> str:
    """``3:07`` (minutes:seconds), ``1:02:03`` past an hour, ``—`` for none."""
    if seconds is None:
        return "—"
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(value: str | None) -> date:
    """``YYYY-MM-DD`` → date; None → today. Anything else raises ValueError with a clear message."""
    if value is None:
        return date.today()
    value = value.strip()
    if not _DATE.match(value):
        raise ValueError(t("reports.err_date", value=value))
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(t("reports.err_date", value=value)) from exc


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _hm(value: datetime | None) -> str:
    return f"{_aware(value).astimezone():%H:%M}" if value else ""


def _seconds(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return max(0, int((_aware(end) - _aware(start)).total_seconds()))


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

    @property
    def checks_shift(self) -> str | None:
        """The shift code self-checks are filed under, or None (whole day, a typed range): every shift."""
        return self.shift.code if self.shift.code in self.named_shifts else None


@dataclass
class SeatFigures:
    seat: str
    staff: str
    served: int = 0
    avg_wait: float | None = None
    max_wait: int | None = None
    avg_duration: float | None = None
    max_duration: int | None = None
    handoffs: int = 0


@dataclass
class Flag:
    kind: str
    text: str


@dataclass
class HandoverReport:
    desk: str
    window: Window
    generated_at: datetime
    sections: list[Section]
    seats: list[SeatFigures]
    checks: list[PersonStatus]
    flags: list[Flag]
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


# --- plug-ins for later workflows ------------------------------------------------------

SectionProvider = Callable[[Session, Window], Section]
_providers: dict[str, SectionProvider] = {}


def register_section(key: str, provider: SectionProvider) -> None:
    """A later workflow supplies its part of the report (``visitors``, ``work_orders``, ``passes``)."""
    _providers[key] = provider


def _load_plugins() -> None:
    for name in PLUGIN_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


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


def _planned(session: Session, window: Window) -> list[Section]:
    out = []
    for key, (title, columns) in _planned_titles().items():
        provider = _providers.get(key)
        if provider is not None:
            out.append(provider(session, window))
        else:
            out.append(Section(key, title, columns, recorded=False))
    return out


# --- gathering -------------------------------------------------------------------------


def _guest_label(code: str) -> str:
    names = {
        "owner": t("queue.guest.owner"),
        "visitor": t("queue.guest.visitor"),
        "vip": t("queue.guest.vip"),
        "inspection": t("queue.guest.inspection"),
        "superior": t("queue.guest.superior"),
    }
    return names.get(code, code)


def _party(enc: Encounter, owners: dict[int, Owner]) -> str:
    if enc.party_label:
        return enc.party_label
    owner = owners.get(enc.owner_id) if enc.owner_id else None
    if owner is not None:
        return owner.name
    return _guest_label(enc.guest_type)


def make_window(
    day: date, shift: Shift, *, desk: str | None = DEFAULT_DESK, now: datetime | None = None,
    shifts_spec: dict | None = None,
) -> Window:
    start, end = shift.window(day)
    return Window(day=day, shift=shift, start=start, end=end, desk=desk,
                  now=(_aware(now) or datetime.now(timezone.utc)),
                  named_shifts=tuple(s.code for s in configured_shifts(shifts_spec)))


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

    Encounters are those that arrived within the shift's hours; self-checks are
    those filed under the shift (every shift of the day for ``all`` or a range).
    """
    window = make_window(day, shift, desk=desk, now=now, shifts_spec=shifts_spec)
    _load_plugins()
    query = select(Encounter).where(Encounter.arrived_at >= window.start, Encounter.arrived_at < window.end)
    if desk is not None:
        query = query.where(Encounter.desk == desk)
    encounters = list(session.execute(query.order_by(Encounter.arrived_at, Encounter.id)).scalars())
    ids = {e.id for e in encounters}
    handoffs = [h for h in session.execute(
        select(Handoff).where(Handoff.at >= window.start, Handoff.at < window.end)).scalars()
        if h.encounter_id in ids]
    owner_ids = {e.owner_id for e in encounters if e.owner_id}
    owners = {o.id: o for o in session.execute(select(Owner).where(Owner.id.in_(owner_ids))).scalars()} \
        if owner_ids else {}
    staff_ids = {e.staff_id for e in encounters if e.staff_id}
    staff = {s.id: s for s in session.execute(select(Staff).where(Staff.id.in_(staff_ids))).scalars()} \
        if staff_ids else {}
    roster = roster_for(session, day)

    seats: list[SeatFigures] = []
    flags: list[Flag] = []
    served_all, waits_all, durations_all = 0, [], []
    for seat in SEAT_CODES:
        here = [e for e in encounters if e.seat == seat and e.state in ("open", "closed") and e.outcome != "left"]
        names = []
        for e in here:
            name = staff[e.staff_id].name if e.staff_id in staff else ""
            if name and name not in names:
                names.append(name)
        if not names and seat in roster:
            names.append(roster[seat].name)
        waits = [e.wait_seconds or 0 for e in here]
        durations = [d for d in (_seconds(e.started_at, e.ended_at) for e in here if e.state == "closed")
                     if d is not None]
        seats.append(SeatFigures(
            seat=seat, staff="、".join(names), served=len(here),
            avg_wait=sum(waits) / len(waits) if waits else None, max_wait=max(waits) if waits else None,
            avg_duration=sum(durations) / len(durations) if durations else None,
            max_duration=max(durations) if durations else None,
            handoffs=sum(1 for h in handoffs if h.from_seat == seat),
        ))
        served_all += len(here)
        waits_all += waits
        durations_all += durations
    waiting = sum(1 for e in encounters if e.state == "waiting")
    left = sum(1 for e in encounters if e.outcome == "left")
    still_open = [e for e in encounters if e.state != "closed"]

    for e in encounters:
        who = _party(e, owners)
        if (e.wait_seconds or 0) >= long_wait and e.outcome != "left":
            flags.append(Flag("long_wait", t("reports.flag_long_wait", party=who, wait=duration(e.wait_seconds),
                                             time=_hm(e.arrived_at))))
        if e.outcome == "left":
            flags.append(Flag("left", t("reports.flag_left", party=who, time=_hm(e.arrived_at),
                                        wait=duration(e.wait_seconds))))
    for e in still_open:
        flags.append(Flag("open", t("reports.flag_open", party=_party(e, owners), time=_hm(e.arrived_at),
                                    seat=seat_label(e.seat) if e.seat else "—")))

    checks = day_board(session, day, window.checks_shift, standing=True)
    for person in checks:
        if not person.on_duty and person.state == "none":
            continue
        if person.state != "signed":
            flags.append(Flag("check_missing", t("reports.flag_check_missing", name=person.name)))
        if person.failed:
            flags.append(Flag("check_failed", t("reports.flag_check_failed", name=person.name,
                                                count=person.failed)))
        if person.is_correction and person.state == "signed":
            flags.append(Flag("check_corrected", t("reports.flag_check_corrected", name=person.name)))
        if person.correction_pending:
            flags.append(Flag("check_correcting", t("reports.flag_check_correcting", name=person.name)))

    sections: list[Section] = []
    seat_rows = [[seat_label(s.seat), s.staff, str(s.served), duration(s.avg_wait), duration(s.max_wait),
                  duration(s.avg_duration), duration(s.max_duration), str(s.handoffs)] for s in seats]
    seat_rows.append([
        t("reports.total"), "", str(served_all),
        duration(sum(waits_all) / len(waits_all) if waits_all else None), duration(max(waits_all) if waits_all else None),
        duration(sum(durations_all) / len(durations_all) if durations_all else None),
        duration(max(durations_all) if durations_all else None), str(len(handoffs)),
    ])
    sections.append(Section(
        "encounters", t("reports.section_encounters"),
        [t("reports.col_seat"), t("reports.col_staff"), t("reports.col_served"), t("reports.col_avg_wait"),
         t("reports.col_max_wait"), t("reports.col_avg_duration"), t("reports.col_max_duration"),
         t("reports.col_handoffs")],
        seat_rows,
        note=t("reports.encounters_note", arrived=len(encounters), waiting=waiting, left=left),
    ))
    open_rows = []
    for e in still_open:
        state = t("reports.state_waiting") if e.state == "waiting" else t("reports.state_open")
        since = e.arrived_at if e.state == "waiting" else (e.started_at or e.arrived_at)
        open_rows.append([_hm(e.arrived_at), _party(e, owners), _guest_label(e.guest_type), state,
                          seat_label(e.seat) if e.seat else "—", duration(_seconds(since, window.now))])
    sections.append(Section(
        "open", t("reports.section_open"),
        [t("reports.col_arrived"), t("reports.col_party"), t("reports.col_guest_type"), t("reports.col_state"),
         t("reports.col_seat"), t("reports.col_for")],
        open_rows, empty=t("reports.open_none"),
    ))
    sections.extend(_planned(session, window))
    check_rows = []
    for person in checks:
        if not person.on_duty and person.state == "none":
            continue
        state = {"signed": t("reports.check_signed"), "draft": t("reports.check_draft")}.get(
            person.state, t("reports.check_none"))
        if person.is_correction:
            state += t("reports.check_correction_mark")
        failed = ";".join(f"{f.text}({f.note})" if f.note else f.text for f in person.failed_items)
        check_rows.append([
            seat_label(person.seat) if person.seat else "—", person.name, state,
            str(person.passed), str(person.failed), str(person.na), person.lead_name,
            _hm(person.signed_at) if person.state == "signed" else "", failed,
        ])
    sections.append(Section(
        "checks", t("reports.section_checks"),
        [t("reports.col_seat"), t("reports.col_name"), t("reports.col_check_state"), t("reports.col_passed"),
         t("reports.col_failed"), t("reports.col_na"), t("reports.col_lead"), t("reports.col_signed_at"),
         t("reports.col_failed_items")],
        check_rows, empty=t("reports.checks_none"),
    ))
    kinds = {
        "long_wait": t("reports.flag_kind_long_wait"), "left": t("reports.flag_kind_left"),
        "open": t("reports.flag_kind_open"), "check_missing": t("reports.flag_kind_check"),
        "check_failed": t("reports.flag_kind_check"), "check_corrected": t("reports.flag_kind_check"),
        "check_correcting": t("reports.flag_kind_check"),
    }
    sections.append(Section(
        "flags", t("reports.section_flags"), [t("reports.col_kind"), t("reports.col_detail")],
        [[kinds.get(f.kind, f.kind), f.text] for f in flags], empty=t("reports.flags_none"),
    ))
    return HandoverReport(
        desk=desk_name or desk or "", window=window, generated_at=window.now, sections=sections, seats=seats,
        checks=checks, flags=flags, waiting=waiting, left=left, open_now=len(still_open),
    )


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
