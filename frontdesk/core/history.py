"""The history of every record, which is also the audit log.

Who acts: the app sets the operator at the desk around each database call
(``FrontDeskApp.run_db``), a command sets its own name; the history rows written
in that call name them. It is a context variable, so each worker thread has its own::

    with acting_as("李文"):
        deskqueue.arrive(session, ...)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_actor: ContextVar[str] = ContextVar("frontdesk_actor", default="")


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
