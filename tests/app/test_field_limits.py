"""Field limits said at the field (issue 8 A5): nothing typed or pasted is cut, saving is refused until it fits."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session
from textual import events
from textual.widgets import Input, Label

from frontdesk import owners
from frontdesk.app import create_app
from frontdesk.models import Owner, Staff
from frontdesk.screens.owner_form import OwnerFormScreen
from frontdesk.screens.roster import StaffFormScreen
from tests.screen import screen_text


async def settle(app, pilot) -> None:
    for _ in range(2):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def open_owner_form(app, pilot) -> OwnerFormScreen:
    """F6, then Ctrl+N: the form for a new owner."""
    await settle(app, pilot)
    await pilot.press("ctrl+n")
    await pilot.pause()
    form = app.screen
    assert isinstance(form, OwnerFormScreen)
    return form


def count(app, model) -> int:
    with Session(app.engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


async def test_a_pasted_10000_character_name_is_kept_and_refused_with_its_limit(db_url):
    app = create_app(db_url, start_mode="owners")
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_owner_form(app, pilot)
        name = form.query_one("#f-name", Input)
        name.post_message(events.Paste("王" * 10_000))
        await pilot.pause()
        assert name.value == "王" * 10_000  # nothing cut
        line = form.query_one("#err-name", Label)
        assert line.display and f"最多 {owners.NAME_MAX} 字" in str(line.render()) and "10000" in str(line.render())
        assert "請填寫姓名" not in screen_text(app)
        form.query_one("#f-gender").value = "M"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and name.value == "王" * 10_000  # refused, still there
        assert f"最多 {owners.NAME_MAX} 字" in str(line.render())
        assert count(app, Owner) == 0
        # Shortened to fit: the message goes as it is typed, and the owner is saved.
        name.value = "王大明"
        await pilot.pause()
        assert not line.display
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert not isinstance(app.screen, OwnerFormScreen)
    assert count(app, Owner) == 1


async def test_typing_past_the_limit_says_so_at_once_and_cuts_nothing(db_url):
    app = create_app(db_url, start_mode="owners")
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_owner_form(app, pilot)
        name = form.query_one("#f-name", Input)
        line = form.query_one("#err-name", Label)
        await pilot.press(*("a" * owners.NAME_MAX))
        assert len(name.value) == owners.NAME_MAX and not line.display
        await pilot.press("b")
        assert name.value == "a" * owners.NAME_MAX + "b"
        assert line.display and f"最多 {owners.NAME_MAX} 字" in str(line.render())
        await pilot.press("backspace")
        assert not line.display


async def test_the_staff_form_names_its_limit_too(db_url):
    app = create_app(db_url)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("f8")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, StaffFormScreen)
        form.query_one("#f-name", Input).value = "林" * 41
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form and "最多 40 字" in str(form.query_one("#err-name", Label).render())
        assert form.query_one("#f-name", Input).value == "林" * 41
    assert count(app, Staff) == 0
