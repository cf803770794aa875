"""The desk queue on a database: arrivals, direct approaches, hand-offs, the line, restarts, two desks."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlmodel import Session, select

from frontdesk import deskqueue as dq
from frontdesk import rotation
from frontdesk.core import i18n
from frontdesk.core.db import open_database, session_scope
from frontdesk.core.errors import ConflictError, ValidationError
from frontdesk.models import GUEST_TYPES, SEAT_CODES, DeskState, Encounter, Handoff, Owner, RosterEntry, Staff, StaffStatus
from frontdesk.rotation import SeatState

T0 = datetime(2026, 3, 4, 1, 30, tzinfo=timezone.utc)
DAY = dq.local_day(T0)

# name, gender, seat, duties
TEAM = [
    ("王芳", "F", "L2", "inquiry visitor"),
    ("李娜", "F", "R2", "repair inquiry"),
    ("張偉", "M", "L1", "complaint payment"),
    ("陳靜", "F", "R1", "pass keys parcel"),
]


def at(minutes: float = 0, seconds: float = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def seed(engine, day=DAY, team=TEAM) -> dict[str, int]:
    """Staff and today's roster, straight through the models."""
    ids = {}
    with session_scope(engine) as s:
        for name, gender, seat, duties in team:
            staff = Staff(name=name, surname=name[0], gender=gender, duties=duties)
            s.add(staff)
            s.flush()
            s.add(RosterEntry(day=day, seat=seat, staff_id=staff.id))
            ids[seat] = staff.id
    return ids


def add_owner(engine, name="王小明", gender="M", familiar=True, vip=False) -> int:
    with session_scope(engine) as s:
        owner = Owner(name=name, surname=name[0], gender=gender, initials="", pinyin="",
                      is_familiar=familiar, is_vip=vip)
        s.add(owner)
        s.flush()
        return owner.id


def act(engine, fn, *args, **kw):
    """One action in one transaction, as the app's run_db does it."""
    with session_scope(engine) as s:
        return fn(s, *args, **kw)


def desk(engine, now=T0) -> dq.Desk:
    with session_scope(engine) as s:
        return dq.snapshot(s, now=now)


@pytest.fixture
def team(engine):
    return seed(engine)


# --- the rotation on the database ------------------------------------------------------


def test_a_morning_goes_round_the_seats_then_waits(engine, team):
    seats = []
    for i in range(4):
        result = act(engine, dq.arrive, now=at(i))
        seats.append(result.greeting.seat)
        assert result.greeting.kind == "stand"
    assert seats == ["L2", "R2", "L1", "R1"]
    result = act(engine, dq.arrive, now=at(5))
    assert result.greeting.kind == "wait" and result.greeting.position == 1
    assert "請稍等" in result.greeting.wait_words
    d = desk(engine, at(6))
    assert all(s.state is SeatState.SERVING for s in d.seats.values())
    assert d.next_seat is None and d.pointer == "R1"
    assert [p.guest_type for p in d.waiting] == ["owner"]
    assert d.waiting[0].waited(at(6)) == 60


def test_first_arrival_of_the_day_is_greeted_by_left_2(engine, team):
    d = desk(engine)
    assert d.version == 0 and d.pointer is None and d.next_seat == "L2"
    result = act(engine, dq.arrive, now=T0)
    assert result.greeting.seat == "L2" and result.greeting.staff_name == "王芳"
    assert "左2" in result.message and "王芳" in result.message


def test_busy_away_and_empty_seats_are_skipped(engine):
    seed(engine, team=TEAM[:3])  # 右1 has no one today
    v = desk(engine).version
    act(engine, dq.set_state, "L2", "busy", now=T0, expected_version=v)
    act(engine, dq.set_state, "R2", "away", now=T0)
    d = desk(engine)
    assert d.seats["L2"].state is SeatState.BUSY and d.seats["R2"].state is SeatState.AWAY
    assert d.seats["R1"].state is SeatState.EMPTY
    assert d.next_seat == "L1"
    assert act(engine, dq.arrive, now=at(1)).greeting.seat == "L1"
    assert act(engine, dq.arrive, now=at(2)).greeting.kind == "wait"


def test_yesterdays_state_does_not_carry_over(engine, team):
    with session_scope(engine) as s:
        s.add(StaffStatus(staff_id=team["L2"], state="away", since=T0 - timedelta(days=1)))
    assert desk(engine).seats["L2"].state is SeatState.FREE


def test_familiar_owner_is_greeted_by_surname(engine, team):
    owner = add_owner(engine, "王小明", "M")
    result = act(engine, dq.arrive, owner_id=owner, now=T0)
    assert result.greeting.words == "王先生,您好!"
    assert result.greeting.who == "王小明"
    assert "15 度" in result.greeting.cue and "3 公尺" in result.greeting.cue
    stranger = add_owner(engine, "歐陽娜娜", "F", familiar=False)
    assert act(engine, dq.arrive, owner_id=stranger, now=at(1)).greeting.words == "您好!請問有什麼可以幫您?"


def test_greeting_in_each_language():
    owner = Owner(name="歐陽娜娜", surname="歐陽", gender="F", initials="", pinyin="", is_familiar=True)
    assert dq.greeting_words("owner", owner, lang="zh-Hant") == "歐陽女士,您好!"
    assert dq.greeting_words("owner", owner, lang="zh-Hans") == "歐陽女士，您好！"
    assert dq.greeting_words("owner", owner, lang="en") == "Hello, Ms Ouyang!"
    assert dq.greeting_words("visitor", None, lang="zh-Hant").startswith("您好")


@pytest.mark.parametrize(
    "guest,words",
    [("owner", ["3 公尺", "15 度"]), ("vip", ["15 度"]), ("visitor", ["欠身禮"]),
     ("inspection", ["起立", "15 度"]), ("superior", ["30 度"])],
)
def test_etiquette_cue_by_guest_type(guest, words):
    cue = dq.etiquette_cue(guest, lang="zh-Hant")
    assert all(w in cue for w in words), cue


