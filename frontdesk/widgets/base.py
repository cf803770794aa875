"""Pieces every screen uses: translated bindings and the desk screen frame."""

from __future__ import annotations

import dataclasses

from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from frontdesk.core.i18n import t
from frontdesk.widgets.header import DeskHeader


def translate_bindings(node: DOMNode) -> None:
    """Replace binding descriptions that are message keys with their translation.

    ``BINDINGS`` name message keys (``"keys.help"``) because the language is
    chosen at start-up, after the classes are defined.
    """
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            dataclasses.replace(
                b,
                description=t(b.description) if "." in b.description else b.description,
                tooltip=t(b.tooltip) if b.tooltip and "." in b.tooltip else b.tooltip,
            )
            for b in bindings
        ]


class ScreenKeys(Static):
    """One line of the global screen keys (F1 … F8), the current screen highlighted.

    The footer below it holds the keys of the current screen, so neither crowds
    the other out. Keys follow the user's keymap.
    """

    DEFAULT_CSS = """
    ScreenKeys {
        height: 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, current_mode: str) -> None:
        super().__init__()
        self._mode = current_mode

    def on_mount(self) -> None:
        from rich.text import Text

        keymap = getattr(self.app, "_keymap", {}) or {}
        text = Text(no_wrap=True, overflow="ellipsis")
        for binding in type(self.app).BINDINGS:
            if not (binding.id or "").startswith("go."):
                continue
            key = keymap.get(binding.id, binding.key).split(",")[0].upper()
            label = t(binding.description)
            current = binding.id == f"go.{self._mode}"
            text.append(f" {key} ", style="bold reverse" if current else "bold")
            text.append(f"{label} ", style="bold" if current else "")
        self.update(text)


class DeskScreen(Screen):
    """A main screen: the desk header, the screen's body, the screen keys and the footer.

    Subclasses set ``TITLE_KEY`` and implement :meth:`compose_body`.
    """

    DEFAULT_CSS = """
    DeskScreen #desk-bottom { dock: bottom; height: 2; }
    """

    TITLE_KEY = "app.name"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    @property
    def screen_title(self) -> str:
        return t(self.TITLE_KEY)

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.screen_title)
        yield from self.compose_body()
        modes = getattr(self.app, "MODES", {})
        with Vertical(id="desk-bottom"):
            yield ScreenKeys(next((m for m, cls in modes.items() if cls is type(self)), ""))
            yield Footer()

    def compose_body(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()
