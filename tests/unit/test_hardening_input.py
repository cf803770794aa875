"""Issue 8 A4, A5, A8 (domain side): every free-text field refuses what it will not store, with a
message naming the field and, for length, the limit; nothing is half-saved.

The rule, one for every field listed here: control characters (escape sequences, NUL, bidi
overrides) and lone surrogates are refused at input; too long is refused, never cut. What is
already stored is shown through ``core.text.shown()`` wherever it leaves the domain.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from frontdesk import deskqueue as dq
from frontdesk import owners
from frontdesk import roster
from frontdesk import selfchecks as sc
from frontdesk.cli import main
from frontdesk.core import i18n
from frontdesk.core.db import session_scope
from frontdesk.core.errors import ValidationError
from frontdesk.core.text import TextRefused, clean_input, search_text
from frontdesk.importer import import_owners
from frontdesk.models import Encounter, Handoff, Occupancy, Owner, RosterEntry, SelfCheck, Staff, Unit
from tests.checks_data import LEAD_PIN, seed_desk

ESC = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
SURROGATE = "\ud83d"  # half of an emoji, as a broken paste leaves it
T0 = datetime(2026, 3, 4, 1, 30, tzinfo=timezone.utc)
DAY = dq.local_day(T0)


def count(engine, model) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def refused(fn, field: str) -> str:
    with pytest.raises(ValidationError) as info:
        fn()
    assert field in info.value.errors, info.value.errors
    return info.value.errors[field]


# --- the one checker ------------------------------------------------------------------


def test_clean_input_rules():
    assert clean_input("  王 \t 小明\n", field="姓名", limit=40) == "王 小明"
    assert clean_input("第一行\r\n第二行\t尾", field="備註", limit=40, multiline=True) == "第一行\n第二行\t尾"
    assert clean_input("x" * 40, field="姓名", limit=40) == "x" * 40
    with pytest.raises(TextRefused, match=re.escape("姓名最多 40 字(現在 41 字)。")):
        clean_input("x" * 41, field="姓名", limit=40)
    with pytest.raises(TextRefused, match=re.escape("控制字元(␛ ␇)")):
        clean_input(f"王{ESC}{TITLE}", field="姓名", limit=40)
    with pytest.raises(TextRefused, match="⟨U\\+202E⟩"):
        clean_input("abc\u202edef", field="姓名", limit=40)
    with pytest.raises(TextRefused, match="無效的字元"):
        clean_input(f"王{SURROGATE}", field="姓名", limit=40)
    with pytest.raises(TextRefused, match="␀"):
        clean_input("a\x00b", field="備註", limit=40, multiline=True)
    assert search_text(f"王{ESC}{SURROGATE}") == "王[2J"


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh-Hant", "姓名最多 40 字(現在 10000 字)。"),
    ("zh-Hans", "姓名最多 40 字(现在 10000 字)。"),
    ("en", "Name: at most 40 characters (10000 now)."),
])
def test_a_ten_thousand_character_name_is_told_its_limit(engine, lang, expected):
    i18n.set_language(lang)
    form = owners.OwnerForm(name="王" * 10_000, gender="F", phone="13812345678")
    with session_scope(engine) as s:
        message = refused(lambda: owners.create_owner(s, form), "name")
    assert message == expected
    assert count(engine, Owner) == 0


# --- owners and units -------------------------------------------------------------------


@pytest.mark.parametrize("bad", [ESC, TITLE, SURROGATE, "\x00", "\u202e"])
def test_owner_name_and_notes_refuse_controls_and_surrogates(engine, bad):
    with session_scope(engine) as s:
        name_message = refused(lambda: owners.create_owner(s, owners.OwnerForm(name=f"王{bad}小明", gender="M")),
                               "name")
        notes_message = refused(
            lambda: owners.create_owner(s, owners.OwnerForm(name="王小明", gender="M", notes=f"鑰匙{bad}寄放")),
            "notes")
    assert name_message.startswith("姓名") and notes_message.startswith("備註")
    assert "\x1b" not in name_message + notes_message and SURROGATE not in name_message + notes_message
    assert count(engine, Owner) == 0


def test_owner_notes_limit_and_unit_notes(engine):
    form = owners.OwnerForm(name="王小明", gender="M", notes="備" * (owners.NOTES_MAX + 1))
    with session_scope(engine) as s:
        assert "最多 2000 字" in refused(lambda: owners.create_owner(s, form), "notes")
        assert "最多 500 字" in refused(lambda: owners.add_unit(s, "3-2-1101", "x" * 501), "notes")
        assert "控制字元" in refused(lambda: owners.add_unit(s, "3-2-1101", f"門禁{ESC}"), "notes")
        assert "無效的字元" in refused(lambda: owners.add_unit(s, "3-2-1101", SURROGATE), "notes")
    assert count(engine, Unit) == 0 and count(engine, Owner) == 0
    with session_scope(engine) as s:
        owners.add_unit(s, "3-2-1101", "多行\n備註")
        owners.create_owner(s, owners.OwnerForm(name="王小明", gender="M", notes="x" * owners.NOTES_MAX,
                                                units="3-2-1101"))
    assert count(engine, Owner) == 1


def test_an_update_with_a_bad_name_changes_nothing(engine):
    with session_scope(engine) as s:
        owner = owners.create_owner(s, owners.OwnerForm(name="王小明", gender="M"))
        owner_id = owner.id
    with session_scope(engine) as s:
        refused(lambda: owners.update_owner(s, owner_id, 1, owners.OwnerForm(name=f"王{ESC}", gender="M")), "name")
    with Session(engine) as s:
        kept = s.get(Owner, owner_id)
        assert kept.name == "王小明" and kept.version == 1


def test_a_search_with_a_broken_character_is_just_a_search(engine):
    with session_scope(engine) as s:
        owners.create_owner(s, owners.OwnerForm(name="王小明", gender="M", phone="13812345678"))
    with session_scope(engine) as s:
        assert [r.name for r in owners.search(s, f"王{SURROGATE}")] == ["王小明"]
        assert [r.name for r in owners.search(s, f"5678{ESC[0]}")] == ["王小明"]
        assert owners.count(s, f"{SURROGATE}王") == 1


# --- the CSV import -------------------------------------------------------------------------


def test_an_imported_name_with_an_escape_is_rejected_with_its_line(engine):
    data = ("單元,姓名,性別,電話\n3-2-1101,王小明,男,13812345678\n"
            f"3-2-1102,李{ESC}娜,女,13912345678\n").encode()
    with session_scope(engine) as s:
        report = import_owners(s, data)
    assert not report.imported and [r.line for r in report.rejected] == [3]
    assert "姓名含有控制字元(␛)" in report.rejected[0].message
    assert count(engine, Owner) == 0 and count(engine, Unit) == 0


def test_import_owners_command_prints_no_escape_to_the_terminal(engine, db_url, tmp_path):
    path = tmp_path / "owners.csv"
    path.write_bytes(f"單元,姓名,性別,備註\n3-2-1101{ESC},王{TITLE}小明,男,鑰匙{ESC}寄放\n".encode())
    result = CliRunner().invoke(main, ["import-owners", str(path), "--db", db_url], color=True)  # as on a terminal
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "第 2 行" in result.output and "␛" in result.output
    assert count(engine, Owner) == 0


# --- staff ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expect"), [
    ("王" * 41, "姓名最多 40 字"), (f"王{ESC}", "控制字元"), (f"王{SURROGATE}", "無效的字元"),
])
def test_staff_names(engine, name, expect):
    with session_scope(engine) as s:
        assert expect in refused(lambda: roster.create_staff(s, roster.StaffForm(name=name, gender="F")), "name")
    assert count(engine, Staff) == 0


# --- the desk queue: labels, reasons and notes are refused, never cut -------------------------


@pytest.fixture
def desk_team(engine):
    ids = {}
    with session_scope(engine) as s:
        for name, gender, seat, duties in (("王芳", "F", "L2", "inquiry visitor"), ("李娜", "F", "R2", "repair"),
                                           ("張偉", "M", "L1", "complaint"), ("陳靜", "F", "R1", "pass")):
            staff = Staff(name=name, surname=name[0], gender=gender, duties=duties)
            s.add(staff)
            s.flush()
            s.add(RosterEntry(day=DAY, seat=seat, staff_id=staff.id))
            ids[seat] = staff.id
    return ids


def act(engine, fn, *args, **kw):
    with session_scope(engine) as s:
        return fn(s, *args, **kw)


@pytest.mark.parametrize(("label", "expect"), [
    ("訪" * (dq.LABEL_MAX + 1), f"來客稱呼最多 {dq.LABEL_MAX} 字"),
    (f"訪客{ESC}", "控制字元"),
    (f"訪客{SURROGATE}", "無效的字元"),
])
def test_party_labels(engine, desk_team, label, expect):
    assert expect in refused(lambda: act(engine, dq.arrive, guest_type="visitor", label=label, now=T0), "label")
    assert expect in refused(lambda: act(engine, dq.direct, "R1", guest_type="visitor", label=label, now=T0),
                             "label")
    assert count(engine, Encounter) == 0
    act(engine, dq.arrive, guest_type="visitor", label="訪" * dq.LABEL_MAX, now=T0)
    with Session(engine) as s:
        assert s.execute(select(Encounter.party_label)).scalar_one() == "訪" * dq.LABEL_MAX


def test_hand_off_reason_finish_note_and_task_note(engine, desk_team):
    act(engine, dq.arrive, now=T0)  # 左2 serves
    long_reason = "因" * (dq.REASON_MAX + 1)
    assert f"轉交原因最多 {dq.REASON_MAX} 字" in refused(
        lambda: act(engine, dq.handoff, "L2", "R2", category="repair", reason=long_reason, now=T0), "reason")
    assert "控制字元" in refused(
        lambda: act(engine, dq.handoff, "L2", "R2", category="repair", reason=f"報修{ESC}", now=T0), "reason")
    assert count(engine, Handoff) == 0
    assert f"結束備註最多 {dq.NOTE_MAX} 字" in refused(
        lambda: act(engine, dq.finish, "L2", category="inquiry", outcome="answered", note="記" * (dq.NOTE_MAX + 1), now=T0), "note")
    assert "無效的字元" in refused(
        lambda: act(engine, dq.finish, "L2", category="inquiry", outcome="answered", note=SURROGATE, now=T0), "note")
    with Session(engine) as s:
        assert s.execute(select(Encounter.state)).scalar_one() == "open"  # nothing half-done
    assert f"工作內容最多 {dq.TASK_NOTE_MAX} 字" in refused(
        lambda: act(engine, dq.set_state, "R1", "busy", note="工" * (dq.TASK_NOTE_MAX + 1), now=T0), "note")
    assert "控制字元" in refused(lambda: act(engine, dq.set_state, "R1", "busy", note=f"收件{TITLE}", now=T0), "note")
    desk = act(engine, dq.snapshot, now=T0)
    assert desk.seats["R1"].state.name != "BUSY"
    act(engine, dq.handoff, "L2", "R2", category="repair", reason="報修", now=T0)
    act(engine, dq.set_state, "R1", "busy", note="工" * dq.TASK_NOTE_MAX, now=T0)


# --- self-checks ---------------------------------------------------------------------------


def test_check_notes_and_correction_reasons(engine):
    day = date(2026, 3, 31)
    with Session(engine, expire_on_commit=False) as s:
        people = seed_desk(s, day)
        s.commit()
        view = sc.start_check(s, people["王芳"].id, day, "day")
        s.commit()
    check_id, version = view.id, view.version
    with session_scope(engine) as s:
        assert f"說明最多 {sc.NOTE_MAX} 字" in refused(
            lambda: sc.answer_item(s, check_id, 1, "fail", "髒" * (sc.NOTE_MAX + 1), version=version), "note")
        assert "控制字元" in refused(lambda: sc.answer_item(s, check_id, 1, "fail", f"髒{ESC}", version=version),
                                     "note")
        assert "無效的字元" in refused(lambda: sc.answer_item(s, check_id, 1, "fail", SURROGATE, version=version),
                                       "note")
    with Session(engine) as s:
        assert s.get(SelfCheck, check_id).version == version  # nothing saved
    with session_scope(engine) as s:
        answers = {i.position: ("pass", "") for i in sc.get_check(s, check_id).items}
        sc.sign_check(s, check_id, people["劉主管"].id, LEAD_PIN, answers=answers)
    with session_scope(engine) as s:
        assert f"更正原因最多 {sc.REASON_MAX} 字" in refused(
            lambda: sc.start_correction(s, check_id, "錯" * (sc.REASON_MAX + 1)), "reason")
        assert "控制字元" in refused(lambda: sc.start_correction(s, check_id, f"填錯{ESC}"), "reason")
    assert count(engine, SelfCheck) == 1
