"""A seat of the desk on the queue screen: who sits there, their state, whom they serve and for how long.

Names and notes are plain text (:func:`frontdesk.core.text.shown`): never markup, ID numbers masked.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from frontdesk.deskqueue import SeatView, format_duration
from frontdesk.core.i18n import t
from frontdesk.roster import seat_label
from frontdesk.rotation import SeatState
from frontdesk.core.text import shown

STATE_STYLE = {
    SeatState.FREE: "bold green",
    SeatState.SERVING: "bold yellow",
    SeatState.BUSY: "bold magenta",
    SeatState.AWAY: "bold red",
    SeatState.EMPTY: "dim",
}


def seat_text(view: SeatView, key: str, now: datetime, *, is_next: bool) -> Text:
    """Four lines: key and seat (and the next-to-stand mark), the person, the state, the party and time."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{key} ", style="bold cyan")
    text.append(seat_label(view.code), style="bold")
    if is_next:  # one space: at 100 columns a card has 18 cells, just enough for 「1 左2 ▶ 下一位起身」
        text.append(" ")
        text.append(t("queue.next"), style="bold green reverse")
    text.append("\n")
    if not view.staffed:
        text.append(t("queue.empty_seat"), style="dim")
        return text
    text.append(shown(view.staff_name), style="bold")
    text.append("\n")
    text.append("● " + t(f"queue.state.{view.state.value}"), style=STATE_STYLE[view.state])
    party = view.party
    if party is not None:
        text.append("  " + shown(t("queue.serving_whom", who=party.who)))
        text.append("\n  ")
        text.append(t("queue.for_time", time=format_duration(party.serving_for(now))), style="bold")
        if party.direct:
            text.append(" " + t("queue.direct_mark"), style="dim")
        if party.handoff_count:
            text.append(" " + t("queue.handoff_mark", count=party.handoff_count), style="dim")
        if view.own_state == "busy":
            text.append(" · " + t("queue.state.busy"), style="magenta")
    elif view.since is not None:
        text.append("\n  ")
        text.append(t("queue.since", time=view.since.astimezone().strftime("%H:%M")), style="dim")
        if view.note:
            text.append(" " + shown(view.note), style="dim")
    return text


class SeatCard(Static):
    """One of the four seats. ``-selected`` is the seat the keys act on, ``-next`` stands next."""

    DEFAULT_CSS = """
    SeatCard {
        width: 1fr; height: 6; border: round $primary-darken-2; padding: 0 1; margin: 0 1 0 0;
        text-wrap: nowrap; text-overflow: ellipsis;  /* a long party name never pushes the time out */
    }
    SeatCard.-empty { color: $text-muted; border: round $panel-lighten-2; }
    SeatCard.-next { border: round $success; }
    SeatCard.-selected { border: double $accent; background: $boost; }
    """

    def __init__(self, seat: str, key: str) -> None:
        super().__init__(id=f"seat-{seat}", classes="seat -empty")
        self.seat = seat
        self.key = key
        self.view: SeatView | None = None
        self.is_next = False

    def show(self, view: SeatView, now: datetime, *, is_next: bool, selected: bool) -> None:
        self.view, self.is_next = view, is_next
        self.set_class(not view.staffed, "-empty")
        self.set_class(is_next, "-next")
        self.set_class(selected, "-selected")
        self.update(seat_text(view, self.key, now, is_next=is_next))

    def tick(self, now: datetime) -> None:
        """Redraw the live times from the stored timestamps (no database)."""
        if self.view is not None and self.view.party is not None:
            self.update(seat_text(self.view, self.key, now, is_next=self.is_next))
