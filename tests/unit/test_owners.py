"""The owners registry: validation, units, the version check, and search by every key a desk types."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from frontdesk import owners
from frontdesk.core import i18n
from frontdesk.core.db import session_scope
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.models import Occupancy, Owner, Unit
from frontdesk.names import format_phone
from frontdesk.owners import OwnerForm


def rows_of(engine, table) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(table)).scalar_one()


def seed(engine) -> dict[str, int]:
    """Three units, four people: 王小明 owns 1101 and rents 5-1-202; 李娜 lives in 1101."""
    with session_scope(engine) as s:
        for code in ("3-2-1101", "3棟2單元1102", "5-1-202", "12-1-301"):
            owners.add_unit(s, code)
        ids = {
            "wxm": owners.create_owner(
                s,
                OwnerForm(name="王小明", gender="M", phone="138 1234 5678", is_vip=True,
                          units="3-2-1101, 5-1-202(租戶)"),
            ).id,
            "ln": owners.create_owner(
                s, OwnerForm(name="李娜", gender="F", phone="13900005678", phone2="010-62345678",
                             units="3-2-1101", role="resident", is_familiar=True)
            ).id,
            "oynn": owners.create_owner(s, OwnerForm(name="歐陽娜娜", gender="女", phone="13711112222",
                                                     units="12-1-301")).id,
            "wf": owners.create_owner(s, OwnerForm(name="王芳", gender="F", phone="13622223333", units="3-2-1102")).id,
        }
    return ids


# --- validation ------------------------------------------------------------------------


def test_create_owner_normalises_and_derives_search_keys(engine):
    ids = seed(engine)
    with session_scope(engine) as s:
        owner = s.get(Owner, ids["wxm"])
        assert (owner.surname, owner.initials, owner.pinyin) == ("王", "wxm", "wangxiaoming")
        assert (owner.phone, owner.phone_tail, owner.version) == ("+8613812345678", "5678", 1)
        oy = s.get(Owner, ids["oynn"])
        assert (oy.surname, oy.gender, oy.initials) == ("歐陽", "F", "oynn")
        ln = s.get(Owner, ids["ln"])
        assert (ln.phone2, ln.phone2_tail) == ("+861062345678", "5678")


def test_every_bad_field_is_named_and_nothing_is_saved(engine):
    seed(engine)
    before = rows_of(engine, Owner), rows_of(engine, Occupancy)
    with pytest.raises(ValidationError) as info:
        with session_scope(engine) as s:
            owners.create_owner(s, OwnerForm(name="  ", gender="x", phone="12345", phone2="abc",
                                             units="3-2-1101, not a unit", role="boss"))
    errors = info.value.errors
    assert set(errors) == {"name", "gender", "phone", "phone2", "units", "role"}
    assert errors["name"] == "請填寫姓名。"
    assert "12345" in errors["phone"]
    assert "not" in errors["units"]
    assert (rows_of(engine, Owner), rows_of(engine, Occupancy)) == before


def test_invalid_phone_message(engine):
    with pytest.raises(ValidationError) as info, session_scope(engine) as s:
        owners.create_owner(s, OwnerForm(name="張三", gender="M", phone="1381234"))
    assert info.value.errors == {"phone": i18n.t("names.phone_invalid", phone="1381234")}
    assert rows_of(engine, Owner) == 0


def test_unknown_unit_is_refused_not_created(engine):
    with pytest.raises(ValidationError) as info, session_scope(engine) as s:
        owners.create_owner(s, OwnerForm(name="張三", gender="M", units="9-9-909"))
    assert "9-9-909" in info.value.errors["units"]
    assert rows_of(engine, Owner) == 0 and rows_of(engine, Unit) == 0


def test_same_unit_twice_in_a_form(engine):
    seed(engine)
    with pytest.raises(ValidationError) as info, session_scope(engine) as s:
        owners.create_owner(s, OwnerForm(name="張三", gender="M", units="3-2-1101 3棟2單元1101"))
    assert "3-2-1101" in info.value.errors["units"]


def test_english_messages(engine):
    i18n.set_language("en")
    with pytest.raises(ValidationError) as info, session_scope(engine) as s:
        owners.create_owner(s, OwnerForm(name="", gender="M"))
    assert info.value.errors["name"] == "Enter the name."


# --- units -----------------------------------------------------------------------------


def test_add_unit_both_spellings_and_duplicates(engine):
    with session_scope(engine) as s:
        unit = owners.add_unit(s, "3棟2單元1101", notes="朝南")
        assert (unit.code, unit.building, unit.entrance, unit.room) == ("3-2-1101", "3", "2", "1101")
    for text in ("3-2-1101", "3栋2单元1101室"):
        with pytest.raises(ValidationError) as info, session_scope(engine) as s:
            owners.add_unit(s, text)
        assert info.value.errors == {"code": "單元 3-2-1101 已經登記過了。"}
    with pytest.raises(ValidationError) as info, session_scope(engine) as s:
        owners.add_unit(s, "1101")
    assert "code" in info.value.errors
    assert rows_of(engine, Unit) == 1


def test_unit_detail_lists_owners_and_residents(engine):
    ids = seed(engine)
    with session_scope(engine) as s:
        detail = owners.unit_detail(s, "3棟2單元1101")
    assert detail.unit.code == "3-2-1101"
    assert [p.owner_id for p in detail.owners] == [ids["wxm"]]
    assert [(p.name, p.role) for p in detail.residents] == [("李娜", "resident")]
    with pytest.raises(NotFoundError), session_scope(engine) as s:
        owners.unit_detail(s, "8-8-808")


def test_get_owner_units_roles_and_the_other_people(engine):
    ids = seed(engine)
    with session_scope(engine) as s:
        detail = owners.get_owner(s, ids["wxm"])
    assert [(u.code, u.role) for u in detail.units] == [("3-2-1101", "owner"), ("5-1-202", "tenant")]
    assert [p.name for p in detail.units[0].others] == ["李娜"]
    assert detail.units[1].others == []
    form = OwnerForm.from_owner(detail)
    assert form.units == "3-2-1101, 5-1-202(租戶)" and form.role == "owner"
    assert form.phone == "138 1234 5678"
    assert owners.honorific(detail.owner) == "王先生"
    with pytest.raises(NotFoundError), session_scope(engine) as s:
        owners.get_owner(s, 99999)


# --- editing and the version check ------------------------------------------------------


def test_update_owner_changes_fields_units_and_version(engine):
    ids = seed(engine)
    with session_scope(engine) as s:
        form = OwnerForm.from_owner(owners.get_owner(s, ids["wxm"]))
    form.phone2 = "010-62345679"
    form.units = "3-2-1102(住戶), 5-1-202"
    form.role = "owner"
    with session_scope(engine) as s:
        owner = owners.update_owner(s, ids["wxm"], 1, form)
        assert owner.version == 2 and owner.phone2 == "+861062345679"
    with session_scope(engine) as s:
        detail = owners.get_owner(s, ids["wxm"])
    assert [(u.code, u.role) for u in detail.units] == [("3-2-1102", "resident"), ("5-1-202", "owner")]


def test_second_desk_gets_a_conflict_and_changes_nothing(engine):
    ids = seed(engine)
    with session_scope(engine) as s:
        desk_a = OwnerForm.from_owner(owners.get_owner(s, ids["ln"]))
    with session_scope(engine) as s:
        desk_b = OwnerForm.from_owner(owners.get_owner(s, ids["ln"]))
    desk_a.notes = "A 改的"
    with session_scope(engine) as s:
        owners.update_owner(s, ids["ln"], 1, desk_a)
    desk_b.notes = "B 改的"
    desk_b.units = ""
    with pytest.raises(ConflictError) as info, session_scope(engine) as s:
        owners.update_owner(s, ids["ln"], 1, desk_b)
    assert str(info.value) == i18n.t("db.conflict")
    with session_scope(engine) as s:
        detail = owners.get_owner(s, ids["ln"])
    assert detail.owner.notes == "A 改的" and detail.version == 2
    assert [u.code for u in detail.units] == ["3-2-1101"]


def test_update_of_a_deleted_owner(engine):
    ids = seed(engine)
    with session_scope(engine) as s:
        s.delete(s.get(Owner, ids["wf"]))
    with pytest.raises(NotFoundError), session_scope(engine) as s:
        owners.update_owner(s, ids["wf"], 1, OwnerForm(name="王芳", gender="F"))


def test_invalid_update_keeps_the_record(engine):
    ids = seed(engine)
    with pytest.raises(ValidationError), session_scope(engine) as s:
        owners.update_owner(s, ids["wf"], 1, OwnerForm(name="", gender="F"))
    with session_scope(engine) as s:
        assert owners.get_owner(s, ids["wf"]).version == 1


# --- search ------------------------------------------------------------------------------


def names(rows) -> list[str]:
    return [r.name for r in rows]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("5678", ["王小明", "李娜"]),  # phone tail, phone or phone2
        ("12345678", ["王小明"]),  # more digits: the end of the number
        ("138-1234-5678", ["王小明"]),
        ("+86 138 1234 5678", ["王小明"]),
        ("99995678", []),
        ("wxm", ["王小明"]),
        ("WX", ["王小明"]),
        ("wang", ["王芳", "王小明"]),  # full pinyin prefix
        ("oy", ["歐陽娜娜"]),
        ("ouyang", ["歐陽娜娜"]),
        ("王", ["王芳", "王小明"]),
        ("王小", ["王小明"]),
        ("歐陽", ["歐陽娜娜"]),
        ("王先生", ["王小明"]),
        ("王女士", ["王芳"]),
        ("李小姐", ["李娜"]),
        ("12", []),  # too few digits to be a phone
        ("王 小明", ["王小明"]),  # spaces typed between Chinese characters
        ("歐陽 娜娜", ["歐陽娜娜"]),
        ("王　先生", ["王小明"]),  # a full-width space
    ],
)
def test_search_kinds(engine, query, expected):
    seed(engine)
    with session_scope(engine) as s:
        assert sorted(names(owners.search(s, query))) == sorted(expected)
        assert owners.count(s, query) == len(expected)


def test_search_by_unit_lists_each_person_of_the_unit(engine):
    seed(engine)
    with session_scope(engine) as s:
        rows = owners.search(s, "3-2-1101", per_unit=True)
        assert [(r.name, r.units, r.role) for r in rows] == [("王小明", "3-2-1101", "owner"),
                                                             ("李娜", "3-2-1101", "resident")]
        assert owners.search(s, "3棟2單元1101", per_unit=True) == rows
        partial = owners.search(s, "3棟2單元", per_unit=True)
        assert [(r.units, r.name) for r in partial] == [("3-2-1101", "王小明"), ("3-2-1101", "李娜"),
                                                          ("3-2-1102", "王芳")]
        assert len({r.key for r in partial}) == 3
        assert names(owners.search(s, "12-", per_unit=True)) == ["歐陽娜娜"]
        assert owners.search(s, "3-", per_unit=True) == owners.search(s, "3棟", per_unit=True)


def test_search_by_unit_gives_each_owner_once_by_default(engine):
    ids = seed(engine)
    with session_scope(engine) as s:
        owners.add_unit(s, "3-2-1103")
        form = OwnerForm.from_owner(owners.get_owner(s, ids["wf"]))
        form.units = "3-2-1102, 3-2-1103"
        owners.update_owner(s, ids["wf"], 1, form)
    with session_scope(engine) as s:
        assert len(owners.search(s, "3-2-11", per_unit=True)) == 4
        rows = owners.search(s, "3-2-11")
        assert [r.name for r in rows] == ["王小明", "李娜", "王芳"]  # by each one's first unit
        assert rows[2].units == "3-2-1102, 3-2-1103" and rows[2].role == ""
        assert owners.count(s, "3-2-11") == 3
        assert [r.name for r in owners.search(s, "3-2-11", limit=2, offset=1)] == ["李娜", "王芳"]


def test_search_rows_show_display_phone_and_units(engine):
    ids = seed(engine)
    with session_scope(engine) as s:
        (row,) = owners.search(s, "wxm")
    assert row.id == ids["wxm"] and row.phone == "138 1234 5678"
    assert row.units == "3-2-1101, 5-1-202" and row.is_vip and not row.is_familiar


def test_display_phone_matches_names_format_phone():
    for e164 in ("+8613812345678", "+861062345678", "+85291234567", "+14155552671", ""):
        assert owners.display_phone(e164) == format_phone(e164)


def test_empty_search_pages_in_id_order(engine):
    with session_scope(engine) as s:
        owners.add_unit(s, "1-1-101")
        for i in range(23):
            owners.create_owner(s, OwnerForm(name=f"測試{i:02d}", gender="F", phone=f"1380000{i:04d}"))
    with session_scope(engine) as s:
        pages = [owners.search(s, "", limit=10, offset=o) for o in (0, 10, 20)]
        assert [len(p) for p in pages] == [10, 10, 3]
        ids = [r.id for p in pages for r in p]
        assert ids == sorted(ids) and len(set(ids)) == 23
        assert owners.count(s, "") == 23


def test_pinyin_pages_do_not_repeat_or_skip(engine):
    """Initials matches first, then full-pinyin matches, across page boundaries."""
    with session_scope(engine) as s:
        people = ["王偉", "王小明", "汪洋", "吳昊", "魏巍", "萬里", "王五", "溫暖", "文靜", "翁一"]
        for i, name in enumerate(people):
            owners.create_owner(s, OwnerForm(name=name, gender="M", phone=f"1390000{i:04d}"))
    with session_scope(engine) as s:
        for query in ("w", "wa", "wan", "wang"):
            whole = [r.id for r in owners.search(s, query, limit=100)]
            paged = [r.id for o in range(0, 12, 3) for r in owners.search(s, query, limit=3, offset=o)]
            assert paged == whole, query
            assert len(whole) == owners.count(s, query)
        assert {r.name for r in owners.search(s, "wang")} == {"王偉", "王小明", "汪洋", "王五"}
        assert len(owners.search(s, "w")) == 10


def test_classify():
    assert owners.classify("") == ("all", "")
    assert owners.classify("1234") == ("phone", "1234")
    assert owners.classify("123") == ("short_digits", "123")
    assert owners.classify("3-2") == ("unit", "3-2")
    assert owners.classify("3棟2單元1101") == ("unit", "3-2-1101")
    assert owners.classify("Wxm") == ("pinyin", "wxm")
    assert owners.classify("王") == ("name", "王")
    assert owners.classify("!!") == ("none", "!!")


@pytest.mark.postgres
def test_search_on_postgresql(pg_engine):
    ids = seed(pg_engine)
    with session_scope(pg_engine) as s:
        assert sorted(names(owners.search(s, "5678"))) == ["李娜", "王小明"]
        assert names(owners.search(s, "12345678")) == ["王小明"]
        assert names(owners.search(s, "wxm")) == ["王小明"]
        assert sorted(names(owners.search(s, "wang"))) == ["王小明", "王芳"]
        assert names(owners.search(s, "歐陽")) == ["歐陽娜娜"]
        assert names(owners.search(s, "王女士")) == ["王芳"]
        assert [(r.name, r.role) for r in owners.search(s, "3棟2單元1101", per_unit=True)] == [
            ("王小明", "owner"), ("李娜", "resident")]
        assert [r.units for r in owners.search(s, "3-2-", per_unit=True)] == ["3-2-1101", "3-2-1101", "3-2-1102"]
        assert names(owners.search(s, "3-2-")) == ["王小明", "李娜", "王芳"]
        assert owners.count(s, "3-2-") == 3
        assert len(owners.search(s, "", limit=2, offset=2)) == 2
        assert owners.count(s, "w") == 2
    with session_scope(pg_engine) as s:
        form = OwnerForm.from_owner(owners.get_owner(s, ids["wf"]))
    with session_scope(pg_engine) as s:
        owners.update_owner(s, ids["wf"], 1, form)
    with pytest.raises(ConflictError), session_scope(pg_engine) as s:
        owners.update_owner(s, ids["wf"], 1, form)
    with pytest.raises(ValidationError), session_scope(pg_engine) as s:
        owners.add_unit(s, "3-2-1101")


def test_a_name_typed_in_the_other_script_is_found(engine):
    with session_scope(engine) as s:
        owners.add_unit(s, "8-1-801")
        owners.create_owner(s, OwnerForm(name="劉德華", gender="M", phone="13812340001", units="8-1-801"))
        owners.create_owner(s, OwnerForm(name="张伟", gender="M", phone="13812340002", units="8-1-801"))
        owners.create_owner(s, OwnerForm(name="歐陽娜娜", gender="F", phone="13812340003", units="8-1-801"))
    with session_scope(engine) as s:
        names = lambda q: [r.name for r in owners.search(s, q)]  # noqa: E731
        assert names("刘") == ["劉德華"]
        assert names("刘德华") == ["劉德華"]
        assert names("劉") == ["劉德華"]
        assert names("張偉") == ["张伟"]
        assert names("欧阳") == ["歐陽娜娜"]
        assert names("刘先生") == ["劉德華"]
        assert names("刘女士") == []


# --- history ---------------------------------------------------------------------------


def test_owner_and_unit_edits_leave_masked_history_from_one_place(engine):
    from frontdesk.core.history import acting_as, changes_of, entries

    with acting_as("李文"):
        ids = seed(engine)
        with session_scope(engine) as s:
            read = owners.get_owner(s, ids["wxm"]).version
            owners.update_owner(s, ids["wxm"], read, OwnerForm(
                name="王小明", gender="M", phone="13900001111", notes="身份證 110105194912310021",
                units="3-2-1101"))
    with pytest.raises(ConflictError), session_scope(engine) as s:
        owners.update_owner(s, ids["wxm"], read, OwnerForm(name="王大明", gender="M"))
    with Session(engine) as s:
        rows = entries(s, record_type="owner", record_id=ids["wxm"])
        units = entries(s, record_type="unit")
        links = entries(s, record_type="occupancy")
    assert [r.action for r in rows] == ["create", "update"] and {r.actor for r in rows} == {"李文"}
    change = changes_of(rows[1])
    assert change["phone"] == ["*********5678", "*********1111"]
    assert change["notes"] == ["", "身份證 110105********0021"]
    assert "version" not in change and "phone_tail" not in change
    assert len(units) == 4 and {r.action for r in units} == {"create"}
    assert [r.action for r in links].count("delete") == 1  # 5-1-202 was dropped from his units
    everything = " ".join(r.changes for r in rows + units + links)
    assert "110105194912310021" not in everything and "13900001111" not in everything
