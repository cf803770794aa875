"""Issue 8 A7 and A8: every database error gets its true message (never "cannot connect" for
all of them, never a stored value), and a backup behind a lock gives up with one line."""

from __future__ import annotations

import logging
import sqlite3
import time
import uuid
from contextlib import closing

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlmodel import Session

from frontdesk import owners, roster
from frontdesk.cli import main
from frontdesk.core import db, i18n
from frontdesk.core.db import DatabaseError, explain, make_engine, open_database, session_scope, sqlite_path
from frontdesk.core.errors import ValidationError
from frontdesk.core.logs import setup_logging
from tests.conftest import postgres_base_url

UNIT_INSERT = ("INSERT INTO unit (code, building, entrance, room, notes, created_at, version) "
               "VALUES (:code, '3', '2', '1101', '', '2026-01-01', 1)")
UNIT = {"code": "3-2-1101"}

# --- SQLite ---------------------------------------------------------------------------------


def test_sqlite_errors_get_their_own_messages(engine, db_url):
    i18n.set_language("en")
    with pytest.raises(SQLAlchemyError) as dup:
        with engine.begin() as conn:
            for _ in range(2):
                conn.execute(text(UNIT_INSERT), UNIT)
    message = explain(dup.value, db_url)
    assert message.startswith("The same record is already there (unit.code)") and "3-2-1101" not in message
    with pytest.raises(SQLAlchemyError) as fk:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO occupancy (unit_id, owner_id, role) VALUES (999, 999, 'owner')"))
    assert "is gone" in explain(fk.value, db_url)
    with pytest.raises(SQLAlchemyError) as full:
        with engine.begin() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
            conn.exec_driver_sql(f"PRAGMA max_page_count={pages}")
            conn.execute(text("INSERT INTO unit (code, building, entrance, room, notes, created_at, version) "
                              "VALUES ('1-1-1', '1', '1', '1', :n, '2026-01-01', 1)"), {"n": "x" * 200_000})
    assert "is full" in explain(full.value, db_url)
    with pytest.raises(SQLAlchemyError) as missing:
        with engine.begin() as conn:
            conn.execute(text("SELECT * FROM visitor_pass"))
    assert "lacks frontdesk's tables" in explain(missing.value, db_url)


def _hold_exclusively(path):
    """Another program holding the file as its own: WAL with locking_mode=EXCLUSIVE after a write."""
    holder = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE alembic_version SET version_num = version_num")
    holder.execute("COMMIT")
    return holder


def test_backup_behind_an_exclusive_lock_gives_up_with_one_line(db_url, tmp_path, monkeypatch):
    open_database(db_url).dispose()
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
    holder = _hold_exclusively(sqlite_path(db_url))
    try:
        started = time.monotonic()
        result = CliRunner().invoke(main, ["--lang", "en", "backup", str(tmp_path / "copy.db"), "--db", db_url])
        took = time.monotonic() - started
    finally:
        holder.close()
    assert result.exit_code == 2, result.output
    assert "locked" in result.output and "Traceback" not in result.output
    assert took < 10
    assert not (tmp_path / "copy.db").exists() and not list(tmp_path.glob(".copy.db*"))
    # and once the lock is gone, it works
    result = CliRunner().invoke(main, ["--lang", "en", "backup", str(tmp_path / "copy.db"), "--db", db_url])
    assert result.exit_code == 0, result.output


def test_backup_of_a_rollback_journal_file_behind_begin_exclusive(tmp_path, monkeypatch):
    path = tmp_path / "journal.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="鎖定"):
            db.backup_sqlite(path, tmp_path / "copy.db")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# --- PostgreSQL -------------------------------------------------------------------------------


@pytest.fixture
def pg_admin():
    base = postgres_base_url()
    if base is None:
        pytest.skip("no PostgreSQL configured (run the suite under pg_virtualenv, as .ci/run does)")
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    yield admin
    admin.dispose()


@pytest.fixture
def pg_role(pg_admin):
    """A login role with a password and no privileges on frontdesk's tables."""
    name, password = f"fd_weak_{uuid.uuid4().hex[:8]}", "weak-pass"
    with pg_admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'"))
    yield name, password
    with pg_admin.connect() as conn:
        conn.execute(text(f"DROP OWNED BY {name}"))
        conn.execute(text(f"DROP ROLE {name}"))


