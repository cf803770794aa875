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
