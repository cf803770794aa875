"""Text from the database is shown as text (issue 8 A3, A4): never markup, never terminal control, ID numbers masked.

The hostile names are written straight into the database, as an old import or an older
version could have left them: the screens must cope whatever the validators let in today.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from frontdesk import deskqueue
from frontdesk import selfchecks as sc
from frontdesk.app import create_app
from frontdesk.core.db import open_database, session_scope
from frontdesk.models import Encounter, Owner, Staff
from frontdesk.screens.checks import ChecksScreen
from frontdesk.screens.owner_form import OwnerFormScreen
from frontdesk.screens.owners import OwnersScreen
from frontdesk.screens.queue import QueueScreen
from frontdesk.screens.queue_dialogs import ArrivalDialog, FinishDialog, HandoffDialog
from frontdesk.shifts import current_shift
from frontdesk.widgets.dialogs import MessageDialog
from tests.app.test_queue_screen import press, seed, settle, start
from tests.checks_data import LEAD_PIN, seat_roster, seed_desk
from tests.screen import screen_text

MARKUP = "[/]王[b]x[/b]"
ESCAPES = "\x1b[2J\x1b]0;t\x07趙"
ESCAPES_SHOWN = "␛[2J␛]0;t␇趙"
ID_NUMBER = "110105194912310021"
ID_MASKED = "110105********0021"


def no_control(text: str) -> bool:
    return not any(ord(ch) < 0x20 and ch != "\n" for ch in text)


def rename(engine, model, old: str, new: str) -> None:
    with session_scope(engine) as s:
        s.execute(update(model).where(model.name == old).values(name=new))


@pytest.fixture
def hostile_desk(db_url, fixed_clock):
    """The F2 team and owners, with a staff member and two owners named to break a terminal."""
    app = create_app(db_url)
    seed(app.engine)
    rename(app.engine, Staff, "李娜", MARKUP)  # 右2
    rename(app.engine, Owner, "王小明", MARKUP)  # phone …5678
    rename(app.engine, Owner, "李美華", ESCAPES)  # phone …4321
    app.engine.dispose()
    return db_url


async def test_desk_queue_shows_hostile_names_literally(hostile_desk, fixed_clock, monkeypatch):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)
    app = create_app(hostile_desk)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await start(app, pilot, fixed_clock)
        assert MARKUP in screen_text(app)  # 右2's seat card
        # A, the phone digits: the arrival dialog lists the owner as written; Enter greets them.
        await press(app, pilot, "a", *"5678", delay=0.2)
        assert isinstance(app.screen, ArrivalDialog) and MARKUP in screen_text(app)
        text = await press(app, pilot, "enter")
        assert f"左2 王芳 起身接待 {MARKUP}" in text
        await press(app, pilot, "a", *"4321", delay=0.2)
        assert ESCAPES_SHOWN in screen_text(app) and no_control(screen_text(app))
        text = await press(app, pilot, "enter")
        assert f"起身接待 {ESCAPES_SHOWN}" in text and f"右2 {MARKUP}" in text
        assert no_control(text)
        # The dialogs that name them: finish and hand-off.
        await press(app, pilot, "1", "f")
        assert isinstance(app.screen, FinishDialog) and MARKUP in screen_text(app)
        await press(app, pilot, "escape", "2", "h")
        assert isinstance(app.screen, HandoffDialog)
        assert ESCAPES_SHOWN in screen_text(app) and no_control(screen_text(app))
        await press(app, pilot, "escape")
        assert isinstance(app.screen, QueueScreen) and not isinstance(app.screen, MessageDialog)
        assert screen.desk is not None and app.return_code is None  # nothing crashed


async def test_id_numbers_in_party_labels_and_task_notes_are_masked_on_the_desk(db_url, fixed_clock, monkeypatch):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)
    app = create_app(db_url)
    seed(app.engine)
    now = fixed_clock.now()
    with session_scope(app.engine) as s:
        deskqueue.arrive(s, guest_type="visitor", now=now)  # 左2
    with session_scope(app.engine) as s:
        deskqueue.arrive(s, guest_type="visitor", now=now)  # 右2
    with session_scope(app.engine) as s:
        deskqueue.set_state(s, "L1", "busy", note=f"核對 {ID_NUMBER} 的資料", now=now)  # a task in hand
    with session_scope(app.engine) as s:
        deskqueue.arrive(s, guest_type="visitor", now=now + timedelta(seconds=1))  # 右1: the last greeted
    with session_scope(app.engine) as s:
        last = s.exec(select(Encounter).order_by(Encounter.id.desc())).first()
        last.party_label = f"訪客 {ID_NUMBER}"
        s.add(Encounter(day=deskqueue.local_day(now), state="waiting", guest_type="visitor",
                        party_label=f"送件 {ID_NUMBER}", arrived_at=now - timedelta(minutes=1)))
    async with app.run_test(size=(140, 45)) as pilot:
        await start(app, pilot, fixed_clock)
        assert ID_NUMBER not in screen_text(app)
        screen = app.screen
        greeting = str(screen.query_one("#queue-greeting").render())
        line = str(screen.query_one("#queue-line").render())
        assert f"右1 陳靜 起身接待 訪客 {ID_MASKED}" in greeting  # the greeting panel, after a start
        assert f"送件 {ID_MASKED}" in line  # the waiting line
        assert f"核對 {ID_MASKED} 的資料" in str(screen.query_one("#seat-L1").render())  # the task note
        assert f"訪客 {ID_MASKED}" in str(screen.query_one("#seat-R1").render())  # whom 右1 serves
        for widget in ("#queue-greeting", "#queue-line", "#seat-L1", "#seat-R1"):
            assert ID_NUMBER not in str(screen.query_one(widget).render())


async def test_owners_screen_and_form_show_hostile_names_literally(hostile_desk):
    app = create_app(hostile_desk, start_mode="owners")
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, OwnersScreen)
        text = screen_text(app)
        assert MARKUP in text and ESCAPES_SHOWN in text and no_control(text)
        await pilot.press(*"5678")
        await settle(app, pilot)
        text = screen_text(app)
        assert MARKUP in text  # the list and the detail panel
        await pilot.press("enter", "e")  # edit: the form's title names the owner
        await settle(app, pilot)
        assert isinstance(app.screen, OwnerFormScreen)
        assert MARKUP in str(app.screen.query_one("#modal-title").render())
        await pilot.press("escape", "escape", *"4321")
        await settle(app, pilot)
        text = screen_text(app)
        assert ESCAPES_SHOWN in text and no_control(text)
        assert app.return_code is None and not isinstance(app.screen, MessageDialog)


async def test_self_checks_show_hostile_names_and_mask_id_numbers_in_notes(db_url):
    day, shift = current_shift()
    engine = open_database(db_url)
    with Session(engine, expire_on_commit=False) as s:
        people = seed_desk(s, day)
        yesterday = day - timedelta(days=1)
        seat_roster(s, yesterday, people)
        view = sc.start_check(s, people["王芳"].id, yesterday, shift.code)
        answers = {i.position: ("pass", "") for i in view.items} | {11: ("fail", f"證件 {ID_NUMBER} 未交回")}
        sc.sign_check(s, view.id, people["劉主管"].id, LEAD_PIN, answers=answers)
        s.commit()
    rename(engine, Staff, "李強", MARKUP)
    rename(engine, Staff, "陳靜", ESCAPES)
    engine.dispose()
    app = create_app(db_url)
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecksScreen)
        text = screen_text(app)
        assert MARKUP in text and ESCAPES_SHOWN in text and no_control(text)  # the board
        await pilot.press("enter")  # 王芳: yesterday's failed item is carried, its note masked
        await settle(app, pilot)
        text = screen_text(app)
        assert "上一班" in text and f"證件 {ID_MASKED} 未交回" in text and ID_NUMBER not in text
        await pilot.press("escape", "down", "enter")  # 李強's check names him as written
        await settle(app, pilot)
        assert MARKUP in screen_text(app)
        await pilot.press("f")  # a fail: the note dialog; an ID number typed is masked in the run afterwards
        await pilot.pause()
        app.screen.query_one("Input").value = f"見 {ID_NUMBER}"
        await pilot.press("enter")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"見 {ID_MASKED}" in text and ID_NUMBER not in text
        assert app.return_code is None and not isinstance(app.screen, MessageDialog)
    engine = open_database(db_url)
    with Session(engine) as s:
        assert s.exec(select(Staff).where(Staff.name == MARKUP)).one()  # stored as written, shown as text
    engine.dispose()
