"""Realistic demo data for trying the desk: staff and their roster, units, owners and residents.

Domain only: no Textual. :func:`seed_demo` is deterministic for a given seed
(same names, phones and units every time) and inserts in bulk.

A database that already holds owners, units or staff is refused unless
``force=True``. Forcing never deletes or changes anything: units, owners and
staff already there are kept, and only the demo rows that are missing are added
(a demo unit whose number exists is skipped with its people; a demo member of
staff whose name exists is skipped). Running it twice with ``force`` therefore
adds nothing the second time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from frontdesk.core import clock
from frontdesk.core.errors import FrontdeskError
from frontdesk.core.history import acting_as, bulk, current_actor
from frontdesk.core.i18n import t, tn
from frontdesk.models import Occupancy, Owner, RosterEntry, Staff, Unit
from frontdesk.names import name_keys, normalize_phone, phone_tail, surname_of, unit_code
from frontdesk.roster import SEATS, load_categories, set_pin

DEFAULT_SEED = 20261127
DEMO_LEAD_PIN = "123456"  # six digits, as every new PIN (roster.PIN_MIN)

# Common surnames, roughly by frequency (more weight first), and a few compound ones.
SURNAMES = (
    "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘于蔣蔡余杜葉程蘇魏呂丁任"
    "沈姚盧姜崔鍾譚陸汪范金石廖賈夏韋付方白鄒孟熊秦邱江尹薛閻段雷侯龍史陶黎賀顧毛郝龔邵萬錢嚴覃武戴莫孔向湯"
)
COMPOUND_SURNAMES = ("歐陽", "司馬", "上官", "諸葛", "東方", "司徒")
FEMALE_CHARS = "麗靜敏燕豔娟霞芳娜丹玲萍紅玉蘭英慧穎婷雪琳晶欣怡佳悅雨萱涵思夢瑤潔璐倩曉月秀梅琴雲鳳蓉薇妍菲"
MALE_CHARS = "偉強磊軍洋勇傑濤斌超明剛平輝鵬飛鑫波寧浩宇俊帆凱健峰建國志文東海林龍成興亮博陽晨睿澤昊"
SHARED_CHARS = "華曉文佳子嘉安欣"
# Mobile prefixes in use in mainland China.
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 191 198 199"
).split()
# The estate: building → (entrances, floors, flats per landing). No building 4 (四 sounds like 死).
BUILDINGS = {"1": (2, 6, 2), "2": (2, 6, 2), "3": (2, 11, 2), "5": (2, 11, 2), "6": (2, 16, 2)}
OWNER_NOTES = (
    "行動不便,來訪時請主動協助。",
    "常出差,包裹請代收。",
    "裝修中,施工人員出入需核對出入證。",
    "家有長者獨居,請多關心。",
    "偏好電話聯繫,勿發短信。",
    "養狗一隻,已登記。",
)


class DemoRefused(FrontdeskError):
    """The database already holds real data and ``force`` was not given."""


@dataclass
class DemoSummary:
    """What :func:`seed_demo` added (and skipped)."""

    day: date
    staff: int = 0
    units: int = 0
    owners: int = 0  # people whose role in a unit is owner
    residents: int = 0  # family members and tenants
    roster_seats: int = 0
    skipped_units: int = 0
    skipped_staff: int = 0
    lead_name: str = ""
    lead_pin: str = ""
    staff_names: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            t("demo.added", staff=tn("demo.n_staff", self.staff), units=tn("demo.n_units", self.units),
              owners=tn("demo.n_owners", self.owners), residents=tn("demo.n_residents", self.residents)),
            tn("demo.roster", self.roster_seats, day=self.day.isoformat()),
        ]
        if self.skipped_units or self.skipped_staff:
            out.append(t("demo.skipped", units=tn("demo.n_units", self.skipped_units),
                         staff=tn("demo.n_staff", self.skipped_staff)))
        if self.lead_name:
            out.append(t("demo.lead_pin", name=self.lead_name, pin=self.lead_pin))
        return out


def existing_data(session: Session) -> dict[str, int]:
    """How many owners, units and staff the database holds."""
    return {
        "owners": int(session.exec(select(func.count()).select_from(Owner)).one()),
        "units": int(session.exec(select(func.count()).select_from(Unit)).one()),
        "staff": int(session.exec(select(func.count()).select_from(Staff)).one()),
    }


def has_real_data(session: Session) -> bool:
    return any(existing_data(session).values())


# --- generators ---------------------------------------------------------------


class _Names:
    """Real-looking Chinese names, genders and mobile numbers from one random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = set()
        weights = [1.0 / (i + 1) ** 0.85 for i in range(len(SURNAMES))]
        self._surnames = list(SURNAMES)
        self._weights = weights

    def surname(self) -> str:
        if self.rng.random() < 0.03:
            return self.rng.choice(COMPOUND_SURNAMES)
        return self.rng.choices(self._surnames, weights=self._weights)[0]

    def given(self, gender: str) -> str:
        pool = (FEMALE_CHARS if gender == "F" else MALE_CHARS) + SHARED_CHARS
        first = self.rng.choice(pool)
        if self.rng.random() < 0.3:
            return first
        second = self.rng.choice(pool)
        while second == first:
            second = self.rng.choice(pool)
        return first + second

    def person(self, gender: str | None = None, surname: str | None = None) -> tuple[str, str]:
        gender = gender or self.rng.choice("FM")
        return (surname or self.surname()) + self.given(gender), gender

    def mobile(self) -> str:
        while True:
            digits = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            try:
                e164 = normalize_phone(digits)
            except ValueError:
                continue
            if e164 not in self.phones:
                self.phones.add(e164)
                return e164


