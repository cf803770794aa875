"""End-of-shift self-checks: the shift lead checks each person on duty (seed 一, 二, 七).

Domain only: no Textual. Functions take a SQLModel ``Session`` first and leave
committing to the caller, with one exception: the sign-off PIN's attempt count
(``PinGuard``) is kept in its own short transactions, committed at once, so the
limit on attempts holds across restarts, across desks and across a refusal.

Rules
- A check is for one person on duty (on the roster that day), one day and shift.
  Their lists are the grooming list of their gender, then deportment, the desk
  rules and the desk state (``data/checklists``, see :mod:`frontdesk.checklists`).
  The items' text is copied into the record when the check starts; a changed
  template never changes a record.
- Each item is answered pass, fail or not applicable; a fail needs a note.
- The shift lead signs with their PIN (argon2 hash on ``Staff.pin_hash``, see
  :func:`frontdesk.roster.verify_pin`). Only a complete check can be signed.
- After :data:`MAX_PIN_ATTEMPTS` wrong PINs in a row the lead is locked out for
  :data:`LOCK_MINUTES` minutes. Each attempt is claimed atomically before its PIN is
  checked (one upsert that also refuses a locked lead), so parallel desks together
  get at most :data:`MAX_PIN_ATTEMPTS` guesses checked per lock window.
- A check moves through the state mechanism (:data:`CHECKS`, :mod:`frontdesk.core.states`):
  start (draft) → answer … → sign (signed), or discard; a correction starts a new
  draft. Every write to a check is a conditional version UPDATE of the check (the
  "answer" move claims it before its items are written), so of two desks saving
  from the same version, or two leads signing at once, the second is refused with
  a :class:`ConflictError`, never silently overwritten; each move leaves a history row.
- A signed check never changes: the domain refuses, ``models`` refuses any ORM
  flush that would, and the database itself refuses to update or delete a signed
  check or its items (triggers, migration 0004). A correction is a new check whose
  ``corrects_id`` points to the signed one; once the correction is signed it
  replaces the old one in every figure, and the old one stays as it was.
- Compliance is passes / (passes + fails) of the signed, not-replaced checks;
  not-applicable answers count for neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, case, exists, func, literal, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased
from sqlmodel import Session

from frontdesk import report
from frontdesk.checklists import Template, load_templates, templates_for
from frontdesk.core import clock, states
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.core.history import masked
from frontdesk.core.i18n import current_language, t, tn
from frontdesk.core.text import TextRefused, clean_input
from frontdesk.models import (
    CHECK_ANSWERS,
    GENDERS,
    CheckAnswer,
    CheckState,
    PinGuard,
    SelfCheck,
    SelfCheckItem,
    Staff,
    StaffRole,
)
from frontdesk.names import clean_text
from frontdesk.roster import has_pin, roster_for, seat_label, seat_of, seat_order, verify_pin
from frontdesk.shifts import shift_sort_key

MAX_PIN_ATTEMPTS = 3
LOCK_MINUTES = 5
NOTE_MAX = 500
REASON_MAX = 500
HISTORY_DAYS = (7, 30)

DRAFT, SIGNED = CheckState.DRAFT, CheckState.SIGNED
# A self-check's moves (frontdesk.core.states); their names are in checks.toml, [check].
CHECKS = states.Machine(
    model=SelfCheck,
    states=CheckState,
    initial={DRAFT},
    creations=("start", "correct"),
    transitions={
        (DRAFT, "answer"): DRAFT,
        (DRAFT, "sign"): SIGNED,
        (DRAFT, "discard"): states.GONE,
    },
    area="checks.check",
    conflict_key="checks.err_conflict",
    missing_key="checks.err_check_missing",
)


# --- plain views the screens and the report read -------------------------------


def _pick(lang: str, hant: str, hans: str, en: str) -> str:
    if lang == "zh-Hans" and hans:
        return hans
    if lang == "en" and en:
        return en
    return hant


@dataclass
class ItemView:
    position: int
    template_id: str
    item_id: str
    section: str  # in the UI language
    text: str  # in the UI language
    text_hant: str  # the text checked against
    answer: str = ""
    note: str = ""


@dataclass
class FailedItem:
    day: date
    shift: str
    section: str
    text: str
    note: str


@dataclass
class CheckView:
    id: int
    day: date
    shift: str
    staff_id: int
    staff_name: str
    gender: str
    seat: str
    state: str
    version: int
    corrects_id: int | None
    reason: str
    lead_name: str
    started_at: datetime
    signed_at: datetime | None
    items: list[ItemView]
    carried: list[FailedItem] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return self.state == SIGNED

    @property
    def unanswered(self) -> list[ItemView]:
        return [i for i in self.items if not i.answer]

    @property
    def complete(self) -> bool:
        return not self.unanswered

    def count(self, answer: str) -> int:
        return sum(1 for i in self.items if i.answer == answer)

    @property
    def failed(self) -> list[ItemView]:
        return [i for i in self.items if i.answer == CheckAnswer.FAIL]


@dataclass
class PersonStatus:
    """One row of the lead's board: a person on duty and where their check stands."""

    staff_id: int
    name: str
    gender: str
    seat: str
    seat_label: str
    shift: str
    on_duty: bool
    check_id: int | None = None
    state: str = "none"  # none, draft, signed
    is_correction: bool = False
    items: int = 0
    answered: int = 0
    passed: int = 0
    failed: int = 0
    na: int = 0
    lead_name: str = ""
    signed_at: datetime | None = None
    failed_items: list[FailedItem] = field(default_factory=list)
    carried: list[FailedItem] = field(default_factory=list)
    correction_pending: bool = False  # (standing rows) a correction of this signed record is being made


