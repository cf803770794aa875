"""Demo data: realistic, deterministic, complete desk, and never mixed into real data unasked."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import phonenumbers
import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from frontdesk import roster
from frontdesk.cli import main
from frontdesk.core.db import open_database, session_scope
from frontdesk.demo import DEMO_LEAD_PIN, DemoRefused, existing_data, seed_demo
from frontdesk.models import Occupancy, Owner, Staff, Unit
from frontdesk.names import COMPOUND_SURNAMES, name_keys, parse_unit_code, phone_tail, surname_of
from frontdesk.roster import StaffForm

DAY = date(2026, 11, 27)


@pytest.fixture
def seeded(engine):
    with session_scope(engine) as s:
        summary = seed_demo(s, day=DAY, rng_seed=7)
    return engine, summary


def test_counts_and_estate(seeded):
    engine, summary = seeded
    with Session(engine) as s:
        units = s.exec(select(Unit)).all()
        owners = s.exec(select(Owner)).all()
        links = s.exec(select(Occupancy)).all()
    assert 180 <= len(units) <= 220 and summary.units == len(units)
    assert len({u.building for u in units}) >= 4
    assert all(parse_unit_code(u.code) == (u.building, u.entrance, u.room) for u in units)
    assert any(len(u.room) == 4 for u in units)  # 3-2-1101 style high floors
    roles = Counter(link.role for link in links)
    assert roles["owner"] >= len(units)  # every flat has an owner
    assert roles["resident"] > 10 and roles["tenant"] > 3
    per_owner = Counter(link.owner_id for link in links if link.role == "owner")
    assert 1 in per_owner.values() and 2 in per_owner.values() and max(per_owner.values()) == 2
    assert summary.owners + summary.residents == len(owners)
    assert any(o.is_vip for o in owners) and any(o.is_familiar for o in owners)
    assert sum(o.is_vip for o in owners) < len(owners) / 5


def test_names_look_real_and_keys_match(seeded):
    engine, _ = seeded
    with Session(engine) as s:
        owners = s.exec(select(Owner)).all()
    genders = Counter(o.gender for o in owners)
    assert genders["F"] > 50 and genders["M"] > 50
    surnames = Counter(o.surname for o in owners)
    assert len(surnames) > 30 and surnames.most_common(1)[0][0] in "王李張劉陳楊黃趙吳周"
    for o in owners:
        assert 2 <= len(o.name) <= 4 and o.surname == surname_of(o.name)
        assert (o.initials, o.pinyin) == name_keys(o.name)
    assert any(o.surname in COMPOUND_SURNAMES for o in owners) or len(owners) < 300


def test_phones_valid_unique_and_tailed(seeded):
    engine, _ = seeded
    with Session(engine) as s:
        owners = s.exec(select(Owner)).all()
    phones = [o.phone for o in owners] + [o.phone2 for o in owners if o.phone2]
    assert len(set(phones)) == len(phones)
    for owner in owners:
        number = phonenumbers.parse(owner.phone, "CN")
        assert phonenumbers.is_valid_number(number)
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        assert owner.phone_tail == phone_tail(owner.phone) and len(owner.phone_tail) == 4
    assert any(o.phone2 for o in owners)


def test_desk_has_a_lead_both_genders_full_roster_and_all_duties(seeded):
    engine, summary = seeded
    with Session(engine) as s:
        staff = roster.list_staff(s)
        seated = roster.roster_for(s, DAY)
        yesterday = roster.roster_for(s, DAY - timedelta(days=1))
    assert 4 <= len(staff) <= 6 and summary.staff == len(staff)
    assert {p.gender for p in staff} == {"F", "M"}
    assert [p.role for p in staff].count("lead") == 1
    assert list(seated) == list(roster.SEATS)
    assert len({p.id for p in seated.values()}) == 4
    assert len(yesterday) == 4 and yesterday != seated
    covered = {code for p in staff for code in roster.duties_of(p)}
    assert covered == {c.code for c in roster.load_categories()}


def test_lead_has_the_demo_pin(seeded):
    engine, summary = seeded
    with Session(engine) as s:
        lead = s.exec(select(Staff).where(Staff.role == "lead")).one()
        assert summary.lead_name == lead.name and summary.lead_pin == DEMO_LEAD_PIN
        assert roster.verify_pin(s, lead.id, DEMO_LEAD_PIN)


def _snapshot(engine):
    with Session(engine) as s:
        return (
            sorted((o.name, o.phone, o.is_vip, o.notes) for o in s.exec(select(Owner)).all()),
            sorted((p.name, p.gender, p.role, p.duties) for p in s.exec(select(Staff)).all()),
            sorted(u.code for u in s.exec(select(Unit)).all()),
        )


def test_deterministic_with_a_seed(tmp_path):
    engines = [open_database(f"sqlite:///{tmp_path / name}") for name in ("a.db", "b.db", "c.db")]
    for engine, seed in zip(engines, (11, 11, 12)):
        with session_scope(engine) as s:
            seed_demo(s, day=DAY, rng_seed=seed)
    a, b, c = (_snapshot(e) for e in engines)
    assert a == b
    assert a[0] != c[0] and a[1] != c[1]
    for engine in engines:
        engine.dispose()


def test_refuses_real_data_without_force(engine):
    with session_scope(engine) as s:
        roster.create_staff(s, StaffForm(name="王麗", gender="F", role="lead"))
    with pytest.raises(DemoRefused) as err:
        with session_scope(engine) as s:
            seed_demo(s, day=DAY)
    assert "--force" in str(err.value) and "1" in str(err.value)
    with Session(engine) as s:
        assert existing_data(s) == {"owners": 0, "units": 0, "staff": 1}


def test_force_adds_only_what_is_missing(seeded):
    engine, first = seeded
    before = _snapshot(engine)
    with session_scope(engine) as s:
        again = seed_demo(s, day=DAY, rng_seed=7, force=True)
    assert (again.units, again.owners, again.staff, again.roster_seats) == (0, 0, 0, 0)
    assert again.skipped_units == first.units and again.skipped_staff == first.staff
    assert _snapshot(engine) == before


# --- the command line -------------------------------------------------------------


def test_cli_seeds_an_empty_database(tmp_path):
    db = tmp_path / "demo.db"
    result = CliRunner().invoke(main, ["--lang", "en", "seed-demo", "--db", str(db), "--day", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert "200 units" in result.output and "2026-11-27: 4 seats" in result.output
    engine = open_database(f"sqlite:///{db}")
    with Session(engine) as s:
        assert existing_data(s)["units"] == 200
        assert len(roster.roster_for(s, DAY)) == 4
    engine.dispose()


def test_cli_refuses_without_force_and_changes_nothing(tmp_path):
    db = tmp_path / "real.db"
    engine = open_database(f"sqlite:///{db}")
    with session_scope(engine) as s:
        s.add(Unit(code="9-1-101", building="9", entrance="1", room="101"))
    engine.dispose()
    result = CliRunner().invoke(main, ["seed-demo", "--db", str(db)])
    assert result.exit_code == 2
    assert "--force" in result.output and "單元 1 個" in result.output
    engine = open_database(f"sqlite:///{db}")
    with Session(engine) as s:
        assert existing_data(s) == {"owners": 0, "units": 1, "staff": 0}
    engine.dispose()


def test_cli_force_adds_around_real_data(tmp_path):
    db = tmp_path / "real.db"
    engine = open_database(f"sqlite:///{db}")
    with session_scope(engine) as s:
        s.add(Unit(code="3-2-1101", building="3", entrance="2", room="1101", notes="real"))
    engine.dispose()
    result = CliRunner().invoke(main, ["--lang", "en", "seed-demo", "--db", str(db), "--force", "--day", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert "199 units" in result.output and "skipped: 1 unit," in result.output  # one unit, not "1 units"
    engine = open_database(f"sqlite:///{db}")
    with Session(engine) as s:
        real = s.exec(select(Unit).where(Unit.code == "3-2-1101")).one()
        assert real.notes == "real"
        assert s.exec(select(Occupancy).where(Occupancy.unit_id == real.id)).all() == []
        assert len(roster.roster_for(s, DAY)) == 4
    engine.dispose()


def test_cli_help_explains_force():
    result = CliRunner().invoke(main, ["seed-demo", "--help"])
    assert result.exit_code == 0
    assert "--force" in result.output and "Nothing is deleted" in result.output


def test_cli_unusable_database(tmp_path):
    db = tmp_path / "demo.db"
    db.write_bytes(b"this is not a database, just some text " * 200)
    result = CliRunner().invoke(main, ["seed-demo", "--db", str(db)])
    assert result.exit_code == 2 and "demo.db" in result.output
    assert db.read_bytes().startswith(b"this is not a database")


def test_refusal_counts_people_under_a_name_that_covers_residents(seeded):
    engine, summary = seeded
    with pytest.raises(DemoRefused) as err:
        with session_scope(engine) as s:
            seed_demo(s, day=DAY)
    people = summary.owners + summary.residents  # the summary said owners and residents apart
    assert f"業主及住戶 {people} 位" in str(err.value)


def test_the_demo_pin_follows_the_pin_rule_and_the_help_names_it():
    assert roster.PIN_RE.match(DEMO_LEAD_PIN) and len(DEMO_LEAD_PIN) >= roster.PIN_MIN
    result = CliRunner().invoke(main, ["seed-demo", "--help"])
    assert result.exit_code == 0 and DEMO_LEAD_PIN in result.output


def test_the_demo_is_one_history_row(seeded):
    from frontdesk.core.history import changes_of, entries

    engine, summary = seeded
    with Session(engine) as s:
        (row,) = entries(s)
    assert (row.record_type, row.action, row.actor) == ("demo", "seed_demo", "seed-demo")
    counts = changes_of(row)["rows"]
    assert counts["unit.create"] == summary.units and counts["staff.create"] == summary.staff
    assert counts["owner.create"] == summary.owners + summary.residents
