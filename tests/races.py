"""Two (or more) desks racing on one database: threads with their own sessions, lined up at a barrier.

``write_barrier(engine, n, touching="self_check")`` holds each of ``n`` threads just before its
first write statement on a table whose name contains ``touching``, until all ``n`` are there:
every desk has read what it read, none has written yet. That is the interleaving in which a
read-then-write loses an update; code that claims the record with a conditional UPDATE first
must refuse all but one. Threads that never reach a write break the barrier (after ``timeout``)
and the others go on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event

_WRITES = ("insert", "update", "delete")


@contextmanager
def write_barrier(engine, parties: int, *, touching: str = "self_check", timeout: float = 5.0) -> Iterator[threading.Barrier]:
    barrier = threading.Barrier(parties, timeout=timeout)
    passed = threading.local()

    def before(conn, cursor, statement, params, context, executemany):
        if getattr(passed, "done", False) or threading.current_thread() is threading.main_thread():
            return
        head = statement.lstrip().lower()
        if head.startswith(_WRITES) and touching in head.split("(")[0].split(" where ")[0]:
            passed.done = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield barrier
    finally:
        event.remove(engine, "before_cursor_execute", before)


def run_desks(*desks: Callable[[], object], timeout: float = 60.0) -> list[object]:
    """Run each desk in its own thread; returns what each returned or raised, in order."""
    results: list[object] = [None] * len(desks)

    def run(i: int, fn: Callable[[], object]) -> None:
        try:
            results[i] = fn()
        except BaseException as exc:  # noqa: BLE001 - the test looks at what each desk got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(desks)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout)
        assert not th.is_alive(), "a desk hung"
    return results
