"""F6 owners: search as you type, add and edit by keys, errors next to the field, conflicts, paging."""

from __future__ import annotations

import threading

from rich.cells import cell_len
from sqlalchemy import func, select
from sqlmodel import Session
from textual.widgets import Input, Label, Static

from frontdesk import owners
from frontdesk.core import i18n
from frontdesk.app import create_app
from frontdesk.core.db import session_scope
from frontdesk.models import Owner, Unit
from frontdesk.owners import OwnerForm
from frontdesk.screens.owner_form import OwnerFormScreen, UnitFormScreen
from frontdesk.screens.owners import PAGE_SIZE, OwnersScreen, OwnersTable
from tests.screen import screen_text

SIZE = (140, 50)


def seed(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        for code in ("3-2-1101", "3-2-1102", "5-1-202"):
            owners.add_unit(s, code)
        return {
            "wxm": owners.create_owner(s, OwnerForm(name="王小明", gender="M", phone="13812345678",
                                                    units="3-2-1101", is_vip=True)).id,
            "ln": owners.create_owner(s, OwnerForm(name="李娜", gender="F", phone="13900005678",
                                                   units="3-2-1101", role="resident")).id,
            "zs": owners.create_owner(s, OwnerForm(name="張三", gender="M", phone="13711112222",
                                                   units="5-1-202")).id,
        }


def owner_count(engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Owner)).scalar_one()


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def table_names(app) -> list[str]:
    table = app.screen.query_one(OwnersTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_search_as_you_type(db_url):
    app = create_app(db_url, start_mode="owners")
    seed(app.engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, OwnersScreen)
        assert app.focused.id == "owners-search"
        assert sorted(table_names(app)) == ["張三", "李娜", "王小明"]
        await pilot.press(*"wxm")
        await settle(app, pilot)
        assert table_names(app) == ["王小明"]
        text = screen_text(app)
        assert "138 1234 5678" in text and "3-2-1101" in text and "貴賓" in text
        assert "李娜" in text  # the detail panel lists the other people of the unit
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.query_one("#owners-search", Input).value == ""
        assert len(table_names(app)) == 3
        await pilot.press(*"5678")
        await settle(app, pilot)
        assert sorted(table_names(app)) == ["李娜", "王小明"]
        await pilot.press("escape", *"3棟2單元1101")
        await settle(app, pilot)
        assert table_names(app) == ["王小明", "李娜"]
        assert "住戶" in screen_text(app)
        await pilot.press("escape", *"12")
        await settle(app, pilot)
        assert table_names(app) == [] and "4 位" in screen_text(app)


async def test_stale_search_never_overwrites_a_newer_one(db_url, monkeypatch):
    app = create_app(db_url, start_mode="owners")
    seed(app.engine)
    release = threading.Event()
    real_search = owners.search

    def slow_search(session, query, **kw):
        if query == "w":
            release.wait(5)  # the search for "w" finishes last
        return real_search(session, query, **kw)

    monkeypatch.setattr(owners, "search", slow_search)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("x", "m")
        await pilot.pause(0.2)
        release.set()
        await settle(app, pilot)
        assert table_names(app) == ["王小明"]
        assert app.screen.query_one("#owners-search", Input).value == "wxm"


async def test_add_an_owner_by_keys(db_url):
    app = create_app(db_url, start_mode="owners")
    seed(app.engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, OwnerFormScreen)
        await pilot.press(*"歐陽娜娜")
        await pilot.press("tab", "enter", "down", "enter")  # gender: 女
        await pilot.press("tab", *"137 0000 9999")
        await pilot.press("tab", "tab", *"3-2-1102, 5-1-202")
        await pilot.press("tab", "tab", "space")  # role stays 業主; VIP on
        await pilot.press("tab", "space")  # familiar on
        await pilot.press("tab", *"喜歡安靜")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnersScreen)
    with session_scope(app.engine) as s:
        (row,) = owners.search(s, "oynn")
        detail = owners.get_owner(s, row.id)
    owner = detail.owner
    assert (owner.name, owner.gender, owner.phone) == ("歐陽娜娜", "F", "+8613700009999")
    assert owner.is_vip and owner.is_familiar and owner.notes == "喜歡安靜"
    assert [(u.code, u.role) for u in detail.units] == [("3-2-1102", "owner"), ("5-1-202", "owner")]


