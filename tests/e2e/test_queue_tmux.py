"""End to end in a real terminal: arrivals at the desk name a different greeter each time."""

from __future__ import annotations

from datetime import date

import pytest

from frontdesk import roster
from frontdesk.core.db import open_database, session_scope
from tests.e2e.terminal import Terminal

pytestmark = pytest.mark.e2e

TEAM = [("王芳", "F", "L2"), ("李娜", "F", "R2"), ("張偉", "M", "L1"), ("陳靜", "F", "R1")]


def test_named_greeter_changes_across_arrivals(tmp_path):
    db = tmp_path / "desk.db"
    engine = open_database(f"sqlite:///{db}")
    with session_scope(engine) as s:
        for name, gender, seat in TEAM:
            staff = roster.create_staff(s, roster.StaffForm(name=name, gender=gender, duties=["inquiry"]))
            roster.set_seat(s, date.today(), seat, staff.id)
    engine.dispose()

    term = Terminal(["--db", str(db)], env={"FRONTDESK_CONFIG_DIR": str(tmp_path)})
    try:
        screen = term.wait_for_all("下一位起身", "王芳", "陳靜")
        assert "王芳" in screen and "陳靜" in screen
        term.send("v")
        term.wait_for("左2 王芳 起身接待 來賓")
        term.send("v")
        term.wait_for("右2 李娜 起身接待 來賓")
        term.send("a")
        term.wait_for("留空即一般問候")
        term.send("Enter")
        term.wait_for("左1 張偉 起身接待 業主")
        term.send("g")
        term.wait_for("右1 陳靜 起身接待 貴賓")
        term.send("v")  # everyone is serving now: the party waits
        screen = term.wait_for_all("排隊第 1 位", "請稍等")
        assert "請稍等" in screen
        term.send("C-q")
        term.wait_until_gone("接待")
    finally:
        term.close()


def test_yesterdays_leftover_and_a_corrected_guest_type(tmp_path):
    """An encounter left open yesterday is announced, closed with Y then 1; A, Tab, Enter greets a visitor."""
    from datetime import datetime, timedelta, timezone

    from frontdesk import deskqueue

    db = tmp_path / "desk.db"
    engine = open_database(f"sqlite:///{db}")
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    with session_scope(engine) as s:
        for name, gender, seat in TEAM:
            staff = roster.create_staff(s, roster.StaffForm(name=name, gender=gender, duties=["inquiry"]))
            roster.set_seat(s, date.today(), seat, staff.id)
            roster.set_seat(s, deskqueue.local_day(yesterday), seat, staff.id)
    with session_scope(engine) as s:
        deskqueue.arrive(s, guest_type="vip", now=yesterday)
    engine.dispose()

    term = Terminal(["--db", str(db)], env={"FRONTDESK_CONFIG_DIR": str(tmp_path)})
    try:
        term.wait_for("昨日未完成的接待 1 宗")
        term.send("y")
        term.wait_for("未完成的接待 1/1")
        term.send("1")
        term.wait_for("未完成的接待(貴賓)已處理")
        term.send("a")
        term.wait_for("客人類型")
        term.send("Tab")
        term.wait_for("來賓到訪")
        term.send("Enter")
        term.wait_for("左2 王芳 起身接待 來賓")
        term.send("C-q")
        term.wait_until_gone("接待")
    finally:
        term.close()