@dataclass
class LeadOption:
    id: int
    name: str
    has_pin: bool


# --- helpers ---------------------------------------------------------------------


_now = clock.resolve


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _local_hm(value: datetime) -> str:
    return f"{_aware(value).astimezone():%H:%M}"


def _local_hm_up(value: datetime) -> str:
    """The first whole minute at or after ``value``: a lock "until 12:06" is over at 12:06."""
    value = _aware(value)
    if value.second or value.microsecond:
        value = value.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return _local_hm(value)


def _get_check(session: Session, check_id: int) -> SelfCheck:
    check = session.get(SelfCheck, check_id, populate_existing=True)
    if check is None:
        raise NotFoundError(t("checks.err_check_missing"))
    return check


def _staff(session: Session, staff_id: int | None) -> Staff | None:
    return session.get(Staff, staff_id) if staff_id is not None else None


def _name(session: Session, staff_id: int | None) -> str:
    staff = _staff(session, staff_id)
    return staff.name if staff else ""


def _items(session: Session, check_id: int) -> list[SelfCheckItem]:
    return list(
        session.execute(
            select(SelfCheckItem).where(SelfCheckItem.check_id == check_id).order_by(SelfCheckItem.position)
        ).scalars()
    )


def _item_view(row: SelfCheckItem, lang: str) -> ItemView:
    return ItemView(
        position=row.position,
        template_id=row.template_id,
        item_id=row.item_id,
        section=_pick(lang, row.section, row.section_hans, row.section_en),
        text=_pick(lang, row.text, row.text_hans, row.text_en),
        text_hant=row.text,
        answer=row.answer,
        note=row.note,
    )


def _failed_of(row: SelfCheckItem, check: SelfCheck, lang: str) -> FailedItem:
    return FailedItem(
        day=check.day,
        shift=check.shift,
        section=_pick(lang, row.section, row.section_hans, row.section_en),
        text=_pick(lang, row.text, row.text_hans, row.text_en),
        note=row.note,
    )


def _replaced_clause():
    """SQL: this (signed) check has a signed correction, so it no longer counts."""
    newer = aliased(SelfCheck)
    return exists().where(and_(newer.corrects_id == SelfCheck.id, newer.state == SIGNED))


def _view(session: Session, check: SelfCheck, *, carried: list[FailedItem] | None = None) -> CheckView:
    lang = current_language()
    return CheckView(
        id=check.id,
        day=check.day,
        shift=check.shift,
        staff_id=check.staff_id,
        staff_name=_name(session, check.staff_id),
        gender=check.gender,
        seat=check.seat,
        state=check.state,
        version=check.version,
        corrects_id=check.corrects_id,
        reason=check.reason,
        lead_name=_name(session, check.lead_id),
        started_at=_aware(check.started_at),
        signed_at=_aware(check.signed_at),
        items=[_item_view(row, lang) for row in _items(session, check.id)],
        carried=carried if carried is not None else carried_failures(session, check.staff_id, check.day, check.shift),
    )


def get_check(session: Session, check_id: int) -> CheckView:
    return _view(session, _get_check(session, check_id))


