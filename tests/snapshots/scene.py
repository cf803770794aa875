"""The one desk every snapshot shows: demo data and a morning at the desk, on a fixed day and time.

Built once per test session into a template file (:func:`build`) and copied for each
test, so every picture starts from the same rows whatever ran before it. Everything
comes from fixed inputs: the demo seed and day, the times below (Asia/Shanghai), and
the domain functions the screens call. Nothing reads the machine's clock.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from frontdesk import deskqueue, selfchecks
from frontdesk.core.db import open_database, session_scope
from frontdesk.core.history import acting_as
from frontdesk.demo import DEFAULT_SEED, DEMO_LEAD_PIN, seed_demo
from frontdesk.models import Owner, RosterEntry, Staff
from frontdesk.rotation import STANDING_ORDER

TZ = "Asia/Shanghai"
SHANGHAI = ZoneInfo(TZ)
DAY = date(2026, 3, 4)  # a Wednesday
AT = datetime(2026, 3, 4, 10, 30, tzinfo=SHANGHAI)  # the pictures' "now": mid-morning of the day shift
OPERATOR = "前台一"


def at(hour: int, minute: int) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=SHANGHAI)


def build(path) -> str:
    """Fill a new SQLite file at ``path``; returns its URL. The engine is closed (the file is whole)."""
    url = f"sqlite:///{path}"
    engine = open_database(url)
    try:
        with acting_as(OPERATOR):
            with session_scope(engine) as s:
                seed_demo(s, day=DAY, rng_seed=DEFAULT_SEED)
            _morning(engine)
            _checks(engine)
    finally:
        engine.dispose()
    return url


def _act(engine, fn, *args, **kw):
    with session_scope(engine) as s:
        return fn(s, *args, **kw)


def _familiar_owners(engine, count: int) -> list[int]:
    with session_scope(engine) as s:
        return list(s.exec(select(Owner.id).where(Owner.is_familiar).order_by(Owner.id).limit(count)).all())


def _morning(engine) -> None:
    """Two encounters finished (one handed off), three being served, one seat with a task, one party waiting."""
    first, second, third = _familiar_owners(engine, 3)
    # 09:02 a familiar owner, answered in seven minutes
    greeted = _act(engine, deskqueue.arrive, owner_id=first, now=at(9, 2)).greeting
    _act(engine, deskqueue.finish, greeted.seat, category="inquiry", outcome="answered", now=at(9, 9))
    # 09:15 an owner with a repair, handed to whoever covers repairs, then a work order
    greeted = _act(engine, deskqueue.arrive, owner_id=second, now=at(9, 15)).greeting
    desk = _act(engine, deskqueue.snapshot, now=at(9, 17))
    to_seat = deskqueue.propose_handoff(desk, greeted.seat, "repair")
    _act(engine, deskqueue.handoff, greeted.seat, to_seat, category="repair", reason="廚房漏水,需報修",
         now=at(9, 17))
    _act(engine, deskqueue.finish, to_seat, category="repair", outcome="work_order", now=at(9, 26))
    # 10:12 … 10:24 three parties being served
    _act(engine, deskqueue.arrive, owner_id=third, now=at(10, 12))
    _act(engine, deskqueue.arrive, guest_type="visitor", now=at(10, 20))
    _act(engine, deskqueue.arrive, guest_type="vip", now=at(10, 24))
    # 10:25 the last free seat takes a task in hand; 10:27 an owner arrives and waits (3 minutes at 10:30)
    desk = _act(engine, deskqueue.snapshot, now=at(10, 25))
    free = next(code for code in STANDING_ORDER if desk.seats[code].staffed and desk.seats[code].party is None)
    _act(engine, deskqueue.set_state, free, "busy", note="整理包裹登記", now=at(10, 25))
    waits = _act(engine, deskqueue.arrive, now=at(10, 27)).greeting
    assert waits.kind == "wait"


def _checks(engine) -> None:
    """F5: the first person on the roster signed (all pass) at 08:40; the second one half-way, one item failed."""
    with session_scope(engine) as s:
        order = {code: i for i, code in enumerate(STANDING_ORDER)}
        entries = sorted(s.exec(select(RosterEntry).where(RosterEntry.day == DAY)).all(), key=lambda r: order[r.seat])
        seated = [r.staff_id for r in entries]
        lead = s.exec(select(Staff.id).where(Staff.role == "lead")).first()
    shift = "day"
    signed = _act(engine, selfchecks.start_check, seated[0], DAY, shift, now=at(8, 35))
    answers = {item.position: ("pass", "") for item in signed.items}
    _act(engine, selfchecks.sign_check, signed.id, lead, DEMO_LEAD_PIN, answers=answers, now=at(8, 40))
    draft = _act(engine, selfchecks.start_check, seated[1], DAY, shift, now=at(8, 45))
    half = {item.position: ("pass", "") for item in draft.items[: len(draft.items) // 2]}
    half[2] = ("fail", "戴了手鍊,已請她取下")
    _act(engine, selfchecks.save_answers, draft.id, half, now=at(8, 50))

