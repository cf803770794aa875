"""The state mechanism (core/states.py) on a small example table: every allowed and every refused move,
a concurrent move refused as a conflict (SQLite and PostgreSQL), history in the same transaction."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from enum import StrEnum

import pytest
from sqlalchemy import MetaData, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlmodel import Session

from frontdesk.core import i18n, states
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.core.history import acting_as, changes_of, entries
from frontdesk.models import History

T0 = datetime(2026, 3, 31, 2, 0, tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData()  # not the app's tables: the migrations never see it


class ParcelState(StrEnum):
    RECEIVED = "received"
    NOTIFIED = "notified"
    COLLECTED = "collected"
    RETURNED = "returned"


class Parcel(Base):
    """A parcel held at the desk for an owner (代收包裹): small, but it moves like a work order."""

    __tablename__ = "example_parcel"
    __personal__ = {"phone": "phone"}
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(default=1)
    phone: Mapped[str] = mapped_column(String(20), default="")
    shelf: Mapped[str] = mapped_column(String(8), default="")


R, N, C, X = ParcelState.RECEIVED, ParcelState.NOTIFIED, ParcelState.COLLECTED, ParcelState.RETURNED
TRANSITIONS = {
    (R, "notify"): N,
    (R, "collect"): C,
    (R, "move"): R,
    (N, "remind"): N,
    (N, "collect"): C,
    (N, "return"): X,
    (R, "discard"): states.GONE,
}
NAMES = {
    "record": "包裹", "received": "已收件", "notified": "已通知", "collected": "已領取", "returned": "已退回",
    "notify": "通知業主", "collect": "領取", "move": "換架位", "remind": "再次提醒", "return": "退回",
    "discard": "作廢", "receive": "收件",
}
PARCELS = states.Machine(model=Parcel, states=ParcelState, transitions=TRANSITIONS, initial={R},
                         creations=("receive",), label=lambda _kind, code: NAMES[code])
# A path from a new parcel to each state.
PATH = {R: [], N: ["notify"], C: ["collect"], X: ["notify", "return"]}


@pytest.fixture
def db(any_engine):
    Base.metadata.create_all(any_engine)
    yield any_engine
    Base.metadata.drop_all(any_engine)


def new_parcel(engine, state=R, phone="+8613812345678") -> tuple[int, int]:
    """A parcel brought to ``state`` through the mechanism; returns (id, version)."""
    with Session(engine) as s:
        parcel = states.create(s, PARCELS, Parcel(state=R, phone=phone), action="receive", now=T0)
        for action in PATH[state]:
            states.move(s, PARCELS, parcel, action, expected_version=None, now=T0)
        s.commit()
        return parcel.id, parcel.version


def history_rows(engine, parcel_id=None) -> list[History]:
    with Session(engine) as s:
        return entries(s, record_type="example_parcel", record_id=parcel_id)


def stored(engine, parcel_id) -> tuple[str, int] | None:
    with Session(engine) as s:
        row = s.get(Parcel, parcel_id)
        return (row.state, row.version) if row else None


# --- allowed moves ---------------------------------------------------------------------


def test_creating_writes_the_first_history_row(db):
    with acting_as("李文"):
        pid, version = new_parcel(db)
    assert version == 1
    (row,) = history_rows(db, pid)
    assert (row.action, row.from_state, row.to_state, row.actor) == ("receive", "", "received", "李文")
    assert changes_of(row)["phone"] == [None, "*********5678"]  # only the last 4 digits are kept
    with Session(db) as s, pytest.raises(ValueError):
        states.create(s, PARCELS, Parcel(state=C), action="receive")  # not a first state
    with Session(db) as s, pytest.raises(ValueError):
        states.create(s, PARCELS, Parcel(state=R), action="smuggle")  # not a creating action


@pytest.mark.parametrize("source,action", [key for key, target in TRANSITIONS.items() if target is not states.GONE])
def test_every_allowed_move(db, source, action):
    pid, version = new_parcel(db, source)
    before = len(history_rows(db, pid))
    with Session(db) as s, acting_as("王芳"):
        parcel = states.move(s, PARCELS, pid, action, expected_version=version, values={"shelf": "B2"},
                             note="證件 110105194912310021", now=T0)
        assert (parcel.state, parcel.version, parcel.shelf) == (TRANSITIONS[(source, action)], version + 1, "B2")
        s.commit()
    assert stored(db, pid) == (TRANSITIONS[(source, action)], version + 1)
    rows = history_rows(db, pid)
    assert len(rows) == before + 1
    last = rows[-1]
    assert (last.action, last.from_state, last.to_state, last.actor) == (action, source, TRANSITIONS[(source, action)], "王芳")
    assert changes_of(last)["shelf"] == ["", "B2"]
    assert last.note == "證件 110105********0021"
    if source != TRANSITIONS[(source, action)]:
        assert changes_of(last)["state"] == [source, TRANSITIONS[(source, action)]]


def test_a_move_to_gone_deletes_with_history(db):
    pid, version = new_parcel(db)
    with Session(db) as s:
        assert states.move(s, PARCELS, pid, "discard", expected_version=version, note="重複登記") is None
        s.commit()
    assert stored(db, pid) is None
    last = history_rows(db, pid)[-1]
    assert (last.action, last.from_state, last.to_state, last.note) == ("discard", "received", "", "重複登記")


# --- refused moves ---------------------------------------------------------------------

ACTIONS = sorted({action for _source, action in TRANSITIONS})
REFUSED = [(state, action) for state in ParcelState for action in ACTIONS if (state, action) not in TRANSITIONS]


@pytest.mark.parametrize("source,action", REFUSED)
def test_every_refused_move_names_the_allowed_ones_and_writes_nothing(db, source, action):
    pid, version = new_parcel(db, source)
    before = history_rows(db, pid)
    with Session(db) as s:
        with pytest.raises(ValidationError) as err:
            states.move(s, PARCELS, pid, action, expected_version=version, values={"shelf": "Z9"})
        s.commit()
    message = err.value.errors["state"]
    allowed = [a for (state, a) in TRANSITIONS if state == source]
    assert NAMES[action] in message and NAMES[source] in message
    if allowed:  # the list names exactly the allowed actions, in the order declared
        assert message.endswith("可以:" + "、".join(NAMES[a] for a in allowed) + "。"), message
    else:
        assert message == f"包裹已是「{NAMES[source]}」,不能再「{NAMES[action]}」。"
    assert stored(db, pid) == (source, version)
    assert len(history_rows(db, pid)) == len(before)


def test_refusals_in_the_users_language(db):
    machine = states.Machine(model=Parcel, states=ParcelState, transitions=TRANSITIONS, initial={R})
    assert machine.name("action", "notify") == "notify"  # no catalogue entries: the code itself
    pid, version = new_parcel(db, C)
    i18n.set_language("en")
    with Session(db) as s, pytest.raises(ValidationError) as err:
        states.move(s, PARCELS, pid, "notify", expected_version=version)
    assert "包裹" in str(err.value) and "nothing more" in str(err.value)


def test_a_stale_version_or_a_missing_record(db):
    pid, version = new_parcel(db)
    with Session(db) as s:
        with pytest.raises(ConflictError):
            states.move(s, PARCELS, pid, "notify", expected_version=version - 1)
        with pytest.raises(NotFoundError):
            states.move(s, PARCELS, 99999, "notify", expected_version=1)
        s.commit()
    assert stored(db, pid) == ("received", version) and len(history_rows(db, pid)) == 1


# --- one transaction --------------------------------------------------------------------


def test_history_is_in_the_same_transaction(db):
    pid, version = new_parcel(db)
    with Session(db) as s:
        states.move(s, PARCELS, pid, "notify", expected_version=version)
        states.move(s, PARCELS, pid, "remind", expected_version=version + 1)
        assert len(entries(s, record_type="example_parcel", record_id=pid)) == 3  # visible inside
        s.rollback()
    assert stored(db, pid) == ("received", version)
    assert len(history_rows(db, pid)) == 1
    with Session(db) as s:
        states.create(s, PARCELS, Parcel(state=R), action="receive")
        s.rollback()
    with Session(db) as s:
        assert s.execute(select(func.count()).select_from(Parcel)).scalar_one() == 1
    assert len(history_rows(db)) == 1


# --- two desks ------------------------------------------------------------------------


def test_two_desks_from_the_same_version(db):
    pid, version = new_parcel(db)
    s1, s2 = Session(db), Session(db)
    try:
        states.move(s1, PARCELS, pid, "notify", expected_version=version)
        s1.commit()
        with pytest.raises(ConflictError):
            states.move(s2, PARCELS, pid, "collect", expected_version=version)
        s2.rollback()
    finally:
        s1.close(), s2.close()
    assert stored(db, pid) == ("notified", version + 1)
    assert [r.action for r in history_rows(db, pid)] == ["receive", "notify"]


def test_a_concurrent_move_waits_then_is_refused(db):
    """The second desk blocks on the first's write, then finds the record moved: a conflict, no history row."""
    pid, version = new_parcel(db)
    s1 = Session(db)
    states.move(s1, PARCELS, pid, "notify", expected_version=version)  # written, not committed
    outcome = {}

    def second():
        try:
            with Session(db) as s2:
                states.move(s2, PARCELS, pid, "collect", expected_version=version)
                s2.commit()
                outcome["moved"] = True
        except Exception as exc:  # noqa: BLE001
            outcome["error"] = exc

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    assert thread.is_alive()  # waiting for the first desk
    s1.commit()
    s1.close()
    thread.join(10)
    assert isinstance(outcome.get("error"), ConflictError), outcome
    assert stored(db, pid) == ("notified", version + 1)
    assert [r.action for r in history_rows(db, pid)] == ["receive", "notify"]


