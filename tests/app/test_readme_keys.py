"""The README's key tables (F2, F5, F6, F8) walked with the Pilot: a wrong line there is a bug.

Each table row is read from README.md; its keys column is parsed into the key sequences it
documents and its presses column checked against them. A checker per row presses exactly those
keys, as a receptionist or a shift lead would, and checks that they do what the row says. A row
without a checker (or a checker without its row) fails, so the tables and this test move together.

How a keys cell reads: `k` is a key (`Enter`, `Esc`, `↑`, `Ctrl+S`, `[`, a letter or digit);
`wxm` (several lower-case characters in backticks) or a bare number (5678) is typed; `x` / `y`
are alternatives (one sequence each); "×30" repeats the key before it; "…" is text typed there
(a name, a note); "seat key" is one of `1`–`4`; ", or" starts another sequence. Words in
brackets are remarks: the row's checker tests what they claim.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from textual.widgets import Input

from frontdesk import roster as roster_domain
from frontdesk import selfchecks
from frontdesk.app import create_app
from frontdesk.core import clock as desk_clock
from frontdesk.core.db import open_database, session_scope
from frontdesk.models import Encounter, Handoff, Owner, RosterEntry, SelfCheck, Staff, Unit
from frontdesk.rotation import SeatState
from frontdesk.screens.checks import ChecksScreen
from frontdesk.screens.checks_history import ChecksHistoryScreen
from frontdesk.screens.owner_form import OwnerFormScreen, UnitFormScreen
from frontdesk.screens.owners import OwnersScreen
from frontdesk.screens.queue import QueueScreen
from frontdesk.screens.queue_dialogs import ArrivalDialog, HandoffDialog, OfferDialog, PhrasesDialog
from frontdesk.screens.roster import PinScreen, RosterScreen, StaffFormScreen
from frontdesk.shifts import current_shift
from frontdesk.widgets.dialogs import ConfirmDialog
from tests.app.test_queue_screen import seed as seed_queue
from tests.checks_data import seed_desk
from tests.screen import screen_text

README = Path(__file__).resolve().parents[2] / "README.md"
TABLES = {  # screen → the heading of its table in the README
    "F2": "### A morning at the desk (F2)",
    "F5": "### End-of-shift checks (F5)",
    "F6": "### Owners and units (F6)",
    "F8": "### Staff and the day's roster (F8)",
}
DEMO_PIN = "123456"  # the README names the demo lead's PIN
TYPED = "…"
SEAT = "<seat>"
KEY_NAMES = {
    "Enter": "enter", "Esc": "escape", "Tab": "tab", "↑": "up", "↓": "down", "←": "left", "→": "right",
    "Ctrl+S": "ctrl+s", "Ctrl+N": "ctrl+n", "Ctrl+R": "ctrl+r", "[": "left_square_bracket",
    "]": "right_square_bracket", "/": "slash",
}


# --- reading the README ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    screen: str
    what: str
    keys: str
    presses: str

    @property
    def sequences(self) -> list[list[str]]:
        return parse_keys(self.keys)


def readme_rows() -> list[Row]:
    text = README.read_text(encoding="utf-8")
    rows = []
    for screen, heading in TABLES.items():
        assert heading in text, f"the README lost its {screen} table heading: {heading}"
        section = text.split(heading, 1)[1].split("\n#", 1)[0]
        table = [line for line in section.splitlines() if line.startswith("|")]
        assert table[0].replace(" ", "") == "|whathappens|keys|presses|", table[0]
        for line in table[2:]:
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) != 3:  # a "/" inside a backtick never holds a "|"; anything else is a broken row
                raise AssertionError(f"{screen}: a row without three cells: {line}")
            rows.append(Row(screen, *cells))
    return rows


TOKEN = re.compile(r"`([^`]+)`|×(\d+)|(\d+)|(/)|(,\s*or\b)|(…)|(seat key)")


def _key(name: str) -> list[str]:
    if name in KEY_NAMES:
        return [KEY_NAMES[name]]
    if len(name) == 1:
        return [name.lower() if name.isalpha() else name]
    if re.fullmatch(r"[a-z0-9-]+", name):
        return list(name)  # text typed in backticks: `wxm`
    raise AssertionError(f"a key the README test does not know: `{name}`")


def parse_keys(cell: str) -> list[list[str]]:
    """Every key sequence a keys cell documents (remarks in brackets left out)."""
    main = re.sub(r"\([^()]*\)", " ", cell)
    sequences: list[list[list[list[str]]]] = [[]]  # sequences → slots → alternatives → keys
    joining = False
    for key, times, digits, slash, other, typed, seat in TOKEN.findall(main):
        slots = sequences[-1]
        if other:
            sequences.append([])
            continue
        if slash:
            joining = True
            continue
        if times:
            slots[-1] = [alt * int(times) for alt in slots[-1]]
            continue
        keys = _key(key) if key else list(digits) if digits else [TYPED] if typed else [SEAT]
        if joining:
            slots[-1].append(keys)
            joining = False
        else:
            slots.append([keys])
    out = []
    for slots in sequences:
        widths = {len(slot) for slot in slots if len(slot) > 1}
        assert len(widths) <= 1, f"alternatives of different lengths in {cell!r}"
        width = widths.pop() if widths else 1
        for n in range(width):
            out.append([k for slot in slots for k in (slot[n] if len(slot) > 1 else slot[0])])
    return [seq for seq in out if seq]


def press_count(sequence: list[str]) -> int:
    return sum(1 for key in sequence if key != TYPED)


def check_presses(row: Row) -> None:
    """The presses column agrees with the keys: "6", "2+" (and typing), "2–3" (at least 2)."""
    match = re.fullmatch(r"(\d+)(\+|–\d+)?", row.presses)
    assert match, f"{row.screen} {row.what!r}: presses {row.presses!r}"
    least = int(match.group(1))
    for sequence in row.sequences:
        assert press_count(sequence) == least, (row.what, sequence, row.presses)
        if TYPED in sequence:
            assert match.group(2) == "+", f"{row.what!r}: typing makes it {least}+"


def test_the_key_cells_read_as_documented():
    assert parse_keys("`a` 5678 `Enter`") == [["a", "5", "6", "7", "8", "enter"]]
    assert parse_keys("`v` / `g` / `i` / `u`") == [["v"], ["g"], ["i"], ["u"]]
    assert parse_keys("seat key, then `b` / `e` / `x`") == [[SEAT, "b"], [SEAT, "e"], [SEAT, "x"]]
    assert parse_keys("`Enter` on the offer, or `w` later") == [["enter"], ["w"]]
    assert parse_keys("`1` `h` `Enter` (`↑`/`↓` before `Enter`)") == [["1", "h", "enter"]]
    assert parse_keys("`Enter` `p` ×30 `s` 123456 `Enter`") == [["enter", *["p"] * 30, "s", *"123456", "enter"]]
    assert parse_keys("`a` / `e` … `Ctrl+S`") == [["a", TYPED, "ctrl+s"], ["e", TYPED, "ctrl+s"]]
    assert parse_keys("`/` `wxm`") == [["slash", "w", "x", "m"]]
    assert parse_keys("(any arrival key)") == []
    with pytest.raises(AssertionError):
        parse_keys("`Hyper+Q`")


# --- running a row ------------------------------------------------------------------------------------


async def settle(app, pilot, delay: float = 0.0) -> None:
    for _ in range(3):
        await pilot.pause(delay)
        await app.workers.wait_for_complete()
    await pilot.pause()


async def keys(app, pilot, sequence, *, text: str = "", seat: str = "1") -> None:
    """Press ``sequence`` as a person would: ``…`` types ``text`` into the field with the focus."""
    for key in sequence:
        if key == TYPED:
            field = app.focused
            assert isinstance(field, Input), f"typing with the focus on {field!r}"
            field.value = text  # typed text itself is not what the table documents
            await settle(app, pilot)
            continue
        await pilot.press(seat if key == SEAT else key)
        await settle(app, pilot)


def rows_of(engine, model, *where):
    with Session(engine) as s:
        return list(s.exec(select(model).where(*where)).all())


Check = Callable[..., Awaitable[None]]
CHECKS: dict[tuple[str, str], Check] = {}


def row(screen: str, what: str):
    def register(fn: Check) -> Check:
        CHECKS[(screen, what)] = fn
        return fn

    return register


# --- F2 -----------------------------------------------------------------------------------------------


async def queue_app(db_url, fixed_clock, run):
    app = create_app(db_url)
    seed_queue(app.engine)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        screen.reload()
        await settle(app, pilot)
        await run(app, pilot, screen)
    return app


def greeting(app) -> str:
    return str(app.screen.query_one("#queue-greeting").render())


def encounters(app) -> list[Encounter]:
    with Session(app.engine) as s:
        return list(s.exec(select(Encounter).order_by(Encounter.id)).all())


@row("F2", "a familiar owner arrives, found by the last 4 phone digits (「王先生,您好!」, 15° bow)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, sequence)
        assert "王先生,您好!" in greeting(app) and "15 度鞠躬禮" in greeting(app)
        (enc,) = encounters(app)
        with Session(app.engine) as s:
            assert s.get(Owner, enc.owner_id).name == "王小明"

    await queue_app(db_url, fixed_clock, run)


@row("F2", "an owner arrives, not looked up (general greeting)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, sequence)
        (enc,) = encounters(app)
        assert enc.owner_id is None and enc.guest_type == "owner" and enc.seat == "L2"
        assert "起身接待" in greeting(app) and "先生" not in greeting(app)

    await queue_app(db_url, fixed_clock, run)


@row("F2", "a visitor / VIP / leader with a VIP to inspect / a superior")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        assert len(sequences) == 4
        for sequence in sequences:
            await keys(app, pilot, sequence)
        assert [e.guest_type for e in encounters(app)] == ["visitor", "vip", "inspection", "superior"]
        assert "30 度鞠躬禮" in greeting(app)  # a superior

    await queue_app(db_url, fixed_clock, run)


@row("F2", "an owner walks straight to 右1 (the rotation does not move)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        pointer = screen.desk.pointer
        await keys(app, pilot, sequence)
        (enc,) = encounters(app)
        assert (enc.seat, enc.guest_type) == ("R1", "owner")
        assert screen.desk.seats["R1"].state is SeatState.SERVING and screen.desk.pointer == pointer

    await queue_app(db_url, fixed_clock, run)


@row("F2", "hand-off from 左2: the dialog opens on the first need outside 左2's duties and proposes who covers it; "
           "`↑` `↓` pick another need first")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["v"])  # 左2 王芳 (諮詢, 訪客登記) serves a visitor
        await keys(app, pilot, sequence[:-1])
        dialog = app.screen
        assert isinstance(dialog, HandoffDialog) and dialog.category == "repair"  # the first one she does not cover
        assert "建議:右2 李娜" in screen_text(app)
        await keys(app, pilot, ["down"])  # the remark: ↓ picks another need first
        assert dialog.category == "complaint" and "建議:左1 張偉" in screen_text(app)
        await keys(app, pilot, ["up"])
        await keys(app, pilot, sequence[-1:])
        assert isinstance(app.screen, QueueScreen)
        with Session(app.engine) as s:
            handoff = s.exec(select(Handoff)).one()
        assert (handoff.from_seat, handoff.to_seat, handoff.category) == ("L2", "R2", "repair")

    await queue_app(db_url, fixed_clock, run)


@row("F2", "finish with outcome 1–5")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["v", "v"])  # 左2 and 右2 serve; 右2 is selected (it stood last)
        assert screen.selected == "R2"
        await keys(app, pilot, sequence)
        await keys(app, pilot, ["1", *sequence])  # the remark: another seat's, with its seat key first
        first, second = encounters(app)
        assert (first.state, first.outcome, second.state, second.outcome) == ("closed", "answered", "closed", "answered")

    await queue_app(db_url, fixed_clock, run)


@row("F2", "task in hand / free / away")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        states = []
        for sequence in sequences:
            await keys(app, pilot, sequence, seat="3")
            states.append(screen.desk.seats["L1"].state)
        assert states == [SeatState.BUSY, SeatState.FREE, SeatState.AWAY]

    await queue_app(db_url, fixed_clock, run)


@row("F2", "the desk is full: the party waits, 「(點頭示意)請稍等」")
async def _(db_url, fixed_clock, sequences):
    assert sequences == []  # "(any arrival key)"
    async def run(app, pilot, screen):
        await keys(app, pilot, ["v"] * 4)  # every seat serving
        for arrival in ("a", "v", "g", "i", "u"):  # any of them: the party waits
            await keys(app, pilot, [arrival] if arrival != "a" else ["a", "enter"])
            assert "(點頭示意)" in greeting(app) and "請稍等" in greeting(app), arrival
        assert len(screen.desk.waiting) == 5

    await queue_app(db_url, fixed_clock, run)


@row("F2", "a seat frees up and takes the longest-waiting party (apology past 2 minutes)")
async def _(db_url, fixed_clock, sequences):
    on_offer, later = sequences
    for way in (on_offer, later):
        async def run(app, pilot, screen, way=way):
            await keys(app, pilot, ["v", "v", "v", "v", "a", "enter"])  # four served, an owner waits
            fixed_clock.advance(minutes=3)
            await keys(app, pilot, ["2", "f", "1"])  # 右2 finishes: offered the waiting owner
            assert isinstance(app.screen, OfferDialog)
            if way is later:
                await keys(app, pilot, ["escape"])
                assert isinstance(app.screen, QueueScreen) and len(screen.desk.waiting) == 1
            await keys(app, pilot, way)
            assert isinstance(app.screen, QueueScreen) and not screen.desk.waiting
            assert screen.desk.seats["R2"].state is SeatState.SERVING
            assert "對不起,讓您久等了" in greeting(app)  # waited 3 minutes

        await queue_app(db_url, fixed_clock, run)
        db_url = db_url.replace(".db", "-2.db")  # the second way on a desk of its own


@row("F2", "standard phrases and the etiquette card")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, sequence[:1])
        assert isinstance(app.screen, PhrasesDialog) and "欠身禮" in screen_text(app)
        await keys(app, pilot, sequence[1:])
        assert isinstance(app.screen, QueueScreen)

    await queue_app(db_url, fixed_clock, run)


# --- F5 -----------------------------------------------------------------------------------------------


async def checks_app(db_url, run, *, signed: str | None = None):
    """F5 on the checks desk (王芳 first: a woman, 30 items), the lead's PIN the README's."""
    day, shift = current_shift()
    engine = open_database(db_url)
    with Session(engine, expire_on_commit=False) as s:
        people = seed_desk(s, day, lead_pin=DEMO_PIN)
        s.commit()
        ids = {name: p.id for name, p in people.items()}
    if signed:
        with session_scope(engine) as s:
            view = selfchecks.start_check(s, ids[signed], day, shift.code)
            answers = {item.position: ("pass", "") for item in view.items}
            selfchecks.sign_check(s, view.id, ids["劉主管"], DEMO_PIN, answers=answers)
    engine.dispose()
    app = create_app(db_url, operator="劉主管", start_mode="checks")
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ChecksScreen)
        await run(app, pilot, app.screen)
    return app


def checks(app) -> list[SelfCheck]:
    return rows_of(app.engine, SelfCheck)


def answers(app) -> list[str]:
    (check,) = [c for c in checks(app) if c.state == "draft"]
    with Session(app.engine) as s:
        return [item.answer for item in selfchecks.get_check(s, check.id).items]


@row("F5", "open the highlighted person's check (`↑` `↓` pick them; a draft is resumed)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["down"])  # 李強
        await keys(app, pilot, sequence)
        assert screen.mode == "run" and "李強" in screen_text(app) and "第 1/31 項" in screen_text(app)
        await keys(app, pilot, ["p", "escape"])
        await keys(app, pilot, sequence)  # resumed where it was
        assert "第 2/31 項" in screen_text(app) and len(checks(app)) == 1

    await checks_app(db_url, run)


@row("F5", "pass / not applicable, and on to the next item")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        await keys(app, pilot, ["enter"])
        for sequence in sequences:
            await keys(app, pilot, sequence)
        assert screen.pos == 2
        assert answers(app)[:3] == ["pass", "na", ""]

    await checks_app(db_url, run)


@row("F5", "fail, with a note (typed before `Enter`)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["enter"])
        await keys(app, pilot, sequence, text="工牌戴在右胸")
        assert isinstance(app.screen, ChecksScreen) and screen.pos == 1
        (check,) = checks(app)
        with Session(app.engine) as s:
            item = selfchecks.get_check(s, check.id).items[0]
        assert (item.answer, item.note) == ("fail", "工牌戴在右胸")

    await checks_app(db_url, run)


@row("F5", "back to the item before, to change its answer")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["enter", "p"])
        await keys(app, pilot, sequence)
        assert screen.pos == 0
        await keys(app, pilot, ["n"])
        assert answers(app)[0] == "na"

    await checks_app(db_url, run)


@row("F5", "sign with the lead's PIN (the demo's is 123456)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["enter", *["p"] * 30])
        await keys(app, pilot, sequence)
        (check,) = checks(app)
        assert check.state == "signed" and check.pass_count == 30

    await checks_app(db_url, run)


@row("F5", "a woman's whole check, every item passed")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, sequence)
        (check,) = checks(app)
        assert (check.state, check.pass_count, check.item_count) == ("signed", 30, 30)
        with Session(app.engine) as s:
            assert s.get(Staff, check.staff_id).gender == "F"
        assert "王芳 的自檢已由 劉主管 簽核" in screen_text(app)

    await checks_app(db_url, run)


@row("F5", "back to the board (a draft is kept)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["enter", "p", "p"])
        await keys(app, pilot, sequence)
        assert screen.mode == "board" and "進行中 2/30" in screen_text(app)
        assert answers(app)[:3] == ["pass", "pass", ""]

    await checks_app(db_url, run)


@row("F5", "correct a signed check: a new record, with its reason (typed before `Enter`)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, sequence, text="第 2 項誤記")
        assert screen.mode == "run" and "更正記錄" in screen_text(app)
        old, new = checks(app)
        assert (old.state, new.state, new.corrects_id, new.reason) == ("signed", "draft", old.id, "第 2 項誤記")

    await checks_app(db_url, run, signed="王芳")


@row("F5", "7- and 30-day trends, per person and per item")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, sequence)
        assert isinstance(app.screen, ChecksHistoryScreen)
        assert "7 天" in screen_text(app) and "30 天" in screen_text(app)

    await checks_app(db_url, run)


@row("F5", "the day before / the day after / the next shift / the current shift")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        before, after, shift, now = sequences
        day, current = screen.day, screen.shift.code
        await keys(app, pilot, before)
        assert screen.day == day - timedelta(days=1)
        await keys(app, pilot, after)
        assert screen.day == day
        await keys(app, pilot, shift)
        assert screen.shift.code != current
        await keys(app, pilot, before)
        await keys(app, pilot, now)
        assert (screen.day, screen.shift.code) == (day, current)

    await checks_app(db_url, run)


# --- F6 -----------------------------------------------------------------------------------------------


async def owners_app(db_url, run):
    app = create_app(db_url, start_mode="owners")
    seed_queue(app.engine)  # 王小明 (3-2-1101, wxm, …5678) and 李美華 (5-1-202)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot, 0.05)
        assert isinstance(app.screen, OwnersScreen)
        await run(app, pilot, app.screen)
    return app


def listed(screen) -> list[str]:
    return [row.name for row in screen.table.items.values()]


@row("F6", "find owners as you type: by unit (3-2-1101), name, pinyin initials (wxm) or the last 4 phone digits")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["down"])  # from the results: `/` goes back to the search
        await keys(app, pilot, sequence)
        assert app.focused is screen.query_one("#owners-search") and listed(screen) == ["王小明"]
        for query in ("3-2-1101", "王小明", "5678"):  # the other kinds the row names
            screen.query_one("#owners-search", Input).value = query
            await settle(app, pilot, 0.05)
            assert listed(screen) == ["王小明"], query

    await owners_app(db_url, run)


@row("F6", "from the search to the results (then `↑` `↓`)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, sequence)
        assert app.focused is screen.table
        first = screen.table.cursor_row
        await keys(app, pilot, ["down"])
        assert screen.table.cursor_row == first + 1

    await owners_app(db_url, run)


@row("F6", "edit the highlighted owner (or `Enter` on it), then save")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["slash", *"wxm", "down"])
        await keys(app, pilot, sequence[:1])
        form = app.screen
        assert isinstance(form, OwnerFormScreen) and form.value("name") == "王小明"
        form.fields["notes"].focus()
        await settle(app, pilot)
        await keys(app, pilot, sequence[1:], text="行動不便")
        assert isinstance(app.screen, OwnersScreen)
        (owner,) = rows_of(app.engine, Owner, Owner.name == "王小明")
        assert owner.notes == "行動不便"
        await keys(app, pilot, ["enter"])  # the remark: Enter on the row edits it too
        assert isinstance(app.screen, OwnerFormScreen)

    await owners_app(db_url, run)


@row("F6", "add an owner (`a` from the results), then save")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, sequence[:1])
        form = app.screen
        assert isinstance(form, OwnerFormScreen)
        form.fill({"gender": "F", "units": "5-1-202"})
        await keys(app, pilot, sequence[1:], text="趙敏")  # the name field has the focus
        assert isinstance(app.screen, OwnersScreen) and rows_of(app.engine, Owner, Owner.name == "趙敏")
        await keys(app, pilot, ["down", "a"])  # the remark: `a` from the results
        assert isinstance(app.screen, OwnerFormScreen)

    await owners_app(db_url, run)


@row("F6", "add a unit, from the results, then save")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["down"])
        await keys(app, pilot, sequence, text="6-1-1601")
        assert isinstance(app.screen, OwnersScreen)
        assert rows_of(app.engine, Unit, Unit.code == "6-1-1601")

    await owners_app(db_url, run)


@row("F6", "clear the search: every owner again")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["slash", *"wxm"])
        await settle(app, pilot, 0.05)
        assert listed(screen) == ["王小明"]
        await keys(app, pilot, sequence)
        await settle(app, pilot, 0.05)
        assert screen.query_one("#owners-search", Input).value == "" and sorted(listed(screen)) == ["李美華", "王小明"]

    await owners_app(db_url, run)


# --- F8 -----------------------------------------------------------------------------------------------


async def roster_app(db_url, run, *, pin: bool = False):
    """F8 on the checks desk; with ``pin`` the lead has the README's PIN (else changes need none)."""
    day = desk_clock.today()
    engine = open_database(db_url)
    with Session(engine) as s:
        seed_desk(s, day - timedelta(days=1), lead_pin=DEMO_PIN)
        if not pin:
            for staff in s.exec(select(Staff).where(Staff.role == "lead")).all():
                staff.pin_hash = ""
        s.commit()
    engine.dispose()
    app = create_app(db_url, start_mode="roster")
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        await run(app, pilot, app.screen)
    return app