def test_phrase_book_has_the_seed_phrases_in_three_languages():
    book = dq.load_phrases()
    say = {p.code: p for p in book.phrases if p.kind == "say"}
    never = [p.title_in("zh-Hant") for p in book.phrases if p.kind == "never"]
    assert say["right_away"].title_in("zh-Hant") == "好的,我馬上就來(辦)。"
    assert say["apology"].title_in("zh-Hant") == "對不起,讓您久等了。"
    assert "請稍等" in say["please_wait"].title_in("zh-Hant")
    assert "不知道" in never and "你沒看見我忙著嗎?" in never
    assert {b.code for b in book.bows} == {"nod", "bow15", "bow30"}
    for item in (*book.phrases, *book.bows, *book.occasions):
        for lang in i18n.LANGUAGES:
            assert item.title_in(lang).strip() and item.text_in(lang).strip()


def test_broken_phrase_file_is_named(tmp_path):
    bad = tmp_path / "phrases.toml"
    bad.write_text("[greeting.familiar]\nzh-Hant = 1\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        dq.load_phrases(bad)
    assert str(bad) in str(err.value)
    with pytest.raises(ValidationError):
        dq.load_phrases(tmp_path / "missing.toml")


# --- walked straight to someone -----------------------------------------------------------


def test_direct_approach_serves_and_keeps_the_rotation(engine, team):
    act(engine, dq.arrive, now=T0)  # 左2 stands, pointer 左2
    act(engine, dq.set_state, "L1", "busy", now=T0)
    result = act(engine, dq.direct, "L1", now=at(1))  # task in hand or not, 張偉 serves
    assert result.greeting.seat == "L1" and result.greeting.direct
    d = desk(engine, at(1))
    assert d.pointer == "L2" and d.seats["L1"].state is SeatState.SERVING
    assert d.next_seat == "R2"
    assert act(engine, dq.arrive, now=at(2)).greeting.seat == "R2"


def test_direct_approach_to_someone_away_brings_them_back(engine, team):
    act(engine, dq.set_state, "R1", "away", now=T0)
    act(engine, dq.direct, "R1", now=at(1))
    act(engine, dq.finish, "R1", category="keys", outcome="answered", now=at(3))
    assert desk(engine, at(3)).seats["R1"].state is SeatState.FREE


def test_direct_approach_to_someone_serving_waits_for_them_and_is_offered_at_finish(engine, team):
    act(engine, dq.arrive, now=T0)  # 左2 serving
    result = act(engine, dq.direct, "L2", now=at(1))
    assert result.greeting.kind == "wait"
    d = desk(engine, at(1))
    assert d.waiting[0].seat == "L2"
    # The party waits for 王芳 in particular: a new arrival still goes to 右2.
    assert act(engine, dq.arrive, now=at(2)).greeting.seat == "R2"
    done = act(engine, dq.finish, "L2", category="inquiry", outcome="answered", now=at(4))
    party, seat = done.offer
    assert seat == "L2" and party.id == d.waiting[0].id
    taken = act(engine, dq.take_waiting, seat="L2", now=at(4, 5))
    assert taken.greeting.seat == "L2" and taken.greeting.apology  # waited 3:05
    assert desk(engine, at(5)).pointer == "R2"  # a direct party does not move the rotation


def test_direct_approach_to_an_empty_seat_changes_nothing(engine):
    seed(engine, team=TEAM[:3])
    before = desk(engine)
    with pytest.raises(ValidationError) as err:
        act(engine, dq.direct, "R1", now=T0)
    assert "右1" in str(err.value)
    after = desk(engine)
    assert after.version == before.version and not after.waiting


# --- hand-off -----------------------------------------------------------------------------


def test_hand_off_to_the_colleague_whose_duty_it_is(engine, team):
    owner = add_owner(engine)
    act(engine, dq.arrive, owner_id=owner, now=T0)  # 王芳 at 左2
    d = desk(engine, at(1))
    assert dq.propose_handoff(d, "L2", "repair") == "R2"
    assert dq.propose_handoff(d, "L2", "complaint") == "L1"
    assert dq.propose_handoff(d, "L2", "nonsense") is None
    result = act(engine, dq.handoff, "L2", "R2", category="repair", reason="", now=at(1),
                 expected_version=d.version)
    assert result.greeting.kind == "handoff" and result.greeting.staff_name == "李娜"
    assert result.greeting.words == "王先生,您好!"
    d = desk(engine, at(2))
    assert d.seats["L2"].state is SeatState.FREE and d.seats["R2"].state is SeatState.SERVING
    assert d.seats["R2"].party.handoff_count == 1 and d.seats["R2"].party.category == "repair"
    assert d.pointer == "L2"  # a hand-off does not move the rotation
    with session_scope(engine) as s:
        (h,) = s.exec(select(Handoff)).all()
        assert (h.from_seat, h.to_seat, h.category) == ("L2", "R2", "repair")
        assert "報修" in h.reason


def test_the_default_reason_is_only_for_a_need_outside_the_persons_duties(engine, team):
    """「不在本人分工範圍」 is stored only when it is true; a need the person covers needs a reason."""
    act(engine, dq.arrive, now=T0)  # 王芳 at 左2 (諮詢, 訪客登記)
    before = desk(engine, at(1))
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as err:
            act(engine, dq.handoff, "L2", "R2", category="inquiry", reason=reason, now=at(1),
                expected_version=before.version)
        assert set(err.value.errors) == {"reason"}
        assert err.value.errors["reason"] == "「諮詢」在本人分工範圍內:請寫下為甚麼轉介。"
    assert desk(engine, at(1)) == before  # nothing changed, nothing logged
    with session_scope(engine) as s:
        assert s.exec(select(Handoff)).all() == []
    act(engine, dq.handoff, "L2", "R2", category="inquiry", reason="業主要找熟悉的同事", now=at(1),
        expected_version=before.version)
    with session_scope(engine) as s:
        assert s.exec(select(Handoff.reason)).one() == "業主要找熟悉的同事"


def test_the_default_reason_names_the_need_outside_the_duties_in_the_desk_language(engine, team):
    act(engine, dq.arrive, now=T0)
    i18n.set_language("en")
    try:
        with pytest.raises(ValidationError) as err:
            act(engine, dq.handoff, "L2", "R2", category="visitor", now=at(1))
        assert "within your duties" in err.value.errors["reason"]
        act(engine, dq.handoff, "L2", "R2", category="repair", now=at(1))
    finally:
        i18n.set_language("zh-Hant")
    with session_scope(engine) as s:
        assert s.exec(select(Handoff.reason)).one() == "Outside my duties: Repair request"


def test_proposal_prefers_free_then_busy_and_never_away_or_serving(engine, team):
    act(engine, dq.arrive, now=T0)  # 左2 serving
    act(engine, dq.set_state, "R2", "away", now=T0)
    d = desk(engine)
    assert dq.propose_handoff(d, "L2", "repair") is None  # 李娜 is away
    act(engine, dq.set_state, "R2", "busy", now=T0)
    assert dq.propose_handoff(desk(engine), "L2", "repair") == "R2"


@pytest.mark.parametrize(
    "setup,to_seat,fragment",
    [
        (None, "L2", "自己"),
        ("away", "R2", "離開"),
        ("serving", "R2", "正在接待"),
        ("empty", "R1", "空位"),
    ],
)
def test_bad_hand_offs_are_refused_and_change_nothing(engine, setup, to_seat, fragment):
    seed(engine, team=TEAM[:3] if setup == "empty" else TEAM)
    act(engine, dq.arrive, now=T0)  # 王芳 at 左2 serving
    if setup == "away":
        act(engine, dq.set_state, "R2", "away", now=T0)
    if setup == "serving":
        act(engine, dq.arrive, now=T0)  # 李娜 at 右2 serving
    before = desk(engine)
    with pytest.raises(ValidationError) as err:
        act(engine, dq.handoff, "L2", to_seat, category="repair", now=at(1), expected_version=before.version)
    assert fragment in str(err.value)
    after = desk(engine)
    assert after == before


def test_hand_off_from_a_seat_not_serving_is_refused(engine, team):
    with pytest.raises(ValidationError) as err:
        act(engine, dq.handoff, "L1", "R2", category="repair", now=T0)
    assert "沒有正在接待" in str(err.value)


# --- finish -------------------------------------------------------------------------------


def test_finish_stores_the_whole_encounter(engine, team):
    owner = add_owner(engine)
    act(engine, dq.arrive, owner_id=owner, guest_type="owner", now=T0)
    act(engine, dq.handoff, "L2", "R2", category="repair", reason="漏水", now=at(2))
    act(engine, dq.finish, "R2", category="repair", outcome="work_order", note="3-2-1101 廚房漏水", now=at(7))
    with session_scope(engine) as s:
        (enc,) = s.exec(select(Encounter)).all()
        assert (enc.state, enc.seat, enc.guest_type, enc.owner_id) == ("closed", "R2", "owner", owner)
        assert (enc.category, enc.outcome, enc.handoff_count, enc.wait_seconds) == ("repair", "work_order", 1, 0)
        assert enc.started_at == T0 and enc.ended_at == at(7)
        assert s.exec(select(Handoff.reason)).one() == "漏水"
    assert desk(engine, at(8)).seats["R2"].state is SeatState.FREE


def test_finishing_what_is_not_open_is_refused(engine, team):
    with pytest.raises(ValidationError) as err:
        act(engine, dq.finish, "L2", category="inquiry", outcome="answered", now=T0)
    assert "沒有正在接待" in str(err.value)
    act(engine, dq.arrive, now=T0)
    enc_id = desk(engine).seats["L2"].party.id
    act(engine, dq.finish, encounter_id=enc_id, category="inquiry", outcome="answered", now=at(1))
    before = desk(engine, at(2))
    with pytest.raises(ValidationError) as err:
        act(engine, dq.finish, encounter_id=enc_id, category="inquiry", outcome="other", now=at(2))
    assert "不在進行中" in str(err.value)
    assert desk(engine, at(2)) == before


def test_finish_needs_a_known_category_and_outcome(engine, team):
    act(engine, dq.arrive, now=T0)
    with pytest.raises(ValidationError) as err:
        act(engine, dq.finish, "L2", category="", outcome="answered", now=at(1))
    assert "category" in err.value.errors
    with pytest.raises(ValidationError) as err:
        act(engine, dq.finish, "L2", category="inquiry", outcome="left", now=at(1))
    assert "outcome" in err.value.errors
    assert desk(engine).seats["L2"].state is SeatState.SERVING


def test_marking_a_serving_person_away_or_an_empty_seat_is_refused(engine):
    seed(engine, team=TEAM[:3])
    act(engine, dq.arrive, now=T0)
    with pytest.raises(ValidationError):
        act(engine, dq.set_state, "L2", "away", now=T0)
    with pytest.raises(ValidationError):
        act(engine, dq.set_state, "R1", "busy", now=T0)
    with pytest.raises(ValidationError):
        act(engine, dq.set_state, "L1", "asleep", now=T0)


# --- the waiting line ------------------------------------------------------------------


def fill_desk(engine):
    for i in range(4):
        act(engine, dq.arrive, now=at(0, i))


def test_full_desk_line_offer_and_apology(engine, team):
    fill_desk(engine)
    act(engine, dq.arrive, guest_type="visitor", now=at(1))
    act(engine, dq.arrive, now=at(3, 50))
    d = desk(engine, at(3, 55))
    assert [p.guest_type for p in d.waiting] == ["visitor", "owner"] and d.offer is None
    # 張偉 at 左1 finishes after the visitor waited 3 minutes: offered, with an apology.
    done = act(engine, dq.finish, "L1", category="complaint", outcome="complaint", now=at(4))
    party, seat = done.offer
    assert seat == "L1" and party.guest_type == "visitor" and party.waited(at(4)) == 180
    taken = act(engine, dq.take_waiting, seat="L1", apology_after=120, now=at(4))
    assert taken.greeting.apology and taken.greeting.apology_words == "對不起,讓您久等了。"
    assert taken.greeting.words.startswith("您好!歡迎光臨")
    d = desk(engine, at(4))
    assert d.pointer == "L1" and [p.guest_type for p in d.waiting] == ["owner"]
    assert d.seats["L1"].party.wait_seconds == 180 and d.seats["L1"].party.apologised
    # The next one waited only 30 s when 陳靜 frees up: no apology.
    act(engine, dq.finish, "R1", category="keys", outcome="answered", now=at(4, 20))
    taken = act(engine, dq.take_waiting, now=at(4, 20))
    assert taken.greeting.seat == "R1" and not taken.greeting.apology


def test_a_newcomer_waits_behind_the_line_even_if_a_seat_frees(engine, team):
    fill_desk(engine)
    act(engine, dq.arrive, now=at(1))  # waits
    act(engine, dq.finish, "R2", category="inquiry", outcome="answered", now=at(2))  # offer declined
    d = desk(engine, at(2))
    assert d.offer is not None and d.offer[1] == "R2"
    result = act(engine, dq.arrive, now=at(3))
    assert result.greeting.kind == "wait" and result.greeting.position == 2
    taken = act(engine, dq.take_waiting, now=at(3))
    assert taken.greeting.seat == "R2"
    assert desk(engine, at(3)).waiting[0].arrived_at == at(3)


def test_take_waiting_refusals(engine, team):
    with pytest.raises(ValidationError) as err:
        act(engine, dq.take_waiting, now=T0)
    assert "沒有人在等候" in str(err.value)
    fill_desk(engine)
    act(engine, dq.arrive, now=at(1))
    with pytest.raises(ValidationError):
        act(engine, dq.take_waiting, now=at(1))  # no seat free
    with pytest.raises(ValidationError):
        act(engine, dq.take_waiting, seat="L2", now=at(1))  # 左2 is serving
    with pytest.raises(ValidationError):
        act(engine, dq.take_waiting, party_id=999, now=at(1))


def test_a_party_that_leaves_the_line(engine, team):
    fill_desk(engine)
    act(engine, dq.arrive, now=at(1))
    party = desk(engine, at(1)).waiting[0]
    act(engine, dq.cancel_waiting, party.id, now=at(5))
    assert desk(engine, at(5)).waiting == ()
    with pytest.raises(ValidationError):
        act(engine, dq.cancel_waiting, party.id, now=at(6))
    f = desk(engine, at(6)).figures
    assert f.left == 1 and f.waiting == 0


# --- figures ------------------------------------------------------------------------------


def test_todays_figures(engine, team):
    fill_desk(engine)  # four parties, no wait
    act(engine, dq.arrive, now=at(1))  # waits
    act(engine, dq.finish, "L2", category="inquiry", outcome="answered", now=at(3))  # 3:00 of service
    act(engine, dq.take_waiting, seat="L2", now=at(3))  # waited 2:00
    act(engine, dq.finish, "L2", category="inquiry", outcome="answered", now=at(4))  # 1:00
    act(engine, dq.finish, "L1", category="complaint", outcome="complaint", now=at(6))
    act(engine, dq.handoff, "R1", "L2", category="inquiry", now=at(6))
    f = desk(engine, at(7)).figures
    assert f.served == 5 and f.waiting == 0
    assert f.per_seat == {"L2": 3, "R2": 1, "L1": 1, "R1": 0}
    assert f.avg_wait == pytest.approx(120 / 5)
    assert f.avg_service is not None and f.avg_service == pytest.approx((180 + 60 + 358) / 3)
    assert f.handoffs == 1
    assert dq.format_duration(f.avg_wait) == "0:24" and dq.format_duration(None) == "—"
    assert dq.format_duration(3723) == "1:02:03"


# --- restart and two desks ----------------------------------------------------------------


def test_a_restart_restores_the_desk_exactly(db_url):
    engine = open_database(db_url)
    seed(engine)
    owner = add_owner(engine)
    act(engine, dq.arrive, owner_id=owner, now=T0)
    act(engine, dq.arrive, now=at(1))
    act(engine, dq.set_state, "L1", "busy", note="整理檔案", now=at(1))
    act(engine, dq.direct, "R1", guest_type="vip", now=at(2))
    act(engine, dq.arrive, guest_type="visitor", now=at(3))
    act(engine, dq.handoff, "L2", "L1", category="complaint", reason="投訴", now=at(4))
    before = desk(engine, at(5))
    engine.dispose()  # the app quits (or crashes) here

    engine = open_database(db_url)
    try:
        after = desk(engine, at(5))
        assert after == before
        assert after.pointer == "R2" and after.seats["L1"].party.owner_name == "王小明"
        assert after.seats["L1"].party.handoff_count == 1
        assert [p.guest_type for p in after.waiting] == ["visitor"]
        assert after.seats["L2"].state is SeatState.FREE
        # ... and the rotation carries on where it stopped: 左2 is the only one free.
        assert act(engine, dq.take_waiting, now=at(6)).greeting.seat == "L2"
    finally:
        engine.dispose()


def test_two_arrivals_in_the_same_instant_take_different_seats_or_are_refused(engine, team):
    act(engine, dq.arrive, now=T0)
    seen = desk(engine).version
    # Two desks read the same state and both press "arrival".
    first = act(engine, dq.arrive, now=at(1), expected_version=seen)
    with pytest.raises(ConflictError) as err:
        act(engine, dq.arrive, now=at(1), expected_version=seen)
    assert "另一個前台" in str(err.value)
    d = desk(engine, at(1))
    assert first.greeting.seat == "R2"
    assert sum(1 for s in d.seats.values() if s.state is SeatState.SERVING) == 2


def test_two_desks_opening_the_day_at_once(engine, team):
    s1, s2 = Session(engine), Session(engine)
    try:
        assert dq.snapshot(s1, now=T0).version == 0
        assert dq.snapshot(s2, now=T0).version == 0
        s1.rollback(), s2.rollback()
        dq.arrive(s1, now=T0, expected_version=0)
        s1.commit()
        with pytest.raises(ConflictError):
            dq.arrive(s2, now=T0, expected_version=0)
        s2.rollback()
    finally:
        s1.close(), s2.close()
    d = desk(engine)
    assert d.version == 1 and d.pointer == "L2" and len([s for s in d.seats.values() if s.party]) == 1


def test_second_desk_waits_for_the_first_then_is_refused(engine, team):
    """Both press at once: the second blocks on the first's write, then finds the desk changed."""
    act(engine, dq.arrive, now=T0)
    seen = desk(engine).version
    s1 = Session(engine)
    dq.arrive(s1, now=at(1), expected_version=seen)  # written, not yet committed
    outcome = {}

    def second():
        try:
            with session_scope(engine) as s2:
                outcome["result"] = dq.arrive(s2, now=at(1), expected_version=seen)
        except Exception as exc:  # noqa: BLE001
            outcome["error"] = exc

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    s1.commit()
    s1.close()
    thread.join(10)
    assert isinstance(outcome.get("error"), ConflictError), outcome
    d = desk(engine, at(1))
    assert [c for c, s in d.seats.items() if s.state is SeatState.SERVING] == ["L2", "R2"]


def test_desk_rows_and_statuses_are_stored(engine, team):
    act(engine, dq.arrive, now=T0)
    act(engine, dq.set_state, "R1", "away", note="午飯", now=T0)
    with session_scope(engine) as s:
        row = s.exec(select(DeskState)).one()
        assert (row.desk, row.day, row.last_seat) == ("main", DAY, "L2")
        status = s.get(StaffStatus, team["R1"])
        assert (status.state, status.note) == ("away", "午飯")


@pytest.mark.postgres
def test_postgres_morning_and_concurrent_arrivals(pg_engine):
    seed(pg_engine)
    owner = add_owner(pg_engine)
    assert act(pg_engine, dq.arrive, owner_id=owner, now=T0).greeting.words == "王先生,您好!"
    act(pg_engine, dq.direct, "L1", now=at(1))
    act(pg_engine, dq.handoff, "L2", "R1", category="pass", now=at(2))
    seen = desk(pg_engine, at(2)).version
    assert act(pg_engine, dq.arrive, now=at(3), expected_version=seen).greeting.seat == "R2"
    with pytest.raises(ConflictError):
        act(pg_engine, dq.arrive, now=at(3), expected_version=seen)

    # A real race: the second desk blocks on the first's row lock, then is refused.
    seen = desk(pg_engine, at(3)).version
    s1 = Session(pg_engine)
    dq.finish(s1, "R2", category="inquiry", outcome="answered", now=at(4), expected_version=seen)
    outcome = {}

    def second():
        try:
            with session_scope(pg_engine) as s2:
                dq.arrive(s2, now=at(4), expected_version=seen)
        except Exception as exc:  # noqa: BLE001
            outcome["error"] = exc

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    s1.commit()
    s1.close()
    thread.join(10)
    assert isinstance(outcome.get("error"), ConflictError), outcome
    d = desk(pg_engine, at(4))
    assert d.seats["R2"].state is SeatState.FREE and d.figures.served == 3 and d.figures.handoffs == 1


# --- a random shift on the database agrees with the rotation rules ---------------------------


class ShiftOnDatabase(RuleBasedStateMachine):
    """Random actions through deskqueue; after each, the stored desk obeys the rotation rules.

    Each run uses its own desk name and day on one shared database.
    """

    engine = None
    staff: dict[str, int] = {}
    runs = 0

    def __init__(self):
        super().__init__()
        cls = type(self)
        cls.runs += 1
        self.desk_name = f"desk{cls.runs}"
        self.now = T0 + timedelta(days=cls.runs)
        with session_scope(self.engine) as s:
            for seat in SEAT_CODES:
                s.add(RosterEntry(day=dq.local_day(self.now), seat=seat, staff_id=self.staff[seat]))
        self.before = self.snap()

    def snap(self) -> dq.Desk:
        with session_scope(self.engine) as s:
            return dq.snapshot(s, desk=self.desk_name, now=self.now)

    def run(self, fn, *args, **kw):
        self.now += timedelta(seconds=15)
        self.before = self.snap()
        try:
            with session_scope(self.engine) as s:
                return fn(s, *args, desk=self.desk_name, now=self.now, expected_version=self.before.version, **kw)
        except ValidationError:
            after = self.snap()
            assert after.version == self.before.version and after.seats == self.before.seats
            assert after.waiting == self.before.waiting
            return None

    @rule(guest=st.sampled_from(GUEST_TYPES))
    def arrive(self, guest):
        prev = self.before = self.snap()
        result = self.run(dq.arrive, guest_type=guest)
        expected = rotation.decide_arrival(prev.pointer, prev.states(),
                                           [rotation.Waiting(p.id, p.seat or None) for p in prev.waiting])
        assert result.greeting.seat == expected.seat if not expected.waits else result.greeting.kind == "wait"
        assert self.snap().pointer == (expected.seat or prev.pointer)

    @rule(seat=st.sampled_from(SEAT_CODES))
    def direct(self, seat):
        prev = self.snap()
        self.run(dq.direct, seat)
        assert self.snap().pointer == prev.pointer

    @rule(seat=st.sampled_from(SEAT_CODES), to=st.sampled_from(SEAT_CODES),
          category=st.sampled_from(["inquiry", "repair", "complaint", "keys"]))
    def handoff(self, seat, to, category):
        prev = self.snap()
        result = self.run(dq.handoff, seat, to, category=category)
        after = self.snap()
        assert after.pointer == prev.pointer
        if result is not None:
            assert prev.seats[to].state in (SeatState.FREE, SeatState.BUSY) and to != seat
            assert after.seats[to].state is SeatState.SERVING

    @rule(seat=st.sampled_from(SEAT_CODES), outcome=st.sampled_from(dq.FINISH_OUTCOMES))
    def finish(self, seat, outcome):
        prev = self.snap()
        result = self.run(dq.finish, seat, category="inquiry", outcome=outcome)
        if result is None:
            assert prev.seats[seat].party is None
        else:
            assert self.snap().figures.served == prev.figures.served

    @rule(seat=st.sampled_from(SEAT_CODES), state=st.sampled_from(["free", "busy", "away"]))
    def set_state(self, seat, state):
        self.run(dq.set_state, seat, state)

    @rule()
    def take(self):
        prev = self.snap()
        result = self.run(dq.take_waiting)
        offered = prev.offer
        if result is None:
            assert offered is None
        else:
            assert result.greeting.seat == offered[1] and result.greeting.party_id == offered[0].id

    @invariant()
    def desk_obeys_the_rules(self):
        d = self.snap()
        serving = [s.party.staff_id for s in d.seats.values() if s.party is not None]
        assert len(serving) == len(set(serving))
        assert d.next_seat is None or d.seats[d.next_seat].state is SeatState.FREE
        assert d.next_seat == rotation.next_seat(d.pointer, d.states())
        for party in d.waiting:
            assert party.started_at is None and party.state == "waiting"
        assert d.figures.served + d.figures.waiting + d.figures.left >= len(d.waiting)


def test_random_shifts_on_the_database_obey_the_rotation(engine):
    ShiftOnDatabase.engine = engine
    ShiftOnDatabase.runs = 0
    ShiftOnDatabase.staff = {}
    with session_scope(engine) as s:
        for name, gender, seat, duties in TEAM:
            staff = Staff(name=name, surname=name[0], gender=gender, duties=duties)
            s.add(staff)
            s.flush()
            ShiftOnDatabase.staff[seat] = staff.id
    run_state_machine_as_test(
        ShiftOnDatabase,
        settings=settings(max_examples=15, stateful_step_count=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]),
    )


