"""Who stands to greet: the rotation rules of the desk (seed §四 2, 3, 4, 9).

Pure functions over seat states; no database, no Textual. The desk has four
seats in the standing order 左2 → 右2 → 左1 → 右1 (L2, R2, L1, R1), cyclic. The
pointer is the seat that stood last; an arrival is greeted by the next eligible
seat after it. A seat is eligible when someone sits there and that person is
free: a seat that is empty, serving, away or whose person has a task in hand
(有工作任務的不必起身接待) is skipped. When no seat is eligible the arrival waits.

A direct approach (an owner walks straight to one person, §四 3) and a hand-off
(§四 4) do not move the pointer; only a seat that stood in the rotation does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

# Standing order (seed §四 2): 左2, 右2, 左1, 右1.
STANDING_ORDER: tuple[str, ...] = ("L2", "R2", "L1", "R1")


class SeatState(StrEnum):
    """What a seat looks like to the rotation."""

    EMPTY = "empty"  # no one on the roster for this seat today
    FREE = "free"
    SERVING = "serving"  # has an open encounter
    BUSY = "busy"  # task in hand (有工作任務)
    AWAY = "away"


def is_eligible(state: SeatState | str) -> bool:
    """Only a free, staffed seat stands to greet a new arrival."""
    return SeatState(state) is SeatState.FREE


def can_take_directly(state: SeatState | str) -> bool:
    """A party may walk straight to anyone who sits there and is not already serving.

    Whatever the person is doing (task in hand, just back from away), they
    serve (§四 3). Someone already serving asks the newcomer to wait (§四 9).
    """
    return SeatState(state) not in (SeatState.EMPTY, SeatState.SERVING)


def _check_seat(seat: str, order: Sequence[str]) -> None:
    if seat not in order:
        raise ValueError(f"unknown seat {seat!r}; seats are {', '.join(order)}")


def seats_after(pointer: str | None, order: Sequence[str] = STANDING_ORDER) -> list[str]:
    """The seats in the order they would be asked after ``pointer``.

    With no pointer (start of the day) the order starts at the first seat (左2);
    otherwise it starts just after the pointer and wraps, ending with the pointer.
    """
    if not pointer:
        return list(order)
    _check_seat(pointer, order)
    i = order.index(pointer)
    return list(order[i + 1 :]) + list(order[: i + 1])


def next_seat(
    pointer: str | None,
    states: Mapping[str, SeatState | str],
    order: Sequence[str] = STANDING_ORDER,
) -> str | None:
    """The seat that stands for the next arrival, or ``None`` when every seat is ineligible.

    A seat missing from ``states`` counts as empty.
    """
    for seat in seats_after(pointer, order):
        if is_eligible(states.get(seat, SeatState.EMPTY)):
            return seat
    return None


def move_pointer(pointer: str | None, stood: str, *, in_rotation: bool = True) -> str | None:
    """The pointer after ``stood`` greeted someone.

    In the rotation the pointer moves to the seat that stood. A direct approach
    or a hand-off (``in_rotation=False``) leaves it where it was.
    """
    return stood if in_rotation else pointer


@dataclass(frozen=True)
class Waiting:
    """A party in the waiting line, as the rotation sees it.

    ``seat`` is set when the party walked to a particular person who was
    serving: only that seat takes them.
    """

    key: object
    seat: str | None = None


@dataclass(frozen=True)
class ArrivalDecision:
    """Where an arrival goes: ``seat`` stands, or the party waits (``seat is None``)."""

    seat: str | None

    @property
    def waits(self) -> bool:
        return self.seat is None


def decide_arrival(
    pointer: str | None,
    states: Mapping[str, SeatState | str],
    waiting: Sequence[Waiting] = (),
    order: Sequence[str] = STANDING_ORDER,
) -> ArrivalDecision:
    """An arrival in the rotation: the next eligible seat, or the waiting line.

    Parties already waiting for anyone go first (§四 9: the newcomer must not
    be served before someone who has been waiting), so with such a line the
    new arrival joins its end even if a seat is free; that seat is offered the
    longest-waiting party instead (:func:`offer`).
    """
    if any(w.seat is None for w in waiting):
        return ArrivalDecision(None)
    return ArrivalDecision(next_seat(pointer, states, order))


def decide_direct(seat: str, states: Mapping[str, SeatState | str], order: Sequence[str] = STANDING_ORDER) -> ArrivalDecision:
    """A party walks straight to ``seat``: that person serves, or the party waits for them.

    Raises ``ValueError`` for an unknown seat; the caller refuses an empty seat.
    """
    _check_seat(seat, order)
    state = SeatState(states.get(seat, SeatState.EMPTY))
    if state is SeatState.EMPTY:
        raise ValueError(f"seat {seat} is empty")
    return ArrivalDecision(seat if can_take_directly(state) else None)


def offer_for_seat(seat: str, state: SeatState | str, waiting: Sequence[Waiting]) -> Waiting | None:
    """The party a seat that just freed up should take: the longest waiting it may serve.

    ``waiting`` is in arrival order. A party that asked for this seat's person
    may be taken whatever that person's state (except serving); a party waiting
    for anyone is taken only by an eligible (free) seat.
    """
    state = SeatState(state)
    if not can_take_directly(state):
        return None
    for party in waiting:
        if party.seat == seat:
            return party
        if party.seat is None and is_eligible(state):
            return party
    return None


def offer(
    pointer: str | None,
    states: Mapping[str, SeatState | str],
    waiting: Sequence[Waiting],
    order: Sequence[str] = STANDING_ORDER,
) -> tuple[Waiting, str] | None:
    """The longest-waiting party that someone can take now, and the seat that takes it.

    A party waiting for anyone goes to the next eligible seat in the rotation;
    a party waiting for one person goes to that person once they stop serving.
    ``None`` when no one in the line can be taken.
    """
    for party in waiting:
        if party.seat is not None:
            if can_take_directly(states.get(party.seat, SeatState.EMPTY)):
                return party, party.seat
            continue
        seat = next_seat(pointer, states, order)
        if seat is not None:
            return party, seat
    return None
