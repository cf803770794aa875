"""The app reads the one clock: create_app(clock=...) sets the header, the roster's day and F5's shift."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from frontdesk.app import create_app
from frontdesk.core import clock
from frontdesk.core.clock import FixedClock
from frontdesk.screens.checks import ChecksScreen
from frontdesk.screens.roster import RosterScreen
from tests.screen import screen_text

# 21:30 local on a Tuesday: the night shift of the default shifts.
AT = datetime(2026, 3, 31, 21, 30).astimezone()


@pytest.fixture
def restore_clock():
    previous = clock.current()
    yield
    clock.use(previous)


async def settle(app, pilot) -> None:
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def test_header_roster_and_checks_take_the_time_from_the_clock(db_url, restore_clock):
    stopped = FixedClock(AT)
    app = create_app(db_url, clock=stopped)
    assert clock.current() is stopped
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert "2026-03-31 週二 21:30:00" in screen_text(app)
        await pilot.pause(1.1)  # the header ticks, the clock stands still
        assert "2026-03-31 週二 21:30:00" in screen_text(app)
        await pilot.press("f8")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen) and "2026-03-31 週二 (今天)" in screen_text(app)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, ChecksScreen)
        assert app.screen.day.isoformat() == "2026-03-31" and app.screen.shift.code == "night"
        stopped.advance(timedelta(hours=14))  # 11:30 the next morning: the day shift
        await pilot.press("t")
        await settle(app, pilot)
        assert app.screen.day.isoformat() == "2026-04-01" and app.screen.shift.code == "day"
        assert "2026-04-01" in screen_text(app)
