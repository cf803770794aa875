"""The database failing while the desk works: one clear dialog, the typing kept, nothing saved."""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy import func, select
from sqlmodel import Session
from textual.widgets import Input

from frontdesk.core import db
from frontdesk.app import create_app
from frontdesk.core.db import sqlite_path
from frontdesk.models import Owner
from frontdesk.screens.owner_form import OwnerFormScreen
from frontdesk.widgets.dialogs import MessageDialog
from tests.screen import screen_text


def owners_in(app) -> int:
    with Session(app.engine) as s:
        return s.execute(select(func.count()).select_from(Owner)).scalar_one()


async def test_a_locked_database_during_a_save(db_url, monkeypatch, tmp_path):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
    from frontdesk.core.logs import setup_logging

    log_file = setup_logging(path=tmp_path / "fd.log")
    app = create_app(db_url, start_mode="owners")
    async with app.run_test(size=(140, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, OwnerFormScreen)
        await pilot.press(*"林小雨", "tab", "enter", "down", "enter", "tab", *"13700009999")
        holder = sqlite3.connect(sqlite_path(db_url), timeout=0.1)
        holder.execute("BEGIN EXCLUSIVE")  # another program holds the file
        try:
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, MessageDialog)
            assert "鎖定" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            form = app.screen
            assert isinstance(form, OwnerFormScreen)  # still open, with what was typed
            assert form.query_one("#f-name", Input).value == "林小雨"
            assert form.query_one("#f-phone", Input).value == "13700009999"
        finally:
            holder.rollback()
            holder.close()
        assert owners_in(app) == 0  # nothing half-saved
        # The lock is gone: the same form saves.
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, OwnerFormScreen)
    assert owners_in(app) == 1
    for handler in logging.getLogger("frontdesk").handlers:
        handler.flush()
    logged = log_file.read_text(encoding="utf-8")
    assert "鎖定" in logged and "OperationalError" in logged  # the message and the traceback
