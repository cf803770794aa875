"""A fast, keyboard-driven list of rows with a header: a lean stand-in for DataTable.

Built on Textual's Line API (:class:`~textual.scroll_view.ScrollView` with
``render_line``): only the visible lines are drawn, each from pre-formatted cell
strings padded to fixed column widths measured in terminal cells
(:func:`rich.cells.cell_len`), so Chinese characters line up. A cell wider than a
fixed column width ends in "…" and a wide character is never cut in half. Cells
are plain text, never markup; ID numbers in them are masked and control
characters made visible (:func:`frontdesk.core.text.shown`). The
rendered :class:`~textual.strip.Strip` of each row is cached; moving the cursor
redraws only the two rows concerned.

The API is the part of ``DataTable`` a row-cursor table uses: ``add_column``,
``add_row``, ``clear``, ``row_count``, ``cursor_row``, ``move_cursor``,
``get_row_at``, and the messages ``RowList.RowHighlighted`` / ``RowList.RowSelected``
(handled as ``on_row_list_row_highlighted`` / ``on_row_list_row_selected``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from frontdesk.core.text import shown

CellType = str | Text

ELLIPSIS = "…"


def fit_cell(text: str, width: int) -> str:
    """``text`` padded with spaces to exactly ``width`` cells, or cut to end in "…".

    A wide character that would straddle the cut is dropped (and a space pads
    the gap), so a character is never split in half.
    """
    if width <= 0:
        return ""
    length = cell_len(text)
    if length <= width:
        return text + " " * (width - length)
    room = width - 1  # keep one cell for the ellipsis
    used = 0
    out = []
    for char in text:
        size = get_character_cell_size(char)
        if used + size > room:
            break
        out.append(char)
        used += size
    return "".join(out) + ELLIPSIS + " " * (room - used)


def _plain(cell: CellType) -> str:
    """A cell's text on one line, as plain text: ID numbers masked, control characters visible."""
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return shown(text.replace("\n", " ").replace("\r", " "))


def _cell_style(cell: CellType) -> Style | None:
    """One style for the whole cell: a Text's own style plus those of its spans."""
    if not isinstance(cell, Text):
        return None
    style = Style.parse(cell.style) if isinstance(cell.style, str) else cell.style
    for span in cell.spans:
        span_style = Style.parse(span.style) if isinstance(span.style, str) else span.style
        style += span_style
    return style or None


@dataclass
class _Column:
    key: str
    label: str
    fixed_width: int | None
    content_width: int

    @property
    def width(self) -> int:
        return self.fixed_width if self.fixed_width is not None else self.content_width


