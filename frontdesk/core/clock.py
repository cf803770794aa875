"""One clock for the whole app: the header, the screens, the roster and every domain call.

Every ``now`` in frontdesk comes from :func:`now` (aware, UTC); the desk's day and
hours are that instant in local time (:func:`local_now`, :func:`today`). Tests
and the demo set the time of day by installing a :class:`FixedClock` with
:func:`use` instead of sleeping::

    clock = FixedClock(datetime(2026, 3, 31, 19, 58, tzinfo=SHANGHAI))
    previous = use(clock)
    clock.advance(minutes=5)      # the shift changes
    use(previous)

Domain functions keep their ``now`` parameter (a test may pass one) and fall back
to :func:`now` through :func:`resolve`.
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that stands still until told to move (tests, snapshots, the demo)."""

    def __init__(self, at: datetime) -> None:
        self._lock = threading.Lock()
        self._at = aware(at)

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        with self._lock:
            self._at = aware(at)

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move forward by ``delta`` or by ``timedelta(**parts)`` (``minutes=5``); returns the new time."""
        step = delta if delta is not None else timedelta(**parts)
        with self._lock:
            self._at = self._at + step
            return self._at

    def __repr__(self) -> str:
        return f"FixedClock({self._at.isoformat()})"


_clock: Clock = SystemClock()


def use(clock: Clock) -> Clock:
    """Install ``clock`` for the whole process; returns the one it replaces."""
    global _clock
    previous, _clock = _clock, clock
    return previous


def current() -> Clock:
    return _clock


def now() -> datetime:
    """Now, aware, in UTC."""
    return _clock.now().astimezone(timezone.utc)


def local_now() -> datetime:
    """Now in the desk's local time zone (aware)."""
    return _clock.now().astimezone()


def today() -> date:
    """The desk's day: the local date of :func:`now`."""
    return local_now().date()


def aware(value: datetime | None) -> datetime | None:
    """A naive datetime read back from SQLite is UTC; aware ones are kept."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def resolve(value: datetime | None = None) -> datetime:
    """``value`` made aware, or the clock's now: what every domain function does with its ``now``."""
    return aware(value) if value is not None else now()


def local_day(value: datetime | None = None) -> date:
    """The local date of ``value`` (default: now)."""
    return resolve(value).astimezone().date()
