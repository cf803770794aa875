"""Staff, seats and the daily roster (who sits where), plus the service categories.

Domain only: no Textual. Every function that touches the database takes a
SQLModel ``Session`` first and leaves committing to the caller (the app's
``run_db`` or the CLI's ``session_scope``).

Rules
- The four seats in standing order are 左2, 右2, 左1, 右1 (seed §四 2).
- A person sits in at most one seat a day. Seating someone who already sits
  elsewhere that day *moves* them (their old seat becomes empty); whoever sat in
  the target seat is taken off the roster for that day.
- Only active staff can be seated. Deactivating someone takes them off the
  roster from today on.
- There must always be at least one active shift lead once one exists: an edit
  that would remove the last one is refused.
- Staff edits carry the version that was read; a stale version raises
  :class:`ConflictError` (another desk changed the record first).
- Staff, PINs (whether one is set, never the hash) and the roster are audited tables:
  every change leaves a history row, written by :mod:`frontdesk.core.history`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from frontdesk.core import clock
from frontdesk.core.config import data_dir
from frontdesk.core.history import versioned_update
from frontdesk.core.errors import ConflictError, FrontdeskError, NotFoundError, ValidationError
from frontdesk.core.i18n import LANGUAGES, current_language, t
from frontdesk.core.text import TextRefused, clean_input
from frontdesk.models import GENDERS, SEAT_CODES, STAFF_ROLES, Encounter, EncounterState, RosterEntry, Staff, StaffRole
from frontdesk.names import clean_text, name_keys, surname_of

SEATS: tuple[str, ...] = SEAT_CODES
NAME_MAX = 40
PIN_MIN, PIN_MAX = 6, 8  # new PINs; a shorter PIN set before still verifies
PIN_RE = re.compile(rf"^[0-9]{{{PIN_MIN},{PIN_MAX}}}$")

_hasher = PasswordHasher()


class DataFileError(FrontdeskError):
    """A reference data file in ``data/`` is missing or malformed; the message names the file."""


# --- seats ------------------------------------------------------------------


def seat_label(code: str) -> str:
    """左2 / 右2 / 左1 / 右1 (English: L2 …). An unknown code is shown as it is."""
    labels = {
        "L2": t("roster.seat.L2"),
        "R2": t("roster.seat.R2"),
        "L1": t("roster.seat.L1"),
        "R1": t("roster.seat.R1"),
    }
    return labels.get(code, code)


def seat_order(code: str) -> int:
    """Position in the standing order (0 for 左2); unknown seats sort last."""
    return SEATS.index(code) if code in SEATS else len(SEATS)


# --- service categories -----------------------------------------------------


@dataclass(frozen=True)
class Category:
    code: str
    name: str


def categories_path() -> Path:
    return data_dir() / "categories.toml"


def load_categories(path: Path | None = None, *, language: str | None = None) -> list[Category]:
    """The service categories from ``data/categories.toml``, names in the UI language.

    A missing file, bad TOML, a category without a code or name, or a code used
    twice raises :class:`DataFileError` naming the file.
    """
    path = path or categories_path()
    lang = language or current_language()
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise DataFileError(t("roster.data_missing", path=path)) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataFileError(t("roster.data_bad", path=path, problem=str(exc))) from exc
    entries = raw.get("category")
    if not isinstance(entries, list) or not entries:
        raise DataFileError(t("roster.data_bad", path=path, problem=t("roster.data_no_categories")))
    out: list[Category] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        code = entry.get("code") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,23}", code):
            raise DataFileError(t("roster.data_bad", path=path, problem=t("roster.data_no_code", number=number)))
        if code in seen:
            raise DataFileError(t("roster.data_bad", path=path, problem=t("roster.data_duplicate", code=code)))
        seen.add(code)
        name = entry.get(lang) or entry.get("zh-Hant")
        missing = [lg for lg in LANGUAGES if not isinstance(entry.get(lg), str) or not entry.get(lg).strip()]
        if missing or not name:
            raise DataFileError(
                t("roster.data_bad", path=path, problem=t("roster.data_no_name", code=code, langs=", ".join(missing)))
            )
        out.append(Category(code=code, name=name))
    return out


def category_names(language: str | None = None) -> dict[str, str]:
    """code → name in the UI language, in file order."""
    return {c.code: c.name for c in load_categories(language=language)}


# --- staff --------------------------------------------------------------------


@dataclass
class StaffForm:
    """What the staff form holds. ``duties`` is a list of category codes or a string of them."""

    name: str
    gender: str
    role: str = "receptionist"
    duties: list[str] | str = field(default_factory=list)
    active: bool = True


def duties_of(staff: Staff) -> list[str]:
    """The category codes a person covers, in the order stored."""
    return [d for d in (staff.duties or "").split() if d]


def covers(staff: Staff, category: str) -> bool:
    """Whether ``category`` is among the person's duties."""
    return category in duties_of(staff)


