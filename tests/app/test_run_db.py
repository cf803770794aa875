"""app.run_db, the one worker path: stale and cancelled results dropped, refusals to the caller, the rest to the dialog."""

from __future__ import annotations

import threading

import pytest
from textual.app import ComposeResult
from textual.widgets import Static
from textual.worker import WorkerCancelled

from frontdesk.app import create_app
from frontdesk.core.errors import ConflictError, NotFoundError, ValidationError
from frontdesk.core.history import current_actor
from frontdesk.widgets.dialogs import MessageDialog
from frontdesk.widgets.modal import BusyLock, Modal
from tests.screen import screen_text


class Probe(Modal[None]):
    """A dialog that records what run_db hands back to it."""

    def __init__(self) -> None:
        super().__init__("probe")
        self.results: list = []
        self.refusals: list[BaseException] = []

    def compose_body(self) -> ComposeResult:
        yield Static("body")

    def got(self, value) -> None:
        self.results.append(value)

    def show_domain_error(self, exc: BaseException) -> None:
        self.refusals.append(exc)
        super().show_domain_error(exc)


async def settle(app, pilot) -> None:
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def until(pilot, *events: threading.Event) -> None:
    """Let the app run until every event is set (the work has started in its thread)."""
    for _ in range(500):
        if all(event.is_set() for event in events):
            return
        await pilot.pause(0.01)
    raise AssertionError("the database work never started")


async def open_probe(app, pilot) -> Probe:
    await settle(app, pilot)
    probe = Probe()
    app.push_screen(probe)
    await pilot.pause()
    return probe


def gated(value, gate: threading.Event, entered: threading.Event | None = None):
    """A database function that waits for ``gate`` before answering (and sets ``entered`` once it runs)."""

    def fn(_session):
        if entered is not None:
            entered.set()
        assert gate.wait(5)
        return value

    return fn


async def test_only_the_newest_call_of_a_key_calls_back(db_url):
    app = create_app(db_url)
    async with app.run_test() as pilot:
        probe = await open_probe(app, pilot)
        slow, entered = threading.Event(), threading.Event()
        app.run_db(gated("old", slow, entered), probe.got, node=probe, key="search")
        await until(pilot, entered)
        app.run_db(lambda s: "new", probe.got, node=probe, key="search")
        app.run_db(lambda s: "other key", probe.got, node=probe, key="detail")
        await pilot.pause(0.2)
        slow.set()  # the older search answers last
        await settle(app, pilot)
        assert sorted(probe.results) == ["new", "other key"]


async def test_without_a_key_every_call_calls_back(db_url):
    app = create_app(db_url)
    async with app.run_test() as pilot:
        probe = await open_probe(app, pilot)
        gate = threading.Event()
        app.run_db(gated(1, gate), probe.got, node=probe)
        app.run_db(lambda s: 2, probe.got, node=probe)
        gate.set()
        await settle(app, pilot)
        assert sorted(probe.results) == [1, 2]


async def test_a_cancelled_worker_never_calls_back(db_url):
    app = create_app(db_url)
    async with app.run_test() as pilot:
        probe = await open_probe(app, pilot)
        gate, entered = threading.Event(), threading.Event()
        worker = app.run_db(gated("late", gate, entered), probe.got, node=probe)
        await until(pilot, entered)  # the work is running in its thread when the worker is cancelled
        worker.cancel()
        gate.set()
        with pytest.raises(WorkerCancelled):
            await worker.wait()
        await settle(app, pilot)
        assert probe.results == [] and probe.refusals == []
        assert not isinstance(app.screen, MessageDialog)


async def test_a_closed_dialog_gets_nothing(db_url):
    app = create_app(db_url)
    async with app.run_test() as pilot:
        probe = await open_probe(app, pilot)
        gate, entered = threading.Event(), threading.Event()
        app.run_db(gated("too late", gate, entered), probe.got, node=probe)
        failing, failing_entered = threading.Event(), threading.Event()

        def fails(_session):
            failing_entered.set()
            assert failing.wait(5)
            raise ValidationError({"name": "不會顯示"})

        app.run_db(fails, probe.got, node=probe)
        await until(pilot, entered, failing_entered)
        probe.dismiss(None)
        await pilot.pause()
        gate.set()
        failing.set()
        await settle(app, pilot)
        assert probe.results == [] and probe.refusals == []
        assert not isinstance(app.screen, MessageDialog)


