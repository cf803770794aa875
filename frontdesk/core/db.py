"""Engine from a URL, SQLite pragmas, sessions, backups and migrations on start."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlmodel import Session, create_engine

from frontdesk import models  # noqa: F401  (registers the tables)
from frontdesk.core.config import ENV_URL, default_database_path
from frontdesk.core.i18n import t

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 5000


class DatabaseError(Exception):
    """A database problem told in the user's language."""


def resolve_url(db: str | None = None, settings_url: str | None = None) -> str:
    """``--db`` (a path or a URL), else ``FRONTDESK_DATABASE_URL``, else the settings file's
    ``database_url``, else the default file."""
    value = db or os.environ.get(ENV_URL) or settings_url or str(default_database_path())
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


# The kinds of database the app works with, as SQLAlchemy names them (``postgresql`` alone means psycopg).
SUPPORTED = ("sqlite", "sqlite+pysqlite", "postgresql+psycopg")


def check_url(url: str) -> str:
    """``url`` if the app can use it (a SQLite file, PostgreSQL through psycopg), else a
    :class:`DatabaseError` naming the kinds it can use. ``postgresql://`` means psycopg."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(t("db.unsupported_url", url=url)) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
        url = parsed.render_as_string(hide_password=False)
    if parsed.drivername not in SUPPORTED:
        raise DatabaseError(t("db.unsupported_url", url=parsed.render_as_string(hide_password=True)))
    return url


def sqlite_path(url: str) -> Path | None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _prepare_sqlite_file(path: Path) -> None:
    """Create a new database file readable by its owner only.

    Only the default location's folder is created; a path in a folder that does
    not exist is refused, so a mistyped ``--db`` never starts an empty desk.
    """
    try:
        if path.resolve() == default_database_path().resolve():
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise DatabaseError(t("db.no_folder", folder=path.parent))
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)
        elif not os.access(path, os.W_OK):
            raise DatabaseError(t("db.readonly", path=path))
    except PermissionError as exc:
        raise DatabaseError(t("db.cannot_write", path=path)) from exc
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseError(t("db.cannot_write", path=path) + f" ({exc.strerror})") from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """One engine for the app. SQLite gets WAL, synchronous=FULL, foreign keys and a busy timeout.

    Bound parameters (names, phones) are never part of an error's text, so never of a log.
    A URL of a kind the app cannot use is a :class:`DatabaseError`.
    """
    url = check_url(url)
    path = sqlite_path(url)
    if path is not None:
        _prepare_sqlite_file(path)
        engine = create_engine(url, hide_parameters=True,
                               connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if make_url(url).get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args={"connect_timeout": 5})
    return create_engine(url, hide_parameters=True)


def explain(exc: BaseException, url: str) -> str:
    """One clear sentence for a failing database."""
    text = str(getattr(exc, "orig", exc) or exc).lower()
    where = sqlite_path(url) or make_url(url).render_as_string(hide_password=True)
    if "locked" in text or "busy" in text:
        return t("db.locked", path=where)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return t("db.corrupt", path=where)
    if "readonly" in text or "read-only" in text:
        return t("db.readonly", path=where)
    if "unable to open" in text:
        return t("db.cannot_write", path=where)
    if make_url(url).get_backend_name() == "postgresql":
        return t("db.unreachable", url=where)
    return t("db.failed", path=where, error=str(getattr(exc, "orig", exc)))


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(source: Path | str, dest: Path | str) -> Path:
    """An online copy of a SQLite database, verified with ``PRAGMA integrity_check``.

    Uses SQLite's backup API, so it is safe while other desks are writing.
    """
    source, dest = Path(source), Path(dest)
    if not source.exists():
        raise DatabaseError(t("db.missing", path=source))
    if dest.exists() and dest.is_dir():
        dest = dest / f"{source.stem}-{datetime.now():%Y%m%d-%H%M%S}.db"
    if dest.resolve() == source.resolve():
        raise DatabaseError(t("db.backup_same_file", path=dest))
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".partial")
        if tmp.exists():
            tmp.unlink()
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        os.close(fd)
    except OSError as exc:
        raise DatabaseError(t("db.cannot_write", path=dest)) from exc
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
                result = out.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                out.close()
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(explain(exc, f"sqlite:///{source}")) from exc
    if result != "ok":
        tmp.unlink(missing_ok=True)
        raise DatabaseError(t("db.backup_bad", path=dest, result=result))
    os.replace(tmp, dest)
    return dest


def upgrade(engine: Engine, *, backup_dir: Path | None = None) -> Path | None:
    """Bring the schema to head. An existing SQLite file behind head is backed up first.

    Returns the backup path when one was taken.
    """
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return None
    backup = None
    path = sqlite_path(str(engine.url))
    if path is not None and current is not None:
        folder = backup_dir or path.parent / "backups"
        backup = backup_sqlite(path, folder / f"{path.stem}-{datetime.now():%Y%m%d-%H%M%S}-{current}.db")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return backup


def open_database(url: str, *, migrate: bool = True) -> Engine:
    """Engine for ``url`` with a checked connection and an up-to-date schema.

    Every failure becomes a :class:`DatabaseError` with one clear message.
    """
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if sqlite_path(url) is not None:
                conn.exec_driver_sql("PRAGMA schema_version").fetchone()
        if migrate:
            upgrade(engine)
    except DatabaseError:
        engine.dispose()
        raise
    except (OperationalError, DBAPIError, sqlite3.DatabaseError) as exc:
        engine.dispose()
        raise DatabaseError(explain(exc, url)) from exc
    return engine


def has_table(engine: Engine, name: str) -> bool:
    return inspect(engine).has_table(name)
