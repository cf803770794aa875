"""What a receptionist met on F2 and F6 as a new user (issue 7), each driven with keys."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from sqlmodel import select
from textual.widgets import Input, Select, Static

from frontdesk.app import create_app
from frontdesk.core.db import session_scope
from frontdesk.models import Handoff
from frontdesk.screens.help import HelpScreen
from frontdesk.screens.queue import QueueScreen
from frontdesk.screens.queue_dialogs import HandoffDialog, OfferDialog, PhrasesDialog
from frontdesk.widgets.plain import plain
from tests.app.test_field_limits import open_owner_form
from tests.app.test_queue_screen import press, seed, settle, start
from tests.screen import screen_text

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture
def seeded(db_url, fixed_clock):
    app = create_app(db_url)
    seed(app.engine)
    app.engine.dispose()
    return db_url


@pytest.fixture(autouse=True)
def _no_background_reads(monkeypatch):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)


def greeting_panel(app) -> str:
    return str(app.screen.query_one("#queue-greeting", Static).render())


# --- hand-off ---------------------------------------------------------------------------------


async def test_handoff_opens_on_the_first_need_outside_the_persons_duties(seeded, fixed_clock):
    """The README's row: `1` `h` opens on the first category 左2 does not cover; ↑↓ only to pick another."""
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await start(app, pilot, fixed_clock)
        await press(app, pilot, "v", "1", "h")  # 王芳 (諮詢, 訪客登記) serves a visitor and hands off
        dialog = app.screen
        assert isinstance(dialog, HandoffDialog)
        assert dialog.category == "repair"  # 報修: the first category outside her duties
        assert "建議:右2 李娜" in screen_text(app)  # 李娜 covers repairs
        assert "不在本人分工範圍:報修" in screen_text(app)  # the reason that stands if none is typed
        text = await press(app, pilot, "enter")
        assert isinstance(app.screen, QueueScreen) and "右2 李娜 馬上起立問好" in text
        assert screen.desk.figures.handoffs == 1
    with session_scope(app.engine) as s:
        assert s.exec(select(Handoff.reason)).one() == "不在本人分工範圍:報修"


async def test_a_need_within_the_persons_duties_asks_for_the_reason(seeded, fixed_clock):
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        await start(app, pilot, fixed_clock)
        await press(app, pilot, "v", "1", "h", "up")  # up to 諮詢, which 王芳 covers herself
        dialog = app.screen
        assert dialog.category == "inquiry"
        text = screen_text(app)
        assert "不在本人分工範圍" not in text  # not prefilled: it would not be true
        assert "「諮詢」在本人分工內:請寫下轉介原因" in text
        text = await press(app, pilot, "enter")
        assert app.screen is dialog and "請寫下為甚麼轉介" in text
        await press(app, pilot, "tab")
        dialog.query_one("#handoff-reason", Input).value = "業主要找熟悉的同事"
        await press(app, pilot, "enter")
        assert isinstance(app.screen, QueueScreen)
    with session_scope(app.engine) as s:
        handoff = s.exec(select(Handoff)).one()
        assert (handoff.category, handoff.reason) == ("inquiry", "業主要找熟悉的同事")


# --- the greeting panel says only what is still so ----------------------------------------------


async def test_the_greeting_goes_when_that_encounter_is_finished(seeded, fixed_clock):
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        await start(app, pilot, fixed_clock)
        await press(app, pilot, "v")
        assert "▶ 左2 王芳 起身接待 來賓" in greeting_panel(app)
        await press(app, pilot, "1", "f", "1")
        panel = greeting_panel(app)
        assert "起身接待" not in panel and "客人到訪時按 A" in panel
        # the panel is about the last party greeted: another seat finishing leaves it as it is
        await press(app, pilot, "v", "g")  # 右2 李娜 greets a visitor, 左1 張偉 a VIP
        assert "▶ 左1 張偉 起身接待 貴賓" in greeting_panel(app)
        await press(app, pilot, "2", "f", "1")
        assert "▶ 左1 張偉 起身接待 貴賓" in greeting_panel(app)
        await press(app, pilot, "3", "f", "1")
        assert "起身接待" not in greeting_panel(app)


