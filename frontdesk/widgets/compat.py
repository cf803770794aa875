"""Every use of Textual's private API, in one place (Textual is pinned to the minor version tested).

Textual keeps a node's bindings, the app's keymap, its screen stacks, a
screen's compositor and a table's caches behind a leading underscore. The app needs each of them
once; when Textual changes, this module (and ``tests/app/test_compat.py``) is
what to look at. Nothing else in frontdesk touches a name with a leading
underscore that Textual owns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import DataTable


def translate_bindings(node: DOMNode, translate: Callable[[str], str]) -> None:
    """Give a node's bindings their text in the user's language.

    ``BINDINGS`` name message keys (``"keys.help"``) because the language is chosen
    at start-up, after the classes are defined: descriptions, tooltips and footer
    group labels that look like a key (they hold a dot) are replaced by ``translate(key)``.
    """

    def text(value: str) -> str:
        return translate(value) if value and "." in value else value

    def translated(binding: Binding) -> Binding:
        group = binding.group
        if group is not None:
            group = Binding.Group(text(group.description), group.compact)
        return dataclasses.replace(binding, description=text(binding.description),
                                   tooltip=text(binding.tooltip), group=group)

    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [translated(b) for b in bindings]


def forget_drawn_rows(table: DataTable) -> None:
    """Make a DataTable draw its rows again from scratch.

    A DataTable measures new rows when it is next idle, but keeps the lines it drew
    before that, keyed without the column widths (textual#3533): a row drawn in
    between stays cut to the old widths until the table changes again. Called
    when the table's size changes (:class:`~frontdesk.widgets.plain.PlainTable`).
    """
    table._clear_caches()
    table.refresh()


def keymap(app: App) -> dict[str, str]:
    """The user's keymap as the app applies it: binding id → keys."""
    return dict(getattr(app, "_keymap", None) or {})


def all_screens(app: App) -> Iterator[Screen]:
    """Every screen of every mode's stack, current or not."""
    for stack in app._screen_stacks.values():
        yield from stack


def rendered_strips(screen: Screen) -> list[Strip]:
    """Each terminal row of ``screen`` as last composed, with its styles."""
    return list(screen._compositor.render_strips())


def rendered_lines(screen: Screen) -> list[str]:
    """The text of each terminal row of ``screen`` as last composed (what a receptionist sees)."""
    return [strip.text for strip in rendered_strips(screen)]


def is_exiting(app: App) -> bool:
    """True once the app has been asked to exit."""
    return bool(app._exit)


# --- for benchmarks/keypress.py: timing a key from the driver to the painted frame ------------------


def after_display(app: App, callback: Callable[[Screen, object], None]) -> None:
    """Call ``callback(screen, renderable)`` after each frame the app hands to its driver."""
    original = app._display

    def display(screen, renderable) -> None:
        original(screen, renderable)
        callback(screen, renderable)

    app._display = display


def send_to_driver(app: App, message) -> None:
    """Deliver ``message`` (a key event) as the terminal driver would."""
    app._driver.send_message(message)
