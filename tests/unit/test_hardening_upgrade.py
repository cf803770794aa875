"""Issue 8 A6 and A7: the upgrade on start is all or nothing, concurrent first starts wait for each
other, and a database the app cannot trust (newer, empty, corrupt) is refused with one line.

The crash test forks a child that opens (and so upgrades) an old database and kills it with
SIGKILL at a random moment of the upgrade; afterwards the file must be at the old revision or
at head, never in between, and must open. ``benchmarks/upgrade_crash.py`` runs it longer.
"""

from __future__ import annotations

import multiprocessing
from contextlib import closing
import os
import random
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import text

from frontdesk.cli import main
from frontdesk.core import db
from frontdesk.core.db import (
    DatabaseError,
    alembic_config,
    head_revision,
    make_engine,
    open_database,
    sqlite_path,
)

OLD = "0001"
KILLS = 30


def revision_of(path: Path) -> str | None:
    with closing(sqlite3.connect(path)) as conn, conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None


def tables_of(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn, conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def make_old_database(path: Path, revision: str = OLD, units: int = 200) -> None:
    """A desk's file from an older release: the schema at ``revision`` and some units and owners."""
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with engine.begin() as conn:
        for i in range(units):
            conn.execute(text("INSERT INTO unit (code, building, entrance, room, notes, created_at, version) "
                              "VALUES (:c, '1', '1', :r, '', '2026-01-01', 1)"), {"c": f"1-1-{i}", "r": str(i)})
    engine.dispose()


@pytest.fixture(scope="module")
def old_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "old.db"
    make_old_database(path)
    return path


def _open_in_child(url: str) -> None:
    try:
        open_database(url).dispose()
    except BaseException:  # noqa: BLE001 - the exit code says it failed
        os._exit(3)
    os._exit(0)


def _upgrade_and_kill(path: Path, delay: float) -> int | None:
    """Fork a child that opens ``path``; SIGKILL it after ``delay`` seconds. Its exit code, or None if killed."""
    pid = os.fork()
    if pid == 0:  # the child
        _open_in_child(f"sqlite:///{path}")
    deadline = time.monotonic() + delay
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        left = deadline - time.monotonic()
        if left <= 0:
            break
        time.sleep(min(left, 0.0005))
    os.kill(pid, signal.SIGKILL)
    _pid, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else None


def test_killed_during_the_upgrade_the_database_still_starts(old_template, tmp_path):
    head = head_revision()
    # How long one upgrade takes in a child, to kill within it.
    probe = tmp_path / "probe.db"
    shutil.copy(old_template, probe)
    started = time.perf_counter()
    assert _upgrade_and_kill(probe, 30) == 0
    span = time.perf_counter() - started
    assert revision_of(probe) == head
    rng = random.Random(int(os.environ.get("FRONTDESK_CRASH_SEED", "8")))
    outcomes = {"old": 0, "head": 0}
    for i in range(KILLS):
        path = tmp_path / f"desk-{i}.db"
        shutil.copy(old_template, path)
        _upgrade_and_kill(path, rng.uniform(0, span * 1.1))
        revision = revision_of(path)
        assert revision in (OLD, head), (i, revision)
        outcomes["old" if revision == OLD else "head"] += 1
        if revision == OLD:  # nothing of the newer schema is left half made
            assert tables_of(path) == tables_of(old_template), (i, tables_of(path) - tables_of(old_template))
        engine = open_database(f"sqlite:///{path}")  # and it starts
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("SELECT count(*) FROM unit").scalar() == 200
        engine.dispose()
        assert revision_of(path) == head
    print(f"{KILLS} kills during the upgrade: {outcomes}")
    assert outcomes["old"] and outcomes["head"], outcomes  # kills landed both before and after the commit


# --- concurrent first starts -------------------------------------------------------------


def _start(url: str, barrier, results) -> None:
    barrier.wait()
    try:
        open_database(url).dispose()
        results.put("ok")
    except Exception as exc:  # noqa: BLE001
        results.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.parametrize("kind", ["fresh", "old"])
def test_four_desks_starting_at_once_all_start(kind, old_template, tmp_path):
    ctx = multiprocessing.get_context("fork")
    for attempt in range(3):
        path = tmp_path / f"{kind}-{attempt}.db"
        if kind == "old":
            shutil.copy(old_template, path)
        barrier, results = ctx.Barrier(4), ctx.Queue()
        procs = [ctx.Process(target=_start, args=(f"sqlite:///{path}", barrier, results)) for _ in range(4)]
        for p in procs:
            p.start()
        outcome = [results.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        assert outcome == ["ok"] * 4, outcome
        assert revision_of(path) == head_revision()
        if kind == "old":
            backups = list((tmp_path / "backups").glob(f"{path.stem}-*.db"))
            assert len(backups) >= 1 and len({b.name for b in backups}) == len(backups)
            for b in backups:
                assert revision_of(b) == OLD


def test_backup_names_never_collide(engine, db_url, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    made = {db.backup_sqlite(sqlite_path(db_url), folder) for _ in range(5)}
    assert len(made) == 5 and len(list(folder.iterdir())) == 5


# --- a newer database ------------------------------------------------------------------------


def test_a_database_from_a_newer_release_is_refused_in_one_line(tmp_path):
    path = tmp_path / "newer.db"
    open_database(f"sqlite:///{path}").dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    for _ in range(3):
        result = CliRunner().invoke(main, ["--lang", "en", "--db", str(path)])
        assert result.exit_code == 2, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and "Traceback" not in result.output, result.output
        assert "newer" in lines[0] and "0099_from_the_future" in lines[0]
    assert not (tmp_path / "backups").exists()  # no backup taken on any of the tries
    assert revision_of(path) == "0099_from_the_future"


# --- odd files ------------------------------------------------------------------------------


def test_a_zero_byte_file_is_refused_not_used_as_a_new_desk(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with pytest.raises(DatabaseError, match="0 bytes"):
        open_database(f"sqlite:///{path}")
    assert path.stat().st_size == 0
    result = CliRunner().invoke(main, ["--lang", "en", "--db", str(path)])
    assert result.exit_code == 2 and "0 bytes" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["--lang", "en", "backup", str(tmp_path / "copy.db"), "--db", str(path)])
    assert result.exit_code == 2 and "0 bytes" in result.output
    assert not (tmp_path / "copy.db").exists()


def test_a_new_file_is_made_whole_and_private(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "new.db"
        open_database(f"sqlite:///{path}").dispose()
    finally:
        os.umask(old)
    assert revision_of(path) == head_revision() and os.stat(path).st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name != "new.db"] == []  # no temporary left over


def corrupt_a_middle_page(path: Path) -> None:
    """Overwrite one page in the middle of the file (not the first, which SQLite checks on open)."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()  # the last connection: the write-ahead log is checkpointed into the file
    assert pages > 6 and not Path(f"{path}-wal").exists()
    with open(path, "r+b") as fh:
        fh.seek(page_size * (pages // 2))
        fh.write(b"\xde\xad\xbe\xef" * (page_size // 4))


@pytest.fixture
def corrupt_db(tmp_path) -> Path:
    path = tmp_path / "corrupt.db"
    open_database(f"sqlite:///{path}").dispose()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.executemany("INSERT INTO unit (code, building, entrance, room, notes, created_at, version) "
                         "VALUES (?, '1', '1', ?, ?, '2026-01-01', 1)",
                         [(f"9-9-{i}", str(i), "備註" * 50) for i in range(2000)])
    corrupt_a_middle_page(path)
    return path


def test_an_import_into_a_file_with_a_corrupt_page_is_refused(corrupt_db, tmp_path):
    csv_file = tmp_path / "owners.csv"
    csv_file.write_text("單元,姓名,性別\n3-2-1101,王小明,男\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "import-owners", str(csv_file), "--db", str(corrupt_db)])
    assert result.exit_code == 2, result.output
    assert "damaged" in result.output and "Traceback" not in result.output
    with closing(sqlite3.connect(corrupt_db)) as conn:
        assert conn.execute("SELECT count(*) FROM owner").fetchone()[0] == 0


def test_an_upgrade_of_a_file_with_a_corrupt_page_is_refused_and_leaves_it(old_template, tmp_path):
    path = tmp_path / "old-corrupt.db"
    make_old_database(path, units=3000)
    corrupt_a_middle_page(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="已損壞"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before and revision_of(path) == OLD
