"""F8 roster screen with the Pilot: seat people by keys, add and edit staff, copy yesterday."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select
from textual.widgets import DataTable, Input, RadioSet

from frontdesk import roster
from frontdesk.app import create_app
from frontdesk.core.db import open_database, session_scope
from frontdesk.models import Staff
from frontdesk.roster import StaffForm
from frontdesk.screens.roster import PinScreen, RosterScreen, StaffFormScreen
from frontdesk.widgets.dialogs import ConfirmDialog
from tests.screen import screen_text

TODAY = date.today()


def make_team(db_url, yesterday_roster: bool = False) -> dict[str, int]:
    engine = open_database(db_url)
    with session_scope(engine) as s:
        people = [
            roster.create_staff(s, StaffForm(name="王麗", gender="F", role="lead", duties="complaint")),
            roster.create_staff(s, StaffForm(name="陳靜", gender="F", duties="inquiry repair")),
            roster.create_staff(s, StaffForm(name="劉洋", gender="M", duties="payment")),
        ]
        ids = {p.name: p.id for p in people}
        if yesterday_roster:
            day = TODAY - timedelta(days=1)
            roster.set_seat(s, day, "L2", ids["陳靜"])
            roster.set_seat(s, day, "R2", ids["劉洋"])
            roster.set_seat(s, day, "R1", ids["王麗"])
    engine.dispose()
    return ids


def seated(db_url, day=TODAY) -> dict[str, str]:
    engine = open_database(db_url)
    with Session(engine) as s:
        out = {seat: p.name for seat, p in roster.roster_for(s, day).items()}
    engine.dispose()
    return out


async def settle(app, pilot):
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def seat_text(app, seat: str) -> str:
    return str(app.screen.query_one(f"#seat-{seat}").render())


async def open_roster(app, pilot):
    await pilot.press("f8")
    await settle(app, pilot)
    assert isinstance(app.screen, RosterScreen)


async def test_seat_the_highlighted_person_by_key_and_move_them(db_url):
    make_team(db_url)
    app = create_app(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_roster(app, pilot)
        text = screen_text(app)
        assert "左2" in text and "右1" in text and "王麗" in text and "領班" in text
        table = app.screen.query_one("#roster-staff", DataTable)
        assert table.row_count == 3
        await pilot.press("down")  # 王麗 (the lead) is first, then 陳靜
        await pilot.press("1")
        await settle(app, pilot)
        assert "陳靜" in seat_text(app, "L2")
        assert "已安排在 左2" in screen_text(app)
        assert seated(db_url) == {"L2": "陳靜"}
        await pilot.press("3")  # the same person to 左1: she moves
        await settle(app, pilot)
        assert "陳靜" in seat_text(app, "L1") and "陳靜" not in seat_text(app, "L2")
        assert seated(db_url) == {"L1": "陳靜"}
        await pilot.press("x")
        await settle(app, pilot)
        assert seated(db_url) == {}
        assert "空位" in seat_text(app, "L1")


async def test_days_move_with_brackets(db_url):
    make_team(db_url)
    app = create_app(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_roster(app, pilot)
        assert "今天" in screen_text(app)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        tomorrow = TODAY + timedelta(days=1)
        assert tomorrow.isoformat() in screen_text(app) and "今天" not in screen_text(app)
        await pilot.press("2")  # 王麗 at 右2 tomorrow
        await settle(app, pilot)
        assert seated(db_url, tomorrow) == {"R2": "王麗"} and seated(db_url) == {}
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert "今天" in screen_text(app) and "王麗" not in seat_text(app, "R2")


async def test_copy_yesterdays_roster(db_url):
    make_team(db_url, yesterday_roster=True)
    app = create_app(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_roster(app, pilot)
        assert "空位" in seat_text(app, "L2")
        await pilot.press("c")
        await settle(app, pilot)
        assert "陳靜" in seat_text(app, "L2") and "劉洋" in seat_text(app, "R2") and "王麗" in seat_text(app, "R1")
        assert "3 個座位" in screen_text(app)
        assert seated(db_url) == {"L2": "陳靜", "R2": "劉洋", "R1": "王麗"}
        # today has a roster now: copying again asks first, and "n" keeps it
        await pilot.press("x")  # 王麗 (first row) leaves 右1
        await settle(app, pilot)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(app, pilot)
        assert seated(db_url) == {"L2": "陳靜", "R2": "劉洋"}
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
        assert seated(db_url) == {"L2": "陳靜", "R2": "劉洋", "R1": "王麗"}


async def test_add_staff_with_empty_name_shows_message_next_to_field(db_url):
    make_team(db_url)
    app = create_app(db_url)
    async with app.run_test(size=(140, 50)) as pilot:
        await open_roster(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, StaffFormScreen)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form  # still open
        name_error = form.query_one("#err-name")
        assert name_error.display and "請輸入姓名" in str(name_error.render())
        assert "請選擇性別" in str(form.query_one("#err-gender").render())
        assert not form.query_one("#err-role").display
        engine = open_database(db_url)
        with Session(engine) as s:
            assert len(s.exec(select(Staff)).all()) == 3
        engine.dispose()
        # fix it: type a name, choose 女, save
        form.query_one("#f-name", Input).focus()
        await pilot.press(*"林小美")
        form.query_one("#f-gender", RadioSet).focus()
        await pilot.press("enter")  # the first button: 女
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        assert "林小美" in screen_text(app) and "已儲存員工 林小美" in screen_text(app)
    engine = open_database(db_url)
    with Session(engine) as s:
        added = s.exec(select(Staff).where(Staff.name == "林小美")).one()
        assert added.gender == "F" and added.role == "receptionist" and added.surname == "林"
    engine.dispose()


async def test_duplicate_name_keeps_what_was_typed(db_url):
    make_team(db_url)
    app = create_app(db_url)
    async with app.run_test(size=(140, 50)) as pilot:
        await open_roster(app, pilot)
        await pilot.press("down", "e")  # edit 陳靜
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, StaffFormScreen)
        name = form.query_one("#f-name", Input)
        assert name.value == "陳靜"
        name.value = "劉洋"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and name.value == "劉洋"
        assert "劉洋" in str(form.query_one("#err-name").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
    engine = open_database(db_url)
    with Session(engine) as s:
        assert sorted(p.name for p in s.exec(select(Staff)).all()) == ["劉洋", "王麗", "陳靜"]
    engine.dispose()


async def test_edit_conflict_is_told_in_the_form(db_url):
    ids = make_team(db_url)
    app = create_app(db_url)
    async with app.run_test(size=(140, 50)) as pilot:
        await open_roster(app, pilot)
        await pilot.press("down", "enter")  # Enter edits too
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, StaffFormScreen)
        # another desk saves 陳靜 meanwhile
        engine = open_database(db_url)
        with session_scope(engine) as s:
            roster.update_staff(s, ids["陳靜"], 1, StaffForm(name="陳靜", gender="F", duties="visitor"))
        engine.dispose()
        form.query_one("#f-name", Input).value = "陳靜怡"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form
        assert "另一個前台" in str(form.query_one("#dialog-error").render())


async def test_set_pin_twice_and_mismatch(db_url):
    ids = make_team(db_url)
    app = create_app(db_url)
    async with app.run_test(size=(140, 50)) as pilot:
        await open_roster(app, pilot)
        await pilot.press("p")  # 王麗, the first row
        await settle(app, pilot)
        assert isinstance(app.screen, PinScreen)
        await pilot.press(*"246813", "enter", *"246913", "enter")
        await settle(app, pilot)
        assert "不一樣" in str(app.screen.query_one("#err-pin_again").render())
        app.screen.query_one("#f-pin", Input).value = "12"
        app.screen.query_one("#f-pin_again", Input).value = "12"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "6 到 8 位數字" in str(app.screen.query_one("#err-pin").render())
        app.screen.query_one("#f-pin", Input).value = "246813"
        app.screen.query_one("#f-pin_again", Input).value = "246813"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen) and "已設" in screen_text(app)
    engine = open_database(db_url)
    with session_scope(engine) as s:
        assert roster.verify_pin(s, ids["王麗"], "246813")
    engine.dispose()


async def test_english_roster(db_url):
    make_team(db_url)
    app = create_app(db_url, language="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_roster(app, pilot)
        text = screen_text(app)
        assert "L2" in text and "Standing order" in text and "shift lead" in text
        assert "左2" not in text


async def test_copy_right_after_changing_day_asks_about_the_day_shown(db_url):
    """']' then 'c' typed quickly: the copy is judged on the new day (empty: no question), not the day left."""
    ids = make_team(db_url)
    engine = open_database(db_url)
    with session_scope(engine) as s:
        roster.set_seat(s, TODAY, "L2", ids["陳靜"])
    engine.dispose()
    app = create_app(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_roster(app, pilot)
        assert "陳靜" in seat_text(app, "L2")
        screen = app.screen
        screen.action_day(1)  # "]" and "c" in the same instant: the new day's roster is not read yet
        screen.action_copy_previous()
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog), screen_text(app)
        assert seated(db_url, TODAY + timedelta(days=1)) == {"L2": "陳靜"}
        assert "陳靜" in seat_text(app, "L2")


async def test_once_a_lead_has_a_pin_changes_need_it(db_url):
    ids = make_team(db_url)
    engine = open_database(db_url)
    with session_scope(engine) as s:
        roster.set_pin(s, ids["王麗"], "246813")
    engine.dispose()
    app = create_app(db_url)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_roster(app, pilot)
        await pilot.press("1")  # seat the highlighted person at 左2
        await settle(app, pilot)
        assert "領班確認" in screen_text(app)
        await pilot.press(*"1111", "enter")
        await settle(app, pilot)
        assert "密碼錯誤,還可再試 2 次" in screen_text(app)
        assert seated(db_url) == {}  # nothing changed
        await pilot.press(*"246813", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        assert list(seated(db_url)) == ["L2"]
        await pilot.press("down", "2")  # within ten minutes: no PIN asked again
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        assert set(seated(db_url)) == {"L2", "R2"}


async def test_escape_from_the_lead_pin_changes_nothing(db_url):
    ids = make_team(db_url)
    engine = open_database(db_url)
    with session_scope(engine) as s:
        roster.set_pin(s, ids["王麗"], "246813")
    engine.dispose()
    app = create_app(db_url)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_roster(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        assert seated(db_url) == {}
