"""Snapshot tests (pytest-textual-snapshot): the main screens as pictures, the same on every machine.

Every picture is made from the same inputs: the desk of :mod:`tests.snapshots.scene` (demo data
with a fixed seed and day, and a morning at the desk), a copy of it for each test, the one clock
stopped at :data:`scene.AT`, the time zone Asia/Shanghai (for this test only), the operator's name,
the default theme, and no colour-changing variables. Before the picture the screen is left to
settle until two frames in a row are the same, and the cursor of a text field stops blinking (shown).

Update the pictures after a layout change on purpose (commit them with the change):

    python3 dev.py test tests/snapshots --snapshot-update
"""

from __future__ import annotations

import os
import shutil
import time

import pytest

from frontdesk.app import create_app
from frontdesk.core.clock import FixedClock
from frontdesk.screens.queue import QueueScreen
from frontdesk.widgets import compat
from tests.snapshots import scene

# Variables that would change how Textual draws (colours, filters, theme are read from them).
DRAWING_VARIABLES = ("NO_COLOR", "TEXTUAL_COLOR_SYSTEM", "TEXTUAL_FILTERS", "TEXTUAL_THEME", "TEXTUAL_ANIMATIONS")


def _set_time_zone(name: str | None) -> None:
    if name is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = name
    time.tzset()


@pytest.fixture
def desk_time_zone():
    """The desk's time zone for one test; the process's own comes back after it."""
    before = os.environ.get("TZ")
    _set_time_zone(scene.TZ)
    yield scene.TZ
    _set_time_zone(before)


@pytest.fixture(scope="session")
def desk_template(tmp_path_factory):
    """The scene's database, built once per session (in the desk's time zone)."""
    before = os.environ.get("TZ")
    _set_time_zone(scene.TZ)
    try:
        path = tmp_path_factory.mktemp("snapshot-desk") / "desk.db"
        scene.build(path)
    finally:
        _set_time_zone(before)
    assert not path.with_name(path.name + "-wal").exists()  # closed whole: one file to copy
    return path


@pytest.fixture
def desk_url(desk_template, tmp_path, desk_time_zone, monkeypatch):
    """A fresh copy of the scene for one test: what one picture does to it never reaches the next."""
    for name in DRAWING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)  # the desk is re-read on screen resume only
    copy = tmp_path / "desk.db"
    shutil.copyfile(desk_template, copy)
    return f"sqlite:///{copy}"


def desk_app(url: str, language: str, mode: str):
    app = create_app(url, language=language, operator=scene.OPERATOR, start_mode=mode, clock=FixedClock(scene.AT))
    app.theme = "textual-dark"
    return app


def _frame(app) -> list:
    return [(segment.text, segment.style) for strip in compat.rendered_strips(app.screen) for segment in strip]


async def settled(pilot, *keys: str) -> None:
    """Press ``keys`` one by one, letting database work finish after each, then wait for a steady frame."""
    app = pilot.app

    async def settle() -> None:
        for _ in range(2):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.pause()

    await settle()
    for key in keys:
        await pilot.press(key)
        await settle()
    last = None
    for _ in range(20):
        frame = _frame(app)
        if frame == last:
            break
        last = frame
        await settle()
    else:  # pragma: no cover - a screen that never stops changing cannot be a snapshot
        raise AssertionError("the screen kept changing")
    from textual.widgets import Input

    for field in app.screen.query(Input):
        field.cursor_blink = False  # the cursor shown steadily, never caught half-way through a blink
    await pilot.pause()
