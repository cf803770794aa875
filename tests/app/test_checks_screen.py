"""F5 self-checks with the Pilot: a shift lead checks people by keyboard, signs, corrects, sees trends."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select
from textual.widgets import DataTable, Input, Sparkline

from frontdesk import selfchecks as sc
from frontdesk.app import create_app
from frontdesk.core.db import open_database
from frontdesk.models import RosterEntry, SelfCheck, Staff
from frontdesk.screens.checks import ChecksScreen
from frontdesk.screens.checks_dialogs import PromptDialog, SignDialog
from frontdesk.screens.checks_history import ChecksHistoryScreen
from frontdesk.shifts import current_shift
from tests.checks_data import LEAD_PIN, seat_roster, seed_desk
from tests.screen import screen_text

SIZE = (150, 45)


def setup_desk(db_url, *, roster: bool = True):
    """The desk on the roster for the shift the screen opens on. Returns (day, shift code, people ids)."""
    day, shift = current_shift()
    engine = open_database(db_url)
    with Session(engine, expire_on_commit=False) as s:
        people = seed_desk(s, day)
        if not roster:
            for entry in s.exec(select(RosterEntry)).all():
                s.delete(entry)
        s.commit()
        ids = {name: p.id for name, p in people.items()}
    engine.dispose()
    return day, shift.code, ids


def checks_in_db(db_url) -> list[SelfCheck]:
    engine = open_database(db_url)
    with Session(engine) as s:
        rows = list(s.exec(select(SelfCheck).order_by(SelfCheck.id)).all())
    engine.dispose()
    return rows


async def settle(app, pilot):
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def open_checks(app, pilot):
    await pilot.press("f5")
    await settle(app, pilot)
    assert isinstance(app.screen, ChecksScreen)


class Keys:
    """Presses keys and counts them, to report how many one person's check takes."""

    def __init__(self, pilot):
        self.pilot = pilot
        self.count = 0

    async def __call__(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)


