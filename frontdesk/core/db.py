"""Engine from a URL, SQLite pragmas, sessions, backups and migrations on start.

The upgrade on start is all or nothing: on SQLite it runs on its own connection in one
``BEGIN IMMEDIATE`` transaction (SQLite's DDL is transactional once Python's driver stops
managing transactions itself), on PostgreSQL in one transaction under an advisory lock, so
a desk killed during an upgrade leaves the database at the old revision or the new one,
and desks starting at once wait for each other instead of upgrading side by side.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from frontdesk import models  # noqa: F401  (registers the tables)
from frontdesk.core.config import ENV_URL, default_database_path
from frontdesk.core.i18n import t

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
BUSY_TIMEOUT_MS = 5000
# A desk starting while another upgrades the same database waits this many busy timeouts
# (a minute) for the other's upgrade to finish.
MIGRATION_WAIT_TIMEOUTS = 12
# pg_advisory_xact_lock key that serialises upgrades of one PostgreSQL database ("frontdsk").
PG_MIGRATION_LOCK = 0x66726F6E74647368


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
    """Create a new database file readable by its owner only, or check the one there.

    Only the default location's folder is created; a path in a folder that does
    not exist is refused, so a mistyped ``--db`` never starts an empty desk. A new
    file is made whole (SQLite's header written, WAL mode set) under a temporary name
    and linked into place, so no desk ever sees it empty; a zero-byte file found at
    ``path`` was not made by frontdesk and is refused (:func:`check_sqlite_file`).
    """
    try:
        if path.resolve() == default_database_path().resolve():
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise DatabaseError(t("db.no_folder", folder=path.parent))
        if not path.exists():
            _create_sqlite_file(path)
        check_sqlite_file(path)
        if not os.access(path, os.W_OK):
            raise DatabaseError(t("db.readonly", path=path))
    except PermissionError as exc:
        raise DatabaseError(t("db.cannot_write", path=path)) from exc
    except OSError as exc:
        raise DatabaseError(t("db.cannot_write", path=path) + f" ({exc.strerror})") from exc


def _create_sqlite_file(path: Path) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".new", dir=path.parent)  # 0600
    os.close(fd)
    tmp = Path(name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # writes the header: the file is never empty
        finally:
            conn.close()
        try:
            os.link(tmp, path)  # atomic, and refuses to replace a file another desk just made
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that cannot be a desk's database: a zero-byte file (SQLite would silently
    treat it as a new, empty database) unless its write-ahead log holds the data."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise DatabaseError(t("db.missing", path=path)) from None
    wal = Path(f"{path}-wal")
    if size == 0 and not (wal.exists() and wal.stat().st_size > 0):
        raise DatabaseError(t("db.empty_file", path=path))


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
    """One clear sentence for a failing database: what really happened, never the data.

    PostgreSQL errors are told by their SQLSTATE (or, while connecting, when there is none
    yet, by the server's words): a refused login, a missing database, a missing privilege,
    a lost connection, a duplicate... The server's DETAIL line (which quotes the values
    of a duplicate key) and the bound parameters are never part of the message.
    """
    orig = getattr(exc, "orig", None) or exc
    words = _primary_message(orig)
    low = words.lower()
    try:
        parsed = make_url(url)
    except ArgumentError:
        return t("db.failed", path=url, error=words)
    where = sqlite_path(url) or parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "postgresql":
        return _explain_postgres(orig, low, words, parsed, where)
    if "locked" in low or "busy" in low:
        return t("db.locked", path=where)
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return t("db.corrupt", path=where)
    if "readonly" in low or "read-only" in low:
        return t("db.readonly", path=where)
    if "unable to open" in low:
        return t("db.cannot_write", path=where)
    if "disk is full" in low:
        return t("db.disk_full", path=where)
    if "disk i/o error" in low:
        return t("db.io_error", path=where)
    if "unique constraint failed" in low:
        return t("db.duplicate", what=words.split(":", 1)[-1].strip())
    if "foreign key constraint failed" in low:
        return t("db.gone")
    if "no such table" in low or "no such column" in low:
        return t("db.not_frontdesk", path=where)
    return t("db.failed", path=where, error=words)


def _primary_message(orig: BaseException) -> str:
    """The error's first line, without the server's DETAIL/HINT (they may quote stored values)."""
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    words = primary or str(orig) or type(orig).__name__
    return words.split("\nDETAIL:")[0].strip()


# SQLSTATE (or its class, the first two characters) → message key.
_PG_STATES = {
    "28": "db.pg_auth", "3D000": "db.pg_no_database", "42501": "db.pg_permission",
    "08": "db.pg_lost", "57P01": "db.pg_lost", "57P02": "db.pg_lost", "57P03": "db.pg_busy",
    "53300": "db.pg_busy", "53100": "db.pg_disk_full", "23505": "db.duplicate", "23503": "db.gone",
    "40001": "db.retry", "40P01": "db.retry", "55P03": "db.locked", "57014": "db.locked",
    "25006": "db.readonly", "42P01": "db.not_frontdesk", "42703": "db.not_frontdesk",
}
# While connecting psycopg has no SQLSTATE yet: the server's words tell.
_PG_WORDS = (
    ("password authentication failed", "db.pg_auth"), ("no pg_hba.conf entry", "db.pg_auth"),
    ("role \"", "db.pg_auth"), ("authentication failed", "db.pg_auth"),
    ("does not exist", "db.pg_no_database"), ("permission denied", "db.pg_permission"),
    ("too many connections", "db.pg_busy"), ("remaining connection slots", "db.pg_busy"),
    ("starting up", "db.pg_busy"), ("shutting down", "db.pg_busy"),
    ("server closed the connection", "db.pg_lost"), ("terminating connection", "db.pg_lost"),
    ("the connection is closed", "db.pg_lost"), ("consuming input failed", "db.pg_lost"),
    ("connection has been closed", "db.pg_lost"),
)


def _explain_postgres(orig: BaseException, low: str, words: str, parsed, where: str) -> str:
    state = getattr(orig, "sqlstate", None) or ""
    key = _PG_STATES.get(state) or _PG_STATES.get(state[:2]) if state else None
    if key is None:
        key = next((k for phrase, k in _PG_WORDS if phrase in low), None)
    if key is None and not state:
        key = "db.unreachable"  # refused, unknown host, timed out
    if key is None:
        return t("db.failed", path=where, error=words)
    diag = getattr(orig, "diag", None)
    values = {
        "url": where, "path": where, "user": parsed.username or "", "database": parsed.database or "",
        "what": (getattr(diag, "constraint_name", None) if diag is not None else None) or words,
    }
    return t(key, **values)


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


class _StillLocked(Exception):
    pass


def backup_sqlite(source: Path | str, dest: Path | str, *, name_suffix: str = "") -> Path:
    """An online copy of a SQLite database, verified with ``PRAGMA integrity_check``.

    Uses SQLite's backup API, so it is safe while other desks are writing. Behind a lock
    that does not let it read (another program's exclusive lock) it gives up after the
    busy timeout with the "locked" message instead of waiting for ever. ``dest`` is a file
    (replaced) or a folder: there the copy is named ``<name>-<date>-<time><name_suffix>.db``,
    made unique (``-2``, ``-3`` …) so two copies within one second never collide.
    """
    source, dest = Path(source), Path(dest)
    if not source.exists():
        raise DatabaseError(t("db.missing", path=source))
    check_sqlite_file(source)
    folder = dest if dest.is_dir() else None
    if folder is not None:
        dest = folder / f"{source.stem}-{datetime.now():%Y%m%d-%H%M%S}{name_suffix}.db"
    if dest.resolve() == source.resolve():
        raise DatabaseError(t("db.backup_same_file", path=dest))
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)  # 0600
        os.close(fd)
        tmp = Path(name)
    except OSError as exc:
        raise DatabaseError(t("db.cannot_write", path=dest)) from exc
    try:
        result = _copy_verified(source, tmp)
        if result != "ok":
            raise DatabaseError(t("db.backup_bad", path=dest, result=result))
        if folder is None:
            os.replace(tmp, dest)
        else:
            dest = _link_unique(tmp, dest)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(explain(exc, f"sqlite:///{source}")) from exc
    except _StillLocked:
        raise DatabaseError(t("db.locked", path=source)) from None
    except OSError as exc:
        raise DatabaseError(t("db.cannot_write", path=dest) + f" ({exc.strerror})") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _copy_verified(source: Path, target: Path) -> str:
    """Copy ``source`` into ``target`` with the backup API; ``integrity_check`` of the copy."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000

    def progress(status: int, _remaining: int, _total: int) -> None:
        # Python retries a busy step for ever; give up like every other statement does.
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise _StillLocked

    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        out = sqlite3.connect(target)
        try:
            src.backup(out, progress=progress, sleep=0.05)
            return out.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            out.close()
    finally:
        src.close()


def _link_unique(tmp: Path, dest: Path) -> Path:
    """Put ``tmp`` at ``dest``, or ``dest`` with ``-2``, ``-3`` … when that name is taken."""
    for n in range(1, 1000):
        candidate = dest if n == 1 else dest.with_name(f"{dest.stem}-{n}{dest.suffix}")
        try:
            os.link(tmp, candidate)
            return candidate
        except FileExistsError:
            continue
        except OSError:  # no hard links here
            if not candidate.exists():
                os.replace(tmp, candidate)
                return candidate
    raise FileExistsError(dest)


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _refuse_unknown(current: str | None, where: object) -> None:
    """A database stamped by a newer release: refused before any backup or change."""
    if current is not None and current not in known_revisions():
        raise DatabaseError(t("db.newer", path=where, revision=current))


def integrity_problem(conn: Connection) -> str | None:
    """``PRAGMA quick_check`` of a SQLite database: ``None`` when it is sound, else what is wrong.

    quick_check reads every page (a corrupt page anywhere is found) but skips matching the
    indexes against their tables, so it costs about one read of the file; see
    ``benchmarks/quick_check.py``. Other databases check themselves: always ``None``.
    """
    if conn.dialect.name != "sqlite":
        return None
    try:
        rows = [row[0] for row in conn.exec_driver_sql("PRAGMA quick_check").fetchall()]
    except (DBAPIError, sqlite3.DatabaseError) as exc:
        return _primary_message(getattr(exc, "orig", None) or exc)
    if rows == ["ok"]:
        return None
    return "; ".join(rows[:3])[:300]


def require_intact(conn: Connection) -> None:
    """:class:`DatabaseError` (``db.damaged``) when :func:`integrity_problem` finds damage."""
    problem = integrity_problem(conn)
    if problem is not None:
        url = conn.engine.url.render_as_string(hide_password=False)
        raise DatabaseError(t("db.damaged", path=sqlite_path(url) or url, detail=problem))


@contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """One connection and one transaction for the whole upgrade, holding the write lock.

    SQLite: Python's driver would commit each CREATE TABLE on its own (it only opens a
    transaction before INSERT/UPDATE/DELETE); here it is told to leave transactions
    alone (``isolation_level=None``) and the transaction is ``BEGIN IMMEDIATE``: the write
    lock from the start, so a second desk waits here (up to a minute) until the first
    has committed, then finds the schema at head. PostgreSQL: the transaction takes an
    advisory lock for the same effect.
    """
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is None:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
            yield conn
        return
    wait_ms = BUSY_TIMEOUT_MS * MIGRATION_WAIT_TIMEOUTS
    migrating = create_engine(engine.url, poolclass=NullPool, hide_parameters=True,
                              connect_args={"check_same_thread": False, "timeout": wait_ms / 1000})

    @event.listens_for(migrating, "connect")
    def _connect(dbapi_connection, record) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN/COMMIT around our DDL
        _sqlite_pragmas(dbapi_connection, record)
        dbapi_connection.execute(f"PRAGMA busy_timeout={wait_ms}")

    @event.listens_for(migrating, "begin")
    def _begin(conn) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with migrating.begin() as conn:
            yield conn
    finally:
        migrating.dispose()


def upgrade(engine: Engine, *, backup_dir: Path | None = None) -> Path | None:
    """Bring the schema to head, all or nothing. An existing SQLite file behind head is
    checked (``PRAGMA quick_check``) and backed up first, under the write lock.

    Returns the backup path when one was taken. A database from a newer release, or a
    damaged one, is refused with a :class:`DatabaseError` before anything is copied or changed.
    """
    head = head_revision()
    current = current_revision(engine)
    if current == head:
        return None
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    _refuse_unknown(current, path or engine.url)
    backup = None
    with _migration_connection(engine) as conn:
        current = MigrationContext.configure(conn).get_current_revision()  # again, under the lock
        if current == head:
            return None  # another desk upgraded it while this one waited
        _refuse_unknown(current, path or engine.url)
        if path is not None and current is not None:
            require_intact(conn)
            folder = backup_dir or path.parent / "backups"
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            backup = backup_sqlite(path, folder, name_suffix=f"-{current}")
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
