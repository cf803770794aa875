"""The desk queue's dialogs: find the arriving owner, hand off, finish, take a waiting party, the cue card.

Each is a kit :class:`~frontdesk.widgets.modal.Modal` (the hand-off, with a reason
to type, a :class:`~frontdesk.widgets.form.Form`). Each dialog that changes the
desk is given a ``submit`` callback by the queue screen (kept as ``act``); the screen runs the
action under the dialog's busy lock and either closes the dialog or shows the
refusal inside it (``show_domain_error``), so what was chosen stays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static

from frontdesk import deskqueue
from frontdesk.core.i18n import t
from frontdesk.core.text import shown
from frontdesk.deskqueue import FINISH_OUTCOMES, Desk, Party, format_duration
from frontdesk.models import GUEST_TYPES
from frontdesk.roster import Category, seat_label
from frontdesk.rotation import STANDING_ORDER
from frontdesk.widgets.form import Form
from frontdesk.widgets.modal import Modal, ScrollModal
from frontdesk.widgets.plain import option, plain

CSS = "queue.tcss"


def quoted(words: str) -> str:
    """Words to say, in the language's quote marks (「…」, “…”)."""
    return t("queue.quoted", text=words)


# --- arrival: find the owner ---------------------------------------------------------


@dataclass(frozen=True)
class OwnerChoice:
    owner_id: int | None
    name: str = ""
    guest_type: str = "owner"


class ArrivalDialog(Modal[None]):
    """Type a unit, the last phone digits or a name; Enter greets (an empty search: a general greeting).

    With ``guest_type`` the dialog shows the guest type and Tab / Ctrl+T (Shift+Tab back) cycles it
    (owner → visitor → VIP → inspection → superior), so A pressed for a VIP is corrected without Esc.
    ``title`` may be a function of the guest type.
    """

    CSS_PATH = CSS
    SEARCH_DELAY = 0.12
    BINDINGS = [
        Binding("down", "move(1)", "queue.key.seat_next", show=False, id="queue.arrival_down"),
        Binding("up", "move(-1)", "queue.key.seat_prev", show=False, id="queue.arrival_up"),
        Binding("tab,ctrl+t", "guest(1)", "queue.key.guest_next", show=False, id="queue.arrival_guest_next"),
        Binding("shift+tab", "guest(-1)", "queue.key.guest_prev", show=False, id="queue.arrival_guest_prev"),
    ]

    def __init__(self, title: str | Callable[[str], str], submit: Callable[[OwnerChoice, Modal], None],
                 guest_type: str | None = None) -> None:
        self.title_of = title if callable(title) else (lambda _guest, text=title: text)
        self.guest_type = guest_type
        super().__init__(self.title_text, hint=t("queue.search_hint"))
        self.act = submit
        self.rows: list = []
        self._timer: Timer | None = None
        self._searching: str | None = None
        self._submit_when_ready = False
        self._query = ""

    @property
    def title_text(self) -> str:
        return self.title_of(self.guest_type or "owner")

    def compose_body(self) -> ComposeResult:
        if self.guest_type is not None:
            yield Static(self._guest_line(), id="arrival-guest")
        yield Static(plain(t("queue.search_label")))
        yield Input(id="arrival-search")
        yield OptionList(id="arrival-results")

    def on_mount(self) -> None:
        self._fill([])
        self.query_one("#arrival-search", Input).focus()

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
        self.set_title(self.title_text)

    def _fill(self, rows: list) -> None:
        self.rows = rows
        options = self.query_one("#arrival-results", OptionList)
        options.clear_options()
        if not rows and self._query.strip():
            options.add_option(option(t("queue.search_none"), id="none-found", disabled=True))
        for row in rows:
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(shown(row.name), style="bold")
            line.append(shown(f"  {row.units}  {row.phone}"))
            if row.is_familiar:
                line.append("  " + t("queue.familiar_mark"), style="green")
            if row.is_vip:
                line.append("  " + t("queue.vip_mark"), style="yellow")
            options.add_option(option(line, id=f"owner-{row.id}"))
        options.add_option(option(t("queue.search_anonymous"), id="anonymous"))
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
            self._searching = None
            self._fill(rows)
            if self._submit_when_ready:
                self._submit_when_ready = False
                self._choose()

        self.app.run_db(lambda s: owners.search(s, query, limit=8), done, node=self, key="arrival.search")

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
        option_ = options.highlighted_option
        guest = self.guest_type or "owner"
        choice = OwnerChoice(None, guest_type=guest)
        if option_ is not None and option_.id and option_.id.startswith("owner-"):
            owner_id = int(option_.id.removeprefix("owner-"))
            row = next((r for r in self.rows if r.id == owner_id), None)
            choice = OwnerChoice(owner_id, row.name if row else "", guest)
        self.act(choice, self)