def demo_unit_codes() -> list[tuple[str, str, str]]:
    """Every flat of the demo estate as (building, entrance, room), e.g. ('3', '2', '1101')."""
    out = []
    for building, (entrances, floors, flats) in BUILDINGS.items():
        for entrance in range(1, entrances + 1):
            for floor in range(1, floors + 1):
                for flat in range(1, flats + 1):
                    out.append((building, str(entrance), f"{floor}{flat:02d}"))
    return out


@dataclass
class _Person:
    name: str
    gender: str
    phone: str
    phone2: str = ""
    vip: bool = False
    familiar: bool = False
    notes: str = ""
    units: list[tuple[str, str]] = field(default_factory=list)  # (unit code, role)


def _plan_people(rng: random.Random, names: _Names, codes: list[str]) -> list[_Person]:
    """Owners (some with two flats), their families, and tenants of rented flats."""
    people: list[_Person] = []
    order = list(codes)
    rng.shuffle(order)
    i = 0
    while i < len(order):
        name, gender = names.person()
        owner = _Person(name, gender, names.mobile())
        owner.vip = rng.random() < 0.06
        owner.familiar = owner.vip or rng.random() < 0.25
        if rng.random() < 0.2:
            owner.phone2 = names.mobile()
        if rng.random() < 0.08:
            owner.notes = rng.choice(OWNER_NOTES)
        flats = 2 if rng.random() < 0.12 and i + 1 < len(order) else 1
        people.append(owner)
        for code in order[i : i + flats]:
            rented = flats == 2 and code != order[i] or rng.random() < 0.08
            owner.units.append((code, "owner"))
            if rented:
                tenant, tg = names.person()
                people.append(_Person(tenant, tg, names.mobile(), familiar=rng.random() < 0.1, units=[(code, "tenant")]))
            elif rng.random() < 0.3:
                # a spouse (own surname: Chinese women keep theirs) or a grown child (the father's)
                if rng.random() < 0.6:
                    resident, rg = names.person("M" if gender == "F" else "F")
                else:
                    resident, rg = names.person(None, surname_of(name) if gender == "M" else None)
                people.append(
                    _Person(resident, rg, names.mobile(), familiar=owner.familiar and rng.random() < 0.5,
                            units=[(code, "resident")])
                )
        i += flats
    return people


def _plan_staff(rng: random.Random, names: _Names, categories: list[str]) -> list[tuple[str, str, str, list[str]]]:
    """4–6 people (name, gender, role, duties): one lead, at least one man and one woman,
    duties that cover every category between them."""
    size = rng.randint(4, 6)
    genders = ["F", "M"] + [("F" if rng.random() < 0.7 else "M") for _ in range(size - 2)]
    rng.shuffle(genders)
    used: set[str] = set()
    team = []
    for index, gender in enumerate(genders):
        name, _ = names.person(gender)
        while name in used:
            name, _ = names.person(gender)
        used.add(name)
        team.append([name, gender, "lead" if index == 0 else "receptionist", ["inquiry"] if "inquiry" in categories else []])
    # Deal the remaining categories round the team; the lead takes complaints first.
    rest = [c for c in categories if c != "inquiry"]
    if "complaint" in rest:
        rest.remove("complaint")
        team[0][3].append("complaint")
    receptionists = team[1:] or team
    for k, code in enumerate(rest):
        member = receptionists[k % len(receptionists)]
        member[3].append(code)
        # a second person covers the busiest categories too
        if code in ("repair", "visitor", "payment", "parcel"):
            other = receptionists[(k + 1) % len(receptionists)]
            if code not in other[3]:
                other[3].append(code)
    order = {c: i for i, c in enumerate(categories)}
    return [(n, g, r, sorted(d, key=order.get)) for n, g, r, d in team]


# --- seeding ------------------------------------------------------------------


