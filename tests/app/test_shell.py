"""The app shell: global keys switch screens, the header shows the desk, F1 lists keys."""

from __future__ import annotations

from textual.widgets import Footer, Static

from frontdesk.app import create_app
from frontdesk.screens.help import HelpScreen
from frontdesk.widgets import compat
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
        assert compat.is_exiting(app)  # the app was asked to exit
    assert app.return_code == 0


def test_key_labels_read_as_printed_on_the_keyboard():
    from frontdesk.screens.help import key_label

    assert key_label("ctrl+q") == "Ctrl+Q"
    assert key_label("f6") == "F6"
    assert key_label("slash") == "/"
    assert key_label("escape,enter") == "Esc / Enter"
    assert key_label("left_square_bracket") == "["


async def test_command_palette_goes_to_a_screen(db_url):
    app = create_app(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"業主")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "owners"


async def test_the_same_app_runs_on_postgresql(pg_url):
    """A postgresql+psycopg URL: migrated on start, a desk arrival and an owner search work."""
    from datetime import date

    from frontdesk import owners, roster
    from frontdesk.core.db import session_scope
    from frontdesk.demo import seed_demo

    app = create_app(pg_url)
    with session_scope(app.engine) as session:
        seed_demo(session, day=date.today())
    with session_scope(app.engine) as session:
        someone = owners.search(session, "", limit=1)[0]
        leader = roster.roster_for(session, date.today())["L2"].name
    async with app.run_test(size=(140, 45)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("a", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert f"左2 {leader}" in screen_text(app)
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press(*someone.name)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert someone.name in screen_text(app)
    app.engine.dispose()


async def test_header_desk_name_follows_the_language_unless_set(db_url):
    from frontdesk.core.config import Settings

    app = create_app(db_url, language="en")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert "Property service centre" in screen_text(app)
    app = create_app(db_url, settings=Settings(language="zh-Hans", desk_name="翠湖苑 物业服务中心"))
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert "翠湖苑 物业服务中心" in screen_text(app)


async def test_header_names_the_lead_on_duty_when_no_operator_is_given(db_url):
    from datetime import date

    from frontdesk import roster
    from frontdesk.core.db import session_scope
    from frontdesk.demo import seed_demo

    app = create_app(db_url)
    with session_scope(app.engine) as session:
        seed_demo(session, day=date.today())
        lead = next(p for p in roster.on_duty(session, date.today()) if p.role == "lead").name
    async with app.run_test(size=(140, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert f"值班:{lead}" in screen_text(app)
        await pilot.press("f6")
        await pilot.pause()
        assert f"值班:{lead}" in screen_text(app)


async def test_a_user_keymap_remaps_a_binding_by_its_id(db_url):
    from frontdesk.core.config import Settings

    settings = Settings(keymap={"go.owners": "f9"})
    app = create_app(db_url, settings=settings)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert "F9 業主" in screen_text(app)
        await pilot.press("f9")
        await pilot.pause()
        assert app.current_mode == "owners"
        await pilot.press("f2", "f6")  # the old key no longer goes there
        await pilot.pause()
        assert app.current_mode == "queue"