async def test_a_lead_checks_two_people_by_keyboard(db_url):
    day, shift, ids = setup_desk(db_url)
    app = create_app(db_url, operator="劉主管")
    async with app.run_test(size=SIZE) as pilot:
        await open_checks(app, pilot)
        text = screen_text(app)
        assert "王芳" in text and "張偉" in text and "未做" in text

        # 王芳 (左2, first row): 30 items; item 4 fails with a note
        keys = Keys(pilot)
        await keys("enter")
        await settle(app, pilot)
        assert "王芳" in screen_text(app) and "第 1/30 項" in screen_text(app)
        assert "髮型文雅" in screen_text(app)
        await keys("p", "p", "p")
        await keys("f")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        note = "工牌戴在右胸"
        app.screen.query_one(Input).value = note  # typed text is not counted as answer keys
        await keys("enter")
        await pilot.pause()
        await keys(*["p"] * 26)
        await settle(app, pilot)
        assert "全部項目已檢查" in screen_text(app)
        await keys("s")
        await pilot.pause()
        assert isinstance(app.screen, SignDialog)
        assert "劉主管" in screen_text(app)
        await keys(*LEAD_PIN, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecksScreen)
        # Enter, 30 answers, S, six PIN digits, Enter: 39 keys when all pass; a fail adds
        # the Enter that confirms its note (and the note's own characters)
        assert keys.count == 40
        assert "王芳 的自檢已由 劉主管 簽核" in screen_text(app)

        # the cursor moved on to 李強 (右2): 31 items, one not applicable, back once to change an answer
        table = app.screen.query_one("#checks-people", DataTable)
        assert table.cursor_row == 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert "李強" in screen_text(app) and "第 1/31 項" in screen_text(app)
        await pilot.press("p", "p", "f")
        await pilot.pause()
        await pilot.press("escape")  # a fail without a note is cancelled
        await pilot.pause()
        await pilot.press("n", "up", "p", *["p"] * 28)
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press(*LEAD_PIN, "enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert text.count("✓ 已簽核") == 2

    rows = checks_in_db(db_url)
    assert [(r.staff_id, r.state, r.day, r.shift) for r in rows] == [
        (ids["王芳"], "signed", day, shift), (ids["李強"], "signed", day, shift)]
    assert (rows[0].pass_count, rows[0].fail_count, rows[0].na_count) == (29, 1, 0)
    assert (rows[1].pass_count, rows[1].fail_count, rows[1].na_count) == (31, 0, 0)
    engine = open_database(db_url)
    with Session(engine) as s:
        view = sc.get_check(s, rows[0].id)
    engine.dispose()
    assert view.items[3].answer == "fail" and view.items[3].note == note


async def test_incomplete_check_and_wrong_pin(db_url):
    setup_desk(db_url)
    app = create_app(db_url, operator="劉主管")
    async with app.run_test(size=SIZE) as pilot:
        await open_checks(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("p", "p", "s")
        await pilot.pause()
        assert isinstance(app.screen, ChecksScreen)  # no sign dialog
        assert "尚有 28 項未檢查" in screen_text(app)
        assert "第 3/30 項" in screen_text(app)
        await pilot.press(*["p"] * 28, "s")
        await pilot.pause()
        await pilot.press("9", "9", "9", "9", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SignDialog)
        assert "密碼錯誤,還可再試 2 次" in screen_text(app)
        await pilot.press(*LEAD_PIN, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecksScreen)
    assert checks_in_db(db_url)[0].state == "signed"


async def test_leave_and_resume_a_draft(db_url):
    setup_desk(db_url)
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_checks(app, pilot)
        await pilot.press("down", "enter")  # 李強
        await settle(app, pilot)
        await pilot.press("p", "n", "p", "escape")
        await settle(app, pilot)
        assert "進行中 3/31" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "第 4/31 項" in screen_text(app)
        await pilot.press("backspace")
        await pilot.pause()
        assert "第 3/31 項" in screen_text(app)
    rows = checks_in_db(db_url)
    assert len(rows) == 1 and rows[0].state == "draft"


async def test_signed_is_read_only_and_a_correction_replaces_it(db_url):
    day, shift, ids = setup_desk(db_url)
    engine = open_database(db_url)
    with Session(engine) as s:
        view = sc.start_check(s, ids["王芳"], day, shift)
        answers = {i.position: ("pass", "") for i in view.items} | {2: ("fail", "戴了耳環")}
        sc.sign_check(s, view.id, ids["劉主管"], LEAD_PIN, answers=answers)
        s.commit()
    engine.dispose()
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_checks(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "不能修改" in screen_text(app)
        assert "已簽核,只能查看" in screen_text(app) and "F 不合格" not in screen_text(app)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("enter")  # a reason is required
        await pilot.pause()
        assert "請填寫更正原因" in screen_text(app)
        app.screen.query_one(Input).value = "耳環是婚戒誤記"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "更正記錄" in screen_text(app)
        await pilot.press("down", "p", "s")  # item 2 now passes
        await pilot.pause()
        await pilot.press(*LEAD_PIN, "enter")
        await settle(app, pilot)
        assert "已更正" in screen_text(app)
    old, new = checks_in_db(db_url)
    assert old.fail_count == 1 and new.corrects_id == old.id and new.fail_count == 0 and new.state == "signed"


async def test_failed_items_of_the_last_shift_are_shown_first(db_url):
    day, shift, ids = setup_desk(db_url)
    yesterday = day - timedelta(days=1)
    engine = open_database(db_url)
    with Session(engine) as s:
        people = {p.name: p for p in s.exec(select(Staff)).all()}
        seat_roster(s, yesterday, people)
        view = sc.start_check(s, ids["王芳"], yesterday, shift)
        answers = {i.position: ("pass", "") for i in view.items} | {11: ("fail", "鞋子有灰")}
        sc.sign_check(s, view.id, ids["劉主管"], LEAD_PIN, answers=answers)
        s.commit()
    engine.dispose()
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_checks(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert "上一班" in text and "鞋子光亮、清潔" in text and "鞋子有灰" in text


async def test_nobody_on_duty(db_url):
    setup_desk(db_url, roster=False)
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_checks(app, pilot)
        assert "值班表上沒有人" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "請先選擇一位值班人員" in screen_text(app)


async def test_trends_table_and_sparkline(db_url):
    day, shift, ids = setup_desk(db_url)
    engine = open_database(db_url)
    with Session(engine) as s:
        people = {p.name: p for p in s.exec(select(Staff)).all()}
        for back in (1, 2, 3):
            seat_roster(s, day - timedelta(days=back), people)
        for back, fails in ((3, 4), (2, 2), (1, 0), (0, 1)):
            the_day = day - timedelta(days=back)
            view = sc.start_check(s, ids["王芳"], the_day, shift)
            answers = {i.position: ("fail" if i.position <= fails else "pass", "x") for i in view.items}
            sc.sign_check(s, view.id, ids["劉主管"], LEAD_PIN, answers=answers)
        s.commit()
    engine.dispose()
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_checks(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecksHistoryScreen)
        text = screen_text(app)
        # 7 of 120 answers failed: 94%; the item table is for 王芳 (highlighted on the board)
        assert "王芳" in text and "94%" in text and "各項目合格率" in text
        spark = app.screen.query_one(Sparkline)
        assert list(spark.data) == [100 * 26 / 30, 100 * 28 / 30, 100.0, 100 * 29 / 30]
        assert "髮型文雅" in text  # item 1 failed on 3 of 4 days: 25%
        assert "25%" in text
        await pilot.press("up")  # the whole team
        await settle(app, pilot)
        assert "全體:各項目合格率" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChecksScreen)


async def test_another_desk_changing_the_same_check_is_told(db_url):
    day, shift, ids = setup_desk(db_url)
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_checks(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        engine = open_database(db_url)
        with Session(engine) as s:  # another desk answers item 1 first
            check = s.exec(select(SelfCheck)).one()
            sc.answer_item(s, check.id, 1, "fail", "另一台前台記錄")
            s.commit()
        engine.dispose()
        await pilot.press("p")
        await settle(app, pilot)
        text = screen_text(app)
        assert "另一個前台修改" in text and "另一台前台記錄" in text  # told, and shown as it now stands


async def test_narrow_terminal_shows_answers_and_notes_and_wraps_long_items(db_url):
    """At 100 columns the list of items fits the screen: results and notes in view, long seed texts wrapped."""
    setup_desk(db_url)
    app = create_app(db_url)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_checks(app, pilot)
        await pilot.press("down", "enter")  # 李強: the men's list has the longest item texts
        await settle(app, pilot)
        await pilot.press("p", "f")
        await pilot.pause()
        app.screen.query_one(Input).value = "鬍鬚未刮乾淨"
        await pilot.press("enter")
        await settle(app, pilot)
        table = app.screen.query_one("#run-items", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no sideways scrolling
        text = screen_text(app)
        assert "✓ 合格" in text and "✗ 不合格" in text
        assert "鬍鬚未刮乾淨" in text  # the whole note, not cut to the width of its header


async def test_a_note_is_shown_whole_in_the_list(db_url):
    setup_desk(db_url)
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_checks(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one(Input).value = "長髮未梳成髮髻"
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("p")  # item 2: the panel shows item 2, the note of item 1 is only in the list
        await settle(app, pilot)
        assert "長髮未梳成髮髻" in screen_text(app)


async def test_after_the_last_answer_its_row_is_in_view_and_the_board_is_not_told_to_sign(db_url):
    setup_desk(db_url)
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_checks(app, pilot)
        await pilot.press("enter")  # 王芳: 30 items, more than the list shows
        await settle(app, pilot)
        await pilot.press(*["p"] * 30)
        await settle(app, pilot)
        text = screen_text(app)
        assert "全部項目已檢查" in text
        last = "電腦、印表機、影印機等辦公裝置已關閉"
        assert text.count(last) == 2  # in the panel and in the list, where the cursor is
        await pilot.press("escape")
        await settle(app, pilot)
        text = screen_text(app)
        assert "進行中 30/30" in text
        assert "按 S 簽核" not in text  # S does nothing on the board: the run's message is gone


async def test_trend_item_table_fits_the_screen(db_url):
    day, shift, ids = setup_desk(db_url)
    engine = open_database(db_url)
    with Session(engine) as s:
        view = sc.start_check(s, ids["李強"], day, shift)  # the men's list: the longest texts
        answers = {i.position: ("pass", "") for i in view.items} | {1: ("fail", "頭髮過長")}
        sc.sign_check(s, view.id, ids["劉主管"], LEAD_PIN, answers=answers)
        s.commit()
    engine.dispose()
    app = create_app(db_url)
    for size in (SIZE, (100, 30)):
        async with app.run_test(size=size) as pilot:
            await open_checks(app, pilot)
            await pilot.press("down", "h")
            await settle(app, pilot)
            table = app.screen.query_one("#history-items", DataTable)
            assert table.row_count == 31
            assert table.virtual_size.width <= table.scrollable_content_region.width, size
            assert "30天不適用" in screen_text(app)  # the last column is in view
        app = create_app(db_url)
