"""Reading what a receptionist would see, in Pilot tests."""

from __future__ import annotations

from textual.app import App

from frontdesk.widgets import compat


def screen_text(app: App) -> str:
    """The visible text of the current screen, one line per terminal row."""
    return "\n".join(compat.rendered_lines(app.screen))