def test_many_desks_at_once_exactly_one_wins(db):
    pid, version = new_parcel(db)
    barrier = threading.Barrier(4)
    results = []

    def desk(action):
        try:
            with Session(db) as s:
                barrier.wait(5)
                states.move(s, PARCELS, pid, action, expected_version=version)
                s.commit()
                results.append(action)
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=desk, args=(a,)) for a in ("notify", "collect", "move", "notify")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(20)
    assert sorted(results).count("conflict") == 3, results
    winner = next(r for r in results if r != "conflict")
    assert stored(db, pid) == (TRANSITIONS[(R, winner)], version + 1)
    assert [r.action for r in history_rows(db, pid)] == ["receive", winner]


def test_a_machine_must_name_known_states():
    with pytest.raises(ValueError):
        states.Machine(model=Parcel, states=ParcelState, transitions={(R, "fly"): "moon"}, initial={R})
    with pytest.raises(ValueError):
        states.Machine(model=Parcel, states=ParcelState, transitions={}, initial={"moon"})


def test_the_workflows_machines_are_named_in_every_catalogue():
    """An action refused on screen names the allowed ones: every machine's names are in all three languages."""
    from frontdesk import deskqueue, selfchecks

    assert deskqueue.ENCOUNTERS.record_type == "encounter" and selfchecks.CHECKS.record_type == "self_check"
    machines = [m for m in states.MACHINES.values() if m.label is None and m.area]
    assert {m.record_type for m in machines} >= {"encounter", "self_check"}
    for lang in i18n.LANGUAGES:
        catalogue = i18n.catalogue(lang)
        missing = [key for m in machines for key in m.message_keys() if key not in catalogue]
        assert missing == [], lang
    i18n.set_language("zh-Hant")
    with pytest.raises(ValidationError) as err:
        deskqueue.ENCOUNTERS.target("closed", "finish")
    assert str(err.value) == "接待已是「已結束」,不能再「完成」。"
    with pytest.raises(ValidationError) as err:
        selfchecks.CHECKS.target("signed", "answer")
    assert str(err.value) == "自檢已是「已簽核」,不能再「作答」。"
    with pytest.raises(ValidationError) as err:
        deskqueue.ENCOUNTERS.target("waiting", "finish")
    assert str(err.value) == "接待目前是「等候中」,不能「完成」;可以:接待等候者、登記業主、離開、補結。"
