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

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from frontdesk import rotation
from frontdesk.core import clock
from frontdesk.core.config import data_dir
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.core.text import TextRefused, clean_input
from frontdesk.core.i18n import LANGUAGES, current_language, t
from frontdesk.models import (
    GUEST_TYPES,
    OUTCOMES,
    SEAT_CODES,
    STAFF_STATES,
    DeskState,
    Encounter,
    Handoff,
    Owner,
    Staff,
    StaffStatus,
)
from frontdesk.names import name_keys
from frontdesk.roster import category_names, load_categories, roster_for, seat_label
from frontdesk.rotation import SeatState

DESK = "main"
# The outcomes a receptionist picks when finishing; "left" is for a party that went away unserved.
FINISH_OUTCOMES: tuple[str, ...] = tuple(o for o in OUTCOMES if o != "left")
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
    """``3:07`` for minutes and seconds, ``1:02:03`` past an hour, ``—`` for none."""
    if seconds is None:
        return "—"
    seconds = max(0, int(seconds))
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
        """The party's name if known, else the guest type."""
        return self.owner_name or self.label or t(f"queue.guest.{self.guest_type}")


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
class Figures:
    """Today's figures for the desk."""

    served: int
    per_seat: Mapping[str, int]
    waiting: int
    left: int
    avg_wait: float | None
    avg_service: float | None
    handoffs: int


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
            if enc.state == "open" and enc.staff_id == staff_id and staff_id is not None:
                return enc
        return None

    def own_state(self, staff_id: int) -> str:
        status = self.statuses.get(staff_id)
        if status is None or local_day(status.since) != self.day:
            return "free"  # yesterday's 'away' does not carry into a new day
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
        return [e for e in self.open if e.state == "waiting"]

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
        .where(Encounter.desk == desk, col(Encounter.state).in_(("waiting", "open")))
        .order_by(Encounter.arrived_at, Encounter.id)
        .execution_options(populate_existing=True)
    ).all()
    # An encounter left open on an earlier day (a crash, or forgotten) must not hold today's seats or
    # line: it is kept apart, shown as a leftover and closed with close_leftover().
    today = [e for e in open_rows if e.day == day]
    leftovers = [e for e in open_rows if e.day != day]
    return _State(desk_row, roster, statuses, today, day, leftovers)


def figures(session: Session, day: date, desk: str = DESK) -> Figures:
    """Encounters per seat, average wait, average service time and hand-offs for ``day``.

    A party counts for the seat that finished (or is serving) it. Reads one
    day's rows, so it costs the same on a ten-year database.
    """
    rows = session.exec(
        select(
            Encounter.state, Encounter.seat, Encounter.outcome, Encounter.wait_seconds,
            Encounter.started_at, Encounter.ended_at, Encounter.handoff_count,
        ).where(Encounter.desk == desk, Encounter.day == day)
    ).all()
    per_seat = dict.fromkeys(SEAT_CODES, 0)
    waits, services = [], []
    served = waiting = left = handoffs = 0
    for state, seat, outcome, wait, started, ended, hand in rows:
        handoffs += hand or 0
        if state == "waiting":
            waiting += 1
            continue
        if outcome == "left":
            left += 1
            continue
        served += 1
        if seat in per_seat:
            per_seat[seat] += 1
        waits.append(wait or 0)
        if state == "closed" and started is not None and ended is not None:
            services.append(seconds_between(started, ended))
    return Figures(
        served=served,
        per_seat=per_seat,
        waiting=waiting,
        left=left,
        avg_wait=sum(waits) / len(waits) if waits else None,
        avg_service=sum(services) / len(services) if services else None,
        handoffs=handoffs,
    )


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
            seats[code] = SeatView(code, None, "", (), SeatState.EMPTY, "free", None, "", None)
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
            since=status.since if status is not None and own != "free" else None,
            note=status.note if status is not None and own != "free" else "",
            party=parties[enc.id] if enc is not None else None,
        )
    waiting = tuple(parties[e.id] for e in st.waiting())
    offered = rotation.offer(st.pointer, states, st.line())
    offer = (parties[offered[0].key], offered[1]) if offered is not None else None
    serving = [p for p in parties.values() if p.state == "open" and p.started_at is not None]
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
        figures=figures(session, day, desk),
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


def _save_encounter(session: Session, enc: Encounter, **values) -> None:
    """Update an encounter only if no one changed it since it was read."""
    result = session.execute(
        update(Encounter)
        .where(Encounter.id == enc.id, Encounter.version == enc.version)
        .values(version=enc.version + 1, **values)
    )
    if result.rowcount != 1:
        raise ConflictError(t("queue.err_conflict"))
    for key, value in values.items():
        setattr(enc, key, value)
    enc.version += 1


