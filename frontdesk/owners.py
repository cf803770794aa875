"""The owners registry (客戶資料管理): owners, residents, units, and finding them fast.

Domain only: no Textual. Every function takes a SQLModel ``Session`` first and
raises :class:`~frontdesk.core.errors.ValidationError` (field → translated message),
:class:`~frontdesk.core.errors.ConflictError` or :class:`~frontdesk.core.errors.NotFoundError`.

Search reads one page from SQL with index-friendly range queries, so it costs
the same with 50 owners as with 50,000 (see ``benchmarks/owners_search.py``):

* 4 or more digits: the last four digits of a phone (``phone_tail`` /
  ``phone2_tail``); more digits also match the end of the whole number;
* a unit number, whole or begun (``3-2-1101``, ``3棟2單元``, ``3-``): the people of
  the units whose code starts with it, one row per unit and person;
* Latin letters: pinyin initials (王小明 → ``wxm``) or full pinyin prefix;
* Chinese: the name's beginning (so a surname finds the family); ``王先生`` /
  ``王女士`` also narrow by gender.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Integer, String, and_, bindparam, func, literal, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from frontdesk.core.errors import NotFoundError, ValidationError
from frontdesk.core.history import versioned_update
from frontdesk.core.i18n import t
from frontdesk.core.text import TextRefused, clean_input, search_text
from frontdesk.models import GENDERS, OCCUPANT_ROLES, Occupancy, Owner, Unit, utcnow
from frontdesk.names import (
    clean_text,
    format_phone,
    name_keys,
    normalize_phone,
    parse_unit_code,
    phone_tail,
    surname_of,
    unit_code,
    unit_search_prefix,
)

NAME_MAX = 40
NOTES_MAX = 2000
UNIT_NOTES_MAX = 500
# A string greater than any code that starts with a prefix: range queries use the index.
_HIGH = "\uffff"

# Words a desk types for a gender or a role, in any of the three languages.
_GENDER_WORDS = {
    "f": "F", "female": "F", "女": "F", "女士": "F", "女性": "F", "w": "F",
    "m": "M", "male": "M", "男": "M", "先生": "M", "男性": "M",
}  # fmt: skip
_ROLE_WORDS = {
    "owner": "owner", "業主": "owner", "业主": "owner", "屋主": "owner",
    "resident": "resident", "住戶": "resident", "住户": "resident", "家屬": "resident", "家属": "resident",
    "tenant": "tenant", "租戶": "tenant", "租户": "tenant",
}  # fmt: skip
_HONORIFICS = (("先生", "M"), ("女士", "F"), ("小姐", "F"), ("太太", "F"))
_UNIT_SPLIT = re.compile(r"[,，、;；\n]+")
_ROLE_SUFFIX = re.compile(r"^(?P<code>.*?)\s*[(（]\s*(?P<role>[^()（）]+?)\s*[)）]$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u9fff\uf900-\ufaff])")


# --- what the user typed, and what the desk reads back -------------------------------


@dataclass
class OwnerForm:
    """What a user typed into the owner form, strings as typed."""

    name: str
    gender: str  # "F" / "M" (女 / 男 accepted)
    phone: str = ""
    phone2: str = ""
    is_vip: bool = False
    is_familiar: bool = False
    notes: str = ""
    # Unit numbers, comma or space separated: "3-2-1101, 3棟2單元1102". An item may
    # name its own role in brackets: "5-1-202(租戶)"; the others take ``role``.
    units: str = ""
    role: str = "owner"  # owner / resident / tenant

    @classmethod
    def from_owner(cls, detail: OwnerDetail) -> OwnerForm:
        """The form prefilled from an owner, for editing."""
        owner = detail.owner
        roles = [u.role for u in detail.units]
        main_role = max(OCCUPANT_ROLES, key=roles.count) if roles else "owner"
        items = [u.code if u.role == main_role else f"{u.code}({role_label(u.role)})" for u in detail.units]
        return cls(
            name=owner.name,
            gender=owner.gender,
            phone=format_phone(owner.phone),
            phone2=format_phone(owner.phone2),
            is_vip=owner.is_vip,
            is_familiar=owner.is_familiar,
            notes=owner.notes,
            units=", ".join(items),
            role=main_role,
        )


@dataclass
class OwnerRow:
    """One line of a search result."""

    id: int
    name: str
    gender: str
    phone: str  # for display: 138 1234 5678
    units: str  # short text: the matched unit for a unit search, else the owner's units
    is_vip: bool
    is_familiar: bool
    role: str = ""  # the role in the matched unit (unit searches only)

    @property
    def key(self) -> str:
        """Unique within one result list (a unit search shows a person once per unit)."""
        return f"{self.id}@{self.units}" if self.role else str(self.id)


@dataclass
class UnitPerson:
    """Somebody linked to a unit, and as what."""

    owner_id: int
    name: str
    gender: str
    role: str
    phone: str  # display form
    is_vip: bool = False


@dataclass
class OwnerUnit:
    """A unit of an owner, with the owner's role there and the other people of the unit."""

    unit_id: int
    code: str
    role: str
    others: list[UnitPerson] = field(default_factory=list)


