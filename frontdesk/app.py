"""FrontDeskApp: the shell (header, footer, global keys, command palette) and its screens.

The app is made by :func:`create_app`, shared by the command line and the tests.
Database work runs in thread workers through :meth:`FrontDeskApp.run_db`, the one
worker path: it drops stale and cancelled results, sends a domain refusal back
to whoever asked and every other failure to :meth:`FrontDeskApp.show_error`,
the one place that turns errors into a dialog.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from textual.app import App
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.dom import DOMNode
from textual.worker import Worker, get_current_worker

from frontdesk.core import clock as desk_clock
from frontdesk.core.clock import Clock
from frontdesk.core.config import Settings, load_settings
from frontdesk.core.db import DatabaseError, explain, open_database, resolve_url, session_scope
from frontdesk.core.errors import ConflictError, FrontdeskError, NotFoundError, ValidationError
from frontdesk.core.history import acting_as
from frontdesk.core.i18n import set_language, t
from frontdesk.screens.checks import ChecksScreen
from frontdesk.screens.help import HelpScreen
from frontdesk.screens.owners import OwnersScreen
from frontdesk.screens.planned import VisitorsScreen, WorkOrdersScreen
from frontdesk.screens.queue import QueueScreen
from frontdesk.screens.reports import ReportsScreen
from frontdesk.screens.roster import RosterScreen
from frontdesk.widgets import compat
from frontdesk.widgets.dialogs import MessageDialog
from frontdesk.widgets.header import DeskHeader

log = logging.getLogger("frontdesk")
T = TypeVar("T")

# What the domain refuses with a message for the user: it goes back to whoever asked
# (a form's fields, a dialog's error line, a screen's status line), never to the error dialog.
DOMAIN_ERRORS = (ValidationError, ConflictError, NotFoundError)

# mode name → (screen class, key, message key of its name)
SCREENS: dict[str, tuple[type, str, str]] = {
    "help": (HelpScreen, "f1", "help.title"),
    "queue": (QueueScreen, "f2", "queue.title"),
    "visitors": (VisitorsScreen, "f3", "planned.visitors_title"),
    "workorders": (WorkOrdersScreen, "f4", "planned.workorders_title"),
    "checks": (ChecksScreen, "f5", "checks.title"),
    "owners": (OwnersScreen, "f6", "owners.title"),
    "reports": (ReportsScreen, "f7", "reports.title"),
    "roster": (RosterScreen, "f8", "roster.title"),
}


class ScreenCommands(Provider):
    """Command palette entries: go to any screen."""

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        for mode, (_cls, key, title_key) in SCREENS.items():
            label = f"{t(title_key)} ({key.upper()})"
            score = matcher.match(label + " " + mode)
            if score > 0:
                yield Hit(score, matcher.highlight(label), partial(app.switch_mode, mode), help=t("app.go_to"))

    async def discover(self) -> Hits:
        for mode, (_cls, key, title_key) in SCREENS.items():
            yield Hit(1.0, f"{t(title_key)} ({key.upper()})", partial(self.app.switch_mode, mode), help=t("app.go_to"))


class FrontDeskApp(App[None]):
    """The front desk."""

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    MODES = {mode: cls for mode, (cls, _key, _title) in SCREENS.items()}
    BINDINGS = [
        Binding("f1", "switch_mode('help')", "keys.help", id="go.help", show=False),
        Binding("f2", "switch_mode('queue')", "keys.queue", id="go.queue", show=False),
        Binding("f3", "switch_mode('visitors')", "keys.visitors", id="go.visitors", show=False),
        Binding("f4", "switch_mode('workorders')", "keys.workorders", id="go.workorders", show=False),
        Binding("f5", "switch_mode('checks')", "keys.checks", id="go.checks", show=False),
        Binding("f6", "switch_mode('owners')", "keys.owners", id="go.owners", show=False),
        Binding("f7", "switch_mode('reports')", "keys.reports", id="go.reports", show=False),
        Binding("f8", "switch_mode('roster')", "keys.roster", id="go.roster", show=False),
        Binding("ctrl+p", "command_palette", "keys.palette", id="app.palette", show=False),
        Binding("ctrl+q", "quit", "keys.quit", id="app.quit", priority=True, show=False),
    ]

    def __init__(
        self,
        engine: Engine,
        *,
        settings: Settings | None = None,
        operator: str = "",
        start_mode: str = "queue",
    ) -> None:
        self.settings = settings or Settings()
        set_language(self.settings.language)
        super().__init__()
        compat.translate_bindings(self, t)
        self.engine = engine
        self.desk_name = self.settings.desk_name or t("app.desk_name")
        self.operator = operator
        self.start_mode = start_mode
        self.title = t("app.name")
        if self.keymap_setting:
            self.set_keymap(self.keymap_setting)
        # per node: the newest call number of each key (older calls of that key are stale)
        self._newest: weakref.WeakKeyDictionary[DOMNode, dict[str, int]] = weakref.WeakKeyDictionary()
        self._calls = 0

    # --- what the screens read from the settings file (one place) -----------------------------
    @property
    def keymap_setting(self) -> dict[str, str]:
        return dict(self.settings.keymap)

    @property
    def shifts_spec(self) -> dict | None:
        """The ``[shifts]`` table (None: the default shifts)."""
        return dict(self.settings.shifts) or None

    @property
    def report_dir(self) -> Path:
        """Where F7 proposes to write exports."""
        return Path(self.settings.report_dir or Path.home()).expanduser()

    # --- the shell --------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.switch_mode(self.start_mode)
        if not self.operator:
            self.run_db(_lead_on_duty, self._default_operator, node=self)

    def _default_operator(self, name: str) -> None:
        """With no --operator, the header names today's shift lead on duty."""
        if name and not self.operator:
            self.set_operator(name)

    def set_operator(self, name: str) -> None:
        self.operator = name
        for screen in compat.all_screens(self):
            for header in screen.query(DeskHeader):
                header.set_operator(name)

    # --- database work -------------------------------------------------------------------------
    def run_db(
        self,
        fn: Callable[[Session], T],
        on_result: Callable[[T], Any] | None = None,
        *,
        node: DOMNode | None = None,
        key: str | None = None,
        on_error: Callable[[BaseException], Any] | None = None,
        lock=None,
        group: str = "db",
    ) -> Worker[None] | None:
        """Run ``fn(session)`` in a thread worker, in one transaction, as the operator at the desk.

        - ``node`` is the widget that asks (default: the owner of ``on_result`` when it is a
          bound method). The worker is its: once the node is gone (a dialog closed, a screen
          popped) or the worker cancelled, nothing is called back.
        - ``key``: only the newest call of a key (per node) calls back; an older one still
          running when a newer one starts is dropped (a search overtaken by the next key).
        - ``on_result(value)`` runs on the UI thread.
        - A domain refusal (:data:`DOMAIN_ERRORS`) goes to ``on_error`` if given, else to the
          node's ``show_domain_error`` (a form's fields, a dialog's error line, a screen's
          status line); any other error goes to :meth:`show_error`, the one error dialog.
        - ``lock`` (a :class:`~frontdesk.widgets.modal.BusyLock`) is held while the call runs:
          when it is already held nothing starts and None is returned (a second Ctrl+S).

        Every call runs inside :func:`frontdesk.core.history.acting_as` with :attr:`operator`,
        so history rows written by ``fn`` name who acted.
        """
        if node is None:
            node = getattr(on_result, "__self__", None)
        if not isinstance(node, DOMNode):
            raise TypeError("run_db needs the node that asks (node=...), so its results go nowhere else")
        if lock is not None and not lock.acquire():
            return None
        self._calls += 1
        call = self._calls
        if key is not None:
            self._newest.setdefault(node, {})[key] = call
        actor = self.operator
        engine = self.engine

        def finish(worker: Worker, ok: bool, value: Any) -> None:
            if lock is not None:
                lock.release()
            live = not worker.is_cancelled and (node is self or node.is_attached)
            if live and key is not None:
                live = self._newest.get(node, {}).get(key) == call
            if not live:
                if not ok and not isinstance(value, DOMAIN_ERRORS):
                    log.warning("a dropped database call failed: %s", value, exc_info=_trace(value))
                return
            if ok:
                if on_result is not None:
                    on_result(value)
            elif isinstance(value, DOMAIN_ERRORS):
                self._refused(node, value, on_error)
            else:
                self.show_error(value)

        def work() -> None:
            worker = get_current_worker()
            try:
                with acting_as(actor), session_scope(engine) as session:
                    outcome = (True, fn(session))
            except Exception as exc:  # noqa: BLE001 - every error is shown to the user or its caller
                outcome = (False, exc)
            try:
                self.call_from_thread(finish, worker, *outcome)
            except RuntimeError:  # the app has stopped meanwhile: nobody to tell
                pass

        return node.run_worker(work, thread=True, group=group, exit_on_error=False)

    def _refused(self, node: DOMNode, exc: BaseException, on_error) -> None:
        if on_error is not None:
            on_error(exc)
            return
        for target in (node, getattr(node, "screen", None)):
            handler = getattr(target, "show_domain_error", None)
            if handler is not None:
                handler(exc)
                return
        self.show_error(exc)

    def show_error(self, exc: BaseException) -> None:
        """The one place a failure becomes a dialog in the user's language."""
        if isinstance(exc, (FrontdeskError, DatabaseError)):
            message = str(exc)
        elif isinstance(exc, SQLAlchemyError):
            message = explain(exc, str(self.engine.url))
        else:
            message = t("app.unexpected_error", error=f"{type(exc).__name__}: {exc}")
        log.error("worker failed: %s", message, exc_info=_trace(exc))
        self.push_screen(MessageDialog(t("app.error_title"), message))


