"""The desk header: desk name, screen, date and time, operator."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from frontdesk.core.i18n import t

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class DeskHeader(Horizontal):
    """One line: desk name · screen title · operator · date and time (ticks each second)."""

    DEFAULT_CSS = """
    DeskHeader {
        height: 1;
        dock: top;
        background: $primary;
        color: $text;
    }
    DeskHeader > Static { width: auto; padding: 0 1; }
    DeskHeader > #header-title { width: 1fr; text-style: bold; }
    DeskHeader > #header-clock { text-align: right; }
    """

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = title

    def compose(self) -> ComposeResult:
        yield Static(self.app.desk_name, id="header-desk")
        yield Static(self._title, id="header-title")
        yield Static(t("app.operator", name=self.app.operator or "—"), id="header-operator")
        yield Static(self._now(), id="header-clock")

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    def _now(self) -> str:
        now = datetime.now()
        return f"{now:%Y-%m-%d} {t('app.weekday.' + WEEKDAY_KEYS[now.weekday()])} {now:%H:%M:%S}"

    def _tick(self) -> None:
        self.query_one("#header-clock", Static).update(self._now())

    def set_operator(self, name: str) -> None:
        self.query_one("#header-operator", Static).update(t("app.operator", name=name or "—"))
