"""Modal dialogs of the F7 reports: export to a file, go to a date."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from frontdesk.core.i18n import t
from frontdesk.report import FORMATS, parse_day
from frontdesk.widgets.base import translate_bindings

_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{
    width: 80; height: auto; border: thick $primary; background: $surface; padding: 1 2;
}}
{cls} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
{cls} .field-error {{ color: $error; height: auto; }}
{cls} .dialog-hint {{ color: $text-muted; margin-top: 1; }}
{cls} #export-format {{ text-style: bold; }}
"""


class ExportDialog(ModalScreen[tuple[str, Path] | None]):
    """Choose the format (↑↓) and the file; Enter writes, Esc cancels."""

    DEFAULT_CSS = _CSS.format(cls="ExportDialog")
    BINDINGS = [
        Binding("escape", "cancel", "reports.key_cancel", id="reports.export_cancel"),
        Binding("up", "format(-1)", "reports.key_format", id="reports.export_format_prev"),
        Binding("down", "format(1)", "reports.key_format", show=False, id="reports.export_format_next"),
    ]

    def __init__(self, folder: Path, filename: str, fmt: str = "xlsx") -> None:
        super().__init__()
        translate_bindings(self)
        self._fmt = fmt if fmt in FORMATS else FORMATS[0]
        self._path = folder / Path(filename).with_suffix(f".{self._fmt}").name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("reports.export_title")), classes="dialog-title")
            yield Static("", id="export-format")
            yield Label(t("reports.export_file"))
            yield Input(value=str(self._path), id="export-path")
            yield Static("", id="export-error", classes="field-error")
            yield Static(t("reports.export_hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self._show_format()
        self.query_one("#export-path", Input).focus()

    def _show_format(self) -> None:
        names = {"md": t("reports.format_md"), "csv": t("reports.format_csv"), "xlsx": t("reports.format_xlsx")}
        line = "  ".join(f"[{names[f]}]" if f == self._fmt else names[f] for f in FORMATS)
        self.query_one("#export-format", Static).update(Text(t("reports.export_format", formats=line)))

    def action_format(self, step: int) -> None:
        self._fmt = FORMATS[(FORMATS.index(self._fmt) + step) % len(FORMATS)]
        field = self.query_one("#export-path", Input)
        path = Path(field.value.strip() or self._path.name)
        field.value = str(path.with_suffix(f".{self._fmt}"))
        self._show_format()

    def on_input_changed(self, event: Input.Changed) -> None:
        """A typed ending (.md, .csv, .xlsx) chooses the format: the file is what its name says."""
        suffix = Path(event.value.strip()).suffix.lower().lstrip(".")
        if suffix in FORMATS and suffix != self._fmt:
            self._fmt = suffix
            self._show_format()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.query_one("#export-error", Static).update(Text(t("reports.err_no_file")))
            return
        path = Path(value).expanduser()
        if path.is_dir():
            self.query_one("#export-error", Static).update(Text(t("reports.err_is_folder", path=path)))
            return
        self.dismiss((self._fmt, path))

    def action_cancel(self) -> None:
        self.dismiss(None)


class DateDialog(ModalScreen[object]):
    """Type a date (YYYY-MM-DD); a bad one is told under the field and kept."""

    DEFAULT_CSS = _CSS.format(cls="DateDialog")
    BINDINGS = [Binding("escape", "cancel", "reports.key_cancel", id="reports.date_cancel")]

    def __init__(self, value: str) -> None:
        super().__init__()
        translate_bindings(self)
        self._value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("reports.date_title")), classes="dialog-title")
            yield Label(t("reports.date_label"))
            yield Input(value=self._value, id="date-input", max_length=10)
            yield Static("", id="date-error", classes="field-error")

    def on_mount(self) -> None:
        self.query_one("#date-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            day = parse_day(event.value)
        except ValueError as exc:
            self.query_one("#date-error", Static).update(Text(str(exc)))
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
