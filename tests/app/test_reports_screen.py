"""F7 handover report with the Pilot: the current shift on screen, other days and shifts, export."""

from __future__ import annotations

from datetime import timedelta

from openpyxl import load_workbook
from sqlmodel import Session
from textual.widgets import Input

from frontdesk import selfchecks as sc
from frontdesk.app import create_app
from frontdesk.core.db import open_database
from frontdesk.models import Encounter
from frontdesk.screens.reports import ReportsScreen
from frontdesk.screens.reports_dialogs import DateDialog, ExportDialog
from frontdesk.shifts import current_shift
from tests.checks_data import LEAD_PIN, seed_desk
from tests.screen import screen_text

SIZE = (150, 60)
ID_NUMBER = "110105194912310021"


def setup_shift(db_url):
    """Two served parties and a waiting visitor early in the current shift, one signed check."""
    day, shift = current_shift()
    start, _end = shift.window(day)
    engine = open_database(db_url)
    with Session(engine) as s:
        people = seed_desk(s, day)
        wang = people["王芳"].id
        s.add(Encounter(day=day, seat="L2", staff_id=wang, party_label="王先生", state="closed", outcome="answered",
                        arrived_at=start + timedelta(minutes=1), started_at=start + timedelta(minutes=2),
                        ended_at=start + timedelta(minutes=6), wait_seconds=60))
        s.add(Encounter(day=day, seat="L2", staff_id=wang, party_label="李女士", state="closed", outcome="answered",
                        arrived_at=start + timedelta(minutes=3), started_at=start + timedelta(minutes=6),
                        ended_at=start + timedelta(minutes=8), wait_seconds=180))
        s.add(Encounter(day=day, party_label=f"訪客 {ID_NUMBER}", guest_type="visitor", state="waiting",
                        arrived_at=start + timedelta(minutes=4)))
        view = sc.start_check(s, wang, day, shift.code)
        answers = {i.position: ("pass", "") for i in view.items} | {3: ("fail", "制服有污漬")}
        sc.sign_check(s, view.id, people["劉主管"].id, LEAD_PIN, answers=answers)
        s.commit()
    engine.dispose()
    return day, shift


async def settle(app, pilot):
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def open_reports(app, pilot):
    await pilot.press("f7")
    await settle(app, pilot)
    assert isinstance(app.screen, ReportsScreen)


async def test_the_current_shift_on_screen(db_url):
    day, shift = setup_shift(db_url)
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(app, pilot)
        text = screen_text(app)
        assert "交班報告" in text and day.isoformat() in text and shift.label() in text
        assert "接待(按座位)" in text and "王芳" in text
        assert "本班到訪 3 批;仍在等候 1 批" in text
        assert "在場訪客" in text and "尚無資料記錄" in text
        assert "制服有污漬" in text and "李強 的自檢尚未簽核" in text
        assert "等候 3:00" in text  # 李女士 waited past the apology threshold
        assert ID_NUMBER not in text and "110105********0021" in text


async def test_other_days_and_shifts(db_url):
    day, shift = setup_shift(db_url)
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(app, pilot)
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        text = screen_text(app)
        assert (day - timedelta(days=1)).isoformat() in text and "本班到訪 0 批" in text
        await pilot.press("t")
        await settle(app, pilot)
        assert "本班到訪 3 批" in screen_text(app)
        for _ in range(3):  # day → night → whole day → day
            await pilot.press("b")
            await settle(app, pilot)
            if "全天" in screen_text(app):
                assert "本班到訪 3 批" in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DateDialog)
        app.screen.query_one(Input).value = "2026-02-30"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DateDialog) and "YYYY-MM-DD" in screen_text(app)
        app.screen.query_one(Input).value = "2025-12-31"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen) and "2025-12-31" in screen_text(app)


async def test_export_by_keyboard(db_url, tmp_path):
    setup_shift(db_url)
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        field = app.screen.query_one(Input)
        assert field.value.endswith(".xlsx")
        field.value = str(tmp_path / "交班.xlsx")
        await pilot.press("down")  # xlsx → md
        await pilot.pause()
        assert field.value.endswith("交班.md")
        await pilot.press("up")  # back to xlsx
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert "已寫入" in screen_text(app)
    book = load_workbook(tmp_path / "交班.xlsx")
    assert "接待(按座位)" in book.sheetnames and "自檢結果" in book.sheetnames
    cells = " ".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "王芳" in cells and "制服有污漬" in cells and ID_NUMBER not in cells


async def test_a_typed_file_ending_decides_the_format(db_url, tmp_path):
    """The Excel format is chosen, the lead types 交班.md: the file is Markdown, not a workbook named .md."""
    setup_shift(db_url)
    app = create_app(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_reports(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = str(tmp_path / "交班.md")
        await pilot.pause()
        assert "[Markdown]" in screen_text(app)  # the choice follows the typed ending
        await pilot.press("enter")
        await settle(app, pilot)
    text = (tmp_path / "交班.md").read_text(encoding="utf-8")
    assert text.startswith("# 交班報告")