@dataclass
class OwnerDetail:
    owner: Owner
    units: list[OwnerUnit] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.owner.id  # type: ignore[return-value]

    @property
    def version(self) -> int:
        return self.owner.version


@dataclass
class UnitDetail:
    unit: Unit
    people: list[UnitPerson] = field(default_factory=list)

    @property
    def owners(self) -> list[UnitPerson]:
        return [p for p in self.people if p.role == "owner"]

    @property
    def residents(self) -> list[UnitPerson]:
        return [p for p in self.people if p.role != "owner"]


# --- small helpers shared with the importer and the screens ---------------------------

_CN_MOBILE = re.compile(r"^\+86(1\d{2})(\d{4})(\d{4})$")


def display_phone(e164: str) -> str:
    """``138 1234 5678``: :func:`frontdesk.names.format_phone`, with a fast path for CN mobiles.

    phonenumbers takes ~0.1 ms a number; a page of 50 rows must not spend 5 ms on it.
    """
    m = _CN_MOBILE.match(e164 or "")
    if m:
        return " ".join(m.groups())
    return _format_phone_cached(e164)


@lru_cache(maxsize=4096)
def _format_phone_cached(e164: str) -> str:
    return format_phone(e164)



def parse_gender(text: str) -> str | None:
    """``F`` / ``M`` from 女/男/F/M/female/male; ``None`` if it is none of those."""
    value = clean_text(text)
    if value in GENDERS:
        return value
    return _GENDER_WORDS.get(value.lower())


def parse_role(text: str) -> str | None:
    """owner / resident / tenant from the English or Chinese word; empty means owner."""
    value = clean_text(text).lower()
    if not value:
        return "owner"
    return _ROLE_WORDS.get(value)


def role_label(role: str) -> str:
    return {
        "owner": t("owners.role.owner"),
        "resident": t("owners.role.resident"),
        "tenant": t("owners.role.tenant"),
    }.get(role, role)


def gender_label(gender: str) -> str:
    return t("owners.gender.F") if gender == "F" else t("owners.gender.M") if gender == "M" else ""


def honorific(owner: Owner) -> str:
    """王先生 / 李女士: how a familiar owner is greeted (seed §四 1)."""
    if owner.gender == "F":
        return t("owners.honorific.F", surname=owner.surname)
    return t("owners.honorific.M", surname=owner.surname)


def split_units(text: str, default_role: str) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """Unit numbers as typed → ([(building, entrance, room, role)], [items that are not units]).

    Items are separated by commas (either width), 、 or ;, or by spaces when an
    item with spaces is not a unit number itself (``3棟 2單元 1101`` is one unit).
    """
    found: list[tuple[str, str, str, str]] = []
    bad: list[str] = []
    for chunk in _UNIT_SPLIT.split(clean_text(text)):
        chunk = chunk.strip()
        if not chunk:
            continue
        for item in _split_chunk(chunk):
            role = default_role
            m = _ROLE_SUFFIX.match(item)
            if m:
                role = parse_role(m["role"]) or ""
                item = m["code"]
                if not role:
                    bad.append(item + f"({m['role']})")
                    continue
            parts = parse_unit_code(item)
            if parts is None:
                bad.append(item)
            else:
                found.append((*parts, role))
    return found, bad


