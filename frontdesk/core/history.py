"""The history of every record, which is also the audit log (table ``history``, :class:`frontdesk.models.History`).

Who acts: the app sets the operator at the desk around each database call
(``FrontDeskApp.run_db``), a command sets its own name; the history rows written
in that call name them. It is a context variable, so each worker thread has its own::

    with acting_as("李文"):
        deskqueue.arrive(session, ...)

Where the rows come from, one place each:

- records that move through states (encounters, self-checks; later visits, passes,
  work orders, complaints): the state mechanism, :func:`frontdesk.core.states.move`
  and :func:`~frontdesk.core.states.create`;
- plain edits of an audited table (``__audited__ = True`` on the model: units, owners,
  occupancy, staff and PINs, the roster, a person's own state): a session hook
  (:func:`_audit_flush`) for whatever the ORM inserts, changes or deletes, and
  :func:`versioned_update` for the conditional version UPDATE an edit from a form
  makes. No domain function writes history rows itself.

Personal data is masked in what is stored (the model's ``__personal__`` declares
its fields): phones keep their last 4 digits (``*******5678``), ID numbers their
first six and last four, secrets (a PIN hash) only whether they are set, and every
other text goes through the ID-number masker. The table is append-only: the ORM
refuses to change or delete a row (``models._guard_history``) and so does the
database (triggers, migration 0004).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from frontdesk.core import clock
from frontdesk.core.errors import ConflictError, NotFoundError
from frontdesk.core.i18n import t
from frontdesk.core.text import mask_id_number, mask_ids_in_text

_actor: ContextVar[str] = ContextVar("frontdesk_actor", default="")

# Fields never worth a line of history: the optimistic-lock counter and timestamps.
ALWAYS_SKIPPED = frozenset({"version", "created_at", "updated_at"})
SECRET_SET = "******"
NOTE_MAX = 2000
_BULK = "frontdesk_history_bulk"


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Every history row written inside names ``name`` as the one who acted."""
    token = _actor.set(name or "")
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    return _actor.get()


# --- masking --------------------------------------------------------------------


def mask_phone(value: str) -> str:
    """Only the last 4 digits of a phone number: ``13812345678`` → ``*******5678``."""
    digits = re.sub(r"\D", "", value or "")
    if not digits:
        return ""
    keep = digits[-4:] if len(digits) > 4 else ""
    return "*" * (len(digits) - len(keep)) + keep


def plain(value: Any) -> Any:
    """A value as JSON holds it: enums as their value, dates and times in ISO form."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return clock.aware(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


def masked(kind: str | None, value: Any) -> Any:
    """``value`` as the history may store it, for a field of ``kind`` (see the module notes)."""
    if kind == "secret":
        return SECRET_SET if value else ""
    value = plain(value)
    if isinstance(value, str):
        if kind == "phone":
            return mask_phone(value)
        if kind == "id_number":
            return mask_id_number(value)
        return mask_ids_in_text(value)
    if isinstance(value, list):
        return [masked(kind, v) for v in value]
    if isinstance(value, dict):
        return {k: masked(kind, v) for k, v in value.items()}
    return value


def personal_fields(model: type | None) -> Mapping[str, str]:
    return getattr(model, "__personal__", None) or {}


def skipped_fields(model: type | None) -> frozenset[str]:
    return ALWAYS_SKIPPED | frozenset(getattr(model, "__audit_skip__", None) or ())


def diff(model: type | None, before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list]:
    """``{field: [before, after]}`` for the fields whose value changed, masked as ``model`` declares."""
    personal, skipped = personal_fields(model), skipped_fields(model)
    out: dict[str, list] = {}
    for key, new in after.items():
        if key in skipped:
            continue
        old = before.get(key)
        if plain(old) == plain(new):
            continue
        out[key] = [masked(personal.get(key), old), masked(personal.get(key), new)]
    return out


# --- writing --------------------------------------------------------------------


def record(
    session: Session,
    record_type: str,
    record_id: int | None,
    action: str,
    *,
    from_state: str = "",
    to_state: str = "",
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Append one history row in the session's transaction (``changes`` already masked, see :func:`diff`).

    Uses the session's connection directly, so it never flushes and may be called
    from inside a flush (the audited-edit hook does).
    """
    from frontdesk.models import History

    at = clock.resolve(now)
    session.connection().execute(insert(History.__table__).values(_row(
        record_type, record_id, action, from_state, to_state, changes, note, at)))