def _split_duties(duties: list[str] | str | None) -> list[str]:
    if duties is None:
        return []
    if isinstance(duties, str):
        parts = re.split(r"[\s,,、;;]+", duties)
    else:
        parts = list(duties)
    out: list[str] = []
    for part in parts:
        part = clean_text(str(part)).lower()
        if part and part not in out:
            out.append(part)
    return out


def _validate(session: Session, form: StaffForm, *, staff_id: int | None) -> dict:
    """The cleaned values of a form, or ValidationError with every bad field."""
    errors: dict[str, str] = {}
    try:
        name = clean_input(clean_text(form.name), field=t("text.field.name"), limit=NAME_MAX)
    except TextRefused as exc:
        name, errors["name"] = "", str(exc)
    else:
        if not name:
            errors["name"] = t("roster.err_name_required")
        else:
            clash = session.exec(select(Staff.id).where(Staff.name == name)).first()
            if clash is not None and clash != staff_id:
                errors["name"] = t("roster.err_name_taken", name=name)
    gender = clean_text(form.gender).upper()
    if gender not in GENDERS:
        errors["gender"] = t("roster.err_gender")
    role = clean_text(form.role).lower()
    if role not in STAFF_ROLES:
        errors["role"] = t("roster.err_role")
    duties = _split_duties(form.duties)
    try:
        known = [c.code for c in load_categories()]
    except DataFileError as exc:
        errors["duties"] = str(exc)
        known = []
    unknown = [d for d in duties if d not in known]
    if unknown and "duties" not in errors:
        errors["duties"] = t("roster.err_duty_unknown", codes=", ".join(unknown))
    if errors:
        raise ValidationError(errors)
    ordered = [c for c in known if c in duties]  # keep the file's order
    return {
        "name": name,
        "surname": surname_of(name)[:8],
        "gender": gender,
        "role": role,
        "duties": " ".join(ordered),
        "active": bool(form.active),
    }


def list_staff(session: Session, *, active_only: bool = True) -> list[Staff]:
    """Staff in pinyin order of their names (active first, leads first), active only unless asked."""
    query = select(Staff)
    if active_only:
        query = query.where(Staff.active == True)  # noqa: E712
    staff = list(session.exec(query).all())
    staff.sort(key=lambda s: (not s.active, s.role != StaffRole.LEAD, name_keys(s.name)[1], s.name))
    return staff