def _split_chunk(chunk: str) -> list[str]:
    bare = _ROLE_SUFFIX.match(chunk)
    if parse_unit_code(bare["code"] if bare else chunk) is not None or " " not in chunk:
        return [chunk]
    # "3-2-1101 3-2-1102" or "3-2-1101 (租戶)": rejoin a bracketed role with its unit.
    items: list[str] = []
    for word in chunk.split():
        if items and word[:1] in "(（":
            items[-1] += word
        else:
            items.append(word)
    return items


# --- validation ----------------------------------------------------------------------


@dataclass
class _Clean:
    name: str
    surname: str
    gender: str
    initials: str
    pinyin: str
    phone: str
    phone2: str
    notes: str
    units: list[tuple[str, str, str, str]]
    is_vip: bool
    is_familiar: bool


def validate_form(form: OwnerForm) -> _Clean:
    """The form checked and normalised, or a ValidationError naming every bad field."""
    errors: dict[str, str] = {}
    name = notes = ""
    try:
        name = clean_input(clean_text(form.name), field=t("text.field.name"), limit=NAME_MAX)
    except TextRefused as exc:
        errors["name"] = str(exc)
    else:
        if not name:
            errors["name"] = t("owners.err.name_required")
    gender = parse_gender(form.gender)
    if gender is None:
        errors["gender"] = t("owners.err.gender")
    phones = []
    for key in ("phone", "phone2"):
        try:
            phones.append(normalize_phone(getattr(form, key)))
        except ValueError as exc:
            errors[key] = str(exc)
            phones.append("")
    if phones[0] and phones[0] == phones[1]:
        errors["phone2"] = t("owners.err.phone2_same")
    try:
        notes = clean_input(form.notes, field=t("text.field.notes"), limit=NOTES_MAX, multiline=True)
    except TextRefused as exc:
        errors["notes"] = str(exc)
    role = parse_role(form.role)
    if role is None:
        errors["role"] = t("owners.err.role")
        role = "owner"
    units, bad = split_units(form.units, role)
    if bad:
        errors["units"] = t("owners.err.unit_format", text="、".join(bad))
    else:
        codes = [unit_code(b, e, r) for b, e, r, _ in units]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            errors["units"] = t("owners.err.unit_repeated", code="、".join(dupes))
    if errors:
        raise ValidationError(errors)
    initials, pinyin = name_keys(name)
    return _Clean(
        name=name,
        surname=surname_of(name)[:8],
        gender=gender,  # type: ignore[arg-type]
        initials=initials[:40],
        pinyin=pinyin[:200],
        phone=phones[0],
        phone2=phones[1],
        notes=notes,
        units=units,
        is_vip=bool(form.is_vip),
        is_familiar=bool(form.is_familiar),
    )


def owner_values(clean: _Clean) -> dict:
    """The Owner columns for a validated form, search keys included (used by the CSV import too)."""
    return {
        "name": clean.name,
        "surname": clean.surname,
        "gender": clean.gender,
        "initials": clean.initials,
        "pinyin": clean.pinyin,
        "phone": clean.phone,
        "phone_tail": phone_tail(clean.phone),
        "phone2": clean.phone2,
        "phone2_tail": phone_tail(clean.phone2),
        "is_vip": clean.is_vip,
        "is_familiar": clean.is_familiar,
        "notes": clean.notes,
    }


def _checked(session: Session, form: OwnerForm) -> tuple[_Clean, dict[str, tuple[Unit, str]]]:
    """The form validated and its units looked up; one ValidationError names every bad field."""
    try:
        clean = validate_form(form)
    except ValidationError as exc:
        errors = exc.errors
        if "units" not in errors and "role" not in errors:
            units, _bad = split_units(form.units, parse_role(form.role) or "owner")
            try:
                _units_by_code(session, units)
            except ValidationError as more:
                errors |= more.errors
        raise ValidationError(errors) from None
    return clean, _units_by_code(session, clean.units)


def _units_by_code(session: Session, units: list[tuple[str, str, str, str]]) -> dict[str, tuple[Unit, str]]:
    """code → (Unit, role) for the typed units; a ValidationError names the units not registered."""
    codes = [unit_code(b, e, r) for b, e, r, _ in units]
    if not codes:
        return {}
    found = {u.code: u for u in session.exec(select(Unit).where(Unit.code.in_(codes))).scalars()}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({"units": t("owners.err.unit_unknown", code="、".join(missing))})
    return {code: (found[code], role) for code, (*_p, role) in zip(codes, units)}


