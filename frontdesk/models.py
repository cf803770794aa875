"""All database tables (SQLModel). Schema changes go through Alembic migrations.

Small closed sets (states, gender, role, guest type, outcome) are ``StrEnum``s
declared beside their tables. The columns stay plain strings, so PostgreSQL and
SQLite migrate the same way; a ``StrEnum`` member compares equal to its string,
so code and screens may use either. The domain modules validate them.

Two class attributes tell :mod:`frontdesk.core.history` how to keep a table's history:

- ``__audited__ = True``: every plain edit of the table (insert, ORM change, delete,
  or :func:`frontdesk.core.history.versioned_update`) writes a history row. Tables
  that move through states (encounters, self-checks) are written by the state
  mechanism (:mod:`frontdesk.core.states`) instead.
- ``__personal__ = {field: kind}``: how a field is masked in the stored history:
  ``phone`` (only the last 4 digits kept), ``id_number`` (110105********002X),
  ``secret`` (never stored: only whether it is set), ``text`` (ID numbers inside
  masked; every other text field gets this too). ``__audit_skip__`` names derived
  fields left out of the history (search keys, timestamps).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Column, Index, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel

from frontdesk.core import clock


class Gender(StrEnum):
    F = "F"
    M = "M"


class StaffRole(StrEnum):
    RECEPTIONIST = "receptionist"
    LEAD = "lead"


class OccupantRole(StrEnum):
    OWNER = "owner"
    RESIDENT = "resident"
    TENANT = "tenant"


GENDERS = tuple(g.value for g in Gender)
STAFF_ROLES = tuple(r.value for r in StaffRole)
# Standing order of the desk (seed §四 2): 左2, 右2, 左1, 右1.
SEAT_CODES = ("L2", "R2", "L1", "R1")
OCCUPANT_ROLES = tuple(r.value for r in OccupantRole)


def utcnow() -> datetime:
    """Now from the one clock (:mod:`frontdesk.core.clock`), aware, in UTC."""
    return clock.now()


class Unit(SQLModel, table=True):
    """A flat: building (棟) / entrance (單元) / room. ``code`` is ``3-2-1101``."""

    __tablename__ = "unit"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True, index=True)
    building: str = Field(max_length=8)
    entrance: str = Field(max_length=8)
    room: str = Field(max_length=8)
    notes: str = Field(default="", sa_column_kwargs={"server_default": ""}, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)

    __audited__: ClassVar[bool] = True
    __personal__: ClassVar[dict[str, str]] = {"notes": "text"}


class Owner(SQLModel, table=True):
    """An owner or resident: a person the desk greets and serves."""

    __tablename__ = "owner"
    __table_args__ = (
        Index("ix_owner_phone_tail", "phone_tail"),
        Index("ix_owner_phone2_tail", "phone2_tail"),
        Index("ix_owner_initials", "initials"),
        Index("ix_owner_pinyin", "pinyin"),
        Index("ix_owner_surname", "surname"),
        Index("ix_owner_name", "name"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    surname: str = Field(max_length=8)
    gender: str = Field(max_length=1)
    # Search keys derived from the name with pypinyin: 王小明 → wxm / wangxiaoming.
    initials: str = Field(max_length=40)
    pinyin: str = Field(max_length=200)
    phone: str = Field(default="", max_length=20)  # E.164, e.g. +8613812345678
    phone_tail: str = Field(default="", max_length=4)
    phone2: str = Field(default="", max_length=20)
    phone2_tail: str = Field(default="", max_length=4)
    is_vip: bool = Field(default=False)
    is_familiar: bool = Field(default=False)
    notes: str = Field(default="", sa_column=Column(SAText, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Optimistic concurrency: an update must name the version it read.
    version: int = Field(default=1)

    __audited__: ClassVar[bool] = True
    __personal__: ClassVar[dict[str, str]] = {"phone": "phone", "phone2": "phone", "notes": "text"}
    __audit_skip__: ClassVar[frozenset[str]] = frozenset({"initials", "pinyin", "phone_tail", "phone2_tail"})


class Occupancy(SQLModel, table=True):
    """Who belongs to a unit, and as what (owner, resident, tenant)."""

    __tablename__ = "occupancy"
    __table_args__ = (UniqueConstraint("unit_id", "owner_id", name="uq_occupancy_unit_owner"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True, ondelete="CASCADE")
    owner_id: int = Field(foreign_key="owner.id", index=True, ondelete="CASCADE")
    role: str = Field(default="owner", max_length=12)

    __audited__: ClassVar[bool] = True


class Staff(SQLModel, table=True):
    """A member of the desk. ``duties`` are service category codes, space separated."""

    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    surname: str = Field(max_length=8)
    gender: str = Field(max_length=1)
    role: str = Field(default="receptionist", max_length=16)
    duties: str = Field(default="", max_length=400)
    active: bool = Field(default=True)
    pin_hash: str = Field(default="", max_length=200)
    version: int = Field(default=1)

    __audited__: ClassVar[bool] = True
    __personal__: ClassVar[dict[str, str]] = {"pin_hash": "secret"}  # history says set or not, never the hash


class RosterEntry(SQLModel, table=True):
    """Who sits in which seat on a day."""

    __tablename__ = "roster_entry"
    __table_args__ = (
        UniqueConstraint("day", "seat", name="uq_roster_day_seat"),
        UniqueConstraint("day", "staff_id", name="uq_roster_day_staff"),
    )
    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    seat: str = Field(max_length=4)
    staff_id: int = Field(foreign_key="staff.id", index=True)

    __audited__: ClassVar[bool] = True


# --- desk queue tables (issue 3) ---


class GuestType(StrEnum):
    """Who arrives (seed §二, §三): the bow and the greeting follow from it."""

    OWNER = "owner"
    VISITOR = "visitor"
    VIP = "vip"
    INSPECTION = "inspection"  # a leader bringing a VIP to inspect
    SUPERIOR = "superior"


class EncounterState(StrEnum):
    """waiting (in the line, no one yet) → open (being served) → closed. See ``deskqueue.ENCOUNTERS``."""

    WAITING = "waiting"
    OPEN = "open"
    CLOSED = "closed"


class Outcome(StrEnum):
    """How an encounter ends; ``left`` is a waiting party who went away unserved."""

    ANSWERED = "answered"
    WORK_ORDER = "work_order"
    VISITOR_REGISTERED = "visitor_registered"
    COMPLAINT = "complaint"
    OTHER = "other"
    LEFT = "left"


class StaffState(StrEnum):
    """A person's own state at the desk; "serving" is derived from open encounters."""

    FREE = "free"
    BUSY = "busy"  # a task in hand (有工作任務)
    AWAY = "away"


