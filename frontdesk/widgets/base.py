"""The frame of every main screen: header, the screen's body, the screen keys and the footer."""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from frontdesk.core.i18n import t
from frontdesk.widgets import compat
from frontdesk.widgets.header import DeskHeader
from frontdesk.widgets.modal import TranslatedBindings
from frontdesk.widgets.status import StatusLine


class ScreenKeys(Horizontal):
    """One line of the global keys: F1 … F8 (the current screen highlighted), and Ctrl+P and Ctrl+Q at its right.

    The footer below it holds the keys of the current screen, so neither crowds
    the other out (at 100 columns the footer has room for a screen's own keys
    only). When the roomy form (`` F1 Help  F2 Desk ``) does not fit, the line
    takes its compact form (``F1 Help F2 Desk``, with the short names of
    ``keys.short``), which fits 100 columns in every language; narrower still,
    the F-keys end in "…" while Ctrl+P and Ctrl+Q stay. The form follows the
    terminal's width as it is resized. Keys follow the user's keymap.
    """

    DEFAULT_CSS = """
    ScreenKeys {
        height: 1;
        background: $panel;
        color: $text-muted;
    }
    ScreenKeys > #screen-keys { width: 1fr; }
    ScreenKeys > #app-keys { width: auto; }
    """

    # binding id → the short name the compact form uses
    SHORT_NAMES = {
        "go.help": "keys.short.help", "go.queue": "keys.short.queue", "go.visitors": "keys.short.visitors",
        "go.workorders": "keys.short.workorders", "go.checks": "keys.short.checks", "go.owners": "keys.short.owners",
        "go.reports": "keys.short.reports", "go.roster": "keys.short.roster", "app.palette": "keys.short.palette",
        "app.quit": "keys.short.quit",
    }

    def __init__(self, current_mode: str) -> None:
        super().__init__()
        self._mode = current_mode
        self.compact = False

    def compose(self) -> ComposeResult:
        yield Static(id="screen-keys")
        yield Static(id="app-keys")

    def on_mount(self) -> None:
        self._draw(self.size.width)

    def on_resize(self, event: events.Resize) -> None:
        self._draw(event.size.width)

    def _entries(self) -> list[tuple[str, str, str, bool, bool]]:
        """(key, name, short name, is a screen key, is the current screen) for each global binding."""
        keymap = compat.keymap(self.app)
        out = []
        for binding in type(self.app).BINDINGS:
            key = keymap.get(binding.id, binding.key).split(",")[0]
            key = self.app.get_key_display(dataclasses.replace(binding, key=key)).upper()
            short = self.SHORT_NAMES.get(binding.id or "", binding.description)
            out.append((key, t(binding.description), t(short), (binding.id or "").startswith("go."),
                        binding.id == f"go.{self._mode}"))
        return out

    @staticmethod
    def _line(entries, compact: bool, *, lead: str = "") -> Text:
        line = Text(lead, no_wrap=True)
        for n, (key, name, short, _screen, current) in enumerate(entries):
            if compact:
                if n:
                    line.append(" ")
                line.append(f"{key} {short}", style="bold reverse" if current else "")
                line.stylize("bold", len(line) - len(short) - len(key) - 1, len(line) - len(short))
            else:
                line.append(f" {key} ", style="bold reverse" if current else "bold")
                line.append(f"{name} ", style="bold" if current else "")
        return line

    def _draw(self, width: int) -> None:
        entries = self._entries()
        screens = [e for e in entries if e[3]]
        others = [e for e in entries if not e[3]]
        keys, apps = self._line(screens, False), self._line(others, False)
        self.compact = bool(width) and keys.cell_len + apps.cell_len > width
        if self.compact:
            keys, apps = self._line(screens, True, lead=" "), self._line(others, True, lead=" ")
            apps.append(" ")
            room = width - apps.cell_len
            if keys.cell_len > room:
                keys.truncate(max(room, 1), overflow="ellipsis")
        self.query_one("#screen-keys", Static).update(keys)
        self.query_one("#app-keys", Static).update(apps)


class DeskScreen(TranslatedBindings, Screen):
    """A main screen: the desk header, the screen's body, the screen keys and the footer.

    Subclasses set ``TITLE_KEY`` and implement :meth:`compose_body`; a body that
    yields a :class:`~frontdesk.widgets.status.StatusLine` gets :meth:`say`. A
    refusal from the domain (``app.run_db`` sends it to :meth:`show_domain_error`)
    is said there, and the screen reads its data again (:meth:`reload`); ``reload``
    itself passes ``on_error=self.say_refusal``.
    """

    DEFAULT_CSS = """
    DeskScreen #desk-bottom { dock: bottom; height: 2; }
    """

    TITLE_KEY = "app.name"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._translate_bindings()

    @property
    def screen_title(self) -> str:
        return t(self.TITLE_KEY)

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.screen_title)
        yield from self.compose_body()
        modes = getattr(self.app, "MODES", {})
        with Vertical(id="desk-bottom"):
            yield ScreenKeys(next((m for m, cls in modes.items() if cls is type(self)), ""))
            yield Footer(show_command_palette=False)  # Ctrl+P and Ctrl+Q are on the line above

    def compose_body(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()

    def say(self, message: str, *, error: bool = False) -> None:
        """The screen's status line (a screen without one: a toast)."""
        lines = self.query(StatusLine)
        if lines:
            lines.first().say(message, error=error)
        elif message:
            self.notify(message, severity="error" if error else "information")

    def show_domain_error(self, exc: BaseException) -> None:
        """A refusal from the domain: said on the status line, and the screen shows what is true now."""
        self.say(str(exc), error=True)
        self.reload()

    def say_refusal(self, exc: BaseException) -> None:
        """A refusal of the screen's own read: said, not read again (that would only be refused again)."""
        self.say(str(exc), error=True)

    def reload(self) -> None:
        """Read the screen's data again (screens with data override it)."""
