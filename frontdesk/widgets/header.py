"""The desk header: desk name, screen, date and time, operator."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from frontdesk.core import clock
from frontdesk.core.i18n import t
from frontdesk.widgets.plain import plain

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekday_name(day: date) -> str:
    """週一 … 週日 in the interface language."""
    return t("app.weekday." + WEEKDAY_KEYS[day.weekday()])


class DeskHeader(Horizontal):
    """One line: desk name · screen title · operator · date and time (ticks each second, from the one clock)."""

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
        yield Static(plain(self.app.desk_name), id="header-desk")
        yield Static(plain(self._title), id="header-title")
        yield Static(self._operator(self.app.operator), id="header-operator")
        yield Static(self._now(), id="header-clock")

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    @staticmethod
    def _operator(name: str):
        return plain(t("app.operator", name=name or "—"))

    @staticmethod
    def _now() -> str:
        now = clock.local_now()
        return f"{now:%Y-%m-%d} {weekday_name(now.date())} {now:%H:%M:%S}"

    def _tick(self) -> None:
        self.query_one("#header-clock", Static).update(self._now())

    def set_operator(self, name: str) -> None:
        self.query_one("#header-operator", Static).update(self._operator(name))
