"""Shared fixtures: a migrated temporary SQLite database, PostgreSQL when configured."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import text

from frontdesk.core import clock, i18n
from frontdesk.core.db import make_engine, open_database


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory, monkeypatch):
    """No test reads the user's settings file or database URL; every test starts in zh-Hant (the
    system locale, which decides the language when no setting does, is pinned to one that gives it)."""
    monkeypatch.setenv("FRONTDESK_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv("FRONTDESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    i18n.set_language("zh-Hant")
    desk_clock = clock.current()
    yield
    i18n.set_language("zh-Hant")
    clock.use(desk_clock)  # a test that installed a FixedClock (create_app(clock=…)) leaves none behind


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'frontdesk.db'}"


@pytest.fixture
def engine(db_url):
    eng = open_database(db_url)
    yield eng
    eng.dispose()


def postgres_base_url() -> str | None:
    """A URL from the PG* variables that pg_virtualenv exports, or None."""
    if "PGHOST" not in os.environ and "PGPORT" not in os.environ:
        return None
    user = os.environ.get("PGUSER", "postgres")
    password = os.environ.get("PGPASSWORD", "")
    host = os.environ.get("PGHOST", "localhost")
    port = os.environ.get("PGPORT", "5432")
    database = os.environ.get("PGDATABASE", "postgres")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgresql+psycopg://{auth}{host}:{port}/{database}"


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test; skipped when no server is configured."""
    base = postgres_base_url()
    if base is None and os.environ.get("FRONTDESK_REQUIRE_POSTGRES"):
        pytest.fail("FRONTDESK_REQUIRE_POSTGRES is set but no PG* variables point at a server")
    if base is None:
        pytest.skip("no PostgreSQL configured (run the suite under pg_virtualenv, as .ci/run does)")
    name = f"fd_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_engine(pg_url):
    eng = open_database(pg_url)
    yield eng
    eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_engine(request):
    """The test runs twice: on a migrated SQLite file and on PostgreSQL (skipped without a server)."""
    return request.getfixturevalue("engine" if request.param == "sqlite" else "pg_engine")