# --- leftovers from an earlier day ------------------------------------------------------


def _yesterday_left_open(engine) -> tuple[int, int, int]:
    """Yesterday 王芳 (L2) served an owner and a visitor waited; the app crashed. Today only 李娜 and 張偉
    are on the roster (王芳 is off). Returns (open id, waiting id, owner id)."""
    yesterday = T0 - timedelta(days=1)
    with session_scope(engine) as s:
        ids = {}
        for name, gender, seat, duties in TEAM:
            staff = Staff(name=name, surname=name[0], gender=gender, duties=duties)
            s.add(staff)
            s.flush()
            ids[seat] = staff.id
            s.add(RosterEntry(day=dq.local_day(yesterday), seat=seat, staff_id=staff.id))
            if seat in ("R2", "L1"):
                s.add(RosterEntry(day=DAY, seat=seat, staff_id=staff.id))
    owner = add_owner(engine)
    act(engine, dq.arrive, owner_id=owner, now=yesterday)
    for minute in (1, 2, 3):
        act(engine, dq.arrive, guest_type="visitor", now=yesterday + timedelta(minutes=minute))
    waiting = act(engine, dq.arrive, guest_type="visitor", now=yesterday + timedelta(minutes=4))
    assert waiting.greeting.kind == "wait"
    with session_scope(engine) as s:  # the other three were finished; the owner and the waiting visitor were not
        for enc in s.exec(select(Encounter).where(Encounter.state == "open", Encounter.seat != "L2")).all():
            enc.state = "closed"
        opened = s.exec(select(Encounter.id).where(Encounter.state == "open")).one()
    return opened, waiting.greeting.party_id, owner


