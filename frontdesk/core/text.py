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
from datetime import date

from frontdesk.core import clock

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


# A resident ID number inside free text, however it was written: solid or in groups split by
# spaces (one to three, also no-break U+00A0, ideographic U+3000, tabs), hyphens or dashes, dots
# or slashes, in ASCII or full-width digits, the last character maybe X / x / Ｘ, glued to a
# prefix (身份證號11010519491231002X, ID:110105…) or not. First a *run* is found: digits joined by
# at most three separator characters each; then the run is cut into its groups and the ID
# numbers inside it are picked out (see _mask_run), so a phone (11 digits, 13 with +86), a
# work-order number (2026-000123) or a date written next to an ID number stays as it is.
_DIGITS = "0-9\uff10-\uff19"
_XS = "Xx\uff38\uff58"
_SEPARATORS = " \t\u00a0\u2002-\u200a\u202f\u3000\\-\u2010-\u2015\u2212\ufe63\uff0d./\uff0e\uff0f"
_RUN = re.compile(rf"[{_DIGITS}](?:[{_SEPARATORS}]{{0,3}}[{_DIGITS}])*(?:[{_SEPARATORS}]{{0,3}}[{_XS}])?")
_GROUP = re.compile(rf"[{_DIGITS}{_XS}]+")


def _real_date(year: int, month: int, day: int) -> bool:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _looks_like_id(number: str, *, grouped: bool) -> bool:
    """Whether ``number`` (digits and maybe a final X, already NFKC and upper case) is an ID number.

    Solid, 18 characters (17 digits and a digit or X) or 15 digits are taken as an ID number
    whatever they hold, as before: a typo in a note must not leak the rest. Written in groups,
    an 18-character number must have a real birth date and a matching check digit, a 15-digit
    (pre-1999) one a real birth date: digits split by spaces are otherwise too often a phone
    next to a date.
    """
    if len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X"):
        if not grouped:
            return True
        return (
            number[0] != "0"
            and _real_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            and 1900 <= int(number[6:10]) <= clock.today().year
            and _check_digit(number) == number[17]
        )
    if len(number) == 15 and number.isdigit():
        return not grouped or (
            number[0] != "0" and _real_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
        )
    return False


def _check_digit(number: str) -> str:
    from stdnum.cn import ric  # imported on the first grouped number, not at start-up

    return ric.calc_check_digit(number)


def _mask_run(run: str) -> str:
    """``run`` with the ID numbers among its groups masked.

    An ID number is a solid group of 18 (or 15) characters, or consecutive groups split by one
    and the same separator that make 18 together (15 only as 6-6-3), with a real birth date
    and check digit. Groups joined by a hyphen, dot or slash with no space (2026-000123,
    2026/3/31) belong together: a grouped ID number is never cut out of the middle of one.
    """
    groups = [(m.start(), m.end(), unicodedata.normalize("NFKC", m.group())) for m in _GROUP.finditer(run)]

    def word_break(k: int) -> bool:  # between groups k-1 and k (or at either end of the run)
        return k <= 0 or k >= len(groups) or any(ch.isspace() for ch in run[groups[k - 1][1] : groups[k][0]])

    def uniform(i: int, j: int) -> bool:  # groups i..j split by one and the same separator
        return len({run[groups[k - 1][1] : groups[k][0]] for k in range(i + 1, j + 1)}) == 1

    out, done, i = [], 0, 0
    while i < len(groups):
        found = None
        for size in (18, 15):
            number, j = "", i
            for j in range(i, len(groups)):
                number += groups[j][2]
                if len(number) >= size:
                    break
            if len(number) != size:
                continue
            solid = j == i
            if not solid and not (word_break(i) and word_break(j + 1) and uniform(i, j)):
                continue
            if size == 15 and not solid and [len(g[2]) for g in groups[i : j + 1]] != [6, 6, 3]:
                continue
            if _looks_like_id(number.upper(), grouped=not solid):
                found = (j, number)
                break
        if found is None:
            i += 1
            continue
        j, number = found
        out += [run[done : groups[i][0]], mask_id_number(number)]
        done, i = groups[j][1], j + 1
    out.append(run[done:])
    return "".join(out)


def mask_ids_in_text(text: str) -> str:
    """Every ID number inside ``text`` masked (``110105********002X``): for screens, exports and logs."""
    if not text:
        return ""
    return _RUN.sub(lambda m: _mask_run(m.group()) if len(m.group()) >= 15 else m.group(), text)


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


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula: it starts (after spaces) with
    ``= + - @`` and is not a plain number like ``-3``."""
    return text.lstrip().startswith(_FORMULA_START) and not _is_number(text)


def cell(value: object) -> str:
    """A CSV cell that never becomes a live formula: :func:`shown`, and text starting with
    ``= + - @`` gets a leading apostrophe (OWASP's advice for CSV injection); numbers like
    ``-3`` stay numbers. (An xlsx cell is typed as a string instead: ``report.write_xlsx``.)"""
    text = shown(value)
    if looks_like_formula(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- text coming in ----------------------------------------------------------------


class TextRefused(ValueError):
    """Typed or imported text the app will not store; the message (translated) says why and where."""


_LINE_BREAKS = re.compile(r"\r\n?")
_SPACES = re.compile(r"\s+")


def clean_input(value: str | None, *, field: str, limit: int, multiline: bool = False) -> str:
    """Text a person typed, pasted or imported, ready to store; :class:`TextRefused` when it cannot be.

    The one rule for every free-text field of the domain (names, notes, labels, reasons):

    - a lone surrogate (half of an emoji from a broken paste) is refused: the database could
      not store it;
    - control characters (an escape sequence that clears the screen or sets the terminal's
      title, a NUL, a bidi override) are refused, never stored; the message shows them as
      their visible placeholders (␛);
    - one-line fields get their runs of whitespace (tabs, line breaks) made one space;
      multi-line fields keep line breaks (``\\r\\n`` becomes ``\\n``) and tabs;
    - leading and trailing whitespace goes; more than ``limit`` characters is refused with a
      message naming the limit ("姓名最多 40 字").

    ``field`` is the field's name in the UI language, for the message.
    """
    from frontdesk.core.i18n import t

    text = value or ""
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise TextRefused(t("text.err_surrogate", field=field))
    text = _LINE_BREAKS.sub("\n", text)
    if not multiline:
        text = _SPACES.sub(" ", text)
    bad = list(dict.fromkeys(ch for ch in text if _unsafe(ch) and ch not in "\t\n"))  # in the order typed
    if bad:
        raise TextRefused(t("text.err_control", field=field, chars=" ".join(_placeholder(ch) for ch in bad[:5])))
    text = text.strip()
    if len(text) > limit:
        raise TextRefused(t("text.err_too_long", field=field, max=limit, count=len(text)))
    return text


def search_text(value: str | None) -> str:
    """A search query as it can be looked up: lone surrogates and control characters dropped
    (a search stores nothing, so it is cleaned, not refused)."""
    return "".join(ch for ch in value or "" if not _unsafe(ch) or ch in "\t\n")