GUEST_TYPES = tuple(g.value for g in GuestType)
OUTCOMES = tuple(o.value for o in Outcome)
STAFF_STATES = tuple(s.value for s in StaffState)


class DeskState(SQLModel, table=True):
    """The rotation pointer of a desk on a day: the seat that stood last."""

    __tablename__ = "desk_state"
    __table_args__ = (UniqueConstraint("desk", "day", name="uq_desk_state_desk_day"),)
    id: int | None = Field(default=None, primary_key=True)
    desk: str = Field(default="main", max_length=32)
    day: date
    last_seat: str = Field(default="", max_length=4)
    updated_at: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


class StaffStatus(SQLModel, table=True):
    """A person's own state at the desk: free, busy (task in hand, 有工作任務) or away."""

    __tablename__ = "staff_status"
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    state: str = Field(default=StaffState.FREE.value, max_length=8)
    note: str = Field(default="", max_length=200)
    since: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)

    __audited__: ClassVar[bool] = True
    __audit_skip__: ClassVar[frozenset[str]] = frozenset({"since"})


class Encounter(SQLModel, table=True):
    """One party at the desk, from arrival (maybe waiting) to finish.

    ``state``: waiting (in the line, no one yet) → open (being served) → closed.
    """

    __tablename__ = "encounter"
    __table_args__ = (
        Index("ix_encounter_desk_day", "desk", "day"),
        Index("ix_encounter_desk_state", "desk", "state"),
        Index("ix_encounter_staff_state", "staff_id", "state"),
    )
    id: int | None = Field(default=None, primary_key=True)
    desk: str = Field(default="main", max_length=32)
    day: date
    state: str = Field(default=EncounterState.OPEN.value, max_length=8)
    seat: str = Field(default="", max_length=4)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    guest_type: str = Field(default=GuestType.OWNER.value, max_length=12)
    owner_id: int | None = Field(default=None, foreign_key="owner.id", ondelete="SET NULL")
    party_label: str = Field(default="", max_length=80)
    direct: bool = Field(default=False)  # walked straight to someone (seed §四 3)
    category: str = Field(default="", max_length=24)
    outcome: str = Field(default="", max_length=24)
    note: str = Field(default="", max_length=500)
    arrived_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    wait_seconds: int = Field(default=0)
    handoff_count: int = Field(default=0)
    apologised: bool = Field(default=False)
    version: int = Field(default=1)

    __personal__: ClassVar[dict[str, str]] = {"party_label": "text", "note": "text"}


