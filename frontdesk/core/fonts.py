"""A CJK TrueType font to embed in the PDFs the desk prints (the work-order slip 派工單).

A PDF that leans on the reader's fonts (reportlab's built-in CID fonts such as
``MSung-Light``) prints as empty boxes where those fonts are missing, so the font is
embedded (subset). It is found, in this order:

1. the path in the settings (``slip_font``, a ``.ttf`` or ``.ttc`` file);
2. the system fonts a Chinese desk PC has (Windows: Microsoft JhengHei / YaHei, SimSun,
   SimHei, MingLiU, DFKai-SB);
3. font packages on Linux (WenQuanYi Micro Hei / Zen Hei, AR PL UMing / UKai, Droid Sans
   Fallback) and Arial Unicode on macOS.

A candidate is used only if reportlab can embed it (TrueType outlines: Debian's
``fonts-noto-cjk`` are CFF OpenType and cannot be) and it has the characters of both
scripts. With none, :class:`FontNotFound` says so and names the setting.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from frontdesk.core.i18n import t

# Characters a slip needs in both scripts (Traditional and Simplified differ in 單/单, 號/号).
PROBE = "派工單单號号簽領签领"


def _windows_fonts() -> Path:
    return Path(os.environ.get("WINDIR") or "C:/Windows") / "Fonts"


def candidates() -> list[tuple[Path, int]]:
    """Where a CJK TrueType font usually is, best first: (path, index inside a .ttc)."""
    win = _windows_fonts()
    linux = Path("/usr/share/fonts/truetype")
    return [
        (win / "msjh.ttc", 0), (win / "msyh.ttc", 0), (win / "simsun.ttc", 0), (win / "simhei.ttf", 0),
        (win / "mingliu.ttc", 0), (win / "kaiu.ttf", 0),
        (linux / "wqy" / "wqy-microhei.ttc", 0), (linux / "wqy" / "wqy-zenhei.ttc", 0),
        (linux / "arphic" / "uming.ttc", 0), (linux / "arphic" / "ukai.ttc", 0),
        (linux / "droid" / "DroidSansFallbackFull.ttf", 0),
        (Path("/Library/Fonts/Arial Unicode.ttf"), 0),
        (Path("/System/Library/Fonts/Supplemental/Arial Unicode.ttf"), 0),
    ]


class FontNotFound(Exception):
    """No usable CJK TrueType font; the message names the setting to point at one."""


@dataclass(frozen=True)
class CJKFont:
    path: Path
    subfont: int = 0

    def register(self, name: str = "FrontdeskCJK") -> str:
        """Register with reportlab (once) and return the font name to draw with."""
        from reportlab.pdfbase import pdfmetrics

        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(_load(self.path, self.subfont, name))
        return name


def _load(path: Path, subfont: int, name: str = "probe"):
    from reportlab.pdfbase.ttfonts import TTFont

    return TTFont(name, str(path), subfontIndex=subfont)


@cache
def usable(path: Path, subfont: int = 0) -> bool:
    """True when reportlab can embed the font and it draws every character of :data:`PROBE`."""
    try:
        font = _load(path, subfont)
    except Exception:  # noqa: BLE001 - TTFError, OSError, a broken file: not usable
        return False
    glyphs = font.face.charToGlyph
    return all(ord(ch) in glyphs for ch in PROBE)


def find_cjk_font(configured: str | os.PathLike | None = None) -> CJKFont:
    """The font to embed: the configured one (which must work), else the first usable candidate."""
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise FontNotFound(t("fonts.configured_missing", path=path))
        if not usable(path, 0):
            raise FontNotFound(t("fonts.configured_unusable", path=path))
        return CJKFont(path, 0)
    for path, subfont in candidates():
        if path.is_file() and usable(path, subfont):
            return CJKFont(path, subfont)
    raise FontNotFound(t("fonts.none_found"))