async def test_invalid_phone_and_empty_name_show_next_to_the_fields(db_url):
    app = create_app(db_url, start_mode="owners")
    seed(app.engine)
    before = owner_count(app.engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("tab", "tab", *"1381234")  # no name, no gender, a short phone
        await pilot.press("tab", "tab", *"9-9-909")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, OwnerFormScreen)  # still open
        name_err = form.query_one("#err-name", Label)
        phone_err = form.query_one("#err-phone", Label)
        assert name_err.display and str(name_err.render()) == "請填寫姓名。"
        assert phone_err.display and "1381234" in str(phone_err.render())
        assert "9-9-909" in str(form.query_one("#err-units", Label).render())
        assert form.query_one("#err-gender", Label).display
        assert not form.query_one("#err-phone2", Label).display
        assert "field-error" in phone_err.classes
        # What was typed stays; the first bad field has the focus.
        assert form.query_one("#f-phone", Input).value == "1381234"
        assert form.query_one("#f-units", Input).value == "9-9-909"
        assert app.focused.id == "f-name"
        assert owner_count(app.engine) == before
        # Fix them and save: the messages go away and the owner is saved.
        await pilot.press(*"趙六")
        form.query_one("#f-gender").value = "M"
        form.query_one("#f-phone", Input).value = "13812340000"
        form.query_one("#f-units", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnersScreen)
    assert owner_count(app.engine) == before + 1


async def test_edit_an_owner(db_url):
    app = create_app(db_url, start_mode="owners")
    ids = seed(app.engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*"zs", "enter")  # to the results
        await settle(app, pilot)
        assert app.focused is app.screen.query_one(OwnersTable)
        await pilot.press("e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, OwnerFormScreen)
        assert form.query_one("#f-name", Input).value == "張三"
        assert form.query_one("#f-units", Input).value == "5-1-202"
        form.query_one("#f-phone2", Input).value = "010-62345678"
        form.query_one("#f-notes", Input).value = "週末在家"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnersScreen)
        assert "010 6234 5678" in screen_text(app)
    with session_scope(app.engine) as s:
        owner = owners.get_owner(s, ids["zs"]).owner
    assert (owner.phone2, owner.notes, owner.version) == ("+861062345678", "週末在家", 2)


async def test_enter_on_a_row_edits_it(db_url):
    app = create_app(db_url, start_mode="owners")
    seed(app.engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*"ln", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnerFormScreen)
        assert app.screen.query_one("#f-name", Input).value == "李娜"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OwnersScreen)


async def test_version_conflict_is_told_and_nothing_is_overwritten(db_url):
    app = create_app(db_url, start_mode="owners")
    ids = seed(app.engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*"wxm", "enter", "e")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, OwnerFormScreen)
        # Meanwhile another desk changes the same owner.
        with session_scope(app.engine) as s:
            other = OwnerForm.from_owner(owners.get_owner(s, ids["wxm"]))
            other.notes = "另一個前台寫的"
            owners.update_owner(s, ids["wxm"], 1, other)
        form.query_one("#f-notes", Input).value = "我寫的"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form  # still open, typing kept
        banner = form.query_one("#dialog-error", Static)
        assert banner.display and str(banner.render()) == i18n.t("db.conflict")
        assert form.query_one("#f-notes", Input).value == "我寫的"
        with session_scope(app.engine) as s:
            assert owners.get_owner(s, ids["wxm"]).owner.notes == "另一個前台寫的"
        # Ctrl+R reloads the record as saved now; saving then works.
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert form.query_one("#f-notes", Input).value == "另一個前台寫的"
        assert not banner.display
        form.query_one("#f-notes", Input).value = "兩邊都看過了"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnersScreen)
    with session_scope(app.engine) as s:
        owner = owners.get_owner(s, ids["wxm"]).owner
    assert (owner.notes, owner.version) == ("兩邊都看過了", 3)


