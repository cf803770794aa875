"""core.text: what leaves the domain is masked and shows its control characters."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from frontdesk.core import clock
from frontdesk.core.text import cell, has_controls, shown, visible_controls


def test_escape_sequences_become_visible_placeholders():
    assert shown("王\x1b[2J\x1b]0;pwned\x07小明") == "王␛[2J␛]0;pwned␇小明"
    assert visible_controls("a\x00b\x7fc\x9bd") == "a␀b␡c⟨U+009B⟩d"


def test_bidi_override_and_lone_surrogate_are_shown():
    assert shown("abc\u202edef") == "abc⟨U+202E⟩def"
    assert shown("x\ud800y") == "x\ufffdy"


def test_newlines_kept_only_when_asked_and_tab_is_a_space():
    assert shown("a\nb\tc") == "a␊b c"
    assert shown("a\nb", keep_newlines=True) == "a\nb"
    assert has_controls("a\x1b") and not has_controls("a\tb\nc") and not has_controls("王小明")


def test_shown_masks_id_numbers_and_is_plain_for_ordinary_text():
    assert shown("證件 11010519491231002X") == "證件 110105********002X"
    assert shown("[b]王[/b]") == "[b]王[/b]"  # markup is text here; the UI never parses it
    assert shown(None) == "" and shown(12) == "12"


def test_spreadsheet_cells_never_become_formulas():
    assert cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert cell("+1+1") == "'+1+1" and cell("@SUM(A1)") == "'@SUM(A1)" and cell("-A1") == "'-A1"
    assert cell("-3") == "-3" and cell("12") == "12" and cell("王") == "王"


def test_fixed_clock_moves_only_when_told():
    start = datetime(2026, 3, 31, 11, 58, tzinfo=timezone.utc)
    fixed = clock.FixedClock(start)
    previous = clock.use(fixed)
    try:
        assert clock.now() == start
        fixed.advance(minutes=5)
        assert clock.now() == start + timedelta(minutes=5)
        assert clock.resolve(None) == clock.now()
        naive = datetime(2026, 1, 1, 8, 0)
        assert clock.resolve(naive) == naive.replace(tzinfo=timezone.utc)
        assert clock.today() == clock.local_now().date()
    finally:
        clock.use(previous)
    assert isinstance(clock.current(), clock.SystemClock)