class Handoff(SQLModel, table=True):
    """A party passed to the colleague whose duty it is (seed §四 4)."""

    __tablename__ = "handoff"
    id: int | None = Field(default=None, primary_key=True)
    encounter_id: int = Field(foreign_key="encounter.id", index=True, ondelete="CASCADE")
    from_staff_id: int = Field(foreign_key="staff.id")
    to_staff_id: int = Field(foreign_key="staff.id")
    from_seat: str = Field(default="", max_length=4)
    to_seat: str = Field(default="", max_length=4)
    category: str = Field(default="", max_length=24)
    reason: str = Field(default="", max_length=200)
    at: datetime = Field(default_factory=utcnow)

# --- self-check tables (issue 4) ---


class CheckState(StrEnum):
    """draft → signed; a signed check never changes again. See ``selfchecks.CHECKS``."""

    DRAFT = "draft"
    SIGNED = "signed"


class CheckAnswer(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NA = "na"  # not applicable


CHECK_ANSWERS = tuple(a.value for a in CheckAnswer)


class SelfCheck(SQLModel, table=True):
    """One person's end-of-shift self-check (seed 一, 二, 七), run by the shift lead.

    A ``signed`` record is never changed again; a correction is a new record whose
    ``corrects_id`` points to the one it replaces. The checklist text is copied into
    the items when the check starts, so a changed template never changes a record.
    """

    __tablename__ = "self_check"
    __table_args__ = (
        Index("ix_self_check_staff_day", "staff_id", "day"),
        Index("ix_self_check_day_shift", "day", "shift"),
    )
    id: int | None = Field(default=None, primary_key=True)
    day: date
    shift: str = Field(default="", max_length=16)
    staff_id: int = Field(foreign_key="staff.id")
    seat: str = Field(default="", max_length=4)
    gender: str = Field(default="", max_length=1)  # the grooming list chosen
    state: str = Field(default=CheckState.DRAFT.value, max_length=8)
    corrects_id: int | None = Field(default=None, foreign_key="self_check.id", index=True)
    reason: str = Field(default="", max_length=500)  # why a correction was made
    lead_id: int | None = Field(default=None, foreign_key="staff.id")
    started_at: datetime = Field(default_factory=utcnow)
    signed_at: datetime | None = None
    item_count: int = Field(default=0)
    pass_count: int = Field(default=0)
    fail_count: int = Field(default=0)
    na_count: int = Field(default=0)
    version: int = Field(default=1)

    __personal__: ClassVar[dict[str, str]] = {"reason": "text"}


class SelfCheckItem(SQLModel, table=True):
    """One checklist item of a self-check, with the template text as it was then."""

    __tablename__ = "self_check_item"
    __table_args__ = (
        UniqueConstraint("check_id", "position", name="uq_self_check_item_position"),
        Index("ix_self_check_item_key", "template_id", "item_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="self_check.id", index=True, ondelete="CASCADE")
    position: int
    template_id: str = Field(max_length=40)
    template_version: int
    item_id: str = Field(max_length=40)
    # Snapshot of the template: section title and item text in each UI language.
    section: str = Field(max_length=80)
    section_hans: str = Field(default="", max_length=80)
    section_en: str = Field(default="", max_length=80)
    text: str = Field(sa_column=Column(SAText, nullable=False))
    text_hans: str = Field(default="", sa_column=Column(SAText, nullable=False, server_default=""))
    text_en: str = Field(default="", sa_column=Column(SAText, nullable=False, server_default=""))
    answer: str = Field(default="", max_length=4)  # "", pass, fail, na
    note: str = Field(default="", max_length=500)
    answered_at: datetime | None = None


class PinGuard(SQLModel, table=True):
    """Wrong sign-off PINs per lead: after too many the lead is locked out for a while.

    Kept in the database so restarting the app does not reset the count.
    """

    __tablename__ = "pin_guard"
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    failures: int = Field(default=0)
    last_failure_at: datetime | None = None
    locked_until: datetime | None = None


# --- history (the audit log, issue 7) ---


class History(SQLModel, table=True):
    """One row per change of a record: the history of every record, which is also the audit log.

    Written only by :mod:`frontdesk.core.history` (the state mechanism, the audited-edit
    hook and :func:`~frontdesk.core.history.versioned_update`), never updated or deleted:
    the ORM refuses it (below) and so does the database (triggers, migration 0004).
    ``changes`` is JSON ``{"field": [before, after]}`` with personal data masked;
    ``day`` is the desk's local day of ``at``, for reading a day's history.
    """

    __tablename__ = "history"
    __table_args__ = (
        Index("ix_history_record", "record_type", "record_id", "id"),
        Index("ix_history_actor", "actor", "at"),
        Index("ix_history_day", "day", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    day: date
    actor: str = Field(default="", max_length=80)  # who acted (core.history.acting_as)
    record_type: str = Field(max_length=40)  # the table: encounter, self_check, owner, …
    record_id: int | None = None  # None: a row about many records (a bulk load)
    action: str = Field(max_length=40)  # create / update / delete, or the state machine's action
    from_state: str = Field(default="", max_length=16)
    to_state: str = Field(default="", max_length=16)
    changes: str = Field(default="{}", sa_column=Column(SAText, nullable=False, server_default="{}"))
    note: str = Field(default="", sa_column=Column(SAText, nullable=False, server_default=""))


from sqlalchemy import event as _sa_event  # noqa: E402
from sqlalchemy.orm import Session as _OrmSession  # noqa: E402


def _guard_signed_checks(session, _flush_context, _instances) -> None:
    """Refuse, at flush time, any change to a signed self-check or its items.

    The domain (``frontdesk.selfchecks``) never tries; this catches any other code
    path that goes through the ORM. The state is read from the database, so a
    check being signed in this very flush can still take its answers.
    """
    from sqlalchemy import select

    from frontdesk.core.errors import ConflictError
    from frontdesk.core.i18n import t

    ids: set[int] = set()
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, SelfCheck) and obj.id is not None:
            if obj in session.deleted or session.is_modified(obj, include_collections=False):
                ids.add(obj.id)
        elif isinstance(obj, SelfCheckItem) and obj.check_id is not None:
            if obj in session.deleted or session.is_modified(obj, include_collections=False):
                ids.add(obj.check_id)
    if not ids:
        return
    with session.no_autoflush:
        signed = session.execute(
            select(SelfCheck.id).where(SelfCheck.id.in_(ids), SelfCheck.state == CheckState.SIGNED)  # type: ignore[union-attr]
        ).first()
    if signed is not None:
        raise ConflictError(t("checks.err_signed_immutable"))


def _guard_history(session, _flush_context, _instances) -> None:
    """Refuse, at flush time, any change to or deletion of a history row (it is append-only)."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, History) and (obj in session.deleted or session.is_modified(obj)):
            from frontdesk.core.errors import ConflictError
            from frontdesk.core.i18n import t

            raise ConflictError(t("history.err_append_only"))


def _guard_history_statements(state) -> None:
    """Refuse an UPDATE or DELETE statement on the history table sent through a session."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == History.__tablename__:
        from frontdesk.core.errors import ConflictError
        from frontdesk.core.i18n import t

        raise ConflictError(t("history.err_append_only"))


_sa_event.listen(_OrmSession, "before_flush", _guard_signed_checks)
_sa_event.listen(_OrmSession, "before_flush", _guard_history)
_sa_event.listen(_OrmSession, "do_orm_execute", _guard_history_statements)

from frontdesk.core import history as _history  # noqa: E402,F401  (registers the audited-edit hook)
