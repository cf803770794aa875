"""The long version of the upgrade crash test (tests/unit/test_hardening_upgrade.py).

Makes a desk's database at an old revision (``--from``, default 0001) with some data, then
``--kills`` times: copies it, forks a child that opens it (and so backs it up and upgrades
it), SIGKILLs the child at a random moment within the upgrade's duration, and checks that
the file is at the old revision or at head (never in between), passes
``PRAGMA integrity_check``, still holds its data, and opens. Prints how many kills landed
before and after the commit, and the first failure if any (exit code 1).

Run: ``.venv/bin/python benchmarks/upgrade_crash.py`` (``--kills 300 --seed 1``).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command  # noqa: E402
from sqlalchemy import text  # noqa: E402

from frontdesk.core.db import alembic_config, head_revision, make_engine, open_database  # noqa: E402


def revision_of(path: Path) -> str | None:
    with closing(sqlite3.connect(path)) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None


def make_old(path: Path, revision: str, units: int) -> None:
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO unit (code, building, entrance, room, notes, created_at, version) "
                          "VALUES (:c, '1', '1', :r, '', '2026-01-01', 1)"),
                     [{"c": f"1-1-{i}", "r": str(i)} for i in range(units)])
    engine.dispose()


def run_and_kill(path: Path, delay: float) -> None:
    pid = os.fork()
    if pid == 0:
        try:
            open_database(f"sqlite:///{path}").dispose()
        finally:
            os._exit(0)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.0005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--from", dest="old", default="0001")
    parser.add_argument("--units", type=int, default=2000)
    args = parser.parse_args()
    head = head_revision()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template.db"
        make_old(template, args.old, args.units)
        probe = folder / "probe.db"
        shutil.copy(template, probe)
        started = time.perf_counter()
        run_and_kill(probe, 60)
        span = time.perf_counter() - started
        print(f"one upgrade {args.old} → {head} in a child: {span * 1000:.0f} ms; {args.kills} kills within 1.1×")
        outcomes = {"old": 0, "head": 0}
        for i in range(args.kills):
            path = folder / f"desk-{i % 10}.db"
            for leftover in folder.glob(f"desk-{i % 10}.db*"):
                leftover.unlink()
            shutil.copy(template, path)
            run_and_kill(path, rng.uniform(0, span * 1.1))
            revision = revision_of(path)
            if revision not in (args.old, head):
                print(f"kill {i}: revision {revision!r}")
                return 1
            outcomes["old" if revision == args.old else "head"] += 1
            try:
                engine = open_database(f"sqlite:///{path}")
            except Exception as exc:  # noqa: BLE001
                print(f"kill {i}: the database does not start: {exc}")
                return 1
            with engine.connect() as conn:
                ok = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                units = conn.exec_driver_sql("SELECT count(*) FROM unit").scalar()
            engine.dispose()
            if ok != "ok" or units != args.units:
                print(f"kill {i}: integrity {ok}, {units} units")
                return 1
            shutil.rmtree(folder / "backups", ignore_errors=True)
        print(f"survived {args.kills} kills: {outcomes['old']} left at {args.old}, {outcomes['head']} at {head}; "
              "every one opened, integrity ok, no row lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
