"""Issue 8 A1: self-checks from two desks, on SQLite and PostgreSQL.

Every race lines the desks up after they have read the check and before their first write
(``tests.races.write_barrier``): the interleaving that lost answers and double signatures.
Zero lost answers (a desk told "saved" finds its answers stored), exactly one signature wins,
the loser gets a clear ConflictError, and a signed check is unchangeable in the database itself.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from frontdesk import roster
from frontdesk import selfchecks as sc
from frontdesk.core.errors import ConflictError
from frontdesk.core.history import entries
from frontdesk.models import SelfCheck, SelfCheckItem, Staff
from tests.checks_data import LEAD_PIN, seed_desk
from tests.races import run_desks, write_barrier

DAY = date(2026, 3, 31)
RACES = 8  # per scenario and database
OTHER_PIN = "135792"


@pytest.fixture
def people(any_engine):
    with Session(any_engine, expire_on_commit=False) as s:
        team = seed_desk(s, DAY)
        second = Staff(name="趙領班", surname="趙", gender="M", role="lead")
        s.add(second)
        s.flush()
        roster.set_pin(s, second.id, OTHER_PIN)
        s.commit()
        team["趙領班"] = second
    return {name: staff.id for name, staff in team.items()}


def new_check(engine, staff_id: int, shift: str) -> sc.CheckView:
    with Session(engine, expire_on_commit=False) as s:
        view = sc.start_check(s, staff_id, DAY, shift)
        s.commit()
        return view


def stored(engine, check_id: int) -> tuple[SelfCheck, dict[int, tuple[str, str]]]:
    with Session(engine, expire_on_commit=False) as s:
        check = s.get(SelfCheck, check_id)
        items = {i.position: (i.answer, i.note)
                 for i in s.execute(select(SelfCheckItem).where(SelfCheckItem.check_id == check_id)).scalars()}
        return check, items


def desk(engine, fn):
    """One desk's action in its own session and transaction, as the app's run_db does it."""

    def run():
        with Session(engine, expire_on_commit=False) as s:
            try:
                result = fn(s)
                s.commit()
                return result
            except BaseException:
                s.rollback()
                raise

    return run


def full(view: sc.CheckView, **changes) -> dict[int, tuple[str, str]]:
    """What a desk's screen sends: every item's answer as that desk knows it ("" where it has none)."""
    answers = {item.position: (item.answer, item.note) for item in view.items}
    return answers | {int(k.removeprefix("p")): v for k, v in changes.items()}


def test_two_desks_answering_from_the_same_version_lose_no_answer(any_engine, people):
    outcomes = []
    for n in range(RACES):
        view = new_check(any_engine, people["王芳"], f"a{n}")
        mine = full(view, p1=("pass", ""))  # desk 1 answers item 1; its screen has item 2 blank
        theirs = full(view, p2=("fail", "工牌沒戴"))  # desk 2 answers item 2; its screen has item 1 blank
        with write_barrier(any_engine, 2):
            results = run_desks(
                desk(any_engine, lambda s: sc.save_answers(s, view.id, mine, version=view.version)),
                desk(any_engine, lambda s: sc.save_answers(s, view.id, theirs, version=view.version)),
            )
        check, items = stored(any_engine, view.id)
        saved = [r for r in results if isinstance(r, sc.CheckView)]
        refused = [r for r in results if isinstance(r, ConflictError)]
        assert len(saved) + len(refused) == 2, results
        for answers, result in zip((mine, theirs), results):
            if isinstance(result, sc.CheckView):  # a desk told "saved" finds every answer it sent
                assert all(items[pos] == value for pos, value in answers.items()), (n, results)
        assert len(saved) == 1 and check.version == view.version + 1
        assert "另一個前台" in str(refused[0])
        outcomes.append(len(refused))
    assert outcomes == [1] * RACES


def test_two_leads_signing_at_once_exactly_one_wins(any_engine, people):
    for n in range(RACES):
        view = new_check(any_engine, people["李強"], f"s{n}")
        passes = full(view, **{f"p{i.position}": ("pass", "") for i in view.items})
        one_fail = passes | {3: ("fail", "皮鞋未擦")}
        with write_barrier(any_engine, 2):
            results = run_desks(
                desk(any_engine, lambda s: sc.sign_check(s, view.id, people["劉主管"], LEAD_PIN, answers=passes)),
                desk(any_engine, lambda s: sc.sign_check(s, view.id, people["趙領班"], OTHER_PIN, answers=one_fail)),
            )
        signed = [r for r in results if isinstance(r, sc.CheckView)]
        refused = [r for r in results if isinstance(r, ConflictError)]
        assert (len(signed), len(refused)) == (1, 1), results
        check, items = stored(any_engine, view.id)
        winner = signed[0]
        assert check.state == "signed" and check.lead_id == people[winner.lead_name]
        answers = [a for a, _note in items.values()]
        assert (check.pass_count, check.fail_count, check.na_count) == (
            answers.count("pass"), answers.count("fail"), answers.count("na"))  # counts agree with the items
        assert items == (passes if winner.lead_name == "劉主管" else one_fail)
        with Session(any_engine) as s:
            assert [h.action for h in entries(s, record_type="self_check", record_id=view.id)].count("sign") == 1


def test_a_save_overlapping_a_signature_never_changes_the_signed_check(any_engine, people):
    signed_first = 0
    for n in range(RACES):
        view = new_check(any_engine, people["陳靜"], f"o{n}")
        passes = full(view, **{f"p{i.position}": ("pass", "") for i in view.items})
        late = full(view, p5=("fail", "指甲過長"))
        with write_barrier(any_engine, 2):
            results = run_desks(
                desk(any_engine, lambda s: sc.sign_check(s, view.id, people["劉主管"], LEAD_PIN, answers=passes)),
                desk(any_engine, lambda s: sc.save_answers(s, view.id, late, version=view.version)),
            )
        sign, save = results
        assert sum(isinstance(r, ConflictError) for r in results) == 1, results
        check, items = stored(any_engine, view.id)
        if isinstance(sign, sc.CheckView):
            signed_first += 1
            assert check.state == "signed" and items == passes  # the save did not reach the signed check
        else:
            assert check.state == "draft" and items == late and isinstance(save, sc.CheckView)
    assert 0 <= signed_first <= RACES


# --- the database itself --------------------------------------------------------------------


def _signed(engine, people) -> int:
    view = new_check(engine, people["張偉"], "db")
    with Session(engine) as s:
        sc.sign_check(s, view.id, people["劉主管"], LEAD_PIN, answers=full(
            view, **{f"p{i.position}": ("pass", "") for i in view.items}))
        s.commit()
    return view.id


@pytest.mark.parametrize("sql", [
    "UPDATE self_check SET fail_count = 9 WHERE id = {id}",
    "UPDATE self_check SET state = 'draft' WHERE id = {id}",
    "DELETE FROM self_check WHERE id = {id}",
    "UPDATE self_check_item SET answer = 'fail', note = 'x' WHERE check_id = {id}",
    "DELETE FROM self_check_item WHERE check_id = {id}",
])
def test_the_database_refuses_to_change_a_signed_check(any_engine, people, sql):
    check_id = _signed(any_engine, people)
    before = stored(any_engine, check_id)
    with pytest.raises(DBAPIError) as err:
        with any_engine.begin() as conn:
            conn.execute(text(sql.format(id=check_id)))
    assert "signed self-check" in str(err.value)
    after = stored(any_engine, check_id)
    assert (after[0].state, after[0].fail_count, after[1]) == (before[0].state, before[0].fail_count, before[1])


def test_a_draft_stays_free_to_change_in_the_database(any_engine, people):
    view = new_check(any_engine, people["張偉"], "free")
    with any_engine.begin() as conn:
        conn.execute(text(f"UPDATE self_check_item SET answer = 'pass' WHERE check_id = {view.id} AND position = 1"))
        conn.execute(text(f"UPDATE self_check SET reason = 'ok' WHERE id = {view.id}"))
    assert stored(any_engine, view.id)[1][1] == ("pass", "")
    with any_engine.begin() as conn:
        conn.execute(text(f"DELETE FROM self_check WHERE id = {view.id}"))  # the items go with it
    assert stored(any_engine, view.id) == (None, {})
