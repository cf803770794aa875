"""frontdesk/widgets/compat.py: the only code that touches Textual's private API still does what the app needs.

When Textual moves (the pin in pyproject.toml is its minor version), these fail first.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from frontdesk.widgets import compat


class Keys(Screen):
    BINDINGS = [
        Binding("a", "noop", "area.add", tooltip="area.add_long", id="t.add"),
        Binding("b", "noop", "area.busy", group=Binding.Group("area.states"), id="t.busy"),
        Binding("c", "noop", "Plain words", id="t.plain"),
    ]

    def action_noop(self) -> None:
        self.app.pressed.append(self)

    def compose(self) -> ComposeResult:
        yield Static("第一行")
        yield Static("second row")


class KeysApp(App):
    MODES = {"one": Keys, "two": Keys}

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list = []

    def on_mount(self) -> None:
        self.switch_mode("one")


def translate(key: str) -> str:
    return f"<{key}>"


async def test_translate_bindings_replaces_message_keys_only():
    app = KeysApp()
    async with app.run_test() as pilot:
        screen = app.screen
        compat.translate_bindings(screen, translate)
        await pilot.pause()
        bindings = {b.id: b for _node, b, _enabled, _tooltip in screen.active_bindings.values()}
        assert bindings["t.add"].description == "<area.add>" and bindings["t.add"].tooltip == "<area.add_long>"
        assert bindings["t.busy"].group.description == "<area.states>"
        assert bindings["t.plain"].description == "Plain words"  # not a key: left alone


async def test_keymap_screens_lines_and_exit():
    app = KeysApp()
    async with app.run_test(size=(40, 5)) as pilot:
        app.set_keymap({"t.add": "x"})
        assert compat.keymap(app) == {"t.add": "x"}
        app.switch_mode("two")
        await pilot.pause()
        assert len([s for s in compat.all_screens(app) if isinstance(s, Keys)]) == 2
        lines = compat.rendered_lines(app.screen)
        assert len(lines) == 5 and lines[0].startswith("第一行") and lines[1].startswith("second row")
        assert len(compat.rendered_strips(app.screen)) == 5
        assert not compat.is_exiting(app)
        app.exit()
        assert compat.is_exiting(app)


async def test_frames_and_driver_keys_for_the_keypress_benchmark():
    from textual import events

    app = KeysApp()
    frames = []
    async with app.run_test() as pilot:
        compat.after_display(app, lambda screen, renderable: frames.append(screen))
        key = events.Key("a", "a")
        key.set_sender(app)
        compat.send_to_driver(app, key)
        await pilot.pause()
        app.screen.query_one(Static).update("第一行改了")  # something to paint
        await pilot.pause(0.1)
        assert app.pressed == [app.screen] and frames


class TableApp(App):
    def compose(self) -> ComposeResult:
        from frontdesk.widgets.plain import PlainTable

        yield PlainTable(id="t")

    def on_mount(self) -> None:
        table = self.query_one("#t")
        table.add_column("Name")
        table.add_column("Duties")


async def test_a_table_row_drawn_before_its_columns_were_measured_is_drawn_again():
    """DataTable measures new rows when idle but keeps the lines it drew before (textual#3533): a row
    drawn in between stayed cut to the header's widths (F8 showed 「賀穎」 for 賀穎子) until the next change."""
    from tests.screen import screen_text

    app = TableApp()
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        table = app.query_one("#t")
        table.add_row("賀穎子", "Inquiry, Complaint")
        table.render_line(1)  # a frame drawn before the table's idle, as a busy screen does
        await pilot.pause()
        await pilot.pause()
        row = screen_text(app).splitlines()[1]
        assert "賀穎子" in row and "Inquiry, Complaint" in row, row