def seats_on(app, day) -> dict[str, str]:
    with Session(app.engine) as s:
        entries = s.exec(select(RosterEntry).where(RosterEntry.day == day)).all()
        return {e.seat: s.get(Staff, e.staff_id).name for e in entries}


def highlight(screen, name: str) -> int:
    return next(i for i, s in enumerate(screen.view.staff) if s.name == name)


@row("F8", "seat the highlighted person (`↑` `↓` pick them) at 左2 / 右2 / 左1 / 右1")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        assert len(sequences) == 4
        names = [s.name for s in screen.view.staff]
        for n, sequence in enumerate(sequences):
            if n:
                await keys(app, pilot, ["down"])
            await keys(app, pilot, sequence)
            if n == 0:  # the first change asks for the lead's PIN (the intro above the table)
                assert app.screen.__class__.__name__ == "SignDialog"
                await keys(app, pilot, [*DEMO_PIN, "enter"])
        assert seats_on(app, desk_clock.today()) == dict(zip(("L2", "R2", "L1", "R1"), names[:4]))

    await roster_app(db_url, run, pin=True)


@row("F8", "take the highlighted person off the day's roster")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        await keys(app, pilot, ["left_square_bracket"])  # yesterday has the desk seated
        screen.query_one("#roster-staff").move_cursor(row=highlight(screen, "王芳"))
        await settle(app, pilot)
        name = screen.highlighted().name
        assert name in seats_on(app, screen.day).values()
        await keys(app, pilot, sequence)
        assert name not in seats_on(app, screen.day).values()

    await roster_app(db_url, run)