def test_leftovers_from_yesterday_are_shown_apart_and_do_not_block_today(engine):
    opened, waiting, _owner = _yesterday_left_open(engine)
    d = desk(engine)
    assert [p.id for p in d.leftovers] == [opened, waiting]
    assert d.leftovers[0].staff_name == "王芳" and d.leftovers[0].owner_name == "王小明"
    assert d.leftovers[0].day == DAY - timedelta(days=1)
    assert d.waiting == () and d.figures.waiting == 0
    assert d.seats["R2"].state is SeatState.FREE and d.next_seat == "R2"
    # Today's arrivals go round as usual: no one waits behind yesterday's visitor.
    assert act(engine, dq.arrive, now=at(1)).greeting.seat == "R2"
    assert act(engine, dq.arrive, now=at(2)).greeting.seat == "L1"


def test_closing_leftovers_finished_or_left(engine):
    opened, waiting, _owner = _yesterday_left_open(engine)
    v = desk(engine).version
    result = act(engine, dq.close_leftover, opened, category="inquiry", outcome="answered", now=at(1),
                 expected_version=v)
    assert "王小明" in result.message
    act(engine, dq.close_leftover, waiting, outcome="left", now=at(2))
    assert desk(engine, at(3)).leftovers == ()
    with session_scope(engine) as s:
        enc = s.get(Encounter, opened)
        assert (enc.state, enc.category, enc.outcome, enc.ended_at) == ("closed", "inquiry", "answered", None)
        assert enc.note  # says when it was closed
        assert s.get(Encounter, waiting).outcome == "left"
    # Yesterday's figures are not stretched by a service time over the night.
    with session_scope(engine) as s:
        assert dq.figures(s, DAY - timedelta(days=1)).avg_service is None


