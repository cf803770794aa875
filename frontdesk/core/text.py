"""Text leaving the domain: the one place personal data is masked and stored text made safe to show.

Whatever a name, note or label holds, it reaches a screen, an export or a log line
through :func:`shown` (or, for a cell of a spreadsheet, :func:`cell`):

- ID numbers inside it are masked (``110105********002X``), however they were written;
- control characters (an escape sequence that would clear the screen or set the
  terminal's title, a NUL, a bidi override that reorders what follows) become
  visible placeholders (``␛``, ``␀``, ``⟨U+202E⟩``), and a lone surrogate becomes ``�``.

The UI then shows the result as plain text (``rich.text.Text``), never as markup.
"""

from __future__ import annotations

import re
import unicodedata

# --- ID numbers ---------------------------------------------------------------------


def mask_id_number(value: str) -> str:
    """``110105********002X``: the first six and last four stay, the rest is starred.

    Used in every view, export and log. Short or unknown documents keep at most
    their last four characters.
    """
    value = unicodedata.normalize("NFKC", value or "").strip()
    if not value:
        return ""
    if len(value) >= 15:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    keep = min(4, max(len(value) - 4, 0))
    return "*" * (len(value) - keep) + value[len(value) - keep :]


# A resident ID number inside free text: 18 characters (the last may be X) or 15 digits,
# written solid or in groups split by spaces or hyphens (110105 19491231 002X), not part
# of a longer run. Phone numbers (11 digits, 13 with +86) are too short to match.
_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])((?:\d[ \-]?){17}[\dXx]|(?:\d[ \-]?){14}\d)(?![0-9A-Za-z])"
)


def mask_ids_in_text(text: str) -> str:
    """Every ID number inside ``text`` masked (``110105********002X``): for notes, exports and logs."""

    def masked(match: re.Match) -> str:
        return mask_id_number(re.sub(r"[ \-]", "", match.group(1)))

    return _ID_IN_TEXT.sub(masked, text or "")


# --- control characters -----------------------------------------------------------

# Bidi embeddings, overrides and isolates, and the invisible marks that reorder text.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _placeholder(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (␛ for ESC)
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"⟨U+{code:04X}⟩"


def _unsafe(ch: str) -> bool:
    code = ord(ch)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F
        or 0xD800 <= code <= 0xDFFF
        or ch in _BIDI
    )


def visible_controls(text: str, *, keep_newlines: bool = False) -> str:
    """Control characters replaced by visible placeholders (tabs become a space)."""
    if not text:
        return ""
    out = []
    for ch in text:
        if ch == "\t":
            out.append(" ")
        elif ch == "\n" and keep_newlines:
            out.append(ch)
        elif _unsafe(ch):
            out.append(_placeholder(ch))
        else:
            out.append(ch)
    return "".join(out)


def has_controls(text: str) -> bool:
    """True when ``text`` holds a character :func:`visible_controls` would replace (tab and newline aside)."""
    return any(_unsafe(ch) and ch not in "\t\n" for ch in text or "")


def shown(value: object, *, keep_newlines: bool = False) -> str:
    """``value`` as a screen, an export or a log may show it: ID numbers masked, controls visible."""
    text = "" if value is None else str(value)
    return visible_controls(mask_ids_in_text(text), keep_newlines=keep_newlines)


# --- spreadsheets ------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@")


def cell(value: object) -> str:
    """A spreadsheet cell that never becomes a live formula: text starting with ``= + - @`` gets a
    leading apostrophe (OWASP's advice for CSV injection); numbers like ``-3`` stay numbers."""
    text = shown(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