def get_staff(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFoundError(t("roster.err_staff_missing"))
    return staff


def create_staff(session: Session, form: StaffForm) -> Staff:
    """A new member of the desk. Raises ValidationError with a message per bad field."""
    values = _validate(session, form, staff_id=None)
    staff = Staff(**values)
    session.add(staff)
    try:
        session.flush()
    except IntegrityError as exc:  # another desk added the same name just now
        raise ValidationError({"name": t("roster.err_name_taken", name=values["name"])}) from exc
    return staff


def _active_leads(session: Session, *, excluding: int | None = None) -> int:
    query = select(func.count()).select_from(Staff).where(Staff.active == True, Staff.role == StaffRole.LEAD)  # noqa: E712
    if excluding is not None:
        query = query.where(Staff.id != excluding)
    return int(session.exec(query).one())


def update_staff(session: Session, staff_id: int, expected_version: int, form: StaffForm) -> Staff:
    """Change a member of the desk, if nobody else changed them since ``expected_version``.

    Deactivating someone takes them off the roster from today on. Removing the
    last active shift lead (demotion or deactivation) is refused.
    """
    current = get_staff(session, staff_id)
    if current.version != expected_version:
        raise ConflictError(t("db.conflict"))
    values = _validate(session, form, staff_id=staff_id)
    was_lead = current.active and current.role == StaffRole.LEAD
    still_lead = values["active"] and values["role"] == StaffRole.LEAD
    if was_lead and not still_lead and _active_leads(session, excluding=staff_id) == 0:
        field_name = "role" if values["active"] else "active"
        raise ValidationError({field_name: t("roster.err_last_lead")})
    try:
        versioned_update(session, Staff, staff_id, expected_version, values, conflict_message=t("db.conflict"),
                         missing_message=t("roster.err_staff_missing"))
    except IntegrityError as exc:
        raise ValidationError({"name": t("roster.err_name_taken", name=values["name"])}) from exc
    if not values["active"]:
        entries = session.exec(
            select(RosterEntry).where(RosterEntry.staff_id == staff_id, RosterEntry.day >= clock.today())
        ).all()
        for entry in entries:
            _check_not_serving(session, entry.day, [entry], field="active")
        for entry in entries:
            session.delete(entry)
        session.flush()
    session.refresh(current)
    return current


# --- PIN (the shift lead's sign-off) ---------------------------------------------


def set_pin(session: Session, staff_id: int, pin: str) -> None:
    """Store an argon2 hash of a new PIN of 6–8 digits; an empty PIN clears it.

    A shorter PIN set under the old rule (4 digits) keeps working: :func:`verify_pin` checks any stored hash.
    """
    staff = get_staff(session, staff_id)
    pin = clean_text(pin)
    if pin and not PIN_RE.match(pin):
        raise ValidationError({"pin": t("roster.err_pin")})
    staff.pin_hash = _hasher.hash(pin) if pin else ""
    session.add(staff)
    session.flush()


def has_pin(staff: Staff) -> bool:
    return bool(staff.pin_hash)


def verify_pin(session: Session, staff_id: int, pin: str) -> bool:
    """True when ``pin`` is the person's PIN. No PIN set → always False."""
    staff = get_staff(session, staff_id)
    if not staff.pin_hash:
        return False
    try:
        _hasher.verify(staff.pin_hash, clean_text(pin))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(staff.pin_hash):
        staff.pin_hash = _hasher.hash(clean_text(pin))
        session.add(staff)
        session.flush()
    return True


# --- roster -------------------------------------------------------------------


def _check_seat(seat: str) -> None:
    if seat not in SEATS:
        raise ValidationError({"seat": t("roster.err_seat", seat=seat, seats=" ".join(seat_label(s) for s in SEATS))})


def roster_for(session: Session, day: date) -> dict[str, Staff]:
    """Seat code → who sits there on ``day``, staffed seats only, in standing order."""
    rows = session.exec(
        select(RosterEntry, Staff).join(Staff, Staff.id == RosterEntry.staff_id).where(RosterEntry.day == day)
    ).all()
    seated = {entry.seat: staff for entry, staff in rows}
    return {seat: seated[seat] for seat in SEATS if seat in seated}


def seat_of(session: Session, day: date, staff_id: int) -> str | None:
    """The seat a person has on ``day``, if any."""
    return session.exec(
        select(RosterEntry.seat).where(RosterEntry.day == day, RosterEntry.staff_id == staff_id)
    ).first()


def on_duty(session: Session, day: date) -> list[Staff]:
    """The people on the roster for ``day``, in standing order of their seats."""
    return list(roster_for(session, day).values())


def _check_not_serving(session: Session, day: date, entries: list[RosterEntry], field: str = "seat") -> None:
    """Refuse to move or unseat anyone serving a party that day: their open encounter would be stranded."""
    ids = [e.staff_id for e in entries if e is not None]
    if not ids:
        return
    serving = session.exec(
        select(Encounter.staff_id).where(Encounter.day == day, Encounter.state == EncounterState.OPEN,
                                         Encounter.staff_id.in_(ids))  # type: ignore[union-attr]
    ).first()
    if serving is not None:
        raise ValidationError({field: t("roster.err_serving", name=get_staff(session, serving).name)})


def set_seat(session: Session, day: date, seat: str, staff_id: int | None) -> None:
    """Seat ``staff_id`` at ``seat`` on ``day``, or clear the seat with ``None``.

    A person already seated elsewhere that day moves (the old seat empties);
    whoever sat at ``seat`` is taken off that day's roster. Unknown seat or an
    inactive person → ValidationError; an unknown person → NotFoundError.
    """
    _check_seat(seat)
    if staff_id is not None:
        staff = get_staff(session, staff_id)
        if not staff.active:
            raise ValidationError({"staff": t("roster.err_inactive", name=staff.name)})
    taken = session.exec(select(RosterEntry).where(RosterEntry.day == day, RosterEntry.seat == seat)).first()
    if staff_id is not None and taken is not None and taken.staff_id == staff_id:
        return  # already there
    old = None
    if staff_id is not None:
        old = session.exec(
            select(RosterEntry).where(RosterEntry.day == day, RosterEntry.staff_id == staff_id)
        ).first()
    _check_not_serving(session, day, [taken, old])
    if taken is not None:
        session.delete(taken)
    if old is not None:
        session.delete(old)
    try:
        session.flush()  # deletes first, so the unique (day, seat) / (day, staff) constraints hold
        if staff_id is not None:
            session.add(RosterEntry(day=day, seat=seat, staff_id=staff_id))
            session.flush()
    except IntegrityError as exc:  # another desk changed the same roster at the same moment
        raise ConflictError(t("db.conflict")) from exc


def remove_from_roster(session: Session, day: date, staff_id: int) -> str | None:
    """Take a person off ``day``'s roster; returns the seat they had."""
    entry = session.exec(select(RosterEntry).where(RosterEntry.day == day, RosterEntry.staff_id == staff_id)).first()
    if entry is None:
        return None
    _check_not_serving(session, day, [entry])
    seat = entry.seat
    session.delete(entry)
    session.flush()
    return seat


def copy_roster(session: Session, from_day: date, to_day: date) -> int:
    """Make ``to_day``'s roster the same as ``from_day``'s ("same as yesterday").

    ``to_day``'s seats are replaced; people no longer active are left out.
    Returns how many seats were filled.
    """
    if from_day == to_day:
        raise ValidationError({"day": t("roster.err_copy_same_day")})
    source = roster_for(session, from_day)
    current = session.exec(select(RosterEntry).where(RosterEntry.day == to_day)).all()
    keeps = {(seat, staff.id) for seat, staff in source.items() if staff.active}
    _check_not_serving(session, to_day, [e for e in current if (e.seat, e.staff_id) not in keeps], field="day")
    for entry in current:
        session.delete(entry)
    session.flush()
    count = 0
    for seat, staff in source.items():
        if not staff.active:
            continue
        session.add(RosterEntry(day=to_day, seat=seat, staff_id=staff.id))
        count += 1
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(t("db.conflict")) from exc
    return count


def previous_day(day: date) -> date:
    return day - timedelta(days=1)
