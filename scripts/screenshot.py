"""Make docs/screenshot.svg, the README's picture of the desk queue, from demo data.

Run: .venv/bin/python scripts/screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path

from frontdesk.app import create_app
from frontdesk.core.clock import FixedClock
from frontdesk.core.db import open_database, session_scope
from frontdesk.demo import seed_demo

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.svg"


async def main() -> None:
    # A mid-morning on today's date, on a clock that stands still: the picture does not depend on the hour.
    at = datetime.now().astimezone().replace(hour=10, minute=30, second=0, microsecond=0)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        engine = open_database(f"sqlite:///{db}")
        with session_scope(engine) as session:
            seed_demo(session, day=at.date())
        engine.dispose()
        app = create_app(str(db), operator="賀穎子", clock=FixedClock(at))
        async with app.run_test(size=(140, 42)) as pilot:
            for keys in (["a", "enter"], ["v", "enter"]):
                await pilot.press(*keys)
                await app.workers.wait_for_complete()
                await pilot.pause()
            OUT.parent.mkdir(exist_ok=True)
            app.save_screenshot(filename=OUT.name, path=str(OUT.parent))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