def test_closing_leftovers_refusals(engine):
    opened, _waiting, _owner = _yesterday_left_open(engine)
    v = desk(engine).version
    with pytest.raises(ValidationError):
        act(engine, dq.close_leftover, opened, category="nonsense", outcome="answered", now=at(1))
    with pytest.raises(ValidationError):
        act(engine, dq.close_leftover, opened, category="inquiry", outcome="left-ish", now=at(1))
    with pytest.raises(ConflictError):
        act(engine, dq.close_leftover, opened, category="inquiry", outcome="answered", now=at(1),
            expected_version=v + 5)
    today = act(engine, dq.arrive, now=at(2)).greeting.party_id
    with pytest.raises(ValidationError):  # today's encounter is not a leftover
        act(engine, dq.close_leftover, today, category="inquiry", outcome="answered", now=at(3))
    act(engine, dq.close_leftover, opened, category="inquiry", outcome="answered", now=at(4))
    with pytest.raises(ValidationError):  # already closed
        act(engine, dq.close_leftover, opened, category="inquiry", outcome="answered", now=at(5))


# --- attaching the owner to an open encounter ---------------------------------------------


def test_attach_and_change_the_owner_of_an_open_encounter(engine, team):
    result = act(engine, dq.arrive, guest_type="visitor", now=T0)
    party = result.greeting.party_id
    owner = add_owner(engine, "王小明", "M")
    v = desk(engine).version
    result = act(engine, dq.set_owner, party, owner, now=at(1), expected_version=v)
    assert "王小明" in result.message and result.greeting.words == "王先生,您好!"
    d = desk(engine, at(1))
    seat = d.seats["L2"].party
    assert seat.owner_name == "王小明" and seat.who == "王小明" and seat.guest_type == "owner"
    other = add_owner(engine, "李美華", "F", familiar=False)
    act(engine, dq.set_owner, party, other, now=at(2))
    assert desk(engine, at(2)).seats["L2"].party.owner_name == "李美華"
    act(engine, dq.set_owner, party, None, now=at(3))
    assert desk(engine, at(3)).seats["L2"].party.owner_name == ""


