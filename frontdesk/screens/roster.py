"""F8 staff and roster: who sits in which of the four seats on a day, and the staff list.

The shift lead highlights a person in the staff list and presses 1–4 to seat
them (1 左2, 2 右2, 3 左1, 4 右1: the standing order), X to take them off the
day's roster, C to copy the previous day's roster, [ and ] to move between days.
A adds and E (or Enter) edits a person in a modal form, P sets their PIN.
All database work goes through ``app.run_db``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, DataTable, Input, Label, RadioButton, RadioSet, SelectionList, Static

from frontdesk import roster, selfchecks
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.core.i18n import t, tn
from frontdesk.models import GENDERS, STAFF_ROLES, Staff
from frontdesk.screens.checks_dialogs import SignDialog
from frontdesk.widgets.base import DeskScreen, translate_bindings
from frontdesk.widgets.dialogs import ConfirmDialog
from frontdesk.widgets.header import WEEKDAY_KEYS

# The desk as the receptionists see it, facing the entrance: outer seats 2, inner seats 1.
PHYSICAL_LAYOUT = (("L2", "L1"), ("R1", "R2"))
SEAT_KEYS = {seat: str(i) for i, seat in enumerate(roster.SEATS, start=1)}


def gender_label(code: str) -> str:
    return {"F": t("roster.gender.F"), "M": t("roster.gender.M")}.get(code, code)


def role_label(code: str) -> str:
    return {"receptionist": t("roster.role.receptionist"), "lead": t("roster.role.lead")}.get(code, code)


def day_label(day: date) -> str:
    text = t("roster.day", date=day.isoformat(), weekday=t("app.weekday." + WEEKDAY_KEYS[day.weekday()]))
    if day == date.today():
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

    DEFAULT_CSS = """
    SeatBox {
        width: 1fr; height: 5; border: round $primary; padding: 0 1; margin: 0 1 0 0;
    }
    SeatBox.-empty { border: round $panel-lighten-2; color: $text-muted; }
    """

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
            text.append(staff.name, style="bold")
            text.append(f"  {gender_label(staff.gender)}")
            if staff.role == "lead":
                text.append(f"  {role_label(staff.role)}", style="yellow")
            duties = t("roster.list_sep").join(categories.get(c, c) for c in roster.duties_of(staff))
            text.append("\n" + (duties or t("roster.no_duties")), style="dim")
        self.set_class(staff is None, "-empty")
        self.update(text)


LEAD_UNLOCK_SECONDS = 10 * 60


class RosterScreen(DeskScreen):
    """The four seats on a day and the staff list."""

    TITLE_KEY = "roster.title"
    DEFAULT_CSS = """
    RosterScreen #roster-body { height: 1fr; padding: 0 1; }
    RosterScreen #roster-day { text-style: bold; height: 1; margin-top: 1; }
    RosterScreen .roster-caption { color: $text-muted; height: 1; }
    RosterScreen #roster-seats { height: 5; margin: 0 0 1 0; }
    RosterScreen #roster-aisle { width: 3; height: 5; content-align: center middle; color: $text-muted; }
    RosterScreen #roster-staff { height: 1fr; }
    RosterScreen #roster-status { height: auto; min-height: 1; }
    RosterScreen #roster-status.-error { color: $error; }
    """
    BINDINGS = [
        Binding("1", "seat('L2')", "roster.key_seat", key_display="1-4", id="roster.seat_l2"),
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
        self.day = date.today()
        self.show_inactive = False
        self.view: RosterView | None = None
        self._load_seq = 0
        self._lead_until = 0.0  # monotonic time until which a lead's PIN has unlocked editing

    # --- layout --------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(id="roster-body", classes="screen-body"):
            yield Static(day_label(self.day), id="roster-day")
            yield Static(t("roster.seats_caption"), classes="roster-caption")
            with Horizontal(id="roster-seats"):
                left, right = PHYSICAL_LAYOUT
                for seat in left:
                    yield SeatBox(seat)
                yield Static("┃", id="roster-aisle")
                for seat in right:
                    yield SeatBox(seat)
            yield Static(t("roster.order_hint"), classes="roster-caption")
            table = DataTable(id="roster-staff", cursor_type="row", zebra_stripes=True)
            yield table
            yield Static("", id="roster-status")

    def on_mount(self) -> None:
        table = self.query_one("#roster-staff", DataTable)
        for key, label in (
            ("name", "roster.col.name"),
            ("gender", "roster.col.gender"),
            ("role", "roster.col.role"),
            ("seat", "roster.col.seat"),
            ("duties", "roster.col.duties"),
            ("pin", "roster.col.pin"),
            ("status", "roster.col.status"),
        ):
            table.add_column(t(label), key=key)
        table.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    # --- loading -------------------------------------------------------------
    def reload(self) -> None:
        self._load_seq += 1
        seq, day, show_inactive = self._load_seq, self.day, self.show_inactive

        def done(view: RosterView) -> None:
            if seq == self._load_seq:
                self._show(view)

        self.app.run_db(lambda s: load_view(s, day, show_inactive), done, node=self)

    def _show(self, view: RosterView) -> None:
        self.view = view
        self.query_one("#roster-day", Static).update(day_label(self.day))
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
                t("roster.list_sep").join(view.categories.get(c, c) for c in roster.duties_of(staff)),
                t("roster.pin_set") if roster.has_pin(staff) else "—",
                t("roster.active") if staff.active else t("roster.inactive"),
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

    def say(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#roster-status", Static)
        status.set_class(error, "-error")
        status.update(Text(message))

    def _show_domain_error(self, exc: BaseException) -> bool:
        if isinstance(exc, (ValidationError, ConflictError, NotFoundError)):
            self.say(str(exc), error=True)
            self.reload()
            return True
        return False

    # --- the lead's PIN -------------------------------------------------------
    def as_lead(self, action: Callable[[], None]) -> None:
        """Run ``action`` as the shift lead: the roster and staff are the lead's to change.

        Once any active lead has a PIN, a change asks for a lead's PIN (attempts
        limited as for signing), which then holds for ``LEAD_UNLOCK_SECONDS``.
        Before that (a new desk being set up) changes are open to whoever sets it up.
        """
        if time.monotonic() < self._lead_until:
            action()
            return

        def got(leads: list) -> None:
            with_pin = [lead for lead in leads if lead.has_pin]
            if not with_pin:
                action()
                return

            def unlocked(lead) -> None:
                if lead:
                    self._lead_until = time.monotonic() + LEAD_UNLOCK_SECONDS
                    self.say(tn("roster.unlocked", LEAD_UNLOCK_SECONDS // 60, name=lead.name))
                    action()

            self.app.push_screen(
                SignDialog(t("roster.unlock_text"), with_pin, None, selfchecks.verify_lead, title=t("roster.unlock_title")),
                unlocked,
            )

        self.app.run_db(selfchecks.leads, got)

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

        self.app.run_db(lambda s: roster.set_seat(s, day, seat, sid), done, on_error=self._show_domain_error)

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

        self.app.run_db(lambda s: roster.remove_from_roster(s, day, sid), done, on_error=self._show_domain_error)

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

            self.app.run_db(lambda s: roster.copy_roster(s, source, day), done, on_error=self._show_domain_error)

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
            self.app.run_db(lambda s: roster.roster_for(s, day), decide, on_error=self._show_domain_error)

    def action_day(self, step: int) -> None:
        self.day = self.day + timedelta(days=step)
        self.say("")
        self.query_one("#roster-day", Static).update(day_label(self.day))
        self.reload()

    def action_today(self) -> None:
        self.day = date.today()
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


class FormScreen(ModalScreen):
    """A modal form: a message next to each field, Ctrl+S saves, Esc cancels."""

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > VerticalScroll {
        width: 76; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    FormScreen .form-title { text-style: bold; }
    FormScreen Label { margin-top: 1; }
    FormScreen .field-error { color: $error; height: auto; }
    FormScreen .form-hint { color: $text-muted; margin-top: 1; }
    FormScreen .form-row { height: auto; }
    FormScreen .form-row > Vertical { width: 1fr; height: auto; }
    FormScreen RadioSet { layout: horizontal; height: auto; width: auto; border: none; padding: 0; }
    FormScreen RadioSet:focus { background: $boost; }
    FormScreen SelectionList { height: auto; max-height: 12; border: none; padding: 0; }
    FormScreen SelectionList:focus { background: $boost; }
    FormScreen Checkbox { border: none; padding: 0; margin-top: 1; }
    FormScreen Checkbox:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "roster.key_save", id="roster.form_save"),
        Binding("escape", "cancel", "roster.key_cancel", id="roster.form_cancel"),
    ]
    FIELDS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.saving = False

    def error_slot(self, field: str) -> Static:
        slot = Static("", id=f"err-{field}", classes="field-error")
        slot.display = False
        return slot

    def show_errors(self, errors: dict[str, str]) -> None:
        for field in (*self.FIELDS, "form"):
            slot = self.query_one(f"#err-{field}", Static)
            message = errors.get(field, "")
            slot.update(Text(message))
            slot.display = bool(message)
        leftover = [m for f, m in errors.items() if f not in self.FIELDS]
        if leftover:
            slot = self.query_one("#err-form", Static)
            slot.update(Text("\n".join(leftover)))
            slot.display = True
        first = next((f for f in self.FIELDS if f in errors), None)
        if first is not None:
            try:
                self.query_one(f"#field-{first}").focus()
            except Exception:  # noqa: BLE001 - the field has no focusable widget
                pass

    def handle_error(self, exc: BaseException) -> bool:
        self.saving = False
        if isinstance(exc, ValidationError):
            self.show_errors(exc.errors)
            return True
        if isinstance(exc, (ConflictError, NotFoundError)):
            self.show_errors({"form": str(exc)})
            return True
        return False

    def action_cancel(self) -> None:
        self.dismiss(None)


class StaffFormScreen(FormScreen):
    """Add or edit a member of the desk."""

    FIELDS = ("name", "gender", "role", "duties", "active")

    def __init__(self, staff: Staff | None, categories: dict[str, str]) -> None:
        super().__init__()
        self.staff = staff
        self.categories = categories

    def compose(self) -> ComposeResult:
        staff = self.staff
        duties = roster.duties_of(staff) if staff else []
        with VerticalScroll(id="staff-form"):
            title = t("roster.form_edit_title", name=staff.name) if staff else t("roster.form_add_title")
            yield Static(Text(title), classes="form-title")
            yield Label(t("roster.field_name"))
            yield Input(value=staff.name if staff else "", id="field-name", max_length=roster.NAME_MAX)
            yield self.error_slot("name")
            with Horizontal(classes="form-row"):
                with Vertical():
                    yield Label(t("roster.field_gender"))
                    gender = staff.gender if staff else ""
                    with RadioSet(id="field-gender"):
                        for code in GENDERS:
                            yield RadioButton(gender_label(code), value=code == gender, id=f"gender-{code}")
                    yield self.error_slot("gender")
                with Vertical():
                    yield Label(t("roster.field_role"))
                    role = staff.role if staff else "receptionist"
                    with RadioSet(id="field-role"):
                        for code in STAFF_ROLES:
                            yield RadioButton(role_label(code), value=code == role, id=f"role-{code}")
                    yield self.error_slot("role")
            yield Label(t("roster.field_duties"))
            yield SelectionList[str](
                *[(name, code, code in duties) for code, name in self.categories.items()], id="field-duties"
            )
            yield self.error_slot("duties")
            yield Checkbox(t("roster.field_active"), value=staff.active if staff else True, id="field-active")
            yield self.error_slot("active")
            yield self.error_slot("form")
            yield Static(t("roster.form_hint"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#field-name", Input).focus()

    def _choice(self, radio_id: str, codes: tuple[str, ...]) -> str:
        index = self.query_one(f"#{radio_id}", RadioSet).pressed_index
        return codes[index] if 0 <= index < len(codes) else ""

    def form(self) -> roster.StaffForm:
        return roster.StaffForm(
            name=self.query_one("#field-name", Input).value,
            gender=self._choice("field-gender", GENDERS),
            role=self._choice("field-role", STAFF_ROLES),
            duties=list(self.query_one("#field-duties", SelectionList).selected),
            active=self.query_one("#field-active", Checkbox).value,
        )

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        form = self.form()
        self.show_errors({})
        self.saving = True
        if self.staff is None:
            fn = lambda s: roster.create_staff(s, form)  # noqa: E731
        else:
            sid, version = self.staff.id, self.staff.version
            fn = lambda s: roster.update_staff(s, sid, version, form)  # noqa: E731
        self.app.run_db(fn, self.dismiss, on_error=self.handle_error, node=self)


class PinScreen(FormScreen):
    """Set (or clear) a person's PIN: typed twice, never shown."""

    FIELDS = ("pin", "pin_again")

    def __init__(self, staff: Staff) -> None:
        super().__init__()
        self.staff = staff

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="pin-form"):
            yield Static(Text(t("roster.pin_title", name=self.staff.name)), classes="form-title")
            yield Label(t("roster.field_pin"))
            yield Input(password=True, id="field-pin", max_length=8)
            yield self.error_slot("pin")
            yield Label(t("roster.field_pin_again"))
            yield Input(password=True, id="field-pin_again", max_length=8)
            yield self.error_slot("pin_again")
            yield self.error_slot("form")
            yield Static(t("roster.pin_hint"), classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#field-pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "field-pin":
            self.query_one("#field-pin_again", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        if self.saving:
            return
        pin = self.query_one("#field-pin", Input).value.strip()
        again = self.query_one("#field-pin_again", Input).value.strip()
        if pin != again:
            self.show_errors({"pin_again": t("roster.err_pin_mismatch")})
            return
        self.show_errors({})
        self.saving = True
        sid = self.staff.id
        self.app.run_db(lambda s: roster.set_pin(s, sid, pin), lambda _r: self.dismiss(True), on_error=self.handle_error, node=self)
