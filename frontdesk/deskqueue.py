"""The desk queue (seed §四, DESIGN 2.1): arrivals, who stands, hand-offs, the waiting line.

Domain only: no Textual. Every function takes a SQLModel ``Session`` first and
leaves committing to the caller (the app's ``run_db`` runs one transaction).
The rules of who stands are in :mod:`frontdesk.rotation`; this module keeps
the desk in the database so a restart (or a crash) mid-shift restores it
exactly: the rotation pointer (``DeskState``), each person's own state
(``StaffStatus``), the waiting line and the open encounters (``Encounter``).

Every action that changes the desk names the desk version it read
(``expected_version``, from :func:`snapshot`); the version is bumped with a
conditional ``UPDATE`` as the action's first statement, so of two desks (or two
key presses) acting on the same state, the second is refused with a
:class:`ConflictError` instead of, say, both sending the same seat to stand.

An encounter moves through the state mechanism (:data:`ENCOUNTERS`,
:mod:`frontdesk.core.states`): arrive / direct create it waiting or open; take,
hand-off, set owner, finish, leave and close-late move it, each with its own
conditional version UPDATE and a history row. A person's own state (free, busy,
away) is an audited edit (:func:`frontdesk.core.history.versioned_update`).

Figures (F2's line and the handover report's encounter section) come from one
function, :func:`encounter_figures`; see its notes for who an encounter counts for
after a hand-off. A party is named by :func:`party_name` everywhere.

Time comes in as ``now`` (aware UTC) so tests control waits; the desk's day is
the local date of ``now``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from frontdesk import report, rotation
from frontdesk.core import clock, states
from frontdesk.core.config import data_dir
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.core.history import versioned_update
from frontdesk.core.i18n import LANGUAGES, current_language, t, tn
from frontdesk.core.text import TextRefused, clean_input
from frontdesk.models import (
    GUEST_TYPES,
    OUTCOMES,
    SEAT_CODES,
    STAFF_STATES,
    DeskState,
    Encounter,
    EncounterState,
    GuestType,
    Handoff,
    Outcome,
    Owner,
    Staff,
    StaffState,
    StaffStatus,
)
from frontdesk.names import name_keys
from frontdesk.roster import category_names, load_categories, roster_for, seat_label
from frontdesk.rotation import SeatState

DESK = "main"
# The outcomes a receptionist picks when finishing; "left" is for a party that went away unserved.
FINISH_OUTCOMES: tuple[str, ...] = tuple(o for o in OUTCOMES if o != Outcome.LEFT)
WAITING, OPEN, CLOSED = EncounterState.WAITING, EncounterState.OPEN, EncounterState.CLOSED
# An encounter's moves (frontdesk.core.states); their names are in queue.toml, [encounter].
ENCOUNTERS = states.Machine(
    model=Encounter,
    states=EncounterState,
    initial={WAITING, OPEN},
    creations=("arrive", "direct"),
    transitions={
        (WAITING, "take"): OPEN,  # someone takes the party from the line
        (WAITING, "set_owner"): WAITING,
        (WAITING, "leave"): CLOSED,  # went away unserved
        (WAITING, "close_late"): CLOSED,  # a leftover from an earlier day
        (OPEN, "handoff"): OPEN,
        (OPEN, "set_owner"): OPEN,
        (OPEN, "finish"): CLOSED,
        (OPEN, "close_late"): CLOSED,
    },
    area="queue.encounter",
    conflict_key="queue.err_conflict",
    missing_key="queue.err_encounter_not_open",
)
DEFAULT_APOLOGY_SECONDS = 120
REASON_MAX = 200
NOTE_MAX = 500
LABEL_MAX = 80
TASK_NOTE_MAX = 200


# --- time ------------------------------------------------------------------------


def local_day(now: datetime) -> date:
    """The desk's day: the local date of ``now``."""
    return clock.local_day(now)


_now = clock.resolve


def seconds_between(start: datetime | None, end: datetime | None) -> int:
    if start is None or end is None:
        return 0
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    if end.tzinfo is None:
        end = end.replace(tzinfo=timezone.utc)
    return max(0, int((end - start).total_seconds()))


def format_duration(seconds: float | int | None) -> str:
    """``3:07`` for minutes and seconds, ``1:02:03`` past an hour, ``—`` for none.

    The one way a duration is written (F2, the greeting panel, the handover report):
    rounded to the nearest second, a half second up.
    """
    if seconds is None:
        return "—"
    seconds = max(0, int(seconds + 0.5))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --- phrases and the etiquette cue card --------------------------------------------


class PhraseFileError(ValidationError):
    """``data/phrases.toml`` is missing or malformed."""

    def __init__(self, message: str):
        super().__init__({"phrases": message})


@dataclass(frozen=True)
class CardItem:
    """One line of the cue card or the phrase list, in every language."""

    code: str
    kind: str  # say / never / bow / occasion
    title: Mapping[str, str]
    text: Mapping[str, str] = field(default_factory=dict)

    def title_in(self, lang: str | None = None) -> str:
        return _pick(self.title, lang)

    def text_in(self, lang: str | None = None) -> str:
        return _pick(self.text, lang) if self.text else ""


@dataclass(frozen=True)
class PhraseBook:
    greetings: Mapping[str, Mapping[str, str]]
    honorifics: Mapping[str, Mapping[str, str]]
    cues: Mapping[str, Mapping[str, str]]
    phrases: tuple[CardItem, ...]
    bows: tuple[CardItem, ...]
    occasions: tuple[CardItem, ...]

    def phrase(self, code: str, lang: str | None = None) -> str:
        for item in self.phrases:
            if item.code == code:
                return item.title_in(lang)
        raise KeyError(code)

    def cue(self, guest_type: str, lang: str | None = None) -> str:
        return _pick(self.cues.get(guest_type) or self.cues["owner"], lang)


def _pick(texts: Mapping[str, str], lang: str | None) -> str:
    lang = lang or current_language()
    return texts.get(lang) or texts.get("zh-Hant") or next(iter(texts.values()), "")


def phrases_path() -> Path:
    return data_dir() / "phrases.toml"


def _langs(entry: object, where: str, path: Path) -> dict[str, str]:
    if not isinstance(entry, dict) or any(not isinstance(entry.get(lg), str) or not entry[lg].strip() for lg in LANGUAGES):
        raise PhraseFileError(t("queue.err_phrases_bad", path=path, problem=where))
    return {lg: entry[lg] for lg in LANGUAGES}


