"""End-of-shift self-checks: the shift lead checks each person on duty (seed 一, 二, 七).

Domain only: no Textual. Functions take a SQLModel ``Session`` first and leave
committing to the caller, with one exception: a wrong sign-off PIN is counted and
committed before the refusal is raised, so the limit on attempts holds across
restarts (and across desks).

Rules
- A check is for one person on duty (on the roster that day), one day and shift.
  Their lists are the grooming list of their gender, then deportment, the desk
  rules and the desk state (``data/checklists``, see :mod:`frontdesk.checklists`).
  The items' text is copied into the record when the check starts; a changed
  template never changes a record.
- Each item is answered pass, fail or not applicable; a fail needs a note.
- The shift lead signs with their PIN (argon2 hash on ``Staff.pin_hash``, see
  :func:`frontdesk.roster.verify_pin`). Only a complete check can be signed.
  After :data:`MAX_PIN_ATTEMPTS` wrong PINs in a row the lead is locked out for
  :data:`LOCK_MINUTES` minutes.
- A signed check never changes (the domain refuses; ``models`` also refuses any
  ORM flush that would). A correction is a new check whose ``corrects_id`` points
  to the signed one; once the correction is signed it replaces the old one in
  every figure, and the old one stays as it was.
- Compliance is passes / (passes + fails) of the signed, not-replaced checks;
  not-applicable answers count for neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from frontdesk.core import clock
from frontdesk.checklists import Template, load_templates, templates_for
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.core.i18n import current_language, t
from frontdesk.models import CHECK_ANSWERS, GENDERS, PinGuard, SelfCheck, SelfCheckItem, Staff
from frontdesk.core.text import TextRefused, clean_input
from frontdesk.names import clean_text
from frontdesk.roster import has_pin, roster_for, seat_label, seat_of, seat_order, verify_pin
from frontdesk.shifts import shift_sort_key

MAX_PIN_ATTEMPTS = 3
LOCK_MINUTES = 5
NOTE_MAX = 500
REASON_MAX = 500
HISTORY_DAYS = (7, 30)


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
        return self.state == "signed"

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
        return [i for i in self.items if i.answer == "fail"]


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
    check = session.get(SelfCheck, check_id)
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
    return exists().where(and_(newer.corrects_id == SelfCheck.id, newer.state == "signed"))


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
        select(Staff).where(Staff.role == "lead", Staff.active == True).order_by(Staff.name)  # noqa: E712
    ).scalars()
    return [LeadOption(id=s.id, name=s.name, has_pin=has_pin(s)) for s in rows]


def verify_lead(session: Session, lead_id: int, pin: str, *, now: datetime | None = None) -> LeadOption:
    """A shift lead proves who they are with their PIN (same attempt limit as signing).

    Used to unlock the lead's own work, such as editing the roster.
    """
    lead = session.get(Staff, lead_id)
    if lead is None or lead.role != "lead" or not lead.active:
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
    if current is not None and current.state == "draft":
        return _view(session, current)
    if current is not None:
        raise ConflictError(
            t("checks.err_already_signed", name=staff.name, lead=_name(session, current.lead_id),
              time=_local_hm(current.signed_at or current.started_at))
        )
    chosen = templates_for(staff.gender, load_templates() if templates is None else templates)
    if not chosen:
        raise ValidationError({"staff": t("checks.err_no_templates", name=staff.name)})
    check = SelfCheck(day=day, shift=shift, staff_id=staff_id, seat=seat, gender=staff.gender,
                      started_at=_now(now))
    session.add(check)
    session.flush()
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
    if check.state != "draft":
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
        if answer == "fail" and not note:
            raise ValidationError({"note": t("checks.err_note_required", position=position, text=row.text)})
        out[position] = (answer, note)
    return out


def _apply(rows: dict[int, SelfCheckItem], answers: dict[int, tuple[str, str]], now: datetime) -> bool:
    changed = False
    for position, (answer, note) in answers.items():
        row = rows[position]
        if (row.answer, row.note) != (answer, note):
            row.answer, row.note = answer, note
            row.answered_at = now if answer else None
            changed = True
    return changed


def save_answers(
    session: Session,
    check_id: int,
    answers: dict[int, tuple[str, str]],
    *,
    version: int | None = None,
    now: datetime | None = None,
) -> CheckView:
    """Record answers ``{position: (answer, note)}`` on a draft; ``""`` clears an answer.

    Every answer is validated before any is stored (nothing is half-saved).
    """
    check = _editable(session, check_id, version)
    rows = {row.position: row for row in _items(session, check_id)}
    clean = _validated(rows, answers)
    if _apply(rows, clean, _now(now)):
        check.version += 1
        session.flush()
    return _view(session, check)


def answer_item(
    session: Session, check_id: int, position: int, answer: str, note: str = "", *, version: int | None = None
) -> CheckView:
    """One answer: ``pass``, ``fail`` (a note is required) or ``na``."""
    return save_answers(session, check_id, {position: (answer, note)}, version=version)


def _verify_lead_pin(session: Session, lead: Staff, pin: str, now: datetime) -> None:
    guard = session.get(PinGuard, lead.id)
    locked_until = _aware(guard.locked_until) if guard else None
    if locked_until and locked_until > now:
        raise ValidationError({"pin": t("checks.err_pin_locked", name=lead.name, until=_local_hm_up(locked_until))})
    if verify_pin(session, lead.id, pin or ""):
        if guard is not None and (guard.failures or guard.locked_until):
            guard.failures, guard.locked_until = 0, None
        return
    if guard is None:
        guard = PinGuard(staff_id=lead.id, failures=0)
        session.add(guard)
    if locked_until is not None:  # an old lock that has run out: count afresh
        guard.failures, guard.locked_until = 0, None
    guard.failures += 1
    guard.last_failure_at = now
    if guard.failures >= MAX_PIN_ATTEMPTS:
        guard.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        message = t("checks.err_pin_locked", name=lead.name, until=_local_hm_up(guard.locked_until))
    else:
        message = t("checks.err_pin_wrong", left=MAX_PIN_ATTEMPTS - guard.failures)
    session.commit()  # the count must outlive the refusal (see the module notes)
    raise ValidationError({"pin": message})


def pin_lock(session: Session, lead_id: int, *, now: datetime | None = None) -> datetime | None:
    """Until when a lead is locked out of signing, or None."""
    guard = session.get(PinGuard, lead_id)
    until = _aware(guard.locked_until) if guard else None
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
        raise ValidationError({"items": t("checks.err_incomplete", count=len(missing), first=min(missing))})
    for pos, (answer, note) in merged.items():
        if answer == "fail" and not note:
            raise ValidationError({"note": t("checks.err_note_required", position=pos, text=rows[pos].text)})
    lead = _staff(session, lead_id)
    if lead is None or lead.role != "lead" or not lead.active:
        raise ValidationError({"lead": t("checks.err_not_lead", name=lead.name if lead else "?")})
    if not has_pin(lead):
        raise ValidationError({"pin": t("checks.err_no_pin", name=lead.name)})
    _verify_lead_pin(session, lead, pin, now)
    _apply(rows, clean, now)
    check.state = "signed"
    check.lead_id = lead.id
    check.signed_at = now
    check.item_count = len(rows)
    check.pass_count = sum(1 for a, _n in merged.values() if a == "pass")
    check.fail_count = sum(1 for a, _n in merged.values() if a == "fail")
    check.na_count = sum(1 for a, _n in merged.values() if a == "na")
    check.version += 1
    session.flush()
    return _view(session, check)


def start_correction(session: Session, check_id: int, reason: str, *, now: datetime | None = None) -> CheckView:
    """A new draft that corrects a signed check: same items and text, its answers prefilled.

    The signed check is left exactly as it is. A correction already begun is
    resumed; a check already replaced by a signed correction is refused (correct
    the newer one).
    """
    old = _get_check(session, check_id)
    if old.state != "signed":
        raise ValidationError({"check": t("checks.err_correct_draft")})
    existing = session.execute(
        select(SelfCheck).where(SelfCheck.corrects_id == old.id).order_by(SelfCheck.id.desc())  # type: ignore[union-attr]
    ).scalars().first()
    if existing is not None and existing.state == "signed":
        raise ConflictError(t("checks.err_already_corrected"))
    if existing is not None:
        return _view(session, existing)
    try:
        reason = clean_input(clean_text(reason), field=t("text.field.correction_reason"), limit=REASON_MAX)
    except TextRefused as exc:
        raise ValidationError({"reason": str(exc)}) from None
    if not reason:
        raise ValidationError({"reason": t("checks.err_reason_required")})
    new = SelfCheck(day=old.day, shift=old.shift, staff_id=old.staff_id, seat=old.seat, gender=old.gender,
                    corrects_id=old.id, reason=reason, started_at=_now(now), item_count=old.item_count)
    session.add(new)
    session.flush()
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


def discard_draft(session: Session, check_id: int) -> None:
    """Throw away a draft (never a signed check)."""
    check = _editable(session, check_id, None)
    for row in _items(session, check_id):
        session.delete(row)
    session.flush()
    session.delete(check)
    session.flush()


# --- carried over, board ---------------------------------------------------------


def carried_failures(session: Session, staff_id: int, day: date, shift: str) -> list[FailedItem]:
    """The failed items of the person's last signed check before this day and shift."""
    rows = session.execute(
        select(SelfCheck)
        .where(SelfCheck.staff_id == staff_id, SelfCheck.state == "signed", SelfCheck.day <= day,
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
    return [_failed_of(row, previous, lang) for row in _items(session, previous.id) if row.answer == "fail"]


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
        if standing and check is not None and check.state == "draft" and check.corrects_id is not None:
            old = session.get(SelfCheck, check.corrects_id)
            if old is not None and old.state == "signed":
                status.correction_pending = True
                check = old
        if check is not None:
            items = _items(session, check.id)
            status.check_id = check.id
            status.state = check.state
            status.is_correction = check.corrects_id is not None
            status.items = len(items)
            status.answered = sum(1 for i in items if i.answer)
            status.passed = sum(1 for i in items if i.answer == "pass")
            status.failed = sum(1 for i in items if i.answer == "fail")
            status.na = sum(1 for i in items if i.answer == "na")
            status.lead_name = _name(session, check.lead_id)
            status.signed_at = _aware(check.signed_at)
            status.failed_items = [_failed_of(i, check, lang) for i in items if i.answer == "fail"]
            if check.state == "draft" and check.corrects_id is not None:
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
        if answer == "pass":
            self.passed += count
        elif answer == "fail":
            self.failed += count
        elif answer == "na":
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
    base = [SelfCheck.state == "signed", SelfCheck.day >= start30, SelfCheck.day <= today, ~_replaced_clause()]
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
    base = [SelfCheck.state == "signed", SelfCheck.day >= start30, SelfCheck.day <= today, ~_replaced_clause()]
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
