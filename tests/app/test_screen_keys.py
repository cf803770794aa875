"""The line of global keys above the footer (widgets/base.py ScreenKeys): F1–F8, ^P and ^Q always fit.

At 100 columns every screen key and both app keys are shown whole with their names, in every
language and on every screen; on a wide terminal the roomier form is used; a user keymap is followed.
"""

from __future__ import annotations

import pytest

from frontdesk.app import SCREENS, FrontDeskApp, create_app
from frontdesk.core.config import Settings
from frontdesk.core.i18n import set_language, t
from frontdesk.screens.queue import QueueScreen
from frontdesk.widgets.base import ScreenKeys
from tests.screen import screen_text

LANGUAGES = ("zh-Hant", "zh-Hans", "en")


@pytest.fixture(autouse=True)
def _no_background_reads(monkeypatch):
    monkeypatch.setattr(QueueScreen, "POLL_SECONDS", 3600.0)


def names(language: str, *, short: bool = False) -> list[tuple[str, str]]:
    """(key, name) for every global binding, as the line must show them (``short``: the compact form's names)."""
    set_language(language)
    shown = {"ctrl+p": "^P", "ctrl+q": "^Q"}
    return [(shown.get(b.key, b.key.upper()), t(ScreenKeys.SHORT_NAMES[b.id] if short else b.description))
            for b in FrontDeskApp.BINDINGS]


def key_line(app) -> str:
    return screen_text(app).splitlines()[-2]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_global_key_fits_at_100_columns_on_every_screen(db_url, fixed_clock, language):
    roomy, expected = names(language), names(language, short=True)
    assert len(expected) == 10
    if language != "en":
        assert roomy == expected  # Chinese names are short already: only English has names of its own
    app = create_app(db_url, language=language)
    async with app.run_test(size=(100, 30)) as pilot:
        for mode in SCREENS:
            app.switch_mode(mode)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            line = key_line(app)
            assert "…" not in line, (mode, line)
            for key, name in expected:
                assert f"{key} {name}" in line, (mode, key, name, line)
            # in the order of the keys
            positions = [line.index(f"{key} {name}") for key, name in expected]
            assert positions == sorted(positions), line


async def test_a_wide_terminal_keeps_the_roomy_form(db_url, fixed_clock):
    app = create_app(db_url, language="en")
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        line = key_line(app)
        assert " F1 Help  F2 Desk  F3 Visitors  F4 Work orders  F5 Self-checks " in line, line
        assert not app.screen.query_one(ScreenKeys).compact
        assert line.rstrip().endswith("^P Commands  ^Q Quit"), line


async def test_the_line_changes_form_when_the_terminal_is_resized(db_url, fixed_clock):
    app = create_app(db_url, language="en")
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        assert "  F2 Desk  " in key_line(app)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        line = key_line(app)
        assert "…" not in line and "F4 Orders" in line and "F8 Roster" in line and "^Q Quit" in line, line
        assert app.screen.query_one(ScreenKeys).compact
        await pilot.resize_terminal(140, 30)
        await pilot.pause()
        await pilot.pause()
        assert "  F2 Desk  " in key_line(app)


async def test_a_remapped_key_is_shown_and_still_fits(db_url, fixed_clock):
    settings = Settings(language="en", keymap={"go.owners": "ctrl+o"})
    app = create_app(db_url, settings=settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        line = key_line(app)
        assert "^O Owners" in line and "F6" not in line, line
        assert "F8 Roster" in line and "^Q Quit" in line and "…" not in line, line


async def test_a_very_narrow_terminal_still_shows_the_app_keys(db_url, fixed_clock):
    app = create_app(db_url, language="en")
    async with app.run_test(size=(60, 30)) as pilot:
        await pilot.pause()
        line = key_line(app)
        assert "…" in line and "^P" in line and "^Q Quit" in line, line
