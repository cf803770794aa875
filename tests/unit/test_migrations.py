"""Alembic: upgrade from empty, down and up again, models match the migrations; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from frontdesk.core.db import (
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    open_database,
    sqlite_path,
    upgrade,
)


def _migrate(engine, target: str, direction: str = "upgrade") -> None:
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        getattr(command, direction)(cfg, target)


def _diff(engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)


def _check_cycle(engine) -> None:
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert _diff(engine) == [], "models.py and the migrations disagree"
    _migrate(engine, "base", "downgrade")
    inspect(engine).clear_cache() if hasattr(inspect(engine), "clear_cache") else None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert _diff(engine) == []


def test_sqlite_upgrade_downgrade_upgrade(db_url):
    engine = make_engine(db_url)
    try:
        _check_cycle(engine)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_upgrade_downgrade_upgrade(pg_url):
    engine = make_engine(pg_url)
    try:
        _check_cycle(engine)
    finally:
        engine.dispose()


def test_every_revision_steps_down_and_up(db_url):
    """Each migration's downgrade undoes its upgrade, one step at a time."""
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        revisions = []
        rev = current_revision(engine)
        while rev is not None:
            revisions.append(rev)
            _migrate(engine, "-1", "downgrade")
            rev = current_revision(engine)
        assert revisions[-1] == "0001"
        for _ in revisions:
            _migrate(engine, "+1")
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_existing_database_is_backed_up_before_an_upgrade(db_url):
    engine = make_engine(db_url)
    _migrate(engine, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO unit (code, building, entrance, room, notes, created_at, version) "
            "VALUES ('1-1-101', '1', '1', '101', '', '2026-01-01 00:00:00', 1)"
        )
    engine.dispose()

    engine = open_database(db_url)
    try:
        assert current_revision(engine) == head_revision()
        backups = list((sqlite_path(db_url).parent / "backups").glob("*.db"))
        assert len(backups) == 1 and "0001" in backups[0].name
        import sqlite3

        with sqlite3.connect(backups[0]) as conn:
            assert conn.execute("SELECT code FROM unit").fetchall() == [("1-1-101",)]
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    finally:
        engine.dispose()


def test_new_database_needs_no_backup_and_second_start_changes_nothing(db_url):
    open_database(db_url).dispose()
    open_database(db_url).dispose()
    assert not (sqlite_path(db_url).parent / "backups").exists()