@row("F8", "the same seats as the day before (`y` when the day has seats already)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        today = desk_clock.today()
        yesterday = seats_on(app, today - timedelta(days=1))
        await keys(app, pilot, sequence)
        assert seats_on(app, today) == yesterday
        await keys(app, pilot, ["x"])  # one seat less today; copying again asks first
        await keys(app, pilot, sequence)
        assert isinstance(app.screen, ConfirmDialog)
        await keys(app, pilot, ["y"])
        assert seats_on(app, today) == yesterday

    await roster_app(db_url, run)


@row("F8", "the day before / the day after / today")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        before, after, today = sequences
        day = screen.day
        await keys(app, pilot, before)
        assert screen.day == day - timedelta(days=1)
        await keys(app, pilot, after)
        await keys(app, pilot, after)
        assert screen.day == day + timedelta(days=1)
        await keys(app, pilot, today)
        assert screen.day == day

    await roster_app(db_url, run)


@row("F8", "add a member of staff / edit the highlighted one, then save")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        add, edit = sequences
        await keys(app, pilot, add[:1])
        form = app.screen
        assert isinstance(form, StaffFormScreen) and form.staff is None
        form.fill({"gender": "F"})
        await keys(app, pilot, add[1:], text="趙敏")
        assert isinstance(app.screen, RosterScreen) and rows_of(app.engine, Staff, Staff.name == "趙敏")
        screen.query_one("#roster-staff").move_cursor(row=highlight(screen, "趙敏"))
        await settle(app, pilot)
        await keys(app, pilot, edit[:1])
        form = app.screen
        assert isinstance(form, StaffFormScreen) and form.staff.name == "趙敏"
        await keys(app, pilot, edit[1:], text="趙敏兒")
        assert rows_of(app.engine, Staff, Staff.name == "趙敏兒")

    await roster_app(db_url, run)


@row("F8", "set the highlighted person's PIN (6 to 8 digits, typed twice)")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        screen.query_one("#roster-staff").move_cursor(row=highlight(screen, "劉主管"))
        await settle(app, pilot)
        first, typed, enter, typed_again, save = sequence
        await keys(app, pilot, [first])
        assert isinstance(app.screen, PinScreen)
        await keys(app, pilot, [typed, enter], text="13572468")
        await keys(app, pilot, [typed_again, save], text="13572468")
        assert isinstance(app.screen, RosterScreen)
        (lead,) = rows_of(app.engine, Staff, Staff.name == "劉主管")
        assert roster_domain.has_pin(lead)
        with session_scope(app.engine) as s:
            selfchecks.verify_lead(s, lead.id, "13572468")

    await roster_app(db_url, run)


@row("F8", "show or hide the people who have left")
async def _(db_url, fixed_clock, sequences):
    async def run(app, pilot, screen):
        (sequence,) = sequences
        with session_scope(app.engine) as s:
            gone = s.exec(select(Staff).where(Staff.name == "張偉")).one()
            gone.active = False
        screen.reload()
        await settle(app, pilot)
        assert "張偉" not in [s.name for s in screen.view.staff]
        await keys(app, pilot, sequence)
        assert "張偉" in [s.name for s in screen.view.staff]
        await keys(app, pilot, sequence)
        assert "張偉" not in [s.name for s in screen.view.staff]

    await roster_app(db_url, run)


# --- the tables and the checkers agree ----------------------------------------------------------------


ROWS = readme_rows()


def test_every_readme_row_has_its_checker_and_every_checker_its_row():
    documented = {(r.screen, r.what) for r in ROWS}
    assert sorted(documented - set(CHECKS)) == [], "README rows nobody walks"
    assert sorted(set(CHECKS) - documented) == [], "checkers of rows the README no longer has"
    assert {r.screen for r in ROWS} == set(TABLES)


@pytest.mark.parametrize("readme_row", ROWS, ids=[f"{r.screen}-{n}" for n, r in enumerate(ROWS)])
async def test_the_readme_row_does_what_it_says(readme_row, db_url, fixed_clock):
    check_presses(readme_row)
    checker = CHECKS.get((readme_row.screen, readme_row.what))
    assert checker is not None, f"no checker for {readme_row}"
    await checker(db_url, fixed_clock, readme_row.sequences)