@cache
def _load_phrases(path: Path) -> PhraseBook:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise PhraseFileError(t("queue.err_phrases_missing", path=path)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PhraseFileError(t("queue.err_phrases_bad", path=path, problem=str(exc))) from exc
    greetings = {k: _langs(v, f"greeting.{k}", path) for k, v in (raw.get("greeting") or {}).items()}
    honorifics = {k: _langs(v, f"honorific.{k}", path) for k, v in (raw.get("honorific") or {}).items()}
    cues = {k: _langs(v, f"cue.{k}", path) for k, v in (raw.get("cue") or {}).items()}
    for needed in ("familiar", *GUEST_TYPES):
        if needed not in greetings:
            raise PhraseFileError(t("queue.err_phrases_bad", path=path, problem=f"greeting.{needed}"))
    for needed in GUEST_TYPES:
        if needed not in cues:
            raise PhraseFileError(t("queue.err_phrases_bad", path=path, problem=f"cue.{needed}"))
    for needed in ("M", "F"):
        if needed not in honorifics:
            raise PhraseFileError(t("queue.err_phrases_bad", path=path, problem=f"honorific.{needed}"))

    def items(table: str, kind_of) -> tuple[CardItem, ...]:
        out = []
        for number, entry in enumerate(raw.get(table) or [], start=1):
            where = f"{table} #{number}"
            if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
                raise PhraseFileError(t("queue.err_phrases_bad", path=path, problem=where))
            text = _langs(entry["when"], where, path) if "when" in entry else (
                _langs(entry["text"], where, path) if "text" in entry else {}
            )
            out.append(CardItem(entry["code"], kind_of(entry), _langs(entry, where, path), text))
        return tuple(out)

    phrases = items("phrase", lambda e: e.get("kind", "say"))
    codes = {p.code for p in phrases}
    for needed in ("please_wait", "apology", "right_away"):
        if needed not in codes:
            raise PhraseFileError(t("queue.err_phrases_bad", path=path, problem=f"phrase {needed}"))
    return PhraseBook(
        greetings=greetings,
        honorifics=honorifics,
        cues=cues,
        phrases=phrases,
        bows=items("bow", lambda e: "bow"),
        occasions=items("occasion", lambda e: "occasion"),
    )


def load_phrases(path: Path | None = None) -> PhraseBook:
    """The standard phrases and the cue card from ``data/phrases.toml`` (read once)."""
    return _load_phrases(path or phrases_path())


def greeting_words(guest_type: str, owner: Owner | None = None, *, lang: str | None = None) -> str:
    """What the person who stands says: 「王先生,您好!」 for a familiar owner, else a general greeting."""
    book = load_phrases()
    lang = lang or current_language()
    if owner is not None and owner.is_familiar and owner.surname and owner.gender in book.honorifics:
        surname = owner.surname
        if lang == "en":
            surname = name_keys(owner.surname)[1].capitalize() or owner.surname
        honorific = _pick(book.honorifics[owner.gender], lang)
        return _pick(book.greetings["familiar"], lang).format(surname=surname, honorific=honorific)
    return _pick(book.greetings.get(guest_type) or book.greetings["owner"], lang)


def etiquette_cue(guest_type: str, *, lang: str | None = None) -> str:
    """The bow and posture for this guest type (seed §三, §四 1)."""
    return load_phrases().cue(guest_type, lang)


# --- what the screen shows ---------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """An encounter as the desk shows it: waiting in the line, or being served."""

    id: int
    version: int
    state: str
    guest_type: str
    owner_id: int | None
    owner_name: str
    label: str
    seat: str
    staff_id: int | None
    direct: bool
    category: str
    arrived_at: datetime
    started_at: datetime | None
    wait_seconds: int
    handoff_count: int
    apologised: bool
    words: str = ""  # the greeting to say to this party (a familiar owner by surname)
    staff_name: str = ""  # who served it (set for leftovers, whose person may be off today's roster)
    day: date | None = None  # the desk day it belongs to

    def waited(self, now: datetime) -> int:
        """Seconds waited: until served, or until ``now`` while still waiting."""
        if self.started_at is not None:
            return self.wait_seconds
        return seconds_between(self.arrived_at, now)

    def serving_for(self, now: datetime) -> int:
        return seconds_between(self.started_at, now)

    @property
    def who(self) -> str:
        """The party's name (:func:`party_name`)."""
        return party_name(self.owner_name, self.label, self.guest_type)


def party_name(owner_name: str | None, label: str | None, guest_type: str) -> str:
    """How the desk names a party, in every place (F2, the greeting, messages, the report):
    the owner's name when known, else the label typed at arrival, else the guest type (業主, 訪客…)."""
    return owner_name or label or t(f"queue.guest.{guest_type}")


def _who(enc: Encounter, owner: Owner | None) -> str:
    return party_name(owner.name if owner is not None else "", enc.party_label, enc.guest_type)


@dataclass(frozen=True)
class SeatView:
    code: str
    staff_id: int | None
    staff_name: str
    duties: tuple[str, ...]
    state: SeatState
    own_state: str  # free / busy / away (the person's own, serving aside)
    since: datetime | None
    note: str
    party: Party | None

    @property
    def staffed(self) -> bool:
        return self.staff_id is not None


@dataclass(frozen=True)
class SeatFigures:
    """One seat's encounters over a day or a shift (see :func:`encounter_figures` for the rules)."""

    seat: str
    staff: str = ""  # who served there (、 between names), else who sits there on the roster
    served: int = 0  # parties finished or being served at this seat, hand-offs received included
    greeted: int = 0  # parties this seat stood for first (before any hand-off)
    avg_wait: float | None = None
    max_wait: int | None = None
    avg_duration: float | None = None  # closed encounters only
    max_duration: int | None = None
    handoffs: int = 0  # parties this seat handed to a colleague


@dataclass(frozen=True)
class Figures:
    """The desk's figures for a day (F2) or a shift (the handover report), from :func:`encounter_figures`."""

    served: int
    per_seat: Mapping[str, int]
    waiting: int
    left: int
    avg_wait: float | None
    avg_service: float | None
    handoffs: int
    arrived: int = 0
    max_wait: int | None = None
    max_service: int | None = None
    open: int = 0  # still waiting or being served
    seats: tuple[SeatFigures, ...] = ()


@dataclass(frozen=True)
class Desk:
    """Everything the desk screen draws, read in one go."""

    desk: str
    day: date
    version: int
    pointer: str | None
    next_seat: str | None
    seats: Mapping[str, SeatView]  # standing order
    waiting: tuple[Party, ...]  # arrival order
    offer: tuple[Party, str] | None  # the longest-waiting party someone can take now, and the seat
    figures: Figures
    latest: Party | None  # the party most recently greeted (for the greeting panel after a restart)
    leftovers: tuple[Party, ...] = ()  # open or waiting from an earlier day (a crash, or forgotten), oldest first

    def states(self) -> dict[str, SeatState]:
        return {code: seat.state for code, seat in self.seats.items()}

    def seat_of_staff(self, staff_id: int | None) -> str | None:
        for code, seat in self.seats.items():
            if seat.staff_id == staff_id and staff_id is not None:
                return code
        return None


@dataclass(frozen=True)
class Greeting:
    """What the greeting panel says after an action.

    ``kind``: ``stand`` (a seat greets), ``wait`` (the party joins the line: nod,
    請稍等), ``handoff`` (the colleague stands and greets).
    """

    kind: str
    party_id: int
    guest_type: str
    seat: str | None
    staff_name: str
    who: str
    words: str
    cue: str
    apology: bool = False
    position: int = 0  # place in the line when waiting
    direct: bool = False

    @property
    def apology_words(self) -> str:
        return load_phrases().phrase("apology") if self.apology else ""

    @property
    def wait_words(self) -> str:
        return load_phrases().phrase("please_wait")


@dataclass(frozen=True)
class Result:
    """What an action did: a message for the status line, the greeting to show, a party to offer."""

    message: str
    greeting: Greeting | None = None
    offer: tuple[Party, str] | None = None  # a freed seat and the longest-waiting party it may take


# --- loading the desk --------------------------------------------------------------


def _seat_name(code: str) -> str:
    return seat_label(code)


def _roster(session: Session, day: date) -> dict[str, Staff]:
    return roster_for(session, day)


def _duties(staff: Staff) -> tuple[str, ...]:
    return tuple(d for d in (staff.duties or "").replace(",", " ").split() if d)


def _party(enc: Encounter, owners: Mapping[int, Owner], staff_names: Mapping[int, str] | None = None) -> Party:
    owner = owners.get(enc.owner_id) if enc.owner_id is not None else None
    return Party(
        id=enc.id,
        version=enc.version,
        state=enc.state,
        guest_type=enc.guest_type,
        owner_id=enc.owner_id,
        owner_name=owner.name if owner is not None else "",
        label=enc.party_label,
        seat=enc.seat,
        staff_id=enc.staff_id,
        direct=enc.direct,
        category=enc.category,
        arrived_at=enc.arrived_at,
        started_at=enc.started_at,
        wait_seconds=enc.wait_seconds,
        handoff_count=enc.handoff_count,
        apologised=enc.apologised,
        words=greeting_words(enc.guest_type, owner),
        staff_name=(staff_names or {}).get(enc.staff_id, "") if enc.staff_id is not None else "",
        day=enc.day,
    )


def _staff_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {s.id: s.name for s in session.exec(select(Staff).where(col(Staff.id).in_(wanted))).all()}


def _owners(session: Session, ids: Iterable[int | None]) -> dict[int, Owner]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {o.id: o for o in session.exec(select(Owner).where(col(Owner.id).in_(wanted))).all()}


@dataclass
class _State:
    """The desk as the actions see it (ORM rows, not the frozen views)."""

    desk_row: DeskState | None
    roster: dict[str, Staff]
    statuses: dict[int, StaffStatus]
    open: list[Encounter]  # today's waiting and open, arrival order
    day: date
    leftovers: list[Encounter] = field(default_factory=list)  # waiting or open from another day

    @property
    def pointer(self) -> str | None:
        return (self.desk_row.last_seat or None) if self.desk_row is not None else None

    def serving(self, staff_id: int | None) -> Encounter | None:
        for enc in self.open:
            if enc.state == OPEN and enc.staff_id == staff_id and staff_id is not None:
                return enc
        return None

    def own_state(self, staff_id: int) -> str:
        status = self.statuses.get(staff_id)
        if status is None or local_day(status.since) != self.day:
            return StaffState.FREE  # yesterday's 'away' does not carry into a new day
        return status.state

    def seat_state(self, code: str) -> SeatState:
        staff = self.roster.get(code)
        if staff is None:
            return SeatState.EMPTY
        if self.serving(staff.id) is not None:
            return SeatState.SERVING
        return SeatState(self.own_state(staff.id))

    def states(self) -> dict[str, SeatState]:
        return {code: self.seat_state(code) for code in SEAT_CODES}

    def waiting(self) -> list[Encounter]:
        return [e for e in self.open if e.state == WAITING]

    def line(self) -> list[rotation.Waiting]:
        return [rotation.Waiting(e.id, e.seat or None) for e in self.waiting()]


def _read(session: Session, desk: str, day: date) -> _State:
    desk_row = session.exec(
        select(DeskState).where(DeskState.desk == desk, DeskState.day == day).execution_options(populate_existing=True)
    ).first()
    roster = _roster(session, day)
    ids = [s.id for s in roster.values()]
    statuses = {}
    if ids:
        statuses = {
            s.staff_id: s
            for s in session.exec(
                select(StaffStatus).where(col(StaffStatus.staff_id).in_(ids)).execution_options(populate_existing=True)
            ).all()
        }
    open_rows = session.exec(
        select(Encounter)
        .where(Encounter.desk == desk, col(Encounter.state).in_((WAITING, OPEN)))
        .order_by(Encounter.arrived_at, Encounter.id)
        .execution_options(populate_existing=True)
    ).all()
    # An encounter left open on an earlier day (a crash, or forgotten) must not hold today's seats or
    # line: it is kept apart, shown as a leftover and closed with close_leftover().
    today = [e for e in open_rows if e.day == day]
    leftovers = [e for e in open_rows if e.day != day]
    return _State(desk_row, roster, statuses, today, day, leftovers)


def figures(session: Session, day: date, desk: str = DESK, *, roster: Mapping[str, Staff] | None = None) -> Figures:
    """The desk's figures for ``day`` (F2): :func:`encounter_figures` over the desk day's encounters."""
    return encounter_figures(session, desk=desk, day=day, roster=roster)


# What the figures read (F2); the report's own tables need the party's columns too.
_FIGURE_COLUMNS = (
    Encounter.id, Encounter.state, Encounter.seat, Encounter.staff_id, Encounter.outcome, Encounter.wait_seconds,
    Encounter.started_at, Encounter.ended_at,
)
_REPORT_COLUMNS = _FIGURE_COLUMNS + (
    Encounter.day, Encounter.guest_type, Encounter.owner_id, Encounter.party_label, Encounter.arrived_at,
)


def _encounter_filter(desk: str | None, day: date | None, start: datetime | None, end: datetime | None) -> list:
    where = []
    if desk is not None:
        where.append(Encounter.desk == desk)
    if day is not None:
        where.append(Encounter.day == day)
    if start is not None:
        where.append(Encounter.arrived_at >= start)
    if end is not None:
        where.append(Encounter.arrived_at < end)
    return where


def _encounter_rows(session: Session, where: list, columns=_FIGURE_COLUMNS) -> list:
    return list(session.exec(select(*columns).where(*where).order_by(Encounter.arrived_at, Encounter.id)).all())


def _handoff_rows(session: Session, where: list) -> list:
    """The hand-offs of the chosen encounters (whenever they happened), in order: the one source of hand-offs."""
    return list(session.exec(
        select(Handoff.encounter_id, Handoff.from_seat, Handoff.from_staff_id, Handoff.to_seat, Handoff.to_staff_id,
               Handoff.category, Handoff.reason, Handoff.at)
        .join(Encounter, Encounter.id == Handoff.encounter_id).where(*where)
        .order_by(Handoff.at, Handoff.id)
    ).all())


def encounter_figures(
    session: Session,
    *,
    desk: str | None = DESK,
    day: date | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    roster: Mapping[str, Staff] | None = None,
) -> Figures:
    """Served per seat, waits, durations, hand-offs, left and waiting: the one place these are counted.

    The encounters are a desk day's (``day``, F2) or those that arrived in
    ``[start, end)`` (a shift, the handover report); ``desk`` None is every desk.

    Rules (seed §四):
    - A party is *served* when someone stood for it (open or closed) and it did not
      leave unserved; ``waiting`` are still in the line, ``left`` went away unserved.
    - After a hand-off the encounter counts for the person who took it over and
      finished it (or is serving it now): whoever the owner ends up with is
      responsible for receiving them (「由誰來負責接待」, §四 3–4). The person who
      stood and greeted first keeps the hand-off (``handoffs`` of their seat) and
      is named as the greeter next to the one who finished it in the report's
      hand-off table; ``greeted`` counts the parties each seat stood for first.
    - Hand-offs come from the hand-off log only (``Handoff``), each counted for the
      seat that handed the party on. A wait is the time in the line before someone
      stood; a duration is from standing to finishing, closed encounters only.
    Reads one day's or one shift's rows, so it costs the same on a ten-year database.
    """
    where = _encounter_filter(desk, day, start, end)
    rows = _encounter_rows(session, where)
    handoffs = _handoff_rows(session, where) if rows else []
    if roster is None:
        roster = roster_for(session, day if day is not None else clock.local_day(start)) if day or start else {}
    names = {staff.id: staff.name for staff in roster.values()}
    names |= _staff_names(session, [r.staff_id for r in rows if r.staff_id not in names])
    return _figures(rows, handoffs, names, roster)


def _figures(rows: list, handoffs: list, names: Mapping[int, str], roster: Mapping[str, Staff]) -> Figures:
    """The figures of :func:`encounter_figures` from its rows (encounters and their hand-offs, in order), in one pass."""
    greeted_at: dict[int, str] = {}  # encounter → the seat that stood for it first
    handed: dict[str, int] = {}
    for h in handoffs:
        greeted_at.setdefault(h.encounter_id, h.from_seat)
        handed[h.from_seat] = handed.get(h.from_seat, 0) + 1
    waits: dict[str, list[int]] = {code: [] for code in SEAT_CODES}
    durations: dict[str, list[int]] = {code: [] for code in SEAT_CODES}
    greeted: dict[str, int] = {}
    staff: dict[str, list[str]] = {code: [] for code in SEAT_CODES}
    all_waits: list[int] = []
    all_durations: list[int] = []
    waiting = left = still_open = 0
    for r in rows:
        if r.state != CLOSED:
            still_open += 1
        if r.state == WAITING:
            waiting += 1
            continue
        if r.outcome == Outcome.LEFT:
            left += 1
            continue
        wait = r.wait_seconds or 0
        duration = (seconds_between(r.started_at, r.ended_at)
                    if r.state == CLOSED and r.started_at is not None and r.ended_at is not None else None)
        all_waits.append(wait)
        if duration is not None:
            all_durations.append(duration)
        first = greeted_at.get(r.id, r.seat)
        greeted[first] = greeted.get(first, 0) + 1
        if r.seat in waits:
            waits[r.seat].append(wait)
            if duration is not None:
                durations[r.seat].append(duration)
            name = names.get(r.staff_id, "") if r.staff_id is not None else ""
            if name and name not in staff[r.seat]:
                staff[r.seat].append(name)
    seats = tuple(
        SeatFigures(
            seat=code,
            staff="、".join(staff[code] or ([roster[code].name] if code in roster else [])),
            served=len(waits[code]),
            greeted=greeted.get(code, 0),
            avg_wait=_mean(waits[code]), max_wait=max(waits[code], default=None),
            avg_duration=_mean(durations[code]), max_duration=max(durations[code], default=None),
            handoffs=handed.get(code, 0),
        )
        for code in SEAT_CODES
    )
    return Figures(
        served=len(all_waits),
        per_seat={f.seat: f.served for f in seats},
        waiting=waiting,
        left=left,
        avg_wait=_mean(all_waits),
        avg_service=_mean(all_durations),
        handoffs=len(handoffs),
        arrived=len(rows),
        max_wait=max(all_waits, default=None),
        max_service=max(all_durations, default=None),
        open=still_open,
        seats=seats,
    )


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def snapshot(session: Session, *, desk: str = DESK, now: datetime | None = None) -> Desk:
    """The whole desk for the screen: seats, who stands next, the line, today's figures."""
    now = _now(now)
    day = local_day(now)
    st = _read(session, desk, day)
    owners = _owners(session, (e.owner_id for e in st.open))
    parties = {e.id: _party(e, owners) for e in st.open}
    states = st.states()
    seats: dict[str, SeatView] = {}
    for code in SEAT_CODES:
        staff = st.roster.get(code)
        if staff is None:
            seats[code] = SeatView(code, None, "", (), SeatState.EMPTY, StaffState.FREE, None, "", None)
            continue
        enc = st.serving(staff.id)
        status = st.statuses.get(staff.id)
        own = st.own_state(staff.id)
        seats[code] = SeatView(
            code=code,
            staff_id=staff.id,
            staff_name=staff.name,
            duties=_duties(staff),
            state=states[code],
            own_state=own,
            since=status.since if status is not None and own != StaffState.FREE else None,
            note=status.note if status is not None and own != StaffState.FREE else "",
            party=parties[enc.id] if enc is not None else None,
        )
    waiting = tuple(parties[e.id] for e in st.waiting())
    offered = rotation.offer(st.pointer, states, st.line())
    offer = (parties[offered[0].key], offered[1]) if offered is not None else None
    serving = [p for p in parties.values() if p.state == OPEN and p.started_at is not None]
    latest = max(serving, key=lambda p: (p.started_at, p.id)) if serving else None
    left_owners = _owners(session, (e.owner_id for e in st.leftovers))
    left_staff = _staff_names(session, (e.staff_id for e in st.leftovers))
    leftovers = tuple(_party(e, left_owners, left_staff) for e in st.leftovers)
    return Desk(
        desk=desk,
        day=day,
        version=st.desk_row.version if st.desk_row is not None else 0,
        pointer=st.pointer,
        next_seat=rotation.next_seat(st.pointer, states),
        seats=seats,
        waiting=waiting,
        offer=offer,
        figures=figures(session, day, desk, roster=st.roster),
        latest=latest,
        leftovers=leftovers,
    )


# --- the version check ----------------------------------------------------------


def _begin(session: Session, desk: str, day: date, expected_version: int | None, now: datetime) -> int:
    """Claim the desk for one action: bump its version if it is still ``expected_version``.

    The conditional UPDATE is the action's first write, so a second desk acting
    on the same version is refused (ConflictError) rather than both deciding
    from the same state. Returns the new version.
    """
    if expected_version is None:
        row = session.exec(select(DeskState.version).where(DeskState.desk == desk, DeskState.day == day)).first()
        expected_version = row or 0
    if expected_version == 0:
        session.add(DeskState(desk=desk, day=day, last_seat="", updated_at=now, version=1))
        try:
            session.flush()
        except IntegrityError as exc:  # another desk opened the day first
            raise ConflictError(t("queue.err_conflict")) from exc
        return 1
    result = session.execute(
        update(DeskState)
        .where(DeskState.desk == desk, DeskState.day == day, DeskState.version == expected_version)
        .values(version=expected_version + 1, updated_at=now)
    )
    if result.rowcount != 1:
        raise ConflictError(t("queue.err_conflict"))
    return expected_version + 1


def _move_pointer(session: Session, desk: str, day: date, seat: str) -> None:
    session.execute(update(DeskState).where(DeskState.desk == desk, DeskState.day == day).values(last_seat=seat))


def _move(session: Session, enc: Encounter, action: str, now: datetime, *, why: str = "", **values) -> None:
    """One move of an encounter (:data:`ENCOUNTERS`), only if no one changed it since it was read.

    ``values`` are the encounter's columns to set; ``why`` is the history row's note.
    """
    states.move(session, ENCOUNTERS, enc, action, expected_version=enc.version, values=values, note=why, now=now)


def _create(session: Session, enc: Encounter, action: str, now: datetime) -> None:
    states.create(session, ENCOUNTERS, enc, action=action, now=now)


def _set_own_state(session: Session, staff_id: int, state: str, note: str, now: datetime) -> None:
    """A person's own state (free, busy, away): an audited edit, conditional on the version read."""
    status = session.get(StaffStatus, staff_id, populate_existing=True)
    if status is None:
        session.add(StaffStatus(staff_id=staff_id, state=state, note=note, since=now, version=1))
        try:
            session.flush()
        except IntegrityError as exc:  # another desk set it first
            raise ConflictError(t("queue.err_conflict")) from exc
        return
    versioned_update(session, StaffStatus, staff_id, status.version, {"state": state, "note": note, "since": now},
                     action="set_state", now=now, conflict_message=t("queue.err_conflict"))


# --- checks ------------------------------------------------------------------------


def _check_seat(seat: str) -> None:
    if seat not in SEAT_CODES:
        raise ValidationError({"seat": t("queue.err_unknown_seat", seat=seat)})


def _staff_at(st: _State, seat: str) -> Staff:
    _check_seat(seat)
    staff = st.roster.get(seat)
    if staff is None:
        raise ValidationError({"seat": t("queue.err_empty_seat", seat=_seat_name(seat))})
    return staff


def _check_guest(guest_type: str) -> None:
    if guest_type not in GUEST_TYPES:
        raise ValidationError({"guest_type": t("queue.err_guest_type", value=guest_type)})


def _check_owner(session: Session, owner_id: int | None) -> Owner | None:
    if owner_id is None:
        return None
    owner = session.get(Owner, owner_id)
    if owner is None:
        raise NotFoundError(t("queue.err_no_owner"))
    return owner


def _category_codes() -> list[str]:
    return [c.code for c in load_categories()]


def _check_category(category: str) -> None:
    if category not in _category_codes():
        raise ValidationError({"category": t("queue.err_category", value=category or "—")})


def _clip(text: str, limit: int) -> str:
    return (text or "").strip()[:limit]


def _typed(text: str, limit: int, field: str, label_key: str) -> str:
    """What the desk typed, checked before anything is written: too long, control characters or a
    broken character are refused with a message for ``field`` (never cut, never stored)."""
    try:
        return clean_input(text, field=t(label_key), limit=limit)
    except TextRefused as exc:
        raise ValidationError({field: str(exc)}) from None


def _greeting(kind: str, enc: Encounter, owner: Owner | None, staff: Staff | None, *, position: int = 0) -> Greeting:
    who = _who(enc, owner)
    return Greeting(
        kind=kind,
        party_id=enc.id,
        guest_type=enc.guest_type,
        seat=enc.seat or None,
        staff_name=staff.name if staff is not None else "",
        who=who,
        words=greeting_words(enc.guest_type, owner),
        cue=etiquette_cue(enc.guest_type),
        apology=enc.apologised,
        position=position,
        direct=enc.direct,
    )


# --- actions -----------------------------------------------------------------------


def arrive(
    session: Session,
    *,
    guest_type: str = GuestType.OWNER,
    owner_id: int | None = None,
    label: str = "",
    desk: str = DESK,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """A party arrives: the next eligible seat in the rotation stands, or the party waits.

    The pointer moves to the seat that stood. With no eligible seat (or others
    already waiting for anyone) the party joins the line: nod, 請稍等.
    """
    now = _now(now)
    day = local_day(now)
    _check_guest(guest_type)
    label = _typed(label, LABEL_MAX, "label", "text.field.party_label")
    owner = _check_owner(session, owner_id)
    _begin(session, desk, day, expected_version, now)
    st = _read(session, desk, day)
    decision = rotation.decide_arrival(st.pointer, st.states(), st.line())
    enc = Encounter(desk=desk, day=day, guest_type=guest_type, owner_id=owner_id,
                    party_label=label, arrived_at=now)
    if decision.waits:
        enc.state = WAITING
        _create(session, enc, "arrive", now)
        position = len(st.waiting()) + 1
        greeting = _greeting("wait", enc, owner, None, position=position)
        return Result(t("queue.msg_waits", who=greeting.who, position=position), greeting)
    seat = decision.seat
    staff = st.roster[seat]
    enc.state, enc.seat, enc.staff_id, enc.started_at = OPEN, seat, staff.id, now
    _create(session, enc, "arrive", now)
    _move_pointer(session, desk, day, rotation.move_pointer(st.pointer, seat) or "")
    greeting = _greeting("stand", enc, owner, staff)
    return Result(t("queue.msg_stands", seat=_seat_name(seat), name=staff.name, who=greeting.who), greeting)


def direct(
    session: Session,
    seat: str,
    *,
    guest_type: str = GuestType.OWNER,
    owner_id: int | None = None,
    label: str = "",
    desk: str = DESK,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """The party walked straight to the person at ``seat`` (seed §四 3): they serve, whatever their state.

    The rotation does not move. Someone already serving asks the newcomer to
    wait (§四 9): the party waits for that person in particular. An away
    person who is approached is evidently back: their state becomes free.
    """
    now = _now(now)
    day = local_day(now)
    _check_guest(guest_type)
    _check_seat(seat)
    label = _typed(label, LABEL_MAX, "label", "text.field.party_label")
    owner = _check_owner(session, owner_id)
    _begin(session, desk, day, expected_version, now)
    st = _read(session, desk, day)
    staff = _staff_at(st, seat)
    decision = rotation.decide_direct(seat, st.states())
    enc = Encounter(desk=desk, day=day, guest_type=guest_type, owner_id=owner_id, direct=True,
                    party_label=label, arrived_at=now, seat=seat, staff_id=staff.id)
    if decision.waits:
        enc.state = WAITING
        _create(session, enc, "direct", now)
        position = len(st.waiting()) + 1
        greeting = _greeting("wait", enc, owner, staff, position=position)
        return Result(t("queue.msg_waits_for", who=greeting.who, name=staff.name), greeting)
    if st.own_state(staff.id) == StaffState.AWAY:
        _set_own_state(session, staff.id, StaffState.FREE, "", now)
    enc.state, enc.started_at = OPEN, now
    _create(session, enc, "direct", now)
    greeting = _greeting("stand", enc, owner, staff)
    return Result(t("queue.msg_direct", seat=_seat_name(seat), name=staff.name, who=greeting.who), greeting)


def propose_handoff(desk: Desk, seat: str, category: str) -> str | None:
    """The colleague whose duties cover ``category`` (seed §四 4): free first, then with a task in hand.

    Seats are tried in the rotation order after the pointer; ``None`` when no
    one else on duty covers it (the receptionist chooses).
    """
    candidates = [c for c in rotation.seats_after(desk.pointer) if c != seat]
    for wanted in (SeatState.FREE, SeatState.BUSY):
        for code in candidates:
            view = desk.seats[code]
            if view.state is wanted and category in view.duties:
                return code
    return None


def handoff(
    session: Session,
    seat: str,
    to_seat: str,
    *,
    category: str,
    reason: str = "",
    desk: str = DESK,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """Pass the party served at ``seat`` to the colleague at ``to_seat`` (seed §四 4).

    The colleague serves (whatever task they had in hand); the first person is
    free again; the hand-off and its reason are logged. The rotation does not
    move. Refused: an empty seat, no party at ``seat``, oneself, someone away or
    already serving. With no ``reason`` the reason is 「不在本人分工範圍:<category>」, which
    is true only of a category outside the person's duties: for one inside them an
    empty reason is refused (a message for the ``reason`` field).
    """
    now = _now(now)
    day = local_day(now)
    _check_seat(seat)
    _check_seat(to_seat)
    _check_category(category)
    reason = _typed(reason, REASON_MAX, "reason", "text.field.handoff_reason")
    _begin(session, desk, day, expected_version, now)
    st = _read(session, desk, day)
    staff = _staff_at(st, seat)
    enc = st.serving(staff.id)
    if enc is None:
        raise ValidationError({"seat": t("queue.err_not_serving", seat=_seat_name(seat), name=staff.name)})
    if to_seat == seat:
        raise ValidationError({"to_seat": t("queue.err_handoff_self", name=staff.name)})
    target = st.roster.get(to_seat)
    if target is None:
        raise ValidationError({"to_seat": t("queue.err_empty_seat", seat=_seat_name(to_seat))})
    state = st.seat_state(to_seat)
    if state is SeatState.AWAY:
        raise ValidationError({"to_seat": t("queue.err_handoff_away", name=target.name)})
    if state is SeatState.SERVING:
        raise ValidationError({"to_seat": t("queue.err_handoff_serving", name=target.name)})
    if not reason:
        # 「不在本人分工範圍」 only when it is true; handing off a need one covers oneself needs a reason.
        if category in _duties(staff):
            raise ValidationError({"reason": t("queue.err_handoff_reason", category=_category_name(category))})
        reason = t("queue.handoff_default_reason", category=_category_name(category))
    session.add(Handoff(encounter_id=enc.id, from_staff_id=staff.id, to_staff_id=target.id, from_seat=seat,
                        to_seat=to_seat, category=category, reason=reason, at=now))
    _move(session, enc, "handoff", now, why=reason, staff_id=target.id, seat=to_seat, category=category,
          handoff_count=enc.handoff_count + 1)
    session.flush()
    owner = _owners(session, [enc.owner_id]).get(enc.owner_id) if enc.owner_id else None
    greeting = _greeting("handoff", enc, owner, target)
    return Result(
        t("queue.msg_handoff", who=greeting.who, from_name=staff.name, to_seat=_seat_name(to_seat), to_name=target.name),
        greeting,
        offer=_offer_for(session, st, seat),
    )


def _category_name(code: str) -> str:
    return category_names().get(code, code)


def _offer_for(session: Session, st: _State, seat: str) -> tuple[Party, str] | None:
    """The longest-waiting party ``seat`` may take now that it is free."""
    staff = st.roster.get(seat)
    if staff is None:
        return None
    state = st.seat_state(seat)
    party = rotation.offer_for_seat(seat, state, st.line())
    if party is None:
        return None
    enc = next(e for e in st.open if e.id == party.key)
    return _party(enc, _owners(session, [enc.owner_id])), seat


def finish(
    session: Session,
    seat: str | None = None,
    *,
    encounter_id: int | None = None,
    category: str,
    outcome: str,
    note: str = "",
    desk: str = DESK,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """Close the encounter served at ``seat`` (or ``encounter_id``) with its category and outcome.

    The person is free again (or back to the task they had in hand); if
    someone in the line may be taken by that seat, the result offers them.
    """
    now = _now(now)
    day = local_day(now)
    if seat is not None:
        _check_seat(seat)
    _check_category(category)
    if outcome not in FINISH_OUTCOMES:
        raise ValidationError({"outcome": t("queue.err_outcome", value=outcome or "—")})
    note = _typed(note, NOTE_MAX, "note", "text.field.finish_note")
    _begin(session, desk, day, expected_version, now)
    st = _read(session, desk, day)
    if encounter_id is not None:
        enc = next((e for e in st.open if e.id == encounter_id and e.state == OPEN), None)
        if enc is None:
            raise ValidationError({"encounter": t("queue.err_encounter_not_open")})
    else:
        staff = _staff_at(st, seat or "")
        enc = st.serving(staff.id)
        if enc is None:
            raise ValidationError({"seat": t("queue.err_not_serving", seat=_seat_name(seat), name=staff.name)})
    _move(session, enc, "finish", now, category=category, outcome=outcome, ended_at=now, note=note)
    session.flush()
    st.open = [e for e in st.open if e.id != enc.id]
    freed = enc.seat if enc.seat in st.roster and st.roster[enc.seat].id == enc.staff_id else None
    return Result(
        t("queue.msg_finished", seat=_seat_name(enc.seat), outcome=t(f"queue.outcome.{outcome}")),
        offer=_offer_for(session, st, freed) if freed else None,
    )


def set_state(
    session: Session,
    seat: str,
    state: str,
    *,
    note: str = "",
    desk: str = DESK,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """Mark the person at ``seat`` free, busy (a task in hand, 有工作任務) or away.

    Someone serving cannot be marked away (finish or hand off first). Marking
    someone free offers them the longest-waiting party they may take.
    """
    now = _now(now)
    day = local_day(now)
    _check_seat(seat)
    if state not in STAFF_STATES:
        raise ValidationError({"state": t("queue.err_state", value=state)})
    note = _typed(note, TASK_NOTE_MAX, "note", "text.field.task_note")
    _begin(session, desk, day, expected_version, now)
    st = _read(session, desk, day)
    staff = _staff_at(st, seat)
    if state == StaffState.AWAY and st.serving(staff.id) is not None:
        raise ValidationError({"state": t("queue.err_away_serving", name=staff.name)})
    _set_own_state(session, staff.id, state, note, now)
    session.flush()
    st = _read(session, desk, day)
    return Result(
        t("queue.msg_state", seat=_seat_name(seat), name=staff.name, state=t(f"queue.state.{state}")),
        offer=_offer_for(session, st, seat) if state == StaffState.FREE else None,
    )


def take_waiting(
    session: Session,
    *,
    party_id: int | None = None,
    seat: str | None = None,
    apology_after: int = DEFAULT_APOLOGY_SECONDS,
    desk: str = DESK,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """Someone takes a waiting party: by default the longest waiting, by the seat the rules name.

    With ``seat`` that seat takes the longest-waiting party it may (a freed
    seat's offer); with ``party_id`` that party is taken. A party that waited
    ``apology_after`` seconds or more is greeted with 「對不起,讓您久等了」.
    The pointer moves when a party waiting for anyone is taken.
    """
    now = _now(now)
    day = local_day(now)
    if seat is not None:
        _check_seat(seat)
    _begin(session, desk, day, expected_version, now)
    st = _read(session, desk, day)
    line = st.line()
    if party_id is not None:
        line = [w for w in line if w.key == party_id]
        if not line:
            raise ValidationError({"party": t("queue.err_not_waiting")})
    elif not line:
        raise ValidationError({"party": t("queue.err_line_empty")})
    states = st.states()
    if seat is not None:
        staff = _staff_at(st, seat)
        party = rotation.offer_for_seat(seat, states[seat], line)
        if party is None:
            raise ValidationError({"seat": t("queue.err_cannot_take", seat=_seat_name(seat), name=staff.name)})
        chosen = (party, seat)
    else:
        chosen = rotation.offer(st.pointer, states, line)
        if chosen is None:
            raise ValidationError({"seat": t("queue.err_no_one_free")})
    party, seat = chosen
    staff = st.roster[seat]
    enc = next(e for e in st.open if e.id == party.key)
    waited = seconds_between(enc.arrived_at, now)
    _move(session, enc, "take", now, seat=seat, staff_id=staff.id, started_at=now, wait_seconds=waited,
          apologised=waited >= apology_after)
    if party.seat is None:
        _move_pointer(session, desk, day, rotation.move_pointer(st.pointer, seat) or "")
    elif st.own_state(staff.id) == StaffState.AWAY:
        _set_own_state(session, staff.id, StaffState.FREE, "", now)
    session.flush()
    owner = _owners(session, [enc.owner_id]).get(enc.owner_id) if enc.owner_id else None
    greeting = _greeting("stand", enc, owner, staff)
    return Result(t("queue.msg_stands", seat=_seat_name(seat), name=staff.name, who=greeting.who), greeting)


def cancel_waiting(
    session: Session,
    party_id: int,
    *,
    desk: str = DESK,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """A waiting party went away unserved: closed with the outcome ``left``."""
    now = _now(now)
    day = local_day(now)
    _begin(session, desk, day, expected_version, now)
    st = _read(session, desk, day)
    enc = next((e for e in st.waiting() if e.id == party_id), None)
    if enc is None:
        raise ValidationError({"party": t("queue.err_not_waiting")})
    _move(session, enc, "leave", now, outcome=Outcome.LEFT, ended_at=now,
          wait_seconds=seconds_between(enc.arrived_at, now))
    session.flush()
    owner = _owners(session, [enc.owner_id]).get(enc.owner_id) if enc.owner_id else None
    return Result(t("queue.msg_left", who=_who(enc, owner)))


def close_leftover(
    session: Session,
    encounter_id: int,
    *,
    outcome: str,
    category: str = "",
    desk: str = DESK,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """Close an encounter left open (or waiting) from an earlier day: finished with a category and outcome,
    or ``outcome="left"`` for a party that went away.

    Its end time is unknown, so ``ended_at`` stays empty (the day's service times are not stretched
    over the night) and the note says when it was closed. Today's seats, rotation and line are untouched.
    """
    now = _now(now)
    day = local_day(now)
    if outcome != Outcome.LEFT:
        _check_category(category)
        if outcome not in FINISH_OUTCOMES:
            raise ValidationError({"outcome": t("queue.err_outcome", value=outcome or "—")})
    elif category:
        _check_category(category)
    _begin(session, desk, day, expected_version, now)
    st = _read(session, desk, day)
    enc = next((e for e in st.leftovers if e.id == encounter_id), None)
    if enc is None:
        raise ValidationError({"encounter": t("queue.err_encounter_not_open")})
    closed_at = now.astimezone().strftime("%Y-%m-%d %H:%M")
    note = _clip(t("queue.note_closed_late", at=closed_at), NOTE_MAX)
    _move(session, enc, "close_late", now, category=category or enc.category, outcome=outcome, ended_at=None,
          note=note)
    session.flush()
    owner = _owners(session, [enc.owner_id]).get(enc.owner_id) if enc.owner_id else None
    return Result(t("queue.msg_leftover_closed", who=_who(enc, owner), day=enc.day.strftime("%m-%d"),
                    outcome=t(f"queue.outcome.{outcome}")))


def set_owner(
    session: Session,
    encounter_id: int,
    owner_id: int | None,
    *,
    desk: str = DESK,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> Result:
    """Attach (or change, or clear) the owner of today's open or waiting encounter.

    The receptionist learns who it is during the conversation. A party greeted as a visitor who
    turns out to be an owner becomes an owner; a VIP, inspection or superior keeps its type.
    """
    now = _now(now)
    day = local_day(now)
    owner = _check_owner(session, owner_id)
    _begin(session, desk, day, expected_version, now)
    st = _read(session, desk, day)
    enc = next((e for e in st.open if e.id == encounter_id), None)
    if enc is None:
        raise ValidationError({"encounter": t("queue.err_encounter_not_open")})
    values: dict[str, object] = {"owner_id": owner_id}
    if owner is not None and enc.guest_type == GuestType.VISITOR:
        values["guest_type"] = GuestType.OWNER
    _move(session, enc, "set_owner", now, **values)
    session.flush()
    staff = next((s for s in st.roster.values() if s.id == enc.staff_id), None) if enc.staff_id else None
    greeting = _greeting("handoff" if enc.handoff_count else "stand", enc, owner, staff)
    if owner is None:
        return Result(t("queue.msg_owner_cleared", seat=_seat_name(enc.seat) if enc.seat else "—"), greeting)
    return Result(t("queue.msg_owner_set", seat=_seat_name(enc.seat) if enc.seat else "—", who=owner.name), greeting)


def covering(desk: Desk, seat: str, category: str) -> list[str]:
    """The other seats on duty today whose person covers ``category``, whatever their state (rotation order)."""
    return [c for c in rotation.seats_after(desk.pointer)
            if c != seat and desk.seats[c].staffed and category in desk.seats[c].duties]


# --- the handover report's encounter sections ----------------------------------------------


@report.section("encounters", order=report.SECTION_ORDER["encounters"])
def report_part(session: Session, window: report.Window) -> report.Contribution:
    """The shift's encounters for the handover report: per seat (:func:`encounter_figures`), the hand-offs
    with who greeted and who finished, what is still open, and the flags (long waits, left, open)."""
    where = _encounter_filter(window.desk, None, window.start, window.end)
    rows = _encounter_rows(session, where, _REPORT_COLUMNS)
    handoffs = _handoff_rows(session, where) if rows else []
    names = _staff_names(session, [r.staff_id for r in rows] + [h.from_staff_id for h in handoffs])
    fig = _figures(rows, handoffs, names, roster_for(session, window.day))
    owners = _owners(session, (r.owner_id for r in rows))
    by_id = {r.id: r for r in rows}

    def who(row) -> str:
        owner = owners.get(row.owner_id) if row.owner_id is not None else None
        return party_name(owner.name if owner is not None else "", row.party_label, row.guest_type)

    def seat_and_name(seat: str, staff_id: int | None) -> str:
        name = names.get(staff_id, "") if staff_id is not None else ""
        return f"{seat_label(seat) if seat else '—'} {name}".strip()

    seat_rows = [[seat_label(s.seat), s.staff, str(s.served), format_duration(s.avg_wait),
                  format_duration(s.max_wait), format_duration(s.avg_duration), format_duration(s.max_duration),
                  str(s.handoffs)] for s in fig.seats]
    seat_rows.append([t("reports.total"), "", str(fig.served), format_duration(fig.avg_wait),
                      format_duration(fig.max_wait), format_duration(fig.avg_service),
                      format_duration(fig.max_service), str(fig.handoffs)])
    encounters = report.Section(
        "encounters", t("reports.section_encounters"),
        [t("reports.col_seat"), t("reports.col_staff"), t("reports.col_served"), t("reports.col_avg_wait"),
         t("reports.col_max_wait"), t("reports.col_avg_duration"), t("reports.col_max_duration"),
         t("reports.col_handoffs")],
        seat_rows,
        note=tn("reports.encounters_note", fig.arrived, waiting=fig.waiting, left=fig.left),
    )

    first: dict[int, Any] = {}
    for h in handoffs:
        first.setdefault(h.encounter_id, h)
    handoff_rows = []
    for encounter_id, h in first.items():
        row = by_id[encounter_id]
        finished = (seat_and_name(row.seat, row.staff_id) if row.state == CLOSED
                    else t("reports.handoff_serving", who=seat_and_name(row.seat, row.staff_id)))
        reasons = "; ".join(x.reason for x in handoffs if x.encounter_id == encounter_id and x.reason)
        handoff_rows.append([report.hm(row.arrived_at), who(row), seat_and_name(h.from_seat, h.from_staff_id),
                             finished, str(sum(1 for x in handoffs if x.encounter_id == encounter_id)), reasons])
    handed = report.Section(
        "handoffs", t("reports.section_handoffs"),
        [t("reports.col_arrived"), t("reports.col_party"), t("reports.col_greeted_by"), t("reports.col_finished_by"),
         t("reports.col_handoffs"), t("reports.col_reason")],
        handoff_rows, note=t("reports.handoffs_note"), empty=t("reports.handoffs_none"),
    )

    still_open = [r for r in rows if r.state != CLOSED]
    open_rows = []
    for r in still_open:
        state = t("reports.state_waiting") if r.state == WAITING else t("reports.state_open")
        since = r.arrived_at if r.state == WAITING else (r.started_at or r.arrived_at)
        open_rows.append([report.hm(r.arrived_at), who(r), t(f"queue.guest.{r.guest_type}"), state,
                          seat_label(r.seat) if r.seat else "—", format_duration(seconds_between(since, window.now))])
    unfinished = report.Section(
        "open", t("reports.section_open"),
        [t("reports.col_arrived"), t("reports.col_party"), t("reports.col_guest_type"), t("reports.col_state"),
         t("reports.col_seat"), t("reports.col_for")],
        open_rows, empty=t("reports.open_none"),
    )

    flags: list[report.Flag] = []
    for r in rows:
        if (r.wait_seconds or 0) >= window.long_wait and r.outcome != Outcome.LEFT:
            flags.append(report.Flag("long_wait", t("reports.flag_long_wait", party=who(r), time=report.hm(r.arrived_at),
                                                      wait=format_duration(r.wait_seconds)),
                                     t("reports.flag_kind_long_wait")))
        if r.outcome == Outcome.LEFT:
            flags.append(report.Flag("left", t("reports.flag_left", party=who(r), time=report.hm(r.arrived_at),
                                                 wait=format_duration(r.wait_seconds)), t("reports.flag_kind_left")))
    for r in still_open:
        flags.append(report.Flag("open", t("reports.flag_open", party=who(r), time=report.hm(r.arrived_at),
                                             seat=seat_label(r.seat) if r.seat else "—"), t("reports.flag_kind_open")))
    return report.Contribution(
        sections=[encounters, handed, unfinished],
        flags=flags,
        facts={"seats": list(fig.seats), "waiting": fig.waiting, "left": fig.left, "open_now": fig.open},
    )
