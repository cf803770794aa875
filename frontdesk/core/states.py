"""Records that move through states: one small mechanism for every workflow.

A workflow that has records moving through states (encounters and self-checks
today; visits, contractor passes, work orders and complaints next) declares three
things and calls two functions:

1. its states, a ``StrEnum`` beside its table in ``frontdesk/models.py`` (the table has
   ``id``, ``state`` and ``version`` columns);
2. a :class:`Machine`: the table, the states, the allowed transitions
   ``{(from_state, action): to_state}`` (``to_state`` :data:`GONE` deletes the record,
   e.g. a draft thrown away), the states a record may be created in, and the message
   area whose ``action.<action>`` / ``state.<state>`` keys name them on screen;
3. :func:`create` to add a record in a first state, :func:`move` for every change.

:func:`move` checks the action is allowed from the record's state (refused with a
:class:`~frontdesk.core.errors.ValidationError` whose message names the actions
that are allowed, in the user's language), applies it with ONE conditional UPDATE
``WHERE id = … AND version = … AND state = …`` that sets the state, ``version + 1``
and the extra ``values``, raises :class:`~frontdesk.core.errors.ConflictError` when
no row matched (another desk moved it first; nothing is written), and appends a
history row in the same transaction: who, when, the action, from and to, and the
changed fields before and after with personal data masked
(:mod:`frontdesk.core.history`). :func:`create` writes the record's first history
row. A refused move writes nothing. Committing stays with the caller (one
transaction per user action)::

    WORK_ORDERS = Machine(
        model=WorkOrder, states=WorkOrderState, area="workorders",
        initial={WorkOrderState.ISSUED}, creations=("issue",),
        transitions={
            (WorkOrderState.ISSUED, "notify"): WorkOrderState.NOTIFIED,
            (WorkOrderState.NOTIFIED, "sign"): WorkOrderState.SIGNED,
            (WorkOrderState.ISSUED, "cancel"): WorkOrderState.CANCELLED,
        },
    )
    order = create(session, WORK_ORDERS, WorkOrder(state=WorkOrderState.ISSUED, ...), action="issue")
    move(session, WORK_ORDERS, order.id, "notify", expected_version=form.version,
         values={"notified_at": now, "notified_how": "phone"}, note="工程部 王師傅")
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, inspect
from sqlalchemy.orm import Session

from frontdesk.core import history
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.core.i18n import t

GONE = None  # a transition to GONE deletes the record (a conditional DELETE, with its history row)

MACHINES: dict[str, Machine] = {}  # record type → machine, for the catalogue test and the audit view


@dataclass(frozen=True, eq=False)
class Machine:
    """A record type that moves through states: its table, its states and the moves allowed.

    ``transitions`` maps ``(from_state, action)`` to the state the action leads to
    (the same state for an action that changes other fields, :data:`GONE` to delete).
    ``initial``: the states :func:`create` accepts; ``creations``: the actions that
    create a record (named in its first history row). ``area``: the message area of the
    workflow, holding ``record`` (what the record is called), ``action.<action>`` and
    ``state.<state>``; ``label`` overrides those names (``label(kind, code)``, kind
    ``record`` / ``action`` / ``state``). ``conflict_key``: the message when another
    desk moved the record first.
    """

    model: type
    states: type[StrEnum]
    transitions: Mapping[tuple[str, str], str | None]
    initial: Collection[str]
    creations: tuple[str, ...] = ("create",)
    area: str = ""
    conflict_key: str = "db.conflict"
    missing_key: str = "history.err_gone"
    label: Callable[[str, str], str] | None = None
    actions: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        known = {s.value for s in self.states}
        for (source, action), target in self.transitions.items():
            if source not in known or (target is not GONE and target not in known):
                raise ValueError(f"{self.record_type}: transition {source!r} --{action}--> {target!r} "
                                 f"uses a state not in {self.states.__name__}")
        if not set(self.initial) <= known:
            raise ValueError(f"{self.record_type}: initial states {set(self.initial) - known} unknown")
        for column in ("state", "version"):
            if column not in self.model.__table__.c:  # type: ignore[attr-defined]
                raise ValueError(f"{self.record_type}: the table needs a {column!r} column")
        order: list[str] = []
        for _source, action in self.transitions:
            if action not in order:
                order.append(action)
        object.__setattr__(self, "actions", tuple(order))
        MACHINES[self.record_type] = self

    @property
    def record_type(self) -> str:
        return self.model.__table__.name  # type: ignore[attr-defined]

    # --- what the rules allow -------------------------------------------------

    def allowed(self, state: str) -> list[str]:
        """The actions allowed from ``state``, in the order the transitions were declared."""
        return [action for (source, action) in self.transitions if source == state]

    def target(self, state: str, action: str) -> str | None:
        """The state ``action`` leads to from ``state``; a refused move is a ValidationError naming the allowed ones."""
        key = (str(state), str(action))
        if key in self.transitions:
            return self.transitions[key]
        allowed = self.allowed(state)
        names = dict(record=self.name("record", "record"), state=self.name("state", state),
                     action=self.name("action", action))
        if not allowed:
            raise ValidationError({"state": t("states.err_final", **names)})
        listed = t("states.separator").join(self.name("action", a) for a in allowed)
        raise ValidationError({"state": t("states.err_not_allowed", allowed=listed, **names)})

    # --- names on screen ------------------------------------------------------

    def message_keys(self) -> list[str]:
        """Every catalogue key the machine's names use (the i18n test checks them)."""
        keys = [f"{self.area}.record"]
        keys += [f"{self.area}.action.{a}" for a in (*self.creations, *self.actions)]
        keys += [f"{self.area}.state.{s.value}" for s in self.states]
        return keys

    def name(self, kind: str, code: str) -> str:
        """What ``code`` (a state, an action, or the record itself) is called in the user's language."""
        code = str(code)
        if self.label is not None:
            return self.label(kind, code)
        key = f"{self.area}.record" if kind == "record" else f"{self.area}.{kind}.{code}"
        text = t(key)
        return code if text == f"⟨{key}⟩" else text