# --- owners --------------------------------------------------------------------------


def create_owner(session: Session, form: OwnerForm) -> Owner:
    """A new owner with its units (which must be registered). Nothing is saved on error."""
    clean, units = _checked(session, form)
    owner = Owner(**owner_values(clean))
    session.add(owner)
    session.flush()
    for unit, role in units.values():
        session.add(Occupancy(unit_id=unit.id, owner_id=owner.id, role=role))
    session.flush()
    return owner


def update_owner(session: Session, owner_id: int, expected_version: int, form: OwnerForm) -> Owner:
    """Change an owner read at ``expected_version``.

    If another desk saved it meanwhile, :class:`ConflictError` (``db.conflict``) and
    nothing changes. The units typed replace the owner's units. The change and the
    units added or removed each leave a history row (the audited-edit path).
    """
    clean, units = _checked(session, form)
    versioned_update(session, Owner, owner_id, expected_version, owner_values(clean) | {"updated_at": utcnow()},
                     conflict_message=t("db.conflict"), missing_message=t("owners.err.owner_gone"))
    current = {
        occ.unit_id: occ for occ in session.exec(select(Occupancy).where(Occupancy.owner_id == owner_id)).scalars()
    }
    wanted = {unit.id: role for unit, role in units.values()}
    for unit_id, occ in current.items():
        if unit_id not in wanted:
            session.delete(occ)
        elif occ.role != wanted[unit_id]:
            occ.role = wanted[unit_id]
    for unit_id, role in wanted.items():
        if unit_id not in current:
            session.add(Occupancy(unit_id=unit_id, owner_id=owner_id, role=role))
    session.flush()
    owner = session.get(Owner, owner_id, populate_existing=True)
    assert owner is not None
    return owner


def _people_of_units(session: Session, unit_ids: list[int]) -> dict[int, list[UnitPerson]]:
    out: dict[int, list[UnitPerson]] = {uid: [] for uid in unit_ids}
    if not unit_ids:
        return out
    rows = session.exec(
        select(Occupancy.unit_id, Occupancy.role, Owner.id, Owner.name, Owner.gender, Owner.phone, Owner.is_vip)
        .join(Owner, Owner.id == Occupancy.owner_id)
        .where(Occupancy.unit_id.in_(unit_ids))
        .order_by(Occupancy.unit_id, Occupancy.id)
    )
    for unit_id, role, oid, name, gender, phone, vip in rows:
        out[unit_id].append(UnitPerson(oid, name, gender, role, display_phone(phone), vip))
    for people in out.values():
        people.sort(key=lambda p: OCCUPANT_ROLES.index(p.role) if p.role in OCCUPANT_ROLES else 9)
    return out


def get_owner(session: Session, owner_id: int) -> OwnerDetail:
    """An owner, its units with its role in each, and the other people of those units."""
    owner = session.get(Owner, owner_id, populate_existing=True)
    if owner is None:
        raise NotFoundError(t("owners.err.owner_gone"))
    links = session.exec(
        select(Unit.id, Unit.code, Occupancy.role)
        .join(Occupancy, Occupancy.unit_id == Unit.id)
        .where(Occupancy.owner_id == owner_id)
        .order_by(Unit.code)
    ).all()
    people = _people_of_units(session, [uid for uid, _c, _r in links])
    units = [
        OwnerUnit(uid, code, role, [p for p in people[uid] if p.owner_id != owner_id]) for uid, code, role in links
    ]
    return OwnerDetail(owner, units)


# --- units ---------------------------------------------------------------------------


