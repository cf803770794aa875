"""What every command of the command line shares: the --db help, one way to fail,
and running work on the database with every database failure told in one line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from frontdesk.core.config import Settings, SettingsError, load_settings
from frontdesk.core.db import DatabaseError, explain, open_database, resolve_url, session_scope
from frontdesk.core.i18n import set_language
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


def settings_of(ctx: click.Context, *, language: str | None = None) -> Settings:
    """The checked settings, loaded once per run (by the main command, before any sub-command), with
    the interface language set: ``language`` (``--lang``), else the file's, else the system locale's.

    A settings file that cannot be used ends the command here: one message, exit code 2.
    """
    root = ctx.find_root()
    root.ensure_object(dict)
    settings = root.obj.get("settings")
    if settings is None:
        try:
            settings = load_settings(language=language)
        except SettingsError as exc:
            fail(str(exc))
        if language:
            settings.language = language
        root.obj["settings"] = settings
    set_language(settings.language)
    return settings


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
