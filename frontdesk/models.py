"""All database tables (SQLModel). Schema changes go through Alembic migrations.

Plain strings are used for small closed sets (gender, role, seat codes) so
PostgreSQL and SQLite migrate the same way; the domain modules validate them.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import Column, Index, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel

GENDERS = ("F", "M")
STAFF_ROLES = ("receptionist", "lead")
# Standing order of the desk (seed §四 2): 左2, 右2, 左1, 右1.
SEAT_CODES = ("L2", "R2", "L1", "R1")
OCCUPANT_ROLES = ("owner", "resident", "tenant")


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (SQLModel stores aware datetimes)."""
    return datetime.now(timezone.utc)


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
OUTCOMES = ("answered", "work_order", "visitor_registered", "complaint", "other")
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
        Index("ix_encounter_day_state", "day", "state"),
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