async def test_add_a_unit_and_a_duplicate_unit(db_url):
    app = create_app(db_url, start_mode="owners")
    seed(app.engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("tab", "u")
        await pilot.pause()
        assert isinstance(app.screen, UnitFormScreen)
        await pilot.press(*"8棟1單元0801", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnersScreen)
        assert app.screen.query_one("#owners-search", Input).value == "8-1-0801"
        await pilot.press("tab", "u")
        await pilot.pause()
        await pilot.press(*"3棟2單元1101", "enter")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, UnitFormScreen)
        error = form.query_one("#err-code", Label)
        assert error.display and str(error.render()) == "單元 3-2-1101 已經登記過了。"
        assert form.query_one("#f-code", Input).value == "3棟2單元1101"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OwnersScreen)
    with Session(app.engine) as s:
        assert s.exec(select(func.count()).select_from(Unit)).scalar_one() == 4


async def test_the_table_pages_from_sql(db_url):
    app = create_app(db_url, start_mode="owners")
    with session_scope(app.engine) as s:
        for i in range(PAGE_SIZE * 2 + 20):
            owners.create_owner(s, OwnerForm(name=f"測試{i:03d}", gender="F", phone=f"1380000{i:04d}"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(OwnersTable)
        assert table.row_count == PAGE_SIZE
        assert "50+" in screen_text(app)
        table.focus()
        await pilot.press("pagedown")  # near the end of the first page: the second is read
        await settle(app, pilot)
        assert table.row_count == PAGE_SIZE * 2
        await pilot.press("ctrl+end")
        await settle(app, pilot)
        assert table.row_count == PAGE_SIZE * 2 + 20
        assert "120" in screen_text(app) and "120+" not in screen_text(app)
        names = table_names(app)
        assert names == sorted(names) and len(set(names)) == len(names)


async def test_owners_screen_in_english(db_url):
    app = create_app(db_url, start_mode="owners", language="en")
    seed(app.engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Owners" in text and "Search" in text and "Phone" in text
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert str(app.screen.query_one("#err-name", Label).render()) == "Enter the name."


async def test_scrolling_to_the_end_reads_the_next_page(db_url):
    app = create_app(db_url, start_mode="owners")
    with session_scope(app.engine) as s:
        for i in range(PAGE_SIZE + 5):
            owners.create_owner(s, OwnerForm(name=f"測試{i:03d}", gender="M", phone=f"1390000{i:04d}"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(OwnersTable)
        assert table.row_count == PAGE_SIZE and table.cursor_row == 0
        table.scroll_to(y=table.max_scroll_y, animate=False)
        await settle(app, pilot)
        assert table.row_count == PAGE_SIZE + 5


async def test_a_registered_unit_with_nobody_is_not_reported_as_not_found(db_url):
    app = create_app(db_url, start_mode="owners")
    seed(app.engine)
    with session_scope(app.engine) as s:
        owners.add_unit(s, "7-1-101", notes="樣板間")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*"7棟1單元101")
        await settle(app, pilot)
        assert table_names(app) == []
        status = str(app.screen.query_one("#owners-status", Static).render())
        assert "找不到" not in status
        assert status == i18n.t("owners.status.unit_empty", code="7-1-101")
        text = screen_text(app)
        assert "7-1-101" in text and "樣板間" in text  # the unit is shown in the detail panel
        await pilot.press("escape", *"8-8-808")  # a unit that is not registered: not found
        await settle(app, pilot)
        assert "找不到" in str(app.screen.query_one("#owners-status", Static).render())


async def test_flags_are_not_cut_off_on_a_100_column_terminal(db_url):
    app = create_app(db_url, start_mode="owners", language="en")
    with session_scope(app.engine) as s:
        owners.add_unit(s, "3-2-1101")
        owners.create_owner(s, OwnerForm(name="上官剛宇", gender="M", phone="13812345678", units="3-2-1101",
                                         role="resident", is_vip=True, is_familiar=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"3-2-1101")
        await settle(app, pilot)
        (line,) = [row for row in screen_text(app).splitlines() if "上官剛宇" in row and "138" in row]
        assert "3-2-1101 resident" in line and "VIP Familiar" in line


async def test_detail_panel_never_cuts_a_phone_number(db_url):
    app = create_app(db_url, start_mode="owners", language="en")
    with session_scope(app.engine) as s:
        owners.add_unit(s, "3-2-1101")
        owners.add_unit(s, "5-1-802")
        owners.create_owner(s, OwnerForm(name="方婷瑤", gender="F", phone="15092207373", units="3-2-1101, 5-1-802"))
        for name, phone, unit, role in (("歐陽娜娜", "13900012233", "3-2-1101", "owner"),
                                        ("司馬勇鑫", "13573527445", "3-2-1101", "resident"),
                                        ("陳海", "18098596130", "5-1-802", "tenant")):
            owners.create_owner(s, OwnerForm(name=name, gender="M", phone=phone, units=unit, role=role))
    for size in ((100, 30), (140, 45), (200, 50)):
        app = create_app(db_url, start_mode="owners", language="en")
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            await pilot.press(*"fty")
            await settle(app, pilot)
            text = screen_text(app)
            assert "…" not in text, size
            for phone in ("139 0001 2233", "135 7352 7445", "180 9859 6130"):
                assert phone in text, (size, phone)


async def test_a_new_owner_is_shown_after_saving(db_url):
    app = create_app(db_url, start_mode="owners")
    with session_scope(app.engine) as s:
        owners.add_unit(s, "3-2-1101")
        for i in range(PAGE_SIZE + 5):  # more owners than one page: the new one is not on the first
            owners.create_owner(s, OwnerForm(name=f"測試{i:03d}", gender="F", phone=f"1380000{i:04d}"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        form.query_one("#f-name", Input).value = "諸葛明"
        form.query_one("#f-gender").value = "M"
        form.query_one("#f-units", Input).value = "3-2-1101"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, OwnersScreen)
        assert "諸葛明" in table_names(app)
        assert app.screen.current_row().name == "諸葛明"
        assert "諸葛先生" in screen_text(app)  # its detail is shown


async def test_home_and_end_go_to_the_first_and_last_row(db_url):
    app = create_app(db_url, start_mode="owners")
    with session_scope(app.engine) as s:
        for i in range(PAGE_SIZE + 20):
            owners.create_owner(s, OwnerForm(name=f"測試{i:03d}", gender="M", phone=f"1370000{i:04d}"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(OwnersTable)
        table.focus()
        await pilot.press("end")  # the last row read, and so the next page
        await settle(app, pilot)
        assert table.cursor_row == PAGE_SIZE - 1
        assert table.row_count == PAGE_SIZE + 20
        await pilot.press("end")
        await settle(app, pilot)
        assert table.cursor_row == PAGE_SIZE + 19
        await pilot.press("home")
        await settle(app, pilot)
        assert table.cursor_row == 0


async def test_the_detail_follows_the_highlighted_row_and_columns_line_up(db_url):
    app = create_app(db_url, start_mode="owners", language="en")
    seed(app.engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press(*"3-2-1101", "down")  # into the list: 王小明 then 李娜
        await settle(app, pilot)
        table = app.screen.query_one(OwnersTable)
        assert app.focused is table and table.cursor_row == 0
        assert app.screen.current_row().name == "王小明"
        await pilot.press("down")
        await settle(app, pilot)
        assert table.cursor_row == 1 and app.screen.current_row().name == "李娜"
        detail = app.screen._detail
        assert detail is not None and detail.owner.name == "李娜"  # the panel shows her, not 王小明
        assert f"李娜  {owners.honorific(detail.owner)}" in screen_text(app)
        lines = [line for line in screen_text(app).splitlines() if "3-2-1101" in line and "13" in line]
        starts = {cell_len(line[: line.index("3-2-1101")]) for line in lines}
        assert len(lines) == 2 and len(starts) == 1, lines


async def test_an_id_number_in_the_notes_is_shown_masked(db_url):
    app = create_app(db_url, start_mode="owners")
    with session_scope(app.engine) as s:
        owners.add_unit(s, "9-1-901")
        owners.create_owner(s, OwnerForm(name="周杰", gender="M", phone="13812349999", units="9-1-901",
                                         notes="身分證 11010519491231002X 已核對"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "110105********002X" in text and "11010519491231002X" not in text