def latest_check(session: Session, staff_id: int, day: date, shift: str) -> SelfCheck | None:
    """The newest record of a person's check for a day and shift (a correction if there is one)."""
    return session.execute(
        select(SelfCheck)
        .where(SelfCheck.staff_id == staff_id, SelfCheck.day == day, SelfCheck.shift == shift)
        .order_by(SelfCheck.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).scalar_one_or_none()


def leads(session: Session) -> list[LeadOption]:
    """Active shift leads who can sign (those without a PIN are listed, marked)."""
    rows = session.execute(
        select(Staff).where(Staff.role == StaffRole.LEAD, Staff.active == True).order_by(Staff.name)  # noqa: E712
    ).scalars()
    return [LeadOption(id=s.id, name=s.name, has_pin=has_pin(s)) for s in rows]


def verify_lead(session: Session, lead_id: int, pin: str, *, now: datetime | None = None) -> LeadOption:
    """A shift lead proves who they are with their PIN (same attempt limit as signing).

    Used to unlock the lead's own work, such as editing the roster.
    """
    lead = session.get(Staff, lead_id)
    if lead is None or lead.role != StaffRole.LEAD or not lead.active:
        raise ValidationError({"pin": t("checks.err_not_lead", name=lead.name if lead else str(lead_id))})
    _verify_lead_pin(session, lead, pin, _now(now))
    return LeadOption(id=lead.id, name=lead.name, has_pin=has_pin(lead))


# --- the run ---------------------------------------------------------------------


def start_check(
    session: Session,
    staff_id: int,
    day: date,
    shift: str,
    *,
    templates: list[Template] | None = None,
    now: datetime | None = None,
) -> CheckView:
    """Start (or resume) a person's check for a day and shift.

    The person must be on the roster that day. A draft already started is
    resumed as it is; a signed check is refused (correct it instead).
    """
    staff = _staff(session, staff_id)
    if staff is None:
        raise NotFoundError(t("checks.err_staff_missing"))
    seat = seat_of(session, day, staff_id)
    if seat is None or not staff.active:
        raise ValidationError({"staff": t("checks.err_not_on_duty", name=staff.name, day=day.isoformat())})
    if staff.gender not in GENDERS:
        raise ValidationError({"staff": t("checks.err_gender", name=staff.name)})
    current = latest_check(session, staff_id, day, shift)
    if current is not None and current.state == DRAFT:
        return _view(session, current)
    if current is not None:
        raise ConflictError(
            t("checks.err_already_signed", name=staff.name, lead=_name(session, current.lead_id),
              time=_local_hm(current.signed_at or current.started_at))
        )
    chosen = templates_for(staff.gender, load_templates() if templates is None else templates)
    if not chosen:
        raise ValidationError({"staff": t("checks.err_no_templates", name=staff.name)})
    now = _now(now)
    check = states.create(session, CHECKS, SelfCheck(day=day, shift=shift, staff_id=staff_id, seat=seat,
                                                     gender=staff.gender, state=DRAFT, started_at=now),
                          action="start", now=now)
    position = 0
    for template in chosen:
        for item in template.items:
            position += 1
            session.add(SelfCheckItem(
                check_id=check.id, position=position,
                template_id=template.id, template_version=template.version, item_id=item.id,
                section=template.titles["zh-Hant"][:80],
                section_hans=template.titles.get("zh-Hans", "")[:80],
                section_en=template.titles.get("en", "")[:80],
                text=item.text, text_hans=item.texts.get("zh-Hans", ""), text_en=item.texts.get("en", ""),
            ))
    check.item_count = position
    session.flush()
    return _view(session, check)


def _editable(session: Session, check_id: int, version: int | None) -> SelfCheck:
    check = _get_check(session, check_id)
    if check.state != DRAFT:
        raise ConflictError(t("checks.err_signed_immutable"))
    if version is not None and check.version != version:
        raise ConflictError(t("checks.err_conflict"))
    return check


def _validated(rows: dict[int, SelfCheckItem], answers: dict[int, tuple[str, str]]) -> dict[int, tuple[str, str]]:
    """Clean answers by position; ValidationError naming the first bad item."""
    out: dict[int, tuple[str, str]] = {}
    for position, (answer, note) in sorted(answers.items()):
        row = rows.get(position)
        if row is None:
            raise ValidationError({"item": t("checks.err_item_missing", position=position)})
        answer = (answer or "").strip().lower()
        try:
            note = clean_input(clean_text(note or ""), field=t("text.field.check_note"), limit=NOTE_MAX)
        except TextRefused as exc:
            raise ValidationError({"note": str(exc)}) from None
        if answer and answer not in CHECK_ANSWERS:
            raise ValidationError({"answer": t("checks.err_answer", answer=answer)})
        if answer == CheckAnswer.FAIL and not note:
            raise ValidationError({"note": t("checks.err_note_required", position=position, text=row.text)})
        out[position] = (answer, note)
    return out


def _answer(session: Session, check: SelfCheck, rows: dict[int, SelfCheckItem],
            answers: dict[int, tuple[str, str]], now: datetime) -> bool:
    """Store the answers that differ from the items: the "answer" move claims the check first.

    The claim is the conditional version UPDATE of the check (``WHERE version = … AND
    state = 'draft'``): a second desk saving from the same version, or a save that
    overlaps a signature, is refused there, before any item is written.
    """
    changed = {pos: value for pos, value in answers.items() if (rows[pos].answer, rows[pos].note) != value}
    if not changed:
        return False
    details = {f"item.{pos}": [masked("text", [rows[pos].answer, rows[pos].note]), masked("text", list(value))]
               for pos, value in sorted(changed.items())}
    states.move(session, CHECKS, check, "answer", expected_version=check.version, details=details, now=now)
    for position, (answer, note) in changed.items():
        row = rows[position]
        row.answer, row.note = answer, note
        row.answered_at = now if answer else None
    session.flush()
    return True


def save_answers(
    session: Session,
    check_id: int,
    answers: dict[int, tuple[str, str]],
    *,
    version: int | None = None,
    now: datetime | None = None,
) -> CheckView:
    """Record answers ``{position: (answer, note)}`` on a draft; ``""`` clears an answer.

    Every answer is validated before any is stored (nothing is half-saved). With
    ``version`` (the one the screen read) a check changed since is refused with a
    :class:`ConflictError`; without it, the version read here is the one claimed.
    """
    check = _editable(session, check_id, version)
    rows = {row.position: row for row in _items(session, check_id)}
    clean = _validated(rows, answers)
    _answer(session, check, rows, clean, _now(now))
    return _view(session, check)


def answer_item(
    session: Session, check_id: int, position: int, answer: str, note: str = "", *, version: int | None = None
) -> CheckView:
    """One answer: ``pass``, ``fail`` (a note is required) or ``na``."""
    return save_answers(session, check_id, {position: (answer, note)}, version=version)


@contextmanager
def _guard_transaction(session: Session) -> Iterator[Connection]:
    """A short transaction of its own for the PIN attempt count, committed when the block ends.

    On SQLite a connection that has already written holds the database's write lock,
    so a second connection would wait for it: then the count rides in the caller's
    own transaction instead (the domain verifies PINs before it writes anything).
    """
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and getattr(raw, "in_transaction", False):
        yield connection
        return
    with connection.engine.begin() as own:
        yield own


def _claim_attempt(connection: Connection, staff_id: int, now: datetime):
    """Count one PIN attempt before its PIN is checked: one atomic upsert, refused while locked.

    Returns ``(failures, locked_until)`` with this attempt counted, or None when the
    lead is locked out (the PIN must not be checked). The attempt that reaches
    :data:`MAX_PIN_ATTEMPTS` sets the lock at once; a right PIN clears the count again.
    No read-then-write, and no IntegrityError when the lead has no guard row yet.
    """
    table = PinGuard.__table__
    lock_end = now + timedelta(minutes=LOCK_MINUTES)
    until = literal(lock_end, table.c.locked_until.type)
    at = literal(now, table.c.locked_until.type)
    expired = and_(table.c.locked_until.is_not(None), table.c.locked_until <= at)
    failures = case((expired, 1), else_=table.c.failures + 1)
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(PinGuard).values(
        staff_id=staff_id, failures=1, last_failure_at=now,
        locked_until=lock_end if MAX_PIN_ATTEMPTS <= 1 else None,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.staff_id],
        set_={
            "failures": failures,
            "locked_until": case((failures >= MAX_PIN_ATTEMPTS, until), else_=null()),
            "last_failure_at": at,
        },
        where=or_(table.c.locked_until.is_(None), table.c.locked_until <= at),
    ).returning(table.c.failures, table.c.locked_until)
    return connection.execute(stmt).first()


