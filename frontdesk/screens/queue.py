"""F2 desk queue (seed §四, DESIGN 2.1): the screen a receptionist keeps open all day.

The four seats as the desk sits (左2 左1 ┃ 右1 右2), each with its person and
state, the seat that stands next marked; the greeting panel (who stands, what
to say, which bow); the waiting line with live waits; today's figures.

Keys (all in the footer and F1): A owner arrives (find them by unit or phone
digits, Enter), V visitor, G VIP, I inspection, U superior; 1–4 or ←→ pick a
seat (1 左2, 2 右2, 3 左1, 4 右1, as on F8); D the party came straight to that
seat; H hand off; F finish; B task in hand, E free, X away; W take the
longest-waiting party; L a waiting party left; P phrases and the cue card;
O record (or change) the owner the selected seat is serving; Y go through the
encounters left unfinished from an earlier day (1–5 finish, L left, N next).
In the arrival dialog Tab / Ctrl+T changes the guest type.

Every change goes through :mod:`frontdesk.deskqueue` in ``app.run_db`` with
the desk version this screen last read, so a second desk (or a second press
on stale state) is refused with a message. Live times tick from the stored
timestamps once a second without touching the database (time comes from
:mod:`frontdesk.core.clock`); the desk is re-read every few seconds to show
what other desks did, and a reading older than the one shown is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from frontdesk import deskqueue
from frontdesk.core import clock
from frontdesk.core.errors import ConflictError
from frontdesk.core.i18n import t, tn
from frontdesk.core.text import shown
from frontdesk.deskqueue import Desk, Greeting, Result, format_duration
from frontdesk.roster import load_categories, seat_label
from frontdesk.rotation import STANDING_ORDER, SeatState
from frontdesk.screens.queue_dialogs import (
    ArrivalDialog,
    FinishDialog,
    HandoffDialog,
    LeftDialog,
    LeftoverDialog,
    OfferDialog,
    OwnerChoice,
    PhrasesDialog,
    quoted,
)
from frontdesk.widgets.base import DeskScreen
from frontdesk.widgets.modal import Modal
from frontdesk.widgets.plain import plain
from frontdesk.widgets.seat import SeatCard
from frontdesk.widgets.status import StatusLine

# The desk as the receptionists see it, facing the entrance: outer seats 2, inner seats 1.
PHYSICAL_LAYOUT = (("L2", "L1"), ("R1", "R2"))
PHYSICAL_ORDER = PHYSICAL_LAYOUT[0] + PHYSICAL_LAYOUT[1]
# 1–4 pick a seat in the standing order, as on the F8 roster screen.
SEAT_KEYS = {seat: str(i) for i, seat in enumerate(STANDING_ORDER, start=1)}


class QueueScreen(DeskScreen):
    """The desk queue."""

    TITLE_KEY = "queue.title"
    CSS_PATH = "queue.tcss"
    POLL_SECONDS = 5.0
    BINDINGS = [
        Binding("a", "arrive('owner')", "queue.key.arrive", id="queue.arrive"),
        Binding("v", "quick('visitor')", "queue.key.visitor", id="queue.visitor"),
        Binding("g", "quick('vip')", "queue.key.vip", id="queue.vip"),
        Binding("i", "quick('inspection')", "queue.key.inspection", show=False, id="queue.inspection"),
        Binding("u", "quick('superior')", "queue.key.superior", show=False, id="queue.superior"),
        Binding("1", "select('L2')", "queue.key.seat", show=False, id="queue.seat1"),
        Binding("2", "select('R2')", "queue.key.seat2", show=False, id="queue.seat2"),
        Binding("3", "select('L1')", "queue.key.seat3", show=False, id="queue.seat3"),
        Binding("4", "select('R1')", "queue.key.seat4", show=False, id="queue.seat4"),
        Binding("left", "step(-1)", "queue.key.seat_prev", show=False, id="queue.seat_prev"),
        Binding("right", "step(1)", "queue.key.seat_next", show=False, id="queue.seat_next"),
        Binding("d", "direct", "queue.key.direct", id="queue.direct"),
        Binding("h", "handoff", "queue.key.handoff", id="queue.handoff"),
        Binding("f", "finish", "queue.key.finish", id="queue.finish"),
        # One footer entry for the three state keys, written as three keys (b/e/x); F1 lists each.
        Binding("b", "state('busy')", "queue.key.states", key_display="b/e/x", tooltip="queue.key.busy",
                id="queue.busy"),
        Binding("e", "state('free')", "queue.key.free", show=False, id="queue.free"),
        Binding("x", "state('away')", "queue.key.away", show=False, id="queue.away"),
        Binding("w", "take", "queue.key.take", id="queue.take"),
        Binding("l", "left", "queue.key.left", show=False, id="queue.left"),
        Binding("p", "phrases", "queue.key.phrases", id="queue.phrases"),
        Binding("o", "owner", "queue.key.owner", show=False, id="queue.owner"),
        Binding("y", "leftovers", "queue.key.leftovers", show=False, id="queue.leftovers"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.desk: Desk | None = None
        self.selected = "L2"
        self.greeting: Greeting | None = None
        self._categories = None

    # --- layout --------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(id="queue-body", classes="screen-body"):
            yield Static(plain(t("queue.seats")), classes="queue-caption")
            with Horizontal(id="queue-seats"):
                left, right = PHYSICAL_LAYOUT
                for seat in left:
                    yield SeatCard(seat, SEAT_KEYS[seat])
                yield Static("┃", id="queue-aisle")
                for seat in right:
                    yield SeatCard(seat, SEAT_KEYS[seat])
            with Horizontal(id="queue-middle"):
                yield Static(plain(t("queue.greeting_none")), id="queue-greeting")
                yield Static(plain(t("queue.waiting_empty")), id="queue-line")
            yield Static("", id="queue-offer")
            yield Static("", id="queue-figures")
            yield StatusLine(id="queue-status", one_line=True)

    def on_mount(self) -> None:
        self.query_one("#queue-greeting", Static).border_title = t("queue.greeting_title")
        self.query_one("#queue-line", Static).border_title = t("queue.waiting_title")
        self.set_interval(1, self._tick)
        self.set_interval(self.POLL_SECONDS, self._poll)

    def on_screen_resume(self) -> None:
        self.reload()

    @property
    def categories(self):
        if self._categories is None:
            self._categories = load_categories()
        return self._categories

    # --- loading and drawing -------------------------------------------------
    def reload(self) -> None:
        now = clock.now()
        self.app.run_db(lambda s: deskqueue.snapshot(s, now=now), self._show, node=self, key="queue.desk",
                        on_error=self.say_refusal)

    def _poll(self) -> None:
        if self.is_current:
            self.reload()

    def _show(self, desk: Desk) -> None:
        """Draw ``desk`` unless the desk shown is newer (a re-read that started before an action ended)."""
        shown_desk = self.desk
        if shown_desk is not None and (desk.day, desk.version) < (shown_desk.day, shown_desk.version):
            return
        self.desk = desk
        if shown_desk is None:  # the start of a shift: say so once, without a dialog in the way
            if desk.leftovers:
                self.say(self._leftovers_text(desk), error=True)
            if self.greeting is None and desk.latest is not None:
                self.greeting = self._greeting_of_latest(desk)  # after a restart: who stood last
        self.greeting = self._still_true(self.greeting, desk)
        self._draw()

    @staticmethod
    def _still_true(greeting: Greeting | None, desk: Desk) -> Greeting | None:
        """The greeting panel only says what is still so: the party is still served (or still waits,
        and the desk is still full for them); otherwise the panel goes back to its keys and phrases."""
        if greeting is None:
            return None
        if greeting.kind == "wait":
            if not any(p.id == greeting.party_id for p in desk.waiting):
                return None
            if not greeting.staff_name and desk.offer is not None:
                return None  # 「全部座席忙碌」 no longer: a seat is free for them
            return greeting
        serving = any(view.party is not None and view.party.id == greeting.party_id for view in desk.seats.values())
        return greeting if serving else None

    def _greeting_of_latest(self, desk: Desk) -> Greeting | None:
        party = desk.latest
        code = next((c for c, s in desk.seats.items() if s.party is not None and s.party.id == party.id), None)
        if code is None:
            return None
        view = desk.seats[code]
        return Greeting(
            kind="stand", party_id=party.id, guest_type=party.guest_type, seat=code, staff_name=view.staff_name,
            who=party.who, words=party.words, cue=deskqueue.etiquette_cue(party.guest_type),
            apology=party.apologised, direct=party.direct,
        )

    def _draw(self) -> None:
        desk, now = self.desk, clock.now()
        if desk is None:
            return
        for code in STANDING_ORDER:
            self.query_one(f"#seat-{code}", SeatCard).show(
                desk.seats[code], now, is_next=code == desk.next_seat, selected=code == self.selected
            )
        self._draw_greeting()
        self._draw_line(now)
        self._draw_figures()

    def _draw_greeting(self) -> None:
        panel = self.query_one("#queue-greeting", Static)
        g = self.greeting
        panel.set_class(g is not None and g.kind == "wait", "-wait")
        panel.set_class(g is not None and g.apology, "-apology")
        if g is None:
            text = plain(t("queue.greeting_none"))
            text.append_text(self._quick_phrases())
            panel.update(text)
            return
        text = Text()
        seat = seat_label(g.seat) if g.seat else ""
        if g.kind == "wait":
            headline = (t("queue.greeting_wait_for", name=g.staff_name, who=g.who) if g.staff_name
                        else t("queue.greeting_wait", who=g.who, position=g.position))
            text.append("⏸ " + shown(headline) + "\n", style="bold yellow")
            text.append(t("queue.ack") + " ", style="bold")
            text.append(shown(g.wait_words) + "\n", style="bold")
        else:
            if g.kind == "handoff":
                headline = t("queue.greeting_handoff", seat=seat, name=g.staff_name, who=g.who)
            elif g.direct:
                headline = t("queue.greeting_direct", who=g.who, seat=seat, name=g.staff_name)
            else:
                headline = t("queue.greeting_stands", seat=seat, name=g.staff_name, who=g.who)
            text.append("▶ " + shown(headline) + "\n", style="bold green")
            if g.apology:
                text.append(t("queue.apology") + " ", style="bold red")
                text.append(shown(g.apology_words) + "\n", style="bold red")
            text.append(t("queue.say") + " ", style="bold")
            text.append(shown(quoted(g.words)) + "\n", style="bold")
        if g.kind != "wait":
            text.append(t("queue.cue") + " ", style="bold cyan")
            text.append(shown(g.cue))
        # The footer has no room for every guest type at 100 columns: the arrival keys stay on screen here.
        text.append("\n\n" + t("queue.greeting_none"), style="dim")
        text.append_text(self._quick_phrases())
        panel.update(text)

    @staticmethod
    def _quick_phrases() -> Text:
        """The standard phrases to keep in mind, and the ones never to say (P shows the whole card)."""
        book = deskqueue.load_phrases()
        text = Text("\n\n")
        text.append(t("queue.quick_say") + " ", style="bold green")
        text.append(shown("  ".join(quoted(book.phrase(code)) for code in ("right_away", "check", "repeat"))),
                    style="dim")
        text.append("\n")
        text.append(t("queue.quick_never") + " ", style="bold red")
        text.append(shown("  ".join(quoted(p.title_in()) for p in book.phrases if p.kind == "never")), style="dim")
        text.append("\n")
        text.append(t("queue.quick_more"), style="dim italic")
        return text

    @staticmethod
    def _leftovers_text(desk: Desk) -> str:
        count = len(desk.leftovers)
        yesterday = desk.day.toordinal() - 1
        all_yesterday = all(p.day is not None and p.day.toordinal() == yesterday for p in desk.leftovers)
        return tn("queue.leftovers_yesterday" if all_yesterday else "queue.leftovers_earlier", count)

    def _draw_line(self, now: datetime) -> None:
        desk = self.desk
        line = self.query_one("#queue-line", Static)
        head = Text()
        if desk.leftovers:
            head.append(self._leftovers_text(desk) + "\n", style="bold yellow")
        if not desk.waiting:
            line.update(head + plain(t("queue.waiting_empty"), "dim"))
        else:
            limit = self.app.settings.wait_apology_seconds
            text = head
            for n, party in enumerate(desk.waiting, start=1):
                waited = party.waited(now)
                row = t("queue.waiting_row", n=n, who=party.who, since=party.arrived_at.astimezone().strftime("%H:%M"),
                        waited=format_duration(waited))
                text.append(shown(row), style="bold red" if waited >= limit else "")
                if party.seat:
                    name = desk.seats[party.seat].staff_name if party.seat in desk.seats else ""
                    text.append(" " + shown(t("queue.waiting_for", name=name)), style="dim")
                if waited >= limit:
                    text.append(" " + t("queue.overdue"), style="bold red")
                text.append("\n")
            line.update(text)
        offer = self.query_one("#queue-offer", Static)
        if desk.offer is not None:
            party, seat = desk.offer
            offer.update(plain(t("queue.offer", seat=seat_label(seat), name=desk.seats[seat].staff_name,
                                 who=party.who, waited=format_duration(party.waited(now)))))
            offer.display = True
        else:
            offer.display = False

    def _draw_figures(self) -> None:
        f = self.desk.figures
        text = Text()
        text.append(t("queue.figures_title") + "  ", style="bold")
        text.append("  ".join(t("queue.figures_seat", seat=seat_label(c), count=f.per_seat.get(c, 0))
                              for c in STANDING_ORDER))
        text.append("\n")
        text.append(t("queue.figures_line", served=f.served, waiting=f.waiting, avg_wait=format_duration(f.avg_wait),
                      avg_service=format_duration(f.avg_service), handoffs=f.handoffs, left=f.left))
        self.query_one("#queue-figures", Static).update(text)

    def _tick(self) -> None:
        """Once a second: the live times, from the stored timestamps (no database)."""
        if self.desk is None:
            return
        now = clock.now()
        for code in STANDING_ORDER:
            self.query_one(f"#seat-{code}", SeatCard).tick(now)
        if self.desk.waiting or self.desk.offer is not None:
            self._draw_line(now)

    # --- running an action ---------------------------------------------------
    def _act(
        self,
        action: Callable[..., Result],
        *args,
        dialog: Modal | None = None,
        select: str | None = None,
        after: Callable[[], None] | None = None,
        **kwargs,
    ) -> None:
        """Run a desk action with the version this screen last read, then show the new desk.

        From a dialog, the action holds the dialog's busy lock (a second Enter does nothing)
        and a refusal is shown in the dialog, which stays open with what was chosen.
        """
        version = self.desk.version if self.desk is not None else None
        now = clock.now()

        def work(session: Session) -> tuple[Result, Desk]:
            result = action(session, *args, now=now, expected_version=version, **kwargs)
            return result, deskqueue.snapshot(session, now=now)

        def done(value: tuple[Result, Desk]) -> None:
            result, desk = value
            if dialog is not None and dialog.is_attached:
                dialog.dismiss(None)
            if result.greeting is not None:
                self.greeting = result.greeting
                if result.greeting.seat and result.greeting.kind != "wait":
                    self.selected = result.greeting.seat
            if select is not None:
                self.selected = select
            self.say(result.message)
            self._show(desk)
            if result.offer is not None:
                self._offer(*result.offer)
            elif after is not None:
                after()

        def refused(exc: BaseException) -> None:
            if dialog is not None and dialog.is_attached:
                dialog.show_domain_error(exc)
            else:
                self.say(str(exc), error=True)
            if isinstance(exc, ConflictError):
                self.reload()

        self.app.run_db(work, done, node=self, on_error=refused, lock=dialog.lock if dialog is not None else None)

    def _view(self, seat: str | None = None):
        if self.desk is None:
            return None
        return self.desk.seats[seat or self.selected]

    def _needs_person(self) -> bool:
        view = self._view()
        if view is None:
            return False
        if not view.staffed:
            self.say(t("queue.err_empty_seat", seat=seat_label(view.code)), error=True)
            return False
        return True

    def _needs_party(self) -> bool:
        if not self._needs_person():
            return False
        view = self._view()
        if view.party is None:
            self.say(t("queue.err_not_serving", seat=seat_label(view.code), name=view.staff_name), error=True)
            return False
        return True

    # --- actions -------------------------------------------------------------
    def action_arrive(self, guest_type: str) -> None:
        def submit(choice: OwnerChoice, dialog: Modal) -> None:
            self._act(deskqueue.arrive, guest_type=choice.guest_type, owner_id=choice.owner_id, dialog=dialog)

        def title(guest: str) -> str:
            if guest == "owner":
                return t("queue.arrival_title")
            return t("queue.arrival_title_guest", guest=t(f"queue.guest.{guest}"))

        self.app.push_screen(ArrivalDialog(title, submit, guest_type=guest_type))

    def action_quick(self, guest_type: str) -> None:
        self._act(deskqueue.arrive, guest_type=guest_type)

    def action_select(self, seat: str) -> None:
        self.selected = seat
        self.say("")
        self._draw()

    def action_step(self, step: int) -> None:
        index = PHYSICAL_ORDER.index(self.selected)
        self.action_select(PHYSICAL_ORDER[(index + step) % len(PHYSICAL_ORDER)])

    def action_direct(self) -> None:
        if not self._needs_person():
            return
        view = self._view()
        seat = view.code

        def submit(choice: OwnerChoice, dialog: Modal) -> None:
            self._act(deskqueue.direct, seat, guest_type=choice.guest_type, owner_id=choice.owner_id, dialog=dialog)

        self.app.push_screen(ArrivalDialog(t("queue.direct_title", seat=seat_label(seat), name=view.staff_name), submit,
                                           guest_type="owner"))

    def action_owner(self) -> None:
        """Record (or change) the owner the selected seat is serving: the arrival dialog's search."""
        if not self._needs_party():
            return
        view = self._view()
        party = view.party

        def submit(choice: OwnerChoice, dialog: Modal) -> None:
            self._act(deskqueue.set_owner, party.id, choice.owner_id, dialog=dialog)

        self.app.push_screen(ArrivalDialog(t("queue.owner_title", seat=seat_label(view.code), name=view.staff_name,
                                             who=party.who), submit))

    def action_leftovers(self, index: int = 0) -> None:
        """Go through the encounters left open from an earlier day, one dialog each (reusing the finish dialog)."""
        leftovers = self.desk.leftovers if self.desk is not None else ()
        if not leftovers:
            self.say(t("queue.err_no_leftovers"), error=True)
            return
        index %= len(leftovers)
        party = leftovers[index]
        codes = [c.code for c in self.categories]
        initial = party.category if party.category in codes else codes[0]

        def submit(choice, dialog: Modal) -> None:
            category = "" if choice.outcome == "left" else choice.category
            self._act(deskqueue.close_leftover, party.id, category=category, outcome=choice.outcome, dialog=dialog,
                      after=lambda: self._next_leftover(index))

        def skip(dialog: Modal) -> None:
            dialog.dismiss(None)
            self.action_leftovers(index + 1)

        self.app.push_screen(LeftoverDialog(party, index + 1, len(leftovers), self.categories, initial, submit, skip))

    def _next_leftover(self, index: int) -> None:
        if self.desk is not None and self.desk.leftovers:
            self.action_leftovers(index)

    def action_handoff(self) -> None:
        if not self._needs_party():
            return
        view = self._view()
        seat = view.code
        initial = view.party.category or self._first_not_covered(view.duties)

        def submit(choice, dialog: Modal) -> None:
            self._act(deskqueue.handoff, seat, choice.to_seat, category=choice.category, reason=choice.reason,
                      dialog=dialog, select=choice.to_seat)

        self.app.push_screen(HandoffDialog(self.desk, seat, self.categories, initial, submit))

    def _first_not_covered(self, duties) -> str:
        return next((c.code for c in self.categories if c.code not in duties), self.categories[0].code)

    def action_finish(self) -> None:
        if not self._needs_party():
            return
        view = self._view()
        seat, party = view.code, view.party
        initial = party.category or (view.duties[0] if view.duties else self.categories[0].code)

        def submit(choice, dialog: Modal) -> None:
            self._act(deskqueue.finish, seat, category=choice.category, outcome=choice.outcome, dialog=dialog)

        self.app.push_screen(FinishDialog(party, seat, view.staff_name, self.categories, initial, submit))

    def action_state(self, state: str) -> None:
        if not self._needs_person():
            return
        self._act(deskqueue.set_state, self.selected, state)

    def action_take(self) -> None:
        if self.desk is None:
            return
        if not self.desk.waiting:
            self.say(t("queue.err_line_empty"), error=True)
            return
        self._act(deskqueue.take_waiting, apology_after=self.app.settings.wait_apology_seconds)

    def _offer(self, party, seat: str) -> None:
        """A freed seat is offered the longest-waiting party it may take."""
        waited = party.waited(clock.now())
        apology = waited >= self.app.settings.wait_apology_seconds
        name = self.desk.seats[seat].staff_name if self.desk else ""

        def submit(dialog: Modal) -> None:
            self._act(deskqueue.take_waiting, party_id=party.id, seat=seat,
                      apology_after=self.app.settings.wait_apology_seconds, dialog=dialog)

        self.app.push_screen(OfferDialog(party, seat, name, waited, apology, submit))

    def action_left(self) -> None:
        if self.desk is None or not self.desk.waiting:
            self.say(t("queue.err_line_empty"), error=True)
            return

        def submit(party, dialog: Modal) -> None:
            self._act(deskqueue.cancel_waiting, party.id, dialog=dialog)

        self.app.push_screen(LeftDialog(self.desk.waiting, submit))

    def action_phrases(self) -> None:
        self.app.push_screen(PhrasesDialog())

    def seat_state(self, seat: str) -> SeatState | None:
        """For tests and the help: the state of a seat as last read."""
        return self.desk.seats[seat].state if self.desk else None
