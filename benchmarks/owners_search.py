"""Owners search latency at 50,000 owners.

Builds a migrated SQLite database in a temporary folder (bulk insert: about
21,000 units, 50,000 owners, 60,000 unit links), then times
``frontdesk.owners.search`` for each kind of query a desk types and prints
p50 / p95 / max in milliseconds. Each search opens its own session, as the
app's workers do. Run: ``.venv/bin/python benchmarks/owners_search.py``
(``--owners N``, ``--queries N``, ``--db URL`` to use PostgreSQL or a file).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypinyin import Style, lazy_pinyin  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402

from frontdesk import owners  # noqa: E402
from frontdesk.core.db import open_database, session_scope  # noqa: E402
from frontdesk.models import Occupancy, Owner, Unit, utcnow  # noqa: E402

SURNAMES = "王李張劉陳楊黃趙吳周徐孫馬朱胡郭何高林羅鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董袁潘于蔣蔡余杜葉程蘇魏呂丁任沈姚盧姜崔鍾譚陸汪范金石廖賈夏韋付方白鄒孟熊秦邱江尹薛閻段雷侯龍史陶黎賀顧毛郝龔邵萬錢嚴覃武戴莫孔向湯"
GIVEN = "偉芳娜秀英敏靜麗強磊軍洋勇艷傑娟濤明超秀蘭霞平剛桂英華玉蘭萍紅建國志強文斌輝宇浩然子涵梓萱欣怡雨佳俊傑婷雪琳"


def build(url: str, n_owners: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    engine = open_database(url)
    keys = {}
    for ch in set(SURNAMES + GIVEN):
        keys[ch] = (lazy_pinyin(ch, style=Style.FIRST_LETTER)[0].lower(), lazy_pinyin(ch)[0].lower())
    units = [
        (b, e, f"{floor}{room:02d}")
        for b in range(1, 41)
        for e in range(1, 5)
        for floor in range(1, 34)
        for room in range(1, 5)
    ]
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            insert(Unit),
            [
                {"code": f"{b}-{e}-{r}", "building": str(b), "entrance": str(e), "room": r, "notes": "",
                 "created_at": now, "version": 1}
                for b, e, r in units
            ],
        )
        rows = []
        for i in range(n_owners):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            phone = f"+861{rng.choice('3589')}{rng.randrange(10**9):09d}"
            phone2 = f"+861{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.2 else ""
            rows.append({
                "name": name, "surname": name[0], "gender": rng.choice("FM"),
                "initials": "".join(keys[c][0] for c in name), "pinyin": "".join(keys[c][1] for c in name),
                "phone": phone, "phone_tail": phone[-4:], "phone2": phone2, "phone2_tail": phone2[-4:],
                "is_vip": rng.random() < 0.03, "is_familiar": rng.random() < 0.1, "notes": "",
                "created_at": now, "updated_at": now, "version": 1,
            })
        conn.execute(insert(Owner), rows)
        unit_ids = [u for (u,) in conn.execute(select(Unit.id))]
        owner_ids = [o for (o,) in conn.execute(select(Owner.id))]
        links, seen = [], set()
        for oid in owner_ids:
            for _ in range(1 if rng.random() < 0.8 else 2):
                uid = rng.choice(unit_ids)
                if (uid, oid) not in seen:
                    seen.add((uid, oid))
                    links.append({"unit_id": uid, "owner_id": oid, "role": rng.choice(("owner", "owner", "resident", "tenant"))})
        conn.execute(insert(Occupancy), links)
    with engine.begin() as conn:  # fresh statistics, as a long-running database has
        conn.execute(text("ANALYZE"))
    engine.dispose()


def queries(url: str, n: int, seed: int = 11) -> dict[str, list[str]]:
    rng = random.Random(seed)
    engine = open_database(url)
    with session_scope(engine) as s:
        sample = s.exec(select(Owner.name, Owner.phone, Owner.initials, Owner.pinyin).order_by(Owner.id)).all()
        codes = [c for (c,) in s.exec(select(Unit.code))]
    engine.dispose()
    picks = [rng.choice(sample) for _ in range(n)]
    return {
        "phone tail (4 digits)": [p.phone[-4:] for p in picks],
        "phone, 8 digits": [p.phone[-8:] for p in picks],
        "unit, full code": [rng.choice(codes) for _ in range(n)],
        "unit, 棟單元 prefix": [f"{rng.randint(1, 40)}棟{rng.randint(1, 4)}單元" for _ in range(n)],
        "unit, building '12-'": [f"{rng.randint(1, 40)}-" for _ in range(n)],
        "unit '12-', owners once*": [f"{rng.randint(1, 40)}-" for _ in range(n)],
        "initials (3 letters)": [p.initials[:3] for p in picks],
        "initials (1 letter)": [p.initials[:1] for p in picks],
        "pinyin prefix": [p.pinyin[:5] for p in picks],
        "name prefix (2 chars)": [p.name[:2] for p in picks],
        "surname (1 char)": [p.name[:1] for p in picks],
        "empty (first page)": [""] * n,
    }


def measure(url: str, qs: dict[str, list[str]], offset: int = 0) -> list[tuple[str, float, float, float, int]]:
    engine = open_database(url)
    out = []
    for kind, texts in qs.items():
        # The F6 screen lists units person by person (per_unit); pickers want each owner once (*).
        per_unit = not kind.endswith("*")
        times, found = [], 0
        for q in texts[:5]:  # warm the cache
            with session_scope(engine) as s:
                owners.search(s, q, offset=offset, per_unit=per_unit)
        for q in texts:
            start = time.perf_counter()
            with session_scope(engine) as s:
                rows = owners.search(s, q, limit=50, offset=offset, per_unit=per_unit)
            times.append((time.perf_counter() - start) * 1000)
            found += len(rows)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        out.append((kind, statistics.median(times), p95, times[-1], found // len(texts)))
    engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--db", help="database URL (default: a new SQLite file in a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        start = time.perf_counter()
        build(url, args.owners)
        print(f"built {args.owners:,} owners in {time.perf_counter() - start:.1f} s ({url.split(':')[0]})")
        qs = queries(url, args.queries)
        for offset in (0, 500):
            print(f"\nsearch, page of 50 at offset {offset}, {args.queries} queries per kind (ms)")
            print(f"{'kind':<28}{'p50':>8}{'p95':>8}{'max':>8}{'rows':>6}")
            for kind, p50, p95, worst, rows in measure(url, qs, offset):
                print(f"{kind:<28}{p50:>8.2f}{p95:>8.2f}{worst:>8.2f}{rows:>6}")
        print("\n* search() without per_unit: each owner once (pickers), first place in unit order")


if __name__ == "__main__":
    main()
