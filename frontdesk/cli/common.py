"""What every command of the command line shares: the --db help, one way to fail,
and running work on the database with every database failure told in one line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from frontdesk.core.config import Settings, load_settings
from frontdesk.core.db import DatabaseError, explain, open_database, resolve_url, session_scope
from frontdesk.core.text import shown

T = TypeVar("T")

DB_HELP = ("Database: a file path or a SQLAlchemy URL (postgresql+psycopg://…). Default: $FRONTDESK_DATABASE_URL, "
           "else database_url in settings.toml, else data/frontdesk.db.")


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one clear message to stderr and exit non-zero.

    The message may quote a file's or a database's text: it is printed through ``shown()``
    (ID numbers masked, control characters visible), on one line.
    """
    click.echo(shown(message), err=True)
    sys.exit(code)


def settings_of(ctx: click.Context) -> Settings:
    """The settings the main command loaded (or the file's, for a command run on its own)."""
    return (ctx.obj or {}).get("settings") or load_settings()


def with_database(ctx: click.Context, db: str | None, work: Callable[[Session], T]) -> T:
    """Open (and migrate) the database for ``--db``, run ``work(session)`` in one transaction.

    A database that cannot be opened, or fails during the work (locked, corrupt,
    gone), ends the command with one message and exit code 2.
    """
    url = resolve_url(db, settings_of(ctx).database_url)
    try:
        engine = open_database(url)
    except DatabaseError as exc:
        fail(str(exc))
    try:
        with session_scope(engine) as session:
            return work(session)
    except DatabaseError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        fail(explain(exc, url))
    finally:
        engine.dispose()
