"""Peak memory and time of ``frontdesk import-owners`` at 10,000 and 100,000 rows.

Writes a CSV of N rows (every row a new person in a new unit, Chinese names, mobile
numbers, a note on every tenth row), imports it into a fresh migrated SQLite file in one
transaction, and prints the peak traced Python memory (``tracemalloc``; the pinyin
dictionary and phone metadata, loaded once per process, are loaded first), its ratio to
the file's size, then (in another run, without tracing, which slows every allocation)
the rise of the process's maximum resident size and the time. Each run has its own
process so the figures do not mix.

Run: ``.venv/bin/python benchmarks/import_memory.py`` (``--rows 10000 100000``,
``--bad N`` to make N rows bad, which the import must still report every one of).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SURNAMES = "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘于蔣蔡余杜葉程蘇魏呂丁"
GIVEN = "偉芳娜秀英敏靜麗強磊軍洋勇艷傑娟濤明超蘭霞平剛桂華玉萍紅建國志文斌輝宇浩然子涵梓萱欣怡雨佳俊婷雪琳"


def write_csv(path: Path, rows: int, bad: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    bad_lines = set(rng.sample(range(rows), bad)) if bad else set()
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write("單元,姓名,性別,電話,身份,VIP,備註\r\n")
        for i in range(rows):
            building, rest = divmod(i, 4 * 40 * 8)
            entrance, rest = divmod(rest, 40 * 8)
            floor, room = divmod(rest, 8)
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            phone = f"{rng.choice(('138', '139', '186', '150', '135', '177'))}{rng.randrange(10**8):08d}"
            gender = "男" if i in bad_lines else rng.choice("男女")
            if i in bad_lines:
                phone = "12345"  # not a phone number: rejected
            note = "鑰匙寄放前台\uff0c週末不在家" if i % 10 == 0 else ""  # a full-width comma: one column
            fh.write(f"{building + 1}-{entrance + 1}-{floor + 1}{room + 1:02d},{name},{gender},{phone},業主,"
                     f"{'是' if i % 50 == 0 else ''},{note}\r\n")


def measure(rows: int, bad: int, traced: bool, out) -> None:
    from frontdesk.core.db import open_database, session_scope
    from frontdesk.importer import import_owners
    from frontdesk.names import name_keys, normalize_phone

    # The pinyin dictionary and the phone metadata are loaded once per process (tens of MB):
    # loaded before measuring, so the figures are the import's own.
    name_keys("王小明")
    normalize_phone("13812345678")

    folder = Path(tempfile.mkdtemp(prefix="fd-import-"))
    csv_path = folder / "owners.csv"
    write_csv(csv_path, rows, bad)
    engine = open_database(f"sqlite:///{folder / 'desk.db'}")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    with session_scope(engine) as session:
        report = import_owners(session, csv_path)
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = csv_path.stat().st_size
    out.put((rows, size, peak, (rss_after - rss_before) * 1024, took, report.accepted, len(report.rejected),
             report.imported))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--bad", type=int, default=0)
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    print(f"{'rows':>8} {'file MB':>8} {'peak MB':>8} {'x file':>7} {'RSS+ MB':>8} {'s':>6}  result")
    for rows in args.rows:
        figures = []
        for traced in (True, False):  # traced for the peak; untraced for the time and the resident size
            out = ctx.Queue()
            proc = ctx.Process(target=measure, args=(rows, args.bad, traced, out))
            proc.start()
            figures.append(out.get())
            proc.join()
        n, size, peak, _rss, _took, accepted, rejected, imported = figures[0]
        _n, _size, _peak, rss, took, *_ = figures[1]
        print(f"{n:>8} {size / 1e6:>8.1f} {peak / 1e6:>8.1f} {peak / size:>7.1f} {rss / 1e6:>8.1f} {took:>6.1f}  "
              f"accepted {accepted}, rejected {rejected}, imported {imported}")


if __name__ == "__main__":
    main()
