"""F6 owners registry: find an owner or a unit as you type, see the details, add and edit.

UI only: every read and write goes through :mod:`frontdesk.owners` in ``app.run_db``.
The result list is the kit's :class:`~frontdesk.widgets.paged.PagedList`: it pages
from SQL (moving near its end reads the next page) and only the newest search
answers, so fast typing never shows stale results.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from frontdesk import owners
from frontdesk.core.errors import NotFoundError
from frontdesk.core.i18n import t
from frontdesk.core.text import shown
from frontdesk.names import parse_unit_code
from frontdesk.owners import OwnerDetail, OwnerRow, UnitDetail, display_phone, gender_label, role_label
from frontdesk.screens.owner_form import OwnerFormScreen, UnitFormScreen
from frontdesk.widgets.base import DeskScreen
from frontdesk.widgets.paged import Page, PagedList
from frontdesk.widgets.plain import plain
from frontdesk.widgets.row_list import RowList
from frontdesk.widgets.status import StatusLine

PAGE_SIZE = PagedList.PAGE_SIZE


def fetch_owners(session, query: str, limit: int, offset: int) -> Page:
    """One page of the search; the first also says what kind of search it was and finds an empty unit."""
    rows = owners.search(session, query, limit=limit, offset=offset, per_unit=True)
    if offset:
        return Page(rows)
    kind = owners.classify(query)[0]
    empty_unit = None
    if not rows and kind == "unit" and parse_unit_code(query):
        # A registered unit nobody lives in yet is not "nothing found".
        try:
            empty_unit = owners.unit_detail(session, query)
        except NotFoundError:
            pass
    return Page(rows, info=(kind, empty_unit))


def owner_cells(row: OwnerRow) -> tuple:
    name = plain(row.name, "bold" if row.is_vip else "", newlines=False)
    units = f"{row.units} {role_label(row.role)}" if row.role else row.units
    flags = " ".join(label for on, label in ((row.is_vip, t("owners.flag.vip")),
                                             (row.is_familiar, t("owners.flag.familiar"))) if on)
    return name, gender_label(row.gender), row.phone, units, flags


class OwnersTable(PagedList):
    """The result list."""

    # Home / End go to the first / last row read (End then reads the next page).
    BINDINGS = [
        Binding("home", "scroll_top", show=False, id="owners.first"),
        Binding("end", "scroll_bottom", show=False, id="owners.last"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(fetch_owners, key=lambda row: row.key, cells=owner_cells, **kwargs)


class OwnersScreen(DeskScreen):
    """F6: the owners and units of the estate."""

    TITLE_KEY = "owners.title"
    CSS_PATH = "owners.tcss"
    # From 100 columns the table keeps room for every column (flags too); below, the
    # detail panel keeps a readable width and the table scrolls sideways.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (98, "-wide")]
    BINDINGS = [
        # "/" never needs typing into the search (no unit, name or phone has one): from anywhere it goes there.
        Binding("slash", "focus_search", "owners.key.search", id="owners.search", priority=True),
        Binding("a,ctrl+n", "add_owner", "owners.key.add", id="owners.add"),
        Binding("e", "edit_owner", "owners.key.edit", id="owners.edit"),
        Binding("u", "add_unit", "owners.key.add_unit", id="owners.add_unit"),
        Binding("escape", "clear_search", "owners.key.clear", id="owners.clear"),
        Binding("down", "focus_table", "owners.key.results", id="owners.results", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._query = ""
        self._detail: OwnerDetail | None = None

    # --- layout ------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(classes="screen-body"):
            yield Input(placeholder=t("owners.search_placeholder"), id="owners-search")
            yield StatusLine(id="owners-status", one_line=True)
            with Horizontal(id="owners-main"):
                yield OwnersTable(id="owners-table", zebra_stripes=True)
                with VerticalScroll(id="owners-detail"):
                    yield Static(plain(t("owners.detail.none")), id="owners-detail-body")

    @property
    def table(self) -> OwnersTable:
        return self.query_one(OwnersTable)

    def on_mount(self) -> None:
        table = self.table
        table.add_column(t("owners.col.name"), key="name")
        table.add_column(t("owners.col.gender"), key="gender")
        table.add_column(t("owners.col.phone"), key="phone")
        table.add_column(t("owners.col.units"), key="units")
        table.add_column(t("owners.col.flags"), key="flags")
        self.query_one("#owners-search", Input).focus()
        self.search()

    def on_screen_resume(self) -> None:
        # Another screen may have changed owners meanwhile: refresh quietly.
        if self.is_mounted and self.table.started:
            self.search(keep_cursor=True)

    def reload(self) -> None:
        self.search(keep_cursor=True)

    # --- searching -----------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "owners-search":
            event.stop()
            self._query = event.value
            self.search()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "owners-search":
            event.stop()
            self.action_focus_table()

    def search(self, *, keep_cursor: bool = False) -> None:
        """Start the search for the text in the box; it replaces any search still running."""
        self.table.load(self._query, keep_cursor=keep_cursor)

    def on_paged_list_loaded(self, event: PagedList.Loaded) -> None:
        event.stop()
        if not event.first:
            self._update_status(owners.classify(self.table.search_query)[0])
            return
        kind, empty_unit = event.page.info
        self._update_status(kind)
        if empty_unit is not None:
            self.say(t("owners.status.unit_empty", code=empty_unit.unit.code))
            self._detail = None
            self.query_one("#owners-detail-body", Static).update(render_unit(empty_unit))
        elif not event.page.rows:
            self._show_detail(None)

    def _update_status(self, kind: str) -> None:
        table = self.table
        if kind == "short_digits":
            self.say(t("owners.status.short_digits"))
            return
        if kind == "none" or (not table.items and kind != "all"):
            self.say(t("owners.status.nothing", query=table.search_query.strip()))
            return
        kinds = {
            "all": t("owners.kind.all"),
            "phone": t("owners.kind.phone"),
            "unit": t("owners.kind.unit"),
            "name": t("owners.kind.name"),
            "pinyin": t("owners.kind.pinyin"),
        }
        count = f"{len(table.items)}+" if table.has_more else str(len(table.items))
        self.say(t("owners.status.found", kind=kinds.get(kind, ""), count=count))

    # --- the highlighted owner ------------------------------------------------------
    def on_row_list_row_highlighted(self, event: RowList.RowHighlighted) -> None:
        event.stop()
        row = self.table.items.get(str(event.row_key))
        if row is not None:
            # Its worker starts once the rows are painted, so it never delays them.
            self.call_after_refresh(self._load_detail, row.id)

    def on_row_list_row_selected(self, event: RowList.RowSelected) -> None:
        event.stop()
        self.action_edit_owner()

    def _load_detail(self, owner_id: int) -> None:
        def refused(exc: BaseException) -> None:
            if isinstance(exc, NotFoundError):
                self._show_detail(None)  # deleted meanwhile
            else:
                self.say(str(exc), error=True)

        self.app.run_db(lambda s: owners.get_owner(s, owner_id), self._show_detail, node=self, key="owners.detail",
                        on_error=refused)

    def _show_detail(self, detail: OwnerDetail | None) -> None:
        self._detail = detail
        body = self.query_one("#owners-detail-body", Static)
        width = self.query_one("#owners-detail").scrollable_content_region.width
        body.update(render_detail(detail, width or None) if detail else plain(t("owners.detail.none")))

    def on_resize(self) -> None:
        if self._detail is not None:  # phones move to their own line when the panel is narrow
            self.call_after_refresh(self._show_detail, self._detail)

    def current_row(self) -> OwnerRow | None:
        return self.table.current()

    # --- actions ---------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#owners-search", Input).focus()

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_clear_search(self) -> None:
        box = self.query_one("#owners-search", Input)
        box.focus()
        if box.value:
            box.value = ""  # Input.Changed starts the new search

    def action_add_owner(self) -> None:
        prefill = ""
        kind, key = owners.classify(self._query)
        if kind == "unit" and parse_unit_code(key):
            prefill = key  # adding the owner of the unit just looked up
        self.app.push_screen(OwnerFormScreen(units=prefill), self._owner_added)

    def action_edit_owner(self) -> None:
        row = self.current_row()
        if row is None:
            self.say(t("owners.nothing_selected"), error=True)
            return

        def open_form(detail: OwnerDetail) -> None:
            self.app.push_screen(OwnerFormScreen(detail=detail), self._owner_saved)

        self.app.run_db(lambda s: owners.get_owner(s, row.id), open_form, node=self)

    def action_add_unit(self) -> None:
        self.app.push_screen(UnitFormScreen(), self._unit_saved)

    def _owner_saved(self, name: str | None) -> None:
        if name:
            self.notify(t("owners.saved", name=name))
            self.search(keep_cursor=True)

    def _owner_added(self, name: str | None) -> None:
        """A new owner: look it up by name, so it is in the list and its detail shows."""
        if name:
            self.notify(t("owners.saved", name=name))
            box = self.query_one("#owners-search", Input)
            if box.value == name:
                self.search()
            else:
                box.value = name  # Input.Changed starts the search
            self.action_focus_table()

    def _unit_saved(self, code: str | None) -> None:
        if code:
            self.notify(t("owners.unit_saved", code=code))
            box = self.query_one("#owners-search", Input)
            box.value = code
            box.focus()


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    return grid


def render_unit(detail: UnitDetail) -> Group:
    """The detail panel for a unit with nobody registered in it yet."""
    unit = detail.unit
    grid = _grid()
    grid.add_row(plain(t("owners.detail.units")), plain(unit.code))
    if unit.notes:
        grid.add_row(plain(t("owners.detail.notes")), plain(unit.notes))
    nobody = plain(t("owners.detail.unit_empty"), "dim")
    return Group(plain(unit.code, "bold"), Text(""), grid, Text(""), nobody)


def render_detail(detail: OwnerDetail, width: int | None = None) -> Group:
    """The detail panel: who, phones, flags, units with the other people there, notes.

    With the panel's ``width``, a person's phone that would not fit after the name
    goes whole onto the next line instead of being cut. Every value is plain text.
    """
    owner = detail.owner
    title = Text(shown(owner.name), style="bold")
    title.append(f"  {shown(owners.honorific(owner))}", style="italic")
    for on, label, style in (
        (owner.is_vip, t("owners.flag.vip"), "bold black on yellow"),
        (owner.is_familiar, t("owners.flag.familiar"), "bold black on green"),
    ):
        if on:
            title.append("  ")
            title.append(f" {label} ", style=style)
    grid = _grid()
    phones = " / ".join(p for p in (display_phone(owner.phone), display_phone(owner.phone2)) if p)
    grid.add_row(plain(t("owners.detail.phones")), plain(phones or "—"))
    grid.add_row(plain(t("owners.detail.gender")), plain(gender_label(owner.gender)))
    if not detail.units:
        grid.add_row(plain(t("owners.detail.units")), plain(t("owners.detail.no_units")))
    labels = [t("owners.detail.phones"), t("owners.detail.gender"), t("owners.detail.units"), t("owners.detail.notes")]
    room = width - max(cell_len(label) for label in labels) - 1 if width else None
    for i, unit in enumerate(detail.units):
        lines = Text(shown(f"{unit.code}  {role_label(unit.role)}"), style="bold")
        for person in unit.others:
            who = shown(f"{person.name}  {role_label(person.role)}")
            phone = shown(person.phone)
            lines.append(f"\n{who}", style="")
            if phone:
                fits = room is None or cell_len(who) + 2 + cell_len(phone) <= room
                lines.append(("  " if fits else "\n  ") + phone, style="dim")
        if not unit.others:
            lines.append("\n" + t("owners.detail.alone"), style="dim")
        grid.add_row(plain(t("owners.detail.units") if i == 0 else ""), lines)
    if owner.notes:
        grid.add_row(plain(t("owners.detail.notes")), plain(owner.notes))
    return Group(title, Text(""), grid)