def add_unit(session: Session, text: str, notes: str = "") -> Unit:
    """Register a unit from ``3-2-1101`` or ``3棟2單元1101``; refused when bad or already there."""
    parts = parse_unit_code(text)
    if parts is None:
        raise ValidationError({"code": t("owners.err.unit_format", text=clean_text(text) or "—")})
    code = unit_code(*parts)
    if len(code) > 32:
        raise ValidationError({"code": t("owners.err.unit_format", text=code)})
    try:
        notes = clean_input(notes, field=t("text.field.unit_notes"), limit=UNIT_NOTES_MAX, multiline=True)
    except TextRefused as exc:
        raise ValidationError({"notes": str(exc)}) from None
    if session.exec(select(Unit.id).where(Unit.code == code)).first() is not None:
        raise ValidationError({"code": t("owners.err.unit_exists", code=code)})
    unit = Unit(code=code, building=parts[0], entrance=parts[1], room=parts[2], notes=notes)
    session.add(unit)
    try:
        session.flush()
    except IntegrityError as exc:  # another desk added it a moment ago
        raise ValidationError({"code": t("owners.err.unit_exists", code=code)}) from exc
    return unit


def unit_detail(session: Session, code: str) -> UnitDetail:
    """A unit (``3-2-1101`` or ``3棟2單元1101``) with its owners and residents."""
    parts = parse_unit_code(code)
    if parts is None:
        raise ValidationError({"code": t("owners.err.unit_format", text=clean_text(code) or "—")})
    unit = session.exec(select(Unit).where(Unit.code == unit_code(*parts))).scalars().first()
    if unit is None:
        raise NotFoundError(t("owners.err.unit_not_found", code=unit_code(*parts)))
    return UnitDetail(unit, _people_of_units(session, [unit.id])[unit.id])


# --- search --------------------------------------------------------------------------

_ROW_COLUMNS = (Owner.id, Owner.name, Owner.gender, Owner.phone, Owner.is_vip, Owner.is_familiar)


def classify(query: str) -> tuple[str, str]:
    """(kind, key) of a search text: ``all``, ``phone``, ``short_digits``, ``unit``, ``name``, ``pinyin``.

    Control characters and broken characters (a lone surrogate from a paste) are dropped first.
    """
    q = clean_text(search_text(query))
    if not q:
        return "all", ""
    compact = re.sub(r"[\s\-()+]", "", q)
    if compact.isdigit() and len(compact) > 8:  # 138-1234-5678, +86 138…: no unit is that long
        return "phone", compact
    prefix = unit_search_prefix(q)
    if prefix:
        return "unit", prefix
    if compact.isdigit():
        return ("phone", compact) if len(compact) >= 4 else ("short_digits", compact)
    if _CJK.search(q):
        # "王 小明": a space typed between Chinese characters is not part of the name.
        return "name", _CJK_GAP.sub("", re.sub(r"\s+", " ", q))
    letters = re.sub(r"[^0-9a-z]", "", q.lower())
    if letters:
        return "pinyin", letters
    return "none", q


@lru_cache(maxsize=1)
def _converters():
    import opencc  # loaded on the first name search, not at start-up

    return opencc.OpenCC("s2t"), opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def other_script(text: str) -> str:
    """The same name in the other script: 刘德华 → 劉德華, 張偉 → 张伟 (unchanged when it is the same)."""
    s2t, t2s = _converters()
    traditional = s2t.convert(text)
    return traditional if traditional != text else t2s.convert(text)


def _split_honorific(text: str) -> tuple[str, str | None]:
    """王先生 → (王, M); 李女士 / 李小姐 / 李太太 → (李, F); anything else unchanged."""
    for word, gender in _HONORIFICS:
        if text.endswith(word) and len(text) > len(word):
            return text[: -len(word)], gender
    return text, None