def binding_ids() -> set[str]:
    """Every binding id a ``[keymap]`` may name: the app's and those of every screen, dialog and widget."""
    import importlib
    import pkgutil

    import frontdesk.screens
    import frontdesk.widgets

    classes: list[type] = [FrontDeskApp]
    for package in (frontdesk.screens, frontdesk.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            classes += [obj for obj in vars(module).values() if isinstance(obj, type) and obj.__module__ == module.__name__]
    return {b.id for cls in classes for b in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])) if b.id}



def _trace(exc: BaseException):
    return None if isinstance(exc, FrontdeskError) else (type(exc), exc, exc.__traceback__)


def _lead_on_duty(session: Session) -> str:
    from frontdesk.roster import on_duty

    people = on_duty(session, desk_clock.today())
    lead = next((p for p in people if p.role == "lead"), None)
    return lead.name if lead else ""


def create_app(
    url: str,
    *,
    language: str | None = None,
    operator: str = "",
    settings: Settings | None = None,
    start_mode: str = "queue",
    clock: Clock | None = None,
) -> FrontDeskApp:
    """The app on the database at ``url`` (a URL or a file path; migrated first): used by the CLI and the tests.

    The settings file is checked first (:class:`SettingsError` for a bad value, an unknown key or a
    ``[keymap]`` id no key has). ``clock`` (a :class:`~frontdesk.core.clock.FixedClock` in tests and
    the demo) is installed as the process's one clock, so the header, the screens and every domain
    call read it.
    """
    if clock is not None:
        desk_clock.use(clock)
    settings = settings or load_settings(language=language)
    if language:
        settings.language = language
    settings.check_keymap(binding_ids())
    set_language(settings.language)
    engine = open_database(resolve_url(url))
    return FrontDeskApp(engine, settings=settings, operator=operator, start_mode=start_mode)
