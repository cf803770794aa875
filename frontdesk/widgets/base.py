"""Pieces every screen uses: translated bindings and the desk screen frame."""

from __future__ import annotations

import dataclasses

from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Footer

from frontdesk.i18n import t
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


class DeskScreen(Screen):
    """A main screen: the desk header, the screen's body, the footer with its keys.

    Subclasses set ``TITLE_KEY`` and implement :meth:`compose_body`.
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
        yield Footer()

    def compose_body(self) -> ComposeResult:  # pragma: no cover - overridden
        yield from ()
