"""F8 staff and roster: who sits in which of the four seats on a day, and the staff list.

The shift lead highlights a person in the staff list and presses 1–4 to seat
them (1 左2, 2 右2, 3 左1, 4 右1: the standing order), X to take them off the
day's roster, C to copy the previous day's roster, [ and ] to move between days.
A adds and E (or Enter) edits a person in a modal form (the kit's ``Form``), P sets
their PIN. All database work goes through ``app.run_db``; the day comes from
:mod:`frontdesk.core.clock`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, DataTable, Input, RadioButton, RadioSet, SelectionList, Static

from frontdesk import roster, selfchecks
from frontdesk.core import clock
from frontdesk.core.i18n import t, tn
from frontdesk.core.text import shown
from frontdesk.models import GENDERS, STAFF_ROLES, Staff
from frontdesk.screens.checks_dialogs import SignDialog
from frontdesk.widgets.base import DeskScreen
from frontdesk.widgets.dialogs import ConfirmDialog
from frontdesk.widgets.form import Form
from frontdesk.widgets.header import weekday_name
from frontdesk.widgets.plain import PlainTable, plain
from frontdesk.widgets.status import StatusLine

# The desk as the receptionists see it, facing the entrance: outer seats 2, inner seats 1.
PHYSICAL_LAYOUT = (("L2", "L1"), ("R1", "R2"))
SEAT_KEYS = {seat: str(i) for i, seat in enumerate(roster.SEATS, start=1)}


def gender_label(code: str) -> str:
    return {"F": t("roster.gender.F"), "M": t("roster.gender.M")}.get(code, code)


def role_label(code: str) -> str:
    return {"receptionist": t("roster.role.receptionist"), "lead": t("roster.role.lead")}.get(code, code)


def day_label(day: date) -> str:
    text = t("roster.day", date=day.isoformat(), weekday=weekday_name(day))
    if day == clock.today():
        text += " " + t("roster.today")
    return text


@dataclass
class RosterView:
    """What the screen shows, loaded in one transaction."""

    staff: list[Staff]
    seated: dict[str, Staff]
    categories: dict[str, str]
    day: date | None = None  # the day ``seated`` is for


def load_view(session, day: date, show_inactive: bool) -> RosterView:
    return RosterView(
        staff=roster.list_staff(session, active_only=not show_inactive),
        seated=roster.roster_for(session, day),
        categories=roster.category_names(),
        day=day,
    )


class SeatBox(Static):
    """One seat: its key, its name (左2) and who sits there."""

    def __init__(self, seat: str) -> None:
        super().__init__(id=f"seat-{seat}", classes="seat -empty")
        self.seat = seat

    def show(self, staff: Staff | None, categories: dict[str, str]) -> None:
        text = Text()
        text.append(f"{SEAT_KEYS[self.seat]}  ", style="bold cyan")
        text.append(roster.seat_label(self.seat), style="bold")
        text.append("\n")
        if staff is None:
            text.append(t("roster.empty_seat"))
        else:
            text.append(shown(staff.name), style="bold")
            text.append(f"  {gender_label(staff.gender)}")
            if staff.role == "lead":
                text.append(f"  {role_label(staff.role)}", style="yellow")
            duties = t("roster.list_sep").join(categories.get(c, c) for c in roster.duties_of(staff))
            text.append("\n" + shown(duties or t("roster.no_duties")), style="dim")
        self.set_class(staff is None, "-empty")
        self.update(text)


LEAD_UNLOCK = timedelta(minutes=10)


class RosterScreen(DeskScreen):
    """The four seats on a day and the staff list."""

    TITLE_KEY = "roster.title"
    CSS_PATH = "roster.tcss"
    BINDINGS = [
        # The footer shows "1-4 入座" once; F1 lists each seat (the tooltip).
        Binding("1", "seat('L2')", "roster.key_seat", key_display="1-4", tooltip="roster.key_seat_L2",
                id="roster.seat_l2"),
        Binding("2", "seat('R2')", "roster.key_seat_R2", show=False, id="roster.seat_r2"),
        Binding("3", "seat('L1')", "roster.key_seat_L1", show=False, id="roster.seat_l1"),
        Binding("4", "seat('R1')", "roster.key_seat_R1", show=False, id="roster.seat_r1"),
        Binding("x,delete", "unseat", "roster.key_unseat", id="roster.unseat"),
        Binding("c", "copy_previous", "roster.key_copy", id="roster.copy"),
        Binding("left_square_bracket", "day(-1)", "roster.key_prev_day", id="roster.prev_day"),
        Binding("right_square_bracket", "day(1)", "roster.key_next_day", id="roster.next_day"),
        Binding("t", "today", "roster.key_today", show=False, id="roster.today"),
        Binding("a", "add_staff", "roster.key_add", id="roster.add"),
        Binding("e", "edit_staff", "roster.key_edit", id="roster.edit"),
        Binding("p", "set_pin", "roster.key_pin", id="roster.pin"),
        Binding("i", "toggle_inactive", "roster.key_inactive", show=False, id="roster.inactive"),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.day = clock.today()
        self.show_inactive = False
        self.view: RosterView | None = None
        self._lead_until: datetime | None = None  # until when a lead's PIN has unlocked editing

    # --- layout --------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(id="roster-body", classes="screen-body"):
            yield Static(plain(day_label(self.day)), id="roster-day")
            yield Static(plain(t("roster.seats_caption")), classes="roster-caption")
            with Horizontal(id="roster-seats"):
                left, right = PHYSICAL_LAYOUT
                for seat in left:
                    yield SeatBox(seat)
                yield Static("┃", id="roster-aisle")
                for seat in right:
                    yield SeatBox(seat)
            yield Static(plain(t("roster.order_hint")), classes="roster-caption")
            yield PlainTable(id="roster-staff", cursor_type="row", zebra_stripes=True)
            yield StatusLine(id="roster-status")

    def on_mount(self) -> None:
        table = self.query_one("#roster-staff", DataTable)
        for key, label in (
            ("name", "roster.col.name"),
            ("gender", "roster.col.gender"),
            ("role", "roster.col.role"),
            ("seat", "roster.col.seat"),
            ("pin", "roster.col.pin"),
            ("status", "roster.col.status"),
            ("duties", "roster.col.duties"),  # last: a long list (in English) runs off the right, not PIN and status
        ):
            table.add_column(t(label), key=key)
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    # --- loading -------------------------------------------------------------
    def reload(self) -> None:
        day, show_inactive = self.day, self.show_inactive
        self.app.run_db(lambda s: load_view(s, day, show_inactive), self._show, node=self, key="roster.view",
                        on_error=self.say_refusal)

    def _show(self, view: RosterView) -> None:
        self.view = view
        self.query_one("#roster-day", Static).update(plain(day_label(self.day)))
        for seat in roster.SEATS:
            self.query_one(f"#seat-{seat}", SeatBox).show(view.seated.get(seat), view.categories)
        seat_by_staff = {s.id: seat for seat, s in view.seated.items()}
        table = self.query_one("#roster-staff", DataTable)
        keep = self.highlighted_id()
        table.clear()
        for staff in view.staff:
            seat = seat_by_staff.get(staff.id)
            table.add_row(
                staff.name,
                gender_label(staff.gender),
                role_label(staff.role),
                roster.seat_label(seat) if seat else "",
                t("roster.pin_set") if roster.has_pin(staff) else "—",
                t("roster.active") if staff.active else t("roster.inactive"),
                t("roster.list_sep").join(view.categories.get(c, c) for c in roster.duties_of(staff)),
                key=str(staff.id),
            )
        if not view.staff:
            self.say(t("roster.no_staff"))
        ids = [s.id for s in view.staff]
        if keep in ids:
            table.move_cursor(row=ids.index(keep), animate=False)

    def highlighted_id(self) -> int | None:
        table = self.query_one("#roster-staff", DataTable)
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        except Exception:  # noqa: BLE001 - no row under the cursor
            return None
        return int(key.value) if key and key.value else None

    def highlighted(self) -> Staff | None:
        sid = self.highlighted_id()
        if sid is None or self.view is None:
            return None
        return next((s for s in self.view.staff if s.id == sid), None)

    # --- the lead's PIN -------------------------------------------------------
    def as_lead(self, action: Callable[[], None]) -> None:
        """Run ``action`` as the shift lead: the roster and staff are the lead's to change.

        Once any active lead has a PIN, a change asks for a lead's PIN (attempts
        limited as for signing), which then holds for ``LEAD_UNLOCK_SECONDS``.
        Before that (a new desk being set up) changes are open to whoever sets it up.
        """
        if self._lead_until is not None and clock.now() < self._lead_until:
            action()
            return

        def got(leads: list) -> None:
            with_pin = [lead for lead in leads if lead.has_pin]
            if not with_pin:
                action()
                return

            def unlocked(lead) -> None:
                if lead:
                    self._lead_until = clock.now() + LEAD_UNLOCK
                    self.say(tn("roster.unlocked", int(LEAD_UNLOCK.total_seconds()) // 60, name=lead.name))
                    action()

            self.app.push_screen(
                SignDialog(t("roster.unlock_text"), with_pin, None, selfchecks.verify_lead, title=t("roster.unlock_title")),
                unlocked,
            )

        self.app.run_db(selfchecks.leads, got, node=self)

    # --- actions -------------------------------------------------------------
    def action_seat(self, seat: str) -> None:
        self.as_lead(lambda: self._seat(seat))

    def _seat(self, seat: str) -> None:
        staff = self.highlighted()
        if staff is None:
            self.say(t("roster.err_no_selection"), error=True)
            return
        day, sid = self.day, staff.id
        label = roster.seat_label(seat)

        def done(_result) -> None:
            self.say(t("roster.seated", name=staff.name, seat=label, date=day.isoformat()))
            self.reload()

        self.app.run_db(lambda s: roster.set_seat(s, day, seat, sid), done, node=self)

    def action_unseat(self) -> None:
        self.as_lead(lambda: self._unseat())

    def _unseat(self) -> None:
        staff = self.highlighted()
        if staff is None:
            self.say(t("roster.err_no_selection"), error=True)
            return
        day, sid = self.day, staff.id

        def done(seat: str | None) -> None:
            if seat is None:
                self.say(t("roster.not_seated", name=staff.name), error=True)
            else:
                self.say(t("roster.unseated", name=staff.name, seat=roster.seat_label(seat)))
            self.reload()

        self.app.run_db(lambda s: roster.remove_from_roster(s, day, sid), done, node=self)

    def action_copy_previous(self) -> None:
        self.as_lead(lambda: self._copy_previous())

    def _copy_previous(self) -> None:
        day = self.day
        source = roster.previous_day(day)

        def copy() -> None:
            def done(count: int) -> None:
                if count:
                    self.say(tn("roster.copied", count, source=source.isoformat()))
                else:
                    self.say(t("roster.copy_nothing", source=source.isoformat()), error=True)
                self.reload()

            self.app.run_db(lambda s: roster.copy_roster(s, source, day), done, node=self)

        def decide(seated: dict) -> None:
            if not seated:
                copy()
                return

            def answered(yes: bool | None) -> None:
                if yes:
                    copy()

            self.app.push_screen(ConfirmDialog(t("roster.copy_confirm", date=day.isoformat(), source=source.isoformat())), answered)

        if self.view is not None and self.view.day == day:
            decide(self.view.seated)
        else:  # the day just changed and its roster is not shown yet: ask the database, not the day left
            self.app.run_db(lambda s: roster.roster_for(s, day), decide, node=self)

    def action_day(self, step: int) -> None:
        self.day = self.day + timedelta(days=step)
        self.say("")
        self.query_one("#roster-day", Static).update(plain(day_label(self.day)))
        self.reload()

    def action_today(self) -> None:
        self.day = clock.today()
        self.say("")
        self.reload()

    def action_toggle_inactive(self) -> None:
        self.show_inactive = not self.show_inactive
        self.say(t("roster.showing_inactive") if self.show_inactive else t("roster.hiding_inactive"))
        self.reload()

    def action_add_staff(self) -> None:
        self.as_lead(lambda: self._add_staff())

    def _add_staff(self) -> None:
        categories = self.view.categories if self.view else {}
        self.app.push_screen(StaffFormScreen(None, categories), self._form_closed)

    def action_edit_staff(self) -> None:
        self.as_lead(lambda: self._edit_staff())

    def _edit_staff(self) -> None:
        staff = self.highlighted()
        if staff is None:
            self.say(t("roster.err_no_selection"), error=True)
            return
        categories = self.view.categories if self.view else {}
        self.app.push_screen(StaffFormScreen(staff, categories), self._form_closed)

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_edit_staff()

    def _form_closed(self, saved: Staff | None) -> None:
        if saved is not None:
            self.say(t("roster.staff_saved", name=saved.name))
        self.reload()

    def action_set_pin(self) -> None:
        self.as_lead(lambda: self._set_pin())

    def _set_pin(self) -> None:
        staff = self.highlighted()
        if staff is None:
            self.say(t("roster.err_no_selection"), error=True)
            return

        def closed(saved: bool | None) -> None:
            if saved:
                self.say(t("roster.pin_saved", name=staff.name))
            self.reload()

        self.app.push_screen(PinScreen(staff), closed)


class StaffFormScreen(Form[Staff | None]):
    """Add or edit a member of the desk. Dismisses with the saved person, or None."""

    CSS_PATH = "roster.tcss"
    INLINE = False

    def __init__(self, staff: Staff | None, categories: dict[str, str]) -> None:
        title = t("roster.form_edit_title", name=staff.name) if staff else t("roster.form_add_title")
        super().__init__(title, hint=t("roster.form_hint"))
        self.staff = staff
        self.categories = categories

    def compose_fields(self) -> ComposeResult:
        staff = self.staff
        duties = roster.duties_of(staff) if staff else []
        yield from self.field("name", t("roster.field_name"), Input(value=staff.name if staff else ""),
                              limit=roster.NAME_MAX)
        with Horizontal(classes="form-row"):
            with Vertical():
                gender = staff.gender if staff else ""
                yield from self.field("gender", t("roster.field_gender"), RadioSet(
                    *[RadioButton(gender_label(code), value=code == gender, name=code) for code in GENDERS]))
            with Vertical():
                role = staff.role if staff else "receptionist"
                yield from self.field("role", t("roster.field_role"), RadioSet(
                    *[RadioButton(role_label(code), value=code == role, name=code) for code in STAFF_ROLES]))
        yield from self.field("duties", t("roster.field_duties"), SelectionList[str](
            *[(name, code, code in duties) for code, name in self.categories.items()]))
        yield self.declare("active", Checkbox(t("roster.field_active"), value=staff.active if staff else True))

    def on_mount(self) -> None:
        self.fields["name"].focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def prepare(self):
        form = roster.StaffForm(name=self.value("name"), gender=self.value("gender"), role=self.value("role"),
                                duties=self.value("duties"), active=self.value("active"))
        if self.staff is None:
            return lambda s: roster.create_staff(s, form)
        sid, version = self.staff.id, self.staff.version
        return lambda s: roster.update_staff(s, sid, version, form)


class PinScreen(Form[bool | None]):
    """Set (or clear) a person's PIN: typed twice, never shown."""

    CSS_PATH = "roster.tcss"
    INLINE = False

    def __init__(self, staff: Staff) -> None:
        super().__init__(t("roster.pin_title", name=staff.name), hint=t("roster.pin_hint"))
        self.staff = staff

    def compose_fields(self) -> ComposeResult:
        yield from self.field("pin", t("roster.field_pin"), Input(password=True), limit=8)
        yield from self.field("pin_again", t("roster.field_pin_again"), Input(password=True), limit=8)

    def on_mount(self) -> None:
        self.fields["pin"].focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.fields["pin"]:
            self.fields["pin_again"].focus()
        else:
            self.action_save()

    def prepare(self):
        pin, again = self.value("pin").strip(), self.value("pin_again").strip()
        if pin != again:
            self.show_errors({"pin_again": t("roster.err_pin_mismatch")})
            return None
        sid = self.staff.id
        return lambda s: roster.set_pin(s, sid, pin)

    def saved(self, _result) -> None:
        self.dismiss(True)