def _row(record_type, record_id, action, from_state, to_state, changes, note, at) -> dict[str, Any]:
    return {
        "at": at,
        "day": clock.local_day(at),
        "actor": current_actor()[:80],
        "record_type": record_type,
        "record_id": record_id,
        "action": plain(action),
        "from_state": plain(from_state) or "",
        "to_state": plain(to_state) or "",
        "changes": json.dumps(plain(changes or {}), ensure_ascii=False, sort_keys=True),
        "note": mask_ids_in_text(note or "")[:NOTE_MAX],
    }


def table_name(model: type) -> str:
    return model.__table__.name  # type: ignore[attr-defined]


def _pk(model: type):
    columns = inspect(model).primary_key
    if len(columns) != 1:
        raise TypeError(f"{model.__name__}: history needs a single-column primary key")
    return columns[0]


def sync(session: Session, model: type, record_id: Any, values: Mapping[str, Any]) -> None:
    """Make an object already loaded in ``session`` show what a Core UPDATE just wrote (without marking it dirty)."""
    obj = session.identity_map.get(Session.identity_key(model, record_id))
    if obj is not None:
        for key, value in values.items():
            set_committed_value(obj, key, value)


def versioned_update(
    session: Session,
    model: type,
    record_id: Any,
    expected_version: int,
    values: Mapping[str, Any],
    *,
    where: Mapping[str, Any] | None = None,
    action: str = "update",
    from_state: str = "",
    to_state: str = "",
    details: Mapping[str, Any] | None = None,
    note: str = "",
    now: datetime | None = None,
    conflict_message: str | None = None,
    missing_message: str | None = None,
) -> dict[str, Any]:
    """The one conditional version UPDATE, with its history row in the same transaction.

    ``UPDATE model SET values…, version = expected_version + 1 WHERE id = record_id
    AND version = expected_version [AND column = value for where]``: when no row
    matches, another desk changed the record since it was read and nothing is
    written (:class:`ConflictError`, ``conflict_message`` or ``db.conflict``); a
    record that is gone is :class:`NotFoundError`. The history row holds the
    fields that changed, before and after, masked; ``details`` adds changes that
    are not columns of this row (the items of a self-check). Returns the row as it
    was before. An object of the record already in the session is updated to match.
    """
    table = model.__table__  # type: ignore[attr-defined]
    pk = _pk(model)
    session.flush()
    before = session.connection().execute(select(table).where(pk == record_id)).mappings().first()
    conflict = conflict_message or t("db.conflict")
    if before is None:
        raise NotFoundError(missing_message or t("history.err_gone"))
    if before["version"] != expected_version or any(plain(before[k]) != plain(v) for k, v in (where or {}).items()):
        raise ConflictError(conflict)
    stored = {key: plain(value) if isinstance(value, Enum) else value for key, value in values.items()}
    stored["version"] = expected_version + 1
    conditions = [pk == record_id, table.c.version == expected_version]
    conditions += [table.c[key] == plain(value) for key, value in (where or {}).items()]
    result = session.connection().execute(update(table).where(*conditions).values(**stored))
    if result.rowcount != 1:
        raise ConflictError(conflict)
    changes = diff(model, before, stored)
    changes.update(details or {})
    record(session, table_name(model), record_id, action, from_state=from_state, to_state=to_state,
           changes=changes, note=note, now=now)
    sync(session, model, record_id, stored)
    return dict(before)


# --- the audited-edit hook ----------------------------------------------------------


