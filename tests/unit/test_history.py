"""The history / audit table (core/history.py): who, when, which record, before and after, masked;
written from one place for plain edits; append-only in the ORM and in the database (SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import delete, func, inspect, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from frontdesk.core import clock
from frontdesk.core.errors import ConflictError, NotFoundError
from frontdesk.core.history import (
    acting_as,
    bulk,
    changes_of,
    current_actor,
    entries,
    mask_phone,
    masked,
    versioned_update,
)
from frontdesk.models import History, Owner, Staff, Unit

ID_NUMBER = "110105194912310021"
MASKED_ID = "110105********0021"
T0 = datetime(2026, 3, 31, 2, 0, tzinfo=timezone.utc)


def count(engine) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(History)).scalar_one()


def owner(**values) -> Owner:
    base = dict(name="王小明", surname="王", gender="M", initials="wxm", pinyin="wangxiaoming",
                phone="+8613812345678", notes=f"身份證 {ID_NUMBER}")
    return Owner(**(base | values))


@pytest.fixture
def fixed_clock():
    previous = clock.use(clock.FixedClock(T0))
    yield
    clock.use(previous)


# --- what a row says -------------------------------------------------------------------


def test_a_plain_edit_is_written_by_the_hook_with_personal_data_masked(any_engine, fixed_clock):
    with Session(any_engine) as s, acting_as("李文"):
        o = owner()
        s.add(o)
        s.flush()
        o.notes, o.phone2 = "改了", "+8613998765432"
        s.flush()
        s.delete(o)
        s.commit()
        rows = entries(s, record_type="owner", record_id=o.id)
    assert [r.action for r in rows] == ["create", "update", "delete"]
    assert {r.actor for r in rows} == {"李文"} and rows[0].at == T0 and rows[0].day == clock.local_day(T0)
    created, updated, deleted = (changes_of(r) for r in rows)
    assert created["phone"] == [None, "*********5678"] and created["notes"] == [None, f"身份證 {MASKED_ID}"]
    assert "initials" not in created and "version" not in created  # derived and bookkeeping fields left out
    assert updated == {"notes": [f"身份證 {MASKED_ID}", "改了"], "phone2": ["", "*********5432"]}
    assert deleted["name"] == ["王小明", None]
    stored = " ".join(r.changes + r.note for r in rows)
    assert ID_NUMBER not in stored and "13812345678" not in stored and "13998765432" not in stored


def test_a_pin_is_recorded_as_set_never_the_hash(engine):
    from frontdesk import roster

    with Session(engine) as s:
        staff = Staff(name="劉主管", surname="劉", gender="F", role="lead")
        s.add(staff)
        s.flush()
        roster.set_pin(s, staff.id, "246813")
        roster.set_pin(s, staff.id, "")
        s.commit()
        rows = entries(s, record_type="staff", record_id=staff.id)
        hashes = [staff.pin_hash] + [r.changes for r in rows]
    assert [changes_of(r).get("pin_hash") for r in rows] == [None, ["", "******"], ["******", ""]]
    assert all("argon2" not in h for h in hashes[1:])


def test_nothing_unaudited_and_nothing_rolled_back(engine):
    with Session(engine) as s:
        s.add(owner())
        s.flush()
        assert count(engine) == 0  # not committed: another connection sees nothing
        s.rollback()
    assert count(engine) == 0


def test_masking_rules():
    assert mask_phone("+86 138 1234 5678") == "*********5678" and mask_phone("138") == "***" and mask_phone("") == ""
    assert masked("phone", "13812345678") == "*******5678"
    assert masked("id_number", ID_NUMBER) == MASKED_ID
    assert masked("secret", "$argon2id$v=19$…") == "******" and masked("secret", "") == ""
    assert masked(None, f"備註 {ID_NUMBER}") == f"備註 {MASKED_ID}"  # every text goes through the ID masker
    assert masked("text", [f"x {ID_NUMBER}", 3]) == [f"x {MASKED_ID}", 3]
    assert masked(None, date(2026, 3, 31)) == "2026-03-31"


def test_every_declared_personal_field_is_a_column():
    import frontdesk.models as m

    models = [v for v in vars(m).values() if isinstance(v, type) and hasattr(v, "__table__")]
    declared = [(model, name) for model in models
                for name in (*getattr(model, "__personal__", {}), *getattr(model, "__audit_skip__", ()))]
    assert len(declared) > 5
    for model, name in declared:
        assert name in model.__table__.c, f"{model.__name__}.{name}"
    audited = {model.__tablename__ for model in models if getattr(model, "__audited__", False)}
    assert audited == {"unit", "owner", "occupancy", "staff", "roster_entry", "staff_status"}


# --- the conditional update ----------------------------------------------------------


def test_versioned_update_writes_one_row_and_refuses_a_stale_version(any_engine):
    with Session(any_engine) as s:
        o = owner()
        s.add(o)
        s.commit()
        oid = o.id
    with Session(any_engine) as s, acting_as("王芳"):
        loaded = s.get(Owner, oid)
        before = versioned_update(s, Owner, oid, 1, {"name": "王大明", "phone": "+8613800001111"}, note="電話換了")
        assert before["name"] == "王小明"
        assert (loaded.name, loaded.version) == ("王大明", 2) and not s.is_modified(loaded)  # the object follows
        s.commit()
    with Session(any_engine) as s:
        with pytest.raises(ConflictError):
            versioned_update(s, Owner, oid, 1, {"name": "王中明"})
        with pytest.raises(NotFoundError):
            versioned_update(s, Owner, 99999, 1, {"name": "誰"}, missing_message="沒有這個人")
        s.commit()
        assert s.get(Owner, oid).name == "王大明"
        rows = entries(s, record_type="owner", record_id=oid)
    assert [r.action for r in rows] == ["create", "update"]
    assert changes_of(rows[1]) == {"name": ["王小明", "王大明"], "phone": ["*********5678", "*********1111"]}
    assert (rows[1].actor, rows[1].note) == ("王芳", "電話換了")


def test_a_bulk_load_is_one_row(engine):
    with Session(engine) as s, acting_as("seed-demo"):
        with bulk(s, "demo", "seed", note="示範資料"):
            s.add_all([Unit(code=f"1-1-{n}", building="1", entrance="1", room=str(n)) for n in range(101, 111)])
            s.flush()
            s.add(owner())
        s.commit()
        rows = entries(s)
    assert len(rows) == 1
    assert (rows[0].record_type, rows[0].record_id, rows[0].action) == ("demo", None, "seed")
    assert changes_of(rows[0]) == {"rows": {"owner.create": 1, "unit.create": 10}}


def test_reading_by_record_actor_and_day(engine, fixed_clock):
    with Session(engine) as s:
        with acting_as("李文"):
            s.add(owner(name="甲"))
            s.flush()
        with acting_as("王芳"):
            s.add(owner(name="乙"))
            s.flush()
        s.commit()
        assert [r.actor for r in entries(s, actor="王芳")] == ["王芳"]
        assert len(entries(s, day=clock.local_day(T0))) == 2 and entries(s, day=date(2020, 1, 1)) == []
    assert current_actor() == ""


def test_the_indexes_for_reading():
    names = {index.name: [c.name for c in index.columns] for index in History.__table__.indexes}
    assert names == {"ix_history_record": ["record_type", "record_id", "id"], "ix_history_actor": ["actor", "at"],
                     "ix_history_day": ["day", "at"]}


# --- append-only --------------------------------------------------------------------------


def _one_row(engine) -> int:
    with Session(engine) as s:
        s.add(owner())
        s.commit()
        return entries(s)[0].id


def test_the_orm_refuses_to_change_or_delete_history(any_engine):
    row_id = _one_row(any_engine)
    with Session(any_engine) as s:
        row = s.get(History, row_id)
        row.note = "塗改"
        with pytest.raises(ConflictError):
            s.flush()
        s.rollback()
        s.delete(s.get(History, row_id))
        with pytest.raises(ConflictError):
            s.flush()
        s.rollback()
        for statement in (update(History).values(note="x"), delete(History),
                          update(History.__table__).values(note="x"), delete(History.__table__)):
            with pytest.raises(ConflictError):
                s.execute(statement)
            s.rollback()
    with Session(any_engine) as s:
        assert s.get(History, row_id).note == "" and count(any_engine) == 1


@pytest.mark.parametrize("sql", ["UPDATE history SET note = 'x'", "DELETE FROM history",
                                 "UPDATE history SET actor = 'someone else' WHERE id > 0"])
def test_the_database_refuses_to_change_or_delete_history(any_engine, sql):
    _one_row(any_engine)
    with pytest.raises(DBAPIError) as err:
        with any_engine.begin() as conn:
            conn.execute(text(sql))
    assert "append-only" in str(err.value)
    assert count(any_engine) == 1


@pytest.mark.postgres
def test_postgres_refuses_truncate(pg_engine):
    _one_row(pg_engine)
    with pytest.raises(DBAPIError), pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE history"))
    assert count(pg_engine) == 1


def test_inserting_stays_allowed_in_the_database(engine):
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO history (at, day, actor, record_type, action, from_state, to_state, changes, note)"
                          " VALUES ('2026-03-31 02:00:00', '2026-03-31', 'x', 'owner', 'create', '', '', '{}', '')"))
    assert count(engine) == 1
    assert inspect(engine).has_table("history")