def seed_demo(session: Session, *, day: date | None = None, rng_seed: int = DEFAULT_SEED, force: bool = False) -> DemoSummary:
    """Fill the database with a demo desk and estate; see the module docstring for ``force``.

    The history gets one row for the whole load (``demo`` / ``seed_demo``, how many rows of each
    table were added), not one per unit and person; it names ``seed-demo`` unless someone acts.
    """
    day = day or clock.today()
    counts = existing_data(session)
    if any(counts.values()) and not force:
        raise DemoRefused(t("demo.refused", owners=tn("demo.n_people", counts["owners"]),
                             units=tn("demo.n_units", counts["units"]), staff=tn("demo.n_staff", counts["staff"])))
    with acting_as(current_actor() or "seed-demo"), bulk(session, "demo", "seed_demo", note=f"seed {rng_seed}, {day}"):
        return _seed(session, day, rng_seed)


def _seed(session: Session, day: date, rng_seed: int) -> DemoSummary:
    rng = random.Random(rng_seed)
    names = _Names(rng)
    categories = [c.code for c in load_categories()]
    summary = DemoSummary(day=day)

    # Units
    flats = demo_unit_codes()
    codes = [unit_code(*f) for f in flats]
    existing_codes = set(session.exec(select(Unit.code).where(Unit.code.in_(codes))).all())
    new_units = [Unit(code=unit_code(b, e, r), building=b, entrance=e, room=r) for b, e, r in flats
                 if unit_code(b, e, r) not in existing_codes]
    session.add_all(new_units)
    session.flush()
    unit_ids = {u.code: u.id for u in new_units}
    summary.units = len(new_units)
    summary.skipped_units = len(existing_codes)

    # Staff (planned before the people so the staff names do not depend on the estate)
    team = _plan_staff(rng, names, categories)
    people = _plan_people(rng, names, codes)

    # Owners, families, tenants: only for flats that were added now
    pending: list[tuple[Owner, list[tuple[str, str]]]] = []
    for person in people:
        if not all(code in unit_ids for code, _role in person.units):
            continue
        initials, pinyin = name_keys(person.name)
        owner = Owner(
            name=person.name, surname=surname_of(person.name), gender=person.gender,
            initials=initials[:40], pinyin=pinyin[:200],
            phone=person.phone, phone_tail=phone_tail(person.phone),
            phone2=person.phone2, phone2_tail=phone_tail(person.phone2),
            is_vip=person.vip, is_familiar=person.familiar, notes=person.notes,
        )  # fmt: skip
        pending.append((owner, person.units))
    session.add_all([owner for owner, _ in pending])
    session.flush()
    for owner, links in pending:
        for code, role in links:
            session.add(Occupancy(unit_id=unit_ids[code], owner_id=owner.id, role=role))
        if any(role == "owner" for _c, role in links):
            summary.owners += 1
        else:
            summary.residents += 1
    session.flush()

    # Staff and roster
    taken_names = set(session.exec(select(Staff.name).where(Staff.name.in_([m[0] for m in team]))).all())
    new_staff: list[Staff] = []
    for name, gender, role, duties in team:
        if name in taken_names:
            summary.skipped_staff += 1
            continue
        new_staff.append(Staff(name=name, surname=surname_of(name), gender=gender, role=role, duties=" ".join(duties)))
    session.add_all(new_staff)
    session.flush()
    summary.staff = len(new_staff)
    summary.staff_names = [s.name for s in new_staff]
    lead = next((s for s in new_staff if s.role == "lead"), None)
    if lead is not None:
        set_pin(session, lead.id, DEMO_LEAD_PIN)
        summary.lead_name, summary.lead_pin = lead.name, DEMO_LEAD_PIN

    # Receptionists take the seats first; the lead sits only if the desk is short.
    seating = [s for s in new_staff if s.role != "lead"] + [s for s in new_staff if s.role == "lead"]
    summary.roster_seats = _fill_roster(session, day, seating)
    # Yesterday too, arranged a little differently, so "same as yesterday" has something to copy.
    yesterday = seating[1:] + seating[:1] if len(seating) > 1 else seating
    _fill_roster(session, day - timedelta(days=1), yesterday)
    return summary


def _fill_roster(session: Session, day: date, candidates: list[Staff]) -> int:
    """Put candidates into the empty seats of ``day`` in standing order; returns how many were seated."""
    taken = {e.seat: e.staff_id for e in session.exec(select(RosterEntry).where(RosterEntry.day == day)).all()}
    seated_ids = set(taken.values())
    free = [s for s in candidates if s.id not in seated_ids]
    count = 0
    for seat in SEATS:
        if seat in taken or not free:
            continue
        session.add(RosterEntry(day=day, seat=seat, staff_id=free.pop(0).id))
        count += 1
    session.flush()
    return count