def test_attach_owner_keeps_a_vip_and_refuses_stale_or_closed(engine, team):
    party = act(engine, dq.arrive, guest_type="vip", now=T0).greeting.party_id
    owner = add_owner(engine)
    v = desk(engine).version
    act(engine, dq.set_owner, party, owner, now=at(1), expected_version=v)
    assert desk(engine, at(1)).seats["L2"].party.guest_type == "vip"
    with pytest.raises(ConflictError):
        act(engine, dq.set_owner, party, owner, now=at(2), expected_version=v)
    with pytest.raises(Exception):  # an unknown owner
        act(engine, dq.set_owner, party, 99999, now=at(2))
    act(engine, dq.finish, "L2", category="inquiry", outcome="answered", now=at(3))
    before = desk(engine, at(3)).version
    with pytest.raises(ValidationError):
        act(engine, dq.set_owner, party, owner, now=at(4))
    assert desk(engine, at(4)).version == before


# --- what the hand-off dialog can say ------------------------------------------------------


def test_covering_lists_colleagues_on_duty_for_a_category_whatever_their_state(engine, team):
    act(engine, dq.arrive, now=T0)  # 王芳 L2 serves
    act(engine, dq.arrive, now=at(1))  # 李娜 R2 serves
    d = desk(engine, at(1))
    assert dq.propose_handoff(d, "L2", "repair") is None  # 李娜 covers repair but is serving
    assert dq.covering(d, "L2", "repair") == ["R2"]
    assert dq.covering(d, "L2", "nonsense") == []
    assert dq.covering(d, "R2", "inquiry") == ["L2"]