def audited(obj: object) -> bool:
    return bool(getattr(type(obj), "__audited__", False))


def identity(obj: object) -> Any:
    """The primary key of a mapped object (also right after its INSERT, inside the flush)."""
    state = inspect(obj)
    key = state.mapper.primary_key_from_instance(obj) if state.identity is None else state.identity
    return key[0] if key and len(key) == 1 else None


def loaded_values(obj: object) -> dict[str, Any]:
    """The column values loaded in ``obj`` (no lazy load: a deleted row cannot be read back)."""
    state = inspect(obj)
    keys = {c.key for c in state.mapper.primary_key}
    return {attr.key: state.dict[attr.key] for attr in state.mapper.column_attrs
            if attr.key in state.dict and attr.key not in keys}


def _audit_flush(session: Session, _flush_context) -> None:
    """After each flush: one history row per audited object the ORM inserted, changed or deleted.

    Runs while the session still knows what was new, dirty and deleted (SQLAlchemy's
    ``after_flush``), inside the same transaction.
    """
    rows: list[dict[str, Any]] = []
    bulk: Counter | None = session.info.get(_BULK)
    at = clock.now()

    def add(obj: object, action: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        model = type(obj)
        if bulk is not None:
            bulk[f"{table_name(model)}.{action}"] += 1
            return
        changes = diff(model, before, after)
        if action == "update" and not changes:
            return
        rows.append(_row(table_name(model), identity(obj), action, "", "", changes, "", at))

    for obj in session.new:
        if audited(obj):
            values = {k: v for k, v in loaded_values(obj).items() if v is not None and v != ""}
            add(obj, "create", {}, values)
    for obj in session.dirty:
        if audited(obj) and session.is_modified(obj, include_collections=False):
            state = inspect(obj)
            before, after = {}, {}
            for attr in state.mapper.column_attrs:
                hist = state.attrs[attr.key].history
                if hist.added or hist.deleted:
                    before[attr.key] = hist.deleted[0] if hist.deleted else None
                    after[attr.key] = hist.added[0] if hist.added else None
            add(obj, "update", before, after)
    for obj in session.deleted:
        if audited(obj):
            add(obj, "delete", loaded_values(obj), dict.fromkeys(loaded_values(obj)))
    if rows:
        from frontdesk.models import History

        session.connection().execute(insert(History.__table__), rows)


event.listen(Session, "after_flush", _audit_flush)


@contextmanager
def bulk(session: Session, record_type: str, action: str, *, note: str = "") -> Iterator[Counter]:
    """A bulk load (the demo data, an import): one history row for all of it instead of one per record.

    Inside, the audited-edit hook only counts what it would have written; on leaving,
    one row (``record_id`` None) says how many rows of each table were created,
    changed or deleted.
    """
    session.flush()
    counts: Counter = Counter()
    previous = session.info.get(_BULK)
    session.info[_BULK] = counts
    try:
        yield counts
        session.flush()
    finally:
        if previous is None:
            session.info.pop(_BULK, None)
        else:
            session.info[_BULK] = previous
    record(session, record_type, None, action, changes={"rows": dict(sorted(counts.items()))}, note=note)


# --- reading --------------------------------------------------------------------


def entries(
    session: Session,
    *,
    record_type: str | None = None,
    record_id: int | None = None,
    actor: str | None = None,
    day: date | None = None,
    limit: int = 200,
) -> list:
    """History rows, oldest first, by record, by who acted or by day (each an index)."""
    from frontdesk.models import History

    query = select(History)
    if record_type is not None:
        query = query.where(History.record_type == record_type)
    if record_id is not None:
        query = query.where(History.record_id == record_id)
    if actor is not None:
        query = query.where(History.actor == actor)
    if day is not None:
        query = query.where(History.day == day)
    return list(session.execute(query.order_by(History.id).limit(limit)).scalars())


def changes_of(row) -> dict[str, Any]:
    """The ``changes`` of a history row as a dict."""
    return json.loads(row.changes or "{}")