# --- hand-off ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoffChoice:
    to_seat: str
    category: str
    reason: str


def _category_options(categories: Sequence[Category]) -> list:
    return [option(c.name, id=f"cat-{c.code}") for c in categories]


class _ScrollFrame(VerticalScroll, can_focus=False):
    """A frame that scrolls (the focused field is scrolled into view) but is no stop for Tab."""


class HandoffDialog(Form[None]):
    """Choose the need's category (↑↓); the colleague who covers it is proposed (←→ to choose another).

    The reason is left to the default 「不在本人分工範圍:…」 only for a category outside the
    person's duties; handing off a need they cover asks for the reason (the placeholder says so,
    and :func:`deskqueue.handoff` refuses an empty one with a message under the field).
    """

    CSS_PATH = CSS
    INLINE = False
    # Below 40 rows (100×30 …) the dialog is made shorter (queue.tcss: the category list scrolls, tighter
    # spacing) so every line shows; the frame scrolls rather than cut anything on a smaller terminal still.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    FRAME = _ScrollFrame
    BINDINGS = [
        Binding("left", "colleague(-1)", "queue.key.seat_prev", show=False, id="queue.handoff_prev"),
        Binding("right", "colleague(1)", "queue.key.seat_next", show=False, id="queue.handoff_next"),
    ]

    def __init__(self, desk: Desk, seat: str, categories: Sequence[Category], initial: str,
                 submit: Callable[[HandoffChoice, Modal], None]) -> None:
        view = desk.seats[seat]
        who = view.party.who if view.party else ""
        super().__init__(t("queue.handoff_title", who=who, seat=seat_label(seat), name=view.staff_name),
                         hint=t("queue.handoff_hint"))
        self.desk = desk
        self.seat = seat
        self.duties = tuple(view.duties)
        self.categories = list(categories)
        self.initial = initial
        self.act = submit
        self.colleagues = [c for c in STANDING_ORDER if c != seat and desk.seats[c].staffed]
        self.to_seat: str | None = None
        self.chosen_by_hand = False

    @property
    def category(self) -> str:
        option_ = self.query_one("#handoff-categories", OptionList).highlighted_option
        return option_.id.removeprefix("cat-") if option_ is not None and option_.id else ""

    @property
    def category_name(self) -> str:
        return next((c.name for c in self.categories if c.code == self.category), self.category)

    @property
    def in_own_duties(self) -> bool:
        return self.category in self.duties

    def compose_fields(self) -> ComposeResult:
        yield from self.field("category", t("queue.handoff_category"),
                              OptionList(*_category_options(self.categories), id="handoff-categories"))
        yield from self.field("to_seat", t("queue.handoff_to"), Static("", id="handoff-to"))
        yield Static("", id="handoff-proposal", classes="modal-hint")
        yield from self.field("reason", t("queue.handoff_reason"), Input(id="handoff-reason"),
                              limit=deskqueue.REASON_MAX)

    def on_mount(self) -> None:
        options = self.query_one("#handoff-categories", OptionList)
        codes = [c.code for c in self.categories]
        options.highlighted = codes.index(self.initial) if self.initial in codes else 0
        options.focus()
        self._propose()

    def on_option_list_option_highlighted(self, _event: OptionList.OptionHighlighted) -> None:
        self._propose()

    def _propose(self) -> None:
        category, name = self.category, self.category_name
        proposed = deskqueue.propose_handoff(self.desk, self.seat, category)
        if not self.chosen_by_hand:
            self.to_seat = proposed or (self.colleagues[0] if self.colleagues else None)
        note = self.query_one("#handoff-proposal", Static)
        if proposed is not None:
            view = self.desk.seats[proposed]
            note.update(plain(t("queue.handoff_proposed", seat=seat_label(proposed), name=view.staff_name,
                                category=name)))
        elif covering := deskqueue.covering(self.desk, self.seat, category):
            names = "、".join(t("queue.handoff_cover_who", seat=seat_label(c), name=self.desk.seats[c].staff_name,
                                 state=t(f"queue.state.{self.desk.seats[c].state.value}")) for c in covering)
            note.update(plain(t("queue.handoff_none_free", category=name, names=names)))
        else:
            note.update(plain(t("queue.handoff_none", category=name)))
        reason = self.query_one("#handoff-reason", Input)
        reason.placeholder = (t("queue.handoff_reason_needed", category=name) if self.in_own_duties
                              else t("queue.handoff_default_reason", category=name))
        self._show_to()

    def _show_to(self) -> None:
        line = Text()
        for code in self.colleagues:
            view = self.desk.seats[code]
            label = f" {seat_label(code)} {shown(view.staff_name)} ({t(f'queue.state.{view.state.value}')}) "
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
        self.action_save()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def submit(self) -> None:
        if self.to_seat is None:
            self.show_errors({"to_seat": t("queue.handoff_none", category=self.category_name)})
            return
        # An empty reason for a need within one's own duties is refused by deskqueue.handoff, under the field.
        self.act(HandoffChoice(self.to_seat, self.category, self.value("reason").strip()), self)


