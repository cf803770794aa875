"""F2 desk queue, driven with keys: a morning at the desk, a full desk, a restart, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from frontdesk import deskqueue, owners, roster
from frontdesk.app import create_app
from frontdesk.core import clock as desk_clock
from frontdesk.core.clock import FixedClock
from frontdesk.core.db import session_scope
from frontdesk.models import Encounter, Handoff, Owner
from frontdesk.rotation import SeatState
from frontdesk.screens.queue import QueueScreen
from frontdesk.screens.queue_dialogs import (
    ArrivalDialog,
    FinishDialog,
    HandoffDialog,
    LeftoverDialog,
    OfferDialog,
    PhrasesDialog,
)
from tests.screen import screen_text

TEAM = [
    ("王芳", "F", "L2", ["inquiry", "visitor"]),
    ("李娜", "F", "R2", ["repair", "inquiry"]),
    ("張偉", "M", "L1", ["complaint", "payment"]),
    ("陳靜", "F", "R1", ["pass", "keys", "parcel"]),
]


def seed(engine, team=TEAM) -> None:
    """Staff, today's roster and two owners, through the domain modules."""
    today = desk_clock.today()
    with session_scope(engine) as s:
        for name, gender, seat, duties in team:
            staff = roster.create_staff(s, roster.StaffForm(name=name, gender=gender, duties=duties))
            roster.set_seat(s, today, seat, staff.id)
        owners.add_unit(s, "3-2-1101")
        owners.add_unit(s, "5-1-202")
        owners.create_owner(s, owners.OwnerForm(name="王小明", gender="M", phone="13812345678",
                                                is_familiar=True, units="3-2-1101"))
        owners.create_owner(s, owners.OwnerForm(name="李美華", gender="F", phone="13987654321", units="5-1-202"))


async def settle(app, pilot, delay: float = 0.0) -> None:
    """Let timers fire and every database worker (and what its callback starts) finish."""
    for _ in range(3):
        await pilot.pause(delay)
        await app.workers.wait_for_complete()
    await pilot.pause()


async def start(app, pilot, clock: FixedClock) -> QueueScreen:
    """The queue screen, read at the test's time (``clock`` is the installed :class:`FixedClock`)."""
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, QueueScreen)
    screen.reload()
    await settle(app, pilot)
    return screen


async def press(app, pilot, *keys: str, delay: float = 0.0) -> str:
    for key in keys:
        await pilot.press(key)
        await settle(app, pilot, delay)
    return screen_text(app)


def states(screen: QueueScreen) -> dict[str, SeatState]:
    return {code: view.state for code, view in screen.desk.seats.items()}


@pytest.fixture
def seeded(db_url, fixed_clock):
    app = create_app(db_url, operator="李文")
    seed(app.engine)
    app.engine.dispose()
    return db_url


