"""Staff, seats, the daily roster, PINs and the service categories (domain, no Textual)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from frontdesk import roster
from frontdesk.core import i18n
from frontdesk.core.db import session_scope
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.models import RosterEntry, Staff
from frontdesk.roster import StaffForm

DAY = date(2026, 11, 27)


def add(session, name, gender="F", role="receptionist", duties="inquiry repair"):
    return roster.create_staff(session, StaffForm(name=name, gender=gender, role=role, duties=duties))


@pytest.fixture
def team(engine):
    """Five people: a lead and four receptionists. Returns name → id."""
    with session_scope(engine) as s:
        people = [
            add(s, "王麗", "F", "lead", ["complaint", "inquiry"]),
            add(s, "陳靜", "F"),
            add(s, "劉洋", "M", duties="payment keys"),
            add(s, "歐陽娜娜", "F", duties="visitor,parcel"),
            add(s, "張偉", "M", duties="pass moving other"),
        ]
        return {p.name: p.id for p in people}


# --- seats and categories --------------------------------------------------------


def test_seats_in_standing_order_and_labels():
    assert roster.SEATS == ("L2", "R2", "L1", "R1")
    assert [roster.seat_label(s) for s in roster.SEATS] == ["左2", "右2", "左1", "右1"]
    i18n.set_language("en")
    assert roster.seat_label("R1") == "R1"
    i18n.set_language("zh-Hans")
    assert roster.seat_label("L1") == "左1"


def test_categories_from_data_file_in_current_language():
    cats = roster.load_categories()
    codes = [c.code for c in cats]
    assert codes[:3] == ["inquiry", "repair", "complaint"] and len(set(codes)) == len(codes)
    assert cats[1].name == "報修"
    i18n.set_language("zh-Hans")
    assert roster.load_categories()[1].name == "报修"
    i18n.set_language("en")
    assert roster.category_names()["repair"] == "Repair request"


@pytest.mark.parametrize(
    "body, fragment",
    [
        ('[[category]]\ncode = "a"\nzh-Hant = "甲"\nzh-Hans = "甲"\nen = "A"\n'
         '[[category]]\ncode = "a"\nzh-Hant = "乙"\nzh-Hans = "乙"\nen = "B"\n', "重複"),
        ('[[category]]\nzh-Hant = "甲"\nzh-Hans = "甲"\nen = "A"\n', "code"),
        ('[[category]]\ncode = "a"\nzh-Hant = "甲"\n', "zh-Hans, en"),
        ("version = 1\n", "[[category]]"),
        ("[[category]\n", "有誤"),
    ],
)
def test_bad_categories_file_names_the_file(tmp_path, body, fragment):
    path = tmp_path / "categories.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(roster.DataFileError) as err:
        roster.load_categories(path)
    assert str(path) in str(err.value) and fragment in str(err.value)


def test_missing_categories_file(tmp_path):
    with pytest.raises(roster.DataFileError, match="categories.toml"):
        roster.load_categories(tmp_path / "categories.toml")


# --- staff ----------------------------------------------------------------------


def test_create_staff_cleans_and_orders_duties(engine):
    with session_scope(engine) as s:
        staff = roster.create_staff(
            s, StaffForm(name="  歐陽  娜娜 ", gender="f", role="LEAD", duties="repair, inquiry 、repair")
        )
    assert staff.name == "歐陽 娜娜" and staff.surname == "歐陽" and staff.gender == "F" and staff.role == "lead"
    assert roster.duties_of(staff) == ["inquiry", "repair"]  # file order, no duplicates
    assert roster.covers(staff, "repair") and not roster.covers(staff, "payment")
    assert staff.version == 1 and staff.active


@pytest.mark.parametrize(
    "form, fields",
    [
        (StaffForm(name="", gender="F"), {"name"}),
        (StaffForm(name="   ", gender="F"), {"name"}),
        (StaffForm(name="王" * 41, gender="F"), {"name"}),
        (StaffForm(name="王麗", gender="X"), {"gender"}),
        (StaffForm(name="王麗", gender="F", role="boss"), {"role"}),
        (StaffForm(name="王麗", gender="F", duties="inquiry flying"), {"duties"}),
        (StaffForm(name="", gender="", role=""), {"name", "gender", "role"}),
    ],
)
def test_bad_staff_form_saves_nothing(engine, form, fields):
    with pytest.raises(ValidationError) as err:
        with session_scope(engine) as s:
            roster.create_staff(s, form)
    assert set(err.value.errors) == fields
    assert all(err.value.errors.values())
    with Session(engine) as s:
        assert s.exec(select(Staff)).all() == []


def test_duplicate_name_is_a_field_error(engine, team):
    with pytest.raises(ValidationError) as err:
        with session_scope(engine) as s:
            add(s, "陳靜")
    assert "陳靜" in err.value.errors["name"]


def test_update_staff_bumps_version_and_detects_conflict(engine, team):
    sid = team["陳靜"]
    with session_scope(engine) as s:
        updated = roster.update_staff(s, sid, 1, StaffForm(name="陳靜怡", gender="F", duties=["complaint"]))
    assert updated.version == 2 and updated.name == "陳靜怡" and updated.surname == "陳"
    # a second desk still holding version 1
    with pytest.raises(ConflictError):
        with session_scope(engine) as s:
            roster.update_staff(s, sid, 1, StaffForm(name="陳靜", gender="F"))
    with Session(engine) as s:
        assert s.get(Staff, sid).name == "陳靜怡"


def test_update_unknown_staff(engine):
    with pytest.raises(NotFoundError):
        with session_scope(engine) as s:
            roster.update_staff(s, 999, 1, StaffForm(name="某人", gender="M"))


def test_update_to_existing_name_refused(engine, team):
    with pytest.raises(ValidationError) as err:
        with session_scope(engine) as s:
            roster.update_staff(s, team["劉洋"], 1, StaffForm(name="張偉", gender="M"))
    assert set(err.value.errors) == {"name"}


def test_last_active_lead_cannot_be_demoted_or_deactivated(engine, team):
    lead = team["王麗"]
    with pytest.raises(ValidationError) as err:
        with session_scope(engine) as s:
            roster.update_staff(s, lead, 1, StaffForm(name="王麗", gender="F", role="receptionist"))
    assert set(err.value.errors) == {"role"}
    with pytest.raises(ValidationError) as err:
        with session_scope(engine) as s:
            roster.update_staff(s, lead, 1, StaffForm(name="王麗", gender="F", role="lead", active=False))
    assert set(err.value.errors) == {"active"}
    # with a second lead, the first may step down
    with session_scope(engine) as s:
        roster.update_staff(s, team["陳靜"], 1, StaffForm(name="陳靜", gender="F", role="lead"))
        roster.update_staff(s, lead, 1, StaffForm(name="王麗", gender="F", role="receptionist"))


def test_list_staff_leads_first_and_inactive_hidden(engine, team):
    today = date.today()
    with session_scope(engine) as s:
        roster.set_seat(s, today, "L1", team["張偉"])
        roster.set_seat(s, today - timedelta(days=1), "L1", team["張偉"])
        roster.update_staff(s, team["張偉"], 1, StaffForm(name="張偉", gender="M", active=False))
    with Session(engine) as s:
        names = [x.name for x in roster.list_staff(s)]
        assert names[0] == "王麗" and "張偉" not in names
        assert "張偉" in [x.name for x in roster.list_staff(s, active_only=False)]
        # deactivation takes them off today's roster, history stays
        assert roster.roster_for(s, today) == {}
        assert "L1" in roster.roster_for(s, today - timedelta(days=1))


# --- roster ---------------------------------------------------------------------


def test_set_seat_and_roster_in_standing_order(engine, team):
    with session_scope(engine) as s:
        roster.set_seat(s, DAY, "R1", team["陳靜"])
        roster.set_seat(s, DAY, "L2", team["劉洋"])
        roster.set_seat(s, DAY, "R2", team["王麗"])
    with Session(engine) as s:
        seated = roster.roster_for(s, DAY)
        assert list(seated) == ["L2", "R2", "R1"]
        assert seated["L2"].name == "劉洋"
        assert [p.name for p in roster.on_duty(s, DAY)] == ["劉洋", "王麗", "陳靜"]
        assert roster.roster_for(s, DAY + timedelta(days=1)) == {}
        assert roster.seat_of(s, DAY, team["陳靜"]) == "R1"


def test_a_person_moves_when_seated_elsewhere(engine, team):
    with session_scope(engine) as s:
        roster.set_seat(s, DAY, "L2", team["陳靜"])
        roster.set_seat(s, DAY, "R2", team["劉洋"])
        roster.set_seat(s, DAY, "R2", team["陳靜"])  # moves 陳靜, takes 劉洋 off
        roster.set_seat(s, DAY, "R2", team["陳靜"])  # already there: nothing changes
    with Session(engine) as s:
        seated = roster.roster_for(s, DAY)
        assert {k: v.name for k, v in seated.items()} == {"R2": "陳靜"}
        assert len(s.exec(select(RosterEntry)).all()) == 1


def test_clear_a_seat_and_remove_from_roster(engine, team):
    with session_scope(engine) as s:
        roster.set_seat(s, DAY, "L2", team["陳靜"])
        roster.set_seat(s, DAY, "L1", team["劉洋"])
        roster.set_seat(s, DAY, "L2", None)
        assert roster.remove_from_roster(s, DAY, team["劉洋"]) == "L1"
        assert roster.remove_from_roster(s, DAY, team["劉洋"]) is None
        roster.set_seat(s, DAY, "R1", None)  # clearing an empty seat is fine
    with Session(engine) as s:
        assert roster.roster_for(s, DAY) == {}


def test_bad_seat_and_inactive_or_unknown_staff(engine, team):
    with pytest.raises(ValidationError) as err:
        with session_scope(engine) as s:
            roster.set_seat(s, DAY, "L3", team["陳靜"])
    assert "L3" in err.value.errors["seat"] and "左2" in err.value.errors["seat"]
    with session_scope(engine) as s:
        roster.update_staff(s, team["張偉"], 1, StaffForm(name="張偉", gender="M", active=False))
    with pytest.raises(ValidationError) as err:
        with session_scope(engine) as s:
            roster.set_seat(s, DAY, "L2", team["張偉"])
    assert "張偉" in err.value.errors["staff"]
    with pytest.raises(NotFoundError):
        with session_scope(engine) as s:
            roster.set_seat(s, DAY, "L2", 9999)
    with Session(engine) as s:
        assert roster.roster_for(s, DAY) == {}


def test_copy_roster_replaces_and_skips_inactive(engine, team):
    yesterday, today = DAY - timedelta(days=1), DAY
    with session_scope(engine) as s:
        for seat, name in zip(roster.SEATS, ["王麗", "陳靜", "劉洋", "張偉"]):
            roster.set_seat(s, yesterday, seat, team[name])
        roster.set_seat(s, today, "L2", team["歐陽娜娜"])
    with session_scope(engine) as s:
        assert roster.copy_roster(s, yesterday, today) == 4
    with Session(engine) as s:
        assert {k: v.name for k, v in roster.roster_for(s, today).items()} == {
            "L2": "王麗", "R2": "陳靜", "L1": "劉洋", "R1": "張偉"}
    with session_scope(engine) as s:
        roster.update_staff(s, team["張偉"], 1, StaffForm(name="張偉", gender="M", active=False))
        assert roster.copy_roster(s, yesterday, today + timedelta(days=1)) == 3
        assert roster.copy_roster(s, today + timedelta(days=30), today) == 0  # empty source empties target
        assert roster.roster_for(s, today) == {}
    with pytest.raises(ValidationError):
        with session_scope(engine) as s:
            roster.copy_roster(s, today, today)


# --- PIN ------------------------------------------------------------------------


def test_pin_is_hashed_and_verified(engine, team):
    sid = team["王麗"]
    with session_scope(engine) as s:
        assert not roster.verify_pin(s, sid, "1234")  # no PIN yet
        roster.set_pin(s, sid, "204816")
    with Session(engine) as s:
        stored = s.get(Staff, sid)
        assert stored.pin_hash.startswith("$argon2") and "204816" not in stored.pin_hash
        assert stored.version == 1  # a PIN is not a form edit
    with session_scope(engine) as s:
        assert roster.verify_pin(s, sid, "204816")
        assert not roster.verify_pin(s, sid, "204817")
        roster.set_pin(s, sid, "")
        assert not roster.verify_pin(s, sid, "204816")


@pytest.mark.parametrize("pin", ["123", "1234", "12345", "123456789", "12a4", "12a456", "１２３４５６７８９"])
def test_bad_pin_refused(engine, team, pin):
    with pytest.raises(ValidationError) as err:
        with session_scope(engine) as s:
            roster.set_pin(s, team["王麗"], pin)
    assert set(err.value.errors) == {"pin"}
    with Session(engine) as s:
        assert s.get(Staff, team["王麗"]).pin_hash == ""


def test_full_width_pin_digits_accepted(engine, team):
    with session_scope(engine) as s:
        roster.set_pin(s, team["王麗"], "１２３４５６")
        assert roster.verify_pin(s, team["王麗"], "123456")


def test_new_pins_need_six_digits_but_an_old_four_digit_pin_still_verifies(engine, team):
    """The rule changed from 4–8 to 6–8 digits: a PIN stored under the old rule keeps working."""
    with session_scope(engine) as s:
        staff = s.get(Staff, team["王麗"])
        staff.pin_hash = roster._hasher.hash("2468")  # set before the rule changed
    with session_scope(engine) as s:
        assert roster.verify_pin(s, team["王麗"], "2468")
        assert not roster.verify_pin(s, team["王麗"], "2469")
    with pytest.raises(ValidationError) as err, session_scope(engine) as s:
        roster.set_pin(s, team["王麗"], "2468")  # but it cannot be chosen again
    assert "6 到 8" in err.value.errors["pin"]
    for pin in ("246813", "24681357"):
        with session_scope(engine) as s:
            roster.set_pin(s, team["王麗"], pin)
            assert roster.verify_pin(s, team["王麗"], pin)


# --- PostgreSQL -----------------------------------------------------------------


@pytest.mark.postgres
def test_roster_on_postgresql(pg_engine):
    with session_scope(pg_engine) as s:
        a = add(s, "王麗", "F", "lead")
        b = add(s, "劉洋", "M")
        roster.set_seat(s, DAY, "L2", a.id)
        roster.set_seat(s, DAY, "R2", b.id)
        roster.set_seat(s, DAY, "L2", b.id)  # move within one transaction on PG's immediate constraints
        assert roster.copy_roster(s, DAY, DAY + timedelta(days=1)) == 1
    with pytest.raises(ConflictError):
        with session_scope(pg_engine) as s:
            roster.update_staff(s, a.id, 1, StaffForm(name="王麗", gender="F", role="lead"))
            roster.update_staff(s, a.id, 1, StaffForm(name="王麗麗", gender="F", role="lead"))
    with Session(pg_engine) as s:
        assert {k: v.name for k, v in roster.roster_for(s, DAY).items()} == {"L2": "劉洋"}
        assert s.get(Staff, a.id).name == "王麗"


def test_someone_serving_keeps_their_seat_until_they_finish(engine, team):
    """Reseating mid-shift must not strand an open encounter: the person serving stays where they are."""
    from frontdesk.models import Encounter

    with session_scope(engine) as s:
        roster.set_seat(s, DAY, "L2", team["陳靜"])
        roster.set_seat(s, DAY, "R2", team["劉洋"])
        s.add(Encounter(day=DAY, state="open", seat="R2", staff_id=team["劉洋"]))
    for change in (
        lambda s: roster.set_seat(s, DAY, "R2", team["張偉"]),  # would take 劉洋 off
        lambda s: roster.set_seat(s, DAY, "R2", None),
        lambda s: roster.set_seat(s, DAY, "L1", team["劉洋"]),  # would move 劉洋 away from his party
        lambda s: roster.remove_from_roster(s, DAY, team["劉洋"]),
        lambda s: roster.copy_roster(s, DAY - timedelta(days=1), DAY),
    ):
        with pytest.raises(ValidationError) as err:
            with session_scope(engine) as s:
                change(s)
        assert "劉洋" in next(iter(err.value.errors.values()))
    with Session(engine) as s:
        assert {k: v.name for k, v in roster.roster_for(s, DAY).items()} == {"L2": "陳靜", "R2": "劉洋"}
    # Others may still be moved, and 劉洋 may be moved once the encounter is closed.
    with session_scope(engine) as s:
        roster.set_seat(s, DAY, "L1", team["陳靜"])
        s.exec(select(Encounter)).one().state = "closed"
    with session_scope(engine) as s:
        roster.set_seat(s, DAY, "R2", team["張偉"])
    with Session(engine) as s:
        assert {k: v.name for k, v in roster.roster_for(s, DAY).items()} == {"R2": "張偉", "L1": "陳靜"}


def test_someone_serving_cannot_be_made_inactive(engine, team):
    from frontdesk.models import Encounter

    today = date.today()
    with session_scope(engine) as s:
        roster.set_seat(s, today, "R2", team["劉洋"])
        s.add(Encounter(day=today, state="open", seat="R2", staff_id=team["劉洋"]))
    with pytest.raises(ValidationError) as err:
        with session_scope(engine) as s:
            roster.update_staff(s, team["劉洋"], 1, StaffForm(name="劉洋", gender="M", active=False))
    assert "劉洋" in err.value.errors["active"]
    with Session(engine) as s:
        assert roster.get_staff(s, team["劉洋"]).active and roster.seat_of(s, today, team["劉洋"]) == "R2"


# --- history -------------------------------------------------------------------------------


def test_staff_roster_and_pin_changes_leave_history(engine, team):
    from frontdesk.core.history import acting_as, changes_of, entries

    with acting_as("王麗"), session_scope(engine) as s:
        staff = roster.get_staff(s, team["陳靜"])
        roster.update_staff(s, staff.id, staff.version, StaffForm(name="陳靜怡", gender="F", duties="inquiry"))
        roster.set_seat(s, DAY, "L2", team["陳靜"])
        roster.set_seat(s, DAY, "R2", team["張偉"])
        roster.copy_roster(s, DAY, DAY + timedelta(days=1))
        roster.remove_from_roster(s, DAY, team["張偉"])
        roster.set_pin(s, team["王麗"], "246813")
    with Session(engine) as s:
        staff_rows = entries(s, record_type="staff", record_id=team["陳靜"])
        seats = entries(s, record_type="roster_entry")
        pins = entries(s, record_type="staff", record_id=team["王麗"])
    assert [r.action for r in staff_rows] == ["create", "update"]
    assert changes_of(staff_rows[1])["name"] == ["陳靜", "陳靜怡"] and staff_rows[1].actor == "王麗"
    assert [r.action for r in seats] == ["create", "create", "create", "create", "delete"]
    assert changes_of(pins[-1]) == {"pin_hash": ["", "******"]}
    with pytest.raises(ConflictError), session_scope(engine) as s:  # a stale version: nothing written
        roster.update_staff(s, team["陳靜"], 1, StaffForm(name="陳靜", gender="F"))
    with Session(engine) as s:
        assert len(entries(s, record_type="staff", record_id=team["陳靜"])) == 2
