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

# --- self-check tables (issue 4) ---
