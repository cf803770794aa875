"""Modal dialogs of the F7 reports: export to a file, go to a date (kit forms)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from frontdesk.core.i18n import t
from frontdesk.report import FORMATS, parse_day
from frontdesk.widgets.form import Form
from frontdesk.widgets.plain import plain

PATH_MAX = 4096  # what a file system takes for a path


class ExportDialog(Form[tuple[str, Path] | None]):
    """Choose the format (↑↓) and the file; Enter writes, Esc cancels."""

    CSS_PATH = "reports.tcss"
    INLINE = False
    BINDINGS = [
        Binding("up", "format(-1)", "reports.key_format", id="reports.export_format_prev"),
        Binding("down", "format(1)", "reports.key_format", show=False, id="reports.export_format_next"),
    ]

    def __init__(self, folder: Path, filename: str, fmt: str = "xlsx") -> None:
        super().__init__(t("reports.export_title"), hint=t("reports.export_hint"))
        self._fmt = fmt if fmt in FORMATS else FORMATS[0]
        self._path = folder / Path(filename).with_suffix(f".{self._fmt}").name

    def compose_fields(self) -> ComposeResult:
        yield Static("", id="export-format")
        yield from self.field("path", t("reports.export_file"), Input(value=str(self._path)), limit=PATH_MAX)

    def on_mount(self) -> None:
        self._show_format()
        self.fields["path"].focus()

    def _show_format(self) -> None:
        names = {"md": t("reports.format_md"), "csv": t("reports.format_csv"), "xlsx": t("reports.format_xlsx")}
        line = "  ".join(f"[{names[f]}]" if f == self._fmt else names[f] for f in FORMATS)
        self.query_one("#export-format", Static).update(plain(t("reports.export_format", formats=line)))

    def action_format(self, step: int) -> None:
        self._fmt = FORMATS[(FORMATS.index(self._fmt) + step) % len(FORMATS)]
        field = self.fields["path"]
        path = Path(field.value.strip() or self._path.name)
        field.value = str(path.with_suffix(f".{self._fmt}"))
        self._show_format()

    def on_input_changed(self, event: Input.Changed) -> None:
        """A typed ending (.md, .csv, .xlsx) chooses the format: the file is what its name says."""
        suffix = Path(event.value.strip()).suffix.lower().lstrip(".")
        if suffix in FORMATS and suffix != self._fmt:
            self._fmt = suffix
            self._show_format()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def submit(self) -> None:
        value = self.value("path").strip()
        if not value:
            self.show_errors({"path": t("reports.err_no_file")})
            return
        path = Path(value).expanduser()
        if path.is_dir():
            self.show_errors({"path": t("reports.err_is_folder", path=path)})
            return
        self.dismiss((self._fmt, path))


class DateDialog(Form[object]):
    """Type a date (YYYY-MM-DD); a bad one is told under the field and kept."""

    CSS_PATH = "reports.tcss"
    INLINE = False

    def __init__(self, value: str) -> None:
        super().__init__(t("reports.date_title"))
        self._value = value

    def compose_fields(self) -> ComposeResult:
        yield from self.field("date", t("reports.date_label"), Input(value=self._value), limit=10)

    def on_mount(self) -> None:
        self.fields["date"].focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def submit(self) -> None:
        try:
            day = parse_day(self.value("date"))
        except ValueError as exc:
            self.show_errors({"date": str(exc)})
            return
        self.dismiss(day)
