"""The main screens as pictures: F2, F5, F6, F7 and F8 at 100 and 140 columns, in zh-Hant and en,
and the key dialogs (the arrival dialog and the hand-off on F2, the owner form on F6) in zh-Hant.

A change that moves a layout shows as a picture diff (pytest writes snapshot_report.html). After a
change on purpose: ``python3 dev.py test tests/snapshots --snapshot-update``, and commit the SVGs.
"""

from __future__ import annotations

from functools import partial

import pytest
from sqlmodel import select

from frontdesk.core.db import open_database, session_scope
from frontdesk.models import Owner
from frontdesk.names import phone_tail
from tests.snapshots.conftest import desk_app, settled

SCREENS = {"queue": "F2", "checks": "F5", "owners": "F6", "reports": "F7", "roster": "F8"}
SIZES = {"100x36": (100, 36), "140x45": (140, 45)}
LANGUAGES = ("zh-Hant", "en")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("mode", SCREENS)
def test_screen(snap_compare, desk_url, mode, language, size):
    assert snap_compare(desk_app(desk_url, language, mode), terminal_size=SIZES[size], run_before=settled)


def _first_familiar_phone_digits(url: str) -> str:
    engine = open_database(url)
    try:
        with session_scope(engine) as s:
            phone = s.exec(select(Owner.phone).where(Owner.is_familiar).order_by(Owner.id)).first()
    finally:
        engine.dispose()
    return phone_tail(phone)


def test_arrival_dialog_finds_an_owner_by_phone_digits(snap_compare, desk_url):
    """F2, A and the last four digits of a familiar owner's phone: the dialog with its results."""
    digits = _first_familiar_phone_digits(desk_url)
    assert len(digits) == 4
    app = desk_app(desk_url, "zh-Hant", "queue")
    assert snap_compare(app, terminal_size=(100, 36), run_before=partial(settled_with_search, keys=("a", *digits)))


async def settled_with_search(pilot, keys):
    """The search runs a moment after typing stops: wait (on the pilot, at most 5 s) for its results."""
    await settled(pilot, *keys)
    for _ in range(50):
        if pilot.app.screen.rows:
            break
        await pilot.pause(0.1)
    assert pilot.app.screen.rows, "the search found nobody"
    await settled(pilot)


def test_handoff_dialog_at_100_by_30(snap_compare, desk_url):
    """F2, seat 1 (左2 serving a VIP), H: the hand-off dialog whole at 100×30."""
    app = desk_app(desk_url, "zh-Hant", "queue")
    assert snap_compare(app, terminal_size=(100, 30), run_before=partial(settled_keys, keys=("1", "h")))


def test_owner_form_editing_an_owner(snap_compare, desk_url):
    """F6, ↓ to the list, E: the owner form filled with the first owner."""
    app = desk_app(desk_url, "zh-Hant", "owners")
    assert snap_compare(app, terminal_size=(100, 36), run_before=partial(settled_keys, keys=("down", "e")))


async def settled_keys(pilot, keys):
    await settled(pilot, *keys)
