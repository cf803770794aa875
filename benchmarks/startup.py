"""Start-up time: from process start to the first screen painted, frontdesk vs a bare Textual app.

Each run is a fresh Python process that starts the app headless and exits right
after the first screen has been painted. Run: .venv/bin/python benchmarks/startup.py [runs]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Both exit through the same auto-pilot once the first screen is up and painted.
PILOT = """
async def first_paint(pilot):
    await pilot.pause()
    pilot.app.exit()
"""

BARE = PILOT + """
from textual.app import App
from textual.widgets import DataTable, Footer, Header
class Bare(App):
    def compose(self):
        yield Header(); yield DataTable(); yield Footer()
Bare().run(headless=True, auto_pilot=first_paint)
"""

FRONTDESK = PILOT + """
import sys
from frontdesk.app import create_app
create_app(sys.argv[1]).run(headless=True, auto_pilot=first_paint)
"""


def timed(code: str, *args: str) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return time.perf_counter() - t0


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        timed(FRONTDESK, db)  # creates and migrates the database once
        bare = [timed(BARE) for _ in range(runs)]
        desk = [timed(FRONTDESK, db) for _ in range(runs)]
    print(f"{'app':<22}{'median s':>10}{'min s':>10}{'max s':>10}")
    for name, xs in [("bare Textual app", bare), ("frontdesk", desk)]:
        print(f"{name:<22}{statistics.median(xs):>10.3f}{min(xs):>10.3f}{max(xs):>10.3f}")
    print(f"frontdesk costs {statistics.median(desk) - statistics.median(bare):+.3f} s over the floor ({runs} runs each)")


if __name__ == "__main__":
    main()
