"""The day and shift a screen is about (F5 self-checks, F7 handover report), and moving between them."""

from __future__ import annotations

from datetime import date, timedelta

from textual.message import Message
from textual.widgets import Static

from frontdesk.core import clock
from frontdesk.core.i18n import t
from frontdesk.shifts import WHOLE_DAY, Shift, configured_shifts, current_shift, resolve_shift
from frontdesk.widgets.header import weekday_name
from frontdesk.widgets.plain import plain


class DayShiftBar(Static):
    """One line: the date, its weekday, the shift and its hours, in the screen's own words (``head_key``).

    It opens on the shift the desk is in now (by :mod:`frontdesk.core.clock`). The
    screen's keys call :meth:`step_day` (``[`` ``]``), :meth:`next_shift` (``B``)
    and :meth:`to_now` (``T``); each posts :class:`DayShiftBar.Changed`.
    ``whole_day`` adds the whole day after the named shifts. A bad ``[shifts]``
    table in the settings falls back to the default shifts here.
    """

    DEFAULT_CSS = """
    DayShiftBar { height: auto; text-style: bold; margin-top: 1; }
    """

    class Changed(Message):
        def __init__(self, bar: DayShiftBar) -> None:
            self.bar = bar
            super().__init__()

        @property
        def control(self) -> DayShiftBar:
            return self.bar

    def __init__(self, head_key: str, *, whole_day: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.head_key = head_key
        self.whole_day = whole_day
        self.day, self.shift = self._now()

    def _spec(self) -> dict | None:
        return getattr(self.app, "shifts_spec", None)

    def _now(self) -> tuple[date, Shift]:
        try:
            return current_shift(clock.local_now(), spec=self._spec())
        except ValueError:
            return current_shift(clock.local_now())

    def shifts(self) -> list[Shift]:
        try:
            named = configured_shifts(self._spec())
        except ValueError:
            named = configured_shifts()
        return [*named, resolve_shift(WHOLE_DAY)] if self.whole_day else named

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        self.update(plain(t(self.head_key, date=self.day.isoformat(), weekday=weekday_name(self.day),
                            shift=self.shift.label(), hours=self.shift.hours())))

    def _changed(self) -> None:
        self._draw()
        self.post_message(self.Changed(self))

    def step_day(self, step: int) -> None:
        self.day += timedelta(days=step)
        self._changed()

    def set_day(self, day: date) -> None:
        self.day = day
        self._changed()

    def next_shift(self) -> None:
        shifts = self.shifts()
        codes = [s.code for s in shifts]
        index = codes.index(self.shift.code) if self.shift.code in codes else -1
        self.shift = shifts[(index + 1) % len(shifts)]
        self._changed()

    def to_now(self) -> None:
        self.day, self.shift = self._now()
        self._changed()


class DayShiftKeys:
    """Mixed into a screen that shows a :class:`DayShiftBar`: its day and shift, and the actions its keys call.

    The screen binds ``day(-1)`` / ``day(1)``, ``next_shift`` and ``now`` (its own binding ids);
    after each change it clears the status line and reads its data again (``reload``).
    """

    @property
    def bar(self) -> DayShiftBar:
        return self.query_one(DayShiftBar)

    @property
    def day(self) -> date:
        return self.bar.day

    @property
    def shift(self) -> Shift:
        return self.bar.shift

    def action_day(self, step: int) -> None:
        self.bar.step_day(step)

    def action_next_shift(self) -> None:
        self.bar.next_shift()

    def action_now(self) -> None:
        self.bar.to_now()

    def on_day_shift_bar_changed(self, _event: DayShiftBar.Changed) -> None:
        self.say("")
        self.reload()