# --- the state mechanism and the history ------------------------------------------------------


def _history(engine, record_type="encounter"):
    from frontdesk.core.history import entries

    with Session(engine) as s:
        return [(h.record_id, h.action, h.from_state, h.to_state, h.actor) for h in entries(s, record_type=record_type)]


def test_every_encounter_change_leaves_a_history_row(engine, team):
    from frontdesk.core.history import acting_as, changes_of, entries

    owner = add_owner(engine)
    with acting_as("王芳"):
        first = act(engine, dq.arrive, now=T0).greeting.party_id  # 左2 stands
        act(engine, dq.set_owner, first, owner, now=at(1))
        act(engine, dq.handoff, "L2", "R2", category="repair", reason="報修歸右2", now=at(2))
        act(engine, dq.finish, "R2", category="repair", outcome="work_order", now=at(3))
        direct = act(engine, dq.direct, "L1", guest_type="vip", now=at(4)).greeting.party_id
        for i in range(3):
            act(engine, dq.arrive, now=at(5, i))
        waiting = act(engine, dq.arrive, now=at(6)).greeting.party_id
        gone = act(engine, dq.arrive, now=at(6, 5)).greeting.party_id
        act(engine, dq.finish, "L1", category="inquiry", outcome="answered", now=at(7))
        act(engine, dq.take_waiting, seat="L1", now=at(7))
        act(engine, dq.cancel_waiting, gone, now=at(8))
    rows = _history(engine)
    assert [r for r in rows if r[0] == first] == [
        (first, "arrive", "", "open", "王芳"),
        (first, "set_owner", "open", "open", "王芳"),
        (first, "handoff", "open", "open", "王芳"),
        (first, "finish", "open", "closed", "王芳"),
    ]
    assert [r[1:4] for r in rows if r[0] == direct] == [("direct", "", "open"), ("finish", "open", "closed")]
    assert [r[1:4] for r in rows if r[0] == waiting] == [("arrive", "", "waiting"), ("take", "waiting", "open")]
    assert [r[1:4] for r in rows if r[0] == gone] == [("arrive", "", "waiting"), ("leave", "waiting", "closed")]
    with Session(engine) as s:
        handed = next(h for h in entries(s, record_type="encounter", record_id=first) if h.action == "handoff")
        assert handed.note == "報修歸右2"
        assert changes_of(handed)["seat"] == ["L2", "R2"] and changes_of(handed)["handoff_count"] == [0, 1]


