"""F6 owners registry: find an owner or a unit as you type, see the details, add and edit.

UI only: every read and write goes through :mod:`frontdesk.owners` in a worker
(``app.run_db``). Searches run in one exclusive worker group, and a result is
shown only if it answers the latest text typed, so fast typing never shows
stale results. The table pages from SQL: moving near its end loads the next page.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from frontdesk import owners
from frontdesk.core.errors import NotFoundError
from frontdesk.core.i18n import t
from frontdesk.core.text import mask_ids_in_text
from frontdesk.names import parse_unit_code
from frontdesk.owners import OwnerDetail, OwnerRow, UnitDetail, display_phone, gender_label, role_label
from frontdesk.screens.owner_form import OwnerFormScreen, UnitFormScreen
from frontdesk.widgets.base import DeskScreen
from frontdesk.widgets.row_list import RowList

PAGE_SIZE = 50
# Load the next page when the cursor comes this close to the last loaded row.
PREFETCH_ROWS = 10


class OwnersTable(RowList):
    """The result table; asks for more rows when scrolled near its end."""

    # Home / End go to the first / last row read (End then reads the next page).
    BINDINGS = [
        Binding("home", "scroll_top", show=False, id="owners.first"),
        Binding("end", "scroll_bottom", show=False, id="owners.last"),
    ]

    class NearEnd(Message):
        pass

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if new_value > old_value and new_value >= self.max_scroll_y - PREFETCH_ROWS:
            self.post_message(self.NearEnd())


class OwnersScreen(DeskScreen):
    """F6: the owners and units of the estate."""

    TITLE_KEY = "owners.title"
    DEFAULT_CSS = """
    OwnersScreen #owners-search { margin: 0 1; }
    OwnersScreen #owners-status { width: 1fr; height: 1; padding: 0 2; color: $text-muted; }
    OwnersScreen #owners-main { height: 1fr; }
    OwnersScreen #owners-table { width: 3fr; min-width: 68; height: 1fr; }
    OwnersScreen #owners-detail { width: 2fr; height: 1fr; border-left: solid $primary; padding: 0 1; }
    OwnersScreen.-narrow #owners-table { min-width: 0; }
    OwnersScreen.-narrow #owners-detail { min-width: 30; }
    """
    # From 100 columns the table keeps room for every column (flags too); below, the
    # detail panel keeps a readable width and the table scrolls sideways.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (98, "-wide")]
    BINDINGS = [
        Binding("slash", "focus_search", "owners.key.search", id="owners.search"),
        Binding("a,ctrl+n", "add_owner", "owners.key.add", id="owners.add"),
        Binding("e", "edit_owner", "owners.key.edit", id="owners.edit"),
        Binding("u", "add_unit", "owners.key.add_unit", id="owners.add_unit"),
        Binding("escape", "clear_search", "owners.key.clear", id="owners.clear"),
        Binding("down", "focus_table", "owners.key.results", id="owners.results", show=False),
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._query = ""
        self._search_seq = 0  # the latest search; older results are dropped
        self._detail_seq = 0
        self._rows: dict[str, OwnerRow] = {}
        self._loaded = 0
        self._has_more = False
        self._loading_more = False
        self._detail: OwnerDetail | None = None

    # --- layout ------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(classes="screen-body"):
            yield Input(placeholder=t("owners.search_placeholder"), id="owners-search")
            yield Static("", id="owners-status")
            with Horizontal(id="owners-main"):
                yield OwnersTable(id="owners-table", zebra_stripes=True)
                with VerticalScroll(id="owners-detail"):
                    yield Static(t("owners.detail.none"), id="owners-detail-body")

    def on_mount(self) -> None:
        table = self.query_one(OwnersTable)
        table.add_column(t("owners.col.name"), key="name")
        table.add_column(t("owners.col.gender"), key="gender")
        table.add_column(t("owners.col.phone"), key="phone")
        table.add_column(t("owners.col.units"), key="units")
        table.add_column(t("owners.col.flags"), key="flags")
        self.query_one("#owners-search", Input).focus()
        self.search()

    def on_screen_resume(self) -> None:
        # Another screen may have changed owners meanwhile: refresh quietly.
        if self.is_mounted and self._search_seq:
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
        self._search_seq += 1
        seq, query = self._search_seq, self._query
        keep = self.query_one(OwnersTable).cursor_row if keep_cursor else 0
        limit = max(PAGE_SIZE, keep + PREFETCH_ROWS) if keep_cursor else PAGE_SIZE

        def work(session):
            rows = owners.search(session, query, limit=limit, per_unit=True)
            kind = owners.classify(query)[0]
            empty_unit = None
            if not rows and kind == "unit" and parse_unit_code(query):
                # A registered unit nobody lives in yet is not "nothing found".
                try:
                    empty_unit = owners.unit_detail(session, query)
                except NotFoundError:
                    pass
            return rows, kind, empty_unit

        self.app.run_db(
            work,
            lambda result: self._show_results(seq, result, limit, keep),
            group="owners-search",
            exclusive=True,
        )

    def _show_results(self, seq: int, result, limit: int, keep_row: int) -> None:
        if seq != self._search_seq:
            return  # an older search finished late: a newer one is on its way
        rows, kind, empty_unit = result
        table = self.query_one(OwnersTable)
        table.clear()
        self._rows.clear()
        self._loaded = 0
        self._loading_more = False
        self._add_rows(rows)
        self._has_more = len(rows) == limit
        self._update_status(kind)
        if empty_unit is not None:
            self._set_status(t("owners.status.unit_empty", code=empty_unit.unit.code))
            self._detail = None
            self.query_one("#owners-detail-body", Static).update(render_unit(empty_unit))
        elif not rows:
            self._show_detail(None)
        elif keep_row:
            table.move_cursor(row=min(keep_row, table.row_count - 1), scroll=True)

    def _add_rows(self, rows: list[OwnerRow]) -> None:
        table = self.query_one(OwnersTable)
        for row in rows:
            if row.key in self._rows:
                continue
            self._rows[row.key] = row
            name = Text(row.name)
            if row.is_vip:
                name.stylize("bold")
            units = f"{row.units} {role_label(row.role)}" if row.role else row.units
            flags = " ".join(
                label
                for on, label in ((row.is_vip, t("owners.flag.vip")), (row.is_familiar, t("owners.flag.familiar")))
                if on
            )
            table.add_row(name, gender_label(row.gender), row.phone, units, flags, key=row.key)
        self._loaded += len(rows)

    def _set_status(self, text: str) -> None:
        # One line of fixed height and full width: a new text needs a repaint, not a layout.
        self.query_one("#owners-status", Static).update(text, layout=False)

    def _update_status(self, kind: str) -> None:
        if kind == "short_digits":
            self._set_status(t("owners.status.short_digits"))
            return
        if kind == "none" or (not self._rows and kind != "all"):
            self._set_status(t("owners.status.nothing", query=self._query.strip()))
            return
        kinds = {
            "all": t("owners.kind.all"),
            "phone": t("owners.kind.phone"),
            "unit": t("owners.kind.unit"),
            "name": t("owners.kind.name"),
            "pinyin": t("owners.kind.pinyin"),
        }
        count = f"{len(self._rows)}+" if self._has_more else str(len(self._rows))
        self._set_status(t("owners.status.found", kind=kinds.get(kind, ""), count=count))

    def _load_more(self) -> None:
        if not self._has_more or self._loading_more:
            return
        self._loading_more = True
        seq, query, offset = self._search_seq, self._query, self._loaded

        def work(session):
            return owners.search(session, query, limit=PAGE_SIZE, offset=offset, per_unit=True)

        def show(rows: list[OwnerRow]) -> None:
            if seq != self._search_seq:
                return
            self._loading_more = False
            self._add_rows(rows)
            self._has_more = len(rows) == PAGE_SIZE
            self._update_status(owners.classify(query)[0])

        self.app.run_db(work, show, group="owners-search", exclusive=True)

    def on_owners_table_near_end(self, _event: OwnersTable.NearEnd) -> None:
        self._load_more()

    # --- the highlighted owner ------------------------------------------------------
    def on_row_list_row_highlighted(self, event: RowList.RowHighlighted) -> None:
        event.stop()
        row = self._rows.get(str(event.row_key))
        if row is None:
            return
        if event.cursor_row >= self.query_one(OwnersTable).row_count - PREFETCH_ROWS:
            self._load_more()
        # Its worker starts once the rows are painted, so it never delays them.
        self.call_after_refresh(self._load_detail, row.id)

    def on_row_list_row_selected(self, event: RowList.RowSelected) -> None:
        event.stop()
        self.action_edit_owner()

    def _load_detail(self, owner_id: int) -> None:
        self._detail_seq += 1
        seq = self._detail_seq

        def show(detail: OwnerDetail) -> None:
            if seq == self._detail_seq:
                self._show_detail(detail)

        def failed(exc: BaseException) -> bool:
            if isinstance(exc, NotFoundError):
                if seq == self._detail_seq:
                    self._show_detail(None)
                return True
            return False

        self.app.run_db(lambda s: owners.get_owner(s, owner_id), show, on_error=failed,
                        group="owners-detail", exclusive=True)

    def _show_detail(self, detail: OwnerDetail | None) -> None:
        self._detail = detail
        body = self.query_one("#owners-detail-body", Static)
        width = self.query_one("#owners-detail").scrollable_content_region.width
        body.update(render_detail(detail, width or None) if detail else t("owners.detail.none"))

    def on_resize(self) -> None:
        if self._detail is not None:  # phones move to their own line when the panel is narrow
            self.call_after_refresh(self._show_detail, self._detail)

    def current_row(self) -> OwnerRow | None:
        key = self.query_one(OwnersTable).cursor_row_key
        return None if key is None else self._rows.get(key)

    # --- actions ---------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#owners-search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(OwnersTable).focus()

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
            self.notify(t("owners.nothing_selected"), severity="warning")
            return

        def open_form(detail: OwnerDetail) -> None:
            self.app.push_screen(OwnerFormScreen(detail=detail), self._owner_saved)

        self.app.run_db(lambda s: owners.get_owner(s, row.id), open_form)

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


def render_unit(detail: UnitDetail) -> Group:
    """The detail panel for a unit with nobody registered in it yet."""
    unit = detail.unit
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row(t("owners.detail.units"), unit.code)
    if unit.notes:
        grid.add_row(t("owners.detail.notes"), mask_ids_in_text(unit.notes))
    nobody = Text(t("owners.detail.unit_empty"), style="dim")
    return Group(Text(unit.code, style="bold"), Text(""), grid, Text(""), nobody)


def render_detail(detail: OwnerDetail, width: int | None = None) -> Group:
    """The detail panel: who, phones, flags, units with the other people there, notes.

    With the panel's ``width``, a person's phone that would not fit after the name
    goes whole onto the next line instead of being cut.
    """
    owner = detail.owner
    title = Text(owner.name, style="bold")
    title.append(f"  {owners.honorific(owner)}", style="italic")
    for on, label, style in (
        (owner.is_vip, t("owners.flag.vip"), "bold black on yellow"),
        (owner.is_familiar, t("owners.flag.familiar"), "bold black on green"),
    ):
        if on:
            title.append("  ")
            title.append(f" {label} ", style=style)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    phones = " / ".join(p for p in (display_phone(owner.phone), display_phone(owner.phone2)) if p)
    grid.add_row(t("owners.detail.phones"), phones or "—")
    grid.add_row(t("owners.detail.gender"), gender_label(owner.gender))
    if not detail.units:
        grid.add_row(t("owners.detail.units"), t("owners.detail.no_units"))
    labels = [t("owners.detail.phones"), t("owners.detail.gender"), t("owners.detail.units"), t("owners.detail.notes")]
    room = width - max(cell_len(label) for label in labels) - 1 if width else None
    for i, unit in enumerate(detail.units):
        lines = Text(f"{unit.code}  {role_label(unit.role)}", style="bold")
        for person in unit.others:
            who = f"{person.name}  {role_label(person.role)}"
            lines.append(f"\n{who}", style="")
            if person.phone:
                fits = room is None or cell_len(who) + 2 + cell_len(person.phone) <= room
                lines.append(("  " if fits else "\n  ") + person.phone, style="dim")
        if not unit.others:
            lines.append("\n" + t("owners.detail.alone"), style="dim")
        grid.add_row(t("owners.detail.units") if i == 0 else "", lines)
    if owner.notes:
        grid.add_row(t("owners.detail.notes"), mask_ids_in_text(owner.notes))
    return Group(title, Text(""), grid)
