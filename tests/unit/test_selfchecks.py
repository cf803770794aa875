"""Self-checks: the run, sign-off with a PIN, immutability, corrections, carried failures, history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from frontdesk import selfchecks as sc
from frontdesk.checklists import Template, TemplateItem, load_templates
from frontdesk.core.errors import ConflictError, ValidationError
from frontdesk.models import PinGuard, SelfCheck, SelfCheckItem
from tests.checks_data import LEAD_PIN, seed_desk

DAY = date(2026, 3, 31)
SHIFT = "day"


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def desk(session):
    people = seed_desk(session, DAY)
    session.commit()
    return people


def all_pass(view: sc.CheckView) -> dict[int, tuple[str, str]]:
    return {item.position: ("pass", "") for item in view.items}


def count_checks(session) -> int:
    return session.execute(select(func.count(SelfCheck.id))).scalar_one()


# --- the run ---------------------------------------------------------------------


def test_a_womans_check_has_her_grooming_list_then_the_rest(session, desk):
    view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    assert view.state == "draft" and view.seat == "L2" and view.gender == "F"
    sections = [item.template_id for item in view.items]
    assert sections.count("grooming_f") == 12 and "grooming_m" not in sections
    assert sections.count("deportment") == 9
    assert sections.count("desk_rules") == 5 and sections.count("desk_state") == 4
    assert len(view.items) == 30
    assert view.items[0].section == "儀表(女職員)"
    assert view.items[8].text_hant == "著肉色**,無破損"
    assert [i.position for i in view.items] == list(range(1, 31))


def test_a_mans_check_has_thirteen_grooming_items(session, desk):
    view = sc.start_check(session, desk["李強"].id, DAY, SHIFT)
    assert sum(1 for i in view.items if i.template_id == "grooming_m") == 13
    assert len(view.items) == 31


def test_starting_again_resumes_the_draft(session, desk):
    first = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    sc.answer_item(session, first.id, 1, "pass")
    again = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    assert again.id == first.id and again.items[0].answer == "pass"
    assert count_checks(session) == 1


def test_a_person_not_on_duty_is_refused_and_nothing_saved(session, desk):
    with pytest.raises(ValidationError) as info:
        sc.start_check(session, desk["王芳"].id, DAY + timedelta(days=1), SHIFT)
    assert "王芳" in str(info.value) and "值班" in str(info.value)
    with pytest.raises(ValidationError):
        sc.start_check(session, desk["劉主管"].id, DAY, SHIFT)  # a lead not seated that day
    assert count_checks(session) == 0


def test_answers_and_a_fail_needs_a_note(session, desk):
    view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    view = sc.save_answers(session, view.id, {1: ("pass", ""), 2: ("na", "")}, version=view.version)
    assert [i.answer for i in view.items[:3]] == ["pass", "na", ""]
    with pytest.raises(ValidationError) as info:
        sc.save_answers(session, view.id, {3: ("pass", ""), 4: ("fail", "  ")})
    assert "4" in str(info.value)
    assert sc.get_check(session, view.id).items[2].answer == ""  # nothing of the batch was stored
    view = sc.answer_item(session, view.id, 4, "fail", "工牌戴在右邊")
    assert view.items[3].answer == "fail" and view.items[3].note == "工牌戴在右邊"
    with pytest.raises(ValidationError):
        sc.answer_item(session, view.id, 5, "maybe")
    with pytest.raises(ValidationError):
        sc.answer_item(session, view.id, 99, "pass")


def test_stale_version_is_a_conflict(session, desk):
    view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    sc.answer_item(session, view.id, 1, "pass", version=view.version)
    with pytest.raises(ConflictError):
        sc.answer_item(session, view.id, 2, "pass", version=view.version)


# --- sign-off --------------------------------------------------------------------


def test_signing_an_incomplete_check_is_refused(session, desk):
    view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    session.commit()
    answers = all_pass(view)
    del answers[30]
    with pytest.raises(ValidationError) as info:
        sc.sign_check(session, view.id, desk["劉主管"].id, LEAD_PIN, answers=answers)
    assert "1" in str(info.value) and "30" in str(info.value)
    session.rollback()
    stored = sc.get_check(session, view.id)
    assert stored.state == "draft" and all(not i.answer for i in stored.items)


def test_sign_with_the_leads_pin(session, desk):
    view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    answers = all_pass(view) | {5: ("fail", "指甲過長"), 8: ("na", "")}
    signed = sc.sign_check(session, view.id, desk["劉主管"].id, LEAD_PIN, answers=answers, version=view.version)
    session.commit()
    assert signed.state == "signed" and signed.lead_name == "劉主管" and signed.signed_at is not None
    row = session.get(SelfCheck, view.id)
    assert (row.item_count, row.pass_count, row.fail_count, row.na_count) == (30, 28, 1, 1)


def test_only_an_active_lead_signs(session, desk):
    view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    with pytest.raises(ValidationError) as info:
        sc.sign_check(session, view.id, desk["李強"].id, LEAD_PIN, answers=all_pass(view))
    assert "李強" in str(info.value)


def test_wrong_pins_are_limited_and_the_count_survives(session, engine, desk):
    lead = desk["劉主管"].id
    view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    session.commit()
    t0 = datetime(2026, 3, 31, 12, 0, tzinfo=timezone.utc)
    for left in (2, 1):
        with pytest.raises(ValidationError) as info:
            sc.sign_check(session, view.id, lead, "0000", answers=all_pass(view), now=t0)
        assert str(left) in str(info.value)
        session.rollback()
    with Session(engine) as fresh:  # a restart sees the count
        assert fresh.get(PinGuard, lead).failures == 2
    with pytest.raises(ValidationError) as info:
        sc.sign_check(session, view.id, lead, "0000", answers=all_pass(view), now=t0)
    assert "鎖定" in str(info.value)
    session.rollback()
    # locked: even the right PIN is refused, and the answers were not saved
    with pytest.raises(ValidationError):
        sc.sign_check(session, view.id, lead, LEAD_PIN, answers=all_pass(view), now=t0 + timedelta(minutes=1))
    session.rollback()
    assert sc.get_check(session, view.id).state == "draft"
    assert all(not i.answer for i in sc.get_check(session, view.id).items)
    assert sc.pin_lock(session, lead, now=t0) is not None
    # after the lock runs out the right PIN works and the count is cleared
    later = t0 + timedelta(minutes=sc.LOCK_MINUTES + 1)
    assert sc.pin_lock(session, lead, now=later) is None
    signed = sc.sign_check(session, view.id, lead, LEAD_PIN, answers=all_pass(view), now=later)
    session.commit()
    assert signed.state == "signed"
    assert session.get(PinGuard, lead).failures == 0


def test_a_lead_without_pin_cannot_sign(session, desk):
    lead = desk["劉主管"]
    lead.pin_hash = ""
    session.commit()
    view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    with pytest.raises(ValidationError) as info:
        sc.sign_check(session, view.id, lead.id, "", answers=all_pass(view))
    assert "F8" in str(info.value)


def _signed(session, desk, name="王芳", day=DAY, answers=None):
    view = sc.start_check(session, desk[name].id, day, SHIFT)
    chosen = all_pass(view) | (answers or {})
    signed = sc.sign_check(session, view.id, desk["劉主管"].id, LEAD_PIN, answers=chosen)
    session.commit()
    return signed


# --- immutability and corrections ---------------------------------------------------


def test_a_signed_check_cannot_be_changed(session, desk):
    signed = _signed(session, desk)
    with pytest.raises(ConflictError):
        sc.answer_item(session, signed.id, 1, "fail", "x")
    with pytest.raises(ConflictError):
        sc.sign_check(session, signed.id, desk["劉主管"].id, LEAD_PIN)
    with pytest.raises(ConflictError):
        sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    with pytest.raises(ConflictError):
        sc.discard_draft(session, signed.id)
    # not even through the ORM directly
    item = session.execute(select(SelfCheckItem).where(SelfCheckItem.check_id == signed.id)).scalars().first()
    item.answer = "fail"
    with pytest.raises(ConflictError):
        session.flush()
    session.rollback()
    check = session.get(SelfCheck, signed.id)
    check.fail_count = 9
    with pytest.raises(ConflictError):
        session.flush()
    session.rollback()
    session.delete(session.get(SelfCheck, signed.id))
    with pytest.raises(ConflictError):
        session.flush()
    session.rollback()
    assert sc.get_check(session, signed.id).items[0].answer == "pass"


def test_a_correction_is_a_new_record_pointing_to_the_old(session, desk):
    old = _signed(session, desk, answers={3: ("fail", "制服有皺摺")})
    with pytest.raises(ValidationError):
        sc.start_correction(session, old.id, "  ")
    fix = sc.start_correction(session, old.id, "誤判:制服已換")
    session.commit()
    assert fix.id != old.id and fix.corrects_id == old.id and fix.state == "draft"
    assert [(i.answer, i.note) for i in fix.items] == [(i.answer, i.note) for i in old.items]
    assert sc.start_correction(session, old.id, "again").id == fix.id  # resumed, not doubled
    with pytest.raises(ValidationError):
        sc.start_correction(session, fix.id, "a draft needs no correction")
    sc.sign_check(session, fix.id, desk["劉主管"].id, LEAD_PIN, answers={3: ("pass", "")})
    session.commit()
    before = sc.get_check(session, old.id)
    assert before.state == "signed" and before.items[2].answer == "fail"  # the old stays as it was
    with pytest.raises(ConflictError):
        sc.start_correction(session, old.id, "twice")
    board = {row.name: row for row in sc.day_board(session, DAY, SHIFT)}
    assert board["王芳"].check_id == fix.id and board["王芳"].is_correction and board["王芳"].failed == 0
    assert sc.person_trends(session, DAY, staff_ids=[desk["王芳"].id])[0].last7.failed == 0


def test_a_changed_template_never_changes_past_records(session, desk):
    templates = load_templates()
    signed = _signed(session, desk)
    changed = [
        replace(tpl, version=tpl.version + 1, items=(TemplateItem("hair", {"zh-Hant": "新的髮型規定"}),) + tpl.items[1:])
        if tpl.id == "grooming_f" else tpl
        for tpl in templates
    ]
    other = sc.start_check(session, desk["陳靜"].id, DAY, SHIFT, templates=changed)
    assert other.items[0].text_hant == "新的髮型規定"
    assert sc.get_check(session, signed.id).items[0].text_hant.startswith("髮型文雅")
    fix = sc.start_correction(session, signed.id, "補記")  # a correction keeps the old record's text
    assert fix.items[0].text_hant.startswith("髮型文雅")
    row = session.execute(select(SelfCheckItem).where(SelfCheckItem.check_id == other.id)).scalars().first()
    assert row.template_version == 2


# --- carried failures and the board -------------------------------------------------


def test_failed_items_are_carried_to_the_next_shift(session, desk):
    from tests.checks_data import seat_roster

    _signed(session, desk, answers={4: ("fail", "工牌沒戴"), 20: ("fail", "倚靠牆壁")})
    tomorrow = DAY + timedelta(days=1)
    seat_roster(session, tomorrow, desk)
    view = sc.start_check(session, desk["王芳"].id, tomorrow, SHIFT)
    assert [(c.day, c.note) for c in view.carried] == [(DAY, "工牌沒戴"), (DAY, "倚靠牆壁")]
    assert view.carried[0].section == "儀表(女職員)"
    assert sc.start_check(session, desk["李強"].id, tomorrow, SHIFT).carried == []
    # the night shift of the same day comes after the day shift
    night = sc.start_check(session, desk["王芳"].id, DAY, "night")
    assert len(night.carried) == 2
    board = {row.name: row for row in sc.day_board(session, tomorrow, SHIFT)}
    assert len(board["王芳"].carried) == 2 and board["王芳"].state == "draft"


def test_day_board_lists_the_roster_in_standing_order(session, desk):
    _signed(session, desk, name="李強")
    sc.start_check(session, desk["陳靜"].id, DAY, SHIFT)
    board = sc.day_board(session, DAY, SHIFT)
    assert [(r.seat, r.name, r.state) for r in board] == [
        ("L2", "王芳", "none"), ("R2", "李強", "signed"), ("L1", "陳靜", "draft"), ("R1", "張偉", "none"),
    ]
    assert board[1].lead_name == "劉主管" and board[1].passed == 31


def test_leads_lists_who_can_sign(session, desk):
    assert [(lead.name, lead.has_pin) for lead in sc.leads(session)] == [("劉主管", True)]


# --- history on a controlled data set -----------------------------------------------

TINY = [Template(id="tiny", version=1, kind="tiny", gender=None, order=1, titles={"zh-Hant": "小"},
                 items=tuple(TemplateItem(i, {"zh-Hant": f"項目{i}"}) for i in "abcd"))]


def _record(session, staff_id, day, answers, *, state="signed", corrects=None):
    check = SelfCheck(day=day, shift=SHIFT, staff_id=staff_id, seat="L2", gender="F", state=state,
                      corrects_id=corrects)
    session.add(check)
    session.flush()
    for n, (item, answer) in enumerate(zip("abcd", answers), start=1):
        session.add(SelfCheckItem(check_id=check.id, position=n, template_id="tiny", template_version=1,
                                  item_id=item, section="小", text=f"項目{item}", answer=answer,
                                  note="x" if answer == "fail" else ""))
    session.flush()
    return check


def test_history_figures_on_known_data(session, desk):
    a, b = desk["王芳"].id, desk["李強"].id
    today = DAY
    d = lambda n: today - timedelta(days=n)  # noqa: E731
    _record(session, a, d(0), ["pass", "pass", "fail", "na"])
    _record(session, a, d(3), ["pass", "fail", "fail", "pass"])
    replaced = _record(session, a, d(5), ["fail", "fail", "fail", "fail"])
    _record(session, a, d(5), ["pass", "pass", "pass", "na"], corrects=replaced.id)
    _record(session, a, d(10), ["pass", "pass", "pass", "pass"])
    _record(session, a, d(29), ["fail", "fail", "fail", "fail"])
    _record(session, a, d(30), ["pass", "pass", "pass", "pass"])  # outside 30 days
    _record(session, a, d(1), ["pass", "pass", "pass", "pass"], state="draft")  # not signed
    _record(session, b, d(0), ["pass", "pass", "pass", "pass"])
    session.commit()

    trends = {p.name: p for p in sc.person_trends(session, today)}
    wang = trends["王芳"]
    assert (wang.last7.passed, wang.last7.failed, wang.last7.na) == (7, 3, 2)
    assert wang.last7.rate == pytest.approx(0.7) and wang.last7.percent() == "70%"
    assert (wang.last30.passed, wang.last30.failed) == (11, 7)
    assert wang.last30.rate == pytest.approx(11 / 18)
    assert (wang.checks7, wang.checks30) == (3, 5)
    assert len(wang.daily) == 30 and wang.daily[0][0] == d(29) and wang.daily[-1][0] == today
    daily = dict(wang.daily)
    assert daily[d(0)] == pytest.approx(2 / 3) and daily[d(3)] == 0.5 and daily[d(5)] == 1.0
    assert daily[d(10)] == 1.0 and daily[d(29)] == 0.0 and daily[d(1)] is None
    assert trends["李強"].last7.rate == 1.0

    items = {it.item_id: it for it in sc.item_trends(session, today, staff_id=a, templates=TINY)}
    assert list(items) == ["a", "b", "c", "d"]
    assert (items["a"].last7.rate, items["a"].last30.rate) == (1.0, pytest.approx(4 / 5))
    assert (items["c"].last7.rate, items["c"].last30.rate) == (pytest.approx(1 / 3), pytest.approx(2 / 5))
    assert (items["d"].last7.rate, items["d"].last30.rate) == (1.0, pytest.approx(2 / 3))
    assert items["d"].last7.na == 2 and items["a"].text == "項目a"
    team = {it.item_id: it for it in sc.item_trends(session, today, templates=TINY)}
    assert team["a"].last7.passed == 4  # both people
    assert sc.Rate().rate is None and sc.Rate().percent() == "—"


# --- PostgreSQL -----------------------------------------------------------------------


@pytest.mark.postgres
def test_the_whole_run_on_postgres(pg_engine):
    with Session(pg_engine, expire_on_commit=False) as session:
        desk = seed_desk(session, DAY)
        session.commit()
        signed = _signed(session, desk, answers={2: ("fail", "戴了手鍊")})
        other = sc.start_check(session, desk["李強"].id, DAY, SHIFT)
        with pytest.raises(ValidationError):
            sc.sign_check(session, other.id, desk["劉主管"].id, "1111", answers=all_pass(other))
        session.rollback()
        assert session.get(PinGuard, desk["劉主管"].id).failures == 1
        item = session.execute(select(SelfCheckItem).where(SelfCheckItem.check_id == signed.id)).scalars().first()
        item.note = "changed"
        with pytest.raises(ConflictError):
            session.flush()
        session.rollback()
        fix = sc.start_correction(session, signed.id, "更正")
        sc.sign_check(session, fix.id, desk["劉主管"].id, LEAD_PIN, answers={2: ("pass", "")})
        session.commit()
        trend = sc.person_trends(session, DAY, staff_ids=[desk["王芳"].id])[0]
        assert trend.last7.failed == 0 and trend.last7.passed == 30
        items = {it.item_id: it for it in sc.item_trends(session, DAY)}
        assert items["makeup_jewellery"].last7.rate == 1.0


def test_a_broken_template_stops_the_check_and_saves_nothing(session, desk, tmp_path, monkeypatch):
    from frontdesk import checklists
    from frontdesk.checklists import TemplateError

    (tmp_path / "desk_rules.toml").write_text(
        'id = "desk_rules"\nversion = 1\n[title]\nzh-Hant = "前台"\n[[item]]\nid = "a"\nzh-Hant = "一"\n'
        '[[item]]\nid = "a"\nzh-Hant = "二"\n', encoding="utf-8")
    monkeypatch.setattr(checklists, "templates_dir", lambda: tmp_path)
    with pytest.raises(TemplateError) as info:
        sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    assert "desk_rules.toml" in str(info.value) and "第 8 行" in str(info.value)
    session.rollback()
    assert count_checks(session) == 0


def test_the_lock_names_a_minute_when_signing_works_again(session, desk):
    """Locked at 12:00:30 for LOCK_MINUTES: the message must not name a minute at which the PIN is still refused."""
    lead = desk["劉主管"].id
    view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    session.commit()
    t0 = datetime(2026, 3, 31, 12, 0, 30, tzinfo=timezone.utc)
    for _ in range(sc.MAX_PIN_ATTEMPTS):
        with pytest.raises(ValidationError) as info:
            sc.sign_check(session, view.id, lead, "0000", answers=all_pass(view), now=t0)
        session.rollback()
    until = sc.pin_lock(session, lead, now=t0)
    named = (until.astimezone() + timedelta(seconds=59)).replace(second=0, microsecond=0)
    assert f"{named:%H:%M}" in str(info.value)
    assert sc.pin_lock(session, lead, now=named) is None  # at the minute named, signing works again


def test_verify_lead_for_the_leads_own_work(session, desk):
    lead = desk["劉主管"]
    assert sc.verify_lead(session, lead.id, LEAD_PIN).name == "劉主管"
    with pytest.raises(ValidationError, match="還可再試 2 次"):
        sc.verify_lead(session, lead.id, "0000")
    assert session.get(PinGuard, lead.id).failures == 1  # counted like a wrong sign-off PIN
    receptionist = desk["王芳"]
    with pytest.raises(ValidationError, match="不是在職的領班"):
        sc.verify_lead(session, receptionist.id, LEAD_PIN)


# --- the state mechanism and the history ------------------------------------------------------


def _check_history(session, check_id):
    from frontdesk.core.history import entries

    return [(h.action, h.from_state, h.to_state, h.actor) for h in entries(session, record_type="self_check",
                                                                          record_id=check_id)]


def test_every_change_of_a_check_leaves_a_history_row(session, desk):
    from frontdesk.core.history import acting_as, changes_of, entries

    with acting_as("劉主管"):
        view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
        view = sc.save_answers(session, view.id, {1: ("pass", ""), 2: ("fail", "證件 110105194912310021 外露")},
                               version=view.version)
        sc.save_answers(session, view.id, {1: ("pass", "")})  # nothing changed: no move, no row
        signed = sc.sign_check(session, view.id, desk["劉主管"].id, LEAD_PIN, answers=all_pass(view) | {
            2: ("fail", "證件 110105194912310021 外露")})
        session.commit()
        fix = sc.start_correction(session, signed.id, "第 2 項誤判")
        session.commit()
        draft = sc.start_check(session, desk["李強"].id, DAY, SHIFT)
        sc.discard_draft(session, draft.id)
        session.commit()
    assert _check_history(session, view.id) == [
        ("start", "", "draft", "劉主管"), ("answer", "draft", "draft", "劉主管"),
        ("answer", "draft", "draft", "劉主管"), ("sign", "draft", "signed", "劉主管"),
    ]
    rows = entries(session, record_type="self_check", record_id=view.id)
    first = changes_of(rows[1])
    assert first["item.1"] == [["", ""], ["pass", ""]]
    assert first["item.2"] == [["", ""], ["fail", "證件 110105********0021 外露"]]
    assert changes_of(rows[3])["state"] == ["draft", "signed"] and changes_of(rows[3])["pass_count"] == [0, 29]
    assert "110105194912310021" not in " ".join(r.changes for r in rows)
    (correction,) = entries(session, record_type="self_check", record_id=fix.id)
    assert (correction.action, correction.note) == ("correct", "第 2 項誤判")
    assert changes_of(correction)["corrects_id"] == [None, view.id]
    assert _check_history(session, draft.id) == [("start", "", "draft", "劉主管"), ("discard", "draft", "", "劉主管")]
    assert session.get(SelfCheck, draft.id) is None
    assert session.execute(select(func.count()).select_from(SelfCheckItem)
                           .where(SelfCheckItem.check_id == draft.id)).scalar_one() == 0


def test_a_refused_signature_leaves_the_check_and_its_history_as_they_were(session, desk):
    view = sc.start_check(session, desk["王芳"].id, DAY, SHIFT)
    session.commit()
    for pin, answers in (("000000", all_pass(view)), (LEAD_PIN, {1: ("pass", "")})):
        with pytest.raises(ValidationError):
            sc.sign_check(session, view.id, desk["劉主管"].id, pin, answers=answers)
        session.rollback()
    assert [a for a, *_ in _check_history(session, view.id)] == ["start"]
    assert sc.get_check(session, view.id).version == view.version