def _verify_lead_pin(session: Session, lead: Staff, pin: str, now: datetime) -> None:
    """The lead's PIN, with the attempt claimed first (see :func:`_claim_attempt`); a refusal says what is left."""
    with _guard_transaction(session) as connection:
        claimed = _claim_attempt(connection, lead.id, now)
    if claimed is None:
        until = pin_lock(session, lead.id, now=now) or now + timedelta(minutes=LOCK_MINUTES)
        raise ValidationError({"pin": t("checks.err_pin_locked", name=lead.name, until=_local_hm_up(until))})
    failures, locked_until = claimed
    if verify_pin(session, lead.id, pin or ""):
        with _guard_transaction(session) as connection:
            connection.execute(update(PinGuard).where(PinGuard.staff_id == lead.id)
                               .values(failures=0, locked_until=None))
        return
    if locked_until is not None:
        message = t("checks.err_pin_locked", name=lead.name, until=_local_hm_up(clock.aware(locked_until)))
    else:
        message = tn("checks.err_pin_wrong", MAX_PIN_ATTEMPTS - failures)
    raise ValidationError({"pin": message})


def pin_lock(session: Session, lead_id: int, *, now: datetime | None = None) -> datetime | None:
    """Until when a lead is locked out of signing, or None (read afresh, never from the session's cache)."""
    until = _aware(session.execute(
        select(PinGuard.locked_until).where(PinGuard.staff_id == lead_id)).scalar_one_or_none())
    return until if until and until > _now(now) else None


