"""Engine set-up and every way a database can fail: one clear message, nothing lost."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from frontdesk.core import db
from frontdesk.cli import main
from frontdesk.core.db import DatabaseError, backup_sqlite, make_engine, open_database, resolve_url, sqlite_path


def test_sqlite_pragmas(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.BUSY_TIMEOUT_MS


def test_new_database_file_is_private(db_url):
    open_database(db_url).dispose()
    mode = stat.S_IMODE(os.stat(sqlite_path(db_url)).st_mode)
    assert mode == 0o600


def test_resolve_url(tmp_path, monkeypatch):
    assert resolve_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    assert resolve_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    monkeypatch.setenv("FRONTDESK_DATABASE_URL", "sqlite:////x/y.db")
    assert resolve_url(None) == "sqlite:////x/y.db"
    assert resolve_url(str(tmp_path / "b.db")).endswith("b.db")  # --db wins over the variable


def test_unwritable_path_is_one_clear_message():
    # /proc refuses new files even to root, as a read-only or foreign folder would.
    with pytest.raises(DatabaseError, match="無法寫入資料庫檔案"):
        open_database("sqlite:////proc/frontdesk.db")


def test_a_file_where_the_folder_should_be(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(DatabaseError, match="不存在"):
        open_database(f"sqlite:///{blocker / 'frontdesk.db'}")


def test_corrupt_file_is_one_clear_message_and_is_left_alone(tmp_path):
    path = tmp_path / "bad.db"
    garbage = b"this is not a sqlite database at all" * 200
    path.write_bytes(garbage)
    with pytest.raises(DatabaseError, match="已損壞"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == garbage


def test_locked_database_is_one_clear_message(db_url, monkeypatch):
    open_database(db_url).dispose()
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(sqlite_path(db_url), timeout=0.1)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        engine = make_engine(db_url)
        with pytest.raises(Exception) as info:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO unit (code, building, entrance, room, notes, created_at, version) "
                                  "VALUES ('1-1-1','1','1','1','', '2026-01-01', 1)"))
        assert "鎖定" in db.explain(info.value, db_url)
        engine.dispose()
    finally:
        holder.rollback()
        holder.close()


def test_locked_database_at_start_up(tmp_path, monkeypatch):
    """A migration that finds the file locked reports it instead of hanging."""
    url = f"sqlite:///{tmp_path / 'f.db'}"
    engine = make_engine(url)
    from frontdesk.core.db import alembic_config
    from alembic import command

    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(tmp_path / "f.db", timeout=0.1)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="鎖定"):
            open_database(url)
    finally:
        holder.rollback()
        holder.close()


def test_postgres_that_does_not_answer():
    with pytest.raises(DatabaseError, match="PostgreSQL"):
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/nothing")


def test_cli_reports_unreachable_postgres_with_nonzero_exit():
    result = CliRunner().invoke(main, ["--db", "postgresql+psycopg://nobody@127.0.0.1:1/nothing"])
    assert result.exit_code == 2
    assert "PostgreSQL" in result.output
    assert "Traceback" not in result.output


def test_cli_reports_corrupt_file(tmp_path):
    path = tmp_path / "bad.db"
    path.write_bytes(b"garbage" * 1000)
    result = CliRunner().invoke(main, ["--lang", "en", "--db", str(path)])
    assert result.exit_code == 2
    assert "damaged" in result.output


def test_backup_copies_and_verifies(engine, db_url, tmp_path):
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO unit (code, building, entrance, room, notes, created_at, version) "
                          "VALUES ('3-2-1101','3','2','1101','', '2026-01-01', 1)"))
    dest = tmp_path / "copies" / "copy.db"
    out = backup_sqlite(sqlite_path(db_url), dest)
    assert out == dest
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    with sqlite3.connect(dest) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT code FROM unit").fetchall() == [("3-2-1101",)]


def test_backup_into_a_folder_picks_a_dated_name(engine, db_url, tmp_path):
    folder = tmp_path / "bk"
    folder.mkdir()
    out = backup_sqlite(sqlite_path(db_url), folder)
    assert out.parent == folder and out.name.startswith("frontdesk-")


def test_backup_command(engine, db_url, tmp_path):
    dest = tmp_path / "cli-copy.db"
    result = CliRunner().invoke(main, ["--lang", "en", "backup", str(dest), "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "verified" in result.output and dest.exists()


@pytest.mark.parametrize("case", ["missing", "same", "postgres", "corrupt"])
def test_backup_command_bad_input(case, engine, db_url, tmp_path):
    args = {
        "missing": ["backup", str(tmp_path / "x.db"), "--db", str(tmp_path / "nope.db")],
        "same": ["backup", str(sqlite_path(db_url)), "--db", db_url],
        "postgres": ["backup", str(tmp_path / "x.db"), "--db", "postgresql+psycopg://u@127.0.0.1:1/d"],
        "corrupt": ["backup", str(tmp_path / "x.db"), "--db", str(tmp_path / "bad.db")],
    }[case]
    (tmp_path / "bad.db").write_bytes(b"garbage" * 1000)
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    assert result.exit_code == 2, result.output
    assert result.output.strip() and "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()


def test_a_path_in_a_missing_folder_is_refused_not_created(tmp_path):
    missing = tmp_path / "no-such-folder" / "frontdesk.db"
    with pytest.raises(DatabaseError, match="不存在"):
        open_database(f"sqlite:///{missing}")
    assert not missing.parent.exists()


def test_cli_refuses_a_mistyped_db_path(tmp_path):
    result = CliRunner().invoke(main, ["--lang", "en", "--db", str(tmp_path / "typo" / "desk.db")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_a_write_lock_stops_seed_demo_with_one_line_but_not_the_report(db_url, monkeypatch):
    """Another desk holding the write lock: a writing command says so; reading (WAL) goes on."""
    open_database(db_url).dispose()
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(sqlite_path(db_url), timeout=0.1)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        seeding = CliRunner().invoke(main, ["--lang", "en", "seed-demo", "--db", db_url])
        report = CliRunner().invoke(main, ["--lang", "en", "report", "--date", "2026-11-27", "--db", db_url])
    finally:
        holder.rollback()
        holder.close()
    assert seeding.exit_code == 2, seeding.output
    assert "locked" in seeding.output and "Traceback" not in seeding.output
    assert report.exit_code == 0, report.output
    assert "Shift handover report" in report.output