async def test_a_morning_at_the_desk_with_keys(seeded, fixed_clock):
    clock = fixed_clock
    app = create_app(seeded, operator="李文")
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await start(app, pilot, clock)
        text = screen_text(app)
        assert "左2" in text and "王芳" in text and "下一位起身" in text
        assert screen.desk.next_seat == "L2"

        # 1. A familiar owner arrives: A, the last four phone digits, Enter (6 keys).
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ArrivalDialog)
        text = await press(app, pilot, *"5678", delay=0.2)
        assert "王小明" in text and "3-2-1101" in text
        text = await press(app, pilot, "enter")
        assert "左2 王芳 起身接待 王小明" in text
        assert "王先生,您好!" in text and "15 度鞠躬禮" in text
        assert screen.desk.next_seat == "R2"

        # 2. A visitor: V (1 key). 右2 stands, with the 欠身禮 cue.
        text = await press(app, pilot, "v")
        assert "右2 李娜 起身接待 來賓" in text and "欠身禮" in text

        # 3. An owner walks straight to 陳靜 at 右1: 4, D, Enter (3 keys). The rotation stays.
        clock.advance(seconds=20)
        text = await press(app, pilot, "4", "d")
        assert isinstance(app.screen, ArrivalDialog) and "直接找 右1 陳靜" in screen_text(app)
        text = await press(app, pilot, "enter")
        assert "直接找 右1 陳靜" in text
        assert states(screen)["R1"] is SeatState.SERVING
        assert screen.desk.pointer == "R2" and screen.desk.next_seat == "L1"

        # 4. 王小明's need is a complaint: 1, H, ↓ to 投訴, Enter (4 keys). 張偉 covers it.
        clock.advance(minutes=1)
        await press(app, pilot, "1", "h")
        assert isinstance(app.screen, HandoffDialog)
        assert "報修" in screen_text(app)  # the first category 王芳 does not cover
        text = await press(app, pilot, "down")
        assert "建議:左1 張偉" in text
        text = await press(app, pilot, "enter")
        assert "左1 張偉 馬上起立問好,接待 王小明" in text and "王先生,您好!" in text
        assert states(screen)["L2"] is SeatState.FREE and states(screen)["L1"] is SeatState.SERVING
        assert screen.desk.pointer == "R2"  # a hand-off does not move the rotation
        assert screen.selected == "L1"

        # 5. 張偉 finishes: F, 4 (complaint taken) (2 keys; the category came with the hand-off).
        clock.advance(minutes=4)
        await press(app, pilot, "f")
        assert isinstance(app.screen, FinishDialog)
        text = await press(app, pilot, "4")
        assert "完成接待:已受理投訴" in text
        assert states(screen)["L1"] is SeatState.FREE
        assert screen.desk.figures.handoffs == 1

        # 6. 陳靜 has a task in hand: 4, B (2 keys); the next arrival skips her.
        await press(app, pilot, "4", "b")
        assert states(screen)["R1"] is SeatState.SERVING  # still serving; the task waits
        text = await press(app, pilot, "g")
        assert "左1 張偉 起身接待 貴賓" in text and "15 度鞠躬禮" in text

        # 7. Standard phrases and the cue card: P (1 key), Esc.
        await press(app, pilot, "p")
        assert isinstance(app.screen, PhrasesDialog)
        card = screen_text(app)
        assert "好的,我馬上就來(辦)。" in card and "不知道" in card and "30 度鞠躬禮" in card
        await press(app, pilot, "escape")

    with session_scope(app.engine) as s:
        rows = s.exec(select(Encounter).order_by(Encounter.id)).all()
        assert [(e.guest_type, e.seat, e.state) for e in rows] == [
            ("owner", "L1", "closed"), ("visitor", "R2", "open"), ("owner", "R1", "open"), ("vip", "L1", "open"),
        ]
        assert rows[0].owner_id is not None and rows[0].category == "complaint" and rows[0].outcome == "complaint"
        assert rows[2].direct
        assert s.exec(select(Handoff.reason)).one() == "不在本人分工範圍:投訴"


async def test_full_desk_waiting_line_apology_and_restart(seeded, fixed_clock):
    clock = fixed_clock
    app = create_app(seeded)
    app.settings.wait_apology_seconds = 120
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await start(app, pilot, clock)
        for key in ("v", "v", "v", "v"):
            await press(app, pilot, key)
        assert all(s is SeatState.SERVING for s in states(screen).values())
        assert "下一位起身" not in screen_text(app)

        # A fifth party: everyone is serving, so they wait: nod, 請稍等.
        text = await press(app, pilot, "a", "enter")
        assert "全部座席忙碌:業主 排隊第 1 位" in text and "(點頭示意)請稍等。" in text
        assert "1. 業主" in text and "已等 0:00" in text

        # Three minutes later the line shows the live wait without a database read.
        clock.advance(minutes=3)
        await pilot.pause(1.2)
        text = screen_text(app)
        assert "已等 3:00" in text and "久等" in text

        # 李娜 at 右2 finishes: the longest-waiting party is offered to her, with the apology.
        await press(app, pilot, "2", "f")
        await press(app, pilot, "1")
        assert isinstance(app.screen, OfferDialog)
        text = screen_text(app)
        assert "右2 李娜 有空了" in text and "對不起,讓您久等了。" in text
        text = await press(app, pilot, "enter")
        assert "右2 李娜 起身接待 業主" in text and "先致歉: 對不起,讓您久等了。" in text
        assert screen.desk.waiting == ()

        # Another arrival waits; then the app quits mid-shift.
        await press(app, pilot, "v")
        before = screen.desk

    app2 = create_app(seeded)
    async with app2.run_test(size=(140, 45)) as pilot:
        screen2 = await start(app2, pilot, clock)
        after = screen2.desk
        assert after.pointer == before.pointer == "R2"
        assert states(screen2) == {c: v.state for c, v in before.seats.items()}
        assert [p.id for p in after.waiting] == [p.id for p in before.waiting]
        assert {c: (v.party.id if v.party else None) for c, v in after.seats.items()} == {
            c: (v.party.id if v.party else None) for c, v in before.seats.items()
        }
        text = screen_text(app2)
        assert "1. 來賓" in text and "右2 李娜 起身接待 業主" in text
        # The desk carries on: 王芳 finishes and takes the waiting visitor.
        await press(app2, pilot, "1", "f", "1")
        assert isinstance(app2.screen, OfferDialog)
        text = await press(app2, pilot, "enter")
        assert "左2 王芳 起身接待 來賓" in text


