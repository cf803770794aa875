"""Chinese motor-vehicle plates (GA 36) for contractor vehicle passes (seed 5.1 車輛進出入管理).

No well-kept library validates them, so the rules are here, tested with tables of real formats:

- ordinary plates: a province character, the issuing office's letter (never I or O), then 5
  letters or digits (never I or O): ``京A12345``, ``粤B3C5D7``;
- new-energy plates, 8 characters: after the province and the letter either D or F, one
  letter or digit and 4 digits (small vehicles: ``京AD12345``, ``沪AFA1234``), or 5 digits then
  D or F (large vehicles: ``京A12345D``);
- plates with a closing character: province, letter, 4 letters or digits and 學 (coach car),
  警 (police), 港 or 澳 (cross-border), 掛 (trailer): ``粤Z1234港``, ``京A1234学``.

Plates are written in Simplified Chinese; the Traditional spelling (滬, 粵, 學, 掛) is accepted
and stored simplified. Spaces, dots, ``·`` and hyphens are ignored, letters upper-cased.
"""

from __future__ import annotations

import re
import unicodedata

from frontdesk.core.i18n import t

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Traditional spellings of the province and closing characters that differ.
_TRADITIONAL = str.maketrans({
    "滬": "沪", "遼": "辽", "雲": "云", "魯": "鲁", "蘇": "苏", "贛": "赣", "晉": "晋",
    "陝": "陕", "閩": "闽", "貴": "贵", "粵": "粤", "寧": "宁", "瓊": "琼", "學": "学", "掛": "挂",
})
ENDINGS = "学警港澳挂"
_LETTER = "A-HJ-NP-Z"  # no I, no O
_ALNUM = "A-HJ-NP-Z0-9"
_ORDINARY = re.compile(rf"^[{PROVINCES}][{_LETTER}][{_ALNUM}]{{5}}$")
_NEW_ENERGY_SMALL = re.compile(rf"^[{PROVINCES}][{_LETTER}][DF][{_ALNUM}]\d{{4}}$")
_NEW_ENERGY_LARGE = re.compile(rf"^[{PROVINCES}][{_LETTER}]\d{{5}}[DF]$")
_WITH_ENDING = re.compile(rf"^[{PROVINCES}][{_LETTER}][{_ALNUM}]{{4}}[{ENDINGS}]$")
_SEPARATORS = re.compile(r"[\s\-.·•・_]+")


class PlateError(ValueError):
    """Not a plate; the message says why, in the user's language."""


def normalize_plate(text: str) -> str:
    """Upper case, simplified province, separators removed: ``粵b·12345`` → ``粤B12345``."""
    text = unicodedata.normalize("NFKC", text or "").upper().translate(_TRADITIONAL)
    return _SEPARATORS.sub("", text)


def plate_kind(plate: str) -> str | None:
    """``ordinary``, ``new_energy`` or ``special`` (a closing character) for a normalised plate, else None."""
    if _ORDINARY.match(plate):
        return "ordinary"
    if _NEW_ENERGY_SMALL.match(plate) or _NEW_ENERGY_LARGE.match(plate):
        return "new_energy"
    if _WITH_ENDING.match(plate):
        return "special"
    return None


def parse_plate(text: str) -> str:
    """The plate, normalised, or :class:`PlateError` naming what is wrong."""
    plate = normalize_plate(text)
    if not plate:
        raise PlateError(t("documents.err_plate_empty"))
    if plate_kind(plate) is not None:
        return plate
    if plate[0] not in PROVINCES:
        raise PlateError(t("documents.err_plate_province", plate=plate))
    if len(plate) < 2 or not re.match(f"[{_LETTER}]", plate[1]):
        raise PlateError(t("documents.err_plate_office", plate=plate))
    if "I" in plate or "O" in plate:
        raise PlateError(t("documents.err_plate_io", plate=plate))
    if len(plate) not in (7, 8):
        raise PlateError(t("documents.err_plate_length", plate=plate, length=len(plate)))
    raise PlateError(t("documents.err_plate_format", plate=plate))
