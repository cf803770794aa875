"""Shifts: named time ranges of a desk day, for self-checks and the handover report.

The roster is per day; a shift narrows a day to hours. Defaults are a day shift
08:00–20:00 and a night shift 20:00–08:00 (it ends the next morning and belongs
to the day it starts). A desk can name its own in ``settings.toml``::

    [shifts]
    early = "07:00-15:00"
    late = "15:00-23:00"

The settings check that table at start-up with :func:`is_shift_code` and
:func:`parse_range` (``Settings.shifts``), so the callers pass it on as it is.

``all`` is the whole day, 00:00–24:00. A range typed as ``HH:MM-HH:MM`` works
wherever a shift name does. Times are the desk's local time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from frontdesk.core import clock
from frontdesk.core.i18n import t

WHOLE_DAY = "all"
DEFAULT_SHIFTS: dict[str, str] = {"day": "08:00-20:00", "night": "20:00-08:00"}
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s*$")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,15}$")


@dataclass(frozen=True)
class Shift:
    code: str
    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def window(self, day: date) -> tuple[datetime, datetime]:
        """Start and end as aware local datetimes; a shift past midnight ends the next day."""
        start = datetime.combine(day, self.start).astimezone()
        end_day = day + timedelta(days=1) if self.crosses_midnight else day
        return start, datetime.combine(end_day, self.end).astimezone()

    def label(self) -> str:
        names = {
            WHOLE_DAY: t("reports.shift_all"),
            "day": t("reports.shift_day"),
            "night": t("reports.shift_night"),
        }
        return names.get(self.code, self.code)

    def hours(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}" if self.code != WHOLE_DAY else "00:00–24:00"


def parse_range(text: str) -> tuple[time, time]:
    """``08:00-20:00`` → (08:00, 20:00); anything else raises ``ValueError`` with a clear message."""
    m = _RANGE.match(text or "")
    if not m:
        raise ValueError(t("reports.err_shift", shift=text))
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(t("reports.err_shift", shift=text))
    return time(h1, m1), time(0, 0) if h2 == 24 else time(h2, m2)


def is_shift_code(code: str) -> bool:
    """A shift's name: lower-case letters, digits and ``_``, starting with a letter, at most 16; not ``all``."""
    return bool(_CODE.match(code)) and code != WHOLE_DAY


def configured_shifts(spec: dict[str, str] | None = None) -> list[Shift]:
    """The desk's named shifts, in the order given (``spec`` is ``Settings.shifts``; None: the defaults)."""
    spec = spec or DEFAULT_SHIFTS
    out = []
    for code, text in spec.items():
        code = str(code)
        if not is_shift_code(code):
            raise ValueError(t("reports.err_shift", shift=code))
        start, end = parse_range(str(text))
        out.append(Shift(code, start, end))
    return out


def resolve_shift(value: str | None, spec: dict | None = None) -> Shift:
    """A shift from its name, ``all``, or a ``HH:MM-HH:MM`` range."""
    value = (value or WHOLE_DAY).strip()
    if value == WHOLE_DAY:
        return Shift(WHOLE_DAY, time(0, 0), time(0, 0))
    for shift in configured_shifts(spec):
        if shift.code == value:
            return shift
    start, end = parse_range(value)
    return Shift(f"{start:%H:%M}-{end:%H:%M}", start, end)


def current_shift(now: datetime | None = None, spec: dict | None = None) -> tuple[date, Shift]:
    """The shift a desk is in at ``now`` and the day it belongs to.

    Between shifts it is the one that ended last (its end-of-shift checks are due).
    """
    now = clock.resolve(now).astimezone()
    shifts = configured_shifts(spec)
    candidates: list[tuple[datetime, date, Shift]] = []
    for day in (now.date() - timedelta(days=1), now.date()):
        for shift in shifts:
            start, end = shift.window(day)
            if start <= now < end:
                return day, shift
            if end <= now:
                candidates.append((end, day, shift))
    if candidates:
        _end, day, shift = max(candidates, key=lambda c: c[0])
        return day, shift
    return now.date(), shifts[0]  # pragma: no cover - only with a shift longer than a day


def shift_sort_key(code: str, spec: dict | None = None) -> int:
    """Order of shifts within a day (unknown codes last)."""
    codes = [s.code for s in configured_shifts(spec)]
    return codes.index(code) if code in codes else len(codes)
