"""End to end in a real terminal: the shift lead checks one person by keys, signs with the PIN, the board shows it."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session

from frontdesk.core.db import open_database
from frontdesk.shifts import current_shift
from tests.checks_data import LEAD_PIN, seed_desk
from tests.e2e.terminal import Terminal

pytestmark = pytest.mark.e2e


def test_lead_checks_one_person_and_signs(tmp_path):
    db = tmp_path / "desk.db"
    day, _shift = current_shift()  # the shift F5 opens on; a night shift after midnight belongs to yesterday
    engine = open_database(f"sqlite:///{db}")
    with Session(engine) as s:
        seed_desk(s, day)
        s.commit()
    engine.dispose()

    term = Terminal(["--db", str(db)], env={"FRONTDESK_CONFIG_DIR": str(tmp_path)})
    try:
        term.wait_for("F5 自檢")
        term.send("F5")
        screen = term.wait_for_all("未做", "王芳", "張偉")
        assert "王芳" in screen and "張偉" in screen
        started = time.monotonic()
        term.send("Enter")  # 王芳 (左2, first row): the women's grooming list, 30 items in all
        term.wait_for("第 1/30 項")
        term.send("p", "p", "p")
        term.send("f")  # item 4 fails: a note is asked for
        term.wait_for("不合格:請說明")
        term.type("工牌戴在右胸")
        term.send("Enter")
        term.wait_for("第 5/30 項")
        for _ in range(26):
            term.send("p")
        term.wait_for("全部項目已檢查")
        term.send("s")
        term.wait_for("簽核密碼")
        term.type(LEAD_PIN)
        term.send("Enter")
        term.wait_for("王芳 的自檢已由 劉主管 簽核")
        screen = term.wait_for("✓ 已簽核")  # the board, redrawn
        elapsed = time.monotonic() - started
        row = next(line for line in screen.splitlines() if "王芳" in line and "已簽核" in line)
        assert "29" in row and "劉主管" in row  # 29 passed, signed by the lead
        assert elapsed < 30, f"one person's check took {elapsed:.1f}s"
        term.send("C-q")
        term.wait_until_gone("自檢")
    finally:
        term.close()
