"""Key press to repaint, on the main screens, with a large estate's data.

Builds (once, in a temp dir) a SQLite database with 50,000 owners (the owners
search benchmark's builder), a demo desk and roster, and ten years of desk
encounters (about 150 a day), then drives the real app headless with the
Pilot and times each key press until the app is idle again and the screen has
been refreshed. Search results that arrive from a worker are timed separately
("key to results"). Run: ``.venv/bin/python benchmarks/keypress.py``
(``--owners N``, ``--years N``, ``--presses N``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("TEXTUAL_FPS", "120")  # as the frontdesk command runs (frontdesk/cli/app.py)

from sqlalchemy import insert, select  # noqa: E402

from frontdesk.app import create_app  # noqa: E402
from frontdesk.core.db import open_database, session_scope  # noqa: E402
from frontdesk.demo import seed_demo  # noqa: E402
from frontdesk.models import SEAT_CODES, Encounter, Staff  # noqa: E402
from frontdesk.screens.owners import OwnersTable  # noqa: E402
from frontdesk.widgets import compat  # noqa: E402
from owners_search import build  # noqa: E402

FRAME_MS = 1000 / 60


def add_history(url: str, years: int, per_day: int = 150, seed: int = 5) -> int:
    rng = random.Random(seed)
    engine = open_database(url)
    with session_scope(engine) as s:
        seed_demo(s, day=date.today(), force=True)
    with engine.begin() as conn:
        staff = [sid for (sid,) in conn.execute(select(Staff.id))]
        total = 0
        start = date.today() - timedelta(days=365 * years)
        day = start
        while day < date.today():
            rows = []
            base = datetime(day.year, day.month, day.day, 1, 0, tzinfo=timezone.utc)
            for i in range(per_day):
                arrived = base + timedelta(seconds=rng.randrange(12 * 3600))
                wait = rng.randrange(0, 180)
                began = arrived + timedelta(seconds=wait)
                rows.append({
                    "desk": "main", "day": day, "state": "closed", "seat": rng.choice(SEAT_CODES),
                    "staff_id": rng.choice(staff), "guest_type": "owner", "party_label": "",
                    "direct": False, "category": "inquiry", "outcome": "answered", "note": "",
                    "arrived_at": arrived, "started_at": began,
                    "ended_at": began + timedelta(seconds=rng.randrange(60, 900)),
                    "wait_seconds": wait, "handoff_count": 0, "apologised": False, "version": 1,
                })
            conn.execute(insert(Encounter), rows)
            total += len(rows)
            day += timedelta(days=1)
    engine.dispose()
    return total


def summary(name: str, times: list[float]) -> tuple[str, float, float, float, int]:
    times = sorted(times)
    p95 = times[max(int(len(times) * 0.95) - 1, 0)]
    return name, statistics.median(times), p95, times[-1], len(times)


class Stopwatch:
    """Times a key from the moment the driver hands it to the app until the screen
    update it causes has been rendered to terminal output (the text a real
    terminal would receive is produced and thrown away, as headless runs skip it)."""

    def __init__(self, app) -> None:
        self.app = app
        self.painted = asyncio.Event()
        def painted(_screen, renderable) -> None:
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
                self.painted.set()

        compat.after_display(app, painted)

    async def key(self, key: str, *, timeout: float = 5.0) -> float:
        from textual import events

        self.painted.clear()
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(self.app)
        start = time.perf_counter()
        compat.send_to_driver(self.app, event)
        await asyncio.wait_for(self.painted.wait(), timeout)
        return (time.perf_counter() - start) * 1000


async def drive(db: str, presses: int) -> list[tuple[str, float, float, float, int]]:
    app = create_app(db)
    results = []
    async with app.run_test(size=(140, 45)) as pilot:
        watch = Stopwatch(app)

        async def settle() -> None:
            await app.workers.wait_for_complete()
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()

        await settle()
        # Screen switches: the key press paints the new screen (its data then comes from a worker).
        switches = []
        for _ in range(max(presses // 10, 3)):
            for key in ("f6", "f7", "f5", "f8", "f2"):
                switches.append(await watch.key(key))
                await settle()
        results.append(summary("F-key screen switch", switches))

        # F6: typing in the search box, one character at a time; then the results arrive
        # (timed to the first frame painted after the screen took the worker's rows).
        await pilot.press("f6")
        await settle()
        table = app.screen.query_one(OwnersTable)
        shown = asyncio.Event()
        show_page = table.show_page

        def on_results(*args, **kwargs):
            show_page(*args, **kwargs)
            watch.painted.clear()
            shown.set()

        table.show_page = on_results
        typing, to_results = [], []
        words = ["wxm", "wang", "5678", "zhang", "12-3", "lxm"]
        for i in range(presses):
            word = words[i % len(words)]
            await pilot.press("escape")
            await settle()
            for ch in word:
                shown.clear()
                start = time.perf_counter()
                typing.append(await watch.key(ch))
                await asyncio.wait_for(shown.wait(), 5)
                await asyncio.wait_for(watch.painted.wait(), 5)
                to_results.append((time.perf_counter() - start) * 1000)
                await settle()
        table.show_page = show_page
        results.append(summary("F6 type a character", typing))
        results.append(summary("F6 key to results painted", to_results))

        # F6: moving through the results.
        await pilot.press("escape")
        await settle()
        await pilot.press("down")  # into the table
        await settle()
        rng = random.Random(3)
        moves = []
        for _ in range(presses):
            moves.append(await watch.key(rng.choice(("down", "down", "up"))))
            await settle()
        results.append(summary("F6 move in the list", moves))

        # F2: the arrival dialog opened and closed.
        await pilot.press("f2")
        await settle()
        opens = []
        for _ in range(max(presses // 5, 5)):
            opens.append(await watch.key("a"))
            await settle()
            await pilot.press("escape")
            await settle()
        results.append(summary("F2 open the arrival dialog", opens))
    app.engine.dispose()
    return results


async def floor(presses: int) -> list[tuple[str, float, float, float, int]]:
    """The same stopwatch on a bare Textual app: two modes, each a header, a 50-row table and a footer."""
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header

    class Page(Screen):
        def compose(self):
            yield Header()
            yield DataTable()
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("姓名", "電話", "單元")
            for i in range(50):
                table.add_row(f"王小明{i}", f"138 1234 {i:04d}", f"3-2-{1100 + i}")

    class Bare(App):
        MODES = {"one": Page, "two": Page}
        BINDINGS = [("f1", "switch_mode('one')"), ("f2", "switch_mode('two')")]

        def on_mount(self) -> None:
            self.switch_mode("one")

    app = Bare()
    async with app.run_test(size=(140, 45)) as pilot:
        watch = Stopwatch(app)
        await pilot.press("f2", "f1")
        await pilot.pause()
        switches, moves = [], []
        for _ in range(max(presses // 5, 5)):
            for key in ("f2", "f1"):
                switches.append(await watch.key(key))
                await pilot.pause()
        for i in range(presses):
            moves.append(await watch.key("down" if (i // 20) % 2 == 0 else "up"))  # stay inside 50 rows
            await pilot.pause()
    return [summary("bare Textual: mode switch", switches), summary("bare Textual: move in list", moves)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--presses", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "big.db"
        url = f"sqlite:///{db}"
        t0 = time.perf_counter()
        build(url, args.owners)
        encounters = add_history(url, args.years)
        print(f"database: {args.owners:,} owners, {encounters:,} encounters over {args.years} years "
              f"({db.stat().st_size / 1e6:.0f} MB, built in {time.perf_counter() - t0:.0f} s)")
        rows = asyncio.run(drive(str(db), args.presses)) + asyncio.run(floor(args.presses))
    print(f"{'action':<30}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'n':>6}")
    for name, p50, p95, worst, n in rows:
        print(f"{name:<30}{p50:>9.1f}{p95:>9.1f}{worst:>9.1f}{n:>6}")
    print(f"(one frame at 60 Hz is {FRAME_MS:.1f} ms)")


if __name__ == "__main__":
    main()