async def test_bad_input_gets_a_message_and_changes_nothing(db_url, monkeypatch, fixed_clock):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)  # no background re-read during the test
    clock = fixed_clock
    app = create_app(db_url)
    seed(app.engine, team=TEAM[:3])  # 右1 is empty today
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await start(app, pilot, clock)
        version = screen.desk.version

        # Acting on an empty seat.
        text = await press(app, pilot, "4", "b")
        assert "右1 今天沒有人當值" in text
        text = await press(app, pilot, "d")
        assert "右1 今天沒有人當值" in text and isinstance(app.screen, QueueScreen)

        # Finishing or handing off when no encounter is open.
        text = await press(app, pilot, "1", "f")
        assert "左2 王芳 目前沒有正在接待的客人" in text and isinstance(app.screen, QueueScreen)
        text = await press(app, pilot, "h")
        assert "沒有正在接待" in text
        assert screen.desk.version == version

        # Handing off to someone away: the dialog says so and stays open.
        await press(app, pilot, "2", "x")
        await press(app, pilot, "v")  # 王芳 at 左2 stands
        assert screen.selected == "L2"
        await press(app, pilot, "h")
        dialog = app.screen
        assert isinstance(dialog, HandoffDialog)
        while dialog.to_seat != "R2":
            await press(app, pilot, "right")
        text = await press(app, pilot, "enter")
        assert "李娜 目前離開" in text and app.screen is dialog
        await press(app, pilot, "escape")
        assert states(screen)["L2"] is SeatState.SERVING and states(screen)["R2"] is SeatState.AWAY

        # Marking someone serving as away.
        text = await press(app, pilot, "1", "x")
        assert "王芳 正在接待" in text

        # Two arrivals in the same instant (both handled before the first one's result is back):
        # the second is refused with a message, and only one seat stands.
        serving_before = sum(1 for s in states(screen).values() if s is SeatState.SERVING)
        screen.action_quick("visitor")
        screen.action_quick("visitor")
        await settle(app, pilot)
        assert "另一個前台" in screen_text(app)
        assert sum(1 for s in states(screen).values() if s is SeatState.SERVING) == serving_before + 1

        # Another desk changes the queue: this desk's next press is refused, the screen is refreshed,
        # and pressing again works on the fresh state.
        with session_scope(app.engine) as s:
            deskqueue.finish(s, "L2", category="inquiry", outcome="answered", now=clock.now())
        text = await press(app, pilot, "g")
        assert "另一個前台" in text
        assert states(screen)["L2"] is SeatState.FREE
        text = await press(app, pilot, "g")
        assert "左2 王芳 起身接待 貴賓" in text


async def test_english_desk(seeded, fixed_clock):
    clock = fixed_clock
    app = create_app(seeded, language="en")
    async with app.run_test(size=(140, 45)) as pilot:
        await start(app, pilot, clock)
        text = await press(app, pilot, "a", *"3-2-1101", delay=0.2)
        assert "王小明" in text
        text = await press(app, pilot, "enter")
        assert "L2 王芳 stands to greet 王小明" in text and "Hello, Mr Wang!" in text
        assert "Hand off" in text and "Task/Free/Away" in text  # the footer


