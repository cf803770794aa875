"""The app shell: global keys switch screens, the header shows the desk, F1 lists keys."""

from __future__ import annotations

from textual.widgets import Footer, Static

from frontdesk.app import create_app
from frontdesk.screens.help import HelpScreen
from frontdesk.widgets.header import DeskHeader
from tests.screen import screen_text


async def test_function_keys_switch_screens(db_url):
    app = create_app(db_url, operator="李文")
    async with app.run_test(size=(140, 40)) as pilot:
        assert app.current_mode == "queue"
        for key, mode in [("f1", "help"), ("f3", "visitors"), ("f4", "workorders"), ("f5", "checks"),
                          ("f6", "owners"), ("f7", "reports"), ("f8", "roster"), ("f2", "queue")]:
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode, key
        text = screen_text(app)
        assert "F6 業主" in text and "F1 說明" in text  # the screen keys line, never crowded out
        header = app.screen.query_one(DeskHeader)
        assert "李文" in str(header.query_one("#header-operator", Static).render())
        assert app.screen.query_one(Footer)


async def test_help_lists_global_and_screen_keys_in_chinese(db_url):
    app = create_app(db_url)
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "F6" in text and "業主" in text and "Ctrl+Q" in text


async def test_english_interface(db_url):
    app = create_app(db_url, language="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        text = screen_text(app)
        assert "Owners" in text and "業主" not in text


async def test_ctrl_q_quits(db_url):
    app = create_app(db_url)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app._exit  # the app was asked to exit
    assert app.return_code == 0


def test_key_labels_read_as_printed_on_the_keyboard():
    from frontdesk.screens.help import key_label

    assert key_label("ctrl+q") == "Ctrl+Q"
    assert key_label("f6") == "F6"
    assert key_label("slash") == "/"
    assert key_label("escape,enter") == "Esc / Enter"
    assert key_label("left_square_bracket") == "["
