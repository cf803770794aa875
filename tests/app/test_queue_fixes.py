"""Fixes on F2 after the UI kit landed (issue 7 follow-up): the hand-off reason and the dialog's fit."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input, Label

from frontdesk.app import create_app
from frontdesk.core.db import session_scope
from frontdesk.models import Handoff
from frontdesk.screens.queue import QueueScreen
from frontdesk.screens.queue_dialogs import HandoffDialog
from tests.app.test_queue_screen import press, seed, start
from tests.screen import screen_text


@pytest.fixture
def seeded(db_url, fixed_clock):
    app = create_app(db_url)
    seed(app.engine)
    app.engine.dispose()
    return db_url


@pytest.fixture(autouse=True)
def _no_background_reads(monkeypatch):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)


async def test_an_empty_reason_within_the_duties_is_refused_under_the_reason_field(seeded, fixed_clock):
    """The refusal comes from deskqueue.handoff and lands under the field, with the focus there; nothing is saved."""
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        await start(app, pilot, fixed_clock)
        await press(app, pilot, "v", "1", "h", "up")  # 諮詢: 王芳's own duty
        dialog = app.screen
        assert isinstance(dialog, HandoffDialog) and dialog.category == "inquiry"
        await press(app, pilot, "enter")
        assert app.screen is dialog
        line = dialog.query_one("#err-reason", Label)
        assert line.display and "「諮詢」在本人分工範圍內" in str(line.render())
        assert app.focused is dialog.query_one("#handoff-reason", Input)
        await press(app, pilot, *"業主指定")
        await press(app, pilot, "enter")
        assert isinstance(app.screen, QueueScreen)
    with session_scope(app.engine) as s:
        assert s.exec(select(Handoff.reason)).one() == "業主指定"


def _inside(widget, app) -> bool:
    """The widget is drawn whole inside the terminal and inside its dialog's frame (not cut off)."""
    region, frame = widget.region, app.screen.query_one("#modal-frame").region
    screen = app.screen.region
    return (region.height > 0 and screen.contains_region(region) and frame.contains_region(region))


@pytest.mark.parametrize("language", ["zh-Hant", "en"])
async def test_the_handoff_dialog_fits_100_by_30(seeded, fixed_clock, language):
    """Title, categories, colleagues, proposal, reason and hint are all on screen at 100×30, also with
    the reason's message shown; nothing needs scrolling."""
    app = create_app(seeded, language=language)
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot, fixed_clock)
        await press(app, pilot, "v", "1", "h")
        dialog = app.screen
        assert isinstance(dialog, HandoffDialog)
        parts = ["#modal-title", "#handoff-categories", "#handoff-to", "#handoff-proposal", "#handoff-reason",
                 "#modal-hint"]
        for part in parts:
            assert _inside(dialog.query_one(part), app), part
        hint = "Esc 取消" if language == "zh-Hant" else "Esc cancel"
        assert hint in screen_text(app)
        # the highlighted category is kept in view while the list is shorter than the categories
        await press(app, pilot, *["down"] * 8)
        categories = dialog.query_one("#handoff-categories")
        assert dialog.category == "other" and categories.scrollable_content_region.height < categories.option_count
        assert categories.highlighted - categories.scroll_offset.y in range(categories.scrollable_content_region.height)
        await press(app, pilot, *["up"] * 9, "enter")  # 諮詢, within her duties, no reason: refused under the field
        assert app.screen is dialog and dialog.category == "inquiry"
        for part in [*parts, "#err-reason"]:
            assert _inside(dialog.query_one(part), app), part
        assert hint in screen_text(app)
        assert app.focused is dialog.query_one("#handoff-reason")
        await press(app, pilot, "shift+tab")  # back to the categories, and Tab to the reason again
        assert app.focused is categories
        await press(app, pilot, "tab")
        assert app.focused is dialog.query_one("#handoff-reason")


async def test_the_handoff_dialog_shows_every_category_at_once_when_there_is_room(seeded, fixed_clock):
    app = create_app(seeded)
    async with app.run_test(size=(140, 45)) as pilot:
        await start(app, pilot, fixed_clock)
        await press(app, pilot, "v", "1", "h")
        categories = app.screen.query_one("#handoff-categories")
        assert categories.scrollable_content_region.height == categories.option_count


async def test_on_a_smaller_terminal_still_the_dialog_scrolls_to_the_focused_field(seeded, fixed_clock):
    app = create_app(seeded)
    async with app.run_test(size=(100, 22)) as pilot:
        await start(app, pilot, fixed_clock)
        await press(app, pilot, "v", "1", "h", "tab")
        dialog = app.screen
        reason = dialog.query_one("#handoff-reason")
        assert app.focused is reason and _inside(reason, app)
        await press(app, pilot, "tab")  # the frame is no stop for Tab: back to the categories
        assert app.focused is dialog.query_one("#handoff-categories")
