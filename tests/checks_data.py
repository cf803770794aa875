"""A small desk for the self-check and report tests: four receptionists on the roster and a lead."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from frontdesk.models import RosterEntry, Staff
from frontdesk.roster import set_pin

LEAD_PIN = "246813"
# name, gender, seat (standing order 左2, 右2, 左1, 右1)
TEAM = [("王芳", "F", "L2"), ("李強", "M", "R2"), ("陳靜", "F", "L1"), ("張偉", "M", "R1")]


def seed_desk(session: Session, day: date, *, lead_pin: str = LEAD_PIN) -> dict[str, Staff]:
    """Staff, a shift lead with a PIN, and ``day``'s roster. Returns staff by name."""
    people: dict[str, Staff] = {}
    for name, gender, _seat in TEAM:
        staff = Staff(name=name, surname=name[0], gender=gender, role="receptionist")
        session.add(staff)
        people[name] = staff
    lead = Staff(name="劉主管", surname="劉", gender="F", role="lead")
    session.add(lead)
    people["劉主管"] = lead
    session.flush()
    set_pin(session, lead.id, lead_pin)
    seat_roster(session, day, people)
    session.flush()
    return people


def seat_roster(session: Session, day: date, people: dict[str, Staff]) -> None:
    for name, _gender, seat in TEAM:
        session.add(RosterEntry(day=day, seat=seat, staff_id=people[name].id))
    session.flush()