async def test_all_seats_busy_goes_when_a_seat_frees(seeded, fixed_clock):
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await start(app, pilot, fixed_clock)
        await press(app, pilot, "v", "v", "v", "v", "a", "enter")
        assert "全部座席忙碌" in greeting_panel(app)
        await press(app, pilot, "2", "f", "1")
        assert isinstance(app.screen, OfferDialog)
        text = await press(app, pilot, "escape")  # the party is left waiting for now
        assert "全部座席忙碌" not in greeting_panel(app)
        assert "1. 業主" in text and "按 W:右2 李娜 接待 業主" in text  # still in line, and offered
        assert len(screen.desk.waiting) == 1


# --- F6 ------------------------------------------------------------------------------------------


async def test_the_gender_select_shows_its_value_while_focused(db_url):
    app = create_app(db_url, start_mode="owners")
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_owner_form(app, pilot)
        await pilot.press("tab")
        await pilot.pause()
        select = form.query_one("#f-gender", Select)
        assert app.focused is select
        row = screen_text(app).splitlines()[select.region.y]
        assert "性別" in row and "請選擇" in row, row
        await pilot.press("enter", "down", "enter")  # 女
        await pilot.pause()
        assert app.focused is select
        row = screen_text(app).splitlines()[select.region.y]
        assert "性別" in row and "女" in row, row


async def test_slash_after_esc_goes_to_the_search_and_types_nothing(db_url):
    app = create_app(db_url, start_mode="owners")
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(app, pilot)
        box = app.screen.query_one("#owners-search", Input)
        await pilot.press(*"wxm", "escape")
        await settle(app, pilot)
        assert app.focused is box and box.value == ""
        await pilot.press("slash")
        await settle(app, pilot)
        assert box.value == "" and app.focused is box
        await pilot.press(*"wxm", "enter", "slash")  # from the list too
        await settle(app, pilot)
        assert app.focused is box and box.value == "wxm"


# --- labels ----------------------------------------------------------------------------------------


async def test_help_names_every_seat_key_alike(db_url):
    app = create_app(db_url)
    async with app.run_test(size=(140, 120)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for seat in ("左2", "右2", "左1", "右1"):
            assert f"選{seat}" in text and f"入座{seat}" in text, seat
        assert "有任務" in text and "空閒" in text and "離開" in text


async def test_the_state_keys_read_as_three_keys_and_100_columns_keep_every_key(seeded, fixed_clock):
    app = create_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot, fixed_clock)
        rows = screen_text(app).splitlines()
        footer, global_keys = rows[-1], rows[-2]
        assert "b/e/x 有任務/空閒/離開" in footer and "bex" not in footer, footer
        for key in ("a 業主到訪", "h 轉介", "f 完成", "w 排隊", "p 用語"):
            assert key in footer, footer
        assert "^Q 退出" in global_keys and "^P 命令" in global_keys and "F1 說明" in global_keys, global_keys
        assert "▶ 下一位起身" in "\n".join(rows[2:8])  # the seat card does not cut it


async def test_the_english_phrase_card_is_english(seeded, fixed_clock):
    app = create_app(seeded, language="en")
    async with app.run_test(size=(140, 45)) as pilot:
        await start(app, pilot, fixed_clock)
        text = await press(app, pilot, "v")
        assert "“" in greeting_panel(app) and "「" not in greeting_panel(app)
        await press(app, pilot, "p")
        dialog = app.screen
        assert isinstance(dialog, PhrasesDialog)
        console = Console(width=120, record=True, file=io.StringIO())
        for static in dialog.query(Static):
            console.print(static.content if not isinstance(static.content, str) else plain(static.content))
        card = console.export_text()
        assert "Slight bow" in card and "Never say" in card
        assert not CJK.search(card), [line for line in card.splitlines() if CJK.search(line)]
        assert text  # the desk was drawn

