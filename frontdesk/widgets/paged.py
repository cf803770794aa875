"""A list that reads its rows from SQL a page at a time (F6 owners; visitors and work orders next).

:class:`PagedList` is a :class:`~frontdesk.widgets.row_list.RowList` given three
functions: ``fetch(session, query, limit, offset)`` reads one page (a list of
rows, or a :class:`Page` with something more the screen wants from the first
one), ``key(row)`` names a row and ``cells(row)`` draws it. :meth:`PagedList.load`
starts over for a query (replacing any read still running: only the newest
answers); moving or scrolling near the end of what is loaded reads the next
page. Each page posts :class:`PagedList.Loaded`. A screen costs the same on a
ten-year database as on an empty one, because nothing reads more than a page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from textual.message import Message

from frontdesk.core.text import shown

from frontdesk.widgets.row_list import CellType, RowList


@dataclass
class Page:
    """One page of rows, and (on the first page) what else the screen asked the database."""

    rows: list[Any]
    info: Any = None


Fetch = Callable[[Session, str, int, int], "Page | list[Any]"]


class PagedList(RowList):
    """Rows read from SQL a page at a time; the next page is read before the cursor gets to the end."""

    PAGE_SIZE = 50
    PREFETCH_ROWS = 10  # read the next page when the cursor comes this close to the last row read

    class Loaded(Message):
        """A page arrived (``first``: the first page of a new query; the rows before it are gone)."""

        def __init__(self, paged: PagedList, page: Page, first: bool) -> None:
            self.paged = paged
            self.page = page
            self.first = first
            super().__init__()

        @property
        def control(self) -> PagedList:
            return self.paged

    def __init__(self, fetch: Fetch, *, key: Callable[[Any], str], cells: Callable[[Any], Sequence[CellType]],
                 page_size: int | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._fetch_page = fetch
        self._row_key = key
        self._row_cells = cells
        self.page_size = page_size or self.PAGE_SIZE
        self.search_query = ""  # (not "query": that is DOMNode.query)
        self.items: dict[str, Any] = {}  # row key → row, for every row read
        self.has_more = False
        self.started = False  # a first page has been asked for
        self._loading_more = False

    # --- reading ------------------------------------------------------------------------
    def load(self, query: str, *, keep_cursor: bool = False) -> None:
        """Read the first page for ``query`` (with ``keep_cursor``, enough rows to keep the cursor where it is)."""
        self.search_query = query
        self.started = True
        self._loading_more = False
        keep = self.cursor_row if keep_cursor else 0
        limit = max(self.page_size, keep + self.PREFETCH_ROWS) if keep_cursor else self.page_size
        fetch = self._fetch_page
        self.app.run_db(lambda s: fetch(s, query, limit, 0), lambda page: self.show_page(page, limit, keep, True),
                        node=self, key="page")

    def load_more(self) -> None:
        """Read the next page, unless everything is read or a read is under way."""
        if not self.has_more or self._loading_more:
            return
        self._loading_more = True
        query, offset, limit, fetch = self.search_query, len(self.items), self.page_size, self._fetch_page
        self.app.run_db(lambda s: fetch(s, query, limit, offset), lambda page: self.show_page(page, limit, 0, False),
                        node=self, key="page")

    def show_page(self, page: Page | list[Any], limit: int, keep_row: int, first: bool) -> None:
        if not isinstance(page, Page):
            page = Page(list(page))
        if first:
            self.clear()
            self.items.clear()
        self._loading_more = False
        for row in page.rows:
            key = self._row_key(row)
            if key in self.items:
                continue
            self.items[key] = row
            self.add_row(*self._row_cells(row), key=key)
        self.has_more = len(page.rows) == limit
        if first and keep_row and self.row_count:
            self.move_cursor(row=min(keep_row, self.row_count - 1), scroll=True)
        self.post_message(self.Loaded(self, page, first))

    def show_domain_error(self, exc: BaseException) -> None:
        """A read refused by the domain: said on the screen's status line (not read again)."""
        say = getattr(self.screen, "say", None)
        if say is not None:
            say(str(exc), error=True)
        else:
            self.app.notify(shown(str(exc)), severity="error", markup=False)

    # --- where the cursor is ----------------------------------------------------------------
    def current(self) -> Any | None:
        key = self.cursor_row_key
        return None if key is None else self.items.get(key)

    def on_row_list_row_highlighted(self, event: RowList.RowHighlighted) -> None:
        if event.row_list is self and event.cursor_row >= self.row_count - self.PREFETCH_ROWS:
            self.load_more()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value > old_value and new_value >= self.max_scroll_y - self.PREFETCH_ROWS:
            self.load_more()