# --- the two calls ------------------------------------------------------------------


def create(session: Session, machine: Machine, record: Any, *, action: str = "create", note: str = "",
           now: datetime | None = None) -> Any:
    """Add ``record`` in one of the machine's first states, with its first history row (same transaction)."""
    if record.state not in machine.initial:
        raise ValueError(f"{machine.record_type}: cannot be created as {record.state!r}")
    if action not in machine.creations:
        raise ValueError(f"{machine.record_type}: {action!r} is not one of its creating actions {machine.creations}")
    session.add(record)
    session.flush()
    values = {k: v for k, v in history.loaded_values(record).items() if v is not None and v != ""}
    history.record(session, machine.record_type, history.identity(record), action, from_state="", to_state=record.state,
                   changes=history.diff(machine.model, {}, values), note=note, now=now)
    return record


def move(
    session: Session,
    machine: Machine,
    record_or_id: Any,
    action: str,
    *,
    expected_version: int | None,
    values: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Any:
    """Apply ``action`` to a record (an object of the machine's model, or its id); returns the record.

    ``expected_version`` is the version the user saw (``None``: the version of the
    record as read in this transaction). Refused, with nothing written:
    ValidationError when the state does not allow the action, ConflictError when the
    record is no longer at that version and state (another desk moved it),
    NotFoundError when it is gone. ``values``: other columns the move sets;
    ``details``: changes beyond this row for the history (``{name: [before, after]}``,
    already masked). A move to :data:`GONE` deletes the row and returns None.
    """
    model = machine.model
    if isinstance(record_or_id, model):
        record = record_or_id
    else:
        record = session.get(model, record_or_id, populate_existing=True)
        if record is None:
            raise NotFoundError(t(machine.missing_key))
    record_id = history.identity(record)
    version = record.version if expected_version is None else expected_version
    if record.version != version:
        raise ConflictError(t(machine.conflict_key))
    source = str(record.state)
    target = machine.target(source, action)
    if target is GONE:
        table = model.__table__  # type: ignore[attr-defined]
        pk = inspect(model).primary_key[0]
        session.flush()
        result = session.connection().execute(
            delete(table).where(pk == record_id, table.c.version == version, table.c.state == source))
        if result.rowcount != 1:
            raise ConflictError(t(machine.conflict_key))
        history.record(session, machine.record_type, record_id, action, from_state=source, to_state="",
                       changes=details, note=note, now=now)
        session.expunge(record)
        return None
    history.versioned_update(
        session, model, record_id, version, {**(values or {}), "state": target},
        where={"state": source}, action=action, from_state=source, to_state=str(target), details=details,
        note=note, now=now, conflict_message=t(machine.conflict_key), missing_message=t(machine.missing_key),
    )
    return record


