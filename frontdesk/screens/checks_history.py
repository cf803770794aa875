"""F5 → H: self-check trends. Per person and per item, compliance over 7 and 30 days, with a Sparkline.

Up/Down choose a person (the first row is the whole team); the item table and
the chart follow. Escape goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Sparkline, Static

from frontdesk import selfchecks as sc
from frontdesk.core.i18n import t, tn
from frontdesk.widgets.modal import Modal
from frontdesk.widgets.plain import PlainTable, plain

TEAM = "team"


@dataclass
class HistoryData:
    people: list[sc.PersonTrend]
    items: list[sc.ItemTrend]
    team_daily: list[tuple[date, float | None]]


def load_history(session, today: date, staff_id: int | None, staff_ids: list[int] | None) -> HistoryData:
    people = sc.person_trends(session, today, staff_ids=staff_ids)
    if staff_ids:  # the board's order (standing order of the seats)
        people.sort(key=lambda p: staff_ids.index(p.staff_id) if p.staff_id in staff_ids else len(staff_ids))
    items = sc.item_trends(session, today, staff_id=staff_id)
    team = sc.person_trends(session, today)
    daily: list[tuple[date, float | None]] = []
    if team:
        for n, (day, _rate) in enumerate(team[0].daily):
            rates = [p.daily[n][1] for p in team if p.daily[n][1] is not None]
            daily.append((day, sum(rates) / len(rates) if rates else None))
    return HistoryData(people=people, items=items, team_daily=daily)


def rate_cell(rate: sc.Rate) -> Text:
    value = rate.rate
    style = "" if value is None else ("green" if value >= 0.95 else "yellow" if value >= 0.8 else "bold red")
    return Text(rate.percent(), style=style, justify="right")


class ChecksHistoryScreen(Modal[None]):
    CSS_PATH = "checks.tcss"
    BINDINGS = [
        Binding("escape,h", "close", "checks.key_back", id="checks.history_close"),
        Binding("tab", "switch_table", "checks.key_switch_table", id="checks.history_switch"),
    ]

    def __init__(self, today: date, staff_ids: list[int], selected: int | None = None) -> None:
        super().__init__(t("checks.history_title", date=today.isoformat()), hint=t("checks.history_hint"))
        self.today = today
        self.staff_ids = staff_ids
        self.selected: int | None = selected
        self.data: HistoryData | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="history-top"):
            yield PlainTable(id="history-people", cursor_type="row", zebra_stripes=True)
            with Vertical(id="history-chart"):
                yield Static("", id="history-spark-caption")
                yield Sparkline([], id="history-spark", summary_function=max)
        yield Static("", id="history-items-title")
        yield PlainTable(id="history-items", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        people = self.query_one("#history-people", DataTable)
        for label in (t("checks.col_name"), t("checks.col_rate7"), t("checks.col_rate30"), t("checks.col_checks7"),
                      t("checks.col_checks30"), t("checks.col_fails30")):
            people.add_column(label)
        people.focus()
        self.reload(first=True)

    def reload(self, *, first: bool = False) -> None:
        today, selected, ids = self.today, self.selected, self.staff_ids
        self.app.run_db(lambda s: load_history(s, today, selected, ids), lambda data: self._show(data, first=first),
                        node=self, key="history")

    def _show(self, data: HistoryData, *, first: bool) -> None:
        self.data = data
        if first:
            table = self.query_one("#history-people", DataTable)
            table.clear()
            team7, team30 = sc.Rate(), sc.Rate()
            for p in data.people:
                for total, part in ((team7, p.last7), (team30, p.last30)):
                    total.passed += part.passed
                    total.failed += part.failed
                    total.na += part.na
            table.add_row(Text(t("checks.history_team"), style="bold"), rate_cell(team7), rate_cell(team30),
                          str(sum(p.checks7 for p in data.people)), str(sum(p.checks30 for p in data.people)),
                          str(team30.failed), key=TEAM)
            for p in data.people:
                table.add_row(p.name, rate_cell(p.last7), rate_cell(p.last30), str(p.checks7), str(p.checks30),
                              str(p.last30.failed), key=str(p.staff_id))
            keys = [TEAM] + [str(p.staff_id) for p in data.people]
            want = str(self.selected) if self.selected is not None else TEAM
            if want in keys:
                table.move_cursor(row=keys.index(want), animate=False)
        self._show_chart(data)
        self._show_items(data)

    def _person(self, data: HistoryData) -> sc.PersonTrend | None:
        return next((p for p in data.people if p.staff_id == self.selected), None)

    def _show_chart(self, data: HistoryData) -> None:
        person = self._person(data)
        series = person.daily if person is not None else data.team_daily
        values = [rate * 100 for _day, rate in series if rate is not None]
        name = person.name if person is not None else t("checks.history_team")
        spark = self.query_one("#history-spark", Sparkline)
        caption = self.query_one("#history-spark-caption", Static)
        if len(values) < 2:
            spark.data = []
            caption.update(plain(t("checks.history_chart_empty", name=name)))
            return
        spark.data = values
        caption.update(plain(tn("checks.history_chart", len(values), name=name,
                                low=f"{min(values):.0f}%", high=f"{max(values):.0f}%", last=f"{values[-1]:.0f}%")))

    def _show_items(self, data: HistoryData) -> None:
        person = self._person(data)
        name = person.name if person is not None else t("checks.history_team")
        self.query_one("#history-items-title", Static).update(plain(t("checks.history_items", name=name)))
        table = self.query_one("#history-items", DataTable)
        table.clear(columns=True)
        # fitted to the dialog: the numbers stay in view, a long seed text wraps
        numbers = [t("checks.col_rate7"), t("checks.col_rate30"), t("checks.col_fails7"), t("checks.col_fails30"),
                   t("checks.col_na30")]
        number_w = [max(5, cell_len(label)) for label in numbers]
        section_w = max([cell_len(t("checks.col_section"))] + [cell_len(item.section) for item in data.items])
        natural = max([cell_len(t("checks.col_item"))] + [cell_len(item.text) for item in data.items])
        width = table.size.width - 2  # less the vertical scrollbar
        room = width - sum(number_w) - 2 * (len(numbers) + 2)  # for the section and the item
        if room < section_w + 24:  # narrow: the section wraps too
            section_w = max(6, room // 3)
        item_w = max(12, min(natural, room - section_w))
        table.add_column(t("checks.col_section"), width=section_w)
        table.add_column(t("checks.col_item"), width=item_w)
        for label, w in zip(numbers, number_w):
            table.add_column(label, width=w)
        for item in data.items:
            table.add_row(plain(item.section), plain(item.text), rate_cell(item.last7), rate_cell(item.last30),
                          Text(str(item.last7.failed), justify="right"), Text(str(item.last30.failed), justify="right"),
                          Text(str(item.last30.na), justify="right"), height=None)
        if not data.items:
            table.add_row(t("checks.history_none"), "", "", "", "", "", "")

    def on_resize(self, event: events.Resize) -> None:
        if self.data is not None:
            self.call_after_refresh(self._show_items, self.data)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id != "history-people" or event.row_key is None:
            return
        key = event.row_key.value
        selected = None if key == TEAM else int(key)
        if selected != self.selected:
            self.selected = selected
            self.reload()

    def action_switch_table(self) -> None:
        people = self.query_one("#history-people", DataTable)
        items = self.query_one("#history-items", DataTable)
        (items if people.has_focus else people).focus()

    def action_close(self) -> None:
        self.dismiss(None)
