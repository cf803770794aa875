"""The CJK font for printed PDFs: found, refused when it cannot be embedded, a clear message when none."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.core import fonts
from frontdesk.core.fonts import FontNotFound, find_cjk_font

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
needs_wqy = pytest.mark.skipif(not WQY.exists(), reason="fonts-wqy-microhei is not installed (.ci/run installs it)")


@needs_wqy
def test_a_linux_font_package_is_found():
    font = find_cjk_font()
    assert font.path.is_file() and fonts.usable(font.path, font.subfont)
    assert font.register() == "FrontdeskCJK"


@needs_wqy
def test_the_configured_font_wins(tmp_path):
    assert find_cjk_font(str(WQY)).path == WQY


def test_a_configured_font_that_is_missing_or_not_cjk_is_refused_naming_the_setting(tmp_path):
    with pytest.raises(FontNotFound) as info:
        find_cjk_font(tmp_path / "nope.ttf")
    assert "slip_font" in str(info.value)
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font")
    with pytest.raises(FontNotFound) as info:
        find_cjk_font(junk)
    assert "slip_font" in str(info.value) and str(junk) in str(info.value)
    if DEJAVU.exists():  # a real TrueType font without Chinese characters
        assert not fonts.usable(DEJAVU, 0)


def test_no_font_anywhere_names_the_setting(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "candidates", lambda: [(tmp_path / "a.ttc", 0)])
    with pytest.raises(FontNotFound) as info:
        find_cjk_font()
    assert "slip_font" in str(info.value) and "TrueType" in str(info.value)
