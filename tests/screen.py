"""Reading what a receptionist would see, in Pilot tests."""

from __future__ import annotations

from textual.app import App


def screen_text(app: App) -> str:
    """The visible text of the current screen, one line per terminal row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