def test_leftovers_and_a_persons_own_state_leave_history(engine):
    opened, waiting, _owner = _yesterday_left_open(engine)
    act(engine, dq.close_leftover, opened, category="inquiry", outcome="answered", now=at(1))
    act(engine, dq.close_leftover, waiting, outcome="left", now=at(2))
    rows = _history(engine)
    assert [r[1:4] for r in rows if r[0] == opened][-1] == ("close_late", "open", "closed")
    assert [r[1:4] for r in rows if r[0] == waiting][-1] == ("close_late", "waiting", "closed")
    act(engine, dq.set_state, "R2", "away", note="午飯", now=at(3))
    act(engine, dq.set_state, "R2", "free", now=at(4))
    assert [r[1] for r in _history(engine, "staff_status")] == ["create", "set_state"]


def test_a_refused_action_writes_no_history(engine, team):
    act(engine, dq.arrive, now=T0)
    before = _history(engine)
    for fn, args, kw in [(dq.finish, ("L1",), {"category": "inquiry", "outcome": "answered"}),
                         (dq.handoff, ("L2", "L2"), {"category": "repair"}),
                         (dq.take_waiting, (), {}),
                         (dq.cancel_waiting, (999,), {})]:
        with pytest.raises(ValidationError):
            act(engine, fn, *args, now=at(1), **kw)
    seen = desk(engine).version
    act(engine, dq.arrive, now=at(2), expected_version=seen)
    with pytest.raises(ConflictError):
        act(engine, dq.arrive, now=at(2), expected_version=seen)
    after = _history(engine)
    assert after[:len(before)] == before and [r[1] for r in after[len(before):]] == ["arrive"]  # only the one that went through


def test_the_machine_refuses_what_the_rules_do_not_allow_even_past_the_desk_checks(engine, team):
    from frontdesk.core import states

    party = act(engine, dq.arrive, now=T0).greeting.party_id
    act(engine, dq.finish, "L2", category="inquiry", outcome="answered", now=at(1))
    with session_scope(engine) as s:
        enc = s.get(Encounter, party)
        with pytest.raises(ValidationError) as err:
            states.move(s, dq.ENCOUNTERS, enc, "handoff", expected_version=enc.version)
    assert "已結束" in str(err.value) and "轉交" in str(err.value)


# --- one name, one rounding -----------------------------------------------------------------


def test_a_party_is_named_one_way_everywhere(engine, team):
    assert dq.party_name("王小明", "王先生", "owner") == "王小明"  # the owner's name when known
    assert dq.party_name("", "穿藍衣的先生", "visitor") == "穿藍衣的先生"  # else the label typed
    assert dq.party_name("", "", "vip") == "貴賓"  # else the guest type
    fill_desk(engine)
    labelled = act(engine, dq.arrive, label="快遞員", guest_type="visitor", now=at(1))
    assert labelled.greeting.who == "快遞員" and "快遞員" in labelled.message
    assert desk(engine, at(1)).waiting[0].who == "快遞員"
    assert "快遞員" in act(engine, dq.cancel_waiting, labelled.greeting.party_id, now=at(2)).message
    owner = add_owner(engine, "李美華", "F")
    act(engine, dq.finish, "L2", category="inquiry", outcome="answered", now=at(3))
    named = act(engine, dq.arrive, owner_id=owner, label="李太太", now=at(4))
    assert named.greeting.who == "李美華" and desk(engine, at(4)).seats["L2"].party.who == "李美華"


def test_a_duration_is_rounded_to_the_nearest_second():
    assert dq.format_duration(59.4) == "0:59" and dq.format_duration(59.5) == "1:00"
    assert dq.format_duration(3599.5) == "1:00:00" and dq.format_duration(0.4) == "0:00"
    assert dq.format_duration(-3) == "0:00" and dq.format_duration(None) == "—"


# --- who an encounter counts for -------------------------------------------------------------


def test_after_a_hand_off_the_encounter_counts_for_who_finished_it_and_the_greeter_keeps_the_hand_off(engine, team):
    act(engine, dq.arrive, now=T0)  # 王芳 at 左2 stands and greets
    act(engine, dq.handoff, "L2", "L1", category="complaint", reason="投訴", now=at(1))  # 張偉 takes it over
    act(engine, dq.handoff, "L1", "R2", category="repair", now=at(2))  # and passes it on to 李娜
    act(engine, dq.finish, "R2", category="repair", outcome="work_order", now=at(5))
    f = desk(engine, at(6)).figures
    seats = {s.seat: s for s in f.seats}
    assert f.per_seat == {"L2": 0, "R2": 1, "L1": 0, "R1": 0} and f.served == 1
    assert (seats["L2"].greeted, seats["L2"].handoffs) == (1, 1)
    assert (seats["L1"].greeted, seats["L1"].handoffs) == (0, 1)
    assert (seats["R2"].served, seats["R2"].greeted, seats["R2"].staff) == (1, 0, "李娜")
    assert f.handoffs == 2 and f.avg_service == 300
    assert seats["R1"].staff == "陳靜"  # no one served there: the person on the roster


def test_f2_and_the_report_use_the_same_figures(engine, team):
    from frontdesk import report as rp
    from frontdesk.shifts import resolve_shift

    fill_desk(engine)
    act(engine, dq.arrive, now=at(1))
    act(engine, dq.finish, "R2", category="inquiry", outcome="answered", now=at(2, 30))
    act(engine, dq.take_waiting, seat="R2", now=at(3, 0.5))
    act(engine, dq.finish, "L1", category="complaint", outcome="complaint", now=at(4, 10))
    with session_scope(engine) as s:
        f2 = dq.figures(s, DAY)
        shift = rp.gather(s, DAY, resolve_shift("all"), now=at(5))
        window = rp.make_window(DAY, resolve_shift("all"))
        same = dq.encounter_figures(s, start=window.start, end=window.end)
    assert tuple(shift.seats) == f2.seats == same.seats
    assert (shift.waiting, shift.left, shift.open_now) == (f2.waiting, f2.left, f2.open)
    total = shift.section("encounters").rows[-1]
    assert total == ["合計", "", str(f2.served), dq.format_duration(f2.avg_wait), dq.format_duration(f2.max_wait),
                     dq.format_duration(f2.avg_service), dq.format_duration(f2.max_service), str(f2.handoffs)]
