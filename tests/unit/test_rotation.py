"""The rotation rules (seed §四): worked examples and hypothesis properties."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from frontdesk.rotation import (
    STANDING_ORDER,
    SeatState,
    Waiting,
    decide_arrival,
    decide_direct,
    is_eligible,
    move_pointer,
    next_seat,
    offer,
    offer_for_seat,
    seats_after,
)

F, S, B, A, E = SeatState.FREE, SeatState.SERVING, SeatState.BUSY, SeatState.AWAY, SeatState.EMPTY
ALL_FREE = dict.fromkeys(STANDING_ORDER, F)

seat_codes = st.sampled_from(STANDING_ORDER)
pointers = st.one_of(st.none(), seat_codes)
seat_states = st.sampled_from(list(SeatState))
desks = st.fixed_dictionaries({seat: seat_states for seat in STANDING_ORDER})


# --- worked examples from the seed -------------------------------------------------


def test_standing_order_is_left2_right2_left1_right1():
    assert STANDING_ORDER == ("L2", "R2", "L1", "R1")


def test_a_morning_with_everyone_free_goes_round_the_desk():
    pointer, stood = None, []
    for _ in range(6):
        seat = next_seat(pointer, ALL_FREE)
        stood.append(seat)
        pointer = move_pointer(pointer, seat)
    assert stood == ["L2", "R2", "L1", "R1", "L2", "R2"]


def test_person_with_a_task_in_hand_does_not_stand():
    # 有工作任務的不必起身接待: 左2 is busy, so 右2 greets the first owner.
    assert next_seat(None, {**ALL_FREE, "L2": B}) == "R2"


def test_serving_away_and_empty_seats_are_skipped():
    states = {"L2": S, "R2": A, "L1": E, "R1": F}
    assert next_seat(None, states) == "R1"
    assert next_seat("R1", states) == "R1"  # wraps round to the pointer itself when it is the only one


def test_rotation_resumes_after_the_seat_that_stood_last():
    assert next_seat("R2", ALL_FREE) == "L1"
    assert next_seat("R1", ALL_FREE) == "L2"


def test_direct_approach_serves_and_does_not_move_the_pointer():
    # 右2 stood last; an owner walks straight to 左1 (§四 3).
    states = dict(ALL_FREE)
    decision = decide_direct("L1", {**states, "L1": B})  # even with a task in hand
    assert decision.seat == "L1"
    pointer = move_pointer("R2", "L1", in_rotation=False)
    assert pointer == "R2"
    states["L1"] = S
    # The next arrival continues after 右2, skipping 左1 who is now serving.
    assert next_seat(pointer, states) == "R1"


def test_hand_off_does_not_move_the_pointer():
    assert move_pointer("L2", "R1", in_rotation=False) == "L2"


def test_direct_approach_to_someone_serving_waits_for_them():
    decision = decide_direct("L2", {**ALL_FREE, "L2": S})
    assert decision.waits


def test_direct_approach_to_an_empty_or_unknown_seat_is_refused():
    with pytest.raises(ValueError):
        decide_direct("L2", {**ALL_FREE, "L2": E})
    with pytest.raises(ValueError):
        decide_direct("X9", ALL_FREE)


def test_full_desk_makes_the_arrival_wait():
    assert decide_arrival("L2", {"L2": S, "R2": S, "L1": B, "R1": A}).waits


def test_newcomer_waits_behind_someone_already_waiting():
    line = [Waiting(1)]
    assert decide_arrival("L2", ALL_FREE, line).waits
    # ... but a party waiting for one particular person does not hold up the rotation.
    assert decide_arrival("L2", ALL_FREE, [Waiting(1, seat="R1")]).seat == "R2"


def test_freed_seat_is_offered_the_longest_waiting_party():
    line = [Waiting(1), Waiting(2)]
    assert offer_for_seat("L1", F, line) == Waiting(1)
    assert offer_for_seat("L1", B, line) is None  # task in hand: not for the general line
    assert offer_for_seat("L1", B, [Waiting(1), Waiting(2, seat="L1")]) == Waiting(2, seat="L1")
    assert offer_for_seat("L1", F, [Waiting(1, seat="R2"), Waiting(2)]) == Waiting(2)


def test_offer_names_the_rotation_seat_for_the_general_line():
    states = {"L2": S, "R2": F, "L1": F, "R1": S}
    assert offer("R2", states, [Waiting("a")]) == (Waiting("a"), "L1")
    assert offer("R2", {**states, "R2": S, "L1": S}, [Waiting("a")]) is None
    # The party waiting for 左2 is skipped while 左2 serves; the next one is offered.
    assert offer(None, {**states, "L2": S}, [Waiting("a", seat="L2"), Waiting("b")]) == (Waiting("b"), "R2")


def test_unknown_pointer_is_refused():
    with pytest.raises(ValueError):
        seats_after("Z1")


def test_missing_seat_counts_as_empty():
    assert next_seat(None, {"L1": F}) == "L1"
    assert next_seat(None, {}) is None


# --- properties -----------------------------------------------------------------------


@given(pointers, desks)
def test_never_names_an_ineligible_seat(pointer, states):
    seat = next_seat(pointer, states)
    assert seat is None or is_eligible(states[seat])


@given(pointers, desks)
def test_waits_exactly_when_every_seat_is_ineligible(pointer, states):
    decision = decide_arrival(pointer, states)
    assert decision.waits == (not any(is_eligible(s) for s in states.values()))


@given(pointers, desks)
def test_names_the_first_eligible_seat_after_the_pointer(pointer, states):
    seat = next_seat(pointer, states)
    order = seats_after(pointer)
    if seat is None:
        return
    skipped = order[: order.index(seat)]
    assert all(not is_eligible(states[s]) for s in skipped)


@given(pointers)
def test_seats_after_is_a_rotation_of_the_standing_order(pointer):
    order = seats_after(pointer)
    assert sorted(order) == sorted(STANDING_ORDER)
    doubled = STANDING_ORDER * 2
    start = doubled.index(order[0])
    assert tuple(order) == doubled[start : start + 4]
    if pointer:
        assert order[-1] == pointer


@given(pointers, st.integers(min_value=0, max_value=60))
def test_arrivals_with_every_seat_free_are_spread_within_one(pointer, n):
    counts = Counter(dict.fromkeys(STANDING_ORDER, 0))
    for _ in range(n):
        seat = next_seat(pointer, ALL_FREE)
        counts[seat] += 1
        pointer = move_pointer(pointer, seat)
    assert max(counts.values()) - min(counts.values()) <= 1


@given(pointers, desks, st.integers(min_value=0, max_value=40))
def test_arrivals_are_spread_within_one_over_the_eligible_seats(pointer, states, n):
    eligible = [s for s in STANDING_ORDER if is_eligible(states[s])]
    counts = Counter(dict.fromkeys(eligible, 0))
    for _ in range(n):
        seat = next_seat(pointer, states)
        if seat is None:
            assert not eligible
            return
        counts[seat] += 1
        pointer = move_pointer(pointer, seat)
    if counts:
        assert max(counts.values()) - min(counts.values()) <= 1


@given(pointers, seat_codes, st.booleans())
def test_pointer_moves_only_in_the_rotation(pointer, stood, in_rotation):
    moved = move_pointer(pointer, stood, in_rotation=in_rotation)
    assert moved == (stood if in_rotation else pointer)


@given(seat_codes, desks)
def test_direct_approach_serves_unless_serving_or_empty(seat, states):
    if states[seat] is E:
        with pytest.raises(ValueError):
            decide_direct(seat, states)
        return
    decision = decide_direct(seat, states)
    assert decision.seat == (None if states[seat] is S else seat)


waiting_lines = st.lists(st.builds(Waiting, st.integers(), st.one_of(st.none(), seat_codes)), max_size=6)


@given(pointers, desks, waiting_lines)
def test_offer_is_the_first_party_that_can_be_taken(pointer, states, line):
    result = offer(pointer, states, line)
    takeable = []
    for party in line:
        if party.seat is not None:
            ok = states[party.seat] not in (S, E)
        else:
            ok = any(is_eligible(s) for s in states.values())
        takeable.append(ok)
    if result is None:
        assert not any(takeable)
        return
    party, seat = result
    assert party == line[takeable.index(True)]
    if party.seat is None:
        assert is_eligible(states[seat]) and seat == next_seat(pointer, states)
    else:
        assert seat == party.seat


@given(seat_codes, seat_states, waiting_lines)
def test_freed_seat_only_takes_a_party_it_may_serve(seat, state, line):
    party = offer_for_seat(seat, state, line)
    if party is None:
        return
    assert state not in (S, E)
    assert party.seat == seat or (party.seat is None and state is F)
    # ... and it is the longest-waiting such party
    earlier = line[: line.index(party)]
    assert all(not (p.seat == seat or (p.seat is None and state is F)) for p in earlier)


class DeskMachine(RuleBasedStateMachine):
    """A desk driven at random: arrivals, direct approaches, finishes, tasks and breaks.

    The rotation never names an ineligible seat, nobody serves two parties,
    the line only holds parties who could not be seated, and the pointer only
    ever moves to a seat that stood in the rotation.
    """

    def __init__(self):
        super().__init__()
        self.own = dict.fromkeys(STANDING_ORDER, F)  # free / busy / away / empty
        self.serving: dict[str, int] = {}
        self.pointer: str | None = None
        self.line: list[Waiting] = []
        self.counter = 0
        self.rotation_stands: list[str] = []

    def states(self) -> dict[str, SeatState]:
        return {s: (S if s in self.serving else self.own[s]) for s in STANDING_ORDER}

    def _serve(self, seat: str, in_rotation: bool) -> None:
        self.counter += 1
        assert seat not in self.serving
        self.serving[seat] = self.counter
        if in_rotation:
            self.rotation_stands.append(seat)
        self.pointer = move_pointer(self.pointer, seat, in_rotation=in_rotation)

    @rule()
    def arrival(self):
        before = self.pointer
        decision = decide_arrival(self.pointer, self.states(), self.line)
        if decision.waits:
            self.counter += 1
            self.line.append(Waiting(self.counter))
            assert self.pointer == before
        else:
            assert is_eligible(self.states()[decision.seat])
            self._serve(decision.seat, True)

    @rule(seat=seat_codes)
    def direct(self, seat):
        states = self.states()
        if states[seat] is E:
            with pytest.raises(ValueError):
                decide_direct(seat, states)
            return
        before = self.pointer
        decision = decide_direct(seat, states)
        if decision.waits:
            self.counter += 1
            self.line.append(Waiting(self.counter, seat=seat))
        else:
            if self.own[seat] is A:
                self.own[seat] = F  # they are evidently back
            self._serve(seat, False)
        assert self.pointer == before

    @precondition(lambda self: self.serving)
    @rule(data=st.data())
    def finish(self, data):
        seat = data.draw(st.sampled_from(sorted(self.serving)))
        del self.serving[seat]
        party = offer_for_seat(seat, self.states()[seat], self.line)
        if party is not None:
            self.line.remove(party)
            self._serve(seat, party.seat is None)

    @rule(seat=seat_codes, state=st.sampled_from([F, B, A, E]))
    def set_own_state(self, seat, state):
        if seat in self.serving and state in (A, E):
            return  # someone serving is neither away nor gone
        self.own[seat] = state

    @rule()
    def take_waiting(self):
        result = offer(self.pointer, self.states(), self.line)
        if result is None:
            return
        party, seat = result
        self.line.remove(party)
        self._serve(seat, party.seat is None)

    @invariant()
    def pointer_is_the_last_rotation_seat(self):
        assert self.pointer == (self.rotation_stands[-1] if self.rotation_stands else None)

    @invariant()
    def no_party_is_both_waiting_and_served(self):
        keys = [w.key for w in self.line]
        assert len(keys) == len(set(keys))
        assert not set(keys) & set(self.serving.values())


TestDeskMachine = DeskMachine.TestCase
TestDeskMachine.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
