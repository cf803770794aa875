"""What ``PRAGMA quick_check`` costs before an import and before an upgrade, on a large desk.

Builds the keypress benchmark's database (50,000 owners and ten years of desk encounters,
about 150 a day), then times on it: ``PRAGMA quick_check`` (what an import and an upgrade
now run first), ``PRAGMA integrity_check`` (what a backup runs on its copy), and a
one-row ``import-owners`` with its check. quick_check reads every page but does not match
indexes against their tables, so it costs about one read of the file.

Run: ``.venv/bin/python benchmarks/quick_check.py`` (``--owners N``, ``--years N``).
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from keypress import add_history  # noqa: E402
from owners_search import build  # noqa: E402

from frontdesk.core.db import open_database, session_scope  # noqa: E402
from frontdesk.importer import import_owners  # noqa: E402


def timed(path: Path, pragma: str, runs: int = 3) -> tuple[float, str]:
    best, result = float("inf"), ""
    for _ in range(runs):
        with closing(sqlite3.connect(path)) as conn:
            started = time.perf_counter()
            result = conn.execute(f"PRAGMA {pragma}").fetchone()[0]
            best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.db"
        url = f"sqlite:///{path}"
        build(url, args.owners)
        encounters = add_history(url, args.years)
        size = path.stat().st_size
        print(f"database: {args.owners:,} owners, {encounters:,} encounters, {size / 1e6:.0f} MB")
        for pragma in ("quick_check", "integrity_check"):
            took, result = timed(path, pragma)
            print(f"PRAGMA {pragma:<16} {took * 1000:8.0f} ms  ({size / 1e6 / took:.0f} MB/s, {result})")
        csv_file = Path(tmp) / "one.csv"
        csv_file.write_text("單元,姓名,性別\n1-1-101,王小明,男\n", encoding="utf-8")
        engine = open_database(url)
        started = time.perf_counter()
        with session_scope(engine) as session:
            report = import_owners(session, csv_file, dry_run=True)
        print(f"import-owners of one row (dry run, with the check) {(time.perf_counter() - started) * 1000:8.0f} ms"
              f"  ({report.accepted} accepted)")
        engine.dispose()


if __name__ == "__main__":
    main()