# --- finish ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FinishChoice:
    category: str
    outcome: str


class FinishDialog(Modal[None]):
    """Pick the service category (↑↓) and press the outcome's number: that finishes the encounter."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding(str(i), f"outcome('{code}')", f"queue.outcome.{code}", show=False, id=f"queue.finish_{code}")
        for i, code in enumerate(FINISH_OUTCOMES, start=1)
    ]

    def __init__(self, party: Party, seat: str, staff_name: str, categories: Sequence[Category], initial: str,
                 submit: Callable[[FinishChoice, Modal], None]) -> None:
        self.party = party
        self.seat = seat
        self.staff_name = staff_name
        super().__init__(self._title(), hint=self._hint())
        self.categories = list(categories)
        self.initial = initial
        self.act = submit

    def _title(self) -> Text:
        return plain(t("queue.finish_title", who=self.party.who, seat=seat_label(self.seat), name=self.staff_name))

    def _hint(self) -> str:
        return t("queue.finish_hint")

    def _more_outcomes(self, outcomes: Text) -> None:
        """Subclasses add outcome keys of their own."""

    def compose_body(self) -> ComposeResult:
        yield Label(plain(t("queue.finish_category")))
        yield OptionList(*_category_options(self.categories), id="finish-categories")
        yield Label(plain(t("queue.finish_outcome")))
        outcomes = Text()
        for i, code in enumerate(FINISH_OUTCOMES, start=1):
            outcomes.append(f" {i} ", style="bold reverse")
            outcomes.append(f" {t(f'queue.outcome.{code}')}   ")
        self._more_outcomes(outcomes)
        yield Static(outcomes, id="finish-outcomes")

    def on_mount(self) -> None:
        options = self.query_one("#finish-categories", OptionList)
        codes = [c.code for c in self.categories]
        options.highlighted = codes.index(self.initial) if self.initial in codes else 0
        options.focus()

    def action_outcome(self, outcome: str) -> None:
        if self.busy:
            return
        option_ = self.query_one("#finish-categories", OptionList).highlighted_option
        category = option_.id.removeprefix("cat-") if option_ is not None and option_.id else ""
        self.act(FinishChoice(category, outcome), self)


class LeftoverDialog(FinishDialog):
    """An encounter left open from an earlier day: 1–5 finish it as usual, L the party left, N the next one."""

    BINDINGS = [
        Binding("l", "outcome('left')", "queue.key.leftover_left", show=False, id="queue.leftover_left"),
        Binding("n", "skip", "queue.key.leftover_next", show=False, id="queue.leftover_next"),
    ]

    def __init__(self, party: Party, number: int, total: int, categories: Sequence[Category], initial: str,
                 submit: Callable[[FinishChoice, Modal], None], skip: Callable[[Modal], None]) -> None:
        self.number, self.total, self.skip = number, total, skip
        super().__init__(party, party.seat, party.staff_name, categories, initial, submit)

    def _title(self) -> Text:
        p = self.party
        arrived = p.arrived_at.astimezone()
        text = plain(t("queue.leftover_title", n=self.number, total=self.total, day=arrived.strftime("%m-%d"),
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


class OfferDialog(Modal[None]):
    """「左1 張偉 有空了: 接待排隊中的業主(已等 3:12)?」 Enter takes, Esc leaves them waiting."""

    CSS_PATH = CSS
    BINDINGS = [Binding("enter,y", "take", "queue.key.take_offer", id="queue.offer_take")]

    def __init__(self, party: Party, seat: str, staff_name: str, waited: int, apology: bool,
                 submit: Callable[[Modal], None]) -> None:
        super().__init__(t("queue.offer_title", seat=seat_label(seat), name=staff_name), hint=t("queue.offer_hint"))
        self.party = party
        self.seat = seat
        self.staff_name = staff_name
        self.waited = waited
        self.apology = apology
        self.act = submit

    def compose_body(self) -> ComposeResult:
        yield Static(plain(t("queue.offer_body", who=self.party.who, waited=format_duration(self.waited))))
        if self.apology:
            line = Text()
            line.append(t("queue.apology") + " ", style="bold red")
            line.append(shown(deskqueue.load_phrases().phrase("apology")), style="bold")
            yield Static(line, id="offer-apology")

    def action_take(self) -> None:
        if not self.busy:
            self.act(self)


# --- a waiting party went away ---------------------------------------------------------------


class LeftDialog(Modal[None]):
    """Pick the waiting party who left (↑↓, Enter)."""

    CSS_PATH = CSS

    def __init__(self, parties: Sequence[Party], submit: Callable[[Party, Modal], None]) -> None:
        super().__init__(t("queue.left_title"), hint=t("queue.search_hint"))
        self.parties = list(parties)
        self.act = submit

    def compose_body(self) -> ComposeResult:
        yield OptionList(
            *[option(t("queue.left_body", who=p.who) + f"  ({p.arrived_at.astimezone():%H:%M})", id=f"party-{p.id}")
              for p in self.parties],
            id="left-parties",
        )

    def on_mount(self) -> None:
        self.query_one("#left-parties", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.busy or not event.option.id:
            return
        party_id = int(event.option.id.removeprefix("party-"))
        self.act(next(p for p in self.parties if p.id == party_id), self)


# --- standard phrases and the etiquette cue card ---------------------------------------------


class PhrasesDialog(ScrollModal[None]):
    """The standard phrases, the words never to say, the bows and when to use which (seed §二, §三, §四)."""

    CSS_PATH = CSS
    BINDINGS = [Binding("enter,p", "cancel", "queue.key.cancel", show=False, id="queue.phrases_close")]

    def __init__(self) -> None:
        super().__init__(t("queue.phrases_title"))

    def compose_body(self) -> ComposeResult:
        book = deskqueue.load_phrases()
        yield Static(self._table(t("queue.phrases_say"), [p for p in book.phrases if p.kind == "say"], "green"))
        yield Static(self._table(t("queue.phrases_never"), [p for p in book.phrases if p.kind == "never"], "red"))
        yield Static(self._table(t("queue.phrases_bows"), book.bows, "cyan"))
        yield Static(self._table(t("queue.phrases_occasions"), book.occasions, "cyan"))

    def on_mount(self) -> None:
        self.query_one("#modal-frame").focus()

    @staticmethod
    def _table(title: str, items, style: str) -> Table:
        table = Table(title=plain(title), title_justify="left", title_style="bold", show_header=False, expand=True,
                      box=None, padding=(0, 1))
        table.add_column(style=f"bold {style}", ratio=2)
        table.add_column(ratio=3)
        for item in items:
            table.add_row(plain(item.title_in()), plain(item.text_in()))
        return table