@lru_cache(maxsize=None)
def _statements() -> dict[str, tuple]:
    """The search statements, built once with bound parameters (building them costs more than running them).

    Each is ``(statement, row_kind)``; parameters: ``lo``/``hi`` (a range), ``tail``,
    ``pattern``, ``surname``, ``gender``, ``reach`` (offset + limit), ``limit``, ``offset``.
    """
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    lo, hi = bindparam("lo", type_=String), bindparam("hi", type_=String)
    tail, pattern = bindparam("tail", type_=String), bindparam("pattern", type_=String)

    def page(stmt):
        return stmt.limit(limit).offset(offset)

    out: dict[str, tuple] = {}
    base = select(*_ROW_COLUMNS)
    out["all"] = (page(base.order_by(Owner.id)), "owner")
    by_tail = or_(Owner.phone_tail == tail, Owner.phone2_tail == tail)
    out["phone4"] = (page(base.where(by_tail).order_by(Owner.id)), "owner")
    out["phone"] = (
        page(
            base.where(
                or_(
                    and_(Owner.phone_tail == tail, Owner.phone.like(pattern)),
                    and_(Owner.phone2_tail == tail, Owner.phone2.like(pattern)),
                )
            ).order_by(Owner.id)
        ),
        "owner",
    )
    # A name typed in the other script (刘 for 劉, 張偉 for 张伟) matches too: two index ranges.
    lo2, hi2 = bindparam("lo2", type_=String), bindparam("hi2", type_=String)
    by_name = or_(and_(Owner.name >= lo, Owner.name < hi), and_(Owner.name >= lo2, Owner.name < hi2))
    out["name"] = (page(base.where(by_name).order_by(Owner.name, Owner.id)), "owner")
    out["honorific"] = (
        page(
            base.where(by_name,
                       Owner.surname.in_([bindparam("surname", type_=String), bindparam("surname2", type_=String)]),
                       Owner.gender == bindparam("gender", type_=String)).order_by(Owner.name, Owner.id)
        ),
        "owner",
    )
    out["unit"] = (
        page(
            select(*_ROW_COLUMNS, Unit.code, Occupancy.role)
            .select_from(Unit)
            .join(Occupancy, Occupancy.unit_id == Unit.id)
            .join(Owner, Owner.id == Occupancy.owner_id)
            .where(Unit.code >= lo, Unit.code < hi)
            .order_by(Unit.code, Occupancy.id)
        ),
        "unit",
    )
    # Owner ids of a unit range in unit order, for "each owner once" (covering indexes only).
    out["unit_owner_ids"] = (
        page(
            select(Occupancy.owner_id)
            .select_from(Unit)
            .join(Occupancy, Occupancy.unit_id == Unit.id)
            .where(Unit.code >= lo, Unit.code < hi)
            .order_by(Unit.code, Occupancy.owner_id)
        ),
        "",
    )
    out["owners_by_id"] = (select(*_ROW_COLUMNS).where(Owner.id.in_(bindparam("ids", expanding=True))), "")
    # Pinyin: two ordered index range scans, each stopped after offset+limit rows:
    # initials matches first, then full-pinyin matches that are not initials matches.
    reach = bindparam("reach", type_=Integer)
    by_initials = and_(Owner.initials >= lo, Owner.initials < hi)
    first = (
        select(Owner.id.label("oid"), literal(0).label("rank"), Owner.initials.label("sort_key"))
        .where(by_initials)
        .order_by(Owner.initials, Owner.id)
        .limit(reach)
        .subquery()
    )
    second = (
        select(Owner.id.label("oid"), literal(1).label("rank"), Owner.pinyin.label("sort_key"))
        .where(Owner.pinyin >= lo, Owner.pinyin < hi, ~by_initials)
        .order_by(Owner.pinyin, Owner.id)
        .limit(reach)
        .subquery()
    )
    # One letter: every pinyin match is an initials match, so the second scan would
    # only walk (and reject) the same thousands of rows.
    for name, both in (("pinyin1", select(first)), ("pinyin", union_all(select(first), select(second)))):
        both = both.subquery()
        ranked = page(select(both.c.oid, both.c.rank, both.c.sort_key).order_by(
            both.c.rank, both.c.sort_key, both.c.oid)).subquery()
        out[name] = (
            select(*_ROW_COLUMNS).join(ranked, ranked.c.oid == Owner.id).order_by(
                ranked.c.rank, ranked.c.sort_key, ranked.c.oid),
            "owner",
        )
    out["units_of"] = (
        select(Occupancy.owner_id, Unit.code)
        .join(Unit, Unit.id == Occupancy.unit_id)
        .where(Occupancy.owner_id.in_(bindparam("ids", expanding=True)))
        .order_by(Unit.code),
        "",
    )
    return out


def _plan(query: str) -> tuple[str, dict] | None:
    """The statement name and its parameters for a search text; None when nothing can match."""
    kind, key = classify(query)
    if kind == "all":
        return "all", {}
    if kind == "phone":
        if len(key) == 4:
            return "phone4", {"tail": key}
        return "phone", {"tail": key[-4:], "pattern": f"%{key}"}
    if kind == "unit":
        return "unit", {"lo": key, "hi": key + _HIGH}
    if kind == "name":
        text, gender = _split_honorific(key)
        other = other_script(text)
        ranges = {"lo": text, "hi": text + _HIGH, "lo2": other, "hi2": other + _HIGH}
        if gender:
            return "honorific", ranges | {"surname": text, "surname2": other, "gender": gender}
        return "name", ranges
    if kind == "pinyin":
        return ("pinyin1" if len(key) == 1 else "pinyin"), {"lo": key, "hi": key + _HIGH}
    return None


