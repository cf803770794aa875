"""F7 reports: the shift handover report (交班報告) on screen, and exported to a file.

Opens on the current shift. [ and ] change the day, D types a date, B changes
the shift (day, night, the whole day), T goes back to now, E exports (md, csv,
xlsx), R reloads. ↑↓ PgUp PgDn scroll.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from frontdesk import report as rp
from frontdesk.core.errors import ValidationError
from frontdesk.core.i18n import t
from frontdesk.widgets.base import DeskScreen
from frontdesk.widgets.dayshift import DayShiftBar, DayShiftKeys
from frontdesk.widgets.plain import cell, plain
from frontdesk.widgets.status import StatusLine


def render_report(report: rp.HandoverReport) -> Group:
    """The report as Rich renderables: a table per section, the message where there is none (all plain text)."""
    parts: list = []
    for section in report.sections:
        parts.append(plain(section.title, "bold underline"))
        if section.note:
            parts.append(plain(section.note, "dim"))
        if not section.rows:
            style = "italic dim" if not section.recorded else "dim"
            parts.append(plain("  " + section.message, style))
        else:
            table = Table(show_edge=False, pad_edge=False, header_style="bold cyan", expand=False)
            for column in section.columns:
                table.add_column(cell(column), overflow="fold")
            for row in section.rows:
                styled = [cell(value) for value in row]
                if section.key == "flags":
                    styled[0].stylize("bold yellow")
                table.add_row(*styled)
            parts.append(table)
        parts.append(Text(""))
    return Group(*parts)


def write_export(report: rp.HandoverReport, fmt: str, path: Path) -> Path:
    """Export; a file that cannot be written is the user's to fix (a refusal on the status line, not a crash)."""
    try:
        return rp.export(report, fmt, path)
    except OSError as exc:
        raise ValidationError({"path": t("reports.err_write", path=path, error=exc.strerror or str(exc))}) from exc


class ReportsScreen(DayShiftKeys, DeskScreen):
    TITLE_KEY = "reports.title"
    CSS_PATH = "reports.tcss"
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
        self.report: rp.HandoverReport | None = None
        self._last_format = "xlsx"

    def compose_body(self) -> ComposeResult:
        with Vertical(id="reports-main", classes="screen-body"):
            yield DayShiftBar("reports.head", whole_day=True, id="reports-head")
            with VerticalScroll(id="reports-body"):
                yield Static(plain(t("reports.loading")), id="reports-content")
            yield StatusLine(id="reports-status")

    def on_mount(self) -> None:
        self.query_one("#reports-body", VerticalScroll).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def _gather(self, session) -> rp.HandoverReport:
        app = self.app
        return rp.gather(
            session, self.day, self.shift,
            desk_name=getattr(app, "desk_name", ""),
            long_wait=app.settings.wait_apology_seconds if hasattr(app, "settings") else rp.DEFAULT_LONG_WAIT,
            shifts_spec=getattr(app, "shifts_spec", None),
        )

    def reload(self) -> None:
        def show(report: rp.HandoverReport) -> None:
            self.report = report
            self.query_one("#reports-content", Static).update(render_report(report))

        self.app.run_db(self._gather, show, node=self, key="reports.report", on_error=self.say_refusal)

    def action_reload(self) -> None:
        self.reload()

    def action_pick_date(self) -> None:
        from frontdesk.screens.reports_dialogs import DateDialog

        def chosen(day) -> None:
            if isinstance(day, date):
                self.bar.set_day(day)

        self.app.push_screen(DateDialog(self.day.isoformat()), chosen)

    def action_export(self) -> None:
        from frontdesk.screens.reports_dialogs import ExportDialog

        name = f"handover-{self.day.isoformat()}-{self.shift.code.replace(':', '')}.{self._last_format}"

        def chosen(choice: tuple[str, Path] | None) -> None:
            if choice is None:
                return
            fmt, path = choice
            self._last_format = fmt
            gather = self._gather
            self.app.run_db(lambda s: write_export(gather(s), fmt, path),
                            lambda written: self.say(t("reports.written", path=written)), node=self)

        self.app.push_screen(ExportDialog(self.app.report_dir, name, self._last_format), chosen)