def _as(url: str, user: str, password: str, database: str | None = None) -> str:
    base = db.make_url(url).set(username=user, password=password)
    if database is not None:
        base = base.set(database=database)
    return base.render_as_string(hide_password=False)


@pytest.mark.postgres
def test_postgres_login_refused(pg_url, pg_role):
    i18n.set_language("en")
    name, _password = pg_role
    with pytest.raises(DatabaseError) as info:
        open_database(_as(pg_url, name, "wrong-password"))
    assert str(info.value).startswith(f"PostgreSQL refused the login of “{name}”")
    assert "wrong-password" not in str(info.value)


@pytest.mark.postgres
def test_postgres_database_missing(pg_url):
    i18n.set_language("en")
    with pytest.raises(DatabaseError) as info:
        open_database(db.make_url(pg_url).set(database="no_such_desk").render_as_string(hide_password=False))
    assert "There is no database “no_such_desk”" in str(info.value)


@pytest.mark.postgres
def test_postgres_permission_denied(pg_url, pg_engine, pg_role):
    i18n.set_language("en")
    name, password = pg_role
    with pytest.raises(DatabaseError) as info:
        open_database(_as(pg_url, name, password))
    assert f"The user “{name}” may not use the tables" in str(info.value)
    result = CliRunner().invoke(main, ["--lang", "en", "report", "--db", _as(pg_url, name, password)])
    assert result.exit_code == 2 and "may not use the tables" in result.output


@pytest.mark.postgres
def test_postgres_connection_lost_mid_work(pg_url, pg_engine, pg_admin):
    i18n.set_language("en")
    with pytest.raises(SQLAlchemyError) as info:
        with Session(pg_engine) as session:
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            with pg_admin.connect() as admin:
                admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            owners.search(session, "王")
    assert "The connection to the PostgreSQL database" in explain(info.value, pg_url)


@pytest.mark.postgres
def test_postgres_unique_violation_names_the_constraint_not_the_value(pg_url, pg_engine, tmp_path):
    i18n.set_language("en")
    with session_scope(pg_engine) as s:
        roster.create_staff(s, roster.StaffForm(name="王芳", gender="F"))
    with pytest.raises(DBAPIError) as info:
        with pg_engine.begin() as conn:
            for _ in range(2):
                conn.execute(text(UNIT_INSERT), UNIT)
    message = explain(info.value, pg_url)
    assert message.startswith("The same record is already there (") and "3-2-1101" not in message
    assert "Key (" not in message and "王芳" not in message
    # the log keeps the traceback but not the row's values the server quoted
    log_file = setup_logging(path=tmp_path / "pg.log")
    logging.getLogger("frontdesk").error("worker failed: %s", message, exc_info=(
        type(info.value), info.value, info.value.__traceback__))
    for handler in logging.getLogger("frontdesk").handlers:
        handler.flush()
    logged = log_file.read_text(encoding="utf-8")
    assert "UniqueViolation" in logged and "3-2-1101" not in logged and "DETAIL: (hidden)" in logged
    # the domain still turns it into its own message at the field
    with session_scope(pg_engine) as s, pytest.raises(ValidationError):
        roster.create_staff(s, roster.StaffForm(name="王芳", gender="F"))


@pytest.mark.postgres
def test_postgres_unreachable_is_still_unreachable():
    with pytest.raises(DatabaseError, match="無法連線到 PostgreSQL"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/nothing")


@pytest.mark.postgres
def test_four_desks_starting_at_once_on_postgres(pg_url):
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(4), ctx.Queue()

    def start():
        barrier.wait()
        try:
            open_database(pg_url).dispose()
            results.put("ok")
        except Exception as exc:  # noqa: BLE001
            results.put(f"{type(exc).__name__}: {exc}")

    procs = [ctx.Process(target=start) for _ in range(4)]
    for p in procs:
        p.start()
    outcome = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert outcome == ["ok"] * 4, outcome
    engine = open_database(pg_url)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()
