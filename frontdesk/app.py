"""FrontDeskApp: the shell (header, footer, global keys, command palette) and its screens.

The app is made by :func:`create_app`, shared by the command line and the tests.
Database work runs in thread workers through :meth:`FrontDeskApp.run_db`; every
error a worker raises is shown by :meth:`FrontDeskApp.show_error`, the one place
that turns errors into a dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session
from textual.app import App
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.dom import DOMNode
from textual.worker import Worker

from frontdesk.core.config import Settings, load_settings
from frontdesk.core.db import DatabaseError, explain, open_database, resolve_url, session_scope
from frontdesk.core.errors import FrontdeskError
from frontdesk.core.i18n import set_language, t
from frontdesk.screens.checks import ChecksScreen
from frontdesk.screens.help import HelpScreen
from frontdesk.screens.owners import OwnersScreen
from frontdesk.screens.planned import VisitorsScreen, WorkOrdersScreen
from frontdesk.screens.queue import QueueScreen
from frontdesk.screens.reports import ReportsScreen
from frontdesk.screens.roster import RosterScreen
from frontdesk.widgets.base import translate_bindings
from frontdesk.widgets.dialogs import MessageDialog
from frontdesk.widgets.header import DeskHeader

log = logging.getLogger("frontdesk")
T = TypeVar("T")

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
        Binding("ctrl+q", "quit", "keys.quit", id="app.quit", priority=True),
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
        translate_bindings(self)
        self.engine = engine
        self.desk_name = self.settings.desk_name or t("app.desk_name")
        self.operator = operator
        self.start_mode = start_mode
        self.title = t("app.name")
        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))

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
        for stack in self._screen_stacks.values():
            for screen in stack:
                for header in screen.query(DeskHeader):
                    header.set_operator(name)

    # --- database work -------------------------------------------------
    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def run_db(
        self,
        fn: Callable[[Session], T],
        on_result: Callable[[T], Any] | None = None,
        *,
        on_error: Callable[[BaseException], bool | None] | None = None,
        node: DOMNode | None = None,
        group: str = "db",
        exclusive: bool = False,
    ) -> Worker[None]:
        """Run ``fn(session)`` in a thread worker, in one transaction.

        ``on_result`` gets the value on the UI thread. An error goes to
        ``on_error`` first (it returns True when it showed the error itself,
        e.g. next to a field); anything left is shown by :meth:`show_error`.
        """

        def work() -> None:
            try:
                with session_scope(self.engine) as session:
                    result = fn(session)
            except Exception as exc:  # noqa: BLE001 - every error is shown to the user
                self.call_from_thread(self._worker_failed, exc, on_error)
                return
            if on_result is not None:
                self.call_from_thread(on_result, result)

        target = node or self.screen
        return target.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def _worker_failed(self, exc: BaseException, on_error) -> None:
        if on_error is not None and on_error(exc):
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
        trace = None if isinstance(exc, FrontdeskError) else (type(exc), exc, exc.__traceback__)
        log.error("worker failed: %s", message, exc_info=trace)
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


def _lead_on_duty(session: Session) -> str:
    from datetime import date

    from frontdesk.roster import on_duty

    people = on_duty(session, date.today())
    lead = next((p for p in people if p.role == "lead"), None)
    return lead.name if lead else ""


def create_app(
    url: str,
    *,
    language: str | None = None,
    operator: str = "",
    settings: Settings | None = None,
    start_mode: str = "queue",
) -> FrontDeskApp:
    """The app on the database at ``url`` (a URL or a file path; migrated first): used by the CLI and the tests.

    The settings file is checked first (:class:`SettingsError` for a bad value, an unknown key or a
    ``[keymap]`` id no key has).
    """
    settings = settings or load_settings(language=language)
    if language:
        settings.language = language
    settings.check_keymap(binding_ids())
    set_language(settings.language)
    engine = open_database(resolve_url(url))
    return FrontDeskApp(engine, settings=settings, operator=operator, start_mode=start_mode)