async def test_the_worker_belongs_to_the_node_that_asked(db_url):
    app = create_app(db_url)
    async with app.run_test() as pilot:
        probe = await open_probe(app, pilot)
        gate = threading.Event()
        worker = app.run_db(gated(1, gate), probe.got, node=probe)
        assert worker.node is probe
        bound = app.run_db(lambda s: 2, probe.got)  # no node: the owner of the bound method
        assert bound.node is probe
        gate.set()
        await settle(app, pilot)
        with pytest.raises(TypeError):
            app.run_db(lambda s: 3, lambda value: None)


@pytest.mark.parametrize("error", [ValidationError({"name": "請填寫姓名。"}), ConflictError("另一個前台改了"),
                                   NotFoundError("找不到")])
async def test_a_domain_refusal_goes_back_to_the_caller(db_url, error):
    app = create_app(db_url)
    async with app.run_test() as pilot:
        probe = await open_probe(app, pilot)

        def refuse(_session):
            raise error

        app.run_db(refuse, probe.got, node=probe)
        await settle(app, pilot)
        assert probe.refusals == [error] and probe.results == []
        assert app.screen is probe and str(error) in screen_text(app)  # on the dialog's error line
        # With on_error, that handler has it instead.
        seen = []
        app.run_db(refuse, probe.got, node=probe, on_error=seen.append)
        await settle(app, pilot)
        assert seen == [error] and probe.refusals == [error]


async def test_a_refusal_reaches_a_screens_status_line(db_url):
    app = create_app(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen

        def refuse(_session):
            raise ConflictError("接待狀態剛被另一個前台改動過")

        app.run_db(refuse, None, node=screen)
        await settle(app, pilot)
        assert app.screen is screen and "接待狀態剛被另一個前台改動過" in screen_text(app)


async def test_any_other_error_goes_to_the_one_error_dialog(db_url):
    app = create_app(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        probe = await open_probe(app, pilot)
        seen = []

        def breaks(_session):
            raise RuntimeError("disk on fire")

        app.run_db(breaks, probe.got, node=probe, on_error=seen.append)
        await settle(app, pilot)
        assert isinstance(app.screen, MessageDialog)
        assert "disk on fire" in screen_text(app)
        assert seen == [] and probe.refusals == [] and probe.results == []


async def test_each_call_runs_as_the_operator_at_the_desk(db_url):
    app = create_app(db_url, operator="李文")
    async with app.run_test() as pilot:
        probe = await open_probe(app, pilot)
        app.run_db(lambda s: current_actor(), probe.got, node=probe)
        await settle(app, pilot)
        app.set_operator("王麗")
        app.run_db(lambda s: current_actor(), probe.got, node=probe)
        await settle(app, pilot)
        assert probe.results == ["李文", "王麗"]
        assert current_actor() == ""  # only inside the worker


async def test_the_busy_lock_refuses_a_second_call_and_is_released_however_it_ends(db_url):
    app = create_app(db_url)
    async with app.run_test() as pilot:
        probe = await open_probe(app, pilot)
        lock = BusyLock()
        gate = threading.Event()
        assert app.run_db(gated("saved", gate), probe.got, node=probe, lock=lock) is not None
        assert lock.held
        assert app.run_db(lambda s: "twice", probe.got, node=probe, lock=lock) is None
        gate.set()
        await settle(app, pilot)
        assert probe.results == ["saved"] and not lock.held

        def refuse(_session):
            raise ValidationError({"x": "不行"})

        app.run_db(refuse, probe.got, node=probe, lock=lock)
        await settle(app, pilot)
        assert not lock.held and len(probe.refusals) == 1


async def test_a_refused_read_is_said_once_and_not_read_again(db_url, monkeypatch):
    """A screen reads again after a refused action, but a refused read is only said (no loop of reads)."""
    from frontdesk import deskqueue
    from frontdesk.screens.queue import QueueScreen

    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)
    calls = []

    def refused_snapshot(session, **kwargs):
        calls.append(kwargs)
        raise NotFoundError("這一天的接待狀態找不到")

    app = create_app(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(deskqueue, "snapshot", refused_snapshot)
        app.screen.reload()
        await settle(app, pilot)
        await settle(app, pilot)
        assert len(calls) == 1
        assert "這一天的接待狀態找不到" in screen_text(app) and not isinstance(app.screen, MessageDialog)