def _set_own_state(session: Session, staff_id: int, state: str, note: str, now: datetime) -> None:
    status = session.get(StaffStatus, staff_id)
    if status is None:
        session.add(StaffStatus(staff_id=staff_id, state=state, note=note, since=now, version=1))
        session.flush()
        return
    result = session.execute(
        update(StaffStatus)
        .where(StaffStatus.staff_id == staff_id, StaffStatus.version == status.version)
        .values(state=state, note=note, since=now, version=status.version + 1)
    )
    if result.rowcount != 1:
        raise ConflictError(t("queue.err_conflict"))


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
    who = owner.name if owner is not None else (enc.party_label or t(f"queue.guest.{enc.guest_type}"))
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
    guest_type: str = "owner",
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
        enc.state = "waiting"
        session.add(enc)
        session.flush()
        position = len(st.waiting()) + 1
        greeting = _greeting("wait", enc, owner, None, position=position)
        return Result(t("queue.msg_waits", who=greeting.who, position=position), greeting)
    seat = decision.seat
    staff = st.roster[seat]
    enc.state, enc.seat, enc.staff_id, enc.started_at = "open", seat, staff.id, now
    session.add(enc)
    session.flush()
    _move_pointer(session, desk, day, rotation.move_pointer(st.pointer, seat) or "")
    greeting = _greeting("stand", enc, owner, staff)
    return Result(t("queue.msg_stands", seat=_seat_name(seat), name=staff.name, who=greeting.who), greeting)


def direct(
    session: Session,
    seat: str,
    *,
    guest_type: str = "owner",
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
        enc.state = "waiting"
        session.add(enc)
        session.flush()
        position = len(st.waiting()) + 1
        greeting = _greeting("wait", enc, owner, staff, position=position)
        return Result(t("queue.msg_waits_for", who=greeting.who, name=staff.name), greeting)
    if st.own_state(staff.id) == "away":
        _set_own_state(session, staff.id, "free", "", now)
    enc.state, enc.started_at = "open", now
    session.add(enc)
    session.flush()
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
    already serving.
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
    reason = reason or t("queue.handoff_default_reason", category=_category_name(category))
    session.add(Handoff(encounter_id=enc.id, from_staff_id=staff.id, to_staff_id=target.id, from_seat=seat,
                        to_seat=to_seat, category=category, reason=reason, at=now))
    _save_encounter(session, enc, staff_id=target.id, seat=to_seat, category=category,
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
        enc = next((e for e in st.open if e.id == encounter_id and e.state == "open"), None)
        if enc is None:
            raise ValidationError({"encounter": t("queue.err_encounter_not_open")})
    else:
        staff = _staff_at(st, seat or "")
        enc = st.serving(staff.id)
        if enc is None:
            raise ValidationError({"seat": t("queue.err_not_serving", seat=_seat_name(seat), name=staff.name)})
    _save_encounter(session, enc, state="closed", category=category, outcome=outcome, ended_at=now,
                    note=note)
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
    if state == "away" and st.serving(staff.id) is not None:
        raise ValidationError({"state": t("queue.err_away_serving", name=staff.name)})
    _set_own_state(session, staff.id, state, note, now)
    session.flush()
    st = _read(session, desk, day)
    return Result(
        t("queue.msg_state", seat=_seat_name(seat), name=staff.name, state=t(f"queue.state.{state}")),
        offer=_offer_for(session, st, seat) if state == "free" else None,
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
    _save_encounter(session, enc, state="open", seat=seat, staff_id=staff.id, started_at=now,
                    wait_seconds=waited, apologised=waited >= apology_after)
    if party.seat is None:
        _move_pointer(session, desk, day, rotation.move_pointer(st.pointer, seat) or "")
    elif st.own_state(staff.id) == "away":
        _set_own_state(session, staff.id, "free", "", now)
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
    _save_encounter(session, enc, state="closed", outcome="left", ended_at=now,
                    wait_seconds=seconds_between(enc.arrived_at, now))
    session.flush()
    owner = _owners(session, [enc.owner_id]).get(enc.owner_id) if enc.owner_id else None
    who = owner.name if owner is not None else (enc.party_label or t(f"queue.guest.{enc.guest_type}"))
    return Result(t("queue.msg_left", who=who))


def handoffs_of(session: Session, encounter_id: int) -> list[Handoff]:
    """The hand-offs of one encounter, in order (for the reports)."""
    return list(session.exec(select(Handoff).where(Handoff.encounter_id == encounter_id).order_by(Handoff.at, Handoff.id)).all())


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
    if outcome != "left":
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
    _save_encounter(session, enc, state="closed", category=category or enc.category, outcome=outcome,
                    ended_at=None, note=note)
    session.flush()
    owner = _owners(session, [enc.owner_id]).get(enc.owner_id) if enc.owner_id else None
    who = owner.name if owner is not None else (enc.party_label or t(f"queue.guest.{enc.guest_type}"))
    return Result(t("queue.msg_leftover_closed", who=who, day=enc.day.strftime("%m-%d"),
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
    if owner is not None and enc.guest_type == "visitor":
        values["guest_type"] = "owner"
    _save_encounter(session, enc, **values)
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
