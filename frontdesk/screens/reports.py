"""F7 reports: the shift handover report (交班報告) on screen, and exported to a file.

Opens on the current shift. [ and ] change the day, D types a date, B changes
the shift (day, night, the whole day), T goes back to now, E exports (md, csv,
xlsx), R reloads. ↑↓ PgUp PgDn scroll.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from frontdesk import report as rp
from frontdesk.core.i18n import t
from frontdesk.shifts import WHOLE_DAY, Shift, configured_shifts, current_shift, resolve_shift
from frontdesk.widgets.base import DeskScreen
from frontdesk.widgets.header import WEEKDAY_KEYS


def render_report(report: rp.HandoverReport) -> Group:
    """The report as Rich renderables: a table per section, the message where there is none."""
    parts: list = []
    for section in report.sections:
        parts.append(Text(section.title, style="bold underline"))
        if section.note:
            parts.append(Text(section.note, style="dim"))
        if not section.rows:
            style = "italic dim" if not section.recorded else "dim"
            parts.append(Text("  " + section.message, style=style))
        else:
            table = Table(show_edge=False, pad_edge=False, header_style="bold cyan", expand=False)
            for column in section.columns:
                table.add_column(column, overflow="fold")
            for row in section.rows:
                styled = [Text(cell) for cell in row]
                if section.key == "flags":
                    styled[0].stylize("bold yellow")
                table.add_row(*styled)
            parts.append(table)
        parts.append(Text(""))
    return Group(*parts)


class ReportsScreen(DeskScreen):
    TITLE_KEY = "reports.title"
    DEFAULT_CSS = """
    ReportsScreen #reports-main { height: 1fr; padding: 0 1; }
    ReportsScreen #reports-head { height: auto; text-style: bold; margin-top: 1; }
    ReportsScreen #reports-body { height: 1fr; }
    ReportsScreen #reports-content { height: auto; }
    ReportsScreen #reports-status { height: auto; min-height: 1; }
    ReportsScreen #reports-status.-error { color: $error; }
    """
    BINDINGS = [
        Binding("left_square_bracket", "day(-1)", "reports.key_prev_day", id="reports.prev_day"),
        Binding("right_square_bracket", "day(1)", "reports.key_next_day", id="reports.next_day"),
        Binding("d", "pick_date", "reports.key_date", id="reports.date"),
        Binding("b", "next_shift", "reports.key_shift", id="reports.shift"),
        Binding("t", "now", "reports.key_now", id="reports.now"),
        Binding("e", "export", "reports.key_export", id="reports.export"),
        Binding("r", "reload", "reports.key_reload", id="reports.reload"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.day, self.shift = self._current()
        self.report: rp.HandoverReport | None = None
        self._seq = 0
        self._last_format = "xlsx"

    def _settings(self):
        return getattr(self.app, "settings", None)

    def _spec(self) -> dict | None:
        settings = self._settings()
        return settings.shifts if settings is not None else None

    def _shifts(self) -> list[Shift]:
        try:
            named = configured_shifts(self._spec())
        except ValueError:
            named = configured_shifts()
        return [*named, resolve_shift(WHOLE_DAY)]

    def _current(self) -> tuple[date, Shift]:
        try:
            return current_shift(spec=self._spec())
        except (ValueError, Exception):  # noqa: BLE001 - bad [shifts] settings: the defaults
            return current_shift()

    def compose_body(self) -> ComposeResult:
        with Vertical(id="reports-main", classes="screen-body"):
            yield Static("", id="reports-head")
            with VerticalScroll(id="reports-body"):
                yield Static(t("reports.loading"), id="reports-content")
            yield Static("", id="reports-status")

    def on_mount(self) -> None:
        self._show_head()
        self.query_one("#reports-body", VerticalScroll).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def say(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#reports-status", Static)
        status.set_class(error, "-error")
        status.update(Text(message))

    def _show_head(self) -> None:
        weekday = t("app.weekday." + WEEKDAY_KEYS[self.day.weekday()])
        self.query_one("#reports-head", Static).update(Text(t(
            "reports.head", date=self.day.isoformat(), weekday=weekday, shift=self.shift.label(),
            hours=self.shift.hours())))

    def _gather(self, session) -> rp.HandoverReport:
        settings = self._settings()
        return rp.gather(
            session, self.day, self.shift,
            desk_name=getattr(self.app, "desk_name", ""),
            long_wait=settings.wait_apology_seconds if settings else rp.DEFAULT_LONG_WAIT,
            shifts_spec=self._spec(),
        )

    def reload(self) -> None:
        self._seq += 1
        seq = self._seq
        gather = self._gather

        def done(report: rp.HandoverReport) -> None:
            if seq == self._seq:
                self.report = report
                self.query_one("#reports-content", Static).update(render_report(report))

        self.app.run_db(gather, done, node=self)

    def _moved(self) -> None:
        self._show_head()
        self.say("")
        self.reload()

    def action_day(self, step: int) -> None:
        self.day += timedelta(days=step)
        self._moved()

    def action_next_shift(self) -> None:
        shifts = self._shifts()
        codes = [s.code for s in shifts]
        index = codes.index(self.shift.code) if self.shift.code in codes else -1
        self.shift = shifts[(index + 1) % len(shifts)]
        self._moved()

    def action_now(self) -> None:
        self.day, self.shift = self._current()
        self._moved()

    def action_reload(self) -> None:
        self.reload()

    def action_pick_date(self) -> None:
        from frontdesk.screens.reports_dialogs import DateDialog

        def chosen(day) -> None:
            if isinstance(day, date):
                self.day = day
                self._moved()

        self.app.push_screen(DateDialog(self.day.isoformat()), chosen)

    def action_export(self) -> None:
        from frontdesk.screens.reports_dialogs import ExportDialog

        settings = self._settings()
        folder = (settings.report_dir if settings else None) or Path.home()
        name = f"handover-{self.day.isoformat()}-{self.shift.code.replace(':', '')}.{self._last_format}"

        def chosen(choice: tuple[str, Path] | None) -> None:
            if choice is None:
                return
            fmt, path = choice
            self._last_format = fmt
            gather = self._gather

            def failed(exc: BaseException) -> bool:
                if isinstance(exc, OSError):
                    self.say(t("reports.err_write", path=path, error=exc.strerror or str(exc)), error=True)
                    return True
                return False

            self.app.run_db(lambda s: rp.export(gather(s), fmt, path),
                            lambda written: self.say(t("reports.written", path=written)), on_error=failed, node=self)

        self.app.push_screen(ExportDialog(folder, name, self._last_format), chosen)
