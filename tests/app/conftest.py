"""Fixtures for the Pilot tests."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from frontdesk.core import clock
from frontdesk.core.clock import FixedClock


@pytest.fixture
def fixed_clock():
    """The one clock stopped at now (to the second) for the test: move it with ``fixed_clock.advance(minutes=3)``."""
    stopped = FixedClock(datetime.now(timezone.utc).replace(microsecond=0))
    previous = clock.use(stopped)
    yield stopped
    clock.use(previous)
