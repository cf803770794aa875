"""RowList: a fast list of rows (Line API) with wide characters aligned, a cursor and DataTable-like messages."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import App, ComposeResult

from frontdesk.widgets import compat
from frontdesk.widgets.row_list import RowList, fit_cell
from tests.screen import screen_text

NAMES = ["王小明", "Li", "歐陽娜娜", "Zoë", "陳海"]


class ListApp(App):
    def __init__(self, rows: int = 5, width: int | None = None) -> None:
        super().__init__()
        self.rows = rows
        self.width = width
        self.messages: list[tuple[str, int, str | None]] = []

    def compose(self) -> ComposeResult:
        yield RowList(id="list", zebra_stripes=True)

    def on_mount(self) -> None:
        rows = self.query_one(RowList)
        rows.add_column("姓名", key="name", width=self.width)
        rows.add_column("Phone", key="phone")
        rows.add_column("單元", key="unit")
        for i in range(self.rows):
            name = NAMES[i % len(NAMES)]
            rows.add_row(Text(name, style="bold") if i == 2 else name, f"138 0000 {i:04d}", f"3-2-{1100 + i}",
                         key=f"k{i}")
        rows.focus()

    def on_row_list_row_highlighted(self, event: RowList.RowHighlighted) -> None:
        self.messages.append(("highlighted", event.cursor_row, event.row_key))

    def on_row_list_row_selected(self, event: RowList.RowSelected) -> None:
        self.messages.append(("selected", event.cursor_row, event.row_key))


def lines_with(app: App, needle: str) -> list[str]:
    return [line for line in screen_text(app).splitlines() if needle in line]


def test_fit_cell_pads_and_truncates_by_cells():
    assert fit_cell("ab", 4) == "ab  "
    assert fit_cell("王小明", 6) == "王小明"
    assert fit_cell("王小明", 5) == "王小…"
    assert fit_cell("王小明", 4) == "王… "  # 小 would be cut in half: dropped, and a space pads
    assert cell_len(fit_cell("歐陽娜娜", 4)) == 4 and fit_cell("歐陽娜娜", 4).startswith("歐…")
    assert fit_cell("abcdef", 4) == "abc…"
    assert fit_cell("x", 0) == ""


async def test_wide_characters_line_up():
    app = ListApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        header = lines_with(app, "Phone")[0]
        phone_start = cell_len(header[: header.index("Phone")])
        unit_start = cell_len(header[: header.index("單元")])
        for i in range(5):
            (line,) = lines_with(app, f"138 0000 {i:04d}")
            assert NAMES[i] in line
            assert cell_len(line[: line.index("138")]) == phone_start, line
            assert cell_len(line[: line.index("3-2-")]) == unit_start, line


async def test_a_fixed_width_column_cuts_with_an_ellipsis():
    app = ListApp(width=5)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        (line,) = lines_with(app, "138 0000 0002")
        assert "歐陽…" in line and "歐陽娜" not in line
        (short,) = lines_with(app, "138 0000 0001")
        assert "Li" in short and "…" not in short
        starts = {cell_len(row[: row.index("138")]) for row in lines_with(app, "138 0000")}
        assert len(starts) == 1


async def test_bold_text_cells_keep_their_text_and_style():
    app = ListApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        rows = app.query_one(RowList)
        assert isinstance(rows.get_row_at(2)[0], Text)
        assert rows.get_row_at(1) == ["Li", "138 0000 0001", "3-2-1101"]
        strip = rows._row_strip(2)
        assert any(seg.text.strip().startswith("歐陽娜娜") and seg.style.bold for seg in strip)


async def test_cursor_moves_and_posts_messages():
    app = ListApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        rows = app.query_one(RowList)
        assert rows.cursor_row == 0 and app.messages == [("highlighted", 0, "k0")]
        await pilot.press("down", "down")
        await pilot.pause()
        assert rows.cursor_row == 2 and rows.cursor_row_key == "k2"
        assert app.messages[-2:] == [("highlighted", 1, "k1"), ("highlighted", 2, "k2")]
        await pilot.press("up")
        await pilot.press("enter")
        await pilot.pause()
        assert app.messages[-2:] == [("highlighted", 1, "k1"), ("selected", 1, "k1")]
        count = len(app.messages)
        await pilot.press("up", "up")  # already at the top: stays, and nothing new is posted twice
        await pilot.pause()
        assert rows.cursor_row == 0 and app.messages[count:] == [("highlighted", 0, "k0")]


async def test_the_cursor_row_is_drawn_differently():
    app = ListApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        rows = app.query_one(RowList)
        before = rows._row_strip(1)
        await pilot.press("down")
        await pilot.pause()
        after = rows._row_strip(1)
        assert before.text == after.text and list(before) != list(after)
        # ...and on the screen: the row's line is repainted with the cursor's background.
        cursor_bg = list(after)[0].style.bgcolor
        (line,) = [strip for strip in compat.rendered_strips(app.screen) if "138 0000 0001" in strip.text]
        assert any(seg.style and seg.style.bgcolor == cursor_bg for seg in line if "Li" in seg.text)
        await pilot.press("down")
        await pilot.pause()
        (line,) = [strip for strip in compat.rendered_strips(app.screen) if "138 0000 0001" in strip.text]
        assert not any(seg.style and seg.style.bgcolor == cursor_bg for seg in line if "Li" in seg.text)


async def test_click_highlights_then_selects():
    app = ListApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        rows = app.query_one(RowList)
        await pilot.click(RowList, offset=(3, 4))  # line 0 is the header: line 4 is row 3
        await pilot.pause()
        assert rows.cursor_row == 3 and app.messages[-1] == ("highlighted", 3, "k3")
        await pilot.click(RowList, offset=(3, 4))
        await pilot.pause()
        assert app.messages[-1] == ("selected", 3, "k3")
        await pilot.click(RowList, offset=(3, 0))  # the header selects nothing
        await pilot.pause()
        assert rows.cursor_row == 3 and app.messages[-1] == ("selected", 3, "k3")


async def test_page_down_home_end_and_scrolling():
    app = ListApp(rows=100)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        rows = app.query_one(RowList)
        visible = rows.scrollable_content_region.height - 1  # under the header
        await pilot.press("pagedown")
        await pilot.pause()
        assert rows.cursor_row == visible
        assert lines_with(app, f"138 0000 {visible:04d}")  # scrolled into view
        assert "Phone" in screen_text(app).splitlines()[0]  # the header stays on top
        await pilot.press("end")
        await pilot.pause()
        assert rows.cursor_row == 99 and lines_with(app, "138 0000 0099")
        assert not lines_with(app, "138 0000 0000")
        await pilot.press("pageup")
        await pilot.pause()
        assert rows.cursor_row == 99 - visible
        await pilot.press("home")
        await pilot.pause()
        assert rows.cursor_row == 0 and lines_with(app, "138 0000 0000")
        assert app.messages[-1] == ("highlighted", 0, "k0")
        rows.move_cursor(row=500)  # clamped to the last row
        await pilot.pause()
        assert rows.cursor_row == 99


async def test_clear_and_refill():
    app = ListApp(rows=30)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        rows = app.query_one(RowList)
        await pilot.press("end")
        await pilot.pause()
        rows.clear()
        await pilot.pause()
        assert rows.row_count == 0 and rows.cursor_row == 0 and rows.cursor_row_key is None
        assert not lines_with(app, "138 0000") and lines_with(app, "Phone")
        count = len(app.messages)
        await pilot.press("down", "enter")  # nothing to move to or select
        await pilot.pause()
        assert app.messages[count:] == []
        rows.add_row("新的人", "139 1111 2222", "5-1-202", key="new")
        await pilot.pause()
        assert app.messages[-1] == ("highlighted", 0, "new")
        assert lines_with(app, "新的人") and rows.get_row_at(0)[0] == "新的人"


async def test_a_wider_cell_widens_its_column_and_keeps_alignment():
    app = ListApp(rows=2)
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        rows = app.query_one(RowList)
        rows.add_row("司馬勇鑫與歐陽娜娜", "138 0000 9999", "1-1-101", key="long")
        await pilot.pause()
        starts = {cell_len(line[: line.index("138")]) for line in lines_with(app, "138 0000")}
        assert len(starts) == 1
        assert lines_with(app, "司馬勇鑫與歐陽娜娜")