class RowList(ScrollView, can_focus=True):
    """A scrolling list of rows under a header line, with a row cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False, id="row_list.select"),
        Binding("up", "cursor_up", "Up", show=False, id="row_list.up"),
        Binding("down", "cursor_down", "Down", show=False, id="row_list.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="row_list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="row_list.page_down"),
        Binding("home,ctrl+home", "scroll_top", "First", show=False, id="row_list.first"),
        Binding("end,ctrl+end", "scroll_bottom", "Last", show=False, id="row_list.last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--header",
        "row-list--cursor",
        "row-list--even-row",
        "row-list--odd-row",
    }

    DEFAULT_CSS = """
    RowList {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .row-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .row-list--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .row-list--even-row {
            background: $surface-darken-1 40%;
        }
        & > .row-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .row-list--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .row-list--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .row-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    CELL_PADDING = 1
    """Blank cells on each side of every cell."""

    class RowHighlighted(Message):
        """The cursor moved onto a row (``on_row_list_row_highlighted``)."""

        def __init__(self, row_list: RowList, cursor_row: int, row_key: str | None) -> None:
            self.row_list = row_list
            self.cursor_row = cursor_row
            self.row_key = row_key
            super().__init__()

        @property
        def control(self) -> RowList:
            return self.row_list

    class RowSelected(Message):
        """Enter or a click on the cursor row (``on_row_list_row_selected``)."""

        def __init__(self, row_list: RowList, cursor_row: int, row_key: str | None) -> None:
            self.row_list = row_list
            self.cursor_row = cursor_row
            self.row_key = row_key
            super().__init__()

        @property
        def control(self) -> RowList:
            return self.row_list

    def __init__(
        self,
        *,
        zebra_stripes: bool = False,
        show_header: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self.zebra_stripes = zebra_stripes
        self.show_header = show_header
        self._columns: list[_Column] = []
        self._rows: list[list[CellType]] = []
        # Per row: the plain text of each cell and its one style (or None).
        self._cells: list[list[tuple[str, Style | None]]] = []
        self._keys: list[str | None] = []
        self._key_index: dict[str, int] = {}
        self._cursor = 0
        self._strips: dict[int, Strip] = {}  # row index -> full-width rendered line
        self._header_strip: Strip | None = None
        self._styles: dict[str, Style] = {}  # component -> resolved style, until styles change
        self._width = 0  # of the scrollable content region, as last rendered
        self._size_stale = False  # rows or widths changed: the virtual size is set once, later
        self._repaint_pending = False

    # --- data ------------------------------------------------------------------------
    def add_column(self, label: CellType, *, key: str | None = None, width: int | None = None) -> str:
        """Add a column; ``width`` in cells fixes it, otherwise it fits its widest cell."""
        text = _plain(label)
        key = key if key is not None else str(len(self._columns))
        index = len(self._columns)
        content = max([cell_len(text)] + [cell_len(cells[index][0]) for cells in self._cells if len(cells) > index])
        self._columns.append(_Column(key, text, width, content))
        self._layout_changed()
        return key

    def add_row(self, *cells: CellType, key: str | None = None) -> str | None:
        """Add a row at the bottom. ``cells`` are strings or Rich ``Text`` (plain text, one style)."""
        if key is not None and key in self._key_index:
            raise ValueError(f"duplicate row key {key!r}")
        index = len(self._rows)
        prepared = [(_plain(cell), _cell_style(cell)) for cell in cells]
        widened = False
        for column, (text, _style) in zip(self._columns, prepared):
            size = cell_len(text)
            if size > column.content_width:
                column.content_width = size
                widened = widened or column.fixed_width is None
        self._rows.append(list(cells))
        self._cells.append(prepared)
        self._keys.append(key)
        if key is not None:
            self._key_index[key] = index
        if widened:
            self._layout_changed()
        else:
            self._size_changed()
            if index < round(self.scroll_y) + self.size.height:
                self._repaint()
        if index == 0:
            self._post_highlighted()  # a cursor row exists now
        return key

    def clear(self) -> None:
        """Remove every row (the columns stay); the cursor goes back to the top."""
        self._rows.clear()
        self._cells.clear()
        self._keys.clear()
        self._key_index.clear()
        self._cursor = 0
        for column in self._columns:
            column.content_width = cell_len(column.label)
        self._layout_changed()
        if self.scroll_x or self.scroll_y:
            self.scroll_to(0, 0, animate=False, force=True)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def cursor_row_key(self) -> str | None:
        """The key of the row under the cursor, or None when there are no rows."""
        return self._keys[self._cursor] if self._rows else None

    def get_row_at(self, row_index: int) -> list[CellType]:
        """The cells of a row, as they were added."""
        if not 0 <= row_index < len(self._rows):
            raise IndexError(row_index)
        return list(self._rows[row_index])

    def get_row_index(self, key: str) -> int:
        return self._key_index[key]

    # --- the cursor --------------------------------------------------------------------
    def move_cursor(self, *, row: int | None = None, scroll: bool = True) -> None:
        """Put the cursor on ``row`` (clamped to the rows there are) and post RowHighlighted."""
        if row is None or not self._rows:
            return
        row = max(0, min(row, len(self._rows) - 1))
        old = self._cursor
        self._cursor = row
        if scroll:
            self._scroll_cursor_into_view()
        if row != old:
            self._invalidate_row(old)
            self._invalidate_row(row)
            self._post_highlighted()

    def _post_highlighted(self) -> None:
        if self._rows:
            self.post_message(self.RowHighlighted(self, self._cursor, self._keys[self._cursor]))

    @property
    def _header_height(self) -> int:
        return 1 if self.show_header else 0

    @property
    def _visible_rows(self) -> int:
        return max(self.scrollable_content_region.height - self._header_height, 1)

    def _scroll_cursor_into_view(self) -> None:
        self._sync_virtual_size()
        if not self.size.height:  # not laid out yet: once it is
            self.call_after_refresh(self._scroll_cursor_into_view)
            return
        top = round(self.scroll_y)
        visible = self._visible_rows
        if self._cursor < top:
            target = self._cursor
        elif self._cursor >= top + visible:
            target = self._cursor - visible + 1
        else:
            return
        self.scroll_to(y=target, animate=False, force=True)

    # --- actions --------------------------------------------------------------------------
    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor - self._visible_rows)

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor + self._visible_rows)

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=len(self._rows) - 1)

    def action_select_cursor(self) -> None:
        if self._rows:
            self.post_message(self.RowSelected(self, self._cursor, self._keys[self._cursor]))

    async def on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("row")
        if row is None or not 0 <= row < len(self._rows):
            return
        event.stop()
        self.focus()
        was_cursor = row == self._cursor
        self.move_cursor(row=row)
        if was_cursor:
            self.action_select_cursor()

    # --- sizes and caches ------------------------------------------------------------------
    def _total_width(self) -> int:
        pad = 2 * self.CELL_PADDING
        return sum(column.width + pad for column in self._columns)

    def _size_changed(self) -> None:
        """Rows or widths changed: set the virtual size once the current batch of changes is done.

        Setting it asks for a layout of the whole screen; a search that clears and refills
        the rows should cause at most one, and none when the size ends up the same.
        """
        if not self._size_stale:
            self._size_stale = True
            self.call_later(self._sync_virtual_size)

    def _sync_virtual_size(self) -> None:
        if not self._size_stale:
            return
        self._size_stale = False
        # Narrower than the widget: as wide as the room left beside a vertical scrollbar,
        # whatever the rows, so new rows of other widths do not change the layout.
        styles = self.styles
        room = self.size.width - styles.gutter.width - styles.scrollbar_size_vertical
        size = Size(max(self._total_width(), room), len(self._rows) + self._header_height)
        if size != self.virtual_size:
            self.virtual_size = size

    def _repaint(self) -> None:
        """Ask for one repaint of the whole widget, however many rows change before it."""
        if not self._repaint_pending:
            self._repaint_pending = True
            self.refresh(self.scrollable_content_region.size.region)  # the lines, not the scrollbars

    def _layout_changed(self) -> None:
        """Column widths or the rows changed: every cached line is stale."""
        self._strips.clear()
        self._header_strip = None
        self._size_changed()
        self._repaint()

    def _invalidate_row(self, row_index: int) -> None:
        """Draw one row again (its line only, not the scrollbars), if it is in view."""
        self._strips.pop(row_index, None)
        y = row_index - round(self.scroll_y) + self._header_height
        if self._header_height <= y < self.scrollable_content_region.height:
            self.refresh(Region(0, y, self.scrollable_content_region.width, 1))

    def notify_style_update(self) -> None:
        self._strips.clear()
        self._header_strip = None
        self._styles.clear()
        super().notify_style_update()
        self.refresh()

    def on_resize(self, _event: events.Resize) -> None:
        self._size_stale = True
        self._sync_virtual_size()

    def on_focus(self, _event: events.Focus) -> None:
        self._styles.clear()
        self._invalidate_row(self._cursor)

    def on_blur(self, _event: events.Blur) -> None:
        self._styles.clear()
        self._invalidate_row(self._cursor)

    # --- rendering ----------------------------------------------------------------------------
    def _style(self, component: str) -> Style:
        """The resolved style of a component class ("" for the widget's own), cached."""
        style = self._styles.get(component)
        if style is None:
            if "" not in self._styles:
                self._styles[""] = self.rich_style
            style = self._styles[""]
            if component:
                style = style + self.get_component_rich_style(component)
            self._styles[component] = style
        return style

    def _render_cells(self, cells: list[tuple[str, Style | None]], base: Style, row: int) -> Strip:
        """One line: every column padded to its width, then blank to the widget's width."""
        plain = base + Style.from_meta({"row": row})
        pad = " " * self.CELL_PADDING
        segments = []
        total = 0
        for index, column in enumerate(self._columns):
            text, style = cells[index] if index < len(cells) else ("", None)
            segments.append(Segment(pad + fit_cell(text, column.width) + pad, plain + style if style else plain))
            total += column.width + 2 * self.CELL_PADDING
        if self._width > total:
            segments.append(Segment(" " * (self._width - total), plain))
            total = self._width
        return Strip(segments, total)

    def _row_strip(self, row_index: int) -> Strip:
        strip = self._strips.get(row_index)
        if strip is None:
            if row_index == self._cursor:
                base = self._style("row-list--cursor")
            elif self.zebra_stripes:
                base = self._style("row-list--odd-row" if row_index % 2 else "row-list--even-row")
            else:
                base = self._style("")
            strip = self._render_cells(self._cells[row_index], base, row_index)
            self._strips[row_index] = strip
        return strip

    def _header(self) -> Strip:
        if self._header_strip is None:
            labels = [(column.label, None) for column in self._columns]
            self._header_strip = self._render_cells(labels, self._style("row-list--header"), -1)
        return self._header_strip

    def render_lines(self, crop: Region) -> list[Strip]:
        self._repaint_pending = False
        self._sync_virtual_size()
        width = self.scrollable_content_region.width
        if width != self._width:  # resized: every line is drawn to the new width
            self._width = width
            self._strips.clear()
            self._header_strip = None
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self._width
        scroll_x = round(self.scroll_x)
        if self.show_header and y == 0:
            strip = self._header()
        else:
            row_index = y - self._header_height + round(self.scroll_y)
            if not 0 <= row_index < len(self._rows):
                return Strip.blank(width, self._style(""))
            strip = self._row_strip(row_index)
        return strip.crop(scroll_x, scroll_x + width)