def search(
    session: Session, query: str, *, limit: int = 50, offset: int = 0, per_unit: bool = False
) -> list[OwnerRow]:
    """One page of owners matching ``query`` (see the module doc), read from SQL.

    Each owner appears once (``OwnerRow.id`` is unique). With ``per_unit`` a unit
    search instead lists every person of every matching unit in unit order, one row
    per unit and person (``role`` set, ``units`` that unit; unique by ``OwnerRow.key``):
    the registry's unit directory, which costs only the page it reads.
    """
    plan = _plan(query)
    if plan is None:
        return []
    name, params = plan
    limit = max(1, min(int(limit), 500))
    offset = max(0, int(offset))
    statements = _statements()
    stmt, row_kind = statements[name]
    if name == "unit" and not per_unit:
        rows = _first_occurrences(session, statements, params, limit, offset)
        row_kind = "owner"
    else:
        rows = session.exec(stmt, params={**params, "limit": limit, "offset": offset, "reach": limit + offset}).all()
    if row_kind == "unit":
        return [
            OwnerRow(r.id, r.name, r.gender, display_phone(r.phone), r.code, r.is_vip, r.is_familiar, r.role)
            for r in rows
        ]
    units: dict[int, list[str]] = {r.id: [] for r in rows}
    if units:
        for owner_id, code in session.exec(statements["units_of"][0], params={"ids": list(units)}):
            units[owner_id].append(code)
    return [
        OwnerRow(r.id, r.name, r.gender, display_phone(r.phone), _short_units(units[r.id]), r.is_vip, r.is_familiar)
        for r in rows
    ]


def _first_occurrences(session: Session, statements: dict, params: dict, limit: int, offset: int) -> list:
    """Owners of a unit search, each once, in the order of their first matching unit.

    Walks the owner ids of the range in unit order (index-only) in batches and keeps
    each id's first place, so it reads about ``offset + limit`` links, not the whole
    range; then reads the page's owners by id.
    """
    wanted = offset + limit
    batch = max(2 * wanted, 100)
    seen: dict[int, None] = {}
    start = 0
    while len(seen) < wanted:
        chunk = session.exec(statements["unit_owner_ids"][0],
                             params={**params, "limit": batch, "offset": start}).scalars().all()
        for owner_id in chunk:
            seen.setdefault(owner_id)
            if len(seen) == wanted:
                break
        if len(chunk) < batch:
            break
        start += batch
    ids = list(seen)[offset:]
    if not ids:
        return []
    by_id = {r.id: r for r in session.exec(statements["owners_by_id"][0], params={"ids": ids})}
    return [by_id[i] for i in ids if i in by_id]


def _short_units(codes: list[str]) -> str:
    if len(codes) <= 2:
        return ", ".join(codes)
    return ", ".join(codes[:2]) + f" +{len(codes) - 2}"


def count(session: Session, query: str) -> int:
    """How many owners :func:`search` would give over all pages (an index count; cheap but not free)."""
    plan = _plan(query)
    if plan is None:
        return 0
    name, params = plan
    stmt = _statements()[name][0].limit(None).offset(None).order_by(None)
    if name == "unit":
        lo, hi = params["lo"], params["hi"]
        stmt = (
            select(Occupancy.owner_id)
            .join(Unit, Unit.id == Occupancy.unit_id)
            .where(Unit.code >= lo, Unit.code < hi)
            .distinct()
        )
        params = {}
    if name.startswith("pinyin"):
        lo, hi = params["lo"], params["hi"]
        stmt = select(Owner.id).where(
            or_(and_(Owner.initials >= lo, Owner.initials < hi), and_(Owner.pinyin >= lo, Owner.pinyin < hi))
        )
        params = {}
    return int(session.exec(select(func.count()).select_from(stmt.subquery()), params=params).scalar_one())
