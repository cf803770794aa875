"""F5 end-of-shift self-checks: the shift lead checks each person on duty from the keyboard.

Board: everyone on the day's roster with where their check stands. Enter starts
(or resumes, or shows a signed) check; H shows the trends; C corrects a signed
check; [ and ] change the day, B the shift.

Run: one item at a time. P pass, F fail (asks for a note), N not applicable —
one key per answer, moving to the next item; ↑ or Backspace goes back, ↓ skips.
S (or Ctrl+S) signs: the lead's PIN in a dialog. Esc returns to the board; the
answers are saved as a draft as they are given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from frontdesk import selfchecks as sc
from frontdesk.core.errors import ConflictError
from frontdesk.core.i18n import t, tn
from frontdesk.core.text import shown
from frontdesk.roster import seat_label
from frontdesk.widgets.base import DeskScreen
from frontdesk.widgets.dayshift import DayShiftBar, DayShiftKeys
from frontdesk.widgets.modal import BusyLock
from frontdesk.widgets.plain import PlainTable, plain
from frontdesk.widgets.status import StatusLine

MARKS = {"pass": ("✓", "green"), "fail": ("✗", "bold red"), "na": ("–", "dim"), "": ("·", "dim")}


def answer_label(answer: str) -> str:
    return {"pass": t("checks.answer_pass"), "fail": t("checks.answer_fail"), "na": t("checks.answer_na")}.get(
        answer, t("checks.answer_none"))


def fit_columns(width: int, fixed: list[int], natural: int, *, flexible_min: int = 12,
                text_min: int = 16) -> tuple[int, int]:
    """Widths of a table's wrapped text column and its last (one-line) column so the table fits ``width``.

    ``fixed`` are the widths of the other columns; each column has one cell of padding
    on either side. The text column gets what it needs (``natural``) as long as the last
    column keeps ``flexible_min``; the last column gets the rest.
    """
    rest = width - sum(fixed) - 2 * (len(fixed) + 2)
    last = max(flexible_min, rest - natural)
    text = max(text_min, rest - last)
    return text, max(flexible_min, rest - text)


def gender_label(code: str) -> str:
    return {"F": t("checks.gender_f"), "M": t("checks.gender_m")}.get(code, code)


@dataclass
class BoardData:
    board: list[sc.PersonStatus]
    leads: list[sc.LeadOption]


def load_board(session, day: date, shift: str) -> BoardData:
    return BoardData(board=sc.day_board(session, day, shift), leads=sc.leads(session))


class ChecksScreen(DayShiftKeys, DeskScreen):
    TITLE_KEY = "checks.title"
    CSS_PATH = "checks.tcss"
    BINDINGS = [
        # board
        Binding("enter", "open", "checks.key_open", priority=True, id="checks.open"),
        Binding("h", "history", "checks.key_history", id="checks.history"),
        Binding("c", "correct", "checks.key_correct", id="checks.correct"),
        Binding("left_square_bracket", "day(-1)", "checks.key_prev_day", id="checks.prev_day"),
        Binding("right_square_bracket", "day(1)", "checks.key_next_day", id="checks.next_day"),
        Binding("b", "next_shift", "checks.key_shift", id="checks.shift"),
        Binding("t", "now", "checks.key_now", show=False, id="checks.now"),
        Binding("r", "reload", "checks.key_reload", show=False, id="checks.reload"),
        # run
        Binding("p", "answer('pass')", "checks.key_pass", id="checks.pass"),
        Binding("f", "fail", "checks.key_fail", id="checks.fail"),
        Binding("n", "answer('na')", "checks.key_na", id="checks.na"),
        Binding("up,backspace", "move(-1)", "checks.key_prev_item", key_display="↑", id="checks.prev_item"),
        Binding("down", "move(1)", "checks.key_next_item", show=False, id="checks.next_item"),
        Binding("s,ctrl+s", "sign", "checks.key_sign", id="checks.sign"),
        Binding("escape", "board", "checks.key_back", id="checks.back"),
    ]
    BOARD_ACTIONS = {"open", "history", "correct", "day", "next_shift", "now", "reload"}
    RUN_ACTIONS = {"answer", "fail", "move", "sign", "board"}
    ANSWER_ACTIONS = {"answer", "fail", "sign"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mode = "board"
        self.data: BoardData | None = None
        self.run: sc.CheckView | None = None
        self.answers: dict[int, tuple[str, str]] = {}
        self.pos = 0
        self._version = 0
        self._save_lock = BusyLock()  # one draft save at a time
        self._dirty = False  # answers given while a save ran: save again after it
        self._signing = False
        self._after_sign: int | None = None

    # --- layout ------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(id="checks-body", classes="screen-body"):
            yield DayShiftBar("checks.head", id="checks-head")
            with Vertical(id="checks-board"):
                yield PlainTable(id="checks-people", cursor_type="row", zebra_stripes=True)
                yield Static(plain(t("checks.board_hint")), classes="hint")
            with Vertical(id="checks-run"):
                yield Static("", id="run-person")
                yield Static("", id="run-carried")
                yield Static("", id="run-section")
                yield Static("", id="run-item")
                yield Static(plain(t("checks.run_hint")), classes="hint", id="run-hint")
                yield PlainTable(id="run-items", cursor_type="row", zebra_stripes=True)
            yield StatusLine(id="checks-status")

    def on_mount(self) -> None:
        people = self.query_one("#checks-people", DataTable)
        for label in (t("checks.col_seat"), t("checks.col_name"), t("checks.col_gender"), t("checks.col_state"),
                      t("checks.col_pass"), t("checks.col_fail"), t("checks.col_na"), t("checks.col_lead"),
                      t("checks.col_carried")):
            people.add_column(label)
        items = self.query_one("#run-items", DataTable)
        items.can_focus = False
        self.query_one("#checks-run").display = False
        people.focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self, event: events.Resize) -> None:
        if self.mode == "run" and self.run is not None:
            self._fill_run_table()
            self._render_item()

    # --- helpers -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.BOARD_ACTIONS:
            return self.mode == "board"
        if action in self.RUN_ACTIONS:
            if self.mode != "run":
                return False
            if action in self.ANSWER_ACTIONS and self.run is not None and self.run.signed:
                return None  # shown, disabled: a signed check is read only
            return True
        return True

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self.query_one("#checks-board").display = mode == "board"
        self.query_one("#checks-run").display = mode == "run"
        people = self.query_one("#checks-people", DataTable)
        people.disabled = mode != "board"  # so nothing gives it focus (and the arrow keys) during a run
        if mode == "board":
            people.focus()
        else:
            self.set_focus(None)
        self.refresh_bindings()

    # --- the board -------------------------------------------------------------------
    def reload(self) -> None:
        day, shift = self.day, self.shift.code
        self.app.run_db(lambda s: load_board(s, day, shift), self._show_board, node=self, key="checks.board",
                        on_error=self.say_refusal)

    def _state_cell(self, p: sc.PersonStatus) -> Text:
        if p.state == "signed":
            label = t("checks.state_corrected") if p.is_correction else t("checks.state_signed")
            time = f" {p.signed_at.astimezone():%H:%M}" if p.signed_at else ""
            return Text(f"✓ {label}{time}", style="green")
        if p.state == "draft":
            label = t("checks.state_correcting") if p.is_correction else t("checks.state_draft")
            return Text(f"{label} {p.answered}/{p.items}", style="yellow")
        return Text(t("checks.state_none"), style="dim")

    def _show_board(self, data: BoardData) -> None:
        self.data = data
        table = self.query_one("#checks-people", DataTable)
        keep = self.highlighted()
        keep_id = self._after_sign or (keep.staff_id if keep else None)
        table.clear()
        for p in data.board:
            carried = Text(str(len(p.carried)), style="bold red") if p.carried else Text("0", style="dim")
            failed = Text(str(p.failed), style="bold red") if p.failed else Text(str(p.failed))
            table.add_row(
                p.seat_label, p.name, gender_label(p.gender), self._state_cell(p), str(p.passed), failed,
                str(p.na), p.lead_name, carried, key=f"{p.staff_id}:{p.shift}",
            )
        if not data.board:
            self.say(t("checks.board_empty", date=self.day.isoformat()))
        rows = data.board
        target = None
        if self._after_sign is not None:
            ids = [p.staff_id for p in rows]
            start = ids.index(self._after_sign) if self._after_sign in ids else -1
            order = rows[start + 1:] + rows[: start + 1]
            target = next((p for p in order if p.state != "signed"), None)
            self._after_sign = None
        elif keep_id is not None:
            target = next((p for p in rows if p.staff_id == keep_id), None)
        if target is not None:
            table.move_cursor(row=rows.index(target), animate=False)

    def highlighted(self) -> sc.PersonStatus | None:
        if self.data is None or not self.data.board:
            return None
        table = self.query_one("#checks-people", DataTable)
        row = table.cursor_row
        return self.data.board[row] if 0 <= row < len(self.data.board) else None

    def action_open(self) -> None:
        person = self.highlighted()
        if person is None:
            self.say(t("checks.err_no_person"), error=True)
            return
        self.say("")
        if person.state == "signed" and person.check_id is not None:
            check_id = person.check_id
            self.app.run_db(lambda s: sc.get_check(s, check_id), self._open_run, node=self)
            return
        staff_id, day, shift = person.staff_id, self.day, person.shift or self.shift.code
        self.app.run_db(lambda s: sc.start_check(s, staff_id, day, shift), self._open_run, node=self)

    def action_history(self) -> None:
        from frontdesk.screens.checks_history import ChecksHistoryScreen

        person = self.highlighted()
        ids = [p.staff_id for p in self.data.board] if self.data else []
        self.app.push_screen(ChecksHistoryScreen(self.day, ids, person.staff_id if person else None))

    def action_correct(self) -> None:
        from frontdesk.screens.checks_dialogs import PromptDialog

        person = self.highlighted()
        if person is None or person.state != "signed" or person.check_id is None:
            self.say(t("checks.err_correct_unsigned"), error=True)
            return
        check_id = person.check_id

        def reason_given(reason: str | None) -> None:
            if reason:
                self.app.run_db(lambda s: sc.start_correction(s, check_id, reason), self._open_run, node=self)

        self.app.push_screen(PromptDialog(
            t("checks.correct_title", name=person.name), t("checks.correct_text"), t("checks.correct_reason"),
            t("checks.err_reason_required")), reason_given)

    def action_reload(self) -> None:
        self.reload()

    # --- the run -----------------------------------------------------------------------
    def _open_run(self, view: sc.CheckView) -> None:
        self.run = view
        self._version = view.version
        self.answers = {item.position: (item.answer, item.note) for item in view.items}
        first = next((n for n, item in enumerate(view.items) if not item.answer), None)
        self.pos = 0 if first is None or view.signed else first
        self._fill_run_table()
        carried = self.query_one("#run-carried", Static)
        if view.carried:
            lines = [tn("checks.carried_title", len(view.carried), date=view.carried[0].day.isoformat())]
            lines += [f"• {c.section}:{c.text}" + (f"({c.note})" if c.note else "") for c in view.carried]
            carried.update(plain("\n".join(lines)))
            carried.display = True
        else:
            carried.display = False
        self._set_mode("run")
        self.query_one("#run-item", Static).set_class(view.signed, "-signed")
        # A signed check is read only: its hint offers what can still be done, not the answer keys.
        self.query_one("#run-hint", Static).update(plain(t("checks.signed_hint") if view.signed else t("checks.run_hint")))
        if view.signed:
            self.say(t("checks.signed_read_only", lead=view.lead_name,
                       time=f"{view.signed_at.astimezone():%H:%M}" if view.signed_at else ""))
        elif view.corrects_id is not None:
            self.say(t("checks.correcting", reason=view.reason))
        self._render_item()

    def _fill_run_table(self) -> None:
        """The list of items, fitted to the screen: long seed texts wrap, results and notes stay in view.

        A note is shown on one line (cut with …); the panel above shows the whole of the current one.
        """
        items = self.run.items
        table = self.query_one("#run-items", DataTable)
        table.clear(columns=True)
        body = self.query_one("#checks-body")
        width = (body.content_region.width or self.size.width - 2) - 2  # less the vertical scrollbar
        no_w = max(1, len(str(len(items))))
        section_w = max([cell_len(t("checks.col_section"))] + [cell_len(item.section) for item in items])
        answer_w = max([cell_len(t("checks.col_answer"))]
                       + [cell_len(f"{MARKS[a][0]} {answer_label(a)}") for a in MARKS])
        natural = max([cell_len(t("checks.col_item"))] + [cell_len(item.text) for item in items])
        item_w, note_w = fit_columns(width, [no_w, section_w, answer_w], natural)
        table.add_column("#", key="no", width=no_w)
        table.add_column(t("checks.col_section"), key="section", width=section_w)
        table.add_column(t("checks.col_item"), key="item", width=item_w)
        table.add_column(t("checks.col_answer"), key="answer", width=answer_w)
        table.add_column(t("checks.col_note"), key="note", width=note_w)
        for item in items:
            table.add_row(str(item.position), plain(item.section), plain(item.text),
                          *self._answer_cells(item.position), key=str(item.position), height=None)

    def _answer_cells(self, position: int) -> tuple[Text, Text]:
        answer, note = self.answers.get(position, ("", ""))
        mark, style = MARKS.get(answer, MARKS[""])
        return (Text(f"{mark} {answer_label(answer)}", style=style),
                Text(shown(note), no_wrap=True, overflow="ellipsis"))

    def _render_item(self) -> None:
        view = self.run
        if view is None or not view.items:
            return
        item = view.items[self.pos]
        answered = sum(1 for a, _n in self.answers.values() if a)
        person = t("checks.run_person", name=view.staff_name, seat=seat_label(view.seat) if view.seat else "—",
                   number=self.pos + 1, total=len(view.items), answered=answered)
        if view.corrects_id is not None:
            person += " " + t("checks.run_correction")
        self.query_one("#run-person", Static).update(plain(person))
        self.query_one("#run-section", Static).update(plain(item.section))
        answer, note = self.answers[item.position]
        body = plain(f"{item.position}. {item.text}")
        if answer:
            mark, style = MARKS[answer]
            body.append(f"\n{mark} {answer_label(answer)}", style=style)
            if note:
                body.append(shown(f"({note})"), style=style)
        self.query_one("#run-item", Static).update(body)
        table = self.query_one("#run-items", DataTable)
        if table.row_count > self.pos:
            table.move_cursor(row=self.pos, animate=False)
            # the panel above may have grown a line (the answer): scroll again once the layout is done
            self.call_after_refresh(self._scroll_to_pos)

    def _scroll_to_pos(self) -> None:
        table = self.query_one("#run-items", DataTable)
        if self.mode == "run" and 0 <= self.pos < table.row_count:
            table.move_cursor(row=self.pos, animate=False)  # scrolls it into view again

    def _update_row(self, position: int) -> None:
        table = self.query_one("#run-items", DataTable)
        answer_cell, note = self._answer_cells(position)
        table.update_cell(str(position), "answer", answer_cell)
        table.update_cell(str(position), "note", note)

    def _editable(self) -> bool:
        if self.run is None or self.mode != "run":
            return False
        if self.run.signed:
            self.say(t("checks.err_read_only"), error=True)
            return False
        return True

    def _record(self, answer: str, note: str = "") -> None:
        item = self.run.items[self.pos]
        self.answers[item.position] = (answer, note)
        self._update_row(item.position)
        if self.pos < len(self.run.items) - 1:
            self.pos += 1
            self.say("")
        else:
            missing = [n for n, it in enumerate(self.run.items) if not self.answers[it.position][0]]
            if missing:
                self.pos = missing[0]
                self.say(tn("checks.some_unanswered", len(missing)), error=True)
            else:
                self.say(t("checks.all_answered"))
        self._render_item()
        self._save_draft()

    def action_answer(self, answer: str) -> None:
        if self._editable():
            self._record(answer)

    def action_fail(self) -> None:
        from frontdesk.screens.checks_dialogs import PromptDialog

        if not self._editable():
            return
        item = self.run.items[self.pos]
        _answer, note = self.answers[item.position]

        def noted(text: str | None) -> None:
            if text and self.run is not None and self.run.items[self.pos].position == item.position:
                self._record("fail", text)

        self.app.push_screen(PromptDialog(
            t("checks.fail_title"), f"{item.position}. {item.text}", t("checks.fail_note"),
            t("checks.fail_note_required"), value=note), noted)

    def action_move(self, step: int) -> None:
        if self.run is None:
            return
        self.pos = max(0, min(len(self.run.items) - 1, self.pos + step))
        self._render_item()

    def _save_draft(self) -> None:
        """Save the answers: one save at a time, the latest answers win, with the version read.

        Another desk changing the same check in between is told here (the check is
        shown again as it now stands), never silently overwritten.
        """
        if self.run is None or self.run.signed:
            return
        check_id, answers, version = self.run.id, dict(self.answers), self._version

        def done(view: sc.CheckView) -> None:
            if self.run is not None and self.run.id == check_id:
                self._version = view.version
            if self._dirty:
                self._dirty = False
                self._save_draft()

        def refused(exc: BaseException) -> None:
            self._dirty = False
            if self._signing or self.run is None or self.run.id != check_id:
                return  # signed meanwhile (the signature carries every answer) or left
            self.say(str(exc), error=True)
            if isinstance(exc, ConflictError):
                self.app.run_db(lambda s: sc.get_check(s, check_id), self._open_run, node=self)
            else:
                self.reload()

        started = self.app.run_db(lambda s: sc.save_answers(s, check_id, answers, version=version), done,
                                  node=self, on_error=refused, lock=self._save_lock, group="checks-save")
        if started is None:
            self._dirty = True  # a save is running: this one follows it

    def action_sign(self) -> None:
        from frontdesk.screens.checks_dialogs import SignDialog

        if not self._editable():
            return
        view = self.run
        missing = [n for n, it in enumerate(view.items) if not self.answers[it.position][0]]
        if missing:
            self.pos = missing[0]
            self._render_item()
            self.say(tn("checks.err_incomplete", len(missing), first=view.items[missing[0]].position), error=True)
            return
        leads = self.data.leads if self.data else []
        operator = getattr(self.app, "operator", "")
        default = next((lead.id for lead in leads if lead.name == operator), None)
        if default is None:
            default = next((lead.id for lead in leads if lead.has_pin), None)
        counts = {a: sum(1 for x, _n in self.answers.values() if x == a) for a in ("pass", "fail", "na")}
        summary = t("checks.sign_summary", name=view.staff_name, passed=counts["pass"], failed=counts["fail"],
                    na=counts["na"])
        check_id, answers = view.id, dict(self.answers)

        def sign(session, lead_id: int, pin: str) -> sc.CheckView:
            return sc.sign_check(session, check_id, lead_id, pin, answers=answers)

        def closed(signed: sc.CheckView | None) -> None:
            self._signing = False
            if signed is None:
                return
            self.say(t("checks.signed", name=signed.staff_name, lead=signed.lead_name))
            self.run = None
            self._after_sign = signed.staff_id
            self._set_mode("board")
            self.reload()

        self._signing = True
        self.app.push_screen(SignDialog(summary, leads, default, sign), closed)

    def action_board(self) -> None:
        if self.mode != "run":
            return
        if self.run is not None and not self.run.signed:
            self._save_draft()
        self.run = None
        self.say("")  # the run's messages ("press S to sign") mean nothing on the board
        self._set_mode("board")
        self.reload()