async def test_waiting_party_leaves_and_w_takes_the_next(seeded, monkeypatch, fixed_clock):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)
    clock = fixed_clock
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await start(app, pilot, clock)
        await press(app, pilot, "v", "v", "v", "v", "g", "i")
        assert [p.guest_type for p in screen.desk.waiting] == ["vip", "inspection"]
        assert "1. 貴賓" in screen_text(app) and "2. 領導陪同檢查" in screen_text(app)

        # The VIP gives up: L, Enter (2 keys).
        text = await press(app, pilot, "l", "enter")
        assert "貴賓 已離開隊伍" in text
        assert [p.guest_type for p in screen.desk.waiting] == ["inspection"]

        # 陳靜 finishes but leaves the offer for later (Esc); the banner offers it; W takes it.
        await press(app, pilot, "4", "f", "1")
        assert isinstance(app.screen, OfferDialog)
        text = await press(app, pilot, "escape")
        assert "按 W:右1 陳靜 接待 領導陪同檢查" in text
        text = await press(app, pilot, "w")
        assert "右1 陳靜 起身接待 領導陪同檢查" in text and "領導好" in text and "起立,問候,行 15 度鞠躬禮" in text
        assert screen.desk.waiting == () and screen.desk.figures.left == 1
        text = await press(app, pilot, "w")
        assert "沒有人在等候" in text


async def test_narrow_terminal_keeps_each_seats_time_and_the_footer_keys(seeded, monkeypatch, fixed_clock):
    """At 100x30 a long party label (上級/貴賓迎接) must not push the serving time out of the seat card,
    and the queue's own keys (W take, P phrases) stay in the footer."""
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)
    clock = fixed_clock
    app = create_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start(app, pilot, clock)
        await press(app, pilot, "u", "i", "g", "v")
        clock.advance(seconds=65)
        await pilot.pause(1.2)
        rows = screen_text(app).splitlines()
        card_rows = rows[2:8]
        assert sum(row.count("已 1:05") for row in card_rows) == 4, "\n".join(card_rows)
        footer = rows[-1]
        assert "w 排隊" in footer and "p 用語" in footer, footer


def leave_yesterday_open(engine, clock: FixedClock) -> None:
    """Yesterday 趙敏 (not on today's roster) was serving 王小明 at 左2 and a visitor waited; the app crashed."""
    yesterday = clock.now() - timedelta(days=1)
    with session_scope(engine) as s:
        staff = roster.create_staff(s, roster.StaffForm(name="趙敏", gender="F", duties=["inquiry"]))
        roster.set_seat(s, deskqueue.local_day(yesterday), "L2", staff.id)
    with session_scope(engine) as s:
        owner = owners.search(s, "5678", limit=1)[0]
        deskqueue.arrive(s, owner_id=owner.id, now=yesterday)
    with session_scope(engine) as s:
        s.add(Encounter(day=deskqueue.local_day(yesterday), state="waiting", guest_type="visitor",
                        arrived_at=yesterday + timedelta(minutes=5)))