def sign_check(
    session: Session,
    check_id: int,
    lead_id: int,
    pin: str,
    *,
    answers: dict[int, tuple[str, str]] | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> CheckView:
    """The lead signs a complete check with their PIN; from then on it never changes.

    ``answers`` (by position) are applied first, in the same transaction. Refused,
    with nothing saved: an incomplete check, a fail without a note, someone who
    is not an active shift lead, a lead without a PIN, a wrong PIN (counted), a
    locked-out lead.
    """
    now = _now(now)
    check = _editable(session, check_id, version)
    rows = {row.position: row for row in _items(session, check_id)}
    clean = _validated(rows, answers or {})
    merged = {pos: (row.answer, row.note) for pos, row in rows.items()} | clean
    missing = [pos for pos, (answer, _note) in merged.items() if not answer]
    if missing:
        raise ValidationError({"items": tn("checks.err_incomplete", len(missing), first=min(missing))})
    for pos, (answer, note) in merged.items():
        if answer == CheckAnswer.FAIL and not note:
            raise ValidationError({"note": t("checks.err_note_required", position=pos, text=rows[pos].text)})
    lead = _staff(session, lead_id)
    if lead is None or lead.role != StaffRole.LEAD or not lead.active:
        raise ValidationError({"lead": t("checks.err_not_lead", name=lead.name if lead else "?")})
    if not has_pin(lead):
        raise ValidationError({"pin": t("checks.err_no_pin", name=lead.name)})
    _verify_lead_pin(session, lead, pin, now)  # before the first write (its count has a transaction of its own)
    _answer(session, check, rows, clean, now)  # claims the check when answers come with the signature
    given = [answer for answer, _note in merged.values()]
    states.move(session, CHECKS, check, "sign", expected_version=check.version, now=now, values={
        "lead_id": lead.id,
        "signed_at": now,
        "item_count": len(rows),
        "pass_count": given.count(CheckAnswer.PASS),
        "fail_count": given.count(CheckAnswer.FAIL),
        "na_count": given.count(CheckAnswer.NA),
    })
    return _view(session, check)


def start_correction(session: Session, check_id: int, reason: str, *, now: datetime | None = None) -> CheckView:
    """A new draft that corrects a signed check: same items and text, its answers prefilled.

    The signed check is left exactly as it is. A correction already begun is
    resumed; a check already replaced by a signed correction is refused (correct
    the newer one).
    """
    old = _get_check(session, check_id)
    if old.state != SIGNED:
        raise ValidationError({"check": t("checks.err_correct_draft")})
    existing = session.execute(
        select(SelfCheck).where(SelfCheck.corrects_id == old.id).order_by(SelfCheck.id.desc())  # type: ignore[union-attr]
    ).scalars().first()
    if existing is not None and existing.state == SIGNED:
        raise ConflictError(t("checks.err_already_corrected"))
    if existing is not None:
        return _view(session, existing)
    try:
        reason = clean_input(clean_text(reason), field=t("text.field.correction_reason"), limit=REASON_MAX)
    except TextRefused as exc:
        raise ValidationError({"reason": str(exc)}) from None
    if not reason:
        raise ValidationError({"reason": t("checks.err_reason_required")})
    now = _now(now)
    new = states.create(session, CHECKS, SelfCheck(
        day=old.day, shift=old.shift, staff_id=old.staff_id, seat=old.seat, gender=old.gender, state=DRAFT,
        corrects_id=old.id, reason=reason, started_at=now, item_count=old.item_count,
    ), action="correct", note=reason, now=now)
    for row in _items(session, old.id):
        session.add(SelfCheckItem(
            check_id=new.id, position=row.position, template_id=row.template_id,
            template_version=row.template_version, item_id=row.item_id,
            section=row.section, section_hans=row.section_hans, section_en=row.section_en,
            text=row.text, text_hans=row.text_hans, text_en=row.text_en,
            answer=row.answer, note=row.note, answered_at=row.answered_at,
        ))
    session.flush()
    return _view(session, new)


def discard_draft(session: Session, check_id: int, *, version: int | None = None,
                  now: datetime | None = None) -> None:
    """Throw away a draft (never a signed check): the "discard" move deletes it; its items go with it."""
    check = _editable(session, check_id, version)
    items = _items(session, check_id)
    states.move(session, CHECKS, check, "discard", expected_version=check.version, now=_now(now),
                details={"items": [len(items), 0]})
    for row in items:  # deleted by the database with the check (ON DELETE CASCADE)
        session.expunge(row)


# --- carried over, board ---------------------------------------------------------


def carried_failures(session: Session, staff_id: int, day: date, shift: str) -> list[FailedItem]:
    """The failed items of the person's last signed check before this day and shift."""
    rows = session.execute(
        select(SelfCheck)
        .where(SelfCheck.staff_id == staff_id, SelfCheck.state == SIGNED, SelfCheck.day <= day,
               ~_replaced_clause())
        .order_by(SelfCheck.day.desc(), SelfCheck.id.desc())  # type: ignore[union-attr]
        .limit(12)
    ).scalars().all()
    here = shift_sort_key(shift)
    previous = next(
        (c for c in rows if c.day < day or (c.day == day and c.shift != shift and shift_sort_key(c.shift) < here)),
        None,
    )
    if previous is None:
        return []
    lang = current_language()
    return [_failed_of(row, previous, lang) for row in _items(session, previous.id) if row.answer == CheckAnswer.FAIL]


def day_board(session: Session, day: date, shift: str | None, *, standing: bool = False) -> list[PersonStatus]:
    """Everyone on duty on ``day`` (and anyone with a check that day), with their check.

    ``shift`` None lists every shift's checks of the day (for the whole-day report).
    ``standing`` (the handover report): a correction not yet signed does not count;
    the row is the signed record it corrects, marked ``correction_pending``.
    """
    lang = current_language()
    roster = roster_for(session, day)
    query = select(SelfCheck).where(SelfCheck.day == day)
    if shift is not None:
        query = query.where(SelfCheck.shift == shift)
    latest: dict[tuple[int, str], SelfCheck] = {}
    for check in session.execute(query.order_by(SelfCheck.id)).scalars():
        latest[(check.staff_id, check.shift)] = check
    on_duty_ids = {staff.id for staff in roster.values()}
    rows: list[PersonStatus] = []
    seen: set[tuple[int, str]] = set()

    def add(staff: Staff, seat: str, check: SelfCheck | None, row_shift: str) -> None:
        status = PersonStatus(
            staff_id=staff.id, name=staff.name, gender=staff.gender, seat=seat, seat_label=seat_label(seat),
            shift=row_shift, on_duty=staff.id in on_duty_ids,
        )
        if standing and check is not None and check.state == DRAFT and check.corrects_id is not None:
            old = session.get(SelfCheck, check.corrects_id)
            if old is not None and old.state == SIGNED:
                status.correction_pending = True
                check = old
        if check is not None:
            items = _items(session, check.id)
            status.check_id = check.id
            status.state = check.state
            status.is_correction = check.corrects_id is not None
            status.items = len(items)
            status.answered = sum(1 for i in items if i.answer)
            status.passed = sum(1 for i in items if i.answer == CheckAnswer.PASS)
            status.failed = sum(1 for i in items if i.answer == CheckAnswer.FAIL)
            status.na = sum(1 for i in items if i.answer == CheckAnswer.NA)
            status.lead_name = _name(session, check.lead_id)
            status.signed_at = _aware(check.signed_at)
            status.failed_items = [_failed_of(i, check, lang) for i in items if i.answer == CheckAnswer.FAIL]
            if check.state == DRAFT and check.corrects_id is not None:
                # the signed record being corrected still stands until the correction is signed
                old = session.get(SelfCheck, check.corrects_id)
                if old is not None:
                    status.lead_name = _name(session, old.lead_id)
        status.carried = carried_failures(session, staff.id, day, row_shift)
        rows.append(status)

    for seat, staff in roster.items():
        shifts = sorted({s for (sid, s) in latest if sid == staff.id}, key=shift_sort_key) or [shift or ""]
        for row_shift in shifts:
            add(staff, seat, latest.get((staff.id, row_shift)), row_shift)
            seen.add((staff.id, row_shift))
    for (staff_id, row_shift), check in sorted(latest.items(), key=lambda kv: kv[1].id):
        if (staff_id, row_shift) in seen:
            continue
        staff = _staff(session, staff_id)
        if staff is not None:
            add(staff, check.seat, check, row_shift)
    rows.sort(key=lambda r: (seat_order(r.seat), shift_sort_key(r.shift), r.name))
    return rows


# --- history -----------------------------------------------------------------------


@dataclass
class Rate:
    passed: int = 0
    failed: int = 0
    na: int = 0

    def add(self, answer: str, count: int) -> None:
        if answer == CheckAnswer.PASS:
            self.passed += count
        elif answer == CheckAnswer.FAIL:
            self.failed += count
        elif answer == CheckAnswer.NA:
            self.na += count

    @property
    def checked(self) -> int:
        return self.passed + self.failed

    @property
    def rate(self) -> float | None:
        """Share of passes among pass + fail (N/A excluded); None without any."""
        return self.passed / self.checked if self.checked else None

    def percent(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{rate * 100:.0f}%"


@dataclass
class PersonTrend:
    staff_id: int
    name: str
    last7: Rate
    last30: Rate
    checks7: int
    checks30: int
    daily: list[tuple[date, float | None]]  # oldest first, one per day of the last 30


@dataclass
class ItemTrend:
    template_id: str
    item_id: str
    section: str
    text: str
    last7: Rate
    last30: Rate


def _window(today: date, days: int) -> date:
    return today - timedelta(days=days - 1)


def person_trends(session: Session, today: date, *, staff_ids: list[int] | None = None) -> list[PersonTrend]:
    """Per person: compliance over the last 7 and 30 days (today included) and a daily series."""
    start30, start7 = _window(today, 30), _window(today, 7)
    base = [SelfCheck.state == SIGNED, SelfCheck.day >= start30, SelfCheck.day <= today, ~_replaced_clause()]
    if staff_ids is not None:
        base.append(SelfCheck.staff_id.in_(staff_ids))  # type: ignore[attr-defined]
    answers = session.execute(
        select(SelfCheck.staff_id, SelfCheck.day, SelfCheckItem.answer, func.count(SelfCheckItem.id))
        .join(SelfCheckItem, SelfCheckItem.check_id == SelfCheck.id)
        .where(*base)
        .group_by(SelfCheck.staff_id, SelfCheck.day, SelfCheckItem.answer)
    ).all()
    checks = session.execute(
        select(SelfCheck.staff_id, SelfCheck.day, func.count(SelfCheck.id)).where(*base)
        .group_by(SelfCheck.staff_id, SelfCheck.day)
    ).all()
    ids = set(staff_ids or []) | {row[0] for row in answers}
    days = [start30 + timedelta(days=n) for n in range(30)]
    out: list[PersonTrend] = []
    for staff_id in ids:
        staff = _staff(session, staff_id)
        if staff is None:
            continue
        last7, last30 = Rate(), Rate()
        per_day: dict[date, Rate] = {}
        for sid, day, answer, count in answers:
            if sid != staff_id:
                continue
            last30.add(answer, count)
            if day >= start7:
                last7.add(answer, count)
            per_day.setdefault(day, Rate()).add(answer, count)
        c7 = sum(n for sid, day, n in checks if sid == staff_id and day >= start7)
        c30 = sum(n for sid, day, n in checks if sid == staff_id)
        out.append(PersonTrend(
            staff_id=staff_id, name=staff.name, last7=last7, last30=last30, checks7=c7, checks30=c30,
            daily=[(d, per_day[d].rate if d in per_day else None) for d in days],
        ))
    out.sort(key=lambda p: p.name)
    return out


def item_trends(
    session: Session, today: date, *, staff_id: int | None = None, templates: list[Template] | None = None
) -> list[ItemTrend]:
    """Per checklist item: compliance over the last 7 and 30 days, for one person or everyone."""
    start30, start7 = _window(today, 30), _window(today, 7)
    base = [SelfCheck.state == SIGNED, SelfCheck.day >= start30, SelfCheck.day <= today, ~_replaced_clause()]
    if staff_id is not None:
        base.append(SelfCheck.staff_id == staff_id)
    recent = (SelfCheck.day >= start7).label("recent")
    rows = session.execute(
        select(SelfCheckItem.template_id, SelfCheckItem.item_id, recent, SelfCheckItem.answer,
               func.count(SelfCheckItem.id), func.max(SelfCheckItem.id), func.min(SelfCheckItem.position))
        .join(SelfCheck, SelfCheckItem.check_id == SelfCheck.id)
        .where(*base)
        .group_by(SelfCheckItem.template_id, SelfCheckItem.item_id, recent, SelfCheckItem.answer)
    ).all()
    figures: dict[tuple[str, str], list] = {}
    for template_id, item_id, is_recent, answer, count, last_id, position in rows:
        entry = figures.setdefault((template_id, item_id), [Rate(), Rate(), last_id, position])
        entry[1].add(answer, count)
        if is_recent:
            entry[0].add(answer, count)
        entry[2] = max(entry[2], last_id)
        entry[3] = min(entry[3], position)
    try:
        loaded = load_templates() if templates is None else templates
    except Exception:  # noqa: BLE001 - history still shows from the records' own text
        loaded = []
    order = {(tpl.id, item.id): (tpl.order, n) for tpl in loaded for n, item in enumerate(tpl.items)}
    lang = current_language()
    out: list[ItemTrend] = []
    positions: dict[tuple[str, str], int] = {}
    for (template_id, item_id), (last7, last30, last_id, position) in figures.items():
        row = session.get(SelfCheckItem, last_id)
        out.append(ItemTrend(
            template_id=template_id, item_id=item_id,
            section=_pick(lang, row.section, row.section_hans, row.section_en),
            text=_pick(lang, row.text, row.text_hans, row.text_en),
            last7=last7, last30=last30,
        ))
        positions[(template_id, item_id)] = position
    out.sort(key=lambda it: order.get((it.template_id, it.item_id), (10_000, positions[(it.template_id, it.item_id)])))
    return out


# --- the handover report's self-check section ------------------------------------------------


@report.section("checks", order=report.SECTION_ORDER["checks"])
def report_part(session: Session, window: report.Window) -> report.Contribution:
    """The shift's self-checks for the handover report, with the flags the next shift must see.

    The board is the standing one: a correction not yet signed leaves the signed record it corrects.
    """
    checks = day_board(session, window.day, window.checks_shift, standing=True)
    label = t("reports.flag_kind_check")
    flags: list[report.Flag] = []
    rows = []
    for person in checks:
        if not person.on_duty and person.state == "none":
            continue
        if person.state != SIGNED:
            flags.append(report.Flag("check_missing", t("reports.flag_check_missing", name=person.name), label))
        if person.failed:
            flags.append(report.Flag("check_failed", tn("reports.flag_check_failed", person.failed,
                                                        name=person.name), label))
        if person.is_correction and person.state == SIGNED:
            flags.append(report.Flag("check_corrected", t("reports.flag_check_corrected", name=person.name), label))
        if person.correction_pending:
            flags.append(report.Flag("check_correcting", t("reports.flag_check_correcting", name=person.name), label))
        state = {SIGNED: t("reports.check_signed"), DRAFT: t("reports.check_draft")}.get(
            person.state, t("reports.check_none"))
        if person.is_correction:
            state += t("reports.check_correction_mark")
        failed = ";".join(f"{f.text}({f.note})" if f.note else f.text for f in person.failed_items)
        rows.append([
            seat_label(person.seat) if person.seat else "—", person.name, state,
            str(person.passed), str(person.failed), str(person.na), person.lead_name,
            report.hm(person.signed_at) if person.state == SIGNED else "", failed,
        ])
    section = report.Section(
        "checks", t("reports.section_checks"),
        [t("reports.col_seat"), t("reports.col_name"), t("reports.col_check_state"), t("reports.col_passed"),
         t("reports.col_failed"), t("reports.col_na"), t("reports.col_lead"), t("reports.col_signed_at"),
         t("reports.col_failed_items")],
        rows, empty=t("reports.checks_none"),
    )
    return report.Contribution(sections=[section], flags=flags, facts={"checks": checks})
