"""All database tables (SQLModel). Schema changes go through Alembic migrations.

Plain strings are used for small closed sets (gender, role, seat codes) so
PostgreSQL and SQLite migrate the same way; the domain modules validate them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel

from frontdesk.core import clock

GENDERS = ("F", "M")
STAFF_ROLES = ("receptionist", "lead")
# Standing order of the desk (seed §四 2): 左2, 右2, 左1, 右1.
SEAT_CODES = ("L2", "R2", "L1", "R1")
OCCUPANT_ROLES = ("owner", "resident", "tenant")


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


class Occupancy(SQLModel, table=True):
    """Who belongs to a unit, and as what (owner, resident, tenant)."""

    __tablename__ = "occupancy"
    __table_args__ = (UniqueConstraint("unit_id", "owner_id", name="uq_occupancy_unit_owner"),)
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True, ondelete="CASCADE")
    owner_id: int = Field(foreign_key="owner.id", index=True, ondelete="CASCADE")
    role: str = Field(default="owner", max_length=12)


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


# --- desk queue tables (issue 3) ---

GUEST_TYPES = ("owner", "visitor", "vip", "inspection", "superior")
ENCOUNTER_STATES = ("waiting", "open", "closed")
# How an encounter ends; "left" is a waiting party who went away unserved.
OUTCOMES = ("answered", "work_order", "visitor_registered", "complaint", "other", "left")
STAFF_STATES = ("free", "busy", "away")  # "serving" is derived from open encounters


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
    state: str = Field(default="free", max_length=8)
    note: str = Field(default="", max_length=200)
    since: datetime = Field(default_factory=utcnow)
    version: int = Field(default=1)


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
    state: str = Field(default="open", max_length=8)
    seat: str = Field(default="", max_length=4)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    guest_type: str = Field(default="owner", max_length=12)
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

CHECK_STATES = ("draft", "signed")
CHECK_ANSWERS = ("pass", "fail", "na")


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
    state: str = Field(default="draft", max_length=8)
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
            select(SelfCheck.id).where(SelfCheck.id.in_(ids), SelfCheck.state == "signed")  # type: ignore[union-attr]
        ).first()
    if signed is not None:
        raise ConflictError(t("checks.err_signed_immutable"))


_sa_event.listen(_OrmSession, "before_flush", _guard_signed_checks)
