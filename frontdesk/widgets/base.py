"""The frame of every main screen: header, the screen's body, the screen keys and the footer."""

from __future__ import annotations

import dataclasses

from rich.text import Text
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
    only). On a narrow terminal the F-keys end in "…"; Ctrl+P and Ctrl+Q stay.
    Keys follow the user's keymap.
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

    def __init__(self, current_mode: str) -> None:
        super().__init__()
        self._mode = current_mode

    def compose(self) -> ComposeResult:
        yield Static(id="screen-keys")
        yield Static(id="app-keys")

    def on_mount(self) -> None:
        keymap = compat.keymap(self.app)
        screens = Text(no_wrap=True, overflow="ellipsis")
        others = Text(no_wrap=True)
        for binding in type(self.app).BINDINGS:
            key = keymap.get(binding.id, binding.key).split(",")[0]
            key = self.app.get_key_display(dataclasses.replace(binding, key=key)).upper()
            current = binding.id == f"go.{self._mode}"
            line = screens if (binding.id or "").startswith("go.") else others
            line.append(f" {key} ", style="bold reverse" if current else "bold")
            line.append(f"{t(binding.description)} ", style="bold" if current else "")
        self.query_one("#screen-keys", Static).update(screens)
        self.query_one("#app-keys", Static).update(others)


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