async def test_leftovers_from_yesterday_are_shown_and_gone_through_with_y(seeded, monkeypatch, fixed_clock):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)
    clock = fixed_clock
    app = create_app(seeded)
    leave_yesterday_open(app.engine, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await start(app, pilot, clock)
        text = screen_text(app)
        assert "昨日未完成的接待 2 宗" in text and "按 Y" in text
        # They do not block today: the first arrival is greeted by 左2 王芳, no one waits.
        text = await press(app, pilot, "v")
        assert "左2 王芳 起身接待 來賓" in text and screen.desk.waiting == ()

        # Y opens the oldest; N goes to the next one and back.
        await press(app, pilot, "y")
        assert isinstance(app.screen, LeftoverDialog)
        text = screen_text(app)
        assert "未完成的接待 1/2" in text and "趙敏" in text and "王小明" in text
        text = await press(app, pilot, "n")
        assert "未完成的接待 2/2" in text and "當時在排隊" in text
        await press(app, pilot, "n")

        # Finish 王小明 (1: answered), then the visitor left (L): 3 keys for two leftovers.
        text = await press(app, pilot, "1")
        assert isinstance(app.screen, LeftoverDialog) and "未完成的接待 1/1" in text
        text = await press(app, pilot, "l")
        assert isinstance(app.screen, QueueScreen)
        assert "昨日未完成的接待" not in text and screen.desk.leftovers == ()
        text = await press(app, pilot, "y")
        assert "沒有之前未完成的接待" in text

    with session_scope(app.engine) as s:
        rows = s.exec(select(Encounter).where(Encounter.day < deskqueue.local_day(clock.now()))
                      .order_by(Encounter.id)).all()
        assert [(e.state, e.outcome) for e in rows] == [("closed", "answered"), ("closed", "left")]


async def test_record_the_owner_of_an_open_encounter_with_o(seeded, monkeypatch, fixed_clock):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)
    clock = fixed_clock
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await start(app, pilot, clock)
        await press(app, pilot, "v")
        assert screen.selected == "L2"
        # O, the last four phone digits, Enter (6 keys): the seat card and the greeting name 王小明.
        await press(app, pilot, "o")
        assert isinstance(app.screen, ArrivalDialog) and "記下業主:左2 王芳 正在接待 來賓" in screen_text(app)
        assert "客人類型" not in screen_text(app)
        await press(app, pilot, *"5678", delay=0.2)
        text = await press(app, pilot, "enter")
        assert isinstance(app.screen, QueueScreen)
        assert "已記為 王小明" in text and "王先生,您好!" in text
        assert screen.desk.seats["L2"].party.owner_name == "王小明"
        assert "· 王小明" in text  # the seat card
        # On a seat that serves no one, O says so.
        text = await press(app, pilot, "3", "o")
        assert "左1 張偉 目前沒有正在接待的客人" in text and isinstance(app.screen, QueueScreen)
        # Another desk changed the queue meanwhile: refused inside the dialog, nothing stored.
        await press(app, pilot, "1", "o")
        with session_scope(app.engine) as s:
            deskqueue.arrive(s, now=clock.now())
        await press(app, pilot, *"4321", delay=0.2)
        text = await press(app, pilot, "enter")
        assert "另一個前台" in text
    with session_scope(app.engine) as s:
        enc = s.exec(select(Encounter).where(Encounter.seat == "L2")).one()
        assert enc.guest_type == "owner" and s.get(Owner, enc.owner_id).name == "王小明"


async def test_arrival_dialog_changes_the_guest_type_with_tab(seeded, monkeypatch, fixed_clock):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)
    clock = fixed_clock
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        await start(app, pilot, clock)
        # A pressed for a VIP: Tab, Tab, Enter (4 keys in all), no Esc.
        await press(app, pilot, "a")
        dialog = app.screen
        assert isinstance(dialog, ArrivalDialog) and dialog.guest_type == "owner"
        assert "客人類型" in screen_text(app)
        await press(app, pilot, "tab", "tab")
        assert dialog.guest_type == "vip" and "貴賓到訪" in screen_text(app)
        await press(app, pilot, "shift+tab", "ctrl+t")
        assert dialog.guest_type == "vip"
        text = await press(app, pilot, "enter")
        assert "左2 王芳 起身接待 貴賓" in text and "15 度鞠躬禮" in text
        # The direct dialog too: 4, D, Tab (visitor), Enter.
        await press(app, pilot, "4", "d", "tab")
        text = await press(app, pilot, "enter")
        assert "直接找 右1 陳靜" in text and "欠身禮" in text
    with session_scope(app.engine) as s:
        assert [e.guest_type for e in s.exec(select(Encounter).order_by(Encounter.id)).all()] == ["vip", "visitor"]


async def test_handoff_message_says_whether_the_colleague_is_busy_or_there_is_none(seeded, monkeypatch, fixed_clock):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)
    clock = fixed_clock
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        await start(app, pilot, clock)
        await press(app, pilot, "v", "v", "1", "h")  # 王芳 and 李娜 serve; 王芳 hands off
        assert isinstance(app.screen, HandoffDialog)
        text = screen_text(app)  # 報修: 李娜 covers it but is serving
        assert "負責「報修」的同事現在都沒空(右2 李娜 接待中)" in text
        assert "沒有其他在崗同事負責「報修」" not in text
        text = await press(app, pilot, *["down"] * 7)  # 裝修及搬遷: no one covers it
        assert "今天沒有其他在崗同事負責「裝修及搬遷」" in text
        await press(app, pilot, "escape")


async def test_footer_stays_readable_at_140_columns(seeded, fixed_clock):
    clock = fixed_clock
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        await start(app, pilot, clock)
        footer = screen_text(app).splitlines()[-1]
        for key in ("a 業主到訪", "h 轉介", "f 完成", "w 排隊", "p 用語"):
            assert key in footer, footer
