"""The desk queue's dialogs: find the arriving owner, hand off, finish, take a waiting party, the cue card.

Each dialog that changes the desk is given a ``submit`` callback by the queue
screen; the screen runs the action and either closes the dialog or shows the
refusal inside it (:meth:`QueueDialog.show_error`), so what was chosen stays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from frontdesk import deskqueue
from frontdesk.deskqueue import FINISH_OUTCOMES, Desk, Party, format_duration
from frontdesk.core.i18n import t
from frontdesk.models import GUEST_TYPES
from frontdesk.roster import Category, seat_label
from frontdesk.rotation import STANDING_ORDER
from frontdesk.widgets.base import translate_bindings


class QueueDialog(ModalScreen):
    """A centred dialog with a title, an error line and a hint; Esc closes it."""

    DEFAULT_CSS = """
    QueueDialog { align: center middle; }
    QueueDialog > Vertical {
        width: 84; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    QueueDialog .dialog-title { text-style: bold; margin-bottom: 1; }
    QueueDialog .dialog-hint { color: $text-muted; margin-top: 1; }
    QueueDialog .dialog-error { color: $error; height: auto; }
    QueueDialog OptionList { height: auto; max-height: 12; }
    QueueDialog Label { margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "queue.key.cancel", id="queue.dialog_cancel")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.busy = False

    def error_line(self) -> Static:
        line = Static("", classes="dialog-error", id="dialog-error")
        line.display = False
        return line

    def show_error(self, message: str) -> None:
        self.busy = False
        line = self.query_one("#dialog-error", Static)
        line.update(Text(message))
        line.display = bool(message)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- arrival: find the owner ---------------------------------------------------------


@dataclass(frozen=True)
class OwnerChoice:
    owner_id: int | None
    name: str = ""
    guest_type: str = "owner"


class ArrivalDialog(QueueDialog):
    """Type a unit, the last phone digits or a name; Enter greets (an empty search: a general greeting).

    With ``guest_type`` the dialog shows the guest type and Tab / Ctrl+T (Shift+Tab back) cycles it
    (owner → visitor → VIP → inspection → superior), so A pressed for a VIP is corrected without Esc.
    ``title`` may be a function of the guest type.
    """

    SEARCH_DELAY = 0.12
    BINDINGS = [
        Binding("down", "move(1)", "queue.key.seat_next", show=False, id="queue.arrival_down"),
        Binding("up", "move(-1)", "queue.key.seat_prev", show=False, id="queue.arrival_up"),
        Binding("tab,ctrl+t", "guest(1)", "queue.key.guest_next", show=False, id="queue.arrival_guest_next"),
        Binding("shift+tab", "guest(-1)", "queue.key.guest_prev", show=False, id="queue.arrival_guest_prev"),
    ]

    def __init__(self, title: str | Callable[[str], str], submit: Callable[[OwnerChoice, QueueDialog], None],
                 guest_type: str | None = None) -> None:
        super().__init__()
        self.title_of = title if callable(title) else (lambda _guest, text=title: text)
        self.guest_type = guest_type
        self.submit = submit
        self.rows: list = []
        self._timer: Timer | None = None
        self._searching: str | None = None
        self._submit_when_ready = False
        self._query = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_of(self.guest_type or "owner")), classes="dialog-title", id="arrival-title")
            if self.guest_type is not None:
                yield Static(self._guest_line(), id="arrival-guest")
            yield Static(t("queue.search_label"))
            yield Input(id="arrival-search")
            yield OptionList(id="arrival-results")
            yield self.error_line()
            yield Static(t("queue.search_hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill([])
        self.query_one("#arrival-search", Input).focus()

    @property
    def title_text(self) -> str:
        return self.title_of(self.guest_type or "owner")

    def _guest_line(self) -> Text:
        line = Text(t("queue.guest_type_label") + " ")
        for code in GUEST_TYPES:
            line.append(f" {t(f'queue.guest.{code}')} ", style="bold reverse" if code == self.guest_type else "dim")
            line.append(" ")
        return line

    def action_guest(self, step: int) -> None:
        if self.guest_type is None or self.busy:
            return
        index = GUEST_TYPES.index(self.guest_type)
        self.guest_type = GUEST_TYPES[(index + step) % len(GUEST_TYPES)]
        self.query_one("#arrival-guest", Static).update(self._guest_line())
        self.query_one("#arrival-title", Static).update(Text(self.title_text))

    def _fill(self, rows: list) -> None:
        self.rows = rows
        options = self.query_one("#arrival-results", OptionList)
        options.clear_options()
        if not rows and self._query.strip():
            options.add_option(Option(Text(t("queue.search_none"), style="dim"), id="none-found", disabled=True))
        for row in rows:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(row.name, style="bold")
            line.append(f"  {row.units}  {row.phone}")
            if row.is_familiar:
                line.append("  " + t("queue.familiar_mark"), style="green")
            if row.is_vip:
                line.append("  " + t("queue.vip_mark"), style="yellow")
            options.add_option(Option(line, id=f"owner-{row.id}"))
        options.add_option(Option(t("queue.search_anonymous"), id="anonymous"))
        first = next((i for i in range(options.option_count) if not options.get_option_at_index(i).disabled), 0)
        options.highlighted = first

    def on_input_changed(self, event: Input.Changed) -> None:
        self._query = event.value
        if self._timer is not None:
            self._timer.stop()
        self._searching = event.value
        self._timer = self.set_timer(self.SEARCH_DELAY, self._search)

    def _search(self) -> None:
        query = self._query
        if not query.strip():
            self._searching = None
            self._fill([])
            return
        from frontdesk import owners

        def done(rows: list) -> None:
            if query != self._query:
                return
            self._searching = None
            self._fill(rows)
            if self._submit_when_ready:
                self._submit_when_ready = False
                self._choose()

        self.app.run_db(lambda s: owners.search(s, query, limit=8), done, node=self, group="owner-search",
                        exclusive=True)

    def action_move(self, step: int) -> None:
        options = self.query_one("#arrival-results", OptionList)
        if step > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        if self._searching is not None:
            self._submit_when_ready = True  # Enter before the results came: take the first one
            return
        self._choose()

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self._choose()

    def _choose(self) -> None:
        if self.busy:
            return
        options = self.query_one("#arrival-results", OptionList)
        option = options.highlighted_option
        guest = self.guest_type or "owner"
        choice = OwnerChoice(None, guest_type=guest)
        if option is not None and option.id and option.id.startswith("owner-"):
            owner_id = int(option.id.removeprefix("owner-"))
            row = next((r for r in self.rows if r.id == owner_id), None)
            choice = OwnerChoice(owner_id, row.name if row else "", guest)
        self.busy = True
        self.submit(choice, self)


# --- hand-off ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoffChoice:
    to_seat: str
    category: str
    reason: str


def _category_options(categories: Sequence[Category]) -> list[Option]:
    return [Option(f"{c.name}", id=f"cat-{c.code}") for c in categories]


class HandoffDialog(QueueDialog):
    """Choose the need's category (↑↓); the colleague who covers it is proposed (←→ to choose another)."""

    BINDINGS = [
        Binding("left", "colleague(-1)", "queue.key.seat_prev", show=False, id="queue.handoff_prev"),
        Binding("right", "colleague(1)", "queue.key.seat_next", show=False, id="queue.handoff_next"),
    ]

    def __init__(self, desk: Desk, seat: str, categories: Sequence[Category], initial: str,
                 submit: Callable[[HandoffChoice, QueueDialog], None]) -> None:
        super().__init__()
        self.desk = desk
        self.seat = seat
        self.categories = list(categories)
        self.initial = initial
        self.submit = submit
        self.colleagues = [c for c in STANDING_ORDER if c != seat and desk.seats[c].staffed]
        self.to_seat: str | None = None
        self.chosen_by_hand = False

    @property
    def category(self) -> str:
        option = self.query_one("#handoff-categories", OptionList).highlighted_option
        return option.id.removeprefix("cat-") if option is not None and option.id else ""

    def compose(self) -> ComposeResult:
        view = self.desk.seats[self.seat]
        who = view.party.who if view.party else ""
        with Vertical():
            yield Static(Text(t("queue.handoff_title", who=who, seat=seat_label(self.seat), name=view.staff_name)),
                         classes="dialog-title")
            yield Label(t("queue.handoff_category"))
            yield OptionList(*_category_options(self.categories), id="handoff-categories")
            yield Label(t("queue.handoff_to"))
            yield Static("", id="handoff-to")
            yield Static("", id="handoff-proposal", classes="dialog-hint")
            yield Label(t("queue.handoff_reason"))
            yield Input(id="handoff-reason", max_length=deskqueue.REASON_MAX)
            yield self.error_line()
            yield Static(t("queue.handoff_hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one("#handoff-categories", OptionList)
        codes = [c.code for c in self.categories]
        options.highlighted = codes.index(self.initial) if self.initial in codes else 0
        options.focus()
        self._propose()

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._propose()

    def _propose(self) -> None:
        category = self.category
        name = next((c.name for c in self.categories if c.code == category), category)
        proposed = deskqueue.propose_handoff(self.desk, self.seat, category)
        if not self.chosen_by_hand:
            self.to_seat = proposed or (self.colleagues[0] if self.colleagues else None)
        note = self.query_one("#handoff-proposal", Static)
        if proposed is not None:
            view = self.desk.seats[proposed]
            note.update(Text(t("queue.handoff_proposed", seat=seat_label(proposed), name=view.staff_name, category=name)))
        elif covering := deskqueue.covering(self.desk, self.seat, category):
            names = "、".join(t("queue.handoff_cover_who", seat=seat_label(c), name=self.desk.seats[c].staff_name,
                                 state=t(f"queue.state.{self.desk.seats[c].state.value}")) for c in covering)
            note.update(Text(t("queue.handoff_none_free", category=name, names=names)))
        else:
            note.update(Text(t("queue.handoff_none", category=name)))
        self.query_one("#handoff-reason", Input).placeholder = t("queue.handoff_default_reason", category=name)
        self._show_to()

    def _show_to(self) -> None:
        line = Text()
        for code in self.colleagues:
            view = self.desk.seats[code]
            label = f" {seat_label(code)} {view.staff_name} ({t(f'queue.state.{view.state.value}')}) "
            line.append(label, style="bold reverse" if code == self.to_seat else "dim")
            line.append(" ")
        self.query_one("#handoff-to", Static).update(line)

    def action_colleague(self, step: int) -> None:
        if not self.colleagues:
            return
        index = self.colleagues.index(self.to_seat) if self.to_seat in self.colleagues else -1
        self.to_seat = self.colleagues[(index + step) % len(self.colleagues)]
        self.chosen_by_hand = True
        self._show_to()

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self._submit()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self._submit()

    def _submit(self) -> None:
        if self.busy:
            return
        if self.to_seat is None:
            self.show_error(t("queue.handoff_none", category=self.category))
            return
        self.busy = True
        self.submit(HandoffChoice(self.to_seat, self.category, self.query_one("#handoff-reason", Input).value), self)


# --- finish ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinishChoice:
    category: str
    outcome: str


class FinishDialog(QueueDialog):
    """Pick the service category (↑↓) and press the outcome's number: that finishes the encounter."""

    BINDINGS = [
        Binding(str(i), f"outcome('{code}')", f"queue.outcome.{code}", show=False, id=f"queue.finish_{code}")
        for i, code in enumerate(FINISH_OUTCOMES, start=1)
    ]

    def __init__(self, party: Party, seat: str, staff_name: str, categories: Sequence[Category], initial: str,
                 submit: Callable[[FinishChoice, QueueDialog], None]) -> None:
        super().__init__()
        self.party = party
        self.seat = seat
        self.staff_name = staff_name
        self.categories = list(categories)
        self.initial = initial
        self.submit = submit

    def _title(self) -> Text:
        return Text(t("queue.finish_title", who=self.party.who, seat=seat_label(self.seat), name=self.staff_name))

    def _hint(self) -> str:
        return t("queue.finish_hint")

    def _more_outcomes(self, outcomes: Text) -> None:
        """Subclasses add outcome keys of their own."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._title(), classes="dialog-title")
            yield Label(t("queue.finish_category"))
            yield OptionList(*_category_options(self.categories), id="finish-categories")
            yield Label(t("queue.finish_outcome"))
            outcomes = Text()
            for i, code in enumerate(FINISH_OUTCOMES, start=1):
                outcomes.append(f" {i} ", style="bold reverse")
                outcomes.append(f" {t(f'queue.outcome.{code}')}   ")
            self._more_outcomes(outcomes)
            yield Static(outcomes, id="finish-outcomes")
            yield self.error_line()
            yield Static(self._hint(), classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one("#finish-categories", OptionList)
        codes = [c.code for c in self.categories]
        options.highlighted = codes.index(self.initial) if self.initial in codes else 0
        options.focus()

    def action_outcome(self, outcome: str) -> None:
        if self.busy:
            return
        option = self.query_one("#finish-categories", OptionList).highlighted_option
        category = option.id.removeprefix("cat-") if option is not None and option.id else ""
        self.busy = True
        self.submit(FinishChoice(category, outcome), self)


class LeftoverDialog(FinishDialog):
    """An encounter left open from an earlier day: 1–5 finish it as usual, L the party left, N the next one."""

    BINDINGS = [
        Binding("l", "outcome('left')", "queue.key.leftover_left", show=False, id="queue.leftover_left"),
        Binding("n", "skip", "queue.key.leftover_next", show=False, id="queue.leftover_next"),
    ]

    def __init__(self, party: Party, number: int, total: int, categories: Sequence[Category], initial: str,
                 submit: Callable[[FinishChoice, QueueDialog], None], skip: Callable[[QueueDialog], None]) -> None:
        super().__init__(party, party.seat, party.staff_name, categories, initial, submit)
        self.number, self.total, self.skip = number, total, skip

    def _title(self) -> Text:
        p = self.party
        arrived = p.arrived_at.astimezone()
        text = Text(t("queue.leftover_title", n=self.number, total=self.total, day=arrived.strftime("%m-%d"),
                      time=arrived.strftime("%H:%M"), seat=seat_label(p.seat) if p.seat else "", name=p.staff_name,
                      who=p.who))
        if p.state == "waiting":
            text.append(" " + t("queue.leftover_waiting"), style="yellow")
        return text

    def _hint(self) -> str:
        return t("queue.leftover_hint")

    def _more_outcomes(self, outcomes: Text) -> None:
        outcomes.append(" L ", style="bold reverse")
        outcomes.append(f" {t('queue.leftover_left')}")

    def action_skip(self) -> None:
        if not self.busy:
            self.skip(self)


# --- a freed seat is offered the longest-waiting party -------------------------------------


class OfferDialog(QueueDialog):
    """「左1 張偉 有空了: 接待排隊中的業主(已等 3:12)?」 Enter takes, Esc leaves them waiting."""

    BINDINGS = [Binding("enter,y", "take", "queue.key.take_offer", id="queue.offer_take")]

    def __init__(self, party: Party, seat: str, staff_name: str, waited: int, apology: bool,
                 submit: Callable[[QueueDialog], None]) -> None:
        super().__init__()
        self.party = party
        self.seat = seat
        self.staff_name = staff_name
        self.waited = waited
        self.apology = apology
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(t("queue.offer_title", seat=seat_label(self.seat), name=self.staff_name)),
                         classes="dialog-title")
            yield Static(Text(t("queue.offer_body", who=self.party.who, waited=format_duration(self.waited))))
            if self.apology:
                line = Text()
                line.append(t("queue.apology") + " ", style="bold red")
                line.append(deskqueue.load_phrases().phrase("apology"), style="bold")
                yield Static(line, id="offer-apology")
            yield self.error_line()
            yield Static(t("queue.offer_hint"), classes="dialog-hint")

    def action_take(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.submit(self)


# --- a waiting party went away ---------------------------------------------------------------


class LeftDialog(QueueDialog):
    """Pick the waiting party who left (↑↓, Enter)."""

    def __init__(self, parties: Sequence[Party], submit: Callable[[Party, QueueDialog], None]) -> None:
        super().__init__()
        self.parties = list(parties)
        self.submit = submit

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("queue.left_title"), classes="dialog-title")
            yield OptionList(
                *[Option(t("queue.left_body", who=p.who) + f"  ({p.arrived_at.astimezone():%H:%M})", id=f"party-{p.id}")
                  for p in self.parties],
                id="left-parties",
            )
            yield self.error_line()
            yield Static(t("queue.search_hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#left-parties", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.busy or not event.option.id:
            return
        party_id = int(event.option.id.removeprefix("party-"))
        party = next(p for p in self.parties if p.id == party_id)
        self.busy = True
        self.submit(party, self)


# --- standard phrases and the etiquette cue card ---------------------------------------------


class PhrasesDialog(QueueDialog):
    """The standard phrases, the words never to say, the bows and when to use which (seed §二, §三, §四)."""

    DEFAULT_CSS = """
    PhrasesDialog > VerticalScroll {
        width: 110; height: 90%; border: thick $primary; background: $surface; padding: 1 2;
    }
    """
    BINDINGS = [Binding("enter,p", "cancel", "queue.key.cancel", show=False, id="queue.phrases_close")]

    def compose(self) -> ComposeResult:
        book = deskqueue.load_phrases()
        with VerticalScroll(id="phrases-body"):
            yield Static(t("queue.phrases_title"), classes="dialog-title")
            yield Static(self._table(t("queue.phrases_say"), [p for p in book.phrases if p.kind == "say"], "green"))
            yield Static(self._table(t("queue.phrases_never"), [p for p in book.phrases if p.kind == "never"], "red"))
            yield Static(self._table(t("queue.phrases_bows"), book.bows, "cyan"))
            yield Static(self._table(t("queue.phrases_occasions"), book.occasions, "cyan"))

    def on_mount(self) -> None:
        self.query_one("#phrases-body").focus()

    @staticmethod
    def _table(title: str, items, style: str) -> Table:
        table = Table(title=title, title_justify="left", title_style="bold", show_header=False, expand=True,
                      box=None, padding=(0, 1))
        table.add_column(style=f"bold {style}", ratio=2)
        table.add_column(ratio=3)
        for item in items:
            table.add_row(item.title_in(), item.text_in())
        return table
