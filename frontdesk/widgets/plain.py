"""Text from the database reaches the screen as text, never as markup or terminal control.

A name, note, label, unit or phone may hold anything an import or a keyboard let
in: ``[/]`` or ``[b]`` (Rich / Textual markup), an escape sequence that would
clear the terminal, an ID number. Everything the kit shows goes through
:func:`plain`: :func:`frontdesk.core.text.shown` masks ID numbers and makes
control characters visible, and the result is a :class:`rich.text.Text`, which
no widget parses as markup. The kit's widgets (:class:`PlainTable`, the status
line, the dialogs' titles and error lines, the form's messages, the paged list)
do it for every ``str`` they are given, so a new screen gets it for free; a
screen that builds its own ``Text`` appends ``shown(value)`` or ``plain(value)``.
"""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.option_list import Option

from frontdesk.core.text import shown
from frontdesk.widgets import compat


def plain(value: object, style: str = "", *, newlines: bool = True) -> Text:
    """``value`` as plain text: ID numbers masked, control characters visible, no markup.

    With ``newlines`` False a line break becomes a visible mark too (a cell, a one-line label).
    """
    if isinstance(value, Text):
        return safe_text(value)
    return Text(shown(value, keep_newlines=newlines), style=style)


def safe_text(text: Text) -> Text:
    """A ``Text`` built by a screen, checked the same way: unchanged unless it holds what :func:`shown` changes."""
    cleaned = shown(text.plain, keep_newlines=True)
    if cleaned == text.plain:
        return text
    return Text(cleaned, style=text.style)  # the spans no longer fit the changed text: one style for all


def cell(value: object) -> Text:
    """One line of plain text for a table cell."""
    if isinstance(value, Text):
        return safe_text(value)
    return Text(shown(value))


def option(prompt: object, id: str | None = None, *, disabled: bool = False) -> Option:
    """An OptionList entry whose prompt is plain text (an ``Option`` parses a ``str`` as markup)."""
    return Option(plain(prompt, newlines=False), id=id, disabled=disabled)


class PlainTable(DataTable):
    """A DataTable whose cells and column labels are plain text (a ``str`` cell is not read as markup).

    When its rows are measured (its size changes), rows already drawn are drawn again:
    DataTable would keep them cut to the old column widths (:func:`compat.forget_drawn_rows`).
    """

    def watch_virtual_size(self, _old: Size, _new: Size) -> None:
        compat.forget_drawn_rows(self)

    def add_column(self, label, *args, **kwargs):
        return super().add_column(cell(label), *args, **kwargs)

    def add_row(self, *cells, **kwargs):
        return super().add_row(*(cell(c) for c in cells), **kwargs)

    def update_cell(self, row_key, column_key, value, **kwargs) -> None:
        super().update_cell(row_key, column_key, cell(value), **kwargs)

    def update_cell_at(self, coordinate, value, **kwargs) -> None:
        super().update_cell_at(coordinate, cell(value), **kwargs)
