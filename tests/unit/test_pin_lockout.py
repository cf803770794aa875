"""Issue 8 A2: the PIN lock-out holds against parallel desks (SQLite and PostgreSQL).

Each attempt is claimed with one atomic upsert before its PIN is checked: eight desks
trying wrong PINs at once get at most MAX_PIN_ATTEMPTS guesses checked per lock window,
every desk gets a clear refusal, and none crashes (no IntegrityError when the lead has no
guard row yet).
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import Session

from frontdesk import selfchecks as sc
from frontdesk.core.errors import ValidationError
from frontdesk.models import PinGuard
from tests.checks_data import LEAD_PIN, seed_desk
from tests.races import run_desks

DAY = date(2026, 3, 31)
T0 = datetime(2026, 3, 31, 4, 0, tzinfo=timezone.utc)
DESKS = 8


@pytest.fixture
def lead(any_engine):
    with Session(any_engine) as s:
        people = seed_desk(s, DAY)
        s.commit()
        return people["劉主管"].id


@pytest.fixture
def checked(monkeypatch):
    """Counts the PINs actually checked against the hash."""
    calls = []
    lock = threading.Lock()
    real = sc.verify_pin

    def counting(session, staff_id, pin):
        with lock:
            calls.append(pin)
        return real(session, staff_id, pin)

    monkeypatch.setattr(sc, "verify_pin", counting)
    return calls


def attempt(engine, lead_id, pin, now, barrier):
    def run():
        with Session(engine) as s:
            barrier.wait(10)
            return sc.verify_lead(s, lead_id, pin, now=now)

    return run


def test_eight_desks_guessing_at_once_get_at_most_the_limit_checked(any_engine, lead, checked):
    for window in range(3):  # three lock windows in a row
        now = T0 + timedelta(minutes=window * (sc.LOCK_MINUTES + 1))
        barrier = threading.Barrier(DESKS)
        results = run_desks(*[attempt(any_engine, lead, f"{100000 + n}", now, barrier) for n in range(DESKS)])
        assert all(isinstance(r, ValidationError) for r in results), results  # no crash, every desk refused
        messages = [r.errors["pin"] for r in results]
        assert sum("鎖定" in m for m in messages) >= DESKS - sc.MAX_PIN_ATTEMPTS
        assert len(checked) <= sc.MAX_PIN_ATTEMPTS * (window + 1), checked
        with Session(any_engine) as s:
            assert sc.pin_lock(s, lead, now=now) is not None
            assert s.get(PinGuard, lead).failures == sc.MAX_PIN_ATTEMPTS
    assert len(checked) == sc.MAX_PIN_ATTEMPTS * 3


def test_the_right_pin_among_parallel_desks_clears_the_count(any_engine, lead, checked):
    barrier = threading.Barrier(2)
    results = run_desks(attempt(any_engine, lead, LEAD_PIN, T0, barrier),
                        attempt(any_engine, lead, "999999", T0, barrier))
    assert isinstance(results[0], sc.LeadOption) and isinstance(results[1], ValidationError)
    with Session(any_engine) as s:
        assert s.get(PinGuard, lead).failures <= 1 and sc.pin_lock(s, lead, now=T0) is None


def test_a_locked_lead_is_refused_without_the_pin_being_checked(any_engine, lead, checked):
    with Session(any_engine) as s:
        for _ in range(sc.MAX_PIN_ATTEMPTS):
            with pytest.raises(ValidationError):
                sc.verify_lead(s, lead, "000000", now=T0)
        before = len(checked)
        with pytest.raises(ValidationError, match="鎖定"):
            sc.verify_lead(s, lead, LEAD_PIN, now=T0 + timedelta(minutes=1))
        assert len(checked) == before  # the right PIN was not even tried
        assert sc.verify_lead(s, lead, LEAD_PIN, now=T0 + timedelta(minutes=sc.LOCK_MINUTES)).name == "劉主管"


def test_the_count_survives_the_callers_rollback_and_a_restart(any_engine, lead):
    with Session(any_engine) as s:
        with pytest.raises(ValidationError):
            sc.verify_lead(s, lead, "000000", now=T0)
        s.rollback()  # the app rolls the failed action back
    any_engine.dispose()  # and restarts
    with Session(any_engine) as s:
        assert s.get(PinGuard, lead).failures == 1
